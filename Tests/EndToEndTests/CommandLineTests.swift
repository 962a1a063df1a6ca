import Foundation
import TestSupport
import Testing

/// Runs the real `clientimport` binary against real files and a real SQLite base.
@Suite struct CommandLineTests: BinaryInFolder {
    let folder: TemporaryDirectory

    init() throws {
        folder = try TemporaryDirectory()
    }

    func clientsJSON() throws -> [[String: Any]] {
        let result = try clientimport("clients", "list", "--format", "json")
        #expect(result.status == 0, "\(result.standardError)")
        return try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [[String: Any]] ?? []
    }

    @Test func templateImportExportAndImportAgainChangesNothing() throws {
        let template = folder.file("t.xlsx")
        #expect(try clientimport("template", "--lang", "fr", "-o", template).status == 0)

        let imported = try clientimport("import", template)
        #expect(imported.status == 0, "\(imported.standardError)")
        #expect(imported.standardOutput.contains("1 row: 1 created, 0 updated, 0 unchanged"))

        let example = try clientimport("import", "\(repositoryRoot)/examples/clients.fr.xlsx", "--format", "json")
        #expect(example.status == 0)
        let report = try JSONSerialization.jsonObject(with: Data(example.standardOutput.utf8)) as? [String: Any]
        #expect(report?["status"] as? String == "imported")
        #expect(report?["created"] as? Int == 5)
        #expect(report?["balance_corrections"] as? Int == 3)

        let exported = folder.file("export.xlsx")
        #expect(try clientimport("export", "-o", exported).status == 0)
        let before = try clientsJSON()

        let again = try clientimport("import", exported, "--format", "json")
        #expect(again.status == 0)
        let second = try JSONSerialization.jsonObject(with: Data(again.standardOutput.utf8)) as? [String: Any]
        #expect(second?["created"] as? Int == 0)
        #expect(second?["updated"] as? Int == 0)
        #expect(second?["unchanged"] as? Int == 6)
        #expect(second?["balance_corrections"] as? Int == 0)
        #expect(NSArray(array: try clientsJSON()).isEqual(to: before))
    }

    @Test func clientsListUsesTheAPIsFieldNamesAndExactMoney() throws {
        #expect(try clientimport("import", "\(repositoryRoot)/examples/clients.fr.xlsx").status == 0)
        let list = try clientimport("clients", "list", "--format", "json")
        #expect(list.standardOutput.contains("\"balance\":-250.5"))
        #expect(list.standardOutput.contains("\"balance\":1500.75"))
        let clients = try clientsJSON()
        let keys = Set(clients.first?.keys.map { $0 } ?? [])
        #expect(keys == ["id", "name", "last_name", "phone", "email", "address", "juridical", "supplier", "conflicted",
                         "notes", "ad_campaign", "discount_code", "discount_goods", "discount_services",
                         "discount_materials", "price_sales", "price_orders", "balance", "custom_fields"])
        #expect(clients.first?["phone"] as? [String] == ["33612345678"])
    }

    /// `clients show`'s text, line by line: one labelled line per client field with a value, in
    /// the order of `ClientField.all`.
    @Test func clientsShowWritesOneLabelledLinePerField() throws {
        #expect(try clientimport("import", "\(repositoryRoot)/examples/clients.fr.xlsx").status == 0)
        let shown = try clientimport("clients", "show", "1")
        #expect(shown.status == 0)
        #expect(shown.standardOutput == """
            Client 1: Jean Dupont
              Phones: 33612345678
              Email: jean.dupont@example.fr
              Address: 12 rue de la Paix, 75002 Paris
              Company: no
              Supplier: no
              Conflicted: no
              Notes: Client depuis 2019
              Discount card: CARTE-0001
              Discount on goods: 10%
              Balance: 0

            """)
    }

    @Test func aRowWithoutANameRejectsTheFileWithExitCode1AndChangesNothing() throws {
        #expect(try clientimport("import", "\(repositoryRoot)/examples/clients.fr.xlsx").status == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: database))
        let csv = try folder.write("bad.csv", """
            ID client;Nom;Numéro de téléphone;Adresse;Email;Prénom;Entreprise;Fournisseur;Déçu;Notes;Source marketing;Carte de réduction;Réduction sur les produits dans les ventes;Réduction sur les services dans les commandes et factures;Remise sur les produits/matériaux dans la commande et la facture;Réduction sur les services en ventes (type de prix);Réduction sur les services dans les commandes et factures (type de prix);Solde
            ;Paul;33600000001;;;;;;;;;;;;;;;
            ;;33600000002;;;;;;;;;;;;;;;
            """)
        let result = try clientimport("import", csv)
        #expect(result.status == 1)
        #expect(result.standardOutput.contains("Rejected bad.csv: 1 error; nothing was changed."))
        #expect(result.standardOutput.contains("row 3, column \"Nom\" (B3): est obligatoire et vide"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: database)) == before)
        #expect(try clientsJSON().count == 5)
    }

    @Test func exitCodesNameTheKindOfFailure() throws {
        #expect(try clientimport("import").status == 64)
        #expect(try clientimport("import", "x.xlsx", "--on-duplicate", "maybe").status == 64)
        let notAWorkbook = try folder.write("fake.xlsx", "this is not a zip")
        let unreadable = try clientimport("import", notAWorkbook)
        #expect(unreadable.status == 65)
        #expect(unreadable.standardError.contains("fake.xlsx"))
        let brokenRules = try folder.write("broken/ruleset.lua", "return { name = 'broken', columns = }")
        let invalid = try clientimport("import", "\(repositoryRoot)/examples/clients.fr.xlsx", "--rules", brokenRules)
        #expect(invalid.status == 78)
        #expect(invalid.standardError.contains("broken/ruleset.lua:1"))
        #expect(try clientimport("import", "\(repositoryRoot)/examples/clients.fr.xlsx", "--as", "Nobody").status == 64)
    }

    @Test func everyCommandInTheHelpWorks() throws {
        let help = try clientimport("--help")
        #expect(help.status == 0)
        for command in ["template", "import", "export", "convert", "clients", "settings", "roles", "employees", "history", "undo", "rules", "plugins", "inspect"] {
            #expect(help.standardOutput.contains("  \(command)"), "\(command) missing from --help")
            #expect(try clientimport(command, "--help").status == 0)
        }
    }

    @Test func settingsRolesEmployeesHistoryAndUndo() throws {
        #expect(try clientimport("settings", "add-marketing-source", "Google", "Bouche à oreille").status == 0)
        #expect(try clientimport("settings", "add-custom-field", "Passeport", "--type", "text").status == 0)
        #expect(try clientimport("roles", "add", "Accueil").status == 0)
        #expect(try clientimport("employees", "add", "Léa", "--role", "Accueil").status == 0)
        #expect(try clientimport("employees", "add", "Zoé", "--role", "Inconnu").status == 1)
        let settings = try clientimport("settings", "list", "--format", "json")
        #expect(settings.standardOutput.contains("\"marketing_sources\":[\"Google\",\"Bouche à oreille\"]"))

        let noRight = try clientimport("import", "\(repositoryRoot)/examples/clients.fr.xlsx", "--as", "Léa")
        #expect(noRight.status == 1)
        #expect(noRight.standardOutput.contains("« peut ajuster le solde du client »"))

        let exportBefore = folder.file("before.xlsx")
        #expect(try clientimport("export", "-o", exportBefore).status == 0)
        #expect(try clientimport("import", "\(repositoryRoot)/examples/clients.fr.xlsx").status == 0)
        let history = try clientimport("history", "--format", "json")
        #expect(history.standardOutput.contains("\"file\":\"clients.fr.xlsx\""))
        let undo = try clientimport("undo", "1")
        #expect(undo.status == 0, "\(undo.standardError)")
        #expect(try clientsJSON().isEmpty)
        #expect(try clientimport("undo", "1").status == 1)
    }

    @Test func inspectPrintsTheCellsAsTheReaderSeesThem() throws {
        let result = try clientimport("inspect", "\(repositoryRoot)/examples/clients.fr.xlsx")
        #expect(result.status == 0)
        let lines = result.standardOutput.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first?.hasPrefix("ID client\tNom\tNuméro de téléphone") == true)
        #expect(lines[2].hasPrefix("\tRéparations Lefèvre SARL\t33145678901, 33612340000"))
        #expect(lines[4].contains("\t33698765432\t"))
    }

    /// A dump larger than the spool's memory and than the output buffer: the spooled text
    /// goes out in blocks of megabytes, written as they are, and rows before the one wider
    /// row in the middle get their padding on the way out.
    @Test func inspectWritesALargeDumpWhole() throws {
        var csv = "a,b,c\n"
        var expected = "a\tb\tc\t\n"
        for i in 1...250_000 {
            if i == 125_000 {
                csv += "wide,row,with,four\n"
                expected += "wide\trow\twith\tfour\n"
            }
            csv += "name \(i) x,street \(i) y,city z\n"
            expected += "name \(i) x\tstreet \(i) y\tcity z\t\n"
        }
        try csv.write(toFile: folder.file("large.csv"), atomically: true, encoding: .utf8)
        let result = try clientimport("inspect", "large.csv")
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.utf8.count > 8 << 20)   // past the spool's 8 MiB in memory
        #expect(result.standardOutput == expected)
    }
}

/// The template is a real XLSX that independent readers open.
@Suite struct TemplateInteropTests {
    @Test func openpyxlAndLibreOfficeOpenTheTemplate() throws {
        let folder = try TemporaryDirectory()
        let template = folder.file("modele.xlsx")
        let result = try runProcess(clientimportBinary(), ["template", "--lang", "fr", "-o", template, "--db", folder.file("b.sqlite")])
        #expect(result.status == 0, "\(result.standardError)")

        let read = try Interop.python("""
            import sys, openpyxl
            sheet = openpyxl.load_workbook(sys.argv[1]).active
            print(sheet.max_column, sheet.freeze_panes, sheet["B1"].font.bold, sheet["B2"].value, sheet["B1"].comment.text)
            print("|".join(str(c.value) for c in sheet[1]))
            """, [template])
        let lines = read.split(separator: "\n").map(String.init)
        #expect(lines.first == "18 A2 True Jean Obligatoire.")
        #expect(lines.last?.hasPrefix("ID client|Nom|Numéro de téléphone|Adresse|Email|Prénom|Entreprise") == true)

        let csv = try Interop.libreOfficeConvert(template, to: "csv:Text - txt - csv (StarCalc):44,34,76", extension: "csv", in: folder.path)
        let text = try String(contentsOfFile: csv, encoding: .utf8)
        #expect(text.hasPrefix("ID client,Nom,Numéro de téléphone"))
        #expect(text.contains(",Jean,\"33612345678, 33141234567\","))
    }
}

/// The plugin and rule-set tools an integrator uses.
@Suite struct AuthoringToolTests {
    @Test func pluginsTestChecksEveryBuiltInPluginAgainstItsSample() throws {
        let result = try runProcess(clientimportBinary(), ["plugins", "test"])
        #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
        #expect(result.standardOutput.contains("ok   vcard:"))
        #expect(result.standardOutput.contains("8 passed, 0 failed"))
    }

    @Test func pluginsNewWritesAPluginThatRulesCheckAccepts() throws {
        let folder = try TemporaryDirectory()
        let source = try folder.write("crm.csv", "Nom complet;Portable;Courriel\nJean Dupont;0612345678;jean@example.fr\n")
        let created = try runProcess(clientimportBinary(), ["plugins", "new", "crm", "--from", source], currentDirectory: folder.path)
        #expect(created.status == 0, "\(created.standardError)")
        #expect(created.standardOutput.contains("3 of 3 columns mapped"))
        let check = try runProcess(clientimportBinary(), ["rules", "check", "plugins/crm.lua"], currentDirectory: folder.path)
        #expect(check.status == 0, "\(check.standardError)")
        let again = try runProcess(clientimportBinary(), ["plugins", "new", "crm", "--from", source], currentDirectory: folder.path)
        #expect(again.status == 64)
    }

    @Test func rulesCheckRejectsARuleSetWhoseExampleBreaksItsOwnRules() throws {
        let folder = try TemporaryDirectory()
        try folder.write("rules/strict/ruleset.lua", """
            local rules = {}
            for k, v in pairs(require("remonline.ruleset")) do rules[k] = v end
            rules.name = "strict"
            rules.example = { fr = { name = "Jean", email = "pas une adresse" } }
            return rules
            """)
        let result = try runProcess(clientimportBinary(), ["rules", "check", "strict"], environment: ["CLIENTIMPORT_PATH": folder.path])
        #expect(result.status == 78)
        #expect(result.standardError.contains("example (fr), email"))
    }
}

extension TemplateInteropTests {
    @Test func theTemplateCarriesTheBasesCustomFieldsAndDropDownLists() throws {
        let folder = try TemporaryDirectory()
        let db = folder.file("b.sqlite")
        for arguments in [["settings", "add-marketing-source", "Google", "Salon"], ["settings", "add-price-type", "Détail"],
                          ["settings", "add-custom-field", "Passeport"], ["settings", "add-custom-field", "VIP", "--type", "yes-no"]] {
            #expect(try runProcess(clientimportBinary(), arguments + ["--db", db]).status == 0)
        }
        let template = folder.file("modele.xlsx")
        #expect(try runProcess(clientimportBinary(), ["template", "-o", template, "--db", db]).status == 0)
        let read = try Interop.python("""
            import sys, openpyxl
            sheet = openpyxl.load_workbook(sys.argv[1]).active
            print(sheet["S1"].value, sheet["T1"].value)
            for validation in sheet.data_validations.dataValidation:
                print(str(validation.sqref).split(":")[0], validation.formula1)
            """, [template])
        let lines = read.split(separator: "\n").map(String.init)
        #expect(lines.first == "Passeport VIP")
        #expect(lines.contains("G2 \"Oui\""))
        #expect(lines.contains("K2 \"Google,Salon\""))
        #expect(lines.contains("P2 \"Détail\""))
        #expect(lines.contains("T2 \"Oui\""))
    }
}
