import Foundation
import LuaBridge
import TestSupport
import Testing

/// `plugins/vcard.lua`'s `read` (and `rules/lib/vcard.lua` under it) on large and hostile files,
/// in the sandbox plugins run in: work linear in the file, memory bounded, and a 100,000-card
/// file within the default import limits. No wall-clock asserts: work is counted in Lua
/// instructions (the sandbox's budget), memory by the sandbox's ceiling.
@Suite struct VCardReadingTests {
    /// The rows `read` returns for `source` in a fresh state with `limits`.
    static func read(_ source: String, limits: LuaLimits = .init()) throws -> [LuaValue] {
        let lua = try LuaState(limits: limits, modulePaths: ["\(repositoryRoot)/rules", "\(repositoryRoot)/plugins"])
        let plugin = try #require(try lua.run(file: "\(repositoryRoot)/plugins/vcard.lua").first)
        let read = try #require(plugin["read"].functionValue)
        let result = try lua.call(read, [.string(source)]).first ?? .nil
        return result["rows"].tableValue?.array ?? []
    }

    /// The instructions `read` needs for `source`, to the sandbox's granularity (the count hook
    /// checks the budget every 1,000): the smallest budget it finishes within.
    static func instructionsToRead(_ source: String) throws -> Int {
        func fits(_ budget: Int) throws -> Bool {
            do {
                _ = try read(source, limits: LuaLimits(instructionBudget: budget))
                return true
            } catch let error as LuaError where error.kind == .timeBudget {
                return false
            }
        }
        var high = 16_000
        while try !fits(high) { high *= 2 }
        var low = high / 2
        while high - low > 1_000 {
            let middle = (low + high) / 2
            if try fits(middle) { high = middle } else { low = middle }
        }
        return high
    }

    /// A card whose NOTE is folded into `lines` continuation lines of 75 bytes.
    static func foldedNote(lines: Int) -> String {
        var text = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jean Dupont\r\nNOTE:start\r\n"
        let piece = " " + String(repeating: "abcdefghij", count: 7) + "xyz\r\n"
        text.reserveCapacity(text.utf8.count + lines * piece.utf8.count + 40)
        for _ in 0..<lines { text += piece }
        return text + "TEL:+33 6 12 34 56 78\r\nEND:VCARD\r\n"
    }

    /// A card whose NOTE is quoted-printable with a soft line break on every line.
    static func softBrokenNote(lines: Int) -> String {
        var text = "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Jean\r\nNOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=D0=9F=\r\n"
        let piece = String(repeating: "=D0=B5", count: 12) + "=\r\n"
        for _ in 0..<lines { text += piece }
        return text + "x\r\nTEL:+380501234567\r\nEND:VCARD\r\n"
    }

    /// A card with a base64 PHOTO of about `bytes` bytes folded at 75 columns (vCard 3.0).
    static func photo(bytes: Int) -> String {
        var text = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jean\r\nPHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRg\r\n"
        let piece = " " + String(repeating: "QUJD", count: 18) + "QU\r\n"
        text.reserveCapacity(bytes + 200)
        for _ in 0..<(bytes / 75) { text += piece }
        return text + "TEL:+33 6 12 34 56 78\r\nEND:VCARD\r\n"
    }

    /// A card of `count` Apple-style grouped phones, each with its label.
    static func groupedPhones(count: Int) -> String {
        var text = "BEGIN:VCARD\nVERSION:3.0\nFN:Jean\n"
        for i in 1...count { text += "item\(i).TEL:+33 6 00 00 \(i)\nitem\(i).X-ABLabel:_$!<Atelier \(i)>!$_\n" }
        return text + "END:VCARD\n"
    }

    /// `count` cards as a phone exports them.
    static func cards(_ count: Int) -> String {
        var text = ""
        text.reserveCapacity(count * 120)
        for i in 0..<count {
            text += "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Petrov;Ivan \(i);;;\r\nFN:Ivan \(i) Petrov\r\nTEL;CELL:+38050\(1_000_000 + i)\r\nEND:VCARD\r\n"
        }
        return text
    }

    /// Reading 8 times the input takes about 8 times the instructions. Before, the grouped
    /// phones were quadratic in Lua (each label searched the whole card: 64 times the work);
    /// the folded and soft-broken lines were quadratic in C (each line copied the whole value
    /// so far), which the hang guards below catch.
    @Test(arguments: ["folded", "soft breaks", "photo", "grouped phones", "cards"])
    func eightTimesTheInputIsAboutEightTimesTheWork(shape: String) throws {
        func source(_ scale: Int) -> String {
            switch shape {
            case "folded": return Self.foldedNote(lines: 2_000 * scale)
            case "soft breaks": return Self.softBrokenNote(lines: 2_000 * scale)
            case "photo": return Self.photo(bytes: 200_000 * scale)
            case "grouped phones": return Self.groupedPhones(count: 300 * scale)
            default: return Self.cards(300 * scale)
            }
        }
        let once = try Self.instructionsToRead(source(1))
        let eight = try Self.instructionsToRead(source(8))
        #expect(once >= 20_000, "too small to measure: \(once)")
        #expect(eight < 10 * once, "\(shape): \(once) instructions for 1×, \(eight) for 8×")
    }

    /// The continuation lines of a 15 MB value are each copied once. Before, each one copied
    /// the whole value read so far: about 1.5 TB of copying, many minutes.
    @Test(.timeLimit(.minutes(1))) func aValueFoldedIntoTwoHundredThousandLinesReads() throws {
        let rows = try Self.read(Self.foldedNote(lines: 200_000))
        try #require(rows.count == 1)
        let cells = rows[0].tableValue?.array.compactMap(\.stringValue) ?? []
        #expect(cells[5].utf8.count == 5 + 200_000 * 73) // vCard NOTE: "start" and the lines, unfolded
        #expect(cells.contains("+33 6 12 34 56 78"))
    }

    @Test(.timeLimit(.minutes(1))) func aValueSoftBrokenOnEveryLineReads() throws {
        let rows = try Self.read(Self.softBrokenNote(lines: 200_000))
        try #require(rows.count == 1)
        let cells = rows[0].tableValue?.array.compactMap(\.stringValue) ?? []
        #expect(cells[5] == "П" + String(repeating: "е", count: 12 * 200_000) + "x")
        #expect(cells.contains("+380501234567"))
    }

    /// A 20 MB photo folded at 75 columns is skipped in one scan (before: its 270,000 lines were
    /// joined one by one, terabytes of copying) and the phone after it is read.
    @Test(.timeLimit(.minutes(1))) func aTwentyMegabytePhotoIsSkipped() throws {
        let rows = try Self.read(Self.photo(bytes: 20_000_000))
        try #require(rows.count == 1)
        #expect(rows[0].tableValue?.array.contains(.string("+33 6 12 34 56 78")) == true)
    }

    /// A 50 MB photo on one line and one folded: the file's text is held once (it is the
    /// argument), and reading it needs only a few MiB more. Before, the line-end rewrite alone
    /// copied the text twice, past this ceiling.
    @Test(arguments: [false, true])
    func aFiftyMegabytePhotoIsHeldOnce(folded: Bool) throws {
        let photo = String(repeating: "QUJD", count: 12_500_000)
        let source = folded
            ? Self.photo(bytes: 50_000_000)
            : "BEGIN:VCARD\nVERSION:4.0\nFN:Jean\nPHOTO:data:image/jpeg;base64,\(photo)\nTEL:+33 6 12\nEND:VCARD\n"
        let ceiling = source.utf8.count + (16 << 20)
        let rows = try Self.read(source, limits: LuaLimits(memoryLimitBytes: ceiling))
        try #require(rows.count == 1)
        #expect(rows[0].tableValue?.array.contains(.string(folded ? "+33 6 12 34 56 78" : "+33 6 12")) == true)
    }

    /// 100,000 cards read within the limits every import runs plugins under (200 million
    /// instructions, 256 MiB). Before: 201 million instructions and 297 MB at its peak.
    @Test func aHundredThousandCardsFitTheDefaultLimits() throws {
        let rows = try Self.read(Self.cards(100_000))
        #expect(rows.count == 100_000)
        #expect(rows.last?.tableValue?.array.first == .string("Ivan 99999 Petrov"))
    }
}
