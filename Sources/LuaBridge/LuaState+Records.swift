import CLua
import CLuaLimits
import CLuaSandbox

/// An argument built straight on the Lua stack: lists of many strings or integers go to Lua
/// without a `LuaValue` per element, which is what makes handing over thousands of rows cheap.
public indirect enum LuaArgument {
    case value(LuaValue)
    /// A list `{ texts[0], texts[1], … }` of strings.
    case texts([String])
    /// A list of integers.
    case integers([Int64])
    /// A list of checked values, a Lua value each (`.none` leaves a hole): what a rule set's
    /// code reads straight, without a table of codes to decode first.
    case items([LuaItem])
    /// A table with these string keys (a key given twice keeps its last value).
    case record([(key: String, value: LuaArgument)])
}

/// One element of `LuaArgument.items`: nil, a boolean, a string, or a list of strings.
public enum LuaItem {
    case none
    case bool(Bool)
    case text(String)
    case texts([String])
}

/// The import's hot path: rows go to Lua as lists of strings built on the stack, and the result
/// is read in place through a `LuaTableView`, so only the parts the caller needs are copied to
/// Swift.
extension LuaState {
    /// Calls `function(arguments…)`. `read` gets the first result as a table view, valid only
    /// during `read`; when the result is not a table, `nil` and the result copied to Swift.
    public func call<T>(_ function: LuaFunction, building arguments: [LuaArgument],
                        read: (LuaTableView?, LuaValue) throws -> T) throws -> T {
        guard function.stateID == ObjectIdentifier(self) else {
            throw LuaError(kind: .runtime, message: "the function belongs to another Lua state")
        }
        if callDepth == 0 { resetLimits() }
        let base = lua_gettop(L)
        defer { lua_settop(L, base) }
        guard lua_checkstack(L, Int32(clamping: arguments.count + 8)) != 0 else {
            throw LuaError(kind: .runtime, message: "Lua stack overflow while passing arguments")
        }
        ci_lua_push_message_handler(L)
        ci_lua_push_reference(L, function.reference)
        for argument in arguments { try push(argument, depth: 1) }
        try protectedCallLeavingResults(argumentCount: Int32(arguments.count), handler: base + 1, chunk: nil)
        let first = base + 2
        guard lua_gettop(L) >= first else { return try read(nil, .nil) }
        guard lua_type(L, first) == LUA_TTABLE else { return try read(nil, try value(at: first, in: L)) }
        showViewTarget(at: first, in: L)
        return try read(LuaTableView(state: self, index: first), .nil)
    }

    private func push(_ argument: LuaArgument, depth: Int) throws {
        guard depth <= Self.maximumTableDepth, lua_checkstack(L, 4) != 0 else {
            throw LuaError(kind: .runtime, message: "argument nested deeper than \(Self.maximumTableDepth) levels")
        }
        switch argument {
        case .value(let value):
            try push(value, in: L)
        case .texts(let texts):
            lua_createtable(L, Int32(clamping: texts.count), 0)
            for (offset, text) in texts.enumerated() {
                pushString(text, in: L)
                lua_rawseti(L, -2, lua_Integer(offset + 1))
            }
        case .integers(let integers):
            lua_createtable(L, Int32(clamping: integers.count), 0)
            for (offset, integer) in integers.enumerated() {
                lua_pushinteger(L, integer)
                lua_rawseti(L, -2, lua_Integer(offset + 1))
            }
        case .items(let items):
            lua_createtable(L, Int32(clamping: items.count), 0)
            for (offset, item) in items.enumerated() {
                switch item {
                case .none: continue
                case .bool(let flag): lua_pushboolean(L, flag ? 1 : 0)
                case .text(let text): pushString(text, in: L)
                case .texts(let texts):
                    lua_createtable(L, Int32(clamping: texts.count), 0)
                    for (position, text) in texts.enumerated() {
                        pushString(text, in: L)
                        lua_rawseti(L, -2, lua_Integer(position + 1))
                    }
                }
                lua_rawseti(L, -2, lua_Integer(offset + 1))
            }
        case .record(let fields):
            lua_createtable(L, 0, Int32(clamping: fields.count))
            for (key, value) in fields {
                pushString(key, in: L)
                try push(value, depth: depth + 1)
                lua_rawset(L, -3)
            }
        }
    }
}

/// Replaces a read-only view at `index` by the table it shows (raw reads of a view find nothing).
private func showViewTarget(at index: Int32, in L: OpaquePointer) {
    if ci_sandbox_push_view_target(L, index) != 0 {
        lua_copy(L, -1, index)
        lua_settop(L, -2)
    }
}

/// A table on the Lua stack, read in place with raw access (no metamethods). Valid only inside
/// the closure that received it.
public struct LuaTableView {
    let state: LuaState
    let index: Int32

    private var L: OpaquePointer { state.L }

    private func withField<T>(_ key: String, _ body: (Int32) throws -> T) rethrows -> T {
        _ = lua_checkstack(L, 4)
        state.pushString(key, in: L)
        lua_rawget(L, index)
        showViewTarget(at: lua_gettop(L), in: L)    // read what a view shows
        defer { lua_settop(L, -2) }
        return try body(lua_gettop(L))
    }

    private func withElement<T>(_ position: Int, _ body: (Int32) throws -> T) rethrows -> T {
        _ = lua_checkstack(L, 4)
        lua_rawgeti(L, index, lua_Integer(position))
        showViewTarget(at: lua_gettop(L), in: L)
        defer { lua_settop(L, -2) }
        return try body(lua_gettop(L))
    }

    /// The field's value copied to Swift (tables deeply).
    public func value(_ key: String) throws -> LuaValue {
        try withField(key) { try state.value(at: $0, in: L) }
    }

    /// Whether the field is a table without element 1 (an empty list, as `LuaTable.array` sees it).
    public func isEmptyList(_ key: String) -> Bool {
        withField(key) { at in
            guard lua_type(L, at) == LUA_TTABLE else { return false }
            let first = lua_rawgeti(L, at, 1)
            lua_settop(L, -2)
            return first == LUA_TNIL
        }
    }

    /// Calls `body` with the field as a table view; `nil` when the field is not a table.
    public func table<T>(_ key: String, _ body: (LuaTableView) throws -> T) rethrows -> T? {
        try withField(key) { at in
            lua_type(L, at) == LUA_TTABLE ? try body(LuaTableView(state: state, index: at)) : nil
        }
    }

    /// Element `position` (1-based) copied to Swift.
    public func value(at position: Int) throws -> LuaValue {
        try withElement(position) { try state.value(at: $0, in: L) }
    }
}
