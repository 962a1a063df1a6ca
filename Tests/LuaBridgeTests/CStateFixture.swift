import CLua
import CLuaLimits
import CLuaSandbox
@testable import LuaBridge

/// A Lua state built with the C targets' API alone (no `LuaState`), for the tests of CLuaLimits,
/// CLuaSandbox and CPhoneNumbers: what the C promises, checked where Swift does not hide it.
final class CStateFixture {
    let L: OpaquePointer
    let limits: UnsafeMutablePointer<ci_lua_limits>

    /// A state whose allocator counts into `limits` (ceiling `limitBytes`, budget `budgetTicks`
    /// hook ticks), with the count hook installed. `libraries`: Lua's own (`luaL_openlibs`), or
    /// the sandbox with `require` confined to `moduleDirectories`.
    enum Libraries { case plain, sandbox(moduleDirectories: [String]) }

    init(_ libraries: Libraries = .plain, limitBytes: Int = 64 << 20, budgetTicks: Int64 = 1_000_000) throws {
        limits = .allocate(capacity: 1)
        limits.initialize(to: ci_lua_limits())
        limits.pointee.limit_bytes = size_t(limitBytes)
        guard let state = ci_lua_newstate(limits) else {
            limits.deallocate()
            throw LuaError(kind: .memoryLimit, message: "cannot create a Lua state")
        }
        L = state
        switch libraries {
        case .plain:
            luaL_openlibs(L)
        case .sandbox(let directories):
            lua_createtable(L, Int32(directories.count), 0)
            for (index, directory) in directories.enumerated() {
                lua_pushlstring(L, directory, directory.utf8.count)
                lua_rawseti(L, -2, lua_Integer(index + 1))
            }
            ci_lua_open_sandbox(L, -1)
            ci_lua_pop(L, 1)
        }
        ci_lua_update_collect_threshold(limits)
        limits.pointee.budget_ticks = budgetTicks
        ci_lua_install_count_hook(L)
    }

    deinit {
        lua_close(L)
        limits.deallocate()
    }

    /// What a protected run gave: Lua's status and the results (or the error message with its
    /// traceback) as text.
    struct Outcome {
        var status: Int32
        var values: [String]
        var ok: Bool { status == LUA_OK }
        var message: String { values.first ?? "" }
    }

    /// Loads `source` as text named `chunk` and runs it with `ci_lua_pcall` (limits on), the
    /// message handler below it, as `LuaState` does.
    func run(_ source: String, chunk: String = "test") -> Outcome {
        let base = lua_gettop(L)
        defer { lua_settop(L, base) }
        ci_lua_push_message_handler(L)
        var source = source
        var status = source.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { ci_lua_load_buffer(L, $0.baseAddress, $0.count, "=" + chunk) }
        }
        if status == LUA_OK { status = ci_lua_pcall(L, 0, base + 1) }
        let top = lua_gettop(L)
        let values = top > base + 1 ? ((base + 2)...top).map { describe($0) } : []
        return Outcome(status: status, values: values)
    }

    /// The value at `index` as text, without calling metamethods (which could raise).
    func describe(_ index: Int32) -> String {
        switch lua_type(L, index) {
        case LUA_TNIL: return "nil"
        case LUA_TBOOLEAN: return lua_toboolean(L, index) != 0 ? "true" : "false"
        case LUA_TSTRING, LUA_TNUMBER:
            var length = 0
            let bytes = lua_tolstring(L, index, &length)!
            return String(decoding: UnsafeRawBufferPointer(start: bytes, count: length), as: UTF8.self)
        default: return String(cString: lua_typename(L, lua_type(L, index)))
        }
    }

    /// Sets global `name` to the value on top of the stack (raw: the sandbox's globals refuse new
    /// names from scripts, not from the host).
    func setGlobal(_ name: String) {
        let value = lua_gettop(L)
        ci_lua_push_globals(L)
        lua_pushlstring(L, name, name.utf8.count)
        lua_pushvalue(L, value)
        lua_rawset(L, -3)
        lua_settop(L, value - 1)
    }
}
