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
                    print(TerminalText.line([name, engine.ruleSet.title, engine.ruleSet.file]))
                }
            }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load a rule set or a plugin, check its declarations and run its examples (exit 78 when invalid).")
        @Argument(help: "A rule set name or path, or a plugin file (.lua with a map function).") var ruleSet: String
        func run() throws {
            try reportingFailures {
                if ruleSet.hasSuffix(".lua") && !ruleSet.hasSuffix("ruleset.lua") {
                    let plugin = try RuleEngine(ruleSet: "remonline", searchPath: .standard()).plugin(ruleSet)
                    print("\(plugin.file): plugin \(plugin.name) is valid (map\(plugin.detect != nil ? ", detect" : "")\(plugin.read != nil ? ", read" : "")).")
                    return
                }
                let engine = try RuleEngine(ruleSet: ruleSet, searchPath: .standard())
                let problems = try engine.checkExamples()
                guard problems.isEmpty else {
                    throw RuleError(file: engine.ruleSet.file, "its examples fail its own rules: " + problems.joined(separator: "; "))
                }
                print("\(engine.ruleSet.file): rule set \(engine.ruleSet.name) is valid (\(engine.ruleSet.columns.count) columns, languages \(engine.ruleSet.languages.joined(separator: ", ")), examples pass).")
            }
        }
    }
}
