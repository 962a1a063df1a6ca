import CLua

/// A Swift closure exposed to Lua. The `LuaState` keeps the box alive (one retain, released in
/// `deinit`); the Lua closure holds its address as a light userdata.
final class HostFunctionBox {
    unowned let state: LuaState
    let body: ([LuaValue]) throws -> [LuaValue]

    init(state: LuaState, body: @escaping ([LuaValue]) throws -> [LuaValue]) {
        self.state = state
        self.body = body
    }
}

/// Runs a host function for the C trampoline (`ci_lua_call_host`): converts the arguments, runs
/// the closure and pushes its results; on any Swift error pushes the message and returns -1, so
/// the trampoline raises the Lua error in C, never across this frame.
///
/// `L` is the running thread (a coroutine when called from one), not necessarily the main state.
func luaHostFunctionThunk(_ L: OpaquePointer?, _ box: UnsafeMutableRawPointer?) -> Int32 {
    guard let L, let box else { return 0 }
    let host = Unmanaged<HostFunctionBox>.fromOpaque(box).takeUnretainedValue()
    let state = host.state
    let count = lua_gettop(L)
    do {
        var arguments: [LuaValue] = []
        if count > 0 {
            arguments.reserveCapacity(Int(count))
            for index in 1...count {
                arguments.append(try state.value(at: index, in: L))
            }
        }
        let results = try host.body(arguments)
        guard lua_checkstack(L, Int32(results.count) + 8) != 0 else {
            throw LuaError(kind: .runtime, message: "too many results (\(results.count)) for the Lua stack")
        }
        for result in results {
            try state.push(result, in: L)
        }
        return Int32(results.count)
    } catch {
        lua_settop(L, count)
        let message = (error as? LuaError).map(\.description) ?? String(describing: error)
        lua_pushlstring(L, message, message.utf8.count)
        return -1
    }
}

/// Functions written in C that a host may expose to scripts (`LuaState.register(_:in:native:)`):
/// text they must scan byte by byte costs a fraction of what Lua patterns cost, and they are safe
/// in the sandbox (linear time, memory through the state's allocator, no I/O).
public enum LuaNativeFunction: Sendable {
    /// `split_numbers(text, separators, allowed)`: splits `text` on any byte of `separators`,
    /// trims each part (white space and U+00A0) and drops empty ones; returns a list of each
    /// part's digits, "+" first when the part starts with "+" — or nil and the first trimmed part
    /// holding a byte that is neither a digit, white space, U+00A0 nor in `allowed`.
    case splitNumbers
    /// `trim(s)`: `s` without ASCII white space and U+00A0 at either end, each U+00A0 inside a
    /// space; nil gives "", another non-string its `tostring` first (`lib.text`'s Lua `trim` is
    /// the reference it is tested against).
    case trim
}
