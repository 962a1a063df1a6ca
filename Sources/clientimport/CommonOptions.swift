import ArgumentParser
import ClientBase
import Foundation
import Importer
import Workbook

/// `--db`, shared by every command that opens the client base. The text becomes a
/// `BaseLocation` (a SQLite path or a PostgreSQL URL) in one place; the base is opened through
/// `ClientStores`, which picks the backend.
struct BaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The client base: a SQLite file, or a PostgreSQL server as postgresql://USER@HOST:PORT/DB?schema=NAME (default: $CLIENTIMPORT_DB, else clients.sqlite).", valueName: "PATH|URL"))
    var db: String?

    /// Where the base is: `--db`, else `$CLIENTIMPORT_DB`, else clients.sqlite.
    var location: BaseLocation {
        BaseLocation(option: db, environment: ProcessInfo.processInfo.environment)
    }

    /// The base without --db: $CLIENTIMPORT_DB, else clients.sqlite.
    static var defaultLocation: BaseLocation {
        BaseLocation(option: nil, environment: ProcessInfo.processInfo.environment)
    }

    /// `$CLIENTIMPORT_BUSY_TIMEOUT`, checked with the options so a bad value is a usage error
    /// before anything runs (`Int32(.infinity)` trapped when the base opened).
    func validate() throws {
        _ = try busyTimeoutSeconds()
    }

    /// Whether the base exists (a SQLite file; a server's base is created by its first write).
    var exists: Bool { ClientStores.exists(location) }

    /// Opens the base for a command that writes it, creating it when missing; with
    /// `createIfMissing` false a missing base is the error `openForReading` gives.
    func open(createIfMissing: Bool = true) throws -> any ClientBaseStore {
        protectFromOutputs()
        return try ClientStores.open(location, busyTimeoutSeconds: busyTimeoutSeconds(), createIfMissing: createIfMissing)
    }

    /// Opens the base for a command that only reads it: a read-only base works, a missing one
    /// is an error (exit 74) rather than a new empty base.
    func openForReading() throws -> any ClientBaseStore {
        protectFromOutputs()
        return try ClientStores.open(location, busyTimeoutSeconds: busyTimeoutSeconds(), readOnly: true)
    }

    /// A base that does not exist yet, which `work` creates (see `PendingBase`).
    func newBase(for work: PendingWork) throws -> any PendingBase {
        protectFromOutputs()
        return ClientStores.newBase(at: location, for: work, busyTimeoutSeconds: try busyTimeoutSeconds())
    }

    /// No output file of this run may replace the base or the files SQLite keeps beside it.
    func protectFromOutputs() {
        if let path = location.sqlitePath { OutputTarget.protectBase(path) }
    }

    /// Seconds to wait for another import: `$CLIENTIMPORT_BUSY_TIMEOUT`, else 10. Set but empty
    /// is a usage error like any other value that is not a number (a script that meant a value).
    func busyTimeoutSeconds() throws -> Double {
        guard let text = ProcessInfo.processInfo.environment["CLIENTIMPORT_BUSY_TIMEOUT"] else { return 10 }
        return try NumericArgument.seconds(text, of: "$CLIENTIMPORT_BUSY_TIMEOUT",
                                           upTo: ClientStores.maximumBusyTimeoutSeconds, unsetMeans: "10")
    }
}

/// Numbers from the command line and the environment, parsed strictly: ASCII digits only (and
/// one point for seconds), so no sign, exponent, `inf`, `nan`, spaces or empty text; a value
/// outside the stated range is a usage error naming the option and the range, never clamped.
/// Nothing goes through a conversion that traps (`Int(someDouble)`, `Int32(huge)`).
enum NumericArgument {
    /// A whole number in `range` (which starts at 0 or more).
    static func integer(_ text: String, of name: String, in range: ClosedRange<Int64>, or alternative: String = "") throws -> Int64 {
        // At most 19 digits, so `Int64(_:)` sees a value it can represent or reports overflow as nil.
        guard !text.isEmpty, text.utf8.count <= 19, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              let value = Int64(text), range.contains(value) else {
            throw ValidationError("\(name) takes a whole number from \(range.lowerBound) to \(range.upperBound)\(alternative), not \(quoted(text))")
        }
        return value
    }

    /// A number of seconds from 0 to `maximum`, such as `10` or `0.5`; `unsetMeans`, for an
    /// environment variable, is the default the message mentions.
    static func seconds(_ text: String, of name: String, upTo maximum: Double, unsetMeans: String? = nil) throws -> Double {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let digitsOnly = parts.allSatisfy { !$0.isEmpty && $0.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
        guard digitsOnly, text.utf8.count <= 20, let value = Double(text), value >= 0, value <= maximum else {
            let unset = unsetMeans.map { " (unset it for the default, \($0))" } ?? ""
            throw ValidationError("\(name) takes a number of seconds from 0 to \(Int(maximum)), such as 10 or 0.5, not \(quoted(text))\(unset)")
        }
        return value
    }

    /// The value as typed, quoted, cut at 40 characters and with control characters escaped.
    private static func quoted(_ text: String) -> String {
        let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
        return "\"" + TerminalText.escape(shown) + "\""
    }
}

/// `--sheet NAME|N`: a number (digits, maybe signed) is a position in the workbook, from 1;
/// anything else a sheet name.
func sheetSelector(_ text: String) throws -> SheetSelector {
    var digits = Substring(text)
    if let first = digits.first, first == "-" || first == "+" { digits = digits.dropFirst() }
    guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return .name(text) }
    return .index(Int(try NumericArgument.integer(text, of: "--sheet", in: 1...Int64(maximumSheets), or: ", or a sheet name")))
}

/// More sheets than any workbook holds (Excel's own limit is the memory available).
let maximumSheets = 10_000

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

/// `--delimiter`, `--decimal-comma` and `--sep-line`: CSV for the user's own Excel. Unset,
/// the delimiter and decimal separator are what Excel writes in the template language
/// (`CSVStyle.excel(language:)`: `;` and `12,5` for fr, ru, uk; `,` and `12.5` otherwise).
struct CSVStyleOptions: ParsableArguments {
    @Option(help: ArgumentHelp("CSV field delimiter: , ; | or tab (default: Excel's in the language: ; for fr, ru, uk, else ,).", valueName: "CHAR"))
    var delimiter: String?

    @Flag(inversion: .prefixedNo, help: "CSV numbers with a decimal comma, 12,5 (default: Excel's in the language: yes for fr, ru, uk).")
    var decimalComma: Bool?

    @Flag(help: "Start CSV files with Excel's sep= line, so Excel splits them on the delimiter whatever the computer's settings.")
    var sepLine = false

    func validate() throws {
        _ = try delimiterByte()
    }

    private func delimiterByte() throws -> UInt8? {
        guard let delimiter else { return nil }
        switch delimiter {
        case ",", ";", "|": return UInt8(ascii: delimiter.unicodeScalars.first!)
        case "tab", "\t": return 0x09
        default: throw ValidationError("--delimiter takes , ; | or tab, not \"\(TerminalText.escape(delimiter))\"")
        }
    }

    /// Whether an option was given, for refusing them with an output that is not CSV.
    var given: Bool { delimiter != nil || decimalComma != nil || sepLine }

    /// The style for a file in `language`.
    func style(language: String) throws -> CSVStyle {
        var style = CSVStyle.excel(language: language)
        if let byte = try delimiterByte() { style.delimiter = byte }
        if let decimalComma { style.decimalComma = decimalComma }
        style.sepLine = sepLine
        return style
    }
}
