import ArgumentParser
import Foundation
import Server

/// `clientimport serve`: the Clients page and the HTTP API over one base.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the Clients page and the HTTP API (docs/openapi.yaml) over the client base.",
        discussion: """
            Employees sign in with the password `clientimport employees password NAME` sets; API calls send \
            `Authorization: Bearer TOKEN` (`clientimport employees token NAME`). SIGINT or SIGTERM stop the server \
            once the requests in flight are answered: an import under way commits or rolls back whole.
            """)

    @OptionGroup var base: BaseOptions

    @Option(help: "The address to listen on (127.0.0.1: this machine only).") var host = "127.0.0.1"
    @Option(help: "The port to listen on (0: any free port).") var port = 8080
    @Option(help: ArgumentHelp("Largest upload, in MiB.", valueName: "MiB")) var maxUpload = 50
    @Option(name: .customLong("rules"), help: ArgumentHelp("Rule set name on the search path, or a path to one.", valueName: "NAME|PATH"))
    var ruleSet = "remonline"
    @Flag(help: "Mark the session cookie Secure (when a TLS proxy serves the pages over HTTPS).") var secureCookies = false
    @Option(help: ArgumentHelp(
        "The folder whose private .clientimport-uploads keeps uploads waiting in the Import page (default: the SQLite base's "
            + "folder; for a PostgreSQL base, the folder serve starts in). Several serve processes over one base give one shared "
            + "folder, so that a file checked through one can be imported through another.",
        valueName: "FOLDER")) var filesFolder: String?

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port takes a number from 0 to 65535") }
        guard (1...4_096).contains(maxUpload) else { throw ValidationError("--max-upload takes a number of MiB from 1 to 4096") }
        if let filesFolder {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: filesFolder, isDirectory: &isFolder), isFolder.boolValue else {
                throw ValidationError("--files-folder \(filesFolder): there is no such folder; create it first (mkdir), or give a folder that exists")
            }
        }
    }

    func run() throws {
        var settings = ServerSettings(base: base.location)
        settings.host = host
        settings.port = port
        settings.maxUploadBytes = maxUpload << 20
        settings.ruleSet = ruleSet
        settings.secureCookies = secureCookies
        if let filesFolder { settings.filesFolder = URL(fileURLWithPath: filesFolder).standardizedFileURL.path }
        settings.busyTimeoutSeconds = ProcessInfo.processInfo.environment["CLIENTIMPORT_BUSY_TIMEOUT"].flatMap(Double.init) ?? 10
        let server: ClientServer
        do {
            server = try ClientServer(settings: settings)
        } catch let error as ServerError {
            printError("clientimport: \(error.description)")
            throw ExitCode(Exit.usage)
        } catch {
            try reportingFailures { throw error }
            return
        }
        // The command line is synchronous; the server runs on Swift's concurrency pool while
        // this thread waits for it to stop (SIGINT/SIGTERM end it gracefully).
        let outcome = ServeOutcome()
        let stopped = DispatchSemaphore(value: 0)
        Task {
            do {
                try await server.run { host, port in
                    // Written at once, not buffered: scripts wait for this line to know the port.
                    FileHandle.standardOutput.write(Data("Listening on http://\(host):\(port)\n".utf8))
                }
            } catch {
                outcome.error = error
            }
            stopped.signal()
        }
        stopped.wait()
        if let error = outcome.error {
            printError("clientimport: the server stopped: \(error)")
            throw ExitCode(Exit.storage)
        }
    }
}

/// How the server's task ended, read once it has signalled.
private final class ServeOutcome: @unchecked Sendable {
    var error: (any Error)?
}
