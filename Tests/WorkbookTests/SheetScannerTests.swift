import Foundation
import Testing
import TestSupport
@testable import Workbook

/// A minimal workbook whose first sheet is `sheetData` (the rows' XML) in the usual wrapper.
func workbook(rows sheetData: String, head: String = "", sharedStrings: [String]? = nil,
              in folder: TemporaryDirectory) throws -> String {
    let path = folder.file("book-\(UUID().uuidString).xlsx")
    guard let file = fopen(path, "wb") else { throw WorkbookError(.unreadable, file: path, "cannot create") }
    let zip = ZipWriter(file: file, displayPath: path)
    func entry(_ name: String, _ text: String) throws {
        try zip.beginEntry(name)
        try zip.write(text)
        try zip.endEntry()
    }
    try entry("xl/workbook.xml", """
        <?xml version="1.0" encoding="UTF-8"?>
        <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets><sheet name="S" sheetId="1"/></sheets></workbook>
        """)
    try entry("xl/worksheets/sheet1.xml", """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        \(head)<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1"/><sheetData>\(sheetData)</sheetData><pageMargins left="0.7"/></worksheet>
        """)
    if let sharedStrings {
        try entry("xl/sharedStrings.xml", """
            <?xml version="1.0" encoding="UTF-8"?>
            <sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\(sharedStrings.joined())</sst>
            """)
    }
    try zip.finish()
    return path
}

func readRows(_ path: String) throws -> [Row] {
    let rows = try XLSXReader(path: path).rows()
    var out: [Row] = []
    while let row = try rows.nextRow() { out.append(row) }
    return out
}

func texts(_ rows: [Row]) -> [[String]] {
    rows.map { $0.cells.map(\.displayText) }
}

@Suite struct SheetScannerTests {
    @Test func entitiesAndCharacterReferencesAreDecoded() throws {
        let folder = try TemporaryDirectory()
        let path = try workbook(rows: """
            <row r="1"><c r="A1" t="inlineStr"><is><t xml:space="preserve">a &amp; b &lt;c&gt; &quot;&apos; &#x41;&#66; é ✓ 😀</t></is></c></row>
            """, in: folder)
        #expect(try texts(readRows(path)) == [["a & b <c> \"' AB é ✓ 😀"]])
    }

    @Test func attributesInAnyQuoteSpacingAndOrder() throws {
        let folder = try TemporaryDirectory()
        let path = try workbook(rows: """
            <row spans="1:3" r = '2' ><c t="n" r='B2' s="0" ><v>7</v></c><c r="C2"><f>B2*2</f><v>14</v></c>\
            <c r="D2"/><c r="E2" t="b"><v>1</v></c><c r="F2" t="e"><v>#N/A</v></c></row>
            <row r="3"/>
            <row><c><v>1</v></c><c t="str"><f t="shared" si="0"/><v>x</v></c></row>
            """, in: folder)
        let rows = try readRows(path)
        #expect(rows.map(\.number) == [2, 4])
        #expect(texts(rows) == [["", "7", "14", "", "TRUE", "#N/A"], ["1", "x"]])
    }

    @Test func sharedStringsAreKeptCompactlyAndReadBack() throws {
        let folder = try TemporaryDirectory()
        let path = try workbook(rows: """
            <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>
            """, sharedStrings: [
                "<si><t>Олександр Шевченко, вул. Хрещатик 1</t></si>",
                "<si><t/></si>",
                "<si><r><rPr><b/></rPr><t>rich</t></r><r><t xml:space=\"preserve\"> text</t></r><rPh><t>skip</t></rPh></si>",
                "<si><t>line_x000D_break</t></si>",
            ], in: folder)
        let rows = try readRows(path)
        #expect(rows[0].cells == [.text("Олександр Шевченко, вул. Хрещатик 1"), .empty, .text("rich text"), .text("line\rbreak")])
    }

    /// A comment, rich inline text or a carriage return is outside the scanner's subset: the
    /// sheet is read again by libxml2, and the rows already handed out are not repeated.
    @Test(arguments: [
        "<!-- a comment -->",
        "<row r=\"101\"><c r=\"A101\" t=\"inlineStr\"><is><r><t>rich</t></r><r><t> run</t></r></is></c></row>",
        "<row r=\"101\"><c r=\"A101\" t=\"inlineStr\"><is><t>cr\r\nlf</t></is></c></row>",
        "<?pi here?>",
        "<row r=\"101\"><c r=\"A101\"><v><![CDATA[5]]></v></c></row>",
    ])
    func fallbackMidSheetKeepsEveryRowOnce(odd: String) throws {
        let folder = try TemporaryDirectory()
        let row = { (r: Int) in "<row r=\"\(r)\"><c r=\"A\(r)\"><v>\(r)</v></c><c r=\"B\(r)\" t=\"inlineStr\"><is><t>n\(r)</t></is></c></row>" }
        let before = (1...100).map(row).joined()
        let after = (102...300).map(row).joined()
        let rows = try readRows(workbook(rows: before + odd + after, in: folder))
        let expectedNumbers = odd.hasPrefix("<row") ? Array(1...300) : Array(1...100) + Array(102...300)
        #expect(rows.map(\.number) == expectedNumbers)
        #expect(rows.first { $0.number == 250 }?.cells == [.number(NumberCell(literal: "250")), .text("n250")])
        if let odd = rows.first(where: { $0.number == 101 }) {
            #expect(["rich run", "cr\nlf", "5"].contains(odd.cells[0].displayText))
        }
    }

    @Test func rowsLargerThanTheWindowAndManyFillsReadWhole() throws {
        let folder = try TemporaryDirectory()
        // A 4 MiB first row (200 cells of 20,000 characters, each within Excel's 32,767).
        let long = String(repeating: "x", count: 20_000)
        let wide = (0..<200).map { _ in "<c t=\"inlineStr\"><is><t>\(long)</t></is></c>" }.joined()
        let many = (2...30_000).map { "<row r=\"\($0)\"><c r=\"A\($0)\"><v>\($0)</v></c><c r=\"B\($0)\" t=\"inlineStr\"><is><t>Київ \($0)</t></is></c></row>" }.joined()
        let rows = try readRows(workbook(rows: "<row r=\"1\">\(wide)</row>" + many, in: folder))
        #expect(rows.count == 30_000)
        #expect(rows[0].cells.count == 200)
        #expect(rows[0].cells.allSatisfy { $0.displayText.utf8.count == 20_000 })
        #expect(rows.last?.cells == [.number(NumberCell(literal: "30000")), .text("Київ 30000")])
    }

    @Test func malformedRowsAreStillErrors() throws {
        let folder = try TemporaryDirectory()
        for bad in ["<row r=\"1\"><c r=\"A1\"><v>1</v></row>", "<row r=\"1\"><c r=\"A1\"><v>1 &bogus; 2</v></c></row>",
                    "<row r=\"1\"><c r=\"A1\" r=\"B1\"><v>1</v></c></row>", "<row r=\"1\"><c r=\"A1\"><v>\u{1}</v></c></row>"] {
            let path = try workbook(rows: bad, in: folder)
            #expect(throws: WorkbookError.self) { try readRows(path) }
        }
    }

    @Test func aDoctypeBeforeTheRowsIsRefused() throws {
        let folder = try TemporaryDirectory()
        let path = try workbook(rows: "<row r=\"1\"><c r=\"A1\"><v>&x;</v></c></row>",
                                head: "<!DOCTYPE worksheet [<!ENTITY x \"boom\">]>", in: folder)
        do {
            _ = try readRows(path)
            Issue.record("expected an error")
        } catch let error as WorkbookError {
            #expect(error.kind == .corrupt)
        }
    }

    @Test func utf8Validation() {
        func valid(_ bytes: [UInt8]) -> Bool { bytes.withUnsafeBufferPointer { XMLLexer.isValidUTF8($0) } }
        #expect(valid(Array("aé✓😀".utf8)))
        #expect(!valid([0xC0, 0x80]))          // overlong
        #expect(!valid([0xED, 0xA0, 0x80]))    // surrogate
        #expect(!valid([0xE2, 0x9C]))          // truncated
        #expect(!valid([0xF4, 0x90, 0x80, 0x80]))  // above U+10FFFF
    }
}
