import ArgumentParser
import ClientBase
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
}

/// Runs a command body, turning our errors into a message on standard error and the exit code
/// that names their kind.
func reportingFailures(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let exit as ExitCode {
        throw exit
    } catch let error as WorkbookError {
        printError("clientimport: \(TerminalText.escape(error.description))")
        // A file that cannot be written is not bad input (EX_CANTCREAT, as sysexits.h has it).
        throw ExitCode(error.kind == .writeFailed ? Exit.cannotCreate : Exit.unreadableInput)
    } catch let error as RuleError {
        printError("clientimport: rule error: \(escapingLines(error.description))")
        throw ExitCode(Exit.invalidRules)
    } catch let error as LuaError {
        printError("clientimport: rule error: \(escapingLines(error.description))")
        throw ExitCode(Exit.invalidRules)
    } catch let error as ImportError {
        printError("clientimport: \(escapingLines(error.description))")
        throw ExitCode(Exit.usage)
    } catch let error as StoreError {
        printError("clientimport: \(TerminalText.escape(error.description))")
        switch error.kind {
        case .busy: throw ExitCode(Exit.busy)
        case .cannotOpen, .corrupt, .sqlite, .newerSchema: throw ExitCode(Exit.storage)
        case .notFound, .conflict, .invalid: throw ExitCode(Exit.rejected)
        }
    }
}

/// A message whose line breaks are its structure (a Lua traceback, one line per problem): each
/// line escaped on its own. Messages of one line (`WorkbookError`, `StoreError`) are escaped
/// whole, so a line break in a file name shows as `\u{A}`.
func escapingLines(_ text: String) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false).map { TerminalText.escape(String($0)) }.joined(separator: "\n")
}
