import CLua

/// A value read in place from a table of plain data (`LuaTableView.plainValue(at:)`): the
/// scalars, lists and records a host most often gets back, without the `LuaValue` tree
/// (a `LuaTable` with a dictionary per table, keys hashed, the path kept for messages).
public indirect enum LuaPlainValue: Equatable {
    case string(String)
    case integer(Int64)
    case number(Double)
    case bool(Bool)
    /// A table whose keys are exactly 1…n (an empty table is an empty list).
    case list([LuaPlainValue])
    /// A table whose keys are all strings, in `next`'s order.
    case record([(key: String, value: LuaPlainValue)])

    public static func == (lhs: LuaPlainValue, rhs: LuaPlainValue) -> Bool {
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)): a == b
        case (.integer(let a), .integer(let b)): a == b
        case (.number(let a), .number(let b)): a == b || (a.isNaN && b.isNaN)
        case (.bool(let a), .bool(let b)): a == b
        case (.list(let a), .list(let b)): a == b
        case (.record(let a), .record(let b)): a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: false
        }
    }
}

extension LuaTableView {
    /// Element `position` (1-based) read in place when it is plain data: strings, numbers,
    /// booleans, and tables without a metatable that are lists or records of such values, nested
    /// at most `depth` tables deep, within the copy limits `value(at:)` applies. `nil` for anything
    /// else (a function, a metatable — a read-only view among them —, a table mixing list and
    /// string keys, another key type, a cycle, deeper nesting, a limit passed): read that one with
    /// `value(at:)`, which copies it or says what is wrong.
    public func plainValue(at position: Int, depth: Int) -> LuaPlainValue? {
        let L = state.L
        _ = lua_checkstack(L, 4)
        lua_rawgeti(L, index, lua_Integer(position))
        defer { lua_settop(L, -2) }
        var budget = PlainBudget(limits: state.limits)
        return state.plainValue(at: lua_gettop(L), depth: min(depth, state.limits.maximumCopyDepth), budget: &budget)
    }
}

/// What a plain read has cost, counted as `LuaState.Copy` counts (a value is an element and 16
/// bytes, a string its length more, a string key its length): a read within these limits is
/// one `value(at:)` would have copied.
struct PlainBudget {
    let limits: LuaLimits
    var elements = 0
    var bytes = 0

    mutating func count(bytes size: Int) -> Bool {
        elements += 1
        bytes += 16 + size
        return elements <= limits.maximumCopyElements && bytes <= limits.maximumCopyBytes
    }
}

extension LuaState {
    func plainValue(at index: Int32, depth: Int, budget: inout PlainBudget) -> LuaPlainValue? {
        switch lua_type(L, index) {
        case LUA_TBOOLEAN:
            guard budget.count(bytes: 0) else { return nil }
            return .bool(lua_toboolean(L, index) != 0)
        case LUA_TNUMBER:
            guard budget.count(bytes: 0) else { return nil }
            return lua_isinteger(L, index) != 0 ? .integer(lua_tointegerx(L, index, nil)) : .number(lua_tonumberx(L, index, nil))
        case LUA_TSTRING:
            var length = 0
            _ = lua_tolstring(L, index, &length)
            guard budget.count(bytes: length) else { return nil }
            return .string(stringUnchecked(at: index, in: L))
        case LUA_TTABLE:
            guard depth > 0, budget.count(bytes: 0), lua_checkstack(L, 4) != 0 else { return nil }
            if lua_getmetatable(L, index) != 0 {
                lua_settop(L, -2)
                return nil
            }
            // The sequence 1, 2, … up to the first nil, as `value(at:)` reads it; then any other
            // key must be a string, and only when there is no sequence.
            var list: [LuaPlainValue] = []
            while lua_rawgeti(L, index, lua_Integer(list.count + 1)) != LUA_TNIL {
                guard let item = plainValue(at: lua_gettop(L), depth: depth - 1, budget: &budget) else {
                    lua_settop(L, -2)
                    return nil
                }
                list.append(item)
                lua_settop(L, -2)
            }
            lua_settop(L, -2)
            var fields: [(key: String, value: LuaPlainValue)] = []
            lua_pushnil(L)
            while lua_next(L, index) != 0 {
                let keyIndex = lua_gettop(L) - 1
                if lua_type(L, keyIndex) == LUA_TNUMBER, lua_isinteger(L, keyIndex) != 0,
                   case let key = lua_tointegerx(L, keyIndex, nil), key >= 1, key <= list.count {
                    lua_settop(L, -2)
                    continue
                }
                guard list.isEmpty, lua_type(L, keyIndex) == LUA_TSTRING else {
                    lua_settop(L, keyIndex - 1)
                    return nil
                }
                var length = 0
                _ = lua_tolstring(L, keyIndex, &length)
                budget.bytes += length
                guard let value = plainValue(at: keyIndex + 1, depth: depth - 1, budget: &budget) else {
                    lua_settop(L, keyIndex - 1)
                    return nil
                }
                fields.append((stringUnchecked(at: keyIndex, in: L), value))
                lua_settop(L, -2)
            }
            return fields.isEmpty ? .list(list) : .record(fields)
        default:
            // nil, functions, userdata, threads: a list never holds nil, and the rest are not data.
            return nil
        }
    }
}
