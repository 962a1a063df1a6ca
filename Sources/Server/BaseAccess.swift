import ClientBase
import Foundation

/// The base as the server sees it: everything `ClientBaseStore` offers — the importer's
/// `ClientStore`, the settings, and the sign-in tables, sessions, pending uploads and client
/// search of `AccessStore` — whatever the backend.
typealias ServerStore = any ClientBaseStore

/// Runs the synchronous store work of a request on a thread of its own, off the server's event
/// loops and Swift's cooperative pool, with a connection opened for it: a store belongs to one
/// thread. Imports into one base serialize as the command line's do (SQLite's `BEGIN
/// IMMEDIATE` with the busy timeout), across processes too.
struct BaseAccess: Sendable {
    let location: BaseLocation
    let busyTimeoutSeconds: Double

    /// Opens the base (creating and migrating it when needed) and runs `body` on a new thread.
    func run<T: Sendable>(_ body: @escaping @Sendable (ServerStore) throws -> T) async throws -> T {
        let location = location, timeout = busyTimeoutSeconds
        return try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result {
                    try body(try Self.open(location, busyTimeoutSeconds: timeout))
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
        try Self.open(location, busyTimeoutSeconds: busyTimeoutSeconds)
    }

    private static func open(_ location: BaseLocation, busyTimeoutSeconds: Double) throws -> ServerStore {
        try ClientStores.open(location, busyTimeoutSeconds: busyTimeoutSeconds)
    }
}
