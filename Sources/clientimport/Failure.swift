import ArgumentParser
import ClientBase
import Foundation
import Importer
import LuaBridge
import Workbook

/// The exit codes of the design: each kind of failure has its own.
enum Exit {
    static let rejected: Int32 = 1
    static let usage: Int32 = 64
    static let unreadableInput: Int32 = 65
    static let cannotCreate: Int32 = 73
    static let storage: Int32 = 74
    static let busy: Int32 = 75
    static let invalidRules: Int32 = 78

    /// The `error` of the JSON failure object for an exit code.
    static func name(_ code: Int32) -> String {
        switch code {
        case rejected: "rejected"
        case usage: "usage"
        case unreadableInput: "unreadable_input"
        case cannotCreate: "cannot_create"
        case storage: "storage"
        case busy: "busy"
        case invalidRules: "invalid_rules"
        default: "failed"
        }
    }
}

/// Runs a command body, turning our errors into a message on standard error and the exit code
/// that names their kind.
func reportingFailures(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let exit as ExitCode {
        throw exit
    } catch {
        // Anything else (argument-parser's own errors) is reported by `main` as before.
        guard let (code, message) = failure(error) else { throw error }
        printError(message)
        FailureReport.recorded = (code, message)
        throw ExitCode(code)
    }
}

/// The exit code and the message for one of our errors.
private func failure(_ error: Error) -> (Int32, String)? {
    switch error {
    case let error as WorkbookError:
        // A file that cannot be written is not bad input (EX_CANTCREAT, as sysexits.h has it).
        return (error.kind == .writeFailed ? Exit.cannotCreate : Exit.unreadableInput,
                "clientimport: \(TerminalText.escape(error.description))")
    case let error as RuleError:
        return (Exit.invalidRules, "clientimport: rule error: \(escapingLines(error.description))")
    case let error as LuaError:
        return (Exit.invalidRules, "clientimport: rule error: \(escapingLines(error.description))")
    case let error as ImportError:
        return (Exit.usage, "clientimport: \(escapingLines(error.description))")
    case let error as StoreError:
        let code = switch error.kind {
        case .busy: Exit.busy
        case .cannotOpen, .corrupt, .sqlite, .newerSchema: Exit.storage
        case .notFound, .conflict, .invalid: Exit.rejected
        // --db names a backend this build lacks: the command line chose it.
        case .unsupported: Exit.usage
        // `copy --to` a base that exists: an output that cannot be created.
        case .notEmpty: Exit.cannotCreate
        }
        return (code, "clientimport: \(TerminalText.escape(error.description))")
    default:
        return nil
    }
}

/// `--format json` for failures: one JSON object on standard output — `error` (the kind, named
/// after the exit code), `message` and `exit_code` — while the text goes to standard error as
/// without it, so a script reads one document whatever happened.
enum FailureReport {
    /// The failure `reportingFailures` reported, for `main` to print as JSON. The command line
    /// runs one command on one thread.
    nonisolated(unsafe) static var recorded: (code: Int32, message: String)?

    /// Whether the command line asks for JSON (`--format json` or `--format=json` before `--`).
    static func jsonRequested(by arguments: [String]) -> Bool {
        for (index, word) in arguments.enumerated() {
            if word == "--" { return false }
            if word == "--format=json" || (word == "--format" && arguments.dropFirst(index + 1).first == "json") { return true }
        }
        return false
    }

    /// The object for a failure.
    static func json(code: Int32, message: String) -> JSONText {
        var text = message
        if text.hasPrefix("clientimport: ") { text.removeFirst("clientimport: ".count) }
        return .object([("error", .string(Exit.name(code))), ("message", .string(text)), ("exit_code", .number(String(code)))])
    }

    static func printJSON(code: Int32, message: String) {
        print(json(code: code, message: message).rendered)
    }

    /// After a command failed: the failure as JSON when asked for, unless the command already
    /// printed its own JSON document for it (a rejected import's report carries these fields).
    static func printJSONIfRequested(for error: Error, arguments: [String]) {
        let code = ClientImport.exitCode(for: error).rawValue
        guard code != 0, jsonRequested(by: arguments) else { return }
        if let recorded {
            printJSON(code: recorded.code, message: recorded.message)
        } else if !(error is ExitCode) {
            printJSON(code: code, message: ClientImport.message(for: error))
        }
    }

    /// A report that is itself the JSON output of a failing command (a rejected file), with the
    /// failure fields added so it reads like every other failure.
    static func adding(to report: JSONText, code: Int32, message: String) -> JSONText {
        guard case .object(let fields) = report, case .object(let failure) = json(code: code, message: message) else { return report }
        return .object(failure + fields)
    }
}

/// A message whose line breaks are its structure (a Lua traceback, one line per problem): each
/// line escaped on its own. Messages of one line (`WorkbookError`, `StoreError`) are escaped
/// whole, so a line break in a file name shows as `\u{A}`.
func escapingLines(_ text: String) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false).map { TerminalText.escape(String($0)) }.joined(separator: "\n")
}
