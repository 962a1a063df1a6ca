import Foundation
import TestSupport
import Testing
@testable import Workbook

/// What openpyxl sees in a workbook (the script below prints it as JSON).
private struct OpenpyxlDump: Decodable {
    struct CellDump: Decodable {
        var value: String?
        var type: String
        var bold: Bool
        var fill: String?
        var comment: String?
        var format: String
    }
    struct Validation: Decodable {
        var sqref: String
        var formula: String?
        var type: String?
    }
    struct Sheet: Decodable {
        var name: String
        var state: String
        var freeze: String?
        var widths: [String: Double]
        var validations: [Validation]
        var cells: [String: CellDump]
    }
    var title: String?
    var creator: String?
    var bad: String?
    var sheets: [Sheet]
    var sheet1: String
    var parts: [String]
}

private let openpyxlDumpScript = #"""
import sys, json, zipfile, openpyxl
from openpyxl.utils.escape import unescape
path = sys.argv[1]
wb = openpyxl.load_workbook(path)
out = {"title": wb.properties.title, "creator": wb.properties.creator, "sheets": []}
for ws in wb.worksheets:
    cells = {}
    for row in ws.iter_rows():
        for c in row:
            solid = c.fill is not None and c.fill.fill_type == "solid"
            if c.value is None and c.comment is None and not solid:
                continue
            v = c.value
            if hasattr(v, "isoformat"):
                v = v.isoformat()
            elif isinstance(v, bool):
                v = "TRUE" if v else "FALSE"
            elif isinstance(v, (int, float)):
                v = repr(v)
            elif isinstance(v, str):
                v = unescape(v)  # openpyxl leaves _xHHHH_ as stored; Excel decodes it
            cells[c.coordinate] = {"value": v, "type": c.data_type, "bold": bool(c.font.b),
                                   "fill": c.fill.fgColor.rgb if solid else None,
                                   "comment": c.comment.text if c.comment else None,
                                   "format": c.number_format}
    out["sheets"].append({
        "name": ws.title, "state": ws.sheet_state, "freeze": ws.freeze_panes,
        "widths": {k: d.width for k, d in ws.column_dimensions.items() if d.customWidth},
        "validations": [{"sqref": str(dv.sqref), "formula": dv.formula1, "type": dv.type}
                        for dv in ws.data_validations.dataValidation],
        "cells": cells})
z = zipfile.ZipFile(path)
out["bad"] = z.testzip()
out["sheet1"] = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
out["parts"] = sorted(z.namelist())
print(json.dumps(out))
"""#

private func readWithOpenpyxl(_ path: String) throws -> OpenpyxlDump {
    let json = try Interop.python(openpyxlDumpScript, [path])
    return try JSONDecoder().decode(OpenpyxlDump.self, from: Data(json.utf8))
}

private func number(_ literal: String) -> Cell { .number(NumberCell(literal: literal)) }

@Suite struct XLSXWriterTests {
    static let longList = (1...60).map { "Source \($0)" }   // > 255 characters joined

    /// Writes the workbook most assertions below look at.
    private func writeSample(to path: String) throws {
        let writer = try XLSXWriter(path: path, properties: DocumentProperties(title: "Clients — import", creator: "Atelier Réparation"))
        try writer.beginSheet(SheetLayout(name: "Clients", columns: [
            ColumnLayout(width: 30),
            ColumnLayout(width: 12.5),
            ColumnLayout(validationList: ["Oui", "Non"]),
            ColumnLayout(width: 20, validationList: Self.longList),
        ], frozenHeaderRows: 1))
        try writer.write(row: ["Name", "Balance", "Juridical", "Source", "Since", "Updated", "Check", "Opens"]
            .map { OutputCell(.text($0), style: .header) })
        try writer.write(row: [
            OutputCell(.text("Élodie Dupont & <Fils> \"SARL\"")),
            OutputCell(number("12.50")),
            OutputCell(.bool(true)),
            OutputCell(.text("Source 42")),
            OutputCell(.date(CellDate(year: 2024, month: 3, day: 15))),
            OutputCell(.date(CellDate(year: 2024, month: 3, day: 15, hour: 14, minute: 30, second: 5, hasTime: true))),
            OutputCell(.error("#N/A")),
            OutputCell(.date(CellDate(year: 0, month: 0, day: 0, hour: 9, minute: 15, second: 0, hasDate: false, hasTime: true))),
        ])
        try writer.write(row: [
            OutputCell(.text("Иван Петров")),
            OutputCell(number("-0.01")),
            OutputCell(.bool(false)),
            OutputCell(.empty, style: .highlighted, comment: "Source is required"),
            OutputCell(.date(CellDate(year: 1900, month: 2, day: 28))),
            OutputCell(number("380501234567"), style: .highlighted, comment: "Phone: 12 digits expected\nsecond line"),
            OutputCell(.text("tab\there\u{1}bell\rcr\nlf _x0041_ end")),
            OutputCell(number("1234567.89")),
        ])
        try writer.endSheet()
        try writer.beginSheet(SheetLayout(name: "Résumé"))
        try writer.write(row: [OutputCell(.text("Всего")), OutputCell(number("3"))])
        try writer.endSheet()
        try writer.close()
    }

    @Test func openpyxlReadsEveryCellKindBack() throws {
        let directory = try Interop.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = "\(directory)/sample.xlsx"
        try writeSample(to: path)
        let dump = try readWithOpenpyxl(path)

        #expect(dump.bad == nil)
        #expect(dump.title == "Clients — import")
        #expect(dump.creator == "Atelier Réparation")
        #expect(dump.sheets.map(\.name) == ["Clients", "Résumé", XLSXWriter.listSheetName])
        #expect(dump.sheets.map(\.state) == ["visible", "visible", "hidden"])

        let sheet = try #require(dump.sheets.first)
        let cells = sheet.cells
        #expect(sheet.freeze == "A2")
        #expect(sheet.widths == ["A": 30, "B": 12.5, "D": 20])

        #expect(cells["A1"]?.value == "Name")
        #expect(cells["A1"]?.bold == true)
        #expect(cells["H1"]?.bold == true)
        #expect(cells["A2"]?.bold == false)

        #expect(cells["A2"]?.value == "Élodie Dupont & <Fils> \"SARL\"")
        #expect(cells["B2"]?.value == "12.5")
        #expect(cells["B2"]?.type == "n")
        #expect(cells["C2"]?.value == "TRUE")
        #expect(cells["D2"]?.value == "Source 42")
        #expect(cells["E2"]?.value == "2024-03-15T00:00:00")
        #expect(cells["E2"]?.format == "yyyy-mm-dd")
        #expect(cells["F2"]?.value == "2024-03-15T14:30:05")
        #expect(cells["F2"]?.format == "yyyy-mm-dd hh:mm:ss")
        #expect(cells["G2"]?.value == "#N/A")
        #expect(cells["G2"]?.type == "e")
        #expect(cells["H2"]?.value == "09:15:00")

        #expect(cells["A3"]?.value == "Иван Петров")
        #expect(cells["B3"]?.value == "-0.01")
        #expect(cells["C3"]?.value == "FALSE")
        #expect(cells["D3"]?.value == nil)
        #expect(cells["D3"]?.fill == "FFFFC7CE")
        #expect(cells["D3"]?.comment == "Source is required")
        #expect(cells["E3"]?.value == "1900-02-28T00:00:00")
        #expect(cells["F3"]?.value == "380501234567")
        #expect(cells["F3"]?.fill == "FFFFC7CE")
        #expect(cells["F3"]?.comment == "Phone: 12 digits expected\nsecond line")
        #expect(cells["G3"]?.value == "tab\there\u{1}bell\rcr\nlf _x0041_ end")
        #expect(cells["H3"]?.value == "1234567.89")
        #expect(cells["A2"]?.fill == nil)

        #expect(sheet.validations.count == 2)
        let yesNo = sheet.validations.first { $0.sqref.hasPrefix("C") }
        #expect(yesNo?.type == "list")
        #expect(yesNo?.sqref == "C2:C1048576")
        #expect(yesNo?.formula == "\"Oui,Non\"")
        let long = sheet.validations.first { $0.sqref.hasPrefix("D") }
        #expect(long?.formula == "'\(XLSXWriter.listSheetName)'!$A$1:$A$60")
        let lists = try #require(dump.sheets.last)
        #expect(lists.cells["A1"]?.value == "Source 1")
        #expect(lists.cells["A60"]?.value == "Source 60")

        #expect(dump.sheets[1].cells["A1"]?.value == "Всего")
        #expect(dump.sheets[1].cells["B1"]?.value == "3")
        #expect(dump.sheets[1].freeze == nil)

        // Exact decimals are stored as given, not through a binary float.
        #expect(dump.sheet1.contains("<v>12.50</v>"))
        #expect(dump.sheet1.contains("<v>-0.01</v>"))
        #expect(dump.sheet1.contains("_x0001_"))
        #expect(dump.sheet1.contains("_x000D_"))
        #expect(dump.sheet1.contains("_x005F_x0041_"))
        // Excel shows comments only through the legacy VML drawing.
        #expect(dump.parts.contains("xl/comments1.xml"))
        #expect(dump.parts.contains("xl/drawings/vmlDrawing1.vml"))
        #expect(dump.parts.contains("xl/worksheets/_rels/sheet1.xml.rels"))
        #expect(dump.sheet1.contains("<legacyDrawing r:id=\"rId1\"/>"))
    }

    @Test func worksheetElementsFollowTheSchemaOrder() throws {
        let directory = try Interop.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = "\(directory)/order.xlsx"
        try writeSample(to: path)
        let xml = try readWithOpenpyxl(path).sheet1
        let order = ["<sheetViews>", "<sheetFormatPr", "<cols>", "<sheetData>", "<dataValidations",
                     "<pageMargins", "<legacyDrawing"]
        let positions = order.map { xml.range(of: $0)?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil }, "missing one of \(order)")
        let found = positions.compactMap { $0 }
        #expect(found == found.sorted())
    }

    @Test func libreOfficeConvertsTheWorkbookToTheExpectedCSV() throws {
        let directory = try Interop.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = "\(directory)/roundtrip.xlsx"
        let writer = try XLSXWriter(path: path)
        try writer.beginSheet(SheetLayout(name: "Clients", columns: [ColumnLayout(width: 25)], frozenHeaderRows: 1))
        try writer.write(row: ["Name", "Balance", "Juridical", "Since", "Notes"].map { OutputCell(.text($0), style: .header) })
        try writer.write(row: [OutputCell(.text("Иван Петров")), OutputCell(number("12.50")), OutputCell(.bool(true)),
                               OutputCell(.date(CellDate(year: 2024, month: 3, day: 15))),
                               OutputCell(.text("a, \"b\""), comment: "note")])
        try writer.write(row: [OutputCell(.text("Élodie")), OutputCell(number("-0.01")), OutputCell(.bool(false)),
                               OutputCell(.date(CellDate(year: 1999, month: 12, day: 31, hour: 23, minute: 59, second: 58, hasTime: true)))])
        try writer.endSheet()
        try writer.close()

        // 44 = comma, 34 = double quote, 76 = UTF-8, 1 = from row 1, then: do not quote every text
        // cell (LibreOffice does by default for some cells), save cell contents as shown.
        let csv = try Interop.libreOfficeConvert(path, to: "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true",
                                                 extension: "csv", in: directory)
        let text = try String(contentsOfFile: csv, encoding: .utf8)
        #expect(text == #"""
        Name,Balance,Juridical,Since,Notes
        Иван Петров,12.5,TRUE,2024-03-15,"a, ""b"""
        Élodie,-0.01,FALSE,1999-12-31 23:59:58,

        """#)
    }

    @Test func memoryStaysFlatOverAHundredThousandRows() throws {
        let directory = try Interop.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = "\(directory)/big.xlsx"
        // Measured in a process of its own: other tests allocate in this one meanwhile.
        let small = try benchPeakMiB(["write", "10000", "\(directory)/small.xlsx"])
        let large = try benchPeakMiB(["write", "100000", path])
        // 90,000 more rows are ~20 MB of XML; keeping them would show.
        #expect(large - small < 16, "peak memory \(small) MiB at 10,000 rows, \(large) MiB at 100,000")
        let check = try Interop.python("""
        import sys, openpyxl
        ws = openpyxl.load_workbook(sys.argv[1], read_only=True).worksheets[0]
        rows = 0
        last = None
        for row in ws.iter_rows(values_only=True):
            rows += 1
            last = row
        print(rows, last[0], last[1])
        """, [path])
        #expect(check == "100000 Client number 100000 — Клиент 100000.25\n")
    }

    @Test func droppingTheWriterWithoutCloseLeavesNoFile() throws {
        let directory = try Interop.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = "\(directory)/abandoned.xlsx"
        do {
            let writer = try XLSXWriter(path: path)
            try writer.beginSheet(SheetLayout(name: "Clients"))
            try writer.write(row: [OutputCell(.text("half"))])
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
    }

    @Test func misuseIsAnErrorNotACrash() throws {
        let directory = try Interop.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let writer = try XLSXWriter(path: "\(directory)/misuse.xlsx")
        #expect(throws: WorkbookError.self) { try writer.write(row: [OutputCell(.text("x"))]) }
        #expect(throws: WorkbookError.self) { try writer.beginSheet(SheetLayout(name: "bad/name")) }
        try writer.beginSheet(SheetLayout(name: "Clients"))
        let tooLong = #expect(throws: WorkbookError.self) {
            try writer.write(row: [OutputCell(.empty), OutputCell(.text(String(repeating: "é", count: 32_768)))])
        }
        #expect(tooLong?.kind == .tooLarge)
        #expect(tooLong?.row == 1)
        #expect(tooLong?.message.contains("column 2") == true)
        try writer.endSheet()
        #expect(throws: WorkbookError.self) { try writer.beginSheet(SheetLayout(name: "clients")) }
        try writer.close()
        #expect(throws: WorkbookError.self) { try writer.close() }
    }

    @Test func serialNumbersFollowTheExcel1900System() {
        #expect(XLSXWriter.serial(of: CellDate(year: 1900, month: 1, day: 1)) == "1")
        #expect(XLSXWriter.serial(of: CellDate(year: 1900, month: 2, day: 28)) == "59")
        #expect(XLSXWriter.serial(of: CellDate(year: 1900, month: 3, day: 1)) == "61")
        #expect(XLSXWriter.serial(of: CellDate(year: 2024, month: 3, day: 15)) == "45366")
        #expect(XLSXWriter.serial(of: CellDate(year: 1899, month: 12, day: 31)) == nil)
        #expect(XLSXWriter.serial(of: CellDate(year: 0, month: 0, day: 0, hour: 12, hasDate: false, hasTime: true)) == "0.5")
    }

    @Test func xmlEscapingCoversOOXMLEscapes() {
        #expect(XMLEscaping.escaped("a&b<c>d\"e") == "a&amp;b&lt;c&gt;d&quot;e")
        #expect(XMLEscaping.escaped("x\u{0}y\u{1F}z\r") == "x_x0000_y_x001F_z_x000D_")
        #expect(XMLEscaping.escaped("_x0041_") == "_x005F_x0041_")
        #expect(XMLEscaping.escaped("tab\tnl\n") == "tab\tnl\n")
        #expect(XMLEscaping.escaped("\u{FFFE}é") == "_xFFFE_é")
        #expect(XMLEscaping.escaped("plain_text") == "plain_text")
    }
}

