import Foundation

/// The client base in one PostgreSQL schema: the same tables, schema versions and meanings as
/// `SQLiteClientStore`, so importer, exporter and journal behave alike on both. One base per
/// schema (`?schema=` in the URL, default `public`), so many shops share one server.
///
/// Every write transaction holds the base's transaction-scoped advisory lock: imports into
/// one base take turns across processes and machines, and a second writer waits up to the
/// busy timeout, then fails with `StoreError.Kind.busy`. New IDs are the highest so far plus
/// one, as SQLite's rowids are, which that lock makes safe.
public final class PostgresClientStore {
    let connection: PostgresConnection
    let busyTimeoutSeconds: Double

    /// IDs of marketing sources, price types and custom fields by name, looked up once a
    /// transaction instead of once a row; emptied when a transaction begins and ends.
    var nameIDs = [[String: Int64]](repeating: [:], count: SQLiteClientStore.NamedTable.allCases.count)
    /// The next free ID of a table, read once a transaction (under the base's lock).
    var nextIDs: [String: Int64] = [:]
    /// As in `SQLiteClientStore`: the last client this transaction tied to a batch, the client
    /// created last (its first ledger entry needs no probe), the pending run of created IDs.
    var lastRecordedChange: (batch: Int64, clientID: Int64)?
    var clientWithoutLedgerEntries: Int64?
    var pendingCreatedRun: (batch: Int64, firstClientID: Int64, lastClientID: Int64)?

    /// The schema version this build writes, the same number as `SQLiteClientStore.schemaVersion`.
    public static var schemaVersion: Int { PostgresSchema.version }

    /// The schema that holds this base.
    public var schema: String { connection.location.schema }

    /// Connects to the base named by `url` (`postgresql://USER[:PASSWORD]@HOST[:PORT]/DB?schema=NAME`,
    /// or `postgres://`), creating its schema and tables on first use. A base whose schema
    /// version is newer than this build's is refused (`StoreError.Kind.newerSchema`) before
    /// anything is written.
    ///
    /// - Parameter busyTimeoutSeconds: how long a write waits for another process's import of
    ///   the same base before failing with `StoreError.Kind.busy`: 0 to a day, as for SQLite.
    /// - Throws: `StoreError` — `cannotOpen` when the server cannot be reached or refuses the
    ///   user, password or database (the message never holds the password).
    public init(url: String, busyTimeoutSeconds: Double = 10) throws {
        guard busyTimeoutSeconds >= 0, busyTimeoutSeconds <= SQLiteClientStore.maximumBusyTimeoutSeconds else {
            throw StoreError(.invalid, "the busy timeout must be 0 to \(Int(SQLiteClientStore.maximumBusyTimeoutSeconds)) seconds, not \(busyTimeoutSeconds)")
        }
        self.busyTimeoutSeconds = busyTimeoutSeconds
        connection = try PostgresConnection(location: PostgresLocation(url: url))
        try migrate()
    }

    /// The base's schema version; 0 when the schema holds no base yet.
    private func storedSchemaVersion() throws -> Int {
        let table = try connection.query("SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = $2",
                                         [schema, PostgresSchema.versionTable])
        guard table.rowCount > 0 else { return 0 }
        let version = try connection.query("SELECT version FROM \(PostgresSchema.versionTable)")
        guard version.rowCount == 1 else {
            throw StoreError(.corrupt, "the schema \(schema) of \(connection.location.redacted) has a damaged version table (\(version.rowCount) rows): it is not a client base this program can use. Nothing was changed")
        }
        return Int(version.int(0, 0))
    }

    private func refuseUnknown(_ version: Int) throws {
        let base = "the client base in schema \(schema) of \(connection.location.redacted)"
        if version > Self.schemaVersion {
            throw StoreError(.newerSchema, "\(base) has schema version \(version), newer than this build of clientimport knows (version \(Self.schemaVersion)): it was written by a newer clientimport; use that one (or a newer one), or choose another base with --db. Nothing was changed")
        }
        if version != 0 && version != Self.schemaVersion {
            throw StoreError(.corrupt, "\(base) has schema version \(version), which no clientimport writes on PostgreSQL: it is not a client base this program can use. Nothing was changed")
        }
    }

    /// Creates the base's tables on first use. Read again under the base's lock: two processes
    /// opening a new base both see version 0, and the second must not create the tables twice.
    private func migrate() throws {
        let version = try storedSchemaVersion()
        try refuseUnknown(version)
        guard version == 0 else { return }
        try transaction {
            let locked = try storedSchemaVersion()
            try refuseUnknown(locked)
            guard locked == 0 else { return }
            try connection.execute(PostgresSchema.create)
        }
    }

    /// Runs `body` in one transaction holding the base's advisory lock. A thrown error, or
    /// `commit: false` (a dry run), rolls everything back. A call inside another runs in it.
    public func transaction<T>(commit: Bool = true, _ body: () throws -> T) throws -> T {
        if connection.inTransaction { return try body() }
        forgetTransactionState()
        defer { forgetTransactionState() }
        return try connection.transaction(commit: commit, busyTimeoutSeconds: busyTimeoutSeconds) {
            let result = try body()
            try writePendingCreatedRun()
            return result
        }
    }

    private func forgetTransactionState() {
        forgetNameIDs()
        nextIDs.removeAll()
        lastRecordedChange = nil
        pendingCreatedRun = nil
        clientWithoutLedgerEntries = nil
    }

    func forgetNameIDs(_ table: SQLiteClientStore.NamedTable? = nil) {
        if let table {
            nameIDs[table.rawValue].removeAll()
        } else {
            for index in nameIDs.indices { nameIDs[index].removeAll() }
        }
    }

    /// A new row's ID in `table`: one past the highest so far, as SQLite gives a rowid. Call
    /// inside `transaction` (its lock keeps other writers out until the commit).
    func newID(_ table: String) throws -> Int64 {
        let id = try nextIDs[table] ?? connection.query("SELECT COALESCE(MAX(id), 0) + 1 FROM \(table)").int(0, 0)
        nextIDs[table] = id + 1
        return id
    }

    /// Notes that `table` now holds `id`, given by the caller: later new IDs come after it.
    func usedID(_ id: Int64, in table: String) throws {
        let next = try nextIDs[table] ?? connection.query("SELECT COALESCE(MAX(id), 0) + 1 FROM \(table)").int(0, 0)
        nextIDs[table] = max(next, id + 1)
    }
}

extension PostgresClientStore: ClientStore {}
