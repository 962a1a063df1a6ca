import ArgumentParser
import ClientBase
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

    func run() throws {
        try reportingFailures {
            let store = try base.open()
            let batch = try batch
            let name = employee ?? SQLiteClientStore.administratorName
            guard let who = try store.catalog().employee(named: name) else {
                throw ImportError("there is no employee \"\(name)\"; `clientimport employees list` shows them")
            }
            let ruleSet = try rules.load().ruleSet
            let comment = (ruleSet.undoComment[language.language] ?? ruleSet.undoComment["en"] ?? "Undo of import batch {batch}")
                .replacingOccurrences(of: "{batch}", with: String(batch))
            let undoID = try store.undo(batch: batch, employeeID: who.id, comment: comment)
            print("Undid batch \(batch) (journal entry \(undoID)).")
        }
    }
}
