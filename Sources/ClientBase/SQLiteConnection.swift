import CSQLite
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SQLite's memory statistics, switched off once before the first connection opens: they cost
/// a global mutex and two counters on every malloc and free, and nothing reads them. A global
/// `let` is initialised once, thread-safely, on first use.
private let memoryStatisticsOff: Int32 = csqlite_disable_memory_statistics()

/// An owning handle on one SQLite database file. Only `ClientBase` talks SQL.
final class SQLiteConnection {
    private var handle: OpaquePointer?
    let path: String
    private var statementCache: [String: SQLiteStatement] = [:]
    /// The statements an import runs for every row, found by index: looking them up by their
    /// SQL text hashed the whole text on every call.
    private var rowStatements = [SQLiteStatement?](repeating: nil, count: RowStatement.allCases.count)

    /// Whether the connection was opened with `SQLITE_OPEN_READONLY`.
    let isReadOnly: Bool

    /// Opens (creating with mode 0600 when missing: a client base is personal data).
    ///
    /// `readOnly` opens an existing base for reading only and never creates one: a read-only
    /// file works, and a mistyped `--db` is an error rather than a new empty base. A base in WAL
    /// mode whose folder is read-only (SQLite cannot create its `-shm` there) is opened
    /// `immutable=1` when it has no `-wal` file: nothing can be writing it then, since a writer
    /// would need that file.
    init(path: String, busyTimeoutMilliseconds: Int32, readOnly: Bool = false) throws {
        self.path = path
        isReadOnly = readOnly
        if readOnly {
            guard path == ":memory:" || access(path, F_OK) == 0 else {
                throw StoreError(.cannotOpen, """
                    there is no client base at \(path) (a command that only reads never creates one); check --db or \
                    $CLIENTIMPORT_DB, or create a base by importing into it: clientimport import FILE --db \(path)
                    """)
            }
        } else if path != ":memory:" && access(path, F_OK) != 0 {
            let fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0o600)
            if fd < 0 && errno != EEXIST {
                throw StoreError(.cannotOpen, "cannot create the client base \(path): \(String(cString: strerror(errno)))")
            }
            if fd >= 0 { close(fd) }
        }
        _ = memoryStatisticsOff
        // No mutex around each call: `SQLiteClientStore` is not `Sendable`, so one connection is
        // only ever used by one thread at a time, and the locking cost 1% of an import.
        let flags = readOnly ? SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        handle = try Self.openHandle(path, flags: flags, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
        if readOnly && !Self.canRead(handle) && access(path + "-wal", F_OK) != 0 {
            sqlite3_close_v2(handle)
            handle = try Self.openHandle(Self.immutableURI(path), flags: flags | SQLITE_OPEN_URI, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
        }
    }

    private static func openHandle(_ name: String, flags: Int32, busyTimeoutMilliseconds: Int32) throws -> OpaquePointer? {
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(name, &db, flags, nil)
        guard rc == SQLITE_OK else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(db)
            throw StoreError(.cannotOpen, "cannot open the client base \(name): \(message)")
        }
        sqlite3_busy_timeout(db, busyTimeoutMilliseconds)
        sqlite3_extended_result_codes(db, 1)
        return db
    }

    /// Whether the schema can be read: a read-only WAL base fails here when its `-shm` cannot be
    /// created.
    private static func canRead(_ db: OpaquePointer?) -> Bool {
        sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", nil, nil, nil) == SQLITE_OK
    }

    /// `file:` URI of `path` with `immutable=1`; `%`, `?` and `#` in the path are escaped.
    private static func immutableURI(_ path: String) -> String {
        var escaped = ""
        for character in path {
            switch character {
            case "%": escaped += "%25"
            case "?": escaped += "%3F"
            case "#": escaped += "%23"
            default: escaped.append(character)
            }
        }
        return "file:\(escaped)?immutable=1"
    }

    deinit {
        statementCache.removeAll()
        rowStatements.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Leaves the WAL as it is when this connection closes, instead of copying it into the file:
    /// for a base that is refused unread and must stay byte for byte as it was.
    func keepWALOnClose() {
        _ = csqlite_no_checkpoint_on_close(handle)
    }

    /// Runs one or more statements that return no rows.
    func execute(_ sql: String) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        if rc != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) } ?? lastErrorMessage
            sqlite3_free(errorMessage)
            throw error(rc, message)
        }
    }

    /// Switches the file to write-ahead logging. Two connections that have both read a new
    /// file in rollback mode each hold the shared lock the other's switch needs, and SQLite
    /// answers that deadlock with SQLITE_BUSY at once instead of calling the busy handler
    /// (four openers racing on a new base: 13 failures in 8,000). Giving up the turn and asking
    /// again, a millisecond apart and for as long as the busy timeout allows, lets one switch
    /// and the others find WAL already set.
    func switchToWAL(busyTimeoutMilliseconds: Int32) throws {
        let deadline = ContinuousClock.now + .milliseconds(Int(busyTimeoutMilliseconds))
        while true {
            let rc = sqlite3_exec(handle, "PRAGMA journal_mode = WAL", nil, nil, nil)
            if rc == SQLITE_OK { return }
            guard rc & 0xff == SQLITE_BUSY, ContinuousClock.now < deadline else { throw error(rc, lastErrorMessage) }
            usleep(1000)
        }
    }

    /// A prepared statement, reused across calls with the same SQL text.
    func statement(_ sql: String) throws -> SQLiteStatement {
        if let cached = statementCache[sql] {
            cached.reset()
            return cached
        }
        let statement = try prepare(sql)
        statementCache[sql] = statement
        return statement
    }

    /// One of the per-row statements, prepared on first use and reused after.
    func statement(_ key: RowStatement) throws -> SQLiteStatement {
        if let cached = rowStatements[key.rawValue] {
            cached.reset()
            return cached
        }
        let statement = try prepare(key.sql)
        rowStatements[key.rawValue] = statement
        return statement
    }

    private func prepare(_ sql: String) throws -> SQLiteStatement {
        var raw: OpaquePointer?
        let rc = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &raw, nil)
        guard rc == SQLITE_OK, let raw else { throw error(rc, "\(lastErrorMessage) in: \(sql)") }
        return SQLiteStatement(raw, connection: self)
    }

    /// Resets every cached statement. A statement left mid-way holds a read snapshot open, and
    /// a write transaction begun on an old snapshot fails at once with SQLITE_BUSY instead of
    /// waiting for the other writer.
    func resetStatements() {
        for statement in statementCache.values { statement.reset() }
        for case let statement? in rowStatements { statement.reset() }
    }

    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
    var changes: Int { Int(sqlite3_changes(handle)) }
    var lastErrorMessage: String { String(cString: sqlite3_errmsg(handle)) }

    func error(_ code: Int32, _ message: String) -> StoreError {
        let primary = code & 0xff
        if primary == SQLITE_BUSY || primary == SQLITE_LOCKED {
            return StoreError(.busy, "the client base \(path) is busy: another import or export holds it; try again when it has finished")
        }
        if primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB {
            return StoreError(.corrupt, "\(path) is not a readable client base (\(message))")
        }
        if primary == SQLITE_READONLY || primary == SQLITE_CANTOPEN || primary == SQLITE_PERM {
            return StoreError(.cannotOpen, "cannot write the client base \(path): \(message)")
        }
        return StoreError(.sqlite, "\(message) (SQLite error \(code))")
    }
}

/// A prepared statement owned by its connection's cache.
final class SQLiteStatement {
    private let raw: OpaquePointer
    private unowned let connection: SQLiteConnection
    /// The bytes of the text bound to each parameter (index − 1), bound with SQLITE_STATIC
    /// rather than SQLITE_TRANSIENT, which made SQLite malloc a copy per bind and free it at the
    /// next reset. A buffer is only written or freed by the next bind of its parameter (SQLite
    /// lets go of the old value then, without reading it) or after `sqlite3_finalize`, so it
    /// outlives every step that reads it. A Swift string's own bytes could not be bound like
    /// this: `withUTF8` promises them only inside its closure (a short string is copied to
    /// the stack), and the step comes after.
    /// (A fixed block rather than an array: no copy-on-write or exclusivity checks per bind.)
    private let textBuffers: UnsafeMutableBufferPointer<UnsafeMutableRawBufferPointer>

    fileprivate init(_ raw: OpaquePointer, connection: SQLiteConnection) {
        self.raw = raw
        self.connection = connection
        textBuffers = .allocate(capacity: Int(sqlite3_bind_parameter_count(raw)))
        textBuffers.initialize(repeating: UnsafeMutableRawBufferPointer(start: nil, count: 0))
    }

    deinit {
        sqlite3_finalize(raw)
        for buffer in textBuffers { buffer.deallocate() }
        textBuffers.deallocate()
    }

    func reset() {
        sqlite3_reset(raw)
        sqlite3_clear_bindings(raw)
    }

    /// Binds values to `?1`, `?2`, … in order.
    @discardableResult
    func bind(_ values: SQLValue...) -> SQLiteStatement { bind(values) }

    @discardableResult
    func bind(_ values: [SQLValue]) -> SQLiteStatement {
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            switch value {
            case .null: sqlite3_bind_null(raw, index)
            case .integer(let v): sqlite3_bind_int64(raw, index, v)
            case .text(let v): sqlite3_bind_text(raw, index, v, -1, csqlite_transient())
            }
        }
        return self
    }

    // Binding one value at a time: the variadic `bind` builds an array of `SQLValue`s (and
    // retains their strings) for every row of an import.

    @discardableResult
    func bind(_ index: Int32, _ value: Int64) -> SQLiteStatement {
        sqlite3_bind_int64(raw, index, value)
        return self
    }

    @discardableResult
    func bind(_ index: Int32, _ value: Int64?) -> SQLiteStatement {
        if let value { sqlite3_bind_int64(raw, index, value) } else { sqlite3_bind_null(raw, index) }
        return self
    }

    @discardableResult
    func bind(_ index: Int32, _ value: String?) -> SQLiteStatement {
        if let value { return bind(index, value) }
        sqlite3_bind_null(raw, index)
        return self
    }

    @discardableResult
    func bind(_ index: Int32, _ value: Bool) -> SQLiteStatement { bind(index, Int64(value ? 1 : 0)) }

    @discardableResult
    func bind(_ index: Int32, _ value: String) -> SQLiteStatement {
        var value = value
        value.withUTF8 { bytes in
            // A statement mid-step refuses new bindings (SQLITE_MISUSE) and may still read the
            // old one: its buffer is left alone.
            guard index >= 1, Int(index) <= textBuffers.count, sqlite3_stmt_busy(raw) == 0 else {
                bindTransient(index, bytes)
                return
            }
            let buffer = textBuffer(index, byteCount: bytes.count)
            if let source = bytes.baseAddress { buffer.baseAddress!.copyMemory(from: source, byteCount: bytes.count) }
            // Never a null pointer, even for '' (a null pointer binds NULL).
            sqlite3_bind_text(raw, index, buffer.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(bytes.count),
                              csqlite_static())
        }
        return self
    }

    /// The buffer of parameter `index`, at least `byteCount` bytes (and never empty).
    private func textBuffer(_ index: Int32, byteCount: Int) -> UnsafeMutableRawBufferPointer {
        let slot = Int(index) - 1
        if textBuffers[slot].count >= byteCount && textBuffers[slot].baseAddress != nil { return textBuffers[slot] }
        textBuffers[slot].deallocate()
        textBuffers[slot] = .allocate(byteCount: max(byteCount, 32), alignment: 1)
        return textBuffers[slot]
    }

    private func bindTransient(_ index: Int32, _ bytes: UnsafeBufferPointer<UInt8>) {
        // An empty buffer may have no address, and a null pointer would bind NULL, not ''.
        if let base = bytes.baseAddress {
            base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                _ = sqlite3_bind_text(raw, index, $0, Int32(bytes.count), csqlite_transient())
            }
        } else {
            sqlite3_bind_text(raw, index, "", 0, csqlite_transient())
        }
    }

    /// Steps once; `true` when a row is available.
    func step() throws -> Bool {
        let rc = sqlite3_step(raw)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE {
            sqlite3_reset(raw)
            return false
        }
        throw connection.error(rc, connection.lastErrorMessage)
    }

    /// Runs a statement that returns no rows.
    func run() throws {
        while try step() {}
    }

    func int(_ column: Int32) -> Int64 { sqlite3_column_int64(raw, column) }
    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(raw, column) == SQLITE_NULL }
    func optionalInt(_ column: Int32) -> Int64? { isNull(column) ? nil : int(column) }
    func text(_ column: Int32) -> String {
        guard let bytes = sqlite3_column_text(raw, column) else { return "" }
        // The length SQLite knows already, rather than a strlen, and the text whole as it was bound.
        return String(decoding: UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(raw, column))), as: UTF8.self)
    }
    func optionalText(_ column: Int32) -> String? { isNull(column) ? nil : text(column) }
}

/// A value bound into SQL. Money is bound as integer minor units, never as a float.
enum SQLValue {
    case null
    case integer(Int64)
    case text(String)

    static func optional(_ text: String?) -> SQLValue { text.map(SQLValue.text) ?? .null }
    static func optional(_ integer: Int64?) -> SQLValue { integer.map(SQLValue.integer) ?? .null }
    static func flag(_ value: Bool) -> SQLValue { .integer(value ? 1 : 0) }
}
