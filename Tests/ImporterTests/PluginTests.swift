import ClientBase
import Foundation
import Importer
import TestSupport
import Testing

/// A plugin written outside the repository maps an invented export, with nothing recompiled.
@Suite struct PluginTests {
    let fixture: ImportFixture
    let userRoot: TemporaryDirectory

    static let plugin = """
        -- FixItPro (an invented repair-shop CRM): Customers > Export > CSV.
        local text = require("lib.text")

        return {
          name = "fixitpro",
          title = "FixItPro customers",
          detect = function(headers)
            local known = { Customer = true, Surname = true, Mobile = true, ["Work phone"] = true, Mail = true, Debt = true }
            local hits = 0
            for _, header in ipairs(headers) do if known[header] then hits = hits + 1 end end
            return hits / 6, hits .. " of 6 FixItPro headers"
          end,
          map = function(row, ctx)
            if text.trim(row.Customer) == "" then return clientimport.skip("no customer name") end
            if row.Mail == "REFUSED" then return clientimport.reject("the customer refused to be stored") end
            local phones = {}
            for _, header in ipairs({ "Mobile", "Work phone" }) do
              if text.trim(row[header]) ~= "" then phones[#phones + 1] = row[header] end
            end
            if row["Work phone"] ~= "" then ctx.warn("work phone kept as a second number") end
            return {
              name = row.Customer,
              last_name = row.Surname,
              phone = phones,
              email = row.Mail,
              juridical = row["Company?"] == "Y",
              balance = row.Debt,
            }
          end,
        }
        """

    init() throws {
        fixture = try ImportFixture()
        userRoot = try TemporaryDirectory()
        try userRoot.write("plugins/fixitpro.lua", Self.plugin)
    }

    private func run(_ csv: String, plugin: ImportOptions.PluginChoice = .auto) throws -> ImportReport {
        let path = try fixture.folder.write("export.csv", csv)
        var options = ImportOptions()
        options.plugin = plugin
        options.language = "fr" // these tests read the French catalog; a plugin import's default is the headers' language, else English
        return try ImportPipeline(store: fixture.store, searchPath: SearchPath(roots: [userRoot.path, repositoryRoot]),
                                  options: options).run(path: path)
    }

    @Test func autoDetectsTheExportAndImportsItFieldByField() throws {
        let report = try run("""
            Customer;Surname;Mobile;Work phone;Mail;Company?;Debt
            Olena;Коваленко;+380 50 123 45 67;;olena@example.ua;;150,50
            Atelier Émile;;06 12 34 56 78;+33 1 40 00 00 00;contact@emile.example.fr;Y;-20
            ;;;;;;
            ;nobody;0600000000;;;;
            """)
        #expect(report.status == .imported, "\(report.errors)")
        #expect(report.plugin == "fixitpro")
        #expect(report.pluginChoice?.contains("confidence 100%: 6 of 6 FixItPro headers") == true)
        #expect(report.counts.created == 2)
        #expect(report.skipped == 1)
        #expect(report.counts.balanceCorrections == 2)
        let clients = try fixture.allClients()
        try #require(clients.count == 2)
        #expect(clients[0].name == "Olena" && clients[0].lastName == "Коваленко")
        #expect(clients[0].phones == ["380501234567"])
        #expect(clients[0].balance == ExactDecimal("150.5"))
        #expect(!clients[0].juridical)
        #expect(clients[1].phones == ["0612345678", "33140000000"])
        #expect(clients[1].juridical)
        #expect(clients[1].balance == ExactDecimal(-20))
        #expect(report.warnings.contains { $0.row == 3 && $0.message == "work phone kept as a second number" })
        #expect(report.warnings.contains { $0.row == 5 && $0.message.contains("no customer name") })
        #expect(try fixture.store.history().first?.plugin == "fixitpro")
    }

    @Test func theRuleSetStillChecksWhatThePluginMapped() throws {
        let report = try run("""
            Customer;Surname;Mobile;Work phone;Mail;Company?;Debt
            Olena;;not a phone;;two@a.ua, three@b.ua;;
            Emile;;;;REFUSED;;
            """)
        #expect(report.status == .rejected)
        try #require(report.errors.map(\.row) == [2, 2, 3])
        // The source file's own column and cell, and the template column the value was for.
        #expect(report.errors[0].column == "Mobile")
        #expect(report.errors[0].cell == "C2")
        #expect(report.errors[0].field == "Numéro de téléphone")
        #expect(report.errors[2].message.contains("refused to be stored"))
        #expect(try fixture.store.clientCount() == 0)
    }

    @Test func unknownHeadersAreRefusedWithTheCandidatesAndTheirScores() throws {
        let report = try run("Nom complet;Portable\nJean;0612345678\n")
        #expect(report.status == .rejected)
        #expect(report.errors.first?.message.contains("best: fixitpro 0%") == true)
        #expect(report.errors.count > 1)
    }

    @Test func aPluginCanBeChosenByPath() throws {
        let report = try run("Customer;Mobile\nOlena;0501234567\n", plugin: .named(userRoot.file("plugins/fixitpro.lua")))
        #expect(report.status == .imported)
        #expect(report.counts.created == 1)
    }

    @Test func aPluginWithoutMapIsRefusedAtLoad() throws {
        try userRoot.write("plugins/broken.lua", "return { name = 'broken', detect = 1 }")
        let error = try #require(throws: RuleError.self) { try run("a\nb\n", plugin: .named("broken")) }
        #expect(error.message.contains("`map` must be a function"))
        #expect(error.message.contains("`detect` must be a function"))
    }
}
