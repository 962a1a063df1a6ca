import ClientBase
import Foundation
import TestSupport
import Testing

/// The schema version a base records, against the one this build writes.
@Suite struct SchemaVersionTests {
    @Test func aBaseOfThisBuildsVersionOpensAndANewerOneIsRefusedUnwritten() throws {
        let folder = try TemporaryDirectory()
        let path = folder.file("clients.sqlite")
        do {
            let store = try SQLiteClientStore(path: path)
            try store.addMarketingSources(["Radio"])
        }
        _ = try SQLiteClientStore(path: path) // the same version opens
        let raw = try SQLiteRaw(path: path)
        #expect(raw.rows("PRAGMA user_version") == [[String(SQLiteClientStore.schemaVersion)]])
        // The journal mode too: a newer base in rollback-journal mode must not be switched to WAL.
        #expect(raw.execute("PRAGMA journal_mode = DELETE; PRAGMA user_version = \(SQLiteClientStore.schemaVersion + 7)") == "")
        let before = try Data(contentsOf: URL(fileURLWithPath: path))

        #expect {
            _ = try SQLiteClientStore(path: path)
        } throws: { error in
            guard let error = error as? StoreError, error.kind == .newerSchema else { return false }
            return error.message.contains("schema version \(SQLiteClientStore.schemaVersion + 7)")
                && error.message.contains("(version \(SQLiteClientStore.schemaVersion))")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        #expect(raw.rows("SELECT name FROM marketing_sources") == [["Radio"]])
    }

    @Test func aNegativeSchemaVersionIsRefusedUnwritten() throws {
        let folder = try TemporaryDirectory()
        let path = folder.file("clients.sqlite")
        _ = try SQLiteClientStore(path: path)
        let raw = try SQLiteRaw(path: path)
        #expect(raw.execute("PRAGMA journal_mode = DELETE; PRAGMA user_version = -1") == "")
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect {
            _ = try SQLiteClientStore(path: path)
        } throws: { error in
            (error as? StoreError)?.kind == .corrupt && "\(error)".contains("schema version -1")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    /// Two processes (here: connections) opening one new base at once both read version 0; the
    /// second to take the write lock ran the migrations again and failed. And two that both
    /// asked to switch the new file to WAL were told "busy" at once, about once in 600 openers
    /// (SQLite's deadlock answer, which skips the busy handler): hence the many rounds.
    @Test func openersRacingOnANewBaseMigrateItOnce() throws {
        let folder = try TemporaryDirectory()
        for round in 0..<200 {
            let path = folder.file("race-\(round).sqlite")
            let failures = FailureList()
            DispatchQueue.concurrentPerform(iterations: 4) { _ in
                do { _ = try SQLiteClientStore(path: path) } catch { failures.append("\(error)") }
            }
            #expect(failures.all.isEmpty, "round \(round): \(failures.all)")
            let raw = try SQLiteRaw(path: path)
            #expect(raw.rows("PRAGMA user_version") == [[String(SQLiteClientStore.schemaVersion)]])
        }
    }

    @Test func aBusyTimeoutThatCannotBeMillisecondsIsRefusedNotTrapped() throws {
        let folder = try TemporaryDirectory()
        for seconds in [Double.infinity, -.infinity, .nan, -1, 1e10, 86_400.5] {
            #expect(throws: StoreError.self, "\(seconds)") { _ = try SQLiteClientStore(path: folder.file("a.sqlite"), busyTimeoutSeconds: seconds) }
        }
        _ = try SQLiteClientStore(path: folder.file("a.sqlite"), busyTimeoutSeconds: 86_400)
    }
}

/// Errors collected from several threads.
private final class FailureList: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func append(_ item: String) { lock.lock(); items.append(item); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return items }
}
