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
        printError("clientimport: \(error.description)")
        throw ExitCode(Exit.unreadableInput)
    } catch let error as RuleError {
        printError("clientimport: rule error: \(error.description)")
        throw ExitCode(Exit.invalidRules)
    } catch let error as LuaError {
        printError("clientimport: rule error: \(error.description)")
        throw ExitCode(Exit.invalidRules)
    } catch let error as ImportError {
        printError("clientimport: \(error.description)")
        throw ExitCode(Exit.usage)
    } catch let error as StoreError {
        printError("clientimport: \(error.description)")
        switch error.kind {
        case .busy: throw ExitCode(Exit.busy)
        case .cannotOpen, .corrupt, .sqlite, .newerSchema: throw ExitCode(Exit.storage)
        case .notFound, .conflict, .invalid: throw ExitCode(Exit.rejected)
        }
    }
}
