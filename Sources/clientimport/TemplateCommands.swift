import ArgumentParser
import ClientBase
import Foundation
import Importer

struct TemplateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "template",
        abstract: "Write the import template (XLSX): the rule set's columns, the base's custom fields, an example row.")

    @OptionGroup var base: BaseOptions
    @OptionGroup var rules: RulesOption
    @OptionGroup var language: LanguageOption

    @Option(name: .shortAndLong, help: ArgumentHelp("The template file to write.", valueName: "FILE.xlsx"))
    var output: String

    func run() throws {
        try reportingFailures {
            // Without a base, the template a new base would give, and no base is created.
            base.protectFromOutputs()
            let exists = FileManager.default.fileExists(atPath: base.path)
            let store = exists ? try base.openForReading() : try SQLiteClientStore(path: ":memory:")
            let exporter = TemplateExporter(engine: try rules.load(), catalog: try store.catalog())
            try exporter.writeTemplate(to: output, language: language.language)
            print("Wrote the \(language.language) template to \(TerminalText.escape(output)).")
        }
    }
}

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write every client in the template layout (XLSX or CSV), ready to edit and import back.")

    @OptionGroup var base: BaseOptions
    @OptionGroup var rules: RulesOption
    @OptionGroup var language: LanguageOption

    @Option(name: .shortAndLong, help: ArgumentHelp("The file to write; .csv writes CSV, anything else XLSX.", valueName: "FILE.xlsx|FILE.csv"))
    var output: String

    func run() throws {
        try reportingFailures {
            let store = try base.openForReading()
            let exporter = TemplateExporter(engine: try rules.load(), catalog: try store.catalog())
            let count = try exporter.export(store, to: output, language: language.language)
            print("Exported \(count) client\(count == 1 ? "" : "s") to \(TerminalText.escape(output)).")
        }
    }
}
