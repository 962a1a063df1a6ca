@testable import ClientBase
import CSQLite
import Foundation
import TestSupport
import Testing

/// The backends the store contract runs on: SQLite always, PostgreSQL when a server is
/// configured (`PostgresTestServer`; in CI always).
enum Backend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres

    static var all: [Backend] { PostgresTestServer.casesRun ? [.sqlite, .postgres] : [.sqlite] }

    var testDescription: String { rawValue }
}

/// A new, empty base on one backend (a file in a temporary folder, or a schema of its own on
/// the test server), with a way behind the store's back for tests that poke at its tables.
final class BackendBase {
    let backend: Backend
    let folder: TemporaryDirectory
    /// The `--db` of the base: a file path or a PostgreSQL URL.
    let location: String
    let store: any ClientBaseStore

    init(_ backend: Backend) throws {
        self.backend = backend
        folder = try TemporaryDirectory()
        switch backend {
        case .sqlite:
            location = folder.file("base.sqlite")
            store = try SQLiteClientStore(path: location)
        case .postgres:
            location = try PostgresTestServer.freshBaseURL()
            store = try PostgresClientStore(url: location)
        }
    }

    /// Another store on the same base, as another process would open it.
    func reopen() throws -> any ClientBaseStore {
        switch backend {
        case .sqlite: try SQLiteClientStore(path: location)
        case .postgres: try PostgresClientStore(url: location)
        }
    }

    /// Runs SQL on the base directly and returns the database's error message, "" when it succeeded.
    func execute(_ sql: String) -> String {
        switch backend {
        case .sqlite:
            return (try? SQLiteRaw(path: location))?.execute(sql) ?? "cannot open"
        case .postgres:
            do {
                try PostgresConnection(location: PostgresLocation(url: location)).execute(sql)
                return ""
            } catch {
                return "\(error)"
            }
        }
    }

    /// The rows a query returns, each column as text ("" for NULL).
    func rows(_ sql: String) throws -> [[String]] {
        switch backend {
        case .sqlite:
            return try SQLiteRaw(path: location).rows(sql)
        case .postgres:
            let connection = try PostgresConnection(location: PostgresLocation(url: location))
            var rows: [[String]] = []
            try connection.forEachRow(sql) { result, row in
                rows.append((0..<result.columnCount).map { result.optionalText(row, $0) ?? "" })
            }
            return rows
        }
    }
}
