import Foundation
import Importer
import TestSupport
import Testing

/// An error in a file a plugin mapped names the source file's own column header and cell (the
/// mapper records which source columns fed each field), besides the template column.
@Suite struct PluginErrorLocationTests {
    static let plugin = """
        local text = require("lib.text")
        return {
          name = "shop",
          detect = function(headers) return headers[1] == "Ref" and 1 or 0 end,
          map = function(row)
            return { name = row["Full name"], email = row["Mail"], phone = text.split(row["Mobile"] .. "," .. row["Landline"], ","),
                     discount_goods = row["Discount"], custom = { Birthday = row["DOB"] } }
          end,
        }
        """

    func importing(_ csv: String, format: [String] = []) throws -> (report: ImportReport, folder: TemporaryDirectory, source: String) {
        let fixture = try ImportFixture()
        try fixture.store.addCustomField(.init(name: "Birthday", type: .date))
        try fixture.folder.write("plugins/shop.lua", Self.plugin)
        let source = try fixture.folder.write("shop.csv", csv)
        var options = ImportOptions()
        options.plugin = .named("shop")
        options.language = "en"
        let report = try ImportPipeline(store: fixture.store, searchPath: SearchPath(roots: [fixture.folder.path, repositoryRoot]),
                                        options: options).run(path: source)
        return (report, fixture.folder, source)
    }

    static let csv = """
        Ref,Full name,Mail,Mobile,Landline,Discount,DOB
        1,Jean,jean@example.fr,06 12 34 56 78,,10,1985-03-12
        2,Marie,marie@,06 98 76 54 32,01 40 00 00 XX,100.5,31/02/1990
        """

    @Test func eachErrorNamesTheSourceColumnAndCellAndTheTemplateColumn() throws {
        let (report, _, _) = try importing(Self.csv)
        #expect(report.status == .rejected)
        let byColumn = Dictionary(report.errors.map { ($0.column ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        try #require(report.errors.count == 4, "\(report.errors.map(\.description))")
        let email = try #require(byColumn["Mail"])
        #expect(email.cell == "C3")
        #expect(email.field == "Email")
        #expect(email.value == "marie@")
        #expect(email.description.hasPrefix("row 3, column \"Mail\" (C3) for \"Email\": "), "\(email.description)")
        // The phone list came from two columns: the one holding the bad number is named.
        let phone = try #require(byColumn["Landline"], "\(byColumn.keys.sorted())")
        #expect(phone.cell == "E3")
        #expect(phone.field == "Phone number")
        let discount = try #require(byColumn["Discount"])
        #expect(discount.cell == "F3")
        #expect(discount.message.contains("between 0 and 100"))
        let birthday = try #require(byColumn["DOB"])
        #expect(birthday.cell == "G3")
        #expect(birthday.field == "Birthday")
    }

    @Test func theJsonReportCarriesBothColumns() throws {
        let folder = try TemporaryDirectory()
        try folder.write("plugins/shop.lua", Self.plugin)
        let source = try folder.write("shop.csv", Self.csv)
        let base = folder.file("base.sqlite")
        let made = try runProcess(clientimportBinary(), ["settings", "add-custom-field", "Birthday", "--type", "date", "--db", base])
        try #require(made.status == 0, "\(made.standardError)")
        let result = try runProcess(clientimportBinary(), ["import", source, "--plugin", "shop", "--dry-run", "--format", "json", "--lang", "en", "--db", base],
                                    environment: ["CLIENTIMPORT_PATH": folder.path])
        #expect(result.status == 1, "\(result.standardError)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        let errors = try #require(json["errors"] as? [[String: Any]])
        let email = try #require(errors.first { $0["column"] as? String == "Mail" })
        #expect(email["cell"] as? String == "C3")
        #expect(email["field"] as? String == "Email")
    }

    @Test func aBuiltInPluginsErrorNamesTheGoogleColumn() throws {
        let fixture = try ImportFixture()
        let header = "First Name,Last Name,E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value"
        let source = try fixture.folder.write("google.csv", header + "\nJean,Dupont,* Home,jean@example.fr,Mobile,06 12 34 56 78\nMarie,Curie,* Home,marie@example.fr,Mobile,06 12 AB\n")
        var options = ImportOptions()
        options.plugin = .named("google-contacts")
        options.language = "en"
        let report = try ImportPipeline(store: fixture.store, searchPath: SearchPath(roots: [repositoryRoot]), options: options).run(path: source)
        try #require(report.errors.count == 1, "\(report.errors.map(\.description))")
        #expect(report.errors[0].column == "Phone 1 - Value")
        #expect(report.errors[0].cell == "F3")
        #expect(report.errors[0].field == "Phone number")
    }

    @Test func aTemplatesIssuesKeepTheirShape() throws {
        let fixture = try ImportFixture()
        let path = try fixture.workbook(rows: [ImportFixture.row(["name": "Jean", "email": "jean@"])])
        let report = try fixture.run(path)
        try #require(report.errors.count == 1)
        #expect(report.errors[0].field == nil)
        #expect(report.errors[0].cell == "E2")
        #expect(!report.errors[0].json.rendered.contains("\"field\""))
    }
}
