import ClientBase
import Foundation
import Importer
import TestSupport
import Testing

/// `docs/writing-a-plugin.md` ends with a complete plugin: the doc shows the files of
/// `docs/examples/` verbatim, and that plugin imports its sample as the guide says.
@Suite struct PluginGuideTests {
    static let examples = "\(repositoryRoot)/docs/examples"

    /// The fenced block that follows `<!-- include: PATH -->` in a doc.
    static func includedBlock(_ path: String, in doc: String) -> String? {
        guard let marker = doc.range(of: "<!-- include: \(path) -->\n") else { return nil }
        let rest = doc[marker.upperBound...]
        guard let open = rest.range(of: "```"), let lineEnd = rest[open.upperBound...].firstIndex(of: "\n"),
              let close = rest[lineEnd...].range(of: "\n```\n") else { return nil }
        return String(rest[rest.index(after: lineEnd)..<close.lowerBound]) + "\n"
    }

    @Test(arguments: ["docs/examples/plugins/quickfix.lua", "docs/examples/quickfix-export.csv"])
    func theGuideShowsTheExampleVerbatim(_ path: String) throws {
        let doc = try String(contentsOfFile: "\(repositoryRoot)/docs/writing-a-plugin.md", encoding: .utf8)
        let file = try String(contentsOfFile: "\(repositoryRoot)/\(path)", encoding: .utf8)
        let block = try #require(Self.includedBlock(path, in: doc), "no `<!-- include: \(path) -->` block in the guide")
        #expect(block == file, "docs/writing-a-plugin.md shows another \(path) than the file: copy the file into the guide")
    }

    @Test func theExamplePluginImportsItsSample() throws {
        let fixture = try ImportFixture()
        var options = ImportOptions()
        options.plugin = .auto
        let report = try ImportPipeline(store: fixture.store, searchPath: SearchPath(roots: [Self.examples, repositoryRoot]),
                                        options: options).run(path: "\(Self.examples)/quickfix-export.csv")
        #expect(report.status == .imported, "\(report.errors)")
        #expect(report.plugin == "quickfix")
        #expect(report.counts.created == 3)
        #expect(report.skipped == 1)
        #expect(report.warnings.contains { $0.row == 3 && $0.message.contains("kept contact@emile.example.fr as the email") })
        #expect(report.warnings.contains { $0.row == 5 && $0.message.contains("deleted in QuickFix") })

        let clients = try fixture.allClients()
        try #require(clients.count == 3)
        let jean = clients[0]
        #expect(jean.name == "Jean" && jean.lastName == "Dupont")
        #expect(jean.phones == ["0612345678", "0140000000"])
        #expect(jean.email == "jean.dupont@example.fr")
        #expect(jean.address == "12 rue de la Paix, 75002 Paris")
        #expect(jean.balance == ExactDecimal("12.5"))
        #expect(jean.notes == "Prefers SMS\nQuickFix customer 1001")
        #expect(!jean.juridical && !jean.conflicted)

        let atelier = clients[1]
        #expect(atelier.name == "Atelier Émile SARL" && atelier.juridical)
        #expect(atelier.phones == ["33698765432"])
        #expect(atelier.email == "contact@emile.example.fr")
        #expect(atelier.balance == ExactDecimal(-20))
        #expect(atelier.notes == "Other emails: compta@emile.example.fr\nQuickFix customer 1002")

        let claire = clients[2]
        #expect(claire.name == "Claire" && claire.lastName == "Martin" && !claire.juridical)
        #expect(claire.conflicted)
        #expect(claire.address == "")
        #expect(claire.notes == "Disputed an invoice\nCompany: Garage Martin\nQuickFix customer 1003")
    }
}
