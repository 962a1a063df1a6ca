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

    @Argument(help: "The file to convert, or - for standard input.") var file: String

    @Option(help: ArgumentHelp("How the layout is read: auto, template, or a plugin name or path.", valueName: "auto|template|NAME|PATH"))
    var plugin: String = "auto"

    @Option(parsing: .unconditional, help: ArgumentHelp("Most clients per output file, 1 to 1048575 (RemOnline accepts 5000).", valueName: "N"))
    var rowsPerFile = "5000"

    @Flag(help: "Also keep the columns the plugin did not map, as custom fields.") var keepUnmappedAsCustomFields = false

    @Option(name: .shortAndLong, help: ArgumentHelp("The output file; parts are numbered when there are several; - writes the one part to standard output.", valueName: "OUT.xlsx|-"))
    var output: String

    @Option(help: "Output format: text or json.") var format: OutputFormat = .text

    @OptionGroup var csv: CSVStyleOptions

    @Flag(help: "No progress bar on standard error when it is a terminal.") var quiet = false

    func validate() throws {
        _ = try clientsPerFile()
        let lowercased = output.lowercased()
        guard lowercased.hasSuffix(".xlsx") || lowercased.hasSuffix(".csv") || output == StandardStreams.dash else {
            throw ValidationError("-o must name an .xlsx file (to upload to RemOnline) or a .csv file, or be - for an XLSX workbook on standard output")
        }
        if csv.given, !lowercased.hasSuffix(".csv") {
            throw ValidationError("--delimiter, --decimal-comma and --sep-line apply to CSV output (-o FILE.csv)")
        }
        if output == StandardStreams.dash, format == .json {
            throw ValidationError("--format json prints on standard output, which -o - takes for the workbook; write the workbook to a file")
        }
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
            let progress = ProgressDisplay(enabled: !quiet)
            options.progress = { progress.show($0) }
            defer { progress.finish() }
            base.protectFromOutputs()
            let catalog = base.exists ? try base.openForReading().catalog() : nil
            var converter = Converter(options: options, language: language.language, rowsPerFile: try clientsPerFile())
            converter.csv = try csv.style(language: language.language)
            let (report, parts) = try StandardStreams.writingOutput(output, as: "converted.xlsx", binary: true) { path in
                let (report, parts) = try StandardStreams.readingInput(file) { try converter.convert($0, to: path, settingsFrom: catalog) }
                // Standard output takes one workbook: more parts fail here, before any is copied.
                if output == StandardStreams.dash, parts.count > 1 {
                    throw ImportError("-o - writes one workbook, and these \(report.counts.rows) clients make \(parts.count) of --rows-per-file \(rowsPerFile); write them to files with -o OUT.xlsx")
                }
                return (report, parts)
            }
            progress.finish()
            switch format {
            case .json:
                let rejected = "Rejected \(TerminalText.escape(report.file)): \(report.errors.count + report.omittedErrors) errors; nothing was written."
                let document = JSONText.object([
                    ("check", report.json),
                    ("parts", .array(parts.map { .object([("file", .string($0.path)), ("clients", .number(String($0.clients)))]) })),
                ])
                if report.status == .rejected { printError("clientimport: " + rejected) }
                print((report.status == .rejected ? FailureReport.adding(to: document, code: Exit.rejected, message: rejected) : document).rendered)
            case .text:
                // With -o -, standard output is the workbook's: the summary goes to standard error.
                let say = { StandardStreams.printSummary($0, outputPath: output) }
                if let plugin = report.plugin { say(TerminalText.escape("Read with plugin \(plugin): \(report.pluginChoice ?? "").")) }
                if report.status == .rejected {
                    say("Rejected \(TerminalText.escape(report.file)): \(report.errors.count + report.omittedErrors) errors; nothing was written.")
                    for issue in report.errors.prefix(20) { say("  " + TerminalText.escape(issue.description)) }
                } else {
                    for part in parts {
                        say("Wrote \(counted(part.clients, "client", "clients")) to \(output == StandardStreams.dash ? "standard output" : TerminalText.escape(part.path)).")
                    }
                }
            }
            if report.status == .rejected { throw ExitCode(Exit.rejected) }
        }
    }
}
