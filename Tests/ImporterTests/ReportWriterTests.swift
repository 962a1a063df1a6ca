import Foundation
import Importer
import TestSupport
import Testing

@Suite struct ReportWriterTests {
    let fixture: ImportFixture
    let source: String
    let report: ImportReport

    init() throws {
        fixture = try ImportFixture()
        source = try fixture.workbook(rows: [
            ImportFixture.row(["name": "Paul"]),
            ImportFixture.row(["email": "a@x.fr, b@y.fr"]),
        ])
        report = try fixture.run(source)
    }

    @Test func theXLSXReportIsTheUsersFileWithBadCellsHighlightedAndAnErrorsColumn() throws {
        #expect(report.status == .rejected)
        let path = fixture.folder.file("report.xlsx")
        try ReportWriter.write(report, to: path, source: source)
        let dump = try Interop.python("""
            import json, sys, openpyxl
            sheet = openpyxl.load_workbook(sys.argv[1]).active
            for row in sheet.iter_rows(min_row=1, max_row=sheet.max_row):
                for c in row:
                    fill = c.fill.fgColor.rgb if c.fill.fill_type else ""
                    if c.value is not None or c.comment:
                        print(c.coordinate, json.dumps(c.value, ensure_ascii=False), fill, c.comment.text if c.comment else "", sep="|")
            """, [path])
        let lines = Set(dump.split(separator: "\n").map(String.init))
        #expect(lines.contains("S1|\"Errors\"||"))
        #expect(lines.contains("B2|\"Paul\"||"))
        #expect(lines.contains("B3|null|FFFFC7CE|est obligatoire et vide"))
        #expect(lines.contains { $0.hasPrefix("E3|\"a@x.fr, b@y.fr\"|FFFFC7CE|« a@x.fr, b@y.fr » contient plusieurs adresses") })
        #expect(lines.contains { $0.hasPrefix("S3|\"Nom: est obligatoire et vide\\nEmail: «") })
        #expect(!lines.contains { $0.hasPrefix("S2|") })
    }

    @Test func theCSVReportRepeatsOnlyTheBadRowsWithTheirReasons() throws {
        let path = fixture.folder.file("report.csv")
        try ReportWriter.write(report, to: path, source: source)
        let rows = try fixture.cells(of: path)
        #expect(rows.count == 2)
        #expect(rows[0].suffix(2) == ["Row", "Errors"])
        #expect(rows[1].count == 20)
        #expect(rows[1][4] == "a@x.fr, b@y.fr")
        #expect(rows[1].dropFirst(18).first == "3")
        #expect(rows[1].last?.hasPrefix("Nom: est obligatoire et vide\nEmail:") == true)
    }

    @Test func theJSONReportHasTheDesignsShape() throws {
        let path = fixture.folder.file("report.json")
        try ReportWriter.write(report, to: path, source: source)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        #expect(json["status"] as? String == "rejected")
        #expect(json["rows"] as? Int == 2)
        let errors = try #require(json["errors"] as? [[String: Any]])
        #expect(errors.count == 2)
        #expect(errors[0]["row"] as? Int == 3)
        #expect(errors[0]["cell"] as? String == "B3")
        #expect(errors[0]["column"] as? String == "Nom")
        #expect(errors[1]["value"] as? String == "a@x.fr, b@y.fr")
    }

    @Test func anUnknownReportExtensionIsRefused() throws {
        #expect(throws: ImportError.self) { try ReportWriter.write(report, to: fixture.folder.file("r.pdf"), source: source) }
    }
}
