import ArgumentParser
import Foundation
import Importer

struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Turn an export from another system (or a big file) into RemOnline template files, checked and split to upload.",
        discussion: """
            Rows are checked exactly as `import` checks them; a file with errors is rejected (exit 1) and nothing is \
            written. The parts have no Client IDs, so RemOnline creates the clients. Marketing sources, price types \
            and custom fields are taken from the base (--db), which is not changed.
            """)

    @OptionGroup var base: BaseOptions
    @OptionGroup var rules: RulesOption
    @OptionGroup var language: LanguageOption
    @OptionGroup var encoding: EncodingOption

    @Argument(help: "The file to convert.") var file: String

    @Option(help: ArgumentHelp("How the layout is read: auto, template, or a plugin name or path.", valueName: "auto|template|NAME|PATH"))
    var plugin: String = "auto"

    @Option(parsing: .unconditional, help: ArgumentHelp("Most clients per output file, 1 to 1048575 (RemOnline accepts 5000).", valueName: "N"))
    var rowsPerFile = "5000"

    @Flag(help: "Also keep the columns the plugin did not map, as custom fields.") var keepUnmappedAsCustomFields = false

    @Option(name: .shortAndLong, help: ArgumentHelp("The output file; parts are numbered when there are several.", valueName: "OUT.xlsx"))
    var output: String

    @Option(help: "Output format: text or json.") var format: OutputFormat = .text

    func validate() throws {
        _ = try clientsPerFile()
        guard output.lowercased().hasSuffix(".xlsx") else { throw ValidationError("-o must name an .xlsx file") }
    }

    /// `--rows-per-file`: an XLSX sheet holds 1,048,576 rows, the header included.
    private func clientsPerFile() throws -> Int {
        Int(try NumericArgument.integer(rowsPerFile, of: "--rows-per-file", in: 1...1_048_575))
    }

    func run() throws {
        try reportingFailures {
            var options = ImportOptions()
            options.ruleSet = rules.ruleSet
            options.csv = encoding.csvOptions
            options.plugin = plugin == "auto" ? .auto : plugin == "template" ? .templateOnly : .named(plugin)
            options.language = language.language
            options.rules.keepUnmappedAsCustomFields = keepUnmappedAsCustomFields
            base.protectFromOutputs()
            let catalog = FileManager.default.fileExists(atPath: base.path) ? try base.openForReading().catalog() : nil
            let converter = Converter(options: options, language: language.language, rowsPerFile: try clientsPerFile())
            let (report, parts) = try converter.convert(file, to: output, settingsFrom: catalog)
            switch format {
            case .json:
                print(JSONText.object([
                    ("check", report.json),
                    ("parts", .array(parts.map { .object([("file", .string($0.path)), ("clients", .number(String($0.clients)))]) })),
                ]).rendered)
            case .text:
                if let plugin = report.plugin { print(TerminalText.escape("Read with plugin \(plugin): \(report.pluginChoice ?? "").")) }
                if report.status == .rejected {
                    print("Rejected \(TerminalText.escape(report.file)): \(report.errors.count + report.omittedErrors) errors; nothing was written.")
                    for issue in report.errors.prefix(20) { print("  " + TerminalText.escape(issue.description)) }
                } else {
                    for part in parts { print("Wrote \(part.clients) clients to \(TerminalText.escape(part.path)).") }
                }
            }
            if report.status == .rejected { throw ExitCode(Exit.rejected) }
        }
    }
}
