import ArgumentParser
import Importer

struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules", abstract: "Rule sets: the template's columns and validation, in Lua.",
        subcommands: [List.self, Check.self, Test.self, Reference.self])

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

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run Lua unit tests (*_test.lua files) in the sandbox rules and plugins run in (exit 1 when one fails).",
            discussion: "Without PATH: the *_test.lua files under rules/ and plugins/ of every root of the search path (the built-in helpers' own tests in rules/lib/tests/ among them). A test file returns a table of functions; a function fails by raising an error (require(\"lib.tests.check\") gives assertions).")
        @Argument(help: "A *_test.lua file or a folder to search (default: the search path).") var path: String?

        func run() throws {
            try reportingFailures {
                let searchPath = SearchPath.standard()
                let files = try path.map { try LuaTests.files(at: $0) } ?? LuaTests.files(on: searchPath)
                guard !files.isEmpty else {
                    throw ImportError("no *_test.lua file found in \(path ?? searchPath.roots.joined(separator: ", ")); a test file's name ends in _test.lua")
                }
                var passed = 0, failed = 0
                for file in files {
                    for result in LuaTests.run(file: file, searchPath: searchPath) {
                        let label = result.name.isEmpty ? file : "\(file): \(result.name)"
                        if let failure = result.failure {
                            failed += 1
                            print("FAIL " + escapingLines("\(label): \(failure)"))
                        } else {
                            passed += 1
                            print("ok   " + TerminalText.escape(label))
                        }
                    }
                }
                print("\(passed) passed, \(failed) failed (\(files.count) files)")
                if failed > 0 { throw ExitCode(Exit.rejected) }
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
