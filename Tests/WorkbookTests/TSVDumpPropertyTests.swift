import Foundation
import Testing
import TestSupport
@testable import Workbook

/// The TSV dump of an XLSX sheet is written straight from the sheet's bytes (`TSVLines`); these
/// tests hold it to the `Cell` path — every row read as `Cell`s, `displayText` escaped — byte
/// for byte, on generated sheets with every kind of cell and row the reader knows.
@Suite struct TSVDumpPropertyTests {
    /// SplitMix64: the seed in a failure message reproduces the sheet.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let texts = ["Олександр", "вул. Хрещатик, 1", "a\tb", "line\nbreak", "back\\slash", "", " ",
                        "a & b <c>", "😀 emoji", "Léa", "tab at end\t", "\\t literal", "x_x000D_y", "_x005F_x"]
    static let numbers = ["42", "-1234.56", "0.075", "1.0", "3.80501234567E11", "-0", "0.00001", "007",
                          "12345678901234567890", "1E30", "2.5", "0", "45000", "45000.5", "NaN", "12.50"]

    /// The sheet's XML text for `text`, escaped as a writer would (the tab, newline and `&`).
    static func xml(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: "\n", with: "&#10;").replacingOccurrences(of: "\t", with: "&#9;")
    }

    /// A workbook with shared strings, number formats (style 1 a date, 2 a date-time, 3 a
    /// time, 4 money) and `rows` of random cells; `oddity` puts something the scanner leaves to
    /// libxml2 (a comment) after some rows, so the dump also crosses a fallback.
    static func sheet(_ random: inout Seeded, rows: Int, date1904: Bool, oddity: Bool) -> HostileZip {
        var xml = ""
        var rowNumber = 0
        for r in 0..<rows {
            rowNumber += Int.random(in: 0..<6, using: &random) == 0 ? Int.random(in: 2...4, using: &random) : 1
            let numbered = Int.random(in: 0..<8, using: &random) > 0
            // A row without `r` follows the last; keep the generated number in step.
            xml += numbered ? #"<row r="\#(rowNumber)" spans="1:9">"# : "<row>"
            var column = 0
            for _ in 0..<Int.random(in: 0...9, using: &random) {
                let order = Int.random(in: 0..<20, using: &random)
                column = order == 0 ? max(1, column - 1) : column + (order < 4 ? 2 : 1)   // now and then out of order
                let reference = Int.random(in: 0..<10, using: &random) == 0 ? "" : #" r="\#(ColumnLetters.letters(ofIndex: column - 1))\#(numbered ? rowNumber : 1)""#
                switch Int.random(in: 0..<10, using: &random) {
                case 0, 1, 2:
                    xml += #"<c\#(reference) t="s"><v>\#(Int.random(in: 0..<texts.count, using: &random))</v></c>"#
                case 3:
                    xml += #"<c\#(reference) t="inlineStr"><is><t xml:space="preserve">\#(Self.xml(texts.randomElement(using: &random)!))</t></is></c>"#
                case 4, 5:
                    let style = Int.random(in: 0..<3, using: &random) == 0 ? #" s="\#(Int.random(in: 0...5, using: &random))""# : ""
                    xml += #"<c\#(reference)\#(style)><v>\#(numbers.randomElement(using: &random)!)</v></c>"#
                case 6:
                    xml += #"<c\#(reference) t="b"><v>\#(Int.random(in: 0...1, using: &random))</v></c>"#
                case 7:
                    xml += #"<c\#(reference) t="e"><v>\#(["#N/A", "#DIV/0!", "#VALUE!"].randomElement(using: &random)!)</v></c>"#
                case 8:
                    xml += #"<c\#(reference) t="str"><f>A1&amp;"x"</f><v>\#(Self.xml(texts.randomElement(using: &random)!))</v></c>"#
                default:
                    xml += ["<c\(reference) s=\"1\"/>", "<c\(reference) t=\"d\"><v>2024-03-09T10:20:30</v></c>",
                            "<c\(reference)><f>SUM(A1:A2)</f><v>3</v></c>", "<c\(reference) t=\"s\"><v>5</v></c>"].randomElement(using: &random)!
                }
            }
            xml += "</row>"
            if oddity && r == rows / 2 { xml += "<!-- left to libxml2 -->" }
        }
        var zip = HostileZip()
        zip.add("xl/workbook.xml", #"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><workbookPr date1904="\#(date1904 ? 1 : 0)"/><sheets><sheet name="Clients" sheetId="1" r:id="rId1"/></sheets></workbook>"#)
        zip.add("xl/_rels/workbook.xml.rels", #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>\#(HostileZip.sharedStringsRelationship)</Relationships>"#)
        zip.add("xl/worksheets/sheet1.xml", HostileZip.sheet(xml))
        zip.add("xl/sharedStrings.xml", #"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\#(texts.map { "<si><t xml:space=\"preserve\">\(Self.xml($0))</t></si>" }.joined())</sst>"#)
        zip.add("xl/styles.xml", ##"<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="#,##0.00"/></numFmts><cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="22"/><xf numFmtId="21"/><xf numFmtId="164"/></cellXfs></styleSheet>"##)
        zip.add("_rels/.rels", #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#)
        return zip
    }

    /// The dump through `Cell`s: the buffered variant reads `Row`s and escapes `displayText`.
    static func cellPath(_ path: String) throws -> String {
        var text = ""
        try CellDump.tsv(XLSXReader(path: path).rows(), to: { text += $0 })
        return text
    }

    /// The byte path (an XLSX sheet's reader handed as it is), spooled in memory or to its file.
    static func bytePath(_ path: String, spoolMemory: Int = CellDump.spoolMemory) throws -> String {
        let reader = try XLSXReader(path: path).rows()
        #expect(CellDump.readsTSVDirectly(reader))
        var bytes: [UInt8] = []
        try CellDump.tsv(reader, spoolMemory: spoolMemory) { bytes += $0 }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test(arguments: 0..<24)
    func bytePathPrintsWhatTheCellPathPrints(round: Int) throws {
        let seed = UInt64.random(in: 0...UInt64.max)
        var random = Seeded(state: seed)
        let folder = try TemporaryDirectory()
        let path = try Self.sheet(&random, rows: Int.random(in: 1...300, using: &random),
                                  date1904: round % 2 == 1, oddity: round % 3 == 2).write(in: folder)
        let expected = try Self.cellPath(path)
        let spool = [1, 1000, CellDump.spoolMemory][round % 3]
        #expect(try Self.bytePath(path, spoolMemory: spool) == expected, "seed \(seed), round \(round)")
    }

    /// Whole-day dates are written from the serial's digits without a `Cell`: every edge of
    /// both date systems (the 1900 system's phantom 29 February, serial 0, the last day Excel
    /// shows, serials past it) and ones that take the general path (a fraction, a sign, eight
    /// digits, an exponent) print what the `Cell` path prints.
    @Test func wholeDayDatesByteForByte() throws {
        let folder = try TemporaryDirectory()
        let serials = ["0", "1", "2", "59", "60", "61", "366", "1462", "25569", "45000", "45292", "2958465",
                       "2958466", "3000000", "9999999", "10000000", "45000.5", "-1", "4.5E4", "007"]
        for date1904 in [false, true] {
            var seeded = Seeded(state: 1)
            var zip = Self.sheet(&seeded, rows: 0, date1904: date1904, oddity: false)
            zip.members[2].data = Array(HostileZip.sheet(serials.enumerated().map { index, serial in
                #"<row r="\#(index + 1)"><c r="A\#(index + 1)" s="1"><v>\#(serial)</v></c><c r="B\#(index + 1)" s="2"><v>\#(serial)</v></c><c r="C\#(index + 1)" s="4"><v>\#(serial)</v></c></row>"#
            }.joined()).utf8)
            let path = try zip.write(in: folder, "dates-\(date1904).xlsx")
            let expected = try Self.cellPath(path)
            #expect(expected.contains(date1904 ? "2027-03-16\t" : "2023-03-15\t"))
            #expect(try Self.bytePath(path) == expected, "date1904: \(date1904)")
        }
    }

    /// The cases spelled out, so a failure names them: escapes in every kind of text, dates in
    /// both date systems, booleans, errors, formulas, numbers rebuilt, gaps, columns out of order.
    @Test func everyKindOfCellByteForByte() throws {
        let folder = try TemporaryDirectory()
        for date1904 in [false, true] {
            var seeded = Seeded(state: 1)
            var zip = Self.sheet(&seeded, rows: 0, date1904: date1904, oddity: false)
            zip.members[2].data = Array(HostileZip.sheet("""
                <row r="2"><c r="A2" t="s"><v>2</v></c><c r="C2" t="s"><v>3</v></c><c r="D2" t="s"><v>4</v></c><c r="E2" t="s"><v>12</v></c></row>\
                <row r="5"><c r="B5" s="1"><v>45000</v></c><c r="C5" s="2"><v>45000.5</v></c><c r="D5" s="3"><v>0.25</v></c><c r="E5" s="4"><v>1234.5</v></c></row>\
                <row r="6"><c r="A6" t="b"><v>1</v></c><c r="B6" t="b"><v>0</v></c><c r="C6" t="e"><v>#N/A</v></c><c r="D6" t="str"><f>A1</f><v>a&#9;b</v></c></row>\
                <row r="7"><c r="C7"><v>3.80501234567E11</v></c><c r="A7"><v>1.0</v></c><c r="A7"><v>-0</v></c><c r="B7" t="inlineStr"><is><t>Кирилиця\\</t></is></c></row>\
                <row r="8"><c r="A8" t="s"><v>5</v></c><c r="B8" t="inlineStr"><is><t></t></is></c></row>\
                <row r="9"><c r="A9" t="d"><v>2024-03-09T10:20:30.5Z</v></c><c r="B9" t="inlineStr"><is><t>x_x000D_y</t></is></c></row>
                """).utf8)
            let path = try zip.write(in: folder, "kinds-\(date1904).xlsx")
            let expected = try Self.cellPath(path)
            #expect(expected.contains("a\\tb") && expected.contains("line\\nbreak") && expected.contains("Кирилиця\\\\"))
            #expect(expected.contains("\t2024-03-09T10:20:30.5Z\t") || expected.contains("2024-03-09T10:20:30.5Z\t"))
            #expect(try Self.bytePath(path) == expected, "date1904: \(date1904)")
        }
    }
}
