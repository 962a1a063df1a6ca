import ClientBase
import Foundation

/// A base that does not exist yet, built in a temporary file beside its path and put in place
/// only when the import that creates it commits: a plugin that fails on row 5,000, a file
/// rejected for its data or a killed process leaves no new base behind, and no other command
/// ever opens a half-made one. Opening the path itself instead and deleting it on failure would
/// pull the file away from a second import already waiting on it.
struct PendingBase {
    let path: String
    let temporaryPath: String

    init(creating path: String) {
        self.path = path
        let url = URL(fileURLWithPath: path)
        // Kept short of NAME_MAX: a long base name is cut, the random part keeps it unique.
        let name = String(url.lastPathComponent.utf8.prefix(200)) ?? "base"
        temporaryPath = url.deletingLastPathComponent().appendingPathComponent(".\(name)-\(UUID().uuidString.prefix(8)).new").path
    }

    /// Runs `body` on a new base in the temporary file; the store is closed when it returns.
    func build<Result>(_ body: (SQLiteClientStore) throws -> Result) throws -> Result {
        let store = try SQLiteClientStore(path: temporaryPath)
        let result = try body(store)
        // Everything into the main file, so that moving that one file moves the whole base.
        try store.checkpointIntoFile()
        return result
    }

    /// Moves the built base to `path`. A base that appeared there meanwhile (another command
    /// created it) is never replaced: that is `StoreError.Kind.busy`, and nothing was imported.
    func install() throws {
        guard link(temporaryPath, path) == 0 else {
            let reason = errno == EEXIST
                ? "another command created the client base \(path) while this import ran; nothing was imported: run the import again to import into it"
                : "could not create the client base \(path): \(String(cString: strerror(errno)))"
            throw StoreError(errno == EEXIST ? .busy : .cannotOpen, reason)
        }
    }

    /// Removes the temporary file and whatever SQLite kept beside it.
    func discard() {
        for suffix in ["", "-wal", "-shm", "-journal"] { unlink(temporaryPath + suffix) }
    }
}
