import ClientBase
import Foundation
@testable import Importer
import TestSupport
import Testing

/// `plugins new --from FILE` maps by header before values: dates, IDs and amounts are never taken
/// for phones, the template's own headers are known in every language, and balance-like headers
/// ("Solde dû") fill the balance.
@Suite struct PluginGeneratorSniffTests {
    let ruleSet = try! RuleEngine(ruleSet: "remonline", searchPath: SearchPath(roots: [repositoryRoot])).ruleSet

    func generator(_ csv: String) throws -> (PluginGenerator, TemporaryDirectory, String) {
        let folder = try TemporaryDirectory()
        let source = try folder.write("export.csv", csv)
        return (try PluginGenerator(name: "crm", source: source, ruleSet: ruleSet), folder, source)
    }

    func column(_ generator: PluginGenerator, _ header: String) throws -> PluginGenerator.Column {
        try #require(generator.columns.first { $0.header == header }, "no column \(header)")
    }

    @Test func datesIdsAndAmountsAreNotPhones() throws {
        let (generator, _, _) = try generator("""
            Customer ID;Full name;Mobile;Date of birth;Registered;Total spent;Visits;Solde dû;Card;Last visit
            100234567;Jean Dupont;06 12 34 56 78;1985-03-12;12/03/2019;1234.50;12;-15,50;4000123456;12.03.2024 10:30
            100234568;Marie Curie;06 98 76 54 32;1990-11-07;07/11/2020;1 250,00;3;0;4000123457;07.11.2024 09:15
            100234569;Paul Martin;+33 6 11 22 33 44;2001-01-31;31/01/2021;99.9;1;12,5;4000123458;31.01.2024 18:00
            """)
        #expect(try column(generator, "Mobile").role == .phone)
        #expect(try column(generator, "Full name").role == .full)
        for header in ["Customer ID", "Date of birth", "Registered", "Total spent", "Visits", "Card", "Last visit"] {
            #expect(try column(generator, header).role != .phone, "\(header)")
        }
        #expect(try column(generator, "Solde dû").role == .balance)
        let lua = generator.luaSource
        #expect(lua.contains("balance = row[\"Solde dû\"]"))
        #expect(!lua.contains("{ value = row[\"Date of birth\"]"))
        #expect(!lua.contains("{ value = row[\"Registered\"]"))
    }

    @Test(arguments: ["Balance due", "Montant dû", "Outstanding balance", "Задолженность", "Solde client", "Amount owed"])
    func balanceLikeHeadersFillTheBalance(_ header: String) throws {
        let (generator, _, _) = try generator("Name;\(header)\nJean;12,50\nMarie;0\n")
        #expect(try column(generator, header).role == .balance)
    }

    @Test(arguments: ["1985-03-12", "12/03/1985", "12.03.1985", "1985-03-12 10:30:00", "1234.50", "1 234,50", "-20", "12,5"])
    func valuesThatAreNotPhones(_ value: String) {
        #expect(!PluginGenerator.looksLikePhone(value))
    }

    @Test(arguments: ["06 12 34 56 78", "+33 6 12 34 56 78", "0612345678", "(555) 123-4567", "+7 912 345-67-89", "06.12.34.56.78"])
    func valuesThatArePhones(_ value: String) {
        #expect(PluginGenerator.looksLikePhone(value))
    }

    @Test(arguments: ["fr", "en", "ru", "uk"])
    func theTemplatesOwnHeadersAreKnownInEveryLanguage(_ language: String) throws {
        let headers = ruleSet.columns.map { $0.header(language) }
        let (generator, _, _) = try generator(headers.joined(separator: ";") + "\n" + headers.map { _ in "" }.joined(separator: ";") + "\n")
        #expect(generator.columnCount == 18)
        #expect(generator.mappedCount == 18, "\(generator.columns.filter { $0.role == nil && $0.field == nil }.map(\.header))")
        for (declared, column) in zip(ruleSet.columns, generator.columns) {
            let expected = PluginGenerator.roleOfField[declared.key]
            if let expected {
                #expect(column.role == expected, "\(language) \(column.header)")
            } else {
                #expect(column.field == declared.key, "\(language) \(column.header)")
            }
        }
    }

    @Test func aFilledTemplateRoundTripsThroughTheGeneratedPlugin() throws {
        let fixture = try ImportFixture()
        let headers = ruleSet.columns.map { $0.header("ru") }
        var values = Array(repeating: "", count: headers.count)
        func set(_ key: String, _ value: String) throws {
            values[try #require(ruleSet.columns.firstIndex { $0.key == key })] = value
        }
        try set("name", "Иван"); try set("phone", "+7 912 345-67-89"); try set("last_name", "Петров"); try set("discount_goods", "10")
        let source = try fixture.folder.write("ru.csv", headers.joined(separator: ";") + "\n" + values.joined(separator: ";") + "\n")
        let generator = try PluginGenerator(name: "rutemplate", source: source, ruleSet: ruleSet)
        try fixture.folder.write("plugins/rutemplate.lua", generator.luaSource)
        var options = ImportOptions()
        options.plugin = .named("rutemplate")
        let report = try ImportPipeline(store: fixture.store, searchPath: SearchPath(roots: [fixture.folder.path, repositoryRoot]),
                                        options: options).run(path: source)
        #expect(report.status == .imported, "\(report.errors)")
        let clients = try fixture.allClients()
        try #require(clients.count == 1)
        #expect(clients[0].name == "Иван")
        #expect(clients[0].lastName == "Петров")
        #expect(clients[0].phones == ["79123456789"])
        #expect(clients[0].discountGoods == ExactDecimal("10"))
    }

    @Test func pluginsNewWritesALuarcIntoTheUsersPluginFolder() throws {
        let folder = try TemporaryDirectory()
        let source = try folder.write("export.csv", "Name;Phone\nJean;0612345678\n")
        let plugin = folder.file("mine/plugins/crm.lua")
        let result = try runProcess(clientimportBinary(), ["plugins", "new", "crm", "--from", source, "-o", plugin, "--luarc"])
        #expect(result.status == 0, "\(result.standardError)")
        // Where `plugins test` will look for the sample: examples/ in the plugin's root.
        #expect(result.standardOutput.contains("copy the export to \(folder.path)/mine/examples/crm.csv, then CLIENTIMPORT_PATH=\(folder.path)/mine clientimport plugins test crm"),
                "\(result.standardOutput)")
        let text = try String(contentsOfFile: folder.file("mine/plugins/.luarc.json"), encoding: .utf8)
        let config = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let workspace = try #require(config["workspace"] as? [String: Any])
        let library = try #require(workspace["library"] as? [String])
        let stubs = try #require(library.first)
        #expect(stubs.hasSuffix("/rules/types"))
        #expect(FileManager.default.fileExists(atPath: stubs + "/clientimport.lua"))
        #expect((config["diagnostics"] as? [String: Any])?["globals"] as? [String] == ["clientimport"])
        // A second plugin in the same folder keeps the user's own .luarc.json.
        try "{}".write(toFile: folder.file("mine/plugins/.luarc.json"), atomically: true, encoding: .utf8)
        let again = try runProcess(clientimportBinary(), ["plugins", "new", "crm2", "--from", source, "-o", folder.file("mine/plugins/crm2.lua"), "--luarc"])
        #expect(again.status == 0)
        #expect(again.standardOutput.contains("exists already"))
        #expect(try String(contentsOfFile: folder.file("mine/plugins/.luarc.json"), encoding: .utf8) == "{}")
    }

    @Test func generatedPluginsCarryTheTypeAnnotationTheGuideAsksFor() throws {
        let (generator, _, _) = try generator("Name;Phone\nJean;0612345678\n")
        let lines = generator.luaSource.split(separator: "\n", omittingEmptySubsequences: false)
        let annotation = try #require(lines.firstIndex(of: "---@type clientimport.Plugin"))
        try #require(annotation + 1 < lines.count)
        #expect(lines[annotation + 1] == "local plugin = {")
        #expect(lines.last(where: { !$0.isEmpty }) == "return plugin")
    }
}
