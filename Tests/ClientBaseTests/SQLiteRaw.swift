import CSQLite

/// A bare SQLite connection for tests that poke at the file behind the store's back.
final class SQLiteRaw {
    private var db: OpaquePointer?

    init(path: String) throws {
        sqlite3_open(path, &db)
    }

    deinit { sqlite3_close(db) }

    /// Runs SQL and returns SQLite's error message, or "" when it succeeded.
    func execute(_ sql: String) -> String {
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(db, sql, nil, nil, &message)
        defer { sqlite3_free(message) }
        return rc == SQLITE_OK ? "" : String(cString: message!)
    }
}
