import ArgumentParser
import ClientBase
import Foundation
import Importer
import Workbook

/// `--db`, shared by every command that opens the client base.
struct BaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The SQLite file of the client base (default: $CLIENTIMPORT_DB, else clients.sqlite).", valueName: "PATH"))
    var db: String?

    var path: String {
        db ?? Self.defaultPath
    }

    /// The base without --db: $CLIENTIMPORT_DB, else clients.sqlite.
    static var defaultPath: String {
        ProcessInfo.processInfo.environment["CLIENTIMPORT_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? "clients.sqlite"
    }

    func open() throws -> SQLiteClientStore {
        try open(readOnly: false)
    }

    /// Opens the base for a command that only reads it: a read-only base works, a missing one
    /// is an error (exit 74) rather than a new empty base.
    func openForReading() throws -> SQLiteClientStore {
        try open(readOnly: true)
    }

    private func open(readOnly: Bool) throws -> SQLiteClientStore {
        let timeout = ProcessInfo.processInfo.environment["CLIENTIMPORT_BUSY_TIMEOUT"].flatMap(Double.init) ?? 10
        protectFromOutputs()
        return try SQLiteClientStore(path: path, busyTimeoutSeconds: timeout, readOnly: readOnly)
    }

    /// No output file of this run may replace the base or the files SQLite keeps beside it.
    func protectFromOutputs() {
        OutputTarget.protectBase(path)
    }
}

/// `--format text|json`.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// Template languages, as `--lang`.
struct LanguageOption: ParsableArguments {
    @Option(name: .customLong("lang"), help: "Template language: fr, en, ru or uk.")
    var language = "fr"
}

/// `--rules NAME|PATH`.
struct RulesOption: ParsableArguments {
    @Option(name: .customLong("rules"), help: ArgumentHelp("Rule set name on the search path, or a path to one.", valueName: "NAME|PATH"))
    var ruleSet = "remonline"

    func load() throws -> RuleEngine {
        try RuleEngine(ruleSet: ruleSet, searchPath: .standard())
    }
}

/// Prints to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// `--encoding`, for CSV files whose encoding detection guesses wrong.
struct EncodingOption: ParsableArguments {
    @Option(help: ArgumentHelp("Text encoding of a CSV file: utf-8, utf-16le, utf-16be, windows-1251 or windows-1252 (default: detected).", valueName: "NAME"))
    var encoding: String?

    func validate() throws {
        if let encoding, TextEncoding(name: encoding) == nil {
            throw ValidationError("--encoding must be utf-8, utf-16le, utf-16be, windows-1251 or windows-1252")
        }
    }

    var csvOptions: CSVOptions { CSVOptions(encoding: encoding.flatMap(TextEncoding.init(name:))) }
}
