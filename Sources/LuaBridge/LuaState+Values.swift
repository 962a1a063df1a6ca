import CLua
import CLuaSandbox

/// Conversion between `LuaValue` and the Lua stack. Only non-raising API calls are used here
/// (raw table access, no metamethods, no `lua_tolstring` on numbers), because these run in Swift
/// frames; the allocator does not enforce the memory limit while they run.
extension LuaState {
    /// Tables nested deeper than this are refused when copied to Swift.
    static let maximumTableDepth = 100

    // MARK: - Swift → Lua

    /// Pushes `value` onto the stack of `L` (this state or one of its threads).
    func push(_ value: LuaValue, in L: OpaquePointer) throws {
        switch value {
        case .nil:
            lua_pushnil(L)
        case .bool(let flag):
            lua_pushboolean(L, flag ? 1 : 0)
        case .integer(let integer):
            lua_pushinteger(L, integer)
        case .number(let number):
            lua_pushnumber(L, number)
        case .string(let string):
            pushString(string, in: L)
        case .table(let table):
            try pushTable(table, in: L, depth: 1)
        case .function(let function):
            guard function.stateID == ObjectIdentifier(self) else {
                throw LuaError(kind: .runtime, message: "cannot pass a function of another Lua state")
            }
            ci_lua_push_reference(L, function.reference)
        }
    }

    @inline(__always)
    func pushString(_ string: String, in L: OpaquePointer) {
        var string = string
        string.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                _ = lua_pushlstring(L, chars.baseAddress, chars.count)
            }
        }
    }

    private func pushTable(_ table: LuaTable, in L: OpaquePointer, depth: Int) throws {
        guard depth <= Self.maximumTableDepth else {
            throw LuaError(kind: .runtime, message: "table nested deeper than \(Self.maximumTableDepth) levels")
        }
        guard lua_checkstack(L, 4) != 0 else {
            throw LuaError(kind: .runtime, message: "Lua stack overflow while building a table")
        }
        lua_createtable(L, Int32(clamping: table.array.count), Int32(clamping: table.fields.count))
        var index: lua_Integer = 1
        for element in table.array {
            try pushElement(element, in: L, depth: depth)
            lua_rawseti(L, -2, index)
            index += 1
        }
        for (key, element) in table.fields {
            switch key {
            case .string(let name): pushString(name, in: L)
            case .integer(let integer): lua_pushinteger(L, integer)
            case .bool(let flag): lua_pushboolean(L, flag ? 1 : 0)
            }
            try pushElement(element, in: L, depth: depth)
            lua_rawset(L, -3)
        }
    }

    @inline(__always)
    private func pushElement(_ element: LuaValue, in L: OpaquePointer, depth: Int) throws {
        if case .table(let nested) = element {
            try pushTable(nested, in: L, depth: depth + 1)
        } else {
            try push(element, in: L)
        }
    }

    // MARK: - Lua → Swift

    /// One copy of a Lua value to Swift: what it has cost so far against `LuaLimits`, the tables
    /// being copied (to refuse cycles) and the keys leading to the current value (for messages).
    struct Copy {
        let limits: LuaLimits
        var elements = 0
        var bytes = 0
        var visiting: [UnsafeRawPointer] = []
        var path: [LuaKey] = []

        init(limits: LuaLimits) { self.limits = limits }

        /// Counts one value of `size` string bytes; throws once a limit is passed.
        mutating func count(bytes size: Int) throws {
            elements += 1
            bytes += 16 + size
            if elements > limits.maximumCopyElements {
                throw refusal("it holds more than \(limits.maximumCopyElements) values (LuaLimits.maximumCopyElements)")
            }
            if bytes > limits.maximumCopyBytes {
                throw refusal("it holds more than \(LuaState.formatBytes(limits.maximumCopyBytes)) (LuaLimits.maximumCopyBytes)")
            }
        }

        /// `result.rows[3].phone`-style location of the current value.
        var location: String {
            var text = "the value"
            for key in path {
                switch key {
                case .string(let name) where name.allSatisfy({ $0 == "_" || $0.isLetter || $0.isNumber }) && !name.isEmpty:
                    text += ".\(name)"
                case .string(let name): text += "[\"\(name.prefix(40))\"]"
                case .integer(let index): text += "[\(index)]"
                case .bool(let flag): text += "[\(flag)]"
                }
            }
            return text
        }

        func refusal(_ reason: String) -> LuaError {
            LuaError(kind: .runtime, message: "cannot copy a Lua value to Swift: \(reason), at \(location)"
                     + (reason.contains("values") || reason.contains("MiB") || reason.contains("bytes")
                        ? " (a table that appears in several places counts each time)" : ""))
        }
    }

    /// Copies the value at `index` of `L`'s stack. Tables are copied deeply (a read-only view as
    /// the table it shows), within the copy limits of `LuaLimits`; functions become registry
    /// references (`LuaFunction`).
    func value(at index: Int32, in L: OpaquePointer) throws -> LuaValue {
        var copy = Copy(limits: limits)
        return try value(at: lua_absindex(L, index), in: L, copy: &copy)
    }

    private func value(at index: Int32, in L: OpaquePointer, copy: inout Copy) throws -> LuaValue {
        switch lua_type(L, index) {
        case LUA_TNIL, LUA_TNONE:
            try copy.count(bytes: 0)
            return .nil
        case LUA_TBOOLEAN:
            try copy.count(bytes: 0)
            return .bool(lua_toboolean(L, index) != 0)
        case LUA_TNUMBER:
            try copy.count(bytes: 0)
            if lua_isinteger(L, index) != 0 {
                return .integer(lua_tointegerx(L, index, nil))
            }
            return .number(lua_tonumberx(L, index, nil))
        case LUA_TSTRING:
            var length = 0
            _ = lua_tolstring(L, index, &length)
            try copy.count(bytes: length)
            return .string(stringUnchecked(at: index, in: L))
        case LUA_TTABLE:
            try copy.count(bytes: 0)
            return .table(try table(at: index, in: L, copy: &copy))
        case LUA_TFUNCTION:
            try copy.count(bytes: 0)
            lua_pushvalue(L, index)
            let reference = ci_lua_make_reference(L)
            return .function(LuaFunction(reference: reference, stateID: ObjectIdentifier(self)))
        default:
            let type = String(cString: lua_typename(L, lua_type(L, index)))
            throw LuaError(kind: .runtime, message: "cannot copy a Lua \(type) value to Swift, at \(copy.location)")
        }
    }

    private func table(at given: Int32, in L: OpaquePointer, copy: inout Copy) throws -> LuaTable {
        guard lua_checkstack(L, 6) != 0 else {
            throw copy.refusal("the Lua stack overflowed")
        }
        // A read-only view (a library, a table `require` returned) is copied as what it shows.
        let base = lua_gettop(L)
        defer { lua_settop(L, base) }
        let index = ci_sandbox_push_view_target(L, given) != 0 ? lua_gettop(L) : given
        guard let identity = lua_topointer(L, index) else { return LuaTable() }
        if copy.visiting.contains(identity) {
            throw copy.refusal("the table contains itself (a cycle)")
        }
        guard copy.visiting.count < copy.limits.maximumCopyDepth else {
            throw copy.refusal("tables are nested deeper than \(copy.limits.maximumCopyDepth) levels (LuaLimits.maximumCopyDepth)")
        }
        copy.visiting.append(identity)
        defer { copy.visiting.removeLast() }

        var table = LuaTable()
        // The sequence: 1, 2, … up to the first nil (holes end it; later keys go to fields).
        var count: lua_Integer = 0
        while lua_rawgeti(L, index, count + 1) != LUA_TNIL {
            if table.array.isEmpty {
                table.array.reserveCapacity(min(Int(lua_rawlen(L, index)), copy.limits.maximumCopyElements - copy.elements + 1))
            }
            copy.path.append(.integer(count + 1))
            table.array.append(try value(at: lua_gettop(L), in: L, copy: &copy))
            copy.path.removeLast()
            lua_settop(L, -2)
            count += 1
        }
        lua_settop(L, -2)

        lua_pushnil(L)
        while lua_next(L, index) != 0 {
            let keyIndex = lua_gettop(L) - 1
            let key: LuaKey
            switch lua_type(L, keyIndex) {
            case LUA_TSTRING:
                var length = 0
                _ = lua_tolstring(L, keyIndex, &length)
                copy.bytes += length
                key = .string(stringUnchecked(at: keyIndex, in: L))
            case LUA_TNUMBER where lua_isinteger(L, keyIndex) != 0:
                let integer = lua_tointegerx(L, keyIndex, nil)
                if integer >= 1 && integer <= count {
                    lua_settop(L, -2)
                    continue
                }
                key = .integer(integer)
            case LUA_TBOOLEAN:
                key = .bool(lua_toboolean(L, keyIndex) != 0)
            default:
                let type = lua_type(L, keyIndex) == LUA_TNUMBER ? "non-integer number" : String(cString: lua_typename(L, lua_type(L, keyIndex)))
                throw LuaError(kind: .runtime, message: "cannot copy a table with a \(type) key to Swift (keys must be strings, integers or booleans), at \(copy.location)")
            }
            copy.path.append(key)
            table.fields[key] = try value(at: keyIndex + 1, in: L, copy: &copy)
            copy.path.removeLast()
            lua_settop(L, -2)
        }
        return table
    }

    /// The string at `index`, which must be a Lua string (numbers would be converted in place).
    @inline(__always)
    func stringUnchecked(at index: Int32, in L: OpaquePointer) -> String {
        var length = 0
        guard let bytes = lua_tolstring(L, index, &length) else { return "" }
        return bytes.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
    }

    /// The string at `index` if it is a Lua string.
    func string(at index: Int32, in L: OpaquePointer) -> String? {
        lua_type(L, index) == LUA_TSTRING ? stringUnchecked(at: index, in: L) : nil
    }
}
