import ClientBase
import Foundation
import Importer
import TestSupport
import Testing

@Suite struct PluginGeneratorTests {
    let fixture: ImportFixture

    init() throws {
        fixture = try ImportFixture()
    }

    static let export = """
        Prénom;Nom;Portable;Fixe;Courriel;Ville;Code postal;Points fidélité;Solde;Remarques;Contact2;Telphone
        Élodie;Lefèvre;06 12 34 56 78;01 40 00 00 00;elodie@example.fr;Paris;75002;120;-15,50;Écran cassé;+33 6 11 22 33 44;x
        Noël;Bernard;06 98 76 54 32;;noel@example.fr;Lyon;69001;5;0;;+33 6 55 44 33 22;
        """

    @Test func theGeneratedPluginImportsTheColumnsItWasSureAboutAndMarksTheRest() throws {
        let source = try fixture.folder.write("crm.csv", Self.export)
        let engine = try RuleEngine(ruleSet: "remonline", searchPath: SearchPath(roots: [repositoryRoot]))
        let generator = try PluginGenerator(name: "atelier", source: source, ruleSet: engine.ruleSet)
        #expect(generator.columnCount == 12)
        #expect(generator.mappedCount == 10)
        let lua = generator.luaSource
        #expect(lua.contains("-- TODO: \"Points fidélité\" (e.g. \"120\", \"5\") is not mapped"))
        #expect(lua.contains("-- TODO: \"Telphone\" (e.g. \"x\") is not mapped; it may be phone"))
        #expect(lua.contains("\"Contact2\" ← its values look like phone numbers"))

        let plugin = try fixture.folder.write("plugins/atelier.lua", lua)
        #expect(try engine.plugin(plugin).name == "atelier")
        let report = try ImportPipeline(store: fixture.store, searchPath: SearchPath(roots: [fixture.folder.path, repositoryRoot]),
                                        options: ImportOptions()).run(path: source)
        #expect(report.status == .imported, "\(report.errors)")
        #expect(report.plugin == "atelier")
        let clients = try fixture.allClients()
        try #require(clients.count == 2)
        #expect(clients.map(\.name) == ["Élodie", "Noël"])
        #expect(clients.map(\.lastName) == ["Lefèvre", "Bernard"])
        #expect(clients[0].phones == ["0612345678", "0140000000", "33611223344"])
        #expect(clients[0].email == "elodie@example.fr")
        #expect(clients[0].address == "75002 Paris")
        #expect(clients[0].balance == ExactDecimal("-15.5"))
        #expect(clients[0].notes.hasPrefix("Écran cassé\nPhones:"))
        #expect(clients[1].customFields.isEmpty)
    }
}
