import Testing
@testable import LuaBridge

@Suite struct LuaValueConversionTests {
    @Test func integersStayExactAtTheExtremes() throws {
        let lua = try LuaState()
        let results = try lua.run(string: "return math.maxinteger, math.mininteger, 9007199254740993", chunkName: "ints")
        #expect(results == [.integer(.max), .integer(.min), .integer(9_007_199_254_740_993)])

        let echo = try #require(try lua.run(string: "return function(...) return ... end", chunkName: "echo").first?.functionValue)
        let back = try lua.call(echo, [.integer(.max), .integer(.min), .integer(9_007_199_254_740_993)])
        #expect(back == [.integer(.max), .integer(.min), .integer(9_007_199_254_740_993)])
        let types = try lua.run(string: "return math.type(" + String(Int64.max) + ")", chunkName: "t")
        #expect(types == [.string("integer")])
    }

    @Test func floatsBooleansAndNil() throws {
        let lua = try LuaState()
        let echo = try #require(try lua.run(string: "return function(...) return ... end", chunkName: "echo").first?.functionValue)
        let values: [LuaValue] = [.number(0.1), .number(-2.5e300), .number(3.0), .bool(true), .bool(false), .nil, .string("x")]
        #expect(try lua.call(echo, values) == values)
        #expect(try lua.run(string: "return 1.5, 2^53, 7 // 2", chunkName: "f") == [.number(1.5), .number(9_007_199_254_740_992), .integer(3)])
    }

    @Test func stringsKeepTheirBytesAndRepairInvalidUTF8() throws {
        let lua = try LuaState()
        let echo = try #require(try lua.run(string: "return function(s) return s, #s end", chunkName: "echo").first?.functionValue)
        #expect(try lua.call(echo, [.string("Café – Київ 📞")]) == [.string("Café – Київ 📞"), .integer(23)])
        #expect(try lua.call(echo, [.string("a\u{0}b")]) == [.string("a\u{0}b"), .integer(3)])
        let raw = try lua.run(string: #"return "ok\255\254", #"ok\255\254""#, chunkName: "raw")
        #expect(raw == [.string("ok\u{FFFD}\u{FFFD}"), .integer(4)])
    }

    @Test func nestedTablesRoundTrip() throws {
        let lua = try LuaState()
        let row = LuaTable(
            array: [.string("a"), .integer(2), .table(LuaTable(array: [.bool(true)]))],
            fields: [.string("name"): .string("Ada"), .integer(10): .number(1.5), .bool(true): .string("yes"),
                     .string("phones"): .table(LuaTable(array: [.string("+380 44 000 00 00")], fields: [.string("main"): .integer(1)]))])
        let echo = try #require(try lua.run(string: "return function(t) return t end", chunkName: "echo").first?.functionValue)
        #expect(try lua.call(echo, [.table(row)]) == [.table(row)])

        let inspect = try #require(try lua.run(string: """
            return function(t) return #t, t.name, t.phones[1], t[3][1], t[10], t[true] end
            """, chunkName: "inspect").first?.functionValue)
        #expect(try lua.call(inspect, [.table(row)]) == [.integer(3), .string("Ada"), .string("+380 44 000 00 00"), .bool(true), .number(1.5), .string("yes")])
    }

    @Test func sequenceStopsAtTheFirstHole() throws {
        let lua = try LuaState()
        let table = try #require(try lua.run(string: "return {1, 2, nil, 4, x = 'y'}", chunkName: "holes").first?.tableValue)
        #expect(table.array == [.integer(1), .integer(2)])
        #expect(table.fields == [.integer(4): .integer(4), .string("x"): .string("y")])
        #expect(table[4] == .integer(4))
    }

    @Test func cyclesAndDeepNestingAreRefusedClearly() throws {
        let lua = try LuaState()
        #expect {
            try lua.run(string: "local t = {} t.self = t return t", chunkName: "cycle")
        } throws: { ($0 as? LuaError)?.message.contains("cycle") == true }
        #expect {
            try lua.run(string: "local t = {} for i = 1, 150 do t = {t} end return t", chunkName: "deep")
        } throws: { ($0 as? LuaError)?.message.contains("deeper than 100") == true }
        // Shared (acyclic) references are fine.
        let shared = try lua.run(string: "local s = {1} return {s, s}", chunkName: "shared")
        #expect(shared == [.table(LuaTable(array: [.table(LuaTable(array: [.integer(1)])), .table(LuaTable(array: [.integer(1)]))]))])
        #expect(try lua.run(string: "return 'still fine'", chunkName: "after") == [.string("still fine")])
    }

    @Test func functionsAreValuesThatCanBeCalledBack() throws {
        let lua = try LuaState()
        let results = try lua.run(string: """
            local function add(a, b) return a + b end
            return { add = add, twice = function(f, x) return f(f(x)) end }
            """, chunkName: "functions.lua")
        let module = try #require(results.first?.tableValue)
        let add = try #require(module["add"].functionValue)
        let twice = try #require(module["twice"].functionValue)
        #expect(try lua.call(add, [.integer(40), .integer(2)]) == [.integer(42)])
        let increment = try #require(try lua.run(string: "return function(x) return x + 1 end", chunkName: "inc").first?.functionValue)
        #expect(try lua.call(twice, [.function(increment), .integer(1)]) == [.integer(3)])

        lua.release(add)
        #expect(throws: LuaError.self) { try lua.call(add, [.integer(1), .integer(2)]) }

        let other = try LuaState()
        #expect(throws: LuaError.self) { try other.call(twice, [.function(increment), .integer(1)]) }
    }
}
