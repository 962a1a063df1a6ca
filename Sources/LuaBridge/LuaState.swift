import CLua
import CLuaLimits
import CLuaSandbox
import CPhoneNumbers
import CTextTrim

/// An owning, sandboxed Lua 5.4 state: loads chunks, calls Lua functions and exposes Swift
/// closures to Lua, under an instruction budget and a memory ceiling.
///
/// One state per worker: it is not `Sendable`, and nothing is shared between states.
/// Every call into Lua goes through one protected call with a traceback handler; failures
/// arrive as `LuaError`.
public final class LuaState {
    let L: OpaquePointer
    let limits: LuaLimits
    let modulePaths: [String]
    private let counters: UnsafeMutablePointer<ci_lua_limits>
    /// Boxes of the Swift closures exposed to Lua; the Lua closures point at them unretained.
    private var hostFunctions: [HostFunctionBox] = []
    /// Calls from Swift currently running (closures may call back into Lua).
    var callDepth = 0

    /// Receives the lines Lua's `print` writes; by default they are discarded.
    public var printHandler: ((String) -> Void)?

    /// Creates a sandboxed state (see `LuaState+Sandbox.swift` for what Lua code can reach).
    ///
    /// - Parameter modulePaths: directories `require` searches, in order (`require("lib.phones")`
    ///   loads `<path>/lib/phones.lua`).
    public init(limits: LuaLimits = .init(), modulePaths: [String] = []) throws {
        self.limits = limits
        self.modulePaths = modulePaths
        counters = .allocate(capacity: 1)
        counters.initialize(to: ci_lua_limits())
        counters.pointee.limit_bytes = size_t(max(limits.memoryLimitBytes, 0))
        guard let state = ci_lua_newstate(counters) else {
            counters.deallocate()
            throw LuaError(kind: .memoryLimit, message: "cannot create a Lua state: out of memory")
        }
        L = state
        installSandbox()
        ci_lua_install_count_hook(L)
    }

    deinit {
        lua_close(L)
        counters.deallocate()
        for box in hostFunctions { Unmanaged.passUnretained(box).release() }
    }

    /// Bytes the state holds now (Lua's allocations, counted by the allocator).
    public var memoryInUseBytes: Int { Int(counters.pointee.used_bytes) }

    // MARK: - Running code

    /// Loads a file as Lua text (binary chunks are refused) and runs it; returns its results.
    public func run(file path: String) throws -> [LuaValue] {
        if callDepth == 0 { resetLimits() }
        let base = lua_gettop(L)
        defer { lua_settop(L, base) }
        ci_lua_push_message_handler(L)
        let status = ci_lua_load_file(L, path)
        guard status == LUA_OK else {
            if status == LUA_ERRFILE {
                let message = string(at: -1, in: L) ?? "cannot open \(path)"
                throw LuaError(kind: .notFound, chunk: path, message: Self.trimFilePrefix(message, path: path))
            }
            throw loadError(status: status, chunk: path)
        }
        return try protectedCall(argumentCount: 0, handler: base + 1, chunk: path)
    }

    /// Loads `source` as Lua text named `chunkName` (used in messages) and runs it.
    public func run(string source: String, chunkName: String) throws -> [LuaValue] {
        if callDepth == 0 { resetLimits() }
        let base = lua_gettop(L)
        defer { lua_settop(L, base) }
        ci_lua_push_message_handler(L)
        var source = source
        let status = source.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                ci_lua_load_buffer(L, chars.baseAddress, chars.count, "@" + chunkName)
            }
        }
        guard status == LUA_OK else { throw loadError(status: status, chunk: chunkName) }
        return try protectedCall(argumentCount: 0, handler: base + 1, chunk: chunkName)
    }

    /// Calls a Lua function of this state with `arguments`; returns all its results.
    public func call(_ function: LuaFunction, _ arguments: [LuaValue]) throws -> [LuaValue] {
        guard function.stateID == ObjectIdentifier(self) else {
            throw LuaError(kind: .runtime, message: "the function belongs to another Lua state")
        }
        if callDepth == 0 { resetLimits() }
        let base = lua_gettop(L)
        defer { lua_settop(L, base) }
        _ = lua_checkstack(L, Int32(arguments.count) + 8)
        ci_lua_push_message_handler(L)
        ci_lua_push_reference(L, function.reference)
        for argument in arguments {
            try push(argument, in: L)
        }
        return try protectedCall(argumentCount: Int32(arguments.count), handler: base + 1, chunk: nil)
    }

    /// Drops the registry reference of a function copied out of this state; calling it afterwards
    /// is an error.
    public func release(_ function: LuaFunction) {
        guard function.stateID == ObjectIdentifier(self) else { return }
        ci_lua_release_reference(L, function.reference)
    }

    /// The one protected call: the function and its arguments are on the stack above the message
    /// handler at `handler` (the caller reset the limits if outermost). Maps every failure,
    /// including a limit overrun that Lua code caught, to `LuaError`.
    private func protectedCall(argumentCount: Int32, handler: Int32, chunk: String?) throws -> [LuaValue] {
        try protectedCallLeavingResults(argumentCount: argumentCount, handler: handler, chunk: chunk)
        let top = lua_gettop(L)
        guard top > handler else { return [] }
        var results: [LuaValue] = []
        results.reserveCapacity(Int(top - handler))
        for index in (handler + 1)...top {
            results.append(try value(at: index, in: L))
        }
        return results
    }

    /// `protectedCall` that leaves the results on the stack above `handler` for the caller to read.
    func protectedCallLeavingResults(argumentCount: Int32, handler: Int32, chunk: String?) throws {
        callDepth += 1
        let status = ci_lua_pcall(L, argumentCount, handler)
        callDepth -= 1

        if counters.pointee.budget_exhausted != 0 {
            let line = Int(counters.pointee.budget_line)
            let source = withUnsafeBytes(of: counters.pointee.budget_source) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            let traceback = status == LUA_OK ? nil : LuaError(kind: .runtime, luaMessage: string(at: -1, in: L) ?? "").traceback
            throw LuaError(
                kind: .timeBudget, chunk: source.isEmpty ? chunk : source, line: line > 0 ? line : nil,
                message: "exceeded its time budget of \(limits.instructionBudget) instructions", traceback: traceback)
        }
        if counters.pointee.memory_exceeded != 0 || status == LUA_ERRMEM {
            // The script and line: from the traceback when the error went through the message
            // handler (a buffer that could not grow), else where the hook last saw Lua code run.
            let caught = LuaError(kind: .runtime, luaMessage: string(at: -1, in: L) ?? "")
            var place = caught.traceback.flatMap(Self.firstLuaFrame)
            if place == nil, counters.pointee.memory_line > 0 {
                let source = withUnsafeBytes(of: counters.pointee.memory_source) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                place = (source, Int(counters.pointee.memory_line))
            }
            throw LuaError(kind: .memoryLimit, chunk: place?.chunk ?? chunk, line: place?.line,
                           message: "exceeded its memory limit of \(Self.formatBytes(limits.memoryLimitBytes))",
                           traceback: caught.traceback)
        }
        guard status == LUA_OK else {
            var error = LuaError(kind: .runtime, luaMessage: string(at: -1, in: L) ?? "unknown Lua error")
            // A C-stack overflow ("C stack overflow", "error in error handling") is raised in a
            // C frame and names no place: the first Lua frame of the traceback does.
            if error.chunk == nil, error.message.contains("stack overflow") || error.message.contains("error in error handling"),
               let place = error.traceback.flatMap(Self.firstLuaFrame) {
                error.chunk = place.chunk
                error.line = place.line
            }
            if let chunk, let short = error.chunk, short.hasPrefix("..."), chunk.hasSuffix(short.dropFirst(3)) {
                error.chunk = chunk
            }
            throw error
        }
    }

    /// The first frame of a traceback that is Lua code (`\tchunk:12: in …`), skipping C frames.
    static func firstLuaFrame(_ traceback: String) -> (chunk: String, line: Int)? {
        for frame in traceback.split(separator: "\n").dropFirst() {
            let text = frame.drop { $0 == "\t" || $0 == " " }
            if text.hasPrefix("[C]") { continue }
            let (chunk, line, _) = LuaError.splitLocation(text)
            if let chunk, let line { return (chunk, line) }
        }
        return nil
    }

    func resetLimits() {
        ci_sandbox_reset(L)
        if counters.pointee.memory_exceeded != 0 {
            ci_lua_full_collect(L)
        }
        counters.pointee.memory_exceeded = 0
        ci_lua_update_collect_threshold(counters)
        if counters.pointee.budget_exhausted != 0 {
            ci_lua_install_count_hook(L)
        }
        counters.pointee.budget_exhausted = 0
        counters.pointee.budget_line = 0
        counters.pointee.budget_source.0 = 0
        counters.pointee.memory_line = 0
        counters.pointee.memory_source.0 = 0
        let ticks = (limits.instructionBudget + Int(CI_LUA_HOOK_INTERVAL) - 1) / Int(CI_LUA_HOOK_INTERVAL)
        counters.pointee.budget_ticks = Int64(max(ticks, 1))
    }

    private func loadError(status: Int32, chunk: String) -> LuaError {
        if status == LUA_ERRMEM || counters.pointee.memory_exceeded != 0 {
            return LuaError(kind: .memoryLimit, chunk: chunk, message: "exceeded its memory limit of \(Self.formatBytes(limits.memoryLimitBytes)) while loading")
        }
        var error = LuaError(kind: status == LUA_ERRSYNTAX ? .syntax : .runtime, luaMessage: string(at: -1, in: L) ?? "cannot load")
        if let short = error.chunk, short.hasPrefix("..."), chunk.hasSuffix(short.dropFirst(3)) {
            error.chunk = chunk
        }
        if error.chunk == nil { error.chunk = chunk }
        return error
    }

    private static func trimFilePrefix(_ message: String, path: String) -> String {
        // luaL_loadfilex says "cannot open <path>: No such file or directory".
        message.hasPrefix("cannot open \(path)") ? "cannot open the file" + message.dropFirst("cannot open \(path)".count) : message
    }

    static func formatBytes(_ bytes: Int) -> String {
        bytes % (1 << 20) == 0 ? "\(bytes >> 20) MiB" : "\(bytes) bytes"
    }

    // MARK: - Exposing Swift to Lua

    /// Exposes `body` to Lua as `namespace.name(...)`, creating the global table `namespace` if
    /// missing (an empty namespace makes a global function). Scripts cannot change or reassign
    /// what the host exposes: namespaces are read-only to them.
    ///
    /// A Swift error thrown by `body` becomes a Lua error at the caller's line, which Lua code may
    /// catch with `pcall`. Functions among the arguments are registry references: `release` them
    /// unless you keep them.
    public func register(_ name: String, in namespace: String, _ body: @escaping ([LuaValue]) throws -> [LuaValue]) {
        let box = HostFunctionBox(state: self, body: body)
        hostFunctions.append(box)
        pushNamespace(namespace)
        lua_pushlstring(L, name, name.utf8.count)
        ci_lua_push_host_function(L, luaHostFunctionThunk, Unmanaged.passRetained(box).toOpaque())
        lua_rawset(L, -3)
        ci_lua_pop(L, 1)
    }

    /// `body` as a Lua function value, to hand to Lua code as an argument rather than through a
    /// namespace (a batch's on-demand data, say). Errors behave as in `register`.
    public func function(_ body: @escaping ([LuaValue]) throws -> [LuaValue]) -> LuaFunction {
        let box = HostFunctionBox(state: self, body: body)
        hostFunctions.append(box)
        ci_lua_push_host_function(L, luaHostFunctionThunk, Unmanaged.passRetained(box).toOpaque())
        return LuaFunction(reference: ci_lua_make_reference(L), stateID: ObjectIdentifier(self))
    }

    /// Exposes a function written in C as `namespace.name(...)`.
    public func register(_ name: String, in namespace: String, native function: LuaNativeFunction) {
        pushNamespace(namespace)
        lua_pushlstring(L, name, name.utf8.count)
        switch function {
        case .splitNumbers: ci_phone_push_split_numbers(L)
        case .trim: ci_text_push_trim(L)
        }
        lua_rawset(L, -3)
        ci_lua_pop(L, 1)
    }

    /// Sets `namespace.name = value` (e.g. `clientimport.api_version = 1`), creating the global
    /// table `namespace` if missing. A function of another state is set as `nil`.
    public func set(_ name: String, in namespace: String, to value: LuaValue) {
        pushNamespace(namespace)
        lua_pushlstring(L, name, name.utf8.count)
        let top = lua_gettop(L)
        if (try? push(value, in: L)) == nil {
            lua_settop(L, top)
            lua_pushnil(L)
        }
        lua_rawset(L, -3)
        ci_lua_pop(L, 1)
    }

    /// Pushes the real table of the global namespace `namespace` (the built-in globals for ""),
    /// creating it if missing. Scripts see it read-only (see `ci_sandbox_push_namespace`).
    private func pushNamespace(_ namespace: String) {
        ci_sandbox_push_namespace(L, namespace)
    }

    func installPrint() {
        let box = HostFunctionBox(state: self) { [unowned self] arguments in
            if let handler = self.printHandler, let line = arguments.first?.stringValue {
                handler(line)
            }
            return []
        }
        hostFunctions.append(box)
        ci_lua_push_globals(L)
        lua_pushstring(L, "print")
        ci_lua_push_print(L, luaHostFunctionThunk, Unmanaged.passRetained(box).toOpaque())
        lua_rawset(L, -3)
        ci_lua_pop(L, 1)
    }
}

@available(*, unavailable, message: "a LuaState belongs to one worker; create one per worker")
extension LuaState: Sendable {}
