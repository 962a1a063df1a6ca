import ClientBase
import Foundation
import Importer
import TestSupport
import Testing

/// `docs/writing-a-rule-set.md` shows `docs/examples/rules/atelier/ruleset.lua` verbatim, and that
/// rule set does what the guide says.
@Suite struct RuleSetGuideTests {
    static let path = "docs/examples/rules/atelier/ruleset.lua"
    let fixture: ImportFixture

    init() throws {
        fixture = try ImportFixture()
        try fixture.store.addCustomField(CustomFieldDefinition(name: "Appareil", type: .text))
    }

    @Test func theGuideShowsTheRuleSetVerbatim() throws {
        let doc = try String(contentsOfFile: "\(repositoryRoot)/docs/writing-a-rule-set.md", encoding: .utf8)
        let file = try String(contentsOfFile: "\(repositoryRoot)/\(Self.path)", encoding: .utf8)
        let block = try #require(PluginGuideTests.includedBlock(Self.path, in: doc))
        #expect(block == file, "docs/writing-a-rule-set.md shows another \(Self.path) than the file: copy the file into the guide")
    }

    private func run(_ rows: [[String]], headers: [String] = ImportFixture.frenchHeaders) throws -> ImportReport {
        let path = try fixture.workbook(rows: rows, extraHeaders: ["Appareil"], headers: headers)
        var options = ImportOptions()
        options.ruleSet = "atelier"
        return try ImportPipeline(store: fixture.store,
                                  searchPath: SearchPath(roots: ["\(repositoryRoot)/docs/examples", repositoryRoot]),
                                  options: options).run(path: path)
    }

    @Test func aRowWithAFrenchPhoneAndADeviceIsImported() throws {
        var headers = ImportFixture.frenchHeaders
        headers[2] = "Portable"
        let report = try run([ImportFixture.row(["name": "Jean", "phone": "06 12 34 56 78"], custom: ["iPhone 12"])], headers: headers)
        #expect(report.status == .imported, "\(report.errors)")
        #expect(try fixture.allClients().first?.customFields["Appareil"] == "iPhone 12")
    }

    @Test func aMissingDeviceAndAForeignPhoneAreRefused() throws {
        let report = try run([
            ImportFixture.row(["name": "Jean", "phone": "0612345678"], custom: [""]),
            ImportFixture.row(["name": "Olena", "phone": "+380 50 123 45 67"], custom: ["Pixel 7"]),
        ])
        #expect(report.status == .rejected)
        #expect(report.errors.contains { $0.row == 2 && $0.message.contains("l'appareil du client") }, "\(report.errors)")
        #expect(report.errors.contains { $0.row == 3 && $0.message.contains("« 380501234567 » n'est pas un numéro français") }, "\(report.errors)")
        #expect(try fixture.store.clientCount() == 0)
    }
}
