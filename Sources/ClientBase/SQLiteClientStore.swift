import Foundation

/// The client base in one SQLite file: clients, settings, the balance ledger and the import
/// journal. Every write runs inside `transaction`, so a file is imported whole or not at all.
public final class SQLiteClientStore {
    private(set) var connection: SQLiteConnection
    /// IDs of marketing sources, price types and custom fields by name, a dictionary per table
    /// (indexed by `NamedTable`), looked up once a transaction instead of once a row. Emptied
    /// when a transaction begins and ends, so a rolled-back definition or another process's
    /// change is never seen stale, and a table's when this store inserts into it.
    var nameIDs = [[String: Int64]](repeating: [:], count: NamedTable.allCases.count)

    /// The settings tables whose rows an imported client names.
    enum NamedTable: Int, CaseIterable {
        case marketingSources, priceTypes, customFields

        var sql: String {
            switch self {
            case .marketingSources: "marketing_sources"
            case .priceTypes: "price_types"
            case .customFields: "custom_fields"
            }
        }
    }

    func forgetNameIDs(_ table: NamedTable? = nil) {
        if let table {
            nameIDs[table.rawValue].removeAll()
        } else {
            for index in nameIDs.indices { nameIDs[index].removeAll() }
        }
    }

    /// The last client this transaction wrote a `batch_changes` row for: the importer corrects a
    /// balance right after creating or updating the client, and then the INSERT OR IGNORE would
    /// be ignored. One pair, not a set, so memory stays flat however long the file. Cleared with
    /// `nameIDs`.
    var lastRecordedChange: (batch: Int64, clientID: Int64)?

    /// The client this transaction created last, until its first ledger entry: that entry is
    /// number 1, with no look-up of the client's last one. Cleared with `nameIDs`.
    var clientWithoutLedgerEntries: Int64?

    /// The run of consecutive client IDs this transaction created last, not yet written to
    /// `batch_created_clients`: written when a creation does not extend it and before COMMIT,
    /// so a 100,000-client import writes one row, not 100,000.
    var pendingCreatedRun: CreatedRun?

    /// While an import into a base without clients defers its look-ups
    /// (`beginDeferredLookups`): the first client it created and its batch, from which
    /// `endDeferredLookups` builds the phone lookup (nil until one is). Cleared with `nameIDs`.
    var deferredLookups: DeferredLookups?

    struct DeferredLookups {
        var firstCreated: (clientID: Int64, batch: Int64)?
    }

    struct CreatedRun {
        let batch: Int64
        let firstClientID: Int64
        var lastClientID: Int64
    }

    /// The employee (with a role that may adjust balances) that every new base starts with.
    public static let administratorName = ClientStores.administratorName

    /// `PRAGMA cache_size` (negative: KiB) of an import, and while its look-ups are deferred:
    /// then only append-order B-trees are written (`clients`, the ledger, the journal), whose
    /// rightmost pages are all an insert touches.
    static let pageCacheKiB = -14336
    static let deferredPageCacheKiB = -1024
    /// While the deferred look-ups are built: the sorter's runs are as big as the cache, and the
    /// caller has let go of its key tables by then.
    static let buildPageCacheKiB = -8192

    /// The file this base lives in.
    public var path: String { connection.path }

    /// The longest busy timeout `init` accepts: a day.
    public static let maximumBusyTimeoutSeconds: Double = 86_400

    /// Opens or creates the base at `path` and brings its schema up to date. A base whose
    /// schema is newer than this build's is refused (`StoreError.Kind.newerSchema`) before
    /// anything is written to it.
    ///
    /// - Parameter busyTimeoutSeconds: how long to wait for another process's import to finish
    ///   before failing with `StoreError.Kind.busy`: 0 to `maximumBusyTimeoutSeconds`.
    /// - Parameter readOnly: open an existing base for reading only (export, lists, history):
    ///   a read-only file or folder works, and a missing base is an error (`cannotOpen`)
    ///   instead of a new one. A base made by an older build is opened for writing all the
    ///   same, to bring its schema up to date.
    public init(path: String, busyTimeoutSeconds: Double = 10, readOnly: Bool = false) throws {
        // Checked before the conversion: `Int32(.infinity)` or `Int32(1e10)` traps.
        guard busyTimeoutSeconds >= 0, busyTimeoutSeconds <= Self.maximumBusyTimeoutSeconds else {
            throw StoreError(.invalid, "the busy timeout must be 0 to \(Int(Self.maximumBusyTimeoutSeconds)) seconds, not \(busyTimeoutSeconds)")
        }
        let milliseconds = Int32((busyTimeoutSeconds * 1000).rounded())
        connection = try SQLiteConnection(path: path, busyTimeoutMilliseconds: milliseconds, readOnly: readOnly)
        // Before anything else: even `journal_mode = WAL` writes the file's header.
        try refuseUnknownSchemaVersion()
        if readOnly, try storedSchemaVersion() < Schema.migrations.count {
            connection = try SQLiteConnection(path: path, busyTimeoutMilliseconds: milliseconds)
        }
        try connection.execute("PRAGMA foreign_keys = ON")
        if !connection.isReadOnly { try connection.switchToWAL(busyTimeoutMilliseconds: milliseconds) }
        try connection.execute("PRAGMA synchronous = NORMAL")
        // An import is one transaction. With SQLite's default 2 MiB page cache, a 100,000-row import
        // spilled dirty pages to the WAL and read them back (75,000 writes and 57,000 reads); the
        // randomly ordered phone and email indexes fit in 8 MiB (36,000 and 18,000). At a million
        // rows 16 MiB took the import 33.5 s -> 30-31.8 s (system time 7.6 -> 5.2 s) for 9 MiB more
        // peak RSS; 32 and 64 MiB gave no more, and 64 MiB would double the peak, which should stay
        // flat. Memory-mapping the file gave nothing: until the commit, the pages are in the WAL.
        // 14 MiB since the 1M-row XLSX import (shared-string offsets, the reader's caches, the
        // duplicate-probe filter) peaked at 100.9 MiB against its 100 MiB budget: 98.3 MiB now.
        try connection.execute("PRAGMA cache_size = \(Self.pageCacheKiB)")
        try migrate()
    }

    /// The schema version this build writes: how many migrations it knows.
    public static var schemaVersion: Int { Schema.migrations.count }

    /// The base's schema version (`PRAGMA user_version`: how many migrations have run).
    private func storedSchemaVersion() throws -> Int {
        let statement = try connection.statement("PRAGMA user_version")
        defer { statement.reset() }
        _ = try statement.step()
        return Int(statement.int(0))
    }

    /// A newer build's base may have tables, columns or rules this build does not know: writing
    /// it (a client without a newer NOT NULL column, a batch undo ignores) could corrupt it for
    /// that build. Refused before any write, and the connection closes without a checkpoint so
    /// the file and its WAL stay byte for byte as they were. A negative version is no build's:
    /// migrating from it would rerun every migration over existing tables.
    private func refuseUnknownSchemaVersion() throws {
        let version = try storedSchemaVersion()
        guard version < 0 || version > Self.schemaVersion else { return }
        connection.keepWALOnClose()
        if version < 0 {
            throw StoreError(.corrupt, "\(path) has schema version \(version), which no clientimport writes: it is not a client base this program can use. Nothing was changed")
        }
        throw StoreError(.newerSchema, "the client base \(path) has schema version \(version), newer than this build of clientimport knows (version \(Self.schemaVersion)): it was written by a newer clientimport; use that one (or a newer one), or choose another base with --db. Nothing was changed")
    }

    private func migrate() throws {
        guard try storedSchemaVersion() < Schema.migrations.count else { return }
        try transaction {
            // Read again under the write lock: two processes opening a new base both saw version
            // 0, and the second to get the lock ran the migrations again ("table marketing_sources
            // already exists", exit 74), as often as 26 times in 40 for two `history` at once.
            let version = try storedSchemaVersion()
            guard version < Schema.migrations.count else {
                if version > Self.schemaVersion { try refuseUnknownSchemaVersion() }
                return
            }
            for (index, migration) in Schema.migrations.enumerated() where index >= version {
                try connection.execute(migration)
            }
            try connection.execute("PRAGMA user_version = \(Schema.migrations.count)")
        }
    }

    /// Copies the write-ahead log into the base file and empties it, so that the file alone holds
    /// the whole base (a new base is built under another name and then moved into place).
    public func checkpointIntoFile() throws {
        try connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    }

    /// SQLite's own check of the file: `["ok"]` when the base is sound, else what is wrong.
    public func integrityCheck() throws -> [String] {
        let statement = try connection.statement("PRAGMA integrity_check")
        var lines: [String] = []
        while try statement.step() { lines.append(statement.text(0)) }
        return lines
    }

    /// Runs `body` in one write transaction (`BEGIN IMMEDIATE`, so a second writer waits for the
    /// first). A thrown error, or `commit: false` (a dry run), rolls everything back.
    public func transaction<T>(commit: Bool = true, _ body: () throws -> T) throws -> T {
        connection.resetStatements()
        forgetNameIDs()
        lastRecordedChange = nil
        pendingCreatedRun = nil
        clientWithoutLedgerEntries = nil
        deferredLookups = nil
        defer {
            forgetNameIDs()
            lastRecordedChange = nil
            pendingCreatedRun = nil
            clientWithoutLedgerEntries = nil
            if deferredLookups != nil {
                // Rolled back: the index is back, and so must the import's page cache be.
                deferredLookups = nil
                try? connection.execute("PRAGMA cache_size = \(Self.pageCacheKiB)")
            }
        }
        try connection.execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try writePendingCreatedRun()
            // Never commit without the look-ups (a rollback restores them by itself).
            if commit { try endDeferredLookups() }
            connection.resetStatements()
            try connection.execute(commit ? "COMMIT" : "ROLLBACK")
            return result
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
    }

    /// The current time as `2026-12-01T03:40:00Z`, for the journal and the ledger. Built with
    /// `gmtime_r`: Foundation's `ISO8601DateFormatter` crashed when tests ran in parallel.
    static func now() -> String {
        var seconds = time(nil)
        // One ledger entry a row on big imports: format once a second, not once a row.
        let cache = nowCache
        cache.lock.lock()
        defer { cache.lock.unlock() }
        if cache.seconds != seconds {
            cache.text = format(seconds: &seconds)
            cache.seconds = seconds
        }
        return cache.text
    }

    private final class NowCache: @unchecked Sendable {
        let lock = NSLock()
        var seconds: time_t = -1
        var text = ""
    }

    private static let nowCache = NowCache()

    private static func format(seconds: inout time_t) -> String {
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }
}
