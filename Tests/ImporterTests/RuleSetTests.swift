import Importer
import TestSupport
import Testing

@Suite struct RuleSetTests {
    let builtIn = SearchPath(roots: [repositoryRoot])

    @Test func theDefaultRuleSetDeclaresTheSeedsEighteenColumnsInFourLanguages() throws {
        let ruleSet = try RuleEngine(ruleSet: "remonline", searchPath: builtIn).ruleSet
        #expect(ruleSet.columns.map(\.key) == RuleSet.fieldKeys)
        #expect(ruleSet.columns.map { $0.header("fr") } == ImportFixture.frenchHeaders)
        #expect(ruleSet.maxRows == 5000)
        #expect(ruleSet.balanceComment["fr"] == "Correction de solde par importation")
        #expect(ruleSet.balanceComment["en"] == "Balance correction by import")
        #expect(Set(ruleSet.languages) == ["fr", "en", "ru", "uk"])
        #expect(ruleSet.column("name")?.required == true)
    }

    @Test func aDerivedRuleSetReusesTheDefaultWithoutCopyingIt() throws {
        let folder = try TemporaryDirectory()
        try folder.write("rules/myshop/ruleset.lua", """
            local base = require("remonline.ruleset")
            local rules = {}
            for k, v in pairs(base) do rules[k] = v end
            rules.name = "myshop"
            rules.max_rows = 100
            return rules
            """)
        let ruleSet = try RuleEngine(ruleSet: "myshop", searchPath: SearchPath(roots: [folder.path, repositoryRoot])).ruleSet
        #expect(ruleSet.name == "myshop")
        #expect(ruleSet.maxRows == 100)
        #expect(ruleSet.columns.count == 18)
    }

    @Test func aTypoInADeclarationIsReportedInTheAuthorsVocabulary() throws {
        let folder = try TemporaryDirectory()
        let file = try folder.write("rules/typo/ruleset.lua", """
            return {
              name = "typo", languages = { "en" }, balance_comment = { en = "x" }, yes_word = { en = "Yes" },
              columns = {
                { key = "name", type = "text", headers = { en = "Name" } },
                { key = "phone", type = "phnoe", headers = { en = "Phone" } },
              },
            }
            """)
        let error = try #require(throws: RuleError.self) {
            try RuleEngine(ruleSet: file, searchPath: builtInAnd(folder))
        }
        #expect(error.file == file)
        #expect(error.message.contains("column 'phone': unknown type 'phnoe'"))
        #expect(error.message.contains("did you mean 'phones'?"))
    }

    @Test func aSyntaxErrorNamesTheFileAndLine() throws {
        let folder = try TemporaryDirectory()
        let file = try folder.write("rules/broken/ruleset.lua", "return {\n  name = 'broken',\n  columns = {\n}}}\n")
        let error = try #require(throws: RuleError.self) {
            try RuleEngine(ruleSet: file, searchPath: builtInAnd(folder))
        }
        #expect(error.file.hasSuffix("rules/broken/ruleset.lua"))
        #expect(error.line == 4)
    }

    @Test func anUnknownRuleSetListsTheKnownOnes() throws {
        let error = try #require(throws: RuleError.self) { try RuleEngine(ruleSet: "nosuch", searchPath: builtIn) }
        #expect(error.message.contains("known: remonline"))
    }

    private func builtInAnd(_ folder: TemporaryDirectory) -> SearchPath {
        SearchPath(roots: [folder.path, repositoryRoot])
    }
}
