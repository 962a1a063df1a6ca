import CLibPQ
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One synchronous connection to a PostgreSQL server through libpq, with the base's schema as
/// its search path. Only `ClientBase` talks SQL. Values travel as text (libpq's text format):
/// integers and money as their decimal digits, never as floating point.
///
/// Not `Sendable`: one connection per store, used by one thread at a time, as the store is.
final class PostgresConnection {
    private var handle: OpaquePointer?
    let location: PostgresLocation
    /// The schema as a quoted SQL identifier, for statements that name it.
    let quotedSchema: String
    /// Server-side prepared statements by SQL text: each is parsed and planned once a connection.
    private var prepared: [String: String] = [:]
    /// Whether a transaction is open (`transaction` nests into the outer one).
    private(set) var inTransaction = false

    /// Connects, creates the schema when it is missing and makes it the search path.
    init(location: PostgresLocation) throws {
        self.location = location
        quotedSchema = Self.quoteIdentifier(location.schema)
        try connect()
    }

    deinit { PQfinish(handle) }

    private func connect() throws {
        PQfinish(handle)
        handle = nil
        prepared.removeAll()
        inTransaction = false
        let pairs = location.connectionKeywords
        let keys = pairs.map { strdup($0.0) } + [nil]
        let values = pairs.map { strdup($0.1) } + [nil]
        defer { for pointer in keys + values { free(pointer) } }
        let connection = keys.map { UnsafePointer($0) }.withUnsafeBufferPointer { keyPointers in
            values.map { UnsafePointer($0) }.withUnsafeBufferPointer { valuePointers in
                PQconnectdbParams(keyPointers.baseAddress, valuePointers.baseAddress, 0)
            }
        }
        guard let connection else { throw StoreError(.cannotOpen, "cannot connect to \(location.redacted): out of memory") }
        handle = connection
        guard PQstatus(connection) == CONNECTION_OK else {
            let reason = Self.oneLine(String(cString: PQerrorMessage(connection)))
            PQfinish(connection)
            handle = nil
            throw connectionError(reason)
        }
        try useSchema()
    }

    /// A failed connection as a `cannotOpen` error that says what and how to fix it, never
    /// with the password (libpq does not repeat it; it is removed all the same).
    private func connectionError(_ reason: String) -> StoreError {
        let hint: String
        if reason.contains("password authentication failed") || reason.contains("no password supplied") {
            hint = "check the user name and password in the URL (or in ~/.pgpass)"
        } else if reason.contains("database \""), reason.contains("does not exist") {
            hint = "create the database first (createdb \(location.database ?? "NAME")) or correct its name in the URL"
        } else if reason.contains("role \""), reason.contains("does not exist") {
            hint = "check the user name in the URL"
        } else {
            hint = "check that the PostgreSQL server is running and that the host and port in the URL are right"
        }
        return StoreError(.cannotOpen, "cannot connect to the PostgreSQL base \(location.redacted): \(redact(reason)); \(hint)")
    }

    private func redact(_ text: String) -> String {
        guard let password = location.password, !password.isEmpty else { return text }
        return text.replacingOccurrences(of: password, with: "***")
    }

    /// Puts the base's schema first in the search path. A missing schema is not created here:
    /// a command that only reads must leave the server as it was; the store creates it in the
    /// transaction of the first write (`createSchema`).
    ///
    /// Every statement is planned with its values (`force_custom_plan`): a prepared statement
    /// otherwise switches, after five runs, to one generic plan made while an import's tables
    /// were still small (a new base, or rows this transaction added, which no ANALYZE has
    /// counted), and keeps it — a hash join over every client for each phone looked up, so a
    /// 15,000-row import took 238 s instead of 20 s (a debug build).
    private func useSchema() throws {
        try execute("SET search_path TO \(quotedSchema); SET plan_cache_mode = force_custom_plan")
    }

    /// Creates the base's schema when it is missing (inside the caller's transaction, so a
    /// rolled-back first import leaves no schema behind).
    func createSchema() throws {
        do {
            try execute("CREATE SCHEMA IF NOT EXISTS \(quotedSchema)")
        } catch let error as StoreError {
            throw StoreError(error.kind, "cannot create the schema \(location.schema) in \(location.redacted): \(error.message); create it (CREATE SCHEMA) or grant CREATE on the database")
        }
    }

    /// `name` as a quoted SQL identifier: `"a ""b"""`.
    static func quoteIdentifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A connection the server dropped (a restart, a network cut) is opened again before the
    /// next transaction or read outside one; inside a transaction the loss is an error, since
    /// the server rolled the transaction back.
    private func reconnectIfLost() throws {
        guard PQstatus(handle) != CONNECTION_OK, !inTransaction else { return }
        try connect()
    }

    // MARK: Running SQL

    /// Runs one or more statements without parameters (`PQexec`).
    func execute(_ sql: String) throws {
        guard let result = PQexec(handle, sql) else { throw lostConnection() }
        defer { PQclear(result) }
        try check(result, sql)
    }

    /// Runs a statement with parameters `$1`, `$2`, … (text, `nil` for NULL), prepared once per
    /// SQL text and reused. Text holding a NUL character is refused: PostgreSQL's text cannot
    /// hold one, and libpq would cut the value short at it.
    @discardableResult
    func query(_ sql: String, _ parameters: [String?] = []) throws -> PostgresResult {
        if !inTransaction { try reconnectIfLost() }
        let name = try statementName(sql, parameterCount: parameters.count)
        for parameter in parameters where parameter?.utf8.contains(0) == true {
            throw StoreError(.invalid, "a text with a NUL character (U+0000) cannot be stored in PostgreSQL; remove it from the file and import again")
        }
        let copies = parameters.map { $0.map { strdup($0) } ?? nil }
        defer { for pointer in copies { free(pointer) } }
        let result = copies.map { UnsafePointer($0) }.withUnsafeBufferPointer { values in
            PQexecPrepared(handle, name, Int32(values.count), values.baseAddress, nil, nil, 0)
        }
        guard let result else { throw lostConnection() }
        let wrapped = PostgresResult(result)
        try check(result, sql)
        return wrapped
    }

    private func statementName(_ sql: String, parameterCount: Int) throws -> String {
        if let name = prepared[sql] { return name }
        let name = "clientimport_\(prepared.count + 1)"
        guard let result = PQprepare(handle, name, sql, Int32(parameterCount), nil) else { throw lostConnection() }
        defer { PQclear(result) }
        try check(result, sql)
        prepared[sql] = name
        return name
    }

    private func check(_ result: OpaquePointer, _ sql: String) throws {
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_COPY_IN, PGRES_EMPTY_QUERY: return
        default: throw error(result, sql)
        }
    }

    /// A server error as a `StoreError`: busy for lock and serialisation failures (exit 75),
    /// `cannotOpen` when the connection is gone (exit 74), `invalid` for text the server refuses.
    private func error(_ result: OpaquePointer?, _ sql: String) -> StoreError {
        if PQstatus(handle) != CONNECTION_OK { return lostConnection() }
        let state = result.flatMap { PQresultErrorField($0, Int32(UInt8(ascii: "C"))) }.map { String(cString: $0) } ?? ""
        let primary = result.flatMap { PQresultErrorField($0, Int32(UInt8(ascii: "M"))) }.map { String(cString: $0) }
        let message = redact(primary ?? Self.oneLine(String(cString: PQerrorMessage(handle))))
        switch state {
        case "55P03", "40001", "40P01":
            return busy()
        case _ where state.hasPrefix("08") || state.hasPrefix("57P"):
            return lostConnection()
        case "22021", "22P05":
            return StoreError(.invalid, "PostgreSQL refused a text: \(message)")
        case "42501":
            return StoreError(.cannotOpen, "PostgreSQL refused access to \(location.redacted): \(message); grant the user rights on the schema \(location.schema)")
        default:
            let statement = sql.count > 200 ? String(sql.prefix(200)) + "…" : sql
            return StoreError(.sqlite, "\(message) (PostgreSQL error \(state) in: \(Self.oneLine(statement)))")
        }
    }

    private func busy() -> StoreError {
        StoreError(.busy, "the client base \(location.redacted) is busy: another import holds it; try again when it has finished")
    }

    private func lostConnection() -> StoreError {
        let reason = Self.oneLine(String(cString: PQerrorMessage(handle)))
        return StoreError(.cannotOpen, "the connection to the PostgreSQL base \(location.redacted) was lost (\(redact(reason))); nothing of the unfinished work was kept; check that the server is running and try again")
    }

    private static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// Calls `body` with each row of a query, fetched through a cursor in blocks of 1,000 so
    /// memory stays flat however big the table. Outside a transaction the rows come from one
    /// read-only snapshot. `body` may run other statements on this connection meanwhile.
    func forEachRow(_ sql: String, _ body: (PostgresResult, Int) throws -> Void) throws {
        let own = !inTransaction
        if own {
            try reconnectIfLost()
            try execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            inTransaction = true
        }
        defer { if own { inTransaction = false } }
        cursors += 1
        defer { cursors -= 1 }
        let cursor = "clientimport_cursor_\(cursors)"
        do {
            try execute("DECLARE \(cursor) NO SCROLL CURSOR FOR \(sql)")
            while true {
                guard let raw = PQexec(handle, "FETCH 1000 FROM \(cursor)") else { throw lostConnection() }
                let block = PostgresResult(raw)
                try check(raw, "FETCH")
                if block.rowCount == 0 { break }
                for row in 0..<block.rowCount { try body(block, row) }
            }
            try execute("CLOSE \(cursor)")
            if own { try execute("COMMIT") }
        } catch {
            if own, PQstatus(handle) == CONNECTION_OK { try? execute("ROLLBACK") }
            throw error
        }
    }

    /// How many `forEachRow` cursors are open (a nested one takes the next name).
    private var cursors = 0

    /// Runs `body`'s reads in one read-only `REPEATABLE READ` transaction: every statement
    /// (and every `forEachRow` inside) sees the same snapshot, whatever others commit meanwhile.
    func snapshot<T>(_ body: () throws -> T) throws -> T {
        if inTransaction { return try body() }
        try reconnectIfLost()
        try execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        inTransaction = true
        defer { inTransaction = false }
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            if PQstatus(handle) == CONNECTION_OK { try? execute("ROLLBACK") }
            throw error
        }
    }

    // MARK: Transactions and the base's lock

    /// Runs `body` in one transaction that holds the base's advisory lock, so writers of one
    /// base (one schema) take turns across processes and machines. A thrown error, or `commit:
    /// false`, rolls everything back. Nested calls run inside the outer transaction.
    func transaction<T>(commit: Bool = true, busyTimeoutSeconds: Double, _ body: () throws -> T) throws -> T {
        if inTransaction { return try body() }
        try reconnectIfLost()
        try execute("BEGIN")
        inTransaction = true
        defer { inTransaction = false }
        do {
            try lockBase(busyTimeoutSeconds: busyTimeoutSeconds)
            let result = try body()
            try execute(commit ? "COMMIT" : "ROLLBACK")
            return result
        } catch {
            if PQstatus(handle) == CONNECTION_OK { try? execute("ROLLBACK") }
            throw error
        }
    }

    /// Takes the base's transaction-scoped advisory lock, waiting up to the busy timeout for
    /// another writer; `StoreError.Kind.busy` when it does not come. The key is a 64-bit hash
    /// of the schema's name under a prefix of clientimport's own (other programs' advisory locks
    /// on the same server do not meet ours): by name, not by the schema's object ID, so that
    /// two imports creating the same new base take turns too, before the schema exists.
    func lockBase(busyTimeoutSeconds: Double) throws {
        let key = "(hashtextextended('clientimport base ' || $1, 0))"
        if busyTimeoutSeconds <= 0 {
            let result = try query("SELECT pg_try_advisory_xact_lock\(key)", [location.schema])
            guard result.bool(0, 0) else { throw busy() }
            return
        }
        // `lock_timeout` bounds the wait for any lock, advisory ones included (SQLSTATE 55P03).
        let milliseconds = Int64((busyTimeoutSeconds * 1000).rounded())
        try execute("SET LOCAL lock_timeout = \(milliseconds)")
        try query("SELECT pg_advisory_xact_lock\(key)", [location.schema])
        try execute("SET LOCAL lock_timeout TO DEFAULT")
    }

    // MARK: COPY

    /// Sends rows encoded beforehand to `COPY … FROM STDIN` (text format), in blocks.
    func copy(_ sql: String, rows: PostgresCopyRows) throws {
        try copy(sql) { try $0.append(rows) }
    }

    /// Streams rows into `COPY … FROM STDIN` (text format): `body` adds them to the writer,
    /// which sends them in blocks.
    func copy(_ sql: String, _ body: (PostgresCopyWriter) throws -> Void) throws {
        guard let start = PQexec(handle, sql) else { throw lostConnection() }
        defer { PQclear(start) }
        guard PQresultStatus(start) == PGRES_COPY_IN else { throw error(start, sql) }
        let writer = PostgresCopyWriter { [handle] bytes in
            bytes.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { PQputCopyData(handle, $0.baseAddress, Int32($0.count)) == 1 }
            }
        }
        var failure: Error?
        do {
            try body(writer)
            try writer.flush()
        } catch {
            failure = error
        }
        // Ending the COPY with an error message makes the server refuse what was sent.
        _ = failure == nil ? PQputCopyEnd(handle, nil) : PQputCopyEnd(handle, "clientimport stopped the copy")
        var last: StoreError?
        while let result = PQgetResult(handle) {
            let status = PQresultStatus(result)
            if status != PGRES_COMMAND_OK && status != PGRES_COPY_IN { last = error(result, sql) }
            PQclear(result)
            // Still copying after the end was sent: the end never reached the server.
            if status == PGRES_COPY_IN { last = lostConnection(); break }
        }
        if let failure { throw failure }
        if let last { throw last }
    }
}


/// The rows of one statement's answer, as text (libpq's text format).
final class PostgresResult {
    private let raw: OpaquePointer

    fileprivate init(_ raw: OpaquePointer) { self.raw = raw }

    deinit { PQclear(raw) }

    var rowCount: Int { Int(PQntuples(raw)) }
    var columnCount: Int { Int(PQnfields(raw)) }
    /// Rows an UPDATE or DELETE changed.
    var changes: Int { Int(String(cString: PQcmdTuples(raw))) ?? 0 }

    func isNull(_ row: Int, _ column: Int) -> Bool { PQgetisnull(raw, Int32(row), Int32(column)) == 1 }

    func text(_ row: Int, _ column: Int) -> String {
        let bytes = PQgetvalue(raw, Int32(row), Int32(column))!
        let count = Int(PQgetlength(raw, Int32(row), Int32(column)))
        return bytes.withMemoryRebound(to: UInt8.self, capacity: count) {
            String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self)
        }
    }

    func optionalText(_ row: Int, _ column: Int) -> String? { isNull(row, column) ? nil : text(row, column) }

    /// A bigint or integer column; its decimal digits parsed without going through `Double`.
    func int(_ row: Int, _ column: Int) -> Int64 {
        let bytes = PQgetvalue(raw, Int32(row), Int32(column))!
        return strtoll(bytes, nil, 10)
    }

    func optionalInt(_ row: Int, _ column: Int) -> Int64? { isNull(row, column) ? nil : int(row, column) }

    func bool(_ row: Int, _ column: Int) -> Bool { PQgetvalue(raw, Int32(row), Int32(column))?.pointee == CChar(UInt8(ascii: "t")) }
}

/// Rows for `COPY … FROM STDIN` in PostgreSQL's text format, encoded in memory: fields
/// separated by tabs, rows ended by a newline, `\N` for NULL, and backslash, tab, newline and
/// carriage return escaped so that any text arrives as it was. A text holding a NUL character
/// is refused as it is added (PostgreSQL's text cannot hold one), so the row that has it fails,
/// not a later send.
struct PostgresCopyRows {
    private(set) var bytes: [UInt8] = []
    private(set) var rowCount = 0
    private var fieldsInRow = 0

    var isEmpty: Bool { rowCount == 0 && fieldsInRow == 0 }

    /// Adds a field to the current row (`nil` is NULL).
    mutating func field(_ value: String?) throws {
        if fieldsInRow > 0 { bytes.append(UInt8(ascii: "\t")) }
        fieldsInRow += 1
        guard let value else {
            bytes.append(UInt8(ascii: "\\"))
            bytes.append(UInt8(ascii: "N"))
            return
        }
        // Most texts (names, digits, JSON of phones) hold nothing to escape: one append.
        guard value.utf8.contains(where: { $0 <= UInt8(ascii: "\r") || $0 == UInt8(ascii: "\\") }) else {
            bytes.append(contentsOf: value.utf8)
            return
        }
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "\t"): bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "t"))
            case UInt8(ascii: "\n"): bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "n"))
            case UInt8(ascii: "\r"): bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "r"))
            case 0:
                throw StoreError(.invalid, "a text with a NUL character (U+0000) cannot be stored in PostgreSQL; remove it from the file and import again")
            default: bytes.append(byte)
            }
        }
    }

    mutating func field(_ value: Int64?) throws { try field(value.map { String($0) }) }

    /// Adds a whole row, or nothing when a field is refused.
    mutating func row(_ fields: [String?]) throws {
        let start = bytes.count
        do {
            for field in fields { try self.field(field) }
        } catch {
            bytes.removeSubrange(start...)
            fieldsInRow = 0
            throw error
        }
        endRow()
    }

    /// Ends the current row.
    mutating func endRow() {
        bytes.append(UInt8(ascii: "\n"))
        fieldsInRow = 0
        rowCount += 1
    }

    /// Forgets the rows, keeping the memory for the next ones.
    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        rowCount = 0
        fieldsInRow = 0
    }
}

/// Streams rows into a running `COPY … FROM STDIN`: they are encoded as `PostgresCopyRows`
/// and sent to the server in blocks.
final class PostgresCopyWriter {
    private var rows = PostgresCopyRows()
    private let send: (ArraySlice<UInt8>) -> Bool
    /// Sent to the server in blocks of about this size.
    fileprivate static let blockSize = 1 << 16

    fileprivate init(send: @escaping (ArraySlice<UInt8>) -> Bool) {
        self.send = send
    }

    /// Adds a field to the current row (`nil` is NULL).
    func field(_ value: String?) throws { try rows.field(value) }

    func field(_ value: Int64?) throws { try rows.field(value) }

    /// Ends the current row.
    func endRow() throws {
        rows.endRow()
        if rows.bytes.count >= Self.blockSize { try flush() }
    }

    /// Sends rows encoded beforehand, in blocks.
    func append(_ encoded: PostgresCopyRows) throws {
        try flush()
        var start = encoded.bytes.startIndex
        while start < encoded.bytes.endIndex {
            let end = min(start + Self.blockSize, encoded.bytes.endIndex)
            try send(encoded.bytes[start..<end])
            start = end
        }
    }

    fileprivate func flush() throws {
        guard !rows.bytes.isEmpty else { return }
        try send(rows.bytes[...])
        rows.removeAll()
    }

    private func send(_ bytes: ArraySlice<UInt8>) throws {
        guard send(bytes) else {
            throw StoreError(.cannotOpen, "the connection to the PostgreSQL server was lost while sending rows; nothing of the unfinished work was kept")
        }
    }
}
