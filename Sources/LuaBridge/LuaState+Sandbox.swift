import CLua
import CLuaSandbox

/// The sandbox: what Lua code run by a `LuaState` can reach.
///
/// Libraries: base, `string`, `table`, `math`, `utf8`, `coroutine`, and `os.time`/`os.date`/
/// `os.clock`. Removed: `dofile`, `loadfile`, `string.dump`, `io`, `debug`, `package`, the rest of
/// `os`. Restricted: `load` (text only), `collectgarbage` ("collect", "step", "count"), `rawset`
/// (not on the globals table), `require` (confined to `modulePaths`, cached), `print` (goes to
/// `printHandler`). Assigning an undeclared global is an error; namespaces made by `register`/`set`
/// are the only globals the host adds, and scripts see them read-only like the libraries. The
/// string metatable is hidden (`__metatable`).
///
/// Nothing shared is writable: the libraries, and every table `require` returns (deeply: its
/// nested tables too), are read-only views — empty tables whose metatable reads through to the
/// real table, which no path (pairs, next, rawget, rawset, getmetatable, `__index` results, the
/// string metatable) hands out; a module still changes its own tables through its upvalues. The
/// built-in globals cannot be reassigned. `setmetatable` refuses `__gc` (finalizers run with hooks
/// off, from collections in host code and in `lua_close`, where no limit applies).
///
/// A table whose metatable has a `__whole` function (the rule engine's lazy rows) is filled in
/// before `next`, `pairs`, `rawget`, `rawset`, `getmetatable` or `setmetatable` see it: the
/// metatable is removed and `__whole(table)` called, under the same limits as any code.
///
/// Work done in C is charged to the instruction budget: `string.find/match/gmatch/gsub` run the
/// sandbox's own matcher (CLuaSandbox/pattern.c), which counts its steps; `table.insert/remove/
/// sort/move/concat` are charged for their loops; `string.rep` of nothing returns at once and a
/// result larger than the memory left is a memory overrun; nested `coroutine.close` is bounded
/// (Lua 5.4.4 overflows the C stack otherwise).
extension LuaState {
    func installSandbox() {
        lua_createtable(L, Int32(modulePaths.count), 0)
        for (index, path) in modulePaths.enumerated() {
            let directory = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
            lua_pushlstring(L, directory, directory.utf8.count)
            lua_rawseti(L, -2, lua_Integer(index + 1))
        }
        ci_lua_open_sandbox(L, -1)
        ci_lua_pop(L, 1)
        installPrint()
        ci_sandbox_harden(L)
    }
}
