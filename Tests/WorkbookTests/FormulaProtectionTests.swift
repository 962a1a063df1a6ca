import Foundation
import TestSupport
import Testing
@testable import Workbook

/// CSV injection (OWASP): our CSV never hands a spreadsheet a live formula, and reading our own
/// CSV gives back the original text.
@Suite struct FormulaProtectionTests {
    @Test func formulaTextsAreMarkedAndNumbersAndPhonesAreNot() {
        let marked = ["=1+1", "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
                      "\t=1+1", "\r=1+1", "=HYPERLINK(\"http://x\",\"y\")", "-", "+", "@", "-x", "'=1", "''", "'+33 6", "'\t"]
        for text in marked {
            #expect(FormulaProtection.protect(text) == "'" + text, "\(text.debugDescription)")
        }
        let unchanged = ["-45.50", "+3", "-0,5", "1e-5", "-1E+10", "+33 6 12 34 56 78", "+33 (0)6 12, +1 555-0100", "-1-1",
                         "Jean", "'abc", "'", "a=1", " =1", "", "12", "€=1"]
        for text in unchanged {
            #expect(FormulaProtection.protect(text) == text, "\(text.debugDescription)")
        }
    }

    @Test func unprotectUndoesExactlyProtect() {
        for text in ["=1", "'=1", "''=1", "'''", "''", "'", "'abc", "-45.50", "'-45.50", "\t=x", "@", "'@"] {
            #expect(FormulaProtection.unprotect(FormulaProtection.protect(text)) == text, "\(text.debugDescription)")
        }
    }

    /// Random texts over the characters that matter (the triggers, the quote, digits, the
    /// phone punctuation, letters, a delimiter and a line break), written by `CSVWriter` and read
    /// by `CSVReader`: every text comes back exactly, and no written field starts with a trigger
    /// unless it is an exempt number or phone list.
    @Test func randomTextsRoundTripThroughCSVWriterAndReader() throws {
        let directory = try Interop.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let alphabet = Array("=+-@'\t\r\n\"(),; 0123456789.eaZЖ😀")
        var generator = SystemRandomNumberGenerator()
        for round in 0..<20 {
            var texts: [String] = []
            for _ in 0..<200 {
                let length = Int.random(in: 1...8, using: &generator)
                texts.append(String((0..<length).map { _ in alphabet.randomElement(using: &generator)! }))
            }
            let path = "\(directory)/round\(round).csv"
            let writer = try CSVWriter(path: path)
            for text in texts { try writer.write(row: [.text("x"), .text(text)]) }
            try writer.close()
            let reader = try CSVReader(path: path, options: CSVOptions(delimiter: UInt8(ascii: ","), encoding: .utf8))
            var index = 0
            while let row = try reader.nextRow() {
                let text = row.cells.count > 1 ? row.cells[1].displayText : ""
                // A text of only line breaks after the CR normalisation is the one thing CSV itself changes.
                let expected = texts[index].replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
                #expect(text == expected, "round \(round): \(texts[index].debugDescription) came back \(text.debugDescription)")
                index += 1
            }
            #expect(index == texts.count)
        }
    }

    @Test func theWriterQuotesTheMarkedField() throws {
        let directory = try Interop.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = "\(directory)/out.csv"
        let writer = try CSVWriter(path: path, byteOrderMark: false)
        try writer.write(row: [.text("=1+1"), .text("-45.50"), .number(NumberCell(literal: "-45.50")), .text("'=x"), .text("'abc")])
        try writer.close()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "\"'=1+1\",-45.50,-45.50,\"''=x\",'abc\r\n")
    }

    /// LibreOffice, the independent reader: our CSV converted to XLSX holds no formula, each
    /// protected cell shows the original text after the visible `'` and every other cell shows
    /// the original text. Before the protection, `=1+1` came back as a formula.
    @Test(.timeLimit(.minutes(2))) func libreOfficeSeesTextNotFormulas() throws {
        let directory = try Interop.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let texts = ["=1+1", "=HYPERLINK(\"http://example.com\",\"click\")", "+1+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
                     "@SUM(1+1)", "\t=1+1", "'=1+1", "-x", "Jean", "+33 6 12 34 56 78", "'abc"]
        let path = "\(directory)/cells.csv"
        let writer = try CSVWriter(path: path)
        try writer.write(row: texts.map { .text($0) })
        try writer.close()
        // Headless, LibreOffice takes the system's character set unless told: 76 is UTF-8 (the
        // import dialog a user sees detects it from the BOM).
        let converted = try Interop.libreOfficeConvert(path, to: "xlsx", extension: "xlsx", in: directory, inputFilter: "CSV:44,34,76")
        let output = try Interop.python("""
            import sys, json, openpyxl
            sheet = openpyxl.load_workbook(sys.argv[1]).active
            print(json.dumps([[cell.data_type, cell.value] for cell in sheet[1]]))
            """, [converted])
        let cells = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[Any]] ?? []
        #expect(cells.count == texts.count)
        for (text, cell) in zip(texts, cells) {
            #expect(cell.first as? String == "s", "\(text.debugDescription) is \(cell)")
            let shown = FormulaProtection.needsMark(text) ? "'" + text : text
            #expect(cell.last as? String == shown, "\(text.debugDescription) shows \(cell)")
        }
    }
}
