import CLua

/// The sandbox: what Lua code run by a `LuaState` can reach.
///
/// Libraries: base, `string`, `table`, `math`, `utf8`, `coroutine`, and `os.time`/`os.date`/
/// `os.clock`. Removed: `dofile`, `loadfile`, `string.dump`, `io`, `debug`, `package`, the rest of
/// `os`. Restricted: `load` (text only), `collectgarbage` ("collect", "step", "count"), `rawset`
/// (not on the globals table), `require` (confined to `modulePaths`, cached), `print` (goes to
/// `printHandler`). Assigning an undeclared global is an error; namespaces made by `register`/`set`
/// are the only globals the host adds. The string metatable is hidden (`__metatable`). The
/// libraries are read-only views and the built-in globals cannot be reassigned (a plugin shares
/// its state with the rule set's engine). `string.find/match/gmatch/gsub` refuse a pattern whose
/// backtracking over the subject could outrun the instruction budget (the matcher runs in C,
/// where the count hook never fires).
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
        ci_lua_seal_globals(L)
    }
}
