import ClientBase
import Foundation
import Importer

/// How `clientimport serve` runs: where it listens, which base it serves and its limits.
public struct ServerSettings: Sendable {
    public var host = "127.0.0.1"
    /// 0 lets the system choose a free port (tests and the load script); the port in use is
    /// what `ClientServer.run` reports once it listens.
    public var port = 8080
    /// The client base (`--db`).
    public var base: BaseLocation
    /// The folder that holds the private `.clientimport-uploads` folder (uploads waiting in the
    /// Import page, scratch files of exports): the SQLite base's own folder; for a server's
    /// base, the folder `serve` started in.
    public var filesFolder: String
    /// Largest upload accepted, in bytes (the whole multipart body).
    public var maxUploadBytes = 50 << 20
    /// How long an import waits for another one into the same base before a 409.
    public var busyTimeoutSeconds = 10.0
    public var ruleSet = "remonline"
    public var searchPath = SearchPath.standard()
    /// Mark cookies `Secure` (when a TLS proxy sits in front).
    public var secureCookies = false
    /// How long a sign-in lasts.
    public var sessionSeconds: Int64 = 8 * 3600
    /// Failed sign-ins allowed per employee name within `signInWindowSeconds`.
    public var signInAttempts = 5
    public var signInWindowSeconds: Int64 = 15 * 60
    /// Clients per page of the list.
    public var pageSize = 50

    public init(base: BaseLocation) {
        self.base = base
        filesFolder = base.sqlitePath.map { URL(fileURLWithPath: $0).deletingLastPathComponent().path }
            ?? FileManager.default.currentDirectoryPath
    }

    /// A SQLite base at `databasePath`.
    public init(databasePath: String) {
        self.init(base: .sqlite(path: databasePath))
    }
}
