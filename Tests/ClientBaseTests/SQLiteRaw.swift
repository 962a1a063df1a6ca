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

    /// The rows a query returns, each column as text ("" for NULL); `[]` when it fails.
    func rows(_ sql: String) -> [[String]] {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK else { return [] }
        defer { sqlite3_finalize(statement) }
        var result: [[String]] = []
        while sqlite3_step(statement) == SQLITE_ROW {
            result.append((0..<sqlite3_column_count(statement)).map { column in
                sqlite3_column_text(statement, column).map { String(cString: $0) } ?? ""
            })
        }
        return result
    }
}
