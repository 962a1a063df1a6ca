import Foundation
import Testing
import TestSupport
@testable import Workbook

/// A part inflated on a thread of its own (`InflateAhead`) reads exactly as one inflated by its
/// reader: the same rows, the same TSV, the same shared strings, the same error for a damaged
/// stream — whatever block boundary falls inside a tag, an entity or a UTF-8 sequence.
@Suite struct InflateAheadTests {
    /// Block sizes from one byte (a boundary at every offset of every tag, entity and UTF-8
    /// sequence) to larger than the sheet.
    static let blockSizes = [1, 2, 3, 5, 7, 13, 64, 1000, 1 << 16]

    /// Rows with every kind of cell, entities, character references, Cyrillic and emoji text
    /// (two-, three- and four-byte UTF-8), a gap, cells out of order and a row with no `r`.
    static let rows = """
        <row r="1" spans="1:6"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>\
        <row r="2"><c r="A2"><v>42</v></c><c r="B2" t="inlineStr"><is><t xml:space="preserve">a &amp; b &lt;c&gt; &#9;&#x41;</t></is></c><c r="C2" t="s"><v>3</v></c><c r="D2" s="1"><v>45000</v></c></row>\
        <row r="5"><c r="C5" t="b"><v>1</v></c><c r="A5" t="e"><v>#N/A</v></c><c r="B5" t="str"><f>A1&amp;"x"</f><v>Олександр 😀</v></c></row>\
        <row><c t="inlineStr"><is><t>вул. Хрещатик, 1</t></is></c><c><v>-1234.56</v></c></row>\
        <row r="9"><c r="F9" t="d"><v>2024-03-09T10:20:30</v></c><c r="E9" t="s"><v>1</v></c></row>
        """

    static let strings = ["Client ID", "Ім'я", "line\nbreak &amp; tab\t", "Léa 😀"]

    static func workbook(rows: String = InflateAheadTests.rows) -> HostileZip {
        var zip = HostileZip.workbook(sheet: HostileZip.sheet(rows), sharedStrings:
            #"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\#(strings.map { "<si><t xml:space=\"preserve\">\($0.replacingOccurrences(of: "\n", with: "&#10;"))</t></si>" }.joined())</sst>"#)
        zip.add("xl/styles.xml", #"<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs></styleSheet>"#)
        return zip
    }

    static func allRows(_ path: String, _ inflating: InflateAhead.Placement) throws -> [Row] {
        let reader = try XLSXReader(path: path).rows(sheet: .firstVisible, inflating: inflating)
        var rows: [Row] = []
        while let row = try reader.nextRow() { rows.append(row) }
        return rows
    }

    static func tsv(_ path: String, _ inflating: InflateAhead.Placement) throws -> String {
        let reader = try XLSXReader(path: path).rows(sheet: .firstVisible, inflating: inflating)
        var bytes: [UInt8] = []
        try CellDump.tsv(reader) { bytes += $0 }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The error that stops reading every row (as rows, or as TSV), as the user would see it.
    static func failure(_ path: String, _ inflating: InflateAhead.Placement, asTSV: Bool) -> String? {
        do {
            if asTSV { _ = try tsv(path, inflating) } else { _ = try allRows(path, inflating) }
            return nil
        } catch {
            return String(describing: error)
        }
    }

    @Test func everyBlockBoundaryReadsTheSame() throws {
        let folder = try TemporaryDirectory()
        let path = try Self.workbook().write(in: folder)
        let rows = try Self.allRows(path, .readerThread)
        let text = try Self.tsv(path, .readerThread)
        #expect(rows.count == 5 && text.contains("Олександр 😀") && text.contains("a & b <c> \\tA"))
        for blockSize in Self.blockSizes {
            let aheadRows = try Self.allRows(path, .ahead(blockSize: blockSize))
            #expect(aheadRows == rows, "block size \(blockSize): \(aheadRows) against \(rows)")
            #expect(try Self.tsv(path, .ahead(blockSize: blockSize)) == text, "block size \(blockSize)")
        }
    }

    /// After a fallback to libxml2 (a comment the scanner leaves to it), the sheet is read again
    /// from the top, inflated ahead again.
    @Test func fallbackToLibxml2ReadsTheSame() throws {
        let folder = try TemporaryDirectory()
        let withComment = Self.rows.replacingOccurrences(of: "<row r=\"5\">", with: "<!-- odd --><row r=\"5\">")
        let path = try Self.workbook(rows: withComment).write(in: folder)
        let rows = try Self.allRows(path, .readerThread)
        let text = try Self.tsv(path, .readerThread)
        #expect(rows.count == 5)
        for blockSize in [1, 7, 1 << 16] {
            #expect(try Self.allRows(path, .ahead(blockSize: blockSize)) == rows, "block size \(blockSize)")
            #expect(try Self.tsv(path, .ahead(blockSize: blockSize)) == text, "block size \(blockSize)")
        }
    }

    /// Many rows, so the inflating thread runs blocks ahead of the reader and waits for it.
    @Test func aLongSheetReadsTheSame() throws {
        let folder = try TemporaryDirectory()
        let many = (1...3000).map { #"<row r="\#($0)"><c r="A\#($0)"><v>\#($0)</v></c><c r="B\#($0)" t="s"><v>\#($0 % 4)</v></c><c r="C\#($0)" t="inlineStr"><is><t>Текст \#($0) &amp; 😀</t></is></c></row>"# }.joined()
        let path = try Self.workbook(rows: many).write(in: folder)
        let text = try Self.tsv(path, .readerThread)
        #expect(text.split(separator: "\n").count == 3000)
        for blockSize in [100, 4096] {
            #expect(try Self.tsv(path, .ahead(blockSize: blockSize)) == text, "block size \(blockSize)")
        }
    }

    /// The sheet member replaced by `damage` applied to its deflated bytes and CRC.
    static func damagedSheet(in folder: TemporaryDirectory, _ name: String,
                             _ damage: (inout [UInt8], inout UInt32) -> Void) throws -> String {
        var zip = workbook(rows: String(repeating: rows, count: 1) + (10...400).map { #"<row r="\#($0)"><c r="A\#($0)" t="inlineStr"><is><t>строка \#($0)</t></is></c></row>"# }.joined())
        let sheet = Array(zip.members[2].data)
        var given = false
        var (compressed, size, crc) = HostileZip.deflateStream { given ? nil : { given = true; return sheet }() }
        damage(&compressed, &crc)
        zip.members[2].deflated = (compressed, size, crc)
        return try zip.write(in: folder, name)
    }

    @Test(arguments: ["truncated", "corrupt", "checksum"])
    func aDamagedStreamGivesTheSameErrorAndNoHang(damage: String) throws {
        let folder = try TemporaryDirectory()
        let path = try Self.damagedSheet(in: folder, "\(damage).xlsx") { compressed, crc in
            switch damage {
            case "truncated": compressed.removeLast(compressed.count / 2)
            case "corrupt": for i in stride(from: compressed.count / 3, to: compressed.count / 3 + 40, by: 1) { compressed[i] ^= 0x5A }
            default: crc ^= 1
            }
        }
        for asTSV in [false, true] {
            let expected = try #require(Self.failure(path, .readerThread, asTSV: asTSV), "\(damage) read without an error")
            #expect(expected.contains("copy or download") || expected.contains("damaged"), "\(expected)")
            if damage == "checksum" { #expect(expected.contains("CRC-32")) }
            for blockSize in [1, 64, 1 << 16] {
                #expect(Self.failure(path, .ahead(blockSize: blockSize), asTSV: asTSV) == expected, "\(damage), block size \(blockSize), TSV \(asTSV)")
            }
        }
    }

    /// A reader dropped halfway stops its inflating thread (the test would hang if it did not).
    @Test func aReaderDroppedHalfwayStopsItsThread() throws {
        let folder = try TemporaryDirectory()
        let many = (1...2000).map { #"<row r="\#($0)"><c r="A\#($0)"><v>\#($0)</v></c></row>"# }.joined()
        let path = try Self.workbook(rows: many).write(in: folder)
        for _ in 0..<20 {
            let reader = try XLSXReader(path: path).rows(sheet: .firstVisible, inflating: .ahead(blockSize: 64))
            #expect(try reader.nextRow()?.number == 1)
        }
    }

    /// A large sheet is inflated ahead by default; a small one on the reader's thread.
    @Test func largeDeflatedPartsAreInflatedAhead() throws {
        let folder = try TemporaryDirectory()
        let many = (1...40_000).map { #"<row r="\#($0)"><c r="A\#($0)"><v>\#($0)</v></c><c r="B\#($0)" t="inlineStr"><is><t>клієнт \#($0)</t></is></c></row>"# }.joined()
        let path = try Self.workbook(rows: many).write(in: folder)
        let archive = try ZipArchive(path: path)
        let sheet = try #require(archive.entry(named: "xl/worksheets/sheet1.xml"))
        #expect(sheet.uncompressedSize >= InflateAhead.minimumSize)
        #expect(InflateAhead.source(try archive.open(sheet, maximumSize: ZipArchive.maxSheetSize)) is InflateAhead)
        let small = try #require(archive.entry(named: "xl/workbook.xml"))
        #expect(InflateAhead.source(try archive.open(small)) is ZipEntryStream)
        #expect(try Self.tsv(path, .automatic) == Self.tsv(path, .readerThread))
    }

    /// The shared-string table read through `InflateAhead` holds the same strings.
    @Test func sharedStringsReadTheSameInflatedAhead() throws {
        let folder = try TemporaryDirectory()
        let path = try Self.workbook().write(in: folder)
        let archive = try ZipArchive(path: path)
        let entry = try #require(archive.entry(named: "xl/sharedStrings.xml"))
        let cache = SharedStringsCache()
        let expected = try #require(try SharedStrings.scan(archive.open(entry), file: path))
        #expect(expected.count == Self.strings.count)
        for blockSize in [1, 3, 64] {
            let table = try #require(try SharedStrings.scan(InflateAhead.source(archive.open(entry), .ahead(blockSize: blockSize)), file: path))
            #expect((0..<table.count).map { table.string(at: $0, cache: cache) } == (0..<expected.count).map { expected.string(at: $0, cache: cache) })
        }
    }
}
