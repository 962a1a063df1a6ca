import Foundation

/// A base that does not exist yet and appears only when the work that creates it (the first
/// import, a copy) succeeds. How is the backend's: `ClientStores.newBase(at:)` picks it.
///
/// Use: `defer { pending.discard() }`, `build` the base, then `install` it if the work is to stand.
public protocol PendingBase {
    /// Runs `body` on the new base; the store is closed when it returns.
    func build<Result>(_ body: (any ClientBaseStore) throws -> Result) throws -> Result
    /// Makes the built base the one at its location.
    func install() throws
    /// Forgets whatever `build` left that `install` did not take (safe after `install` too).
    func discard()
}

/// What creates a new base, as messages name it.
public enum PendingWork: String, Sendable {
    case `import`, copy

    var done: String { self == .import ? "imported" : "copied" }
}

/// A new SQLite base built in a temporary file beside its path and put in place only when the
/// work that creates it succeeds: a plugin that fails on row 5,000, a file rejected for its data
/// or a killed process leaves no new base behind, and no other command ever opens a half-made
/// one. Opening the path itself instead and deleting it on failure would pull the file away from
/// a second import already waiting on it.
///
/// A killed process cannot remove its temporary file, so each one holds an exclusive `flock` on
/// it while it works, and the next new base at the same path removes every temporary file whose
/// lock it can take: no process works on those any more. (`flock` locks are apart from the POSIX
/// locks SQLite takes on the same file, and the kernel drops them when their process dies.)
struct PendingSQLiteBase: PendingBase {
    let path: String
    let temporaryPath: String
    /// What creates the base, for the message when another command created it first.
    let work: PendingWork
    private let lock = TemporaryFileLock()
    private static let suffix = ".new"

    init(creating path: String, for work: PendingWork) {
        self.path = path
        self.work = work
        let url = URL(fileURLWithPath: path)
        temporaryPath = url.deletingLastPathComponent().appendingPathComponent(
            Self.temporaryPrefix(of: path) + "\(UUID().uuidString.prefix(8))" + Self.suffix).path
    }

    /// `.NAME-` of the temporary files of a new base at `path`. Kept short of NAME_MAX: a long
    /// base name is cut, the random part keeps each file unique.
    private static func temporaryPrefix(of path: String) -> String {
        let name = String(URL(fileURLWithPath: path).lastPathComponent.utf8.prefix(200)) ?? "base"
        return ".\(name)-"
    }

    func build<Result>(_ body: (any ClientBaseStore) throws -> Result) throws -> Result {
        removeLeftovers()
        try lock.create(temporaryPath)
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
                ? "another command created the client base \(path) while this \(work.rawValue) ran; nothing was \(work.done): run the \(work.rawValue) again to \(work.rawValue) into it"
                : "could not create the client base \(path): \(String(cString: strerror(errno)))"
            throw StoreError(errno == EEXIST ? .busy : .cannotOpen, reason)
        }
    }

    /// Removes the temporary file and whatever SQLite kept beside it.
    func discard() {
        Self.remove(temporaryPath)
        lock.release()
    }

    private static func remove(_ temporaryPath: String) {
        for suffix in ["", "-wal", "-shm", "-journal"] { unlink(temporaryPath + suffix) }
    }

    /// Removes the temporary files that killed processes left for a new base at this path.
    private func removeLeftovers() {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let prefix = Self.temporaryPrefix(of: path)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        // Exactly `.NAME-` + 8 random characters + `.new`: not another base's whose name starts so.
        for name in names where name.hasPrefix(prefix) && name.hasSuffix(Self.suffix)
            && name.utf8.count == prefix.utf8.count + 8 + Self.suffix.utf8.count {
            let leftover = folder + "/" + name
            let descriptor = open(leftover, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
            guard descriptor >= 0 else { continue }
            defer { close(descriptor) }
            if flock(descriptor, LOCK_EX | LOCK_NB) == 0 { Self.remove(leftover) }
        }
    }
}

/// The `flock` a pending SQLite base holds on its temporary file while it is built. The file is
/// made and locked under another name, then renamed: a sweep never sees it unlocked.
private final class TemporaryFileLock: @unchecked Sendable {
    private var descriptor: Int32 = -1

    /// Makes the file at `path` (owner-only, as `SQLiteConnection` makes a base) and locks it.
    func create(_ path: String) throws {
        let staging = path + ".locking"
        let made = open(staging, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard made >= 0 else {
            throw StoreError(.cannotOpen, "could not create the client base \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(made, LOCK_EX) == 0, rename(staging, path) == 0 else {
            let reason = String(cString: strerror(errno))
            close(made)
            unlink(staging)
            throw StoreError(.cannotOpen, "could not create the client base \(path): \(reason)")
        }
        descriptor = made
    }

    func release() {
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
    }

    deinit { release() }
}

/// A PostgreSQL base that does not exist yet: its schema and tables are created inside the
/// transaction of the work that first writes it (the import, the copy), under the base's lock,
/// so they appear only when that work commits: a failed or killed first import leaves no
/// schema behind, and there is nothing to move into place or to throw away.
struct PendingPostgresBase: PendingBase {
    let url: String
    let busyTimeoutSeconds: Double

    func build<Result>(_ body: (any ClientBaseStore) throws -> Result) throws -> Result {
        try body(try PostgresClientStore(location: PostgresLocation(url: url), busyTimeoutSeconds: busyTimeoutSeconds,
                                         missing: .createInFirstTransaction))
    }

    func install() throws {}
    func discard() {}
}
