import ClientBase
import Foundation

/// Runs the synchronous `ClientStore` work of a request on a thread of its own, off the
/// server's event loops and Swift's cooperative pool, with a connection opened for it: a
/// `SQLiteClientStore` belongs to one thread. Imports into one base serialize as the command
/// line's do (SQLite's `BEGIN IMMEDIATE` with the busy timeout), across processes too.
struct BaseAccess: Sendable {
    let path: String
    let busyTimeoutSeconds: Double

    /// Opens the base (creating and migrating it when needed) and runs `body` on a new thread.
    func run<T: Sendable>(_ body: @escaping @Sendable (SQLiteClientStore) throws -> T) async throws -> T {
        let path = path, timeout = busyTimeoutSeconds
        return try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result {
                    let store = try SQLiteClientStore(path: path, busyTimeoutSeconds: timeout)
                    return try body(store)
                })
            }
            // The import's Lua states and SQLite want more than a secondary thread's 512 KiB.
            thread.stackSize = 8 << 20
            thread.start()
        }
    }
}
