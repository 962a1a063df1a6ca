import ArgumentParser
import ClientBase
import Foundation
import Importer

/// `clientimport copy --from SOURCE --to TARGET` (issue 15): a whole base into a new one, on the
/// same backend or another, through `BaseCopying`.
struct CopyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy a whole client base into a new one: clients, settings, employees, the ledger and the journal.",
        discussion: """
            SOURCE and TARGET are each a SQLite file or a postgresql://USER@HOST:PORT/DB?schema=NAME URL, as --db takes. \
            The source is only read. The target must be new: a file that does not exist yet (it appears only when the \
            copy has succeeded) or a base that holds nothing (exit 73 otherwise). Client IDs, batch numbers, balances \
            and their history are kept, so export, history and undo give the same on the copy; passwords and API tokens \
            come along, signed-in sessions and uploads waiting in `serve` do not.
            """)

    @Option(help: ArgumentHelp("The base to copy.", valueName: "PATH|URL")) var from: String
    @Option(help: ArgumentHelp("The new base.", valueName: "PATH|URL")) var to: String

    func validate() throws {
        _ = try BaseOptions().busyTimeoutSeconds()
        if try sameBase() {
            throw ValidationError("--from and --to name the same base; copy it into a new one")
        }
    }

    /// The same SQLite file however it is spelled (device and inode), or the same URL.
    private func sameBase() throws -> Bool {
        switch (BaseLocation(parsing: from), BaseLocation(parsing: to)) {
        case (.sqlite(let a), .sqlite(let b)):
            var first = stat(), second = stat()
            guard stat(a, &first) == 0, stat(b, &second) == 0 else { return a == b }
            return first.st_dev == second.st_dev && first.st_ino == second.st_ino
        case (.postgres(let a), .postgres(let b)):
            return a == b
        default:
            return false
        }
    }

    func run() throws {
        try reportingFailures {
            let source = BaseLocation(parsing: from), target = BaseLocation(parsing: to)
            let timeout = try BaseOptions().busyTimeoutSeconds()
            let sourceStore = try ClientStores.open(source, busyTimeoutSeconds: timeout, readOnly: true)
            let counts: BaseCopyCounts
            if ClientStores.exists(target) {
                counts = try ClientStores.copy(from: sourceStore, to: ClientStores.open(target, busyTimeoutSeconds: timeout))
            } else {
                let pending = ClientStores.newBase(at: target, for: .copy, busyTimeoutSeconds: timeout)
                defer { pending.discard() }
                counts = try pending.build { try ClientStores.copy(from: sourceStore, to: $0) }
                try pending.install()
            }
            print(TerminalText.escape("Copied \(source) to \(target): " + [
                counted(counts.clients, "client", "clients"), counted(counts.batches, "batch", "batches"),
                counted(counts.ledgerEntries, "ledger entry", "ledger entries"),
            ].joined(separator: ", ") + "."))
        }
    }
}
