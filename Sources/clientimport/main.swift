import ArgumentParser
import Foundation
import Workbook

/// `clientimport`: import, export and manage a repair shop's client base the way RemOnline's
/// client import does, with rules written in Lua.
struct ClientImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clientimport",
        abstract: "Import, export and clean up a repair shop's client base (RemOnline's client template).",
        discussion: """
            Exit codes: 0 done; 1 the file was rejected for errors in its data (nothing changed), the base refused \
            the change or undo was not confirmed; 64 wrong usage; 65 the input is not a readable workbook/CSV; 73 an output file cannot be \
            written (or is the base, the input, a device, a pipe or a folder), or the target of copy is not new; 74 the base cannot be read or written, \
            a command that only reads finds none, or the base was written by a newer clientimport; 75 the base is busy (another import holds it); 78 a rule set or plugin is invalid.
            """,
        version: clientimportVersion,
        subcommands: [
            TemplateCommand.self, ImportCommand.self, ExportCommand.self, ConvertCommand.self, ClientsCommand.self,
            SettingsCommand.self, RolesCommand.self, EmployeesCommand.self, HistoryCommand.self, UndoCommand.self, CopyCommand.self,
            RulesCommand.self, PluginsCommand.self, InspectCommand.self, ServeCommand.self,
        ])
}

// Whatever the command, no output replaces the base a command would use by default, even one
// that takes no --db (`rules reference -o clients.sqlite`); --db adds its own.
if let path = BaseOptions.defaultLocation.sqlitePath { OutputTarget.protectBase(path) }
let typed = Array(CommandLine.arguments.dropFirst())
let arguments: [String]
do {
    arguments = try DashArguments.rewritten(typed)
} catch {
    let message = "clientimport: \(error)"
    if FailureReport.jsonRequested(by: typed) { FailureReport.printJSON(code: Exit.usage, message: message) }
    printError(message)
    exit(Exit.usage)
}
do {
    var command = try ClientImport.parseAsRoot(arguments)
    try command.run()
} catch {
    FailureReport.printJSONIfRequested(for: error, arguments: arguments)
    ClientImport.exit(withError: error)
}
