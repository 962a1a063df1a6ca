import ArgumentParser
import ClientBase
import Foundation
import Importer

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "history", abstract: "List the import journal: every batch and undo.")
    @OptionGroup var base: BaseOptions
    @Option(help: "Output format: text or json.") var format: OutputFormat = .text

    func run() throws {
        try reportingFailures {
            let batches = try base.openForReading().history()
            switch format {
            case .json: print(JSONText.array(batches.map(\.json)).rendered)
            case .text:
                for batch in batches {
                    let c = batch.counts
                    let what = batch.kind == .undo
                        ? "undo of batch \(batch.undoesBatch ?? 0): \(c.rows) clients restored or removed, \(c.balanceCorrections) balance corrections reversed"
                        : "\(TerminalText.escape(batch.fileName)) [\(batch.state.rawValue)] \(c.rows) rows: \(c.created) created, \(c.updated) updated, \(c.unchanged) unchanged, \(c.balanceCorrections) balance corrections"
                    print("\(batch.id)\t\(TerminalText.escape(batch.startedAt))\t\(TerminalText.escape(batch.employee ?? "-"))\t\(what)")
                }
            }
        }
    }
}

struct UndoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "undo",
        abstract: "Undo an import batch: restore updated clients, remove created ones, reverse balance corrections.")
    @OptionGroup var base: BaseOptions
    @OptionGroup var rules: RulesOption
    @OptionGroup var language: LanguageOption
    @Argument(help: ArgumentHelp("The batch number (see `clientimport history`).", valueName: "batch")) var batchText: String
    private var batch: Int64 { get throws { try positiveID(batchText, of: "the batch number") } }

    func validate() throws { _ = try batch }
    @Option(name: .customLong("as"), help: ArgumentHelp("The employee undoing it (default: Administrator).", valueName: "EMPLOYEE"))
    var employee: String?
    @Flag(help: "Check and count what the undo would do, changing nothing.") var dryRun = false
    @Flag(help: "Do not ask for confirmation (asked only when standard input and standard error are a terminal).") var yes = false

    func run() throws {
        try reportingFailures {
            // No batch to undo in a base that does not exist: exit 74 as the read-only
            // commands give, rather than a new empty base and "there is no batch".
            let store = try base.open(createIfMissing: false)
            let batch = try batch
            let name = employee ?? ClientStores.administratorName
            guard let who = try store.catalog().employee(named: name) else {
                throw ImportError("there is no employee \"\(name)\"; `clientimport employees list` shows them")
            }
            let ruleSet = try rules.load().ruleSet
            let comment = (ruleSet.undoComment[language.language] ?? ruleSet.undoComment["en"] ?? "Undo of import batch {batch}")
                .replacingOccurrences(of: "{batch}", with: String(batch))
            // The dry run first, also before asking: a batch that cannot be undone is refused
            // before the question, and the question states what will change.
            let (_, counts) = try store.undo(batch: batch, employeeID: who.id, comment: comment, commit: false)
            let effect = "\(counts.rows) client\(counts.rows == 1 ? "" : "s") restored or removed, \(counts.balanceCorrections) balance correction\(counts.balanceCorrections == 1 ? "" : "s") reversed"
            if dryRun {
                print("Undoing batch \(batch) would give: \(effect); nothing was changed (dry run).")
                return
            }
            if !yes, isatty(STDIN_FILENO) == 1, isatty(STDERR_FILENO) == 1 {
                FileHandle.standardError.write(Data("Undo batch \(batch) (\(effect))? [y/N] ".utf8))
                let answer = (readLine() ?? "").trimmingCharacters(in: .whitespaces).lowercased()
                guard answer == "y" || answer == "yes" else {
                    printError("Nothing was undone.")
                    throw ExitCode(Exit.rejected)
                }
            }
            let (undoID, _) = try store.undo(batch: batch, employeeID: who.id, comment: comment, commit: true)
            print("Undid batch \(batch) (journal entry \(undoID)): \(effect).")
        }
    }
}
