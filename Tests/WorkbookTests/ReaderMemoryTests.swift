import Foundation
import Testing
import TestSupport
@testable import Workbook

/// What the reader holds per row and per shared string (issue 18: the 1M-row import's peak
/// memory), and that the compact forms read back exactly what the file holds.
@Suite struct ReaderMemoryTests {
    /// A date cell is boxed: inline, its 74 bytes made every cell of every queued row 80 bytes.
    @Test func aCellIsFortyBytes() {
        #expect(MemoryLayout<Cell>.stride <= 40)
        let date = Cell.date(CellDate(year: 2024, month: 2, day: 29, hour: 13, minute: 5, second: 9, millisecond: 250,
                                      hasDate: true, hasTime: true, written: "2024-02-29T13:05:09.25"))
        guard case .date(let back) = date else { Issue.record("not a date: \(date)"); return }
        #expect(back.year == 2024 && back.millisecond == 250 && back.written == "2024-02-29T13:05:09.25")
    }

    /// The inflating thread holds `blocksAhead + 2` blocks: about 1.25 MiB, not the 5 MiB of
    /// 1 MiB blocks.
    @Test func inflatedBlocksAreAQuarterMebibyte() {
        #expect(InflateAhead.blockSize <= 256 << 10)
    }

    /// Each row's cells come in an array of their own size, not the reader's scratch capacity
    /// (32 cells or more, as wide as the widest row so far).
    @Test func rowsHoldNoSpareCapacity() throws {
        let folder = try TemporaryDirectory()
        let wide = (1...40).map { #"<c r="\#(ColumnLetters.letters(ofIndex: $0 - 1))1"><v>\#($0)</v></c>"# }.joined()
        let narrow = (2...50).map { row in
            #"<row r="\#(row)"><c r="A\#(row)" t="s"><v>\#(row % 3)</v></c><c r="B\#(row)"><v>\#(row)</v></c><c r="C\#(row)" t="inlineStr"><is><t>client \#(row) with a name longer than fifteen bytes</t></is></c></row>"#
        }.joined()
        let path = try HostileZip.workbook(sheet: HostileZip.sheet(#"<row r="1">\#(wide)</row>"# + narrow),
                                           sharedStrings: "<sst><si><t>zero</t></si><si><t>one</t></si><si><t>two</t></si></sst>").write(in: folder)
        let rows = try readRows(path)
        #expect(rows.count == 50)
        #expect(rows[0].cells.count == 40 && rows[0].cells[39].displayText == "40")
        for row in rows.dropFirst() {
            #expect(row.cells.count == 3 && row.cells.capacity <= 4, "row \(row.number): capacity \(row.cells.capacity)")
            #expect(texts([row]) == [[["zero", "one", "two"][row.number % 3], "\(row.number)", "client \(row.number) with a name longer than fifteen bytes"]])
        }
    }

    /// Strings of every length class — empty, short, 254 to 256 bytes around the one-byte
    /// length's limit, longer than a 64 KiB cache block — at every place in a group of eight.
    static let strings: [String] = (0..<5_000).map { i in
        switch i % 13 {
        case 0: ""
        case 1: String(repeating: "a", count: 254)
        case 2: String(repeating: "b", count: 255)
        case 3: String(repeating: "c", count: 256)
        case 4: "Клієнт №\(i) 😀"
        case 5 where i % 1_000 == 5: String(repeating: "✓", count: 30_000) + "\(i)"  // 90 KB of UTF-8
        case 6: String(repeating: "д", count: 127) + "x"  // 255 bytes
        default: "client\(i)@example.com"
        }
    }

    @Test func everyStringComesBackInMemoryAndSpilled() throws {
        for limit in [SharedStrings.memoryLimit, 4096] {
            let table = try SharedStrings(Self.strings, memoryLimit: limit)
            #expect(table.isSpilled == (limit == 4096))
            #expect(table.count == Self.strings.count)
            let cache = SharedStringsCache()
            var wrong: [Int] = []
            for index in 0..<table.count where table.string(at: index, cache: cache) != Self.strings[index] { wrong.append(index) }
            // Backwards too: each lookup stands on its own, whatever came before.
            for index in (0..<table.count).reversed() where table.string(at: index, cache: cache) != Self.strings[index] { wrong.append(index) }
            #expect(wrong.isEmpty, "limit \(limit): strings \(wrong.prefix(10)) read wrong")
        }
    }

    /// One byte a string and four every eighth string, not four each (with the doubling
    /// growth of a table whose part gives no `uniqueCount`, under 2.5 in all).
    @Test func boundsTakeAboutOneAndAHalfBytesAString() throws {
        let table = try SharedStrings((0..<100_000).map { "client\($0)@example.com" })
        #expect(table.text.boundsByteCount < 5 * table.count / 2, "\(table.text.boundsByteCount) bytes for \(table.count) strings")
        let cache = SharedStringsCache()
        #expect(table.string(at: 99_999, cache: cache) == "client99999@example.com")
    }

    /// A table of fewer strings than a group, and one that ends exactly on a group's end.
    @Test func partialAndExactGroups() throws {
        for count in [0, 1, 7, 8, 9, 16, 17] {
            let strings = (0..<count).map { String(repeating: "é", count: $0 * 40) }
            let table = try SharedStrings(strings)
            let cache = SharedStringsCache()
            #expect((0..<count).map { table.string(at: $0, cache: cache) } == strings, "\(count) strings")
        }
    }

    /// Through the reader: a sheet whose shared strings come after it in the zip, a table of
    /// more text than the spill limit (so it is read back through the block cache, 4 MiB, from
    /// a temporary file), with strings longer than a cache block, looked up in file order and
    /// out of it. Rows and TSV text both.
    @Test func aSpilledTableAfterTheSheetReadsBackThroughTheReader() throws {
        let folder = try TemporaryDirectory()
        // About 9.5 MB of text: past the 8 MiB spill limit.
        var strings = Self.strings
        strings += (0..<100).map { String(repeating: "ж", count: 30_000) + "\($0)" }
        let items = strings.map { "<si><t>\(TSVDumpPropertyTests.xml($0))</t></si>" }.joined()
        let sharedStrings = #"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount="\#(strings.count)">\#(items)</sst>"#
        var state: UInt64 = 11
        var expected: [[String]] = []
        var sheet = ""
        for row in 1...2_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let indexes = [row - 1, strings.count - 1 - row % 100, Int(state >> 33) % strings.count, (row * 7) % strings.count]
            var texts = indexes.map { strings[$0] }
            while texts.last == "" { texts.removeLast() }  // a row ends at its last non-empty cell
            expected.append(texts)
            sheet += #"<row r="\#(row)">"# + indexes.enumerated().map { column, index in
                #"<c r="\#(ColumnLetters.letters(ofIndex: column))\#(row)" t="s"><v>\#(index)</v></c>"#
            }.joined() + "</row>"
        }
        let book = HostileZip.workbook(sheet: HostileZip.sheet(sheet), sharedStrings: sharedStrings)
        #expect(book.members.firstIndex { $0.name == "xl/worksheets/sheet1.xml" }! < book.members.firstIndex { $0.name == "xl/sharedStrings.xml" }!)
        let path = try book.write(in: folder)
        let rows = try readRows(path)
        #expect(rows.count == expected.count)
        // Compared cell by cell, so a failure names the cell instead of printing megabytes.
        var wrong: [String] = []
        for (row, want) in zip(texts(rows), expected) {
            for (column, (got, text)) in zip(row, want).enumerated() where got != text {
                wrong.append("row \(wrong.count) column \(column): \(got.utf8.count) bytes \(got.prefix(20)) for \(text.utf8.count) bytes \(text.prefix(20))")
            }
            if row.count != want.count { wrong.append("\(row.count) cells for \(want.count)") }
        }
        #expect(wrong.isEmpty, "\(wrong.count) cells wrong: \(wrong.prefix(5))")
        // The TSV dump's byte path looks strings up on its own way: it prints what the rows hold.
        let bytePath = try TSVDumpPropertyTests.bytePath(path), cellPath = try TSVDumpPropertyTests.cellPath(path)
        #expect(bytePath == cellPath, "the byte path's TSV differs from the cells' (\(bytePath.utf8.count) against \(cellPath.utf8.count) bytes)")
    }
}
