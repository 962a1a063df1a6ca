import ClientBase
import Foundation
@testable import Importer
import TestSupport
import Testing
import Workbook

/// `ClientField.all` against every consumer: each field of the registry is a template column,
/// an export cell that imports back, a JSON key, a line of the Lua reference and a key the
/// declaration check accepts. A field added to the registry that one of them misses fails here.
@Suite struct ClientFieldRegistryTests {
    let builtIn = SearchPath(roots: [repositoryRoot])

    /// The closures the import reads fields through (`Client.reader`) read the field their key
    /// path names: each text field, alone too long for a cell, is the one the overlong check
    /// reports, and so is the phone list.
    @Test func theOverlongCheckReadsEachFieldThroughItsOwnReader() {
        let long = String(repeating: "é", count: Cell.maximumTextLength + 1)
        for field in ClientField.all {
            var client = Client(id: 0, name: "")
            switch field.storage {
            case .text(let path): client[keyPath: path] = long
            case .phones(let path): client[keyPath: path] = Array(repeating: "33611111111", count: 3000)
            case .id, .balance, .flag, .decimal: continue
            }
            #expect(TemplateLayout.firstOverlongField(of: client)?.key == field.key, "\(field.key)")
            if case .text(let path) = field.storage { #expect(Client.reader(path)(client) == long, "\(field.key)") }
        }
        #expect(TemplateLayout.firstOverlongField(of: Client(id: 0, name: "Jean")) == nil)
    }

    @Test func keysAndAPINamesAreUniqueAndTheTemplateColumnsAreOneToN() {
        let fields = ClientField.all
        #expect(Set(fields.map(\.key)).count == fields.count)
        #expect(Set(fields.map(\.apiName)).count == fields.count)
        #expect(fields.map(\.templateColumn).sorted() == Array(1...fields.count))
        #expect(RuleSet.fieldKeys == ClientField.inTemplateOrder.map(\.key))
        for field in fields {
            #expect(ClientField.named(field.key)?.apiName == field.apiName)
            // Its kind is a stock column type, and one whose values the field can hold.
            #expect(StockType(rawValue: field.kind.rawValue) != nil, "\(field.key)")
            #expect(field.accepts(type: field.kind.rawValue), "\(field.key)")
            #expect(field.isAssigned == !["id", "balance"].contains(field.key))
        }
        #expect(ClientField.named("nosuch") == nil)
        #expect(ClientField(assignedKey: "id") == nil && ClientField(assignedKey: "balance") == nil)
        #expect(ClientField(assignedKey: "last_name")?.key == "last_name")
    }

    @Test func theStockRuleSetHasAColumnOfTheFieldsKindForEveryField() throws {
        let ruleSet = try RuleEngine(ruleSet: "remonline", searchPath: builtIn).ruleSet
        let layout = try TemplateLayout(ruleSet: ruleSet, language: "fr", catalog: Catalog())
        for field in ClientField.all {
            let column = try #require(ruleSet.column(field.key), "no column for \(field.key)")
            #expect(column.type == field.kind.rawValue, "\(field.key)")
            #expect(layout.headerTexts.contains(column.header("fr")), "\(field.key)")
        }
    }

    @Test func everyFieldIsExportedAndImportedBack() throws {
        let original = try ImportFixture()
        try original.store.addMarketingSources(["Google"])
        try original.store.addPriceTypes(["Détail"])
        let client = Self.clientWithEveryField()
        try original.store.transaction {
            let batch = try original.store.beginBatch(BatchSource(fileName: "seed", fileSHA256: "", ruleSet: "remonline", plugin: "", employeeID: 1))
            let id = try original.store.insertClient(client, batch: batch, sourceRow: nil)
            try original.store.appendBalanceCorrection(clientID: id, amount: client.balance, comment: "seed", batch: batch, employeeID: 1, sourceRow: nil)
        }
        let stored = try #require(try original.allClients().first)

        // Each field has a cell of its own in the export.
        let ruleSet = try RuleEngine(ruleSet: "remonline", searchPath: builtIn).ruleSet
        let layout = try TemplateLayout(ruleSet: ruleSet, language: "fr", catalog: try original.store.catalog())
        let cells = layout.cells(for: stored)
        for field in ClientField.all {
            let column = try #require(ruleSet.columns.firstIndex { $0.key == field.key })
            #expect(cells[column] != .empty, "the export leaves \(field.key) out")
        }

        for name in ["export.xlsx", "export.csv"] {
            let export = try original.export(name)
            let parsed = try ImportFixture()
            try parsed.store.addMarketingSources(["Google"])
            try parsed.store.addPriceTypes(["Détail"])
            let report = try parsed.run(export)
            #expect(report.status == .imported, "\(report.errors)")
            let back = try #require(try parsed.allClients().first)
            #expect(back.hasSameFields(as: stored), "\(name): \(stored) became \(back)")
            #expect(back.balance == stored.balance)
        }
    }

    @Test func everyFieldIsAJSONKeyInTheRegistrysOrder() throws {
        let client = Self.clientWithEveryField()
        guard case .object(let members) = client.json else { Issue.record("not an object"); return }
        #expect(members.map(\.0) == ClientField.all.map(\.apiName) + ["custom_fields"])
        for (field, (_, value)) in zip(ClientField.all, members) {
            #expect(value != .null, "\(field.apiName) is null for a client that sets it")
            #expect(value == client.json(of: field))
        }
    }

    /// docs/openapi.yaml's `Client` schema names every field the JSON has, and only those.
    @Test func theOpenAPISchemaOfAClientHasEveryField() throws {
        let yaml = try String(contentsOfFile: "\(repositoryRoot)/docs/openapi.yaml", encoding: .utf8)
        let schema = try #require(yaml.components(separatedBy: "\n    Client:\n").dropFirst().first)
        let properties = schema.components(separatedBy: "\n    ImportReport:").first ?? ""
        let names = properties.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("        "), !line.hasPrefix("         "), let colon = line.firstIndex(of: ":") else { return nil }
            return String(line[..<colon]).trimmingCharacters(in: .whitespaces)
        }
        #expect(names == ClientField.all.map(\.apiName) + ["custom_fields"])
    }

    /// The JSON of a client, byte for byte: the CLI's `clients --format json` and the server's
    /// API write it, and API clients read these names and formats.
    @Test func theJSONOfAClientIsPinned() {
        var client = Self.clientWithEveryField()
        client.customFields = ["Appareil": "iPhone \"13\""]
        #expect(client.json.rendered == #"""
            {"id":7,"name":"name value","last_name":"last_name value","phone":["33612345678","33145678901"],\#
            "email":"email@example.fr","address":"address value","juridical":true,"supplier":true,"conflicted":true,\#
            "notes":"notes value","ad_campaign":"Google","discount_code":"discount_card value","discount_goods":12.5,\#
            "discount_services":12.5,"discount_materials":12.5,"price_sales":"Détail","price_orders":"Détail",\#
            "balance":-1234.5678,"custom_fields":{"Appareil":"iPhone \"13\""}}
            """#)
        let empty = Client(id: 1, name: "Jean")
        #expect(empty.json.rendered == #"""
            {"id":1,"name":"Jean","last_name":"","phone":[],"email":"","address":"","juridical":false,"supplier":false,\#
            "conflicted":false,"notes":"","ad_campaign":"","discount_code":"","discount_goods":null,"discount_services":null,\#
            "discount_materials":null,"price_sales":"","price_orders":"","balance":0,"custom_fields":{}}
            """#)
    }

    /// The export row of a client, cell by cell: a yes-no field is the rule set's yes word, a
    /// phone list one cell, amounts numbers.
    @Test func theExportRowOfAClientIsPinned() throws {
        let ruleSet = try RuleEngine(ruleSet: "remonline", searchPath: builtIn).ruleSet
        let layout = try TemplateLayout(ruleSet: ruleSet, language: "fr", catalog: Catalog())
        let number = { (literal: String) in Cell.number(NumberCell(literal: literal)) }
        let expected: [Cell] = [
            number("7"), .text("name value"), .text("33612345678, 33145678901"), .text("address value"), .text("email@example.fr"),
            .text("last_name value"), .text("Oui"), .text("Oui"), .text("Oui"), .text("notes value"), .text("Google"),
            .text("discount_card value"), number("12.5"), number("12.5"), number("12.5"), .text("Détail"), .text("Détail"),
            number("-1234.5678"),
        ]
        #expect(layout.cells(for: Self.clientWithEveryField()) == expected)
        #expect(layout.cells(for: Self.clientWithEveryField(), includeID: false) == [.empty] + expected.dropFirst())
        #expect(layout.cells(for: Client(id: 3, name: "Jean")) == [number("3"), .text("Jean")] + Array(repeating: .empty, count: 15) + [number("0")])
    }

    @Test func everyFieldIsInTheLuaReference() {
        let markdown = LuaAPIReference.markdown()
        let stub = LuaAPIReference.luaLSStub()
        let section = markdown.components(separatedBy: "## Client fields").last ?? ""
        for field in ClientField.all {
            let type = field.luaType.replacingOccurrences(of: "|", with: "\\|")
            #expect(section.contains("| `\(field.key)` | `\(type)` | \(field.summary) |"), "docs/lua-api.md lacks \(field.key)")
            #expect(stub.contains("---@field \(field.key)? \(field.luaType) \(field.summary)\n"), "the LuaLS stub lacks \(field.key)")
            #expect(stub.contains("---| \"\(field.key)\" # \(field.summary)\n"), "clientimport.FieldKey lacks \(field.key)")
        }
        #expect(LuaAPIReference.client.names == ClientField.inTemplateOrder.map(\.key) + ["custom"])
    }

    /// A rule set whose columns are the registry's fields, each of its kind, loads; a column of a
    /// stock type whose values its field cannot hold is refused, naming the column and the
    /// types it takes.
    @Test func theDeclarationCheckAcceptsEveryFieldOfItsKindAndRefusesATypeThatCannotFillIt() throws {
        let folder = try TemporaryDirectory()
        func ruleSet(_ name: String, type: (ClientField) -> String) throws -> String {
            let columns = ClientField.inTemplateOrder.map { field in
                "    { key = \"\(field.key)\", type = \"\(type(field))\", headers = { en = \"\(field.label)\" } },"
            }
            return try folder.write("rules/\(name)/ruleset.lua", """
                return {
                  name = "\(name)", languages = { "en" }, balance_comment = { en = "x" }, yes_word = { en = "Yes" },
                  messages = { en = {} },
                  columns = {
                \(columns.joined(separator: "\n"))
                  },
                }
                """)
        }
        let search = SearchPath(roots: [folder.path, repositoryRoot])
        let loaded = try RuleEngine(ruleSet: try ruleSet("kinds", type: \.kind.rawValue), searchPath: search).ruleSet
        #expect(loaded.columns.map(\.key) == ClientField.inTemplateOrder.map(\.key))

        for type in StockType.allCases {
            let file = try ruleSet("all-\(type.rawValue)") { _ in type.rawValue }
            let refused = ClientField.inTemplateOrder.filter { !$0.accepts(type: type.rawValue) }
            guard !refused.isEmpty else {
                #expect(throws: Never.self) { try RuleEngine(ruleSet: file, searchPath: search) }
                continue
            }
            let error = try #require(throws: RuleError.self) { try RuleEngine(ruleSet: file, searchPath: search) }
            for field in ClientField.all {
                let problem = "column '\(field.key)': a '\(type.rawValue)' column cannot fill the field '\(field.key)'"
                #expect(error.message.contains(problem) == !field.accepts(type: type.rawValue), "\(type): \(error.message)")
            }
        }
        // What each kind of field takes.
        #expect(ClientField.named("juridical")?.acceptedTypes == ["yes-no"])
        #expect(ClientField.named("phone")?.acceptedTypes == ["phones"])
        #expect(ClientField.named("discount_goods")?.acceptedTypes == ["percent", "money"])
        #expect(ClientField.named("id")?.acceptedTypes == ["id"])
        #expect(ClientField.named("notes")?.acceptedTypes == ["id", "text", "email", "percent", "money", "marketing-source", "price-type"])
    }

    @Test func aYesNoFieldDeclaredAsTextIsRefusedWithTheTypeToUse() throws {
        let folder = try TemporaryDirectory()
        let file = try folder.write("rules/wrong/ruleset.lua", """
            return {
              name = "wrong", languages = { "en" }, balance_comment = { en = "x" }, yes_word = { en = "Yes" },
              messages = { en = {} },
              columns = {
                { key = "name", type = "text", headers = { en = "Name" } },
                { key = "juridical", type = "text", headers = { en = "Company" } },
              },
            }
            """)
        let error = try #require(throws: RuleError.self) {
            try RuleEngine(ruleSet: file, searchPath: SearchPath(roots: [folder.path, repositoryRoot]))
        }
        #expect(error.file == file)
        #expect(error.message == "column 'juridical': a 'text' column cannot fill the field 'juridical', which holds yes-no values; give it the type 'yes-no'")
    }

    /// The journal keeps earlier states as `Client`'s JSON and `Client` decodes it by hand (missing
    /// keys take defaults): a field left out of that decoder would come back empty on undo.
    @Test func everyFieldSurvivesTheJournalsJSON() throws {
        var client = Self.clientWithEveryField()
        client.customFields = ["Car model": "Lada"]
        let json = try JSONEncoder().encode(client)
        #expect(try JSONDecoder().decode(Client.self, from: json) == client)
    }

    /// A client with a value in every field of the registry, set through the registry itself,
    /// so a new field gets one without editing this test.
    static func clientWithEveryField() -> Client {
        var client = Client(id: 7, name: "")
        for field in ClientField.all {
            switch field.storage {
            case .id: client.id = 7
            case .balance: client.balance = ExactDecimal("-1234.5678")!
            case .phones(let path): client[keyPath: path] = ["33612345678", "33145678901"]
            case .flag(let path): client[keyPath: path] = true
            case .decimal(let path): client[keyPath: path] = ExactDecimal("12.5")
            case .text(let path):
                switch field.kind {
                case .email: client[keyPath: path] = "\(field.key)@example.fr"
                case .marketingSource: client[keyPath: path] = "Google"
                case .priceType: client[keyPath: path] = "Détail"
                default: client[keyPath: path] = "\(field.key) value"
                }
            }
        }
        return client
    }
}
