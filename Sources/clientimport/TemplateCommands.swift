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

    @Option(name: .shortAndLong, help: ArgumentHelp("The template file to write, or - for standard output.", valueName: "FILE.xlsx"))
    var output: String

    func run() throws {
        try reportingFailures {
            // Without a base, the template a new base would give, and no base is created.
            base.protectFromOutputs()
            let store = base.exists ? try base.openForReading() : try ClientStores.inMemory()
            let exporter = TemplateExporter(engine: try rules.load(), catalog: try store.catalog())
            try StandardStreams.writingOutput(output, as: "template.xlsx", binary: true) {
                try exporter.writeTemplate(to: $0, language: language.language)
            }
            StandardStreams.printSummary("Wrote the \(language.language) template to \(StandardStreams.shown(output)).", outputPath: output)
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

    @Option(name: .shortAndLong, help: ArgumentHelp("The file to write; .csv writes CSV, anything else XLSX; - writes CSV to standard output.", valueName: "FILE.xlsx|FILE.csv|-"))
    var output: String

    @OptionGroup var csv: CSVStyleOptions

    @Flag(help: "No progress bar on standard error when it is a terminal.") var quiet = false

    /// `-o -` writes CSV.
    private var writesCSV: Bool { output == StandardStreams.dash || output.lowercased().hasSuffix(".csv") }

    func validate() throws {
        if csv.given, !writesCSV { throw ValidationError("--delimiter, --decimal-comma and --sep-line apply to CSV output (-o FILE.csv or -o -)") }
    }

    func run() throws {
        try reportingFailures {
            let style = try csv.style(language: language.language)
            let store = try base.openForReading()
            let exporter = TemplateExporter(engine: try rules.load(), catalog: try store.catalog())
            let progress = ProgressDisplay(enabled: !quiet)
            defer { progress.finish() }
            let count = try StandardStreams.writingOutput(output, as: "clients.csv", binary: false) {
                try exporter.export(store, to: $0, language: language.language, csv: style) { done, total in
                    progress.show(rows: done, fraction: total > 0 ? Double(done) / Double(total) : nil)
                }
            }
            progress.finish()
            StandardStreams.printSummary("Exported \(count) client\(count == 1 ? "" : "s") to \(StandardStreams.shown(output)).", outputPath: output)
        }
    }
}
