import ClientBase
import Foundation
import Importer
import TestSupport
import Testing

/// A custom field the base lacks is one mistake, reported once with the command that adds it;
/// custom fields past column Z are written, read back and located by their own cell reference.
@Suite struct CustomFieldReportTests {
    @Test func aTemplatesMissingCustomFieldIsReportedOnceOnItsHeaderWithTheCommandThatAddsIt() throws {
        let fixture = try ImportFixture()
        let rows = (1...12).map { ImportFixture.row(["name": "Client \($0)"], custom: ["iPhone \($0)", "Noir"]) }
        let path = try fixture.workbook(rows: rows, extraHeaders: ["Appareil", "Couleur \"$HOME\""])
        let report = try fixture.run(path)
        #expect(report.status == .rejected)
        try #require(report.errors.count == 2, "\(report.errors.map(\.description))")
        let device = report.errors[0], colour = report.errors[1]
        #expect(device.row == 1)
        #expect(device.cell == "S1")
        #expect(device.message.contains("`clientimport settings add-custom-field \"Appareil\" --type text`"), "\(device.message)")
        #expect(colour.cell == "T1")
        // Pasted into a shell, the command names the field as it is.
        #expect(colour.message.contains("add-custom-field \"Couleur \\\"\\$HOME\\\"\" --type text"), "\(colour.message)")
        #expect(try fixture.allClients().isEmpty)
    }

    func importThroughPlugin(_ csv: String) throws -> ImportReport {
        let fixture = try ImportFixture()
        try fixture.folder.write("plugins/shop.lua", """
            return {
              name = "shop",
              detect = function(headers) return headers[1] == "Client" and 1 or 0 end,
              map = function(row) return { name = row["Client"], custom = { Device = row["Device"] } } end,
            }
            """)
        let source = try fixture.folder.write("shop.csv", csv)
        var options = ImportOptions()
        options.plugin = .named("shop")
        options.language = "en"
        let report = try ImportPipeline(store: fixture.store, searchPath: SearchPath(roots: [fixture.folder.path, repositoryRoot]),
                                        options: options).run(path: source)
        #expect(try fixture.allClients().isEmpty)
        return report
    }

    @Test func aPluginsMissingCustomFieldIsReportedOncePerFieldWithTheCommandThatAddsIt() throws {
        let rows = (1...12).map { "Client \($0),Phone \($0)" }.joined(separator: "\n")
        let report = try importThroughPlugin("Client,Device\n" + rows + "\n")
        #expect(report.status == .rejected)
        try #require(report.errors.count == 1, "\(report.errors.map(\.description))")
        #expect(report.errors[0].row == 2)
        #expect(report.errors[0].message.contains("`clientimport settings add-custom-field \"Device\" --type text`"), "\(report.errors[0].message)")
        #expect(report.errors[0].message.contains("12 rows fill it (rows 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, …)"), "\(report.errors[0].message)")
    }

    @Test func aMissingCustomFieldOnOneRowHasNoRowCount() throws {
        let report = try importThroughPlugin("Client,Device\nJean,iPhone\n")
        try #require(report.errors.count == 1)
        #expect(!report.errors[0].message.contains("rows fill it"))
    }

    /// 18 template columns and 12 custom fields: the last custom field is column AD.
    @Test func customFieldsPastColumnZAreWrittenReadBackAndLocated() throws {
        let fixture = try ImportFixture()
        let names = (1...12).map { "Champ \($0)" }
        for name in names { try fixture.store.addCustomField(CustomFieldDefinition(name: name, type: name == "Champ 12" ? .date : .text)) }
        let values = (1...11).map { "valeur \($0)" }
        let good = try fixture.workbook(rows: [ImportFixture.row(["name": "Jean"], custom: values + ["31/12/1999"])], extraHeaders: names)
        let imported = try fixture.run(good)
        #expect(imported.status == .imported, "\(imported.errors.map(\.description))")
        let exported = try fixture.cells(of: try fixture.export())
        try #require(exported.count == 2)
        try #require(exported[0].count == 30, "\(exported[0])")
        #expect(Array(exported[0].suffix(12)) == names)
        try #require(exported[1].count == 30, "\(exported[1])")
        #expect(exported[1][26] == "valeur 9") // column AA
        #expect(exported[1][29] == "1999-12-31") // column AD

        let bad = try fixture.workbook("bad.xlsx", rows: [ImportFixture.row(["name": "Marie"], custom: values + ["31/02/1990"])], extraHeaders: names)
        let rejected = try fixture.run(bad)
        try #require(rejected.errors.count == 1, "\(rejected.errors.map(\.description))")
        #expect(rejected.errors[0].cell == "AD2")
        #expect(rejected.errors[0].column == "Champ 12")
        #expect(rejected.errors[0].value == "31/02/1990")
    }
}
