import Importer
import TestSupport
import Testing

/// The rule-set loader enforces what the Lua API reference marks required, the `en` message
/// catalog every message falls back to, and the API version; `lib.rules.extend` builds a shop's
/// rule set on RemOnline's without changing it.
@Suite struct DeclarationCheckTests {
    /// A minimal valid rule set, with `extra` fields added and `dropping` fields left out.
    static func ruleSet(_ extra: String = "", dropping: Set<String> = []) -> String {
        let fields = [
            ("name", "name = \"mini\""), ("languages", "languages = { \"en\" }"),
            ("balance_comment", "balance_comment = { en = \"x\" }"), ("yes_word", "yes_word = { en = \"Yes\" }"),
            ("messages", "messages = { en = { required = \"is required\" } }"),
            ("columns", "columns = { { key = \"name\", type = \"text\", headers = { en = \"Name\" } } }"),
        ]
        let kept = fields.filter { !dropping.contains($0.0) }.map(\.1) + (extra.isEmpty ? [] : [extra])
        return "return {\n  " + kept.joined(separator: ",\n  ") + ",\n}\n"
    }

    func load(_ source: String) throws -> RuleEngine {
        let folder = try TemporaryDirectory()
        let file = try folder.write("rules/mini/ruleset.lua", source)
        return try RuleEngine(ruleSet: file, searchPath: SearchPath(roots: [folder.path, repositoryRoot]))
    }

    func refusal(_ source: String) throws -> RuleError {
        try #require(throws: RuleError.self) { _ = try load(source) }
    }

    @Test func theMinimalRuleSetLoads() throws {
        #expect(try load(Self.ruleSet()).ruleSet.messages["en"]?["required"] == "is required")
    }

    @Test(arguments: ["name", "languages", "balance_comment", "yes_word", "messages", "columns"])
    func aFieldTheReferenceMarksRequiredMustBeThere(_ field: String) throws {
        let error = try refusal(Self.ruleSet(dropping: [field]))
        #expect(error.message.contains("`\(field)`"), "\(error.message)")
    }

    @Test func everyRequiredFieldOfTheReferenceIsEnforced() throws {
        // The test above names the fields; this one fails when the reference marks a new one the
        // minimal rule set lacks, so the two lists cannot drift apart.
        let required = LuaAPIReference.ruleSet.entries.filter(\.isRequired).map(\.name)
        #expect(Set(required) == ["name", "languages", "balance_comment", "yes_word", "messages", "columns"])
        let columnRequired = LuaAPIReference.column.entries.filter(\.isRequired).map(\.name)
        for field in columnRequired {
            let source = Self.ruleSet().replacingOccurrences(of: field == "key" ? "key = \"name\", " : field == "type" ? "type = \"text\", " : "headers = { en = \"Name\" } ", with: "")
            let error = try refusal(source)
            #expect(error.message.contains("`\(field)` is required"), "\(field): \(error.message)")
        }
    }

    @Test func messagesNeedAnEnglishCatalog() throws {
        let source = Self.ruleSet("messages = { fr = { required = \"est obligatoire\" } }", dropping: ["messages"])
        let error = try refusal(source)
        #expect(error.message.contains("no `en` catalog"), "\(error.message)")
        let notText = try refusal(Self.ruleSet("messages = { en = { required = 3 } }", dropping: ["messages"]))
        #expect(notText.message.contains("`messages.en.required` must be a string"), "\(notText.message)")
        let notTable = try refusal(Self.ruleSet("messages = \"oops\"", dropping: ["messages"]))
        #expect(notTable.message.contains("`messages` must be a table"), "\(notTable.message)")
    }

    @Test(arguments: [("2", "update clientimport"), ("0", "set it to 1"), ("1.5", "must be an integer"), ("\"1\"", "must be an integer")])
    func anApiVersionThisBuildDoesNotSpeakIsRefused(_ version: String, _ advice: String) throws {
        let error = try refusal(Self.ruleSet("api_version = \(version)"))
        #expect(error.message.contains("api_version"), "\(error.message)")
        #expect(error.message.contains(advice), "\(error.message)")
    }

    @Test func theCurrentApiVersionLoads() throws {
        #expect(try load(Self.ruleSet("api_version = 1")).ruleSet.name == "mini")
    }

    @Test func aShopRuleSetExtendsTheDefaultAndLeavesItAsItIs() throws {
        let folder = try TemporaryDirectory()
        try folder.write("rules/shop/ruleset.lua", """
            local rules = require("lib.rules")
            return rules.extend(require("remonline.ruleset"), {
              name = "shop", max_rows = 100,
              messages = { en = { device_required = "is mandatory" } },
              columns = { phone = { required = true }, notes = false },
            })
            """)
        let searchPath = SearchPath(roots: [folder.path, repositoryRoot])
        let shop = try RuleEngine(ruleSet: "shop", searchPath: searchPath).ruleSet
        #expect(shop.name == "shop")
        #expect(shop.maxRows == 100)
        #expect(shop.column("phone")?.required == true)
        #expect(shop.column("notes") == nil)
        #expect(shop.columns.count == 17)
        #expect(shop.messages["en"]?["device_required"] == "is mandatory")
        #expect(shop.messages["fr"]?["required"] != nil)
        let remonline = try RuleEngine(ruleSet: "remonline", searchPath: searchPath).ruleSet
        #expect(remonline.column("phone")?.required == false)
        #expect(remonline.columns.count == 18)
    }
}
