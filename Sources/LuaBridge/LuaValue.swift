/// A Lua value copied into Swift: the currency between `LuaState` and its callers.
///
/// Integers stay `Int64` end to end (a 64-bit client ID never passes through a `Double`);
/// strings are Lua's bytes decoded as UTF-8 (invalid sequences repaired).
public enum LuaValue: Sendable, Hashable {
    case `nil`
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    /// A table: its sequence part `1...n` and the remaining keys.
    case table(LuaTable)
    /// A function that lives in the state that produced it (see `LuaState.call`).
    case function(LuaFunction)
}

/// A Lua table copied into Swift.
public struct LuaTable: Sendable, Hashable {
    /// Values at keys `1...n` in order.
    public var array: [LuaValue]
    /// Every other key (string keys for records, non-sequence integer keys).
    public var fields: [LuaKey: LuaValue]

    public init(array: [LuaValue] = [], fields: [LuaKey: LuaValue] = [:]) {
        self.array = array
        self.fields = fields
    }

    public subscript(_ key: String) -> LuaValue {
        fields[.string(key)] ?? .nil
    }
}

/// A table key that Swift can hash.
public enum LuaKey: Sendable, Hashable {
    case string(String)
    case integer(Int64)
    case bool(Bool)
}

/// A handle to a Lua function kept in the registry of the state that produced it.
public struct LuaFunction: Sendable, Hashable {
    /// The registry reference (`luaL_ref`).
    public let reference: Int32
    /// Identifies the owning state, so a function is never called on another one.
    public let stateID: ObjectIdentifier

    public init(reference: Int32, stateID: ObjectIdentifier) {
        self.reference = reference
        self.stateID = stateID
    }
}
