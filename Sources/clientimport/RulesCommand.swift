import ArgumentParser
import Importer

struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules", abstract: "Rule sets: the template's columns and validation, in Lua.",
        subcommands: [List.self, Check.self, Reference.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the rule sets on the search path ($CLIENTIMPORT_PATH, then built-in).")
        func run() throws {
            try reportingFailures {
                let path = SearchPath.standard()
                for name in path.ruleSetNames() {
                    let engine = try RuleEngine(ruleSet: name, searchPath: path)
                    print("\(name)\t\(engine.ruleSet.title)\t\(engine.ruleSet.file)")
                }
            }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Load a rule set and check its declarations (exit 78 when invalid).")
        @Argument(help: "A rule set name or path.") var ruleSet: String
        func run() throws {
            try reportingFailures {
                let engine = try RuleEngine(ruleSet: ruleSet, searchPath: .standard())
                print("\(engine.ruleSet.file): rule set \(engine.ruleSet.name) is valid (\(engine.ruleSet.columns.count) columns, languages \(engine.ruleSet.languages.joined(separator: ", "))).")
            }
        }
    }
}
