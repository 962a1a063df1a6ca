import ArgumentParser
import ClientBase
import Foundation
import Importer
import Workbook

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a filled template (XLSX or CSV) into the client base: all rows or none.",
        discussion: """
            Empty Client ID creates a client; an existing ID updates it; an unknown ID creates a new client and warns. \
            Balance is the target balance: the difference is written as one balance correction. Any error rejects \
            the whole file and changes nothing (exit 1); every error is reported.
            """)

    @OptionGroup var base: BaseOptions
    @OptionGroup var rules: RulesOption
    @OptionGroup var encoding: EncodingOption

    @Argument(help: "The file to import (.xlsx or .csv), or - for standard input.")
    var file: String

    @Option(help: ArgumentHelp("How the layout is read: auto (the template, else the most confident plugin), template, or a plugin name or path.", valueName: "auto|template|NAME|PATH"))
    var plugin: String = "auto"

    @Option(name: .customLong("lang"), help: "Language of messages and of the balance comment when a plugin maps the file (default: the language of the file's headers when the plugin tells it and the rule set has it, else English).")
    var language: String?

    @Flag(help: "With a plugin: also keep the columns it did not map, as new text custom fields named after their headers.")
    var keepUnmappedAsCustomFields = false

    @Option(parsing: .unconditional, help: ArgumentHelp("Country code put in front of national phone numbers that start with 0 (33: 06 12… → 336 12…), 1 to 999; by default numbers are kept as written.", valueName: "DIGITS"))
    var phoneCountryCode: String?

    @Option(name: .customLong("as"), help: ArgumentHelp("The importing employee (default: Administrator).", valueName: "EMPLOYEE"))
    var employee: String?

    @Flag(help: "Check everything against the base and report what would change, changing nothing.")
    var dryRun = false

    // `.unconditional`: a value such as `-1` reaches `validate`, which names the range.
    @Option(parsing: .unconditional, help: ArgumentHelp("Most data rows per file: 1 to 1000000000, or 'unlimited' (default: the rule set's, 5000).", valueName: "N|unlimited"))
    var maxRows: String?

    @Option(help: "When a new client shares a phone or email with another: create a second client (RemOnline's way), skip the row, or update that client.")
    var onDuplicate: ImportOptions.DuplicatePolicy = .create

    @Option(parsing: .unconditional, help: ArgumentHelp("Sheet to read: a name or a 1-based number (default: the first visible).", valueName: "NAME|N"))
    var sheet: String?

    @Option(help: ArgumentHelp("Also write the report: .json (the JSON report), .xlsx (your rows with the bad cells highlighted and an Errors column) or .csv (the bad rows with their reasons).", valueName: "FILE.json|FILE.xlsx|FILE.csv"))
    var report: String?

    @Flag(help: "No progress bar on standard error when it is a terminal.")
    var quiet = false

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    func validate() throws {
        if let report, !["json", "xlsx", "csv"].contains((report as NSString).pathExtension.lowercased()) {
            throw ValidationError("--report takes a .json, .xlsx or .csv file")
        }
        _ = try rowLimit()
        _ = try sheet.map(sheetSelector)
        if let phoneCountryCode {
            // A country code is 1 to 3 digits and never starts with 0 (that is the trunk prefix).
            let code = try NumericArgument.integer(phoneCountryCode, of: "--phone-country-code", in: 1...999, or: " (such as 33 or 380)")
            guard String(code) == phoneCountryCode else {
                throw ValidationError("--phone-country-code takes a country code from 1 to 999 without leading zeros (such as 33 or 380), not \"\(phoneCountryCode)\"")
            }
        }
    }

    /// The most rows `--max-rows` accepts (past it, 'unlimited').
    static let maximumRowLimit: Int64 = 1_000_000_000

    private func rowLimit() throws -> ImportOptions.RowLimit {
        guard let maxRows else { return .ruleSet }
        if maxRows == "unlimited" { return .unlimited }
        return .rows(Int(try NumericArgument.integer(maxRows, of: "--max-rows", in: 1...Self.maximumRowLimit, or: ", or 'unlimited'")))
    }

    func run() throws {
        try reportingFailures {
            try StandardStreams.readingInput(file) { try run(reading: $0) }
        }
    }

    /// The import of `file`: the file named, or standard input's private copy.
    private func run(reading file: String) throws {
        var options = ImportOptions()
        options.ruleSet = rules.ruleSet
        options.csv = encoding.csvOptions
        options.employee = employee
        options.dryRun = dryRun
        options.rowLimit = try rowLimit()
        options.onDuplicate = onDuplicate
        options.plugin = switch plugin {
        case "auto": .auto
        case "template": .templateOnly
        default: .named(plugin)
        }
        options.language = language
        options.rules = RuleOptions(phoneCountryCode: phoneCountryCode, keepUnmappedAsCustomFields: keepUnmappedAsCustomFields)
        if let sheet { options.sheet = try sheetSelector(sheet) }
        let progress = ProgressDisplay(enabled: !quiet)
        options.progress = { progress.show($0) }
        defer { progress.finish() }
        if let report {
            // Refused before the base is opened (or created) and changed, not after.
            base.protectFromOutputs()
            OutputTarget.protect(file, as: "the file being imported", whileItExists: true)
            try OutputTarget.check(report)
        }
        // The rule set, the plugin and the file's headers are checked before the base is
        // opened: one that fails must not leave a new, empty base behind. A dry run never
        // creates one (it checks against an empty base in memory).
        let existing = base.exists ? try base.open() : nil
        let newBase = { try ClientStores.inMemory() }
        let prepared = try ImportPipeline.prepare(path: file, catalog: try (existing ?? newBase()).catalog(), options: options)
        let result: ImportReport
        if let store = try existing ?? (prepared.finishedReport != nil || dryRun ? newBase() : nil) {
            result = try ImportPipeline(store: store, options: options).run(prepared)
        } else {
            // No base yet: it appears only if this import commits.
            let pending = try base.newBase(for: .import)
            defer { pending.discard() }
            result = try pending.build { try ImportPipeline(store: $0, options: options).run(prepared) }
            if result.status != .rejected { try pending.install() }
        }
        progress.finish()  // before the summary, not after it
        if let report {
            try ReportWriter.write(result, to: report, source: file, sheet: options.sheet)
        }
        switch format {
        case .json where result.status == .rejected:
            printError("clientimport: " + rejection(result))
            print(FailureReport.adding(to: result.json, code: Exit.rejected, message: rejection(result)).rendered)
        case .json: print(result.json.rendered)
        case .text: print(summary(result))
        }
        if result.status == .rejected { throw ExitCode(Exit.rejected) }
    }

    /// A readable summary: counts, then the first errors and warnings with a count of the rest.
    private func summary(_ report: ImportReport) -> String {
        let counts = report.counts
        var lines: [String] = []
        let tally = "\(counts.rows) row\(counts.rows == 1 ? "" : "s"): \(counts.created) created, \(counts.updated) updated, \(counts.unchanged) unchanged"
            + (report.skipped > 0 ? ", \(report.skipped) skipped" : "")
            + ", \(counts.balanceCorrections) balance correction\(counts.balanceCorrections == 1 ? "" : "s")"
        if let plugin = report.plugin {
            lines.append(TerminalText.escape("Read with plugin \(plugin): \(report.pluginChoice ?? "")."))
        }
        switch report.status {
        case .imported:
            lines.append("Imported \(TerminalText.escape(report.file)) into \(TerminalText.escape(base.location.description)) as batch \(report.batch ?? 0) (rule set \(report.ruleSet), language \(report.language ?? "?")).")
            lines.append(tally + ".")
        case .checked:
            lines.append("Checked \(TerminalText.escape(report.file)): no errors; nothing was changed (dry run).")
            lines.append("An import would give \(tally).")
        case .rejected:
            lines.append(rejection(report))
        }
        lines += listing("Errors", report.errors, extra: report.omittedErrors)
        lines += listing("Warnings", report.warnings, extra: report.omittedWarnings)
        return lines.joined(separator: "\n")
    }

    /// `Rejected FILE: N errors; nothing was changed.`
    private func rejection(_ report: ImportReport) -> String {
        let total = report.errors.count + report.omittedErrors
        return "Rejected \(TerminalText.escape(report.file)): \(total) error\(total == 1 ? "" : "s"); nothing was changed."
    }

    private func listing(_ title: String, _ issues: [ImportIssue], extra: Int) -> [String] {
        guard !issues.isEmpty else { return [] }
        let shown = 20
        var lines = ["\(title):"] + issues.prefix(shown).map { "  " + TerminalText.escape($0.description) }
        let rest = issues.count - min(shown, issues.count) + extra
        if rest > 0 { lines.append("  … and \(rest) more (see them all with --format json or --report FILE.json)") }
        return lines
    }
}

extension ImportOptions.DuplicatePolicy: ExpressibleByArgument {}
