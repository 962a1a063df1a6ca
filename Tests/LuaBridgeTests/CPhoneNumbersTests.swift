import CLua
import CLuaLimits
import CPhoneNumbers
import PropertyBased
import Testing
@testable import LuaBridge

/// CPhoneNumbers' `split_numbers`, called through its C API on a plain state: edge cases, and a
/// differential property test against a plain Swift statement of what it promises.
@Suite struct CPhoneNumbersTests {
    /// What `split_numbers` returned: the list of parts, or the refused part.
    enum Split: Equatable, CustomStringConvertible {
        case parts([[UInt8]])
        case refused([UInt8])
        case failed(String)

        var description: String {
            func show(_ bytes: [UInt8]) -> String { String(reflecting: String(decoding: bytes, as: UTF8.self)) + " \(bytes)" }
            switch self {
            case .parts(let parts): return "parts " + parts.map(show).joined(separator: ", ")
            case .refused(let part): return "refused " + show(part)
            case .failed(let message): return "failed: " + message
            }
        }
    }

    /// Calls `split_numbers(text, separators, allowed)` (no `allowed` argument when nil).
    static func split(_ fixture: CStateFixture, _ text: [UInt8], _ separators: [UInt8], _ allowed: [UInt8]?) -> Split {
        let L = fixture.L
        let base = lua_gettop(L)
        defer { lua_settop(L, base) }
        ci_phone_push_split_numbers(L)
        for argument in [text, separators] + (allowed.map { [$0] } ?? []) {
            argument.withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { _ = lua_pushlstring(L, $0.baseAddress, $0.count) }
            }
        }
        guard lua_pcallk(L, allowed == nil ? 2 : 3, LUA_MULTRET, 0, 0, nil) == LUA_OK else {
            return .failed(fixture.describe(-1))
        }
        func bytes(at index: Int32) -> [UInt8] {
            var length = 0
            guard let pointer = lua_tolstring(L, index, &length) else { return [] }
            return Array(UnsafeRawBufferPointer(start: pointer, count: length))
        }
        if lua_type(L, base + 1) == LUA_TNIL { return .refused(bytes(at: base + 2)) }
        let count = lua_rawlen(L, base + 1)
        var parts: [[UInt8]] = []
        for index in 0..<count {
            lua_rawgeti(L, base + 1, lua_Integer(index + 1))
            parts.append(bytes(at: -1))
            ci_lua_pop(L, 1)
        }
        return .parts(parts)
    }

    static func split(_ fixture: CStateFixture, _ text: String, _ separators: String, _ allowed: String? = nil) -> Split {
        split(fixture, Array(text.utf8), Array(separators.utf8), allowed.map { Array($0.utf8) })
    }

    static func parts(_ parts: String...) -> Split { .parts(parts.map { Array($0.utf8) }) }
    static func refused(_ part: String) -> Split { .refused(Array(part.utf8)) }

    // MARK: - Edge cases

    @Test func emptyPartsAreDropped() throws {
        let lua = try CStateFixture()
        #expect(Self.split(lua, "", ",") == Self.parts())
        #expect(Self.split(lua, ",,;,", ",;") == Self.parts())
        #expect(Self.split(lua, " ,\t\n, \u{A0}\u{A0} ,\r", ",") == Self.parts())
        #expect(Self.split(lua, ",12,,34,", ",") == Self.parts("12", "34"))
    }

    @Test func partsAreTrimmedOfWhiteSpaceAndNoBreakSpacesAndKeepOnlyDigits() throws {
        let lua = try CStateFixture()
        #expect(Self.split(lua, " +33 6 12 , (0)1-2 ;\u{A0}+ 4\u{A0}5 ;", ",;", "+-()") == Self.parts("+33612", "012", "+45"))
        #expect(Self.split(lua, "\u{A0}\u{A0}06\u{A0}12\t34\u{A0}", ",") == Self.parts("061234"))
        // No separators: the whole text is one part.
        #expect(Self.split(lua, "06 12, 34", "") == Self.refused("06 12, 34"))
        #expect(Self.split(lua, "06 12, 34", "", ",") == Self.parts("061234"))
    }

    @Test func aPlusIsKeptOnlyAtTheStartOfAPart() throws {
        let lua = try CStateFixture()
        #expect(Self.split(lua, "+33 1, 0+1", ",", "+") == Self.parts("+331", "01"))
        #expect(Self.split(lua, " + ", ",", "+") == Self.parts("+"))
        #expect(Self.split(lua, "++1", ",", "+") == Self.parts("+1"))
        // Not allowed: a leading "+" is a refused byte like any other.
        #expect(Self.split(lua, "1, +33 1", ",", "") == Self.refused("+33 1"))
    }

    @Test func aRefusedByteNamesItsTrimmedPart() throws {
        let lua = try CStateFixture()
        #expect(Self.split(lua, "12, a1 ,3", ",") == Self.refused("a1"))
        #expect(Self.split(lua, "12; 06-12 ;x", ";", "") == Self.refused("06-12"))
        // Half a U+00A0 (C2 without A0, A0 without C2) and other UTF-8 are refused.
        #expect(Self.split(lua, [0x31, 0xC2], [0x2C], []) == .refused([0x31, 0xC2]))
        #expect(Self.split(lua, [0xA0, 0x31], [0x2C], []) == .refused([0xA0, 0x31]))
        #expect(Self.split(lua, "06 é", ",") == Self.refused("06 é"))
        // Lengths, not C strings: a NUL byte is a byte like others (refused, or a separator).
        #expect(Self.split(lua, [0x31, 0x00, 0x32], [0x2C], []) == .refused([0x31, 0x00, 0x32]))
        #expect(Self.split(lua, [0x31, 0x00, 0x32], [0x00], []) == Self.parts("1", "2"))
        // The first refused part wins, even after good ones.
        #expect(Self.split(lua, "1, a, b", ",") == Self.refused("a"))
    }

    @Test func badArgumentsAreLuaErrors() throws {
        let lua = try CStateFixture()
        let L = lua.L
        ci_phone_push_split_numbers(L)
        lua_pushnil(L)
        lua_pushlstring(L, ",", 1)
        #expect(lua_pcallk(L, 2, 0, 0, 0, nil) == LUA_ERRRUN)
        #expect(lua.describe(-1).contains("bad argument #1"))
        ci_lua_pop(L, 1)
        ci_phone_push_split_numbers(L)
        lua_pushlstring(L, "1", 1)
        #expect(lua_pcallk(L, 1, 0, 0, 0, nil) == LUA_ERRRUN)
        #expect(lua.describe(-1).contains("bad argument #2"))
        ci_lua_pop(L, 1)
        // Numbers are strings to it, as to any Lua string function.
        ci_phone_push_split_numbers(L)
        lua_pushinteger(L, 612)
        lua_pushlstring(L, ",", 1)
        #expect(lua_pcallk(L, 2, 1, 0, 0, nil) == LUA_OK)
        lua_rawgeti(L, -1, 1)
        #expect(lua.describe(-1) == "612")
        lua_settop(L, 0)
    }

    @Test func veryLongInputIsSplitWhole() throws {
        let lua = try CStateFixture()
        let digits = String(repeating: "0123456789", count: 200_000)   // 2 MB in one part
        #expect(Self.split(lua, " " + digits + " ", ",") == Self.parts(digits))
        let many = String(repeating: "+1 2,", count: 100_000)
        #expect(Self.split(lua, many, ",", "+") == .parts(Array(repeating: Array("+12".utf8), count: 100_000)))
        let refusedLast = String(repeating: "1,", count: 100_000) + "x"
        #expect(Self.split(lua, refusedLast, ",") == Self.refused("x"))
    }

    @Test func itsMemoryIsTheStatesAndCountsAgainstTheCeiling() throws {
        let lua = try CStateFixture(limitBytes: 4 << 20)
        let L = lua.L
        // The host pushes the 2 MB cell (host allocations are never refused), then Lua's call runs
        // under the ceiling: the part's digits do not fit in the 2 MB left.
        ci_phone_push_split_numbers(L)
        let cell = String(repeating: "1", count: 2 << 20)
        lua_pushlstring(L, cell, cell.utf8.count)
        lua_pushlstring(L, ",", 1)
        lua.limits.pointee.enforcing = 1
        let status = lua_pcallk(L, 2, 1, 0, 0, nil)
        lua.limits.pointee.enforcing = 0
        #expect(status == LUA_ERRMEM)
        #expect(lua.describe(-1) == "not enough memory")
        #expect(lua.limits.pointee.memory_exceeded == 1)
        #expect(lua.limits.pointee.used_bytes <= 4 << 20)
        lua_settop(L, 0)
    }

    // MARK: - Against a plain statement

    /// What `split_numbers` promises, written plainly: split on separator bytes, trim white space
    /// and U+00A0 at both ends, drop empty parts; keep digits ("+" first when the part starts with
    /// one); a byte that is no digit, white space, U+00A0 or allowed refuses its part.
    static func reference(_ text: [UInt8], _ separators: [UInt8], _ allowed: [UInt8]) -> Split {
        let nbsp: [UInt8] = [0xC2, 0xA0]
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
        var parts: [[UInt8]] = []
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: separators.contains) {
            var part = Array(raw)
            while true {
                if let first = part.first, isSpace(first) { part.removeFirst() }
                else if part.starts(with: nbsp) { part.removeFirst(2) }
                else { break }
            }
            while true {
                if let last = part.last, isSpace(last) { part.removeLast() }
                else if part.count >= 2, Array(part.suffix(2)) == nbsp { part.removeLast(2) }
                else { break }
            }
            if part.isEmpty { continue }
            var digits: [UInt8] = part.first == UInt8(ascii: "+") ? [UInt8(ascii: "+")] : []
            var index = 0
            while index < part.count {
                let byte = part[index]
                if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { digits.append(byte) }
                else if Array(part[index...].prefix(2)) == nbsp { index += 1 }
                else if !isSpace(byte) && !allowed.contains(byte) { return .refused(part) }
                index += 1
            }
            parts.append(digits)
        }
        return .parts(parts)
    }

    @Test func itAgreesWithThePlainStatementOnGeneratedCells() async throws {
        // Bytes phone cells are made of, and the ones that trip a byte-wise splitter: both halves
        // of U+00A0 alone, other UTF-8, NUL.
        let tokens: [[UInt8]] = [
            [0x30], [0x36], [0x39], [0x2B], [0x20], [0x09], [0x0A], [0x2C], [0x3B], [0x2D], [0x28], [0x29], [0x61],
            [0xC2, 0xA0], [0xC2, 0xA0], [0xC2], [0xA0], [0xC3, 0xA9], [0x00],
        ]
        let separatorSets: [[UInt8]] = [Array(",;\n".utf8), Array(",".utf8), [], [0x00], [0xC2]]
        let allowedSets: [[UInt8]] = [Array("+-()/".utf8), [], Array("+".utf8), [0xA0, 0x61]]
        await propertyCheck(count: 100, input: Gen.uint64(in: 1...UInt64.max)) { seed in
            do {
                let lua = try CStateFixture()
                var random = Xorshift(seed: seed)
                for _ in 0..<200 {
                    let text = (0..<random.int(below: 24)).flatMap { _ in tokens[random.int(below: tokens.count)] }
                    let separators = separatorSets[random.int(below: separatorSets.count)]
                    let allowed = allowedSets[random.int(below: allowedSets.count)]
                    let ours = Self.split(lua, text, separators, allowed)
                    #expect(ours == Self.reference(text, separators, allowed),
                            "seed \(seed): text \(text) separators \(separators) allowed \(allowed)")
                }
            } catch {
                Issue.record("seed \(seed): \(error)")
            }
        }
    }
}
