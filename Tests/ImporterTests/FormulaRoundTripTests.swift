import ClientBase
import Foundation
import Importer
import PropertyBased
import TestSupport
import Testing
import Workbook

/// CSV injection through the importer: texts that look like formulas survive export → import
/// exactly, our CSV exports and CSV reports never hold a live formula, XLSX writes them as
/// strings, and a cell that arrives protected (a leading tab) is never written back live.
@Suite struct FormulaRoundTripTests {
    static let formulaLetters = Array("=+-@'()0123456789 ,.aZé|!\"")

    /// A trimmed text that often starts with a formula character or a quote.
    static func formulaText(_ random: inout SplitMix64) -> String {
        let starts = ["=", "+", "-", "@", "'", "''", "'=", "-4", "+33 ", "=HYPERLINK(\"http://x\")", "", "a"]
        var text = starts[random.int(in: 0...(starts.count - 1))]
        for _ in 0..<random.int(in: 0...10) { text.append(formulaLetters[random.int(in: 0...(formulaLetters.count - 1))]) }
        return text.trimmingCharacters(in: .whitespaces)
    }

    @Test func formulaLikeTextsRoundTripThroughCSVExportAndImport() async throws {
        await propertyCheck(count: 25, input: Gen.uint64(in: 0...UInt64.max)) { seed in
            do {
                try Self.roundTrip(seed: seed)
            } catch {
                Issue.record("seed \(seed): \(error)")
            }
        }
    }

    static func roundTrip(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let original = try ImportFixture()
        try RoundTripPropertyTests.configure(original.store)
        let clients = (0..<random.int(in: 1...20)).map { _ in
            var client = RoundTripPropertyTests.randomClient(&random)
            let name = formulaText(&random)
            client.name = name.isEmpty ? "=" : name
            client.lastName = formulaText(&random)
            client.address = formulaText(&random)
            client.notes = formulaText(&random)
            client.customFields["Appareil"] = formulaText(&random)
            if client.customFields["Appareil"] == "" { client.customFields["Appareil"] = nil }
            return client
        }
        try original.store.transaction {
            let batch = try original.store.beginBatch(BatchSource(fileName: "seed", fileSHA256: "", ruleSet: "remonline", plugin: "", employeeID: 1))
            for client in clients {
                let id = try original.store.insertClient(client, batch: batch, sourceRow: nil)
                if !client.balance.isZero {
                    try original.store.appendBalanceCorrection(clientID: id, amount: client.balance, comment: "seed", batch: batch, employeeID: 1, sourceRow: nil)
                }
            }
        }
        let export = try original.export("export.csv", language: ["fr", "en", "ru", "uk"][random.int(in: 0...3)])
        try expectNoLiveFormula(inCSV: export, "seed \(seed)")

        let again = try original.run(export)
        #expect(again.status == .imported, "seed \(seed): \(again.errors.prefix(3))")
        #expect(again.counts.unchanged == clients.count && again.counts.updated == 0, "seed \(seed): \(again.counts)")

        let parsed = try ImportFixture()
        try RoundTripPropertyTests.configure(parsed.store)
        let report = try parsed.run(export)
        #expect(report.status == .imported, "seed \(seed): \(report.errors.prefix(3))")
        try RoundTripPropertyTests.expectSameClients(in: parsed, as: original, seed: seed)
    }

    /// Every field of the CSV as Python's csv module reads it (our mark kept): none starts with
    /// a formula character unless it is a plain number or a list of phone numbers.
    static func expectNoLiveFormula(inCSV path: String, _ context: String) throws {
        let live = try Interop.python("""
            import csv, re, sys
            inert = re.compile(r"[+-]?([0-9]+[.,]?[0-9]*|[.,][0-9]+)([eE][+-]?[0-9]+)?$|[0-9 +\\-(),]*[0-9][0-9 +\\-(),]*$")
            with open(sys.argv[1], encoding="utf-8-sig", newline="") as f:
                for row in csv.reader(f):
                    for field in row:
                        if field[:1] in ("=", "+", "-", "@", "\\t", "\\r") and not inert.match(field):
                            print(repr(field))
            """, [path])
        #expect(live.isEmpty, "\(context): live fields \(live)")
    }

    /// A leading tab protects a cell in some exports; trimming removes it on import. What is
    /// stored is the text; what we write back (CSV export, XLSX export) is never live.
    @Test func aCellThatArrivesProtectedIsNeverWrittenBackLive() throws {
        let fixture = try ImportFixture()
        let csv = try fixture.folder.write("in.csv", ImportFixture.frenchHeaders.joined(separator: ",") + "\r\n"
            + ImportFixture.row(["name": "\"\t=1+1\"", "notes": "\"\t@SUM(A1)\"", "address": "\"'=2+2\""]).joined(separator: ",") + "\r\n")
        let report = try fixture.run(csv)
        #expect(report.status == .imported, "\(report.errors)")
        let client = try #require(try fixture.allClients().first)
        #expect(client.name == "=1+1")
        #expect(client.notes == "@SUM(A1)")
        #expect(client.address == "=2+2", "our own mark is undone")
        let exported = try fixture.export("out.csv")
        let text = try String(contentsOfFile: exported, encoding: .utf8)
        #expect(text.contains("\"'=1+1\""), "\(text)")
        #expect(text.contains("\"'@SUM(A1)\""), "\(text)")
        #expect(text.contains("\"'=2+2\""), "\(text)")
        let workbook = try fixture.export("out.xlsx")
        let types = try Interop.python("""
            import sys, openpyxl
            sheet = openpyxl.load_workbook(sys.argv[1]).active
            print(" ".join(f"{c.data_type}:{c.value}" for c in sheet[2] if c.value in ("=1+1", "@SUM(A1)", "=2+2")))
            """, [workbook])
        #expect(types.trimmingCharacters(in: .whitespacesAndNewlines) == "s:=1+1 s:=2+2 s:@SUM(A1)", "\(types)")
    }

    /// The CSV report repeats the user's bad rows: their formulas are protected too.
    @Test func theCSVReportProtectsTheUsersCells() throws {
        let fixture = try ImportFixture()
        let source = try fixture.workbook(rows: [
            ImportFixture.row(["name": "=HYPERLINK(\"http://evil.example\",\"x\")", "email": "a@x.fr, b@y.fr", "notes": "-2+3+cmd|' /C calc'!A0"]),
        ])
        let report = try fixture.run(source)
        #expect(report.status == .rejected)
        let path = fixture.folder.file("report.csv")
        try ReportWriter.write(report, to: path, source: source)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\""), "\(text)")
        #expect(text.contains("\"'-2+3+cmd|' /C calc'!A0\""), "\(text)")
        try Self.expectNoLiveFormula(inCSV: path, "report")
    }
}
