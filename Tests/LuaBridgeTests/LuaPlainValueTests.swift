import Testing
@testable import LuaBridge

/// `LuaTableView.plainValue(at:depth:)`: plain data read in place is what `value(at:)` copies;
/// anything else is left to `value(at:)` (nil).
@Suite struct LuaPlainValueTests {
    /// The value `value(at:)` copies of a plain value.
    static func luaValue(_ plain: LuaPlainValue) -> LuaValue {
        switch plain {
        case .string(let text): .string(text)
        case .integer(let number): .integer(number)
        case .number(let number): .number(number)
        case .bool(let flag): .bool(flag)
        case .list(let items): .table(LuaTable(array: items.map(luaValue)))
        case .record(let fields):
            .table(LuaTable(fields: Dictionary(uniqueKeysWithValues: fields.map { (LuaKey.string($0.key), luaValue($0.value)) })))
        }
    }

    /// Element i of the list `source` returns, read both ways.
    static func read(_ source: String, depth: Int = 8, limits: LuaLimits = .init()) throws -> [(plain: LuaPlainValue?, copy: Result<LuaValue, Error>)] {
        let lua = try LuaState(limits: limits)
        let make = try #require(try lua.run(string: "return function() " + source + " end", chunkName: "=plain").first?.functionValue)
        return try lua.call(make, building: []) { view, _ in
            guard let view else { return [] }
            var found: [(LuaPlainValue?, Result<LuaValue, Error>)] = []
            var position = 1
            while true {
                let copy = Result { try view.value(at: position) }
                if case .success(.nil) = copy { break }
                found.append((view.plainValue(at: position, depth: depth), copy))
                position += 1
            }
            return found
        }
    }

    @Test func plainDataReadsAsTheCopyDoes() throws {
        let found = try Self.read("""
            return { "text", 12, -0.5, 1e300, true, false, "Київ\\0x", {}, { "a", 2, true }, { name = "N", phone = { "1", "2" },
              custom = { ["Car model"] = "X", n = 1.5 }, empty = {} }, { clients = { { name = "a" }, {} }, warnings = {} } }
            """)
        #expect(found.count == 11)
        for (plain, copy) in found {
            let plain = try #require(plain, "read in place: \(copy)")
            #expect(Self.luaValue(plain) == (try copy.get()))
        }
    }

    @Test func anythingElseIsLeftToTheCopy() throws {
        let found = try Self.read("""
            local cycle = {}; cycle.self = cycle
            return { function() end, { f = function() end }, setmetatable({}, {}), { 1, 2, x = 3 }, { [1] = "a", [3] = "c" },
              { [2.5] = 1 }, { [true] = 1 }, cycle, { { { { "deep" } } } }, string }
            """, depth: 3)
        #expect(found.count == 10)
        for (plain, copy) in found { #expect(plain == nil, "\(copy)") }
    }

    @Test func aValueOverTheCopyLimitsIsLeftToTheCopyWhichRefusesIt() throws {
        var limits = LuaLimits()
        limits.maximumCopyElements = 10
        let found = try Self.read("return { { 1, 2, 3 }, { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 } }", limits: limits)
        #expect(found.count == 2)
        #expect(found[0].plain == .list([.integer(1), .integer(2), .integer(3)]))
        #expect(found[1].plain == nil)
        #expect(throws: LuaError.self) { try found[1].copy.get() }
    }
}
