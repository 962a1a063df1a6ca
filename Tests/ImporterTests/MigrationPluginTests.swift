import ClientBase
import Foundation
import Importer
import LuaBridge
import TestSupport
import Testing
import Workbook

/// Each migration plugin's sample export (`examples/`) imports through `--plugin auto` into a
/// fresh base, and every plugin recognises only its own export.
@Suite struct MigrationPluginTests {
    /// Sample file and the plugin that must pick it.
    static let samples: [(file: String, plugin: String)] = [
        ("google-contacts.csv", "google-contacts"), ("outlook.csv", "outlook"), ("vcard.vcf", "vcard"),
        ("hubspot.csv", "hubspot"), ("odoo.csv", "odoo"), ("repairshopr.csv", "repairshopr"),
        ("livesklad.csv", "livesklad"), ("remonline-orderry.csv", "remonline-orderry"),
    ]

    /// Imports a sample with the default options (`--plugin auto`) and checks the plugin picked.
    private func imported(_ file: String, plugin: String, created: Int, skipped: Int = 0,
                          sourceLocation: SourceLocation = #_sourceLocation) throws -> (ImportReport, [Client]) {
        let fixture = try ImportFixture()
        let report = try fixture.run("\(repositoryRoot)/examples/\(file)")
        #expect(report.status == .imported, "\(report.errors)", sourceLocation: sourceLocation)
        #expect(report.plugin == plugin, "\(report.pluginChoice ?? "")", sourceLocation: sourceLocation)
        #expect(report.counts.created == created, sourceLocation: sourceLocation)
        #expect(report.skipped == skipped, sourceLocation: sourceLocation)
        return (report, try fixture.allClients())
    }

    @Test func googleContacts() throws {
        let (report, clients) = try imported("google-contacts.csv", plugin: "google-contacts", created: 3, skipped: 1)
        #expect(report.pluginChoice?.contains("Phone 1 - Value") == true)
        try #require(clients.count == 3)
        #expect(clients[0].name == "Élodie Marie" && clients[0].lastName == "Lefèvre")
        #expect(clients[0].phones == ["33612345678", "33698765432", "33140000000"])
        #expect(clients[0].email == "elodie@atelier-emile.example.fr")
        #expect(clients[0].address == "12 rue de la Paix, 75002 Paris, France")
        #expect(clients[0].notes == """
            Écran cassé, rappeler
            Company: Atelier Émile
            Phones: +33 6 12 34 56 78 (Mobile), +33 6 98 76 54 32 (Mobile), +33 1 40 00 00 00 (Work)
            Other emails: elodie.lefevre@example.fr (Home)
            Labels: Fidèles
            """)
        #expect(!clients[0].juridical)
        #expect(clients[1].name == "Иван" && clients[1].lastName == "Петров")
        #expect(clients[1].phones == ["79161234567"] && clients[1].email == "ivan.petrov@example.ru")
        #expect(clients[1].address == "" && clients[1].notes == "Phones: +7 916 123-45-67 (Mobile)")
        #expect(clients[2].name == "ООО Ромашка" && clients[2].lastName == "" && clients[2].juridical)
        #expect(clients[2].phones == ["74951234567"] && clients[2].email == "")
        #expect(clients[2].address == "ул. Ленина, 1, 101000 Москва, Россия")
        #expect(report.warnings.contains { $0.row == 5 && $0.message.contains("no name, phone or email") })
    }

    @Test func googleContactsLegacyLayout() throws {
        let fixture = try ImportFixture()
        let path = try fixture.folder.write("google.csv", """
            Name,Given Name,Additional Name,Family Name,Yomi Name,Name Prefix,Notes,Group Membership,E-mail 1 - Type,E-mail 1 - Value,Phone 1 - Type,Phone 1 - Value,Phone 2 - Type,Phone 2 - Value,Organization 1 - Name
            Noël À. Brun,Noël,À.,Brun,,,VIP,* My Contacts ::: Garage,* Home,noel@example.fr,Mobile,06 11 11 11 11,* Work,01 22 22 22 22,

            """)
        let report = try fixture.run(path)
        #expect(report.status == .imported, "\(report.errors)")
        #expect(report.plugin == "google-contacts")
        let client = try #require(try fixture.allClients().first)
        #expect(client.name == "Noël À." && client.lastName == "Brun")
        #expect(client.phones == ["0122222222", "0611111111"])
        #expect(client.email == "noel@example.fr")
        #expect(client.notes == "VIP\nPhones: 01 22 22 22 22 (Work), 06 11 11 11 11 (Mobile)\nLabels: Garage")
    }

    /// Numbered groups are read as the headers number them: with gaps, from 10 up, a primary
    /// "* " label, several values in one cell (" ::: "), on every row of the file (the plugin
    /// works out each group's header names once per import).
    @Test func googleContactsGroupsWithGapsAndTwoDigitNumbers() throws {
        let fixture = try ImportFixture()
        let path = try fixture.folder.write("google.csv", """
            First Name,Last Name,Notes,Labels,Phone 2 - Label,Phone 2 - Value,Phone 11 - Label,Phone 11 - Value,E-mail 3 - Label,E-mail 3 - Value,E-mail 10 - Label,E-mail 10 - Value,Address 10 - Label,Address 10 - Formatted,Address 10 - City
            Anna,Berg,,* myContacts ::: Garage,Home,01 40 00 00 00,* Mobile,06 12 34 56 78 ::: 06 99 99 99 99,Home,anna@home.example,* Work,anna@work.example,Work,"5 rue A
            Lyon ::: 9 rue B",Lyon
            Otto,,,,,,Mobile,+33 6 11 11 11 11 ::: +33 (6) 11-11-11-11,,,,,,,Paris

            """)
        let report = try fixture.run(path) { $0.plugin = .named("google-contacts") }
        #expect(report.status == .imported, "\(report.errors)")
        let clients = try fixture.allClients()
        try #require(clients.count == 2)
        #expect(clients[0].name == "Anna" && clients[0].lastName == "Berg")
        #expect(clients[0].phones == ["0612345678", "0140000000", "0699999999"])
        #expect(clients[0].email == "anna@work.example")
        #expect(clients[0].address == "5 rue A, Lyon")
        #expect(clients[0].notes == """
            Phones: 06 12 34 56 78 (Mobile), 01 40 00 00 00 (Home), 06 99 99 99 99 (Mobile)
            Other emails: anna@home.example (Home)
            Labels: Garage
            """)
        // One number written twice is one phone; the address is its city alone.
        #expect(clients[1].name == "Otto" && clients[1].phones == ["33611111111"])
        #expect(clients[1].address == "Paris" && clients[1].notes == "Phones: +33 6 11 11 11 11 (Mobile)")
    }

    @Test func outlook() throws {
        let (report, clients) = try imported("outlook.csv", plugin: "outlook", created: 3)
        #expect(report.pluginChoice?.contains("Country/Region") == true)
        try #require(clients.count == 3)
        #expect(clients[0].name == "François" && clients[0].lastName == "Müller-Côté" && !clients[0].juridical)
        #expect(clients[0].phones == ["14185550199", "14185550100"])
        #expect(clients[0].email == "francois@garage-cote.example.ca")
        #expect(clients[0].address == "8 rue Saint-Jean, G1R 1N8 Québec")
        #expect(clients[0].notes == """
            Préfère être appelé le matin
            Company: Garage Côté
            Phones: +1 418 555 0199 (Mobile), +1 418 555 0100 (Business)
            Other emails: f.muller@example.ca
            Other addresses: 5 place d'Armes, G1R 4S9 Québec, QC, Canada (Business)
            Categories: Clients;VIP
            """)
        #expect(clients[1].name == "Олена" && clients[1].lastName == "Коваленко")
        #expect(clients[1].phones == ["380501234567", "380442345678"] && clients[1].email == "olena@example.ua")
        #expect(clients[1].address == "вул. Хрещатик, 1, 01001 Київ, Україна")
        #expect(clients[2].name == "Réparations Dubois SARL" && clients[2].juridical)
        #expect(clients[2].phones == ["33472000000"] && clients[2].address == "3 avenue Foch, 69006 Lyon")
        #expect(clients[2].notes == "Phones: +33 4 72 00 00 00 (Company)")
    }

    @Test func vcard() throws {
        let (report, clients) = try imported("vcard.vcf", plugin: "vcard", created: 3, skipped: 1)
        #expect(report.pluginChoice?.contains(".vcf") == true)
        try #require(clients.count == 3)
        #expect(clients[0].name == "Amélie" && clients[0].lastName == "Lemaître" && !clients[0].juridical)
        #expect(clients[0].phones == ["33620304050", "33491000000"])
        #expect(clients[0].email == "amelie@example.fr")
        #expect(clients[0].address == "8 quai du Port, 13002 Marseille, France")
        #expect(clients[0].notes == """
            Vélo électrique, batterie à changer.
            Rappeler en septembre.
            Company: Boutique Ça Roule
            Phones: +33 6 20 30 40 50 (cell), +33 4 91 00 00 00 (Atelier)
            Other emails: contact@ca-roule.example.fr (work)
            Categories: Clients,Vélos
            """)
        #expect(clients[1].name == "Оксана" && clients[1].lastName == "Петренко")
        #expect(clients[1].phones == ["380671234567", "0441234567"] && clients[1].email == "")
        #expect(clients[1].notes == "Ремонт телефона\nPhones: +380671234567 (cell), 044 123 45 67 (home)")
        #expect(clients[2].name == "Électricité Générale Nord" && clients[2].juridical)
        #expect(clients[2].phones == ["33320000000"] && clients[2].email == "contact@egn.example.fr")
        #expect(clients[2].address == "1 rue Nationale, 59000 Lille, France")
    }

    @Test func hubspot() throws {
        let (_, clients) = try imported("hubspot.csv", plugin: "hubspot", created: 2, skipped: 1)
        try #require(clients.count == 2)
        #expect(clients[0].name == "Zoé" && clients[0].lastName == "Fontaine" && !clients[0].juridical)
        #expect(clients[0].phones == ["33142000001", "33611223344"])
        #expect(clients[0].email == "zoe.fontaine@example.fr")
        #expect(clients[0].address == "4 rue de Rivoli, 75004 Paris, France")
        #expect(clients[0].notes == "Company: Café Zoé\nPhones: +33 1 42 00 00 01 (Phone), +33 6 11 22 33 44 (Mobile)")
        #expect(clients[1].name == "Дмитрий" && clients[1].lastName == "Соколов")
        #expect(clients[1].phones == ["79217654321"] && clients[1].email == "" && clients[1].address == "")
    }

    @Test func odoo() throws {
        let (_, clients) = try imported("odoo.csv", plugin: "odoo", created: 3)
        try #require(clients.count == 3)
        #expect(clients[0].name == "Boulangerie Hélène" && clients[0].juridical)
        #expect(clients[0].phones == ["33556000000"] && clients[0].email == "contact@boulangerie-helene.example.fr")
        #expect(clients[0].address == "10 cours de l'Intendance, 33000 Bordeaux, France")
        #expect(clients[0].notes == "Phones: +33 5 56 00 00 00 (Phone)\nTags: Fournisseur,Fidèle")
        #expect(clients[1].name == "Hélène Girard" && clients[1].lastName == "" && !clients[1].juridical)
        #expect(clients[1].phones == ["33556000001", "33655443322"])
        #expect(clients[1].notes == "Ne pas appeler après 18 h\nCompany: Boulangerie Hélène\nPhones: +33 5 56 00 00 01 (Phone), +33 6 55 44 33 22 (Mobile)")
        #expect(clients[2].name == "Сергей Кузнецов" && clients[2].phones == ["79031112233"])
        #expect(clients[2].address == "пр. Мира, 15, кв. 4, 197101 Санкт-Петербург, Russia")
    }

    @Test func repairshopr() throws {
        let (_, clients) = try imported("repairshopr.csv", plugin: "repairshopr", created: 3)
        try #require(clients.count == 3)
        #expect(clients[0].name == "Chloé" && clients[0].lastName == "Bérubé")
        #expect(clients[0].phones == ["5145550188", "5145550142"] && clients[0].email == "chloe@example.ca")
        #expect(clients[0].address == "1200 rue Sainte-Catherine, App. 3, H3B 1K9 Montréal, QC")
        #expect(clients[0].notes == "iPhone 12 — écran\nPhones: 514-555-0188 (Mobile), 514-555-0142 (Phone)\nReferred by: Google")
        #expect(clients[1].name == "Électro Plus Inc." && clients[1].juridical)
        #expect(clients[1].phones == ["4185550111"] && clients[1].address == "Lévis, QC")
        #expect(clients[2].name == "Анна" && clients[2].lastName == "Смирнова" && clients[2].phones == ["79990001122"])
    }

    @Test func livesklad() throws {
        let (report, clients) = try imported("livesklad.csv", plugin: "livesklad", created: 3)
        #expect(report.counts.balanceCorrections == 2)
        try #require(clients.count == 3)
        #expect(clients[0].name == "Пётр Алексеевич" && clients[0].lastName == "Сидоров" && !clients[0].juridical)
        #expect(clients[0].phones == ["79123456789", "83432223344"])
        #expect(clients[0].email == "petr.sidorov@example.ru" && clients[0].address == "Екатеринбург, ул. Мира, 5")
        #expect(clients[0].notes == "Ноутбук Asus, ждёт запчасть\nSource: Авито")
        #expect(clients[0].balance == ExactDecimal("1250.5"))
        #expect(clients[0].discountGoods == ExactDecimal(5) && clients[0].discountServices == ExactDecimal(5))
        #expect(clients[1].name == "ООО «Ёлка»" && clients[1].juridical && clients[1].notes == "Contact: Кравец Олег")
        #expect(clients[1].balance == ExactDecimal(-300))
        #expect(clients[2].name == "Жанна" && clients[2].lastName == "" && clients[2].balance == .zero)
    }

    @Test func remonlineOrderryInSpanish() throws {
        let (report, clients) = try imported("remonline-orderry.csv", plugin: "remonline-orderry", created: 3)
        #expect(report.pluginChoice?.contains("(es)") == true)
        try #require(clients.count == 3)
        #expect(clients[0].name == "José" && clients[0].lastName == "Núñez")
        #expect(clients[0].phones == ["34612345678", "34913000000"])
        #expect(clients[0].email == "jose.nunez@example.es" && clients[0].address == "Calle Mayor 1, Madrid")
        #expect(clients[0].discountCard == "TD-77" && clients[0].balance == ExactDecimal("45.9"))
        #expect(clients[0].notes == "Cliente desde 2020\nMarketing source: Instagram")
        #expect(clients[1].name == "Reparaciones Çelik S.L." && clients[1].juridical && clients[1].supplier)
        #expect(clients[1].notes == "Contact: Inés García" && clients[1].balance == ExactDecimal(-120))
        #expect(clients[2].name == "Мария" && clients[2].lastName == "Иванова" && clients[2].conflicted)
    }

    /// The English person/organization layout looks like the template; its plugin is sure enough
    /// (≥ 90%) to take it under --plugin auto all the same.
    @Test func remonlineNewerLayoutIsRecognisedDespiteResemblingTheTemplate() throws {
        let fixture = try ImportFixture()
        let path = try fixture.folder.write("clients.csv", """
            Client ID;First name;Last name;Name;Phone number;Address;Email;Company;Supplier;Conflicted;Notes;Marketing source;Discount card;Balance
            ;Chloé;Martin;;+33 6 10 20 30 40;Nantes;chloe@example.fr;;;;;;;
            ;Pierre;Lenoir;Garage Lenoir;+33 2 40 00 00 00;;;Yes;;;;;;10
            """)
        let report = try fixture.run(path)
        #expect(report.status == .imported, "\(report.errors)")
        #expect(report.plugin == "remonline-orderry")
        let clients = try fixture.allClients()
        try #require(clients.count == 2)
        #expect(clients[0].name == "Chloé" && clients[0].lastName == "Martin" && !clients[0].juridical)
        #expect(clients[1].name == "Garage Lenoir" && clients[1].juridical && clients[1].notes == "Contact: Pierre Lenoir")
        #expect(clients[1].balance == ExactDecimal(10))
    }

    // MARK: Recognition

    /// A Lua state with the plugins loaded, as `--plugin auto` sees them.
    private static func loadPlugins() throws -> (LuaState, [String: LuaTable]) {
        let lua = try LuaState(modulePaths: ["\(repositoryRoot)/rules", "\(repositoryRoot)/plugins"])
        var plugins: [String: LuaTable] = [:]
        for (_, name) in samples {
            plugins[name] = try #require(try lua.run(file: "\(repositoryRoot)/plugins/\(name).lua").first?.tableValue)
        }
        return (lua, plugins)
    }

    /// The header row of a sample: the file's first row, or what the vCard plugin's read makes.
    private static func headers(of file: String, lua: LuaState, plugins: [String: LuaTable]) throws -> [String] {
        let path = "\(repositoryRoot)/examples/\(file)"
        if file.hasSuffix(".vcf") {
            let read = try #require(plugins["vcard"]?["read"].functionValue)
            let source = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
            let result = try #require(try lua.call(read, [.string(source)]).first)
            return result["headers"].tableValue?.array.compactMap(\.stringValue) ?? []
        }
        let reader = try WorkbookFile.openRows(path: path)
        return try #require(try reader.nextRow()).cells.map(\.displayText)
    }

    @Test func everyPluginRecognisesOnlyItsOwnSample() throws {
        let (lua, plugins) = try Self.loadPlugins()
        for (file, owner) in Self.samples {
            let headers = try Self.headers(of: file, lua: lua, plugins: plugins)
            for (name, plugin) in plugins {
                let detect = try #require(plugin["detect"].functionValue)
                let results = try lua.call(detect, [.table(LuaTable(array: headers.map(LuaValue.string)))])
                let score = results.first?.doubleValue ?? 0
                if name == owner {
                    #expect(score >= 0.9, "\(name) on its own \(file): \(score) \(results.dropFirst().first?.stringValue ?? "")")
                } else {
                    #expect(score < 0.5, "\(name) claims \(file): \(score) \(results.dropFirst().first?.stringValue ?? "")")
                }
            }
        }
    }

    @Test func unmappedColumnsAreReturnedAsCustomFieldsWhenAsked() throws {
        let (lua, plugins) = try Self.loadPlugins()
        let headers = try Self.headers(of: "odoo.csv", lua: lua, plugins: plugins)
        let map = try #require(plugins["odoo"]?["map"].functionValue)
        var row: [LuaKey: LuaValue] = [:]
        for header in headers { row[.string(header)] = .string("") }
        row[.string("Name")] = .string("Boulangerie Hélène")
        row[.string("Tax ID")] = .string("FR40303265045")
        row[.string("Salesperson")] = .string("Mitchell Admin")
        func context(keep: Bool) -> LuaValue {
            .table(LuaTable(fields: [
                .string("row"): .integer(2), .string("headers"): .table(LuaTable(array: headers.map(LuaValue.string))),
                .string("options"): .table(LuaTable(fields: [.string("keep_unmapped_as_custom_fields"): .bool(keep)])),
            ]))
        }
        let kept = try #require(try lua.call(map, [.table(LuaTable(fields: row)), context(keep: true)]).first)
        #expect(kept["custom"]["Tax ID"].stringValue == "FR40303265045")
        #expect(kept["custom"]["Salesperson"].stringValue == "Mitchell Admin")
        #expect(kept["custom"]["Name"].isNil)
        let plain = try #require(try lua.call(map, [.table(LuaTable(fields: row)), context(keep: false)]).first)
        #expect(plain["custom"].isNil)
    }

    /// Google's address parts are read even when the formatted address wins (the plugin puts them
    /// in a table only without one): read, they are mapped columns and not kept as custom fields.
    @Test func googleAddressPartsAreMappedEvenBesideAFormattedAddress() throws {
        let (lua, plugins) = try Self.loadPlugins()
        let map = try #require(plugins["google-contacts"]?["map"].functionValue)
        let headers = ["First Name", "Last Name", "Phone 1 - Label", "Phone 1 - Value", "Address 1 - Label",
                       "Address 1 - Formatted", "Address 1 - Street", "Address 1 - City", "Address 1 - Postal Code",
                       "Address 1 - Country", "Website 1 - Value"]
        let values = ["Jean", "Dupont", "Mobile", "+33 6 12 34 56 78", "Home", "12 rue Nationale\n75002 Paris",
                      "12 rue Nationale", "Paris", "75002", "France", "https://example.fr"]
        var row: [LuaKey: LuaValue] = [:]
        for (header, value) in zip(headers, values) { row[.string(header)] = .string(value) }
        func context(keep: Bool) -> LuaValue {
            .table(LuaTable(fields: [
                .string("row"): .integer(2), .string("headers"): .table(LuaTable(array: headers.map(LuaValue.string))),
                .string("options"): .table(LuaTable(fields: [.string("keep_unmapped_as_custom_fields"): .bool(keep)])),
            ]))
        }
        let kept = try #require(try lua.call(map, [.table(LuaTable(fields: row)), context(keep: true)]).first)
        #expect(kept["address"].stringValue == "12 rue Nationale, 75002 Paris")
        #expect(kept["custom"].tableValue?.fields.count == 1, "\(kept["custom"])")
        #expect(kept["custom"]["Website 1 - Value"].stringValue == "https://example.fr")
        let plain = try #require(try lua.call(map, [.table(LuaTable(fields: row)), context(keep: false)]).first)
        #expect(plain["address"].stringValue == "12 rue Nationale, 75002 Paris")
        #expect(plain["custom"].isNil)
        #expect(plain["notes"].stringValue == "Phones: +33 6 12 34 56 78 (Mobile)")
    }
}
