import Foundation

/// Where the command line and the server get a base: the one place that maps a `BaseLocation`
/// to a backend, so no caller names an implementation.
extension ClientStores {
    /// The longest busy timeout a store accepts: a day.
    public static let maximumBusyTimeoutSeconds: Double = SQLiteClientStore.maximumBusyTimeoutSeconds

    /// Opens the base at `location` and brings its schema up to date.
    ///
    /// - Parameter busyTimeoutSeconds: how long to wait for another process's import before
    ///   `StoreError.Kind.busy`: 0 to `maximumBusyTimeoutSeconds`.
    /// - Parameter readOnly: for a command that only reads: a read-only base works, and a
    ///   missing one is an error (`cannotOpen`) rather than a new empty base.
    /// - Parameter createIfMissing: with `readOnly` false, whether a missing base is created
    ///   (false: the same error as `readOnly` gives, for `undo`, which has nothing to undo in a
    ///   new base).
    public static func open(_ location: BaseLocation, busyTimeoutSeconds: Double = 10, readOnly: Bool = false,
                            createIfMissing: Bool = true) throws -> any ClientBaseStore {
        switch location {
        case .sqlite(let path):
            let missing = path != ":memory:" && !FileManager.default.fileExists(atPath: path)
            return try SQLiteClientStore(path: path, busyTimeoutSeconds: busyTimeoutSeconds,
                                         readOnly: readOnly || (missing && !createIfMissing))
        case .postgres(let url):
            return try PostgresClientStore(url: url, busyTimeoutSeconds: busyTimeoutSeconds, readOnly: readOnly,
                                           createIfMissing: createIfMissing)
        }
    }

    /// Whether a base is at `location` already: a SQLite file; on PostgreSQL, a schema stamped
    /// with a schema version. A server that cannot be reached counts as there, so that `open`
    /// reports why it cannot be (a dry run would otherwise check against an empty base).
    public static func exists(_ location: BaseLocation) -> Bool {
        switch location {
        case .sqlite(let path): FileManager.default.fileExists(atPath: path)
        case .postgres(let url): PostgresClientStore.baseExists(url: url) ?? true
        }
    }

    /// How a base that does not exist yet at `location` is created by `work`: a SQLite file is
    /// built beside its path and moved into place when the work succeeds; a server's base is
    /// created in the work's own transaction.
    public static func newBase(at location: BaseLocation, for work: PendingWork, busyTimeoutSeconds: Double = 10) -> any PendingBase {
        switch location {
        case .sqlite(let path): PendingSQLiteBase(creating: path, for: work)
        case .postgres(let url): PendingPostgresBase(url: url, busyTimeoutSeconds: busyTimeoutSeconds)
        }
    }

    /// An empty base in memory that nothing keeps: what a dry run into a base that does not
    /// exist checks against, and the settings a template without a base shows.
    public static func inMemory() throws -> any ClientBaseStore {
        try SQLiteClientStore(path: ":memory:")
    }

    /// Copies the whole base `source` into `target`, which must be new (see
    /// `BaseCopying.restore`): all of it in one transaction of the target, or nothing.
    @discardableResult
    public static func copy(from source: any ClientBaseStore, to target: any ClientBaseStore) throws -> BaseCopyCounts {
        var counts = BaseCopyCounts()
        try target.restore { write in
            try source.forEachRecord { record in
                switch record {
                case .client: counts.clients += 1
                case .batch: counts.batches += 1
                case .ledgerEntry: counts.ledgerEntries += 1
                case .settings, .change, .createdClients: break
                }
                try write(record)
            }
        }
        return counts
    }
}

/// What a copy moved, for its summary: clients (also those an undo removed), journal entries
/// and ledger entries.
public struct BaseCopyCounts: Sendable, Equatable {
    public var clients = 0
    public var batches = 0
    public var ledgerEntries = 0

    public init(clients: Int = 0, batches: Int = 0, ledgerEntries: Int = 0) {
        self.clients = clients; self.batches = batches; self.ledgerEntries = ledgerEntries
    }
}
