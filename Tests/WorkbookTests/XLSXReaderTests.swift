import Foundation
import Testing
@testable import Workbook

/// The folder of fixtures made by `Fixtures/make_fixtures.py`.
let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path

func fixture(_ name: String) -> String { fixtures + "/" + name }

func dumpTSV(_ file: String, _ sheet: SheetSelector = .firstVisible) throws -> String {
    let reader = try XLSXReader(path: fixture(file))
    var out = ""
    try CellDump.tsv(opening: { try reader.rows(sheet: sheet) }, to: { out += $0 })
    return out
}

func expected(_ name: String) throws -> String {
    try String(contentsOfFile: fixture(name), encoding: .utf8)
}

func allRows(_ file: String, _ sheet: SheetSelector = .firstVisible) throws -> [Row] {
    let rows = try XLSXReader(path: fixture(file)).rows(sheet: sheet)
    var out: [Row] = []
    while let row = try rows.nextRow() { out.append(row) }
    return out
}

func readError(_ file: String, _ sheet: SheetSelector = .firstVisible) -> WorkbookError? {
    do {
        _ = try allRows(file, sheet)
        return nil
    } catch let error as WorkbookError {
        return error
    } catch {
        return nil
    }
}

@Suite struct XLSXReaderFixtureTests {
    @Test(arguments: ["edge", "strict-zip64", "zip64-descriptor"])
    func handMadeWorkbooksMatchTheirDumps(name: String) throws {
        #expect(try dumpTSV(name + ".xlsx") == expected(name + ".clients.tsv"))
        #expect(try dumpTSV(name + ".xlsx", .name("Dates")) == expected(name + ".dates.tsv"))
        #expect(try dumpTSV(name + ".xlsx", .index(1)) == expected(name + ".hidden.tsv"))
        #expect(try dumpTSV(name + ".xlsx", .name("Empty")) == "")
    }

    @Test(arguments: ["openpyxl", "xlsxwriter", "libreoffice", "date1904"])
    func realWriterWorkbooksMatchTheirDumps(name: String) throws {
        #expect(try dumpTSV(name + ".xlsx") == expected(name + ".tsv"))
    }

    @Test func bufferedAndTwoPassDumpsAgree() throws {
        let reader = try XLSXReader(path: fixture("edge.xlsx"))
        var buffered = ""
        try CellDump.tsv(reader.rows(), to: { buffered += $0 })
        #expect(try buffered == dumpTSV("edge.xlsx"))
    }

    @Test func sheetsListInWorkbookOrderWithHiddenFlags() throws {
        let reader = try XLSXReader(path: fixture("strict-zip64.xlsx"))
        #expect(reader.sheets.map(\.name) == ["Hidden", "Clients", "Dates", "VeryHidden", "Empty"])
        #expect(reader.sheets.map(\.isHidden) == [true, false, false, true, false])
        #expect(reader.sheets.map(\.number) == [1, 2, 3, 4, 5])
        #expect(try reader.rows().sheetName == "Clients")
        #expect(try reader.rows(sheet: .index(4)).sheetName == "VeryHidden")
        #expect(try reader.rows(sheet: .name("dates")).sheetName == "Dates")
    }

    @Test func unknownSheetsAreNoSuchSheet() throws {
        let reader = try XLSXReader(path: fixture("edge.xlsx"))
        #expect(throws: WorkbookError.self) { try reader.rows(sheet: .name("Nope")) }
        do {
            _ = try reader.rows(sheet: .index(9))
            Issue.record("expected an error")
        } catch let error as WorkbookError {
            #expect(error.kind == .noSuchSheet)
        }
    }

    @Test func rowsKeepTheirNumbersAndTypedCells() throws {
        let rows = try allRows("edge.xlsx")
        #expect(rows.map(\.number) == [1, 2, 4, 6, 8, 9])
        #expect(rows[1].cells[1] == .number(NumberCell(literal: "3.80501234567E11", formatCode: "General")))
        #expect(rows[2].cells[0] == .error("#N/A"))
        #expect(rows[2].cells[2] == .bool(true))
        #expect(rows[2].cells[3] == .empty)
        #expect(rows[3].cells[5] == .date(CellDate(year: 2024, month: 3, day: 1, hour: 10, minute: 20, second: 30, hasDate: true, hasTime: true)))
        #expect(rows[5].cells[4] == .number(NumberCell(literal: "0.5", formatCode: "0.00")))
    }

    @Test func jsonDumpIsTyped() throws {
        let reader = try XLSXReader(path: fixture("edge.xlsx"))
        var lines: [String] = []
        try CellDump.json(reader.rows(), to: { lines.append($0) })
        #expect(lines[1] == #"{"row":2,"cells":{"A":"Anna","B":3.80501234567E11,"C":"x\ry","D":"2"}}"# + "\n")
        #expect(lines[2] == ##"{"row":4,"cells":{"A":{"error":"#N/A"},"B":42.0,"C":true,"E":-12.5}}"## + "\n")
        for line in lines {
            #expect(try JSONSerialization.jsonObject(with: Data(line.utf8)) is [String: Any])
        }
    }
}

@Suite struct XLSXReaderMalformedTests {
    @Test(arguments: [
        ("missing.xlsx", WorkbookError.Kind.notFound),
        ("not-a-zip.xlsx", .notAWorkbook),
        ("old-format.xlsx", .notAWorkbook),
        ("no-workbook.xlsx", .notAWorkbook),
        ("truncated.xlsx", .corrupt),
        ("bad-crc.xlsx", .corrupt),
        ("bad-xml.xlsx", .corrupt),
        ("sst-out-of-range.xlsx", .corrupt),
        ("missing-sheet.xlsx", .corrupt),
        ("billion-laughs.xlsx", .corrupt),
        ("xxe.xlsx", .corrupt),
        ("zip-bomb-declared.xlsx", .tooLarge),
        ("zip-bomb-lying.xlsx", .tooLarge),
    ])
    func malformedInputGivesAWorkbookError(file: String, kind: WorkbookError.Kind) {
        let error = readError(file)
        #expect(error?.kind == kind, "\(file): \(String(describing: error))")
        #expect(error?.message.isEmpty == false)
    }

    @Test func badXMLNamesThePartAndLine() {
        let error = readError("bad-xml.xlsx")
        #expect(error?.part == "xl/worksheets/sheet1.xml")
        #expect(error?.message.contains("line 4") == true, "\(String(describing: error))")
    }

    @Test func entitiesAreNeverExpanded() {
        let error = readError("xxe.xlsx")
        #expect(error?.message.contains("DOCTYPE") == true)
        #expect(error?.message.contains("root:") == false)
    }

    @Test func outOfRangeSharedStringNamesTheCell() {
        let error = readError("sst-out-of-range.xlsx")
        #expect(error?.row == 3)
        #expect(error?.message.contains("A3") == true)
    }
}
