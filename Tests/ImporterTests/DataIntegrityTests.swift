import ClientBase
import Foundation
@testable import Importer
import TestSupport
import Testing
import Workbook

/// What enters the base can always be exported again, numbers with absurd exponents are row
/// errors, and a file names each Client ID once.
@Suite struct DataIntegrityTests {
    let fixture: ImportFixture

    init() throws {
        fixture = try ImportFixture()
    }

    /// A CSV of the French template (`;`-separated, cells quoted) with `extraHeaders` after Balance.
    func csv(_ name: String = "clients.csv", rows: [[String]], extraHeaders: [String] = []) throws -> String {
        let quote = { (cell: String) in "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        let lines = ([ImportFixture.frenchHeaders + extraHeaders] + rows).map { $0.map(quote).joined(separator: ";") }
        return try fixture.folder.write(name, lines.joined(separator: "\n") + "\n")
    }

    // MARK: - Excel's cell limit

    @Test func aCSVCellOfExcelsLimitImportsAndOneUnitMoreIsARowErrorNamingRowColumnAndLimit() throws {
        try fixture.store.addCustomField(CustomFieldDefinition(name: "Passeport", type: .text))
        let limit = 32_767
        let report = try fixture.run(try csv(rows: [
            ImportFixture.row(["name": "Jean", "notes": String(repeating: "a", count: limit)], custom: [""]),
            ImportFixture.row(["name": "Marie", "notes": String(repeating: "a", count: limit + 1)], custom: [""]),
            // Excel counts UTF-16 units: 16,384 emoji are 32,768 units (and 65,536 bytes).
            ImportFixture.row(["name": "Paul", "address": String(repeating: "😀", count: 16_384)], custom: [""]),
            ImportFixture.row(["name": "Anne"], custom: [String(repeating: "x", count: 40_000)]),
        ], extraHeaders: ["Passeport"]))
        #expect(report.status == .rejected)
        #expect(report.errors.map(\.row) == [3, 4, 5])
        #expect(report.errors.map(\.column) == ["Notes", "Adresse", "Passeport"])
        #expect(report.errors.map(\.cell) == ["J3", "D4", "S5"])
        #expect(report.errors[0].message.contains("32768") && report.errors[0].message.contains("32767"))
        #expect(report.errors[1].message.contains("32768"))
        #expect(report.errors.allSatisfy { ($0.value ?? "").count <= 41 }, "the report repeats at most the start of the value")
        #expect(try fixture.allClients().isEmpty)
    }

    @Test func theLongestValuesTheImportAllowsExportToXLSXAndOpenpyxlReadsThemWhole() throws {
        try fixture.store.addCustomField(CustomFieldDefinition(name: "Passeport", type: .text))
        // 32,767 units each: ASCII, two-byte letters, and emoji (two units) with one ASCII letter.
        let notes = String(repeating: "é", count: 32_767)
        let address = String(repeating: "😀", count: 16_383) + "z"
        let passport = String(repeating: "p", count: 32_767)
        // 4,095 seven-digit numbers joined with ", " are 36,853 units: too long. 3,641 are 32,767.
        let phones = (0..<3_641).map { String(1_000_000 + $0) }
        let report = try fixture.run(try csv(rows: [
            ImportFixture.row(["name": "Jean", "notes": notes, "address": address, "phone": phones.joined(separator: ",")], custom: [passport]),
        ], extraHeaders: ["Passeport"]))
        #expect(report.status == .imported, "\(report.errors)")
        let exported = try fixture.export()
        let lengths = try Interop.python("""
            import sys, openpyxl
            sheet = openpyxl.load_workbook(sys.argv[1]).active
            row = [c.value for c in next(sheet.iter_rows(min_row=2, max_row=2))]
            print(" ".join(str(len(v.encode("utf-16-le")) // 2) for v in row if isinstance(v, str) and len(v) > 1000))
            """, [exported])
        #expect(lengths.split(separator: " ").map { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) } == [32_767, 32_767, 32_767, 32_767])
        let again = try fixture.run(exported)
        #expect(again.status == .imported && again.counts.unchanged == 1 && again.counts.updated == 0, "\(again.errors)")
    }

    @Test func phonesThatFitTheirCellButNotTheExportsJoinedCellAreARowError() throws {
        // "," in the file, ", " in the export: 4,095 numbers fit the imported cell (32,759) but not the export's.
        let phones = (0..<4_095).map { String(1_000_000 + $0) }.joined(separator: ",")
        #expect(phones.utf16.count <= 32_767)
        let report = try fixture.run(try csv(rows: [ImportFixture.row(["name": "Jean", "phone": phones])]))
        #expect(report.status == .rejected)
        #expect(report.errors.map(\.cell) == ["C2"])
        #expect(report.errors.first?.message.contains("36853") == true, "\(report.errors)")
    }

    @Test func aVCardNoteOf40000CharactersIsARowErrorNotABaseNoExportCanHold() throws {
        let note = String(repeating: "n", count: 40_000)
        let card = fixture.folder.file("contacts.vcf")
        try "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jean Dupont\r\nN:Dupont;Jean;;;\r\nTEL:0612345678\r\nNOTE:\(note)\r\nEND:VCARD\r\n"
            .write(toFile: card, atomically: true, encoding: .utf8)
        let report = try fixture.run(card)
        #expect(report.plugin == "vcard")
        #expect(report.status == .rejected)
        #expect(report.errors.map(\.row) == [2], "\(report.errors)")
        #expect(report.errors.first?.column == "Notes")
        #expect(report.errors.first?.message.contains("40000") == true)
        #expect(try fixture.allClients().isEmpty)
    }

    @Test func aPluginWhoseMapConcatenatesFieldsPastTheLimitGetsARowError() throws {
        let plugin = try fixture.folder.write("concat.lua", """
            return {
              name = "concat", title = "concatenates",
              map = function(row) return { name = row["Name"], notes = row["A"] .. row["B"] .. row["C"] } end,
            }
            """)
        let part = String(repeating: "x", count: 15_000)
        let file = try fixture.folder.write("crm.csv", "Name,A,B,C\nJean,\(part),\(part),\(part)\nMarie,a,b,c\n")
        let report = try fixture.run(file) { $0.plugin = .named(plugin) }
        #expect(report.status == .rejected)
        #expect(report.errors.map(\.row) == [2])
        #expect(report.errors.first?.column == "Notes")
        #expect(report.errors.first?.message.contains("45000") == true)
    }

    // MARK: - Absurd exponents

    static let absurdNumbers = ["1e999999999", "-1e-999999999", "1e309", "1E+400", "inf", "nan", "0x1p99999",
                                "1e99999999999999999999", "-inf", "1e-400", "9.9E+99999"]

    @Test func absurdExponentsInTextCellsAreRowErrorsInEveryNumericColumn() throws {
        try fixture.store.addCustomField(CustomFieldDefinition(name: "Points", type: .number))
        let rows = Self.absurdNumbers.map {
            ImportFixture.row(["name": "Jean", "balance": $0, "discount_goods": $0, "phone": $0], custom: [$0])
        }
        let report = try fixture.run(try csv(rows: rows, extraHeaders: ["Points"]))
        #expect(report.status == .rejected)
        for (index, value) in Self.absurdNumbers.enumerated() {
            let row = index + 2
            let columns = report.errors.filter { $0.row == row }.map(\.column)
            #expect(columns == ["Numéro de téléphone", "Réduction sur les produits dans les ventes", "Solde", "Points"],
                    "\(value): \(report.errors.filter { $0.row == row })")
        }
    }

    @Test func absurdExponentsInNumericXLSXCellsAreRowErrorsOrTheNumberExcelReads() throws {
        try fixture.store.addCustomField(CustomFieldDefinition(name: "Points", type: .number))
        let path = fixture.folder.file("numbers.xlsx")
        let writer = try XLSXWriter(path: path)
        try writer.beginSheet(SheetLayout(name: "Clients"))
        try writer.write(row: (ImportFixture.frenchHeaders + ["Points"]).map { OutputCell(.text($0), style: .header) })
        // Numeric cells (`<v>` literals): what a hand-made or hostile workbook can hold.
        let literals = ["1e999999999", "1e309", "1E+400", "9.9E+99999", "-1e999999999", "-1e-999999999"]
        for literal in literals {
            let number = Cell.number(NumberCell(literal: literal))
            var cells = ImportFixture.row(["name": "Jean"], custom: [""]).map { OutputCell($0.isEmpty ? .empty : .text($0)) }
            for key in ["balance", "discount_goods", "phone"] { cells[ImportFixture.columnIndex[key]!] = OutputCell(number) }
            cells[cells.count - 1] = OutputCell(number)
            try writer.write(row: cells)
        }
        try writer.endSheet()
        try writer.close()
        let report = try fixture.run(path)
        #expect(report.status == .rejected)
        for row in 2...literals.count {
            #expect(report.errors.filter { $0.row == row }.map(\.cell) == ["C\(row)", "M\(row)", "R\(row)", "S\(row)"],
                    "\(literals[row - 2]): \(report.errors.filter { $0.row == row })")
        }
        // Below the smallest double, a numeric cell is 0 as Excel reads it: only the phone ("0") is wrong.
        let tiny = literals.count + 1
        #expect(report.errors.filter { $0.row == tiny }.map(\.cell) == ["C\(tiny)"], "\(report.errors.filter { $0.row == tiny })")
    }

    // MARK: - The same Client ID twice

    @Test func theSameClientIDTwiceInOneFileIsAnErrorOnEachLaterRowNamingTheFirst() throws {
        #expect(try fixture.run(try csv("seed.csv", rows: [
            ImportFixture.row(["name": "Jean"]), ImportFixture.row(["name": "Marie"]),
        ])).status == .imported)
        let before = try fixture.databaseBytes()
        let report = try fixture.run(try csv(rows: [
            ImportFixture.row(["id": "1", "name": "Jean A"]),
            ImportFixture.row(["id": "2", "name": "Marie"]),
            ImportFixture.row(["id": " 1 ", "name": "Jean B"]),
            ImportFixture.row(["id": "001", "name": "Jean C"]),
            ImportFixture.row(["id": "77", "name": "Nouveau"]),
            ImportFixture.row(["id": "77", "name": "Nouveau bis"]),
            // A repeat on a row with another error is reported with it.
            ImportFixture.row(["id": "2", "name": ""]),
        ]))
        #expect(report.status == .rejected)
        #expect(report.errors.map(\.row) == [4, 5, 7, 8, 8])
        #expect(report.errors.map(\.cell) == ["A4", "A5", "A7", "A8", "B8"])
        #expect(report.errors[0].message.contains("ligne 2"), "\(report.errors[0].message)")
        #expect(report.errors[1].message.contains("ligne 2"))
        #expect(report.errors[2].message.contains("ligne 6"))
        #expect(report.errors[3].message.contains("ligne 3"))
        #expect(try fixture.databaseBytes() == before)
        #expect(try fixture.allClients().map(\.name) == ["Jean", "Marie"])
    }

    /// "12.0" typed as text is not an ID (the ID rule takes digits); a numeric cell 12.0 reads as 12.
    @Test func numericIDCellsAreComparedByValue() throws {
        #expect(try fixture.run(try csv("seed.csv", rows: [ImportFixture.row(["name": "Jean"])])).status == .imported)
        let path = fixture.folder.file("ids.xlsx")
        let writer = try XLSXWriter(path: path)
        try writer.beginSheet(SheetLayout(name: "Clients"))
        try writer.write(row: ImportFixture.frenchHeaders.map { OutputCell(.text($0), style: .header) })
        for (literal, name) in [("1", "Jean A"), ("1.0", "Jean B"), ("1E0", "Jean C")] {
            var cells = ImportFixture.row(["name": name]).map { OutputCell($0.isEmpty ? .empty : .text($0)) }
            cells[0] = OutputCell(.number(NumberCell(literal: literal)))
            try writer.write(row: cells)
        }
        try writer.endSheet()
        try writer.close()
        let report = try fixture.run(path)
        #expect(report.errors.map(\.cell) == ["A3", "A4"], "\(report.errors)")
        let text = try fixture.run(try csv(rows: [ImportFixture.row(["id": "1.0", "name": "Jean"])]))
        #expect(text.errors.first?.message.contains("n'est pas un ID client") == true, "\(text.errors)")
    }

    @Test func aPluginsRowsNamingOneClientIDTwiceAreAnErrorToo() throws {
        #expect(try fixture.run(try csv("seed.csv", rows: [ImportFixture.row(["name": "Jean"])])).status == .imported)
        let plugin = try fixture.folder.write("ids.lua", """
            return { name = "ids", title = "IDs", map = function(row) return { id = row["ID"], name = row["Name"] } end }
            """)
        let file = try fixture.folder.write("crm.csv", "ID,Name\n1,Jean A\n1,Jean B\n")
        let report = try fixture.run(file) { $0.plugin = .named(plugin); $0.language = "fr" }
        #expect(report.status == .rejected)
        #expect(report.errors.map(\.row) == [3])
        #expect(report.errors.first?.message.contains("ligne 2") == true, "\(report.errors)")
        #expect(try fixture.allClients().map(\.name) == ["Jean"])
    }

    @Test func namesAnExportWritesIntoACellAreBoundedToo() throws {
        let long = String(repeating: "n", count: 32_768)
        #expect(throws: StoreError.self) { try fixture.store.addCustomField(CustomFieldDefinition(name: long, type: .text)) }
        #expect(throws: StoreError.self) { try fixture.store.addMarketingSources([long]) }
        #expect(throws: StoreError.self) { try fixture.store.addPriceTypes([long]) }
        try fixture.store.addCustomField(CustomFieldDefinition(name: String(long.dropFirst()), type: .text))
        #expect(try fixture.store.catalog().customFields.count == 1)
    }

    @Test func clientIDRowsRemembersSmallAndLargeIDs() {
        var rows = ClientIDRows()
        #expect(rows.firstRow(of: 5, seenOn: 2) == nil)
        #expect(rows.firstRow(of: 1 << 40, seenOn: 3) == nil)
        #expect(rows.firstRow(of: 5, seenOn: 9) == 2)
        #expect(rows.firstRow(of: 1 << 40, seenOn: 10) == 3)
        #expect(rows.firstRow(of: 6, seenOn: 11) == nil)
    }
}
