/// Typed reads of a `LuaValue`, `nil` when the value has another type.
extension LuaValue {
    /// The string, or `nil` for any other type (numbers are not converted).
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The integer, or an integral float that fits `Int64` exactly.
    public var intValue: Int64? {
        switch self {
        case .integer(let value): return value
        case .number(let value):
            guard value.rounded() == value, let exact = Int64(exactly: value) else { return nil }
            return exact
        default: return nil
        }
    }

    /// The number as a `Double` (integers converted).
    public var doubleValue: Double? {
        switch self {
        case .integer(let value): return Double(value)
        case .number(let value): return value
        default: return nil
        }
    }

    /// The boolean, or `nil` for any other type (no Lua truthiness; see `isTruthy`).
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The table, or `nil` for any other type.
    public var tableValue: LuaTable? {
        if case .table(let value) = self { return value }
        return nil
    }

    /// The function reference, or `nil` for any other type.
    public var functionValue: LuaFunction? {
        if case .function(let value) = self { return value }
        return nil
    }

    /// Whether the value is Lua's `nil`.
    public var isNil: Bool {
        if case .nil = self { return true }
        return false
    }

    /// Lua truthiness: everything but `nil` and `false` is true.
    public var isTruthy: Bool {
        switch self {
        case .nil, .bool(false): return false
        default: return true
        }
    }

    /// The field `key` of a table value, `.nil` for anything else.
    public subscript(_ key: String) -> LuaValue {
        tableValue?[key] ?? .nil
    }

    /// The element at the 1-based `index` of a table value's sequence (Lua's `t[index]`).
    public subscript(_ index: Int) -> LuaValue {
        tableValue?[index] ?? .nil
    }
}

extension LuaTable {
    /// Lua's `t[index]`: the sequence for `1...array.count`, then integer fields.
    public subscript(_ index: Int) -> LuaValue {
        if index >= 1, index <= array.count { return array[index - 1] }
        return fields[.integer(Int64(index))] ?? .nil
    }
}
