import ArgumentParser
import ClientBase
import Foundation
import Importer
import Workbook

struct PluginsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugins", abstract: "Migration plugins: Lua files that map another system's export onto the template.",
        subcommands: [List.self, Test.self, New.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the plugins on the search path ($CLIENTIMPORT_PATH, then built-in).")
        @OptionGroup var rules: RulesOption

        func run() throws {
            try reportingFailures {
                let engine = try rules.load()
                for plugin in try engine.allPlugins() {
                    let reads = plugin.extensions.isEmpty ? "" : " (reads .\(plugin.extensions.joined(separator: ", .")))"
                    print(TerminalText.line([plugin.name, plugin.title + reads, plugin.file]))
                }
            }
        }
    }

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check plugins against their sample exports (examples/<name>.* in a root of the search path): detect recognises it, every row maps without errors.",
            discussion: "The sample is imported into a scratch base that is removed afterwards. With --db (or $CLIENTIMPORT_DB) the scratch base gets that base's custom fields, marketing sources and price types, which is read and never changed; without, it gets those the sample names (custom fields as text).")
        @OptionGroup var rules: RulesOption
        @Option(name: .long, help: ArgumentHelp("Check against this base's custom fields, marketing sources and price types (default: $CLIENTIMPORT_DB, else what the sample needs).", valueName: "PATH"))
        var db: String?
        @Argument(help: "A plugin name or path (default: every plugin).") var plugin: String?

        func run() throws {
            try reportingFailures {
                let searchPath = SearchPath.standard()
                let names = plugin.map { [$0] } ?? searchPath.pluginNames()
                let basePath = db ?? ProcessInfo.processInfo.environment["CLIENTIMPORT_DB"].flatMap { $0.isEmpty ? nil : $0 }
                let catalog = try basePath.map { path -> Catalog in
                    var options = BaseOptions()
                    options.db = path
                    return try options.openForReading().catalog()
                }
                var failed = 0
                for name in names {
                    let check = try PluginCheck.run(name, searchPath: searchPath, ruleSet: rules.ruleSet, catalog: catalog)
                    let added = [("custom fields", check.prepared.customFields.map(\.name)), ("marketing sources", check.prepared.marketingSources),
                                 ("price types", check.prepared.priceTypes)].filter { !$0.1.isEmpty }
                    if !added.isEmpty {
                        print(TerminalText.escape("     \(check.plugin): scratch base given " + added.map { "\($0.0) \($0.1.joined(separator: ", "))" }.joined(separator: "; ")))
                    }
                    let counts = check.report.map { "\($0.counts.rows) rows: \($0.counts.created) clients, \($0.skipped) skipped, \($0.warnings.count) warnings" } ?? ""
                    let confidence = check.confidence.map { ", detect \(Int($0 * 100))%" } ?? ""
                    if let failure = check.failure {
                        failed += 1
                        print("FAIL " + escapingLines("\(check.plugin): \(failure)"))
                    } else {
                        print("ok   \(check.plugin): \(counts)\(confidence)")
                    }
                }
                print("\(names.count - failed) passed, \(failed) failed")
                if failed > 0 { throw ExitCode(Exit.rejected) }
            }
        }
    }

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a starting plugin for an unknown export, from its headers and sample values.")
        @OptionGroup var rules: RulesOption
        @Argument(help: "The new plugin's name (letters, digits, - and _).") var name: String
        @Option(help: ArgumentHelp("A sample export (.csv or .xlsx).", valueName: "FILE")) var from: String
        @Option(name: .shortAndLong, help: ArgumentHelp("Where to write it (default: plugins/NAME.lua in the current folder).", valueName: "FILE.lua"))
        var output: String?
        @Flag(help: "Also write a .luarc.json into the plugin's folder (kept when one exists), so a Lua language server completes the API.")
        var luarc = false

        func validate() throws {
            guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
                throw ValidationError("a plugin name holds letters, digits, - and _ only")
            }
        }

        func run() throws {
            try reportingFailures {
                let generator = try PluginGenerator(name: name, source: from, ruleSet: try rules.load().ruleSet)
                let path = output ?? "plugins/\(name).lua"
                let folder = (path as NSString).deletingLastPathComponent
                if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
                guard !FileManager.default.fileExists(atPath: path) else {
                    throw ImportError("\(path) exists already; choose another name or -o")
                }
                try AtomicFile.write(generator.luaSource.utf8, to: path)
                print("Wrote \(TerminalText.escape(path)): \(generator.mappedCount) of \(generator.columnCount) columns mapped, \(generator.columnCount - generator.mappedCount) left as TODOs.")
                if luarc {
                    let config = (folder.isEmpty ? "." : folder) + "/.luarc.json"
                    if FileManager.default.fileExists(atPath: config) {
                        print("Kept \(TerminalText.escape(config)), which exists already.")
                    } else {
                        try AtomicFile.write(PluginGenerator.languageServerConfig(searchPath: SearchPath.standard()).utf8, to: config)
                        print("Wrote \(TerminalText.escape(config)): open the folder in an editor with a Lua language server for completion.")
                    }
                }
                print(TerminalText.escape("Try it: clientimport import \(from) --plugin \(path) --dry-run"))
                // `plugins test` finds a plugin's sample in examples/ beside the plugins/ folder it is in.
                let root = ((folder.isEmpty ? "." : folder) as NSString).deletingLastPathComponent
                let sample = "\(root.isEmpty ? "." : root)/examples/\(name).\((from as NSString).pathExtension.isEmpty ? "csv" : (from as NSString).pathExtension)"
                print(TerminalText.escape("Test it: copy the export to \(sample), then CLIENTIMPORT_PATH=\(root.isEmpty ? "." : root) clientimport plugins test \(name)"))
            }
        }
    }
}
