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
    /// Whether the schema may still hold no base: the next write transaction creates it first.
    var baseMayBeMissing = false

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
    /// Whether a write transaction (holding the base's lock) is running.
    var writing = false
    /// New clients not sent yet (`PostgresClientStore+Pending.swift`), and the phones and
    /// emails the duplicate probes are answered from, with how many probes were made.
    var pending = PostgresPendingClients()
    var contacts = PostgresContactIndex()
    var probes = 0

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
    /// - Parameter readOnly: for a command that only reads: a schema that holds no base is an
    ///   error (`cannotOpen`, saying how to create one), and nothing is created.
    /// - Parameter createIfMissing: with `readOnly` false, whether a missing base is created
    ///   now (false: the error `readOnly` gives).
    /// - Throws: `StoreError` — `cannotOpen` when the server cannot be reached or refuses the
    ///   user, password or database (the message never holds the password).
    public convenience init(url: String, busyTimeoutSeconds: Double = 10, readOnly: Bool = false, createIfMissing: Bool = true) throws {
        try self.init(location: PostgresLocation(url: url), busyTimeoutSeconds: busyTimeoutSeconds,
                      missing: readOnly || !createIfMissing ? .refuse : .createNow)
    }

    /// What to do when the schema holds no base yet.
    enum Missing {
        /// `cannotOpen`, with how to create one.
        case refuse
        /// Create it now, in a transaction of its own.
        case createNow
        /// Create it in the first write transaction, so it appears only if that one commits.
        case createInFirstTransaction
    }

    init(location: PostgresLocation, busyTimeoutSeconds: Double, missing: Missing) throws {
        guard busyTimeoutSeconds >= 0, busyTimeoutSeconds <= SQLiteClientStore.maximumBusyTimeoutSeconds else {
            throw StoreError(.invalid, "the busy timeout must be 0 to \(Int(SQLiteClientStore.maximumBusyTimeoutSeconds)) seconds, not \(busyTimeoutSeconds)")
        }
        self.busyTimeoutSeconds = busyTimeoutSeconds
        connection = try PostgresConnection(location: location)
        let version = try storedSchemaVersion()
        try refuseUnknown(version)
        if version != 0 && version < Self.schemaVersion {
            // An older base is upgraded at once, in a transaction of its own (as SQLite's is).
            baseMayBeMissing = true
            try transaction {}
            return
        }
        guard version == 0 else { return }
        guard missing != .refuse else {
            throw StoreError(.cannotOpen, """
                there is no client base in schema \(schema) of \(location.redacted) (a command that only reads never creates one); \
                check --db or $CLIENTIMPORT_DB, or create a base by importing into it: clientimport import FILE --db '\(location.redacted)'
                """)
        }
        baseMayBeMissing = true
        if missing == .createNow { try transaction {} }
    }

    /// Whether a schema-stamped base is at `url`; `nil` when the server cannot say (it cannot
    /// be reached), for `open` to report.
    static func baseExists(url: String) -> Bool? {
        guard let location = try? PostgresLocation(url: url),
              let connection = try? PostgresConnection(location: location),
              let version = try? storedSchemaVersion(connection) else { return nil }
        return version != 0
    }

    /// The base's schema version; 0 when the schema holds no base yet.
    private func storedSchemaVersion() throws -> Int { try Self.storedSchemaVersion(connection) }

    private static func storedSchemaVersion(_ connection: PostgresConnection) throws -> Int {
        let schema = connection.location.schema
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
        if version != 0 && version != Self.schemaVersion && PostgresSchema.upgrades[version] == nil {
            throw StoreError(.corrupt, "\(base) has schema version \(version), which no clientimport writes on PostgreSQL: it is not a client base this program can use. Nothing was changed")
        }
    }

    /// Creates the schema and the base's tables when they are still missing: called first in
    /// a write transaction, under the base's lock, so two processes creating one new base take
    /// turns and the second finds it made. Rolled back with the transaction that made it.
    private func createBaseIfMissing() throws {
        let version = try storedSchemaVersion()
        try refuseUnknown(version)
        if version != 0 {
            // `refuseUnknown` let through only versions with a step up to this build's.
            for step in version..<Self.schemaVersion {
                guard let upgrade = PostgresSchema.upgrades[step] else { break }
                try connection.execute(upgrade)
            }
        } else {
            try connection.createSchema()
            try connection.execute(PostgresSchema.create)
        }
    }

    /// Runs `body` in one transaction holding the base's advisory lock. A thrown error, or
    /// `commit: false` (a dry run), rolls everything back. A call inside another runs in it.
    public func transaction<T>(commit: Bool = true, _ body: () throws -> T) throws -> T {
        if connection.inTransaction { return try body() }
        forgetTransactionState()
        defer { forgetTransactionState() }
        let result = try connection.transaction(commit: commit, busyTimeoutSeconds: busyTimeoutSeconds) {
            if baseMayBeMissing { try createBaseIfMissing() }
            writing = true
            let result = try body()
            try flushPendingClients()
            try writePendingCreatedRun()
            return result
        }
        if commit { baseMayBeMissing = false }
        return result
    }

    private func forgetTransactionState() {
        forgetNameIDs()
        nextIDs.removeAll()
        lastRecordedChange = nil
        pendingCreatedRun = nil
        clientWithoutLedgerEntries = nil
        writing = false
        pending = PostgresPendingClients()
        contacts = PostgresContactIndex()
        probes = 0
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
