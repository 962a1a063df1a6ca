import ClientBase
import Foundation

/// The backend the server opens: named here only. Besides `ClientStore`'s calls the server uses
/// the sign-in tables, sessions, pending uploads and the client search of `SQLiteClientStore`.
typealias ServerStore = SQLiteClientStore

/// Runs the synchronous `ClientStore` work of a request on a thread of its own, off the
/// server's event loops and Swift's cooperative pool, with a connection opened for it: a
/// `SQLiteClientStore` belongs to one thread. Imports into one base serialize as the command
/// line's do (SQLite's `BEGIN IMMEDIATE` with the busy timeout), across processes too.
struct BaseAccess: Sendable {
    let path: String
    let busyTimeoutSeconds: Double

    /// Opens the base (creating and migrating it when needed) and runs `body` on a new thread.
    func run<T: Sendable>(_ body: @escaping @Sendable (ServerStore) throws -> T) async throws -> T {
        let path = path, timeout = busyTimeoutSeconds
        return try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result {
                    try body(try Self.open(path: path, busyTimeoutSeconds: timeout))
                })
            }
            // The import's Lua states and SQLite want more than a secondary thread's 512 KiB.
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// Opens the base on the calling thread (creating and migrating it when needed): the one
    /// place the server opens it.
    func open() throws -> ServerStore {
        try Self.open(path: path, busyTimeoutSeconds: busyTimeoutSeconds)
    }

    private static func open(path: String, busyTimeoutSeconds: Double) throws -> ServerStore {
        try SQLiteClientStore(path: path, busyTimeoutSeconds: busyTimeoutSeconds)
    }
}
