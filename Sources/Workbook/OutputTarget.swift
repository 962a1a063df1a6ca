import Foundation

/// The one check every file this program writes goes through (`AtomicFile` calls it): a target
/// must be a regular file or a new name in an existing folder, and never one of the files this
/// process must not destroy — the client base with its `-wal`, `-shm` and `-journal` files, and
/// every file it reads (registered with `protect`).
///
/// "The same file" is decided twice: by the canonical path (symbolic links, `./`, `..` resolved)
/// and by the device and inode (hard links). A symbolic link as the target is written through:
/// the file it points to is replaced, so the check applies to that file, never to the link's
/// name. Paths under `/dev`, `/proc` and `/sys` are refused whatever they point to: replacing
/// `/dev/stdout` would replace the file the shell redirected into (or fail on a terminal).
public enum OutputTarget {
    private struct Protected {
        let canonicalPath: String
        let role: String
        /// A file being read is protected only while it exists: `serve` reads one upload per
        /// import and deletes it after, and a long-running process must not keep every name.
        let whileItExists: Bool
    }

    private final class Registry: @unchecked Sendable {
        let lock = NSLock()
        var entries: [Protected] = []
    }

    private static let registry = Registry()

    /// Registers a file that no output may replace; `role` names it in the refusal ("the client
    /// base", "the file being imported"). The file need not exist yet (a base about to be created)
    /// unless `whileItExists` is set: then the entry goes once the file is gone (files being read).
    public static func protect(_ path: String, as role: String, whileItExists: Bool = false) {
        guard let canonical = try? resolve(path).path else { return }
        registry.lock.lock()
        defer { registry.lock.unlock() }
        registry.entries.removeAll { $0.whileItExists && access($0.canonicalPath, F_OK) != 0 }
        if !registry.entries.contains(where: { $0.canonicalPath == canonical }) {
            registry.entries.append(Protected(canonicalPath: canonical, role: role, whileItExists: whileItExists))
        }
    }

    /// Whether `path` (canonical) is registered; for tests of the registry's bound.
    static func isRegistered(_ canonicalPath: String) -> Bool {
        protectedEntries().contains { $0.canonicalPath == canonicalPath }
    }

    /// Registers the client base at `path` and the files SQLite keeps beside it.
    public static func protectBase(_ path: String) {
        // SQLite keeps its files beside the file a link leads to, not beside the link.
        let base = (try? resolve(path).path) ?? path
        protect(base, as: "the client base")
        protect(base + "-wal", as: "the client base's write-ahead log")
        protect(base + "-shm", as: "the client base's shared-memory file")
        protect(base + "-journal", as: "the client base's rollback journal")
    }

    /// Checks that `path` may be replaced by a new file; returns the path to replace (the file a
    /// symbolic link points to, resolved). Throws `WorkbookError` (`writeFailed`) saying why not
    /// and what to do instead. Nothing is created or changed.
    @discardableResult
    public static func check(_ path: String) throws -> String {
        let target = try resolve(path)
        if let status = target.status {
            switch status.st_mode & S_IFMT {
            case S_IFREG:
                break
            case S_IFDIR:
                throw refusal(path, "this is a folder; name a file inside it, such as \(join(path, "clients.xlsx"))")
            case S_IFIFO, S_IFSOCK:
                throw refusal(path, "this is a pipe or a socket, not a file; write to a file and send that")
            default:
                throw refusal(path, deviceAdvice)
            }
        }
        for entry in protectedEntries() where entry.canonicalPath == target.path || sameInode(entry.canonicalPath, target.status) {
            var link = stat()
            let isLink = lstat(path, &link) == 0 && link.st_mode & S_IFMT == S_IFLNK
            let pointer = isLink ? " (it leads to \(target.path))" : ""
            throw refusal(path, "this is \(entry.role)\(pointer); writing there would destroy it — choose another file name")
        }
        return target.path
    }

    private static let deviceAdvice = "this is a device, not a file: outputs are written whole to a temporary file and renamed into place, "
        + "which a device cannot take; name a regular file (-o out.xlsx) and copy it where it should go"

    private static func refusal(_ path: String, _ message: String) -> WorkbookError {
        WorkbookError(.writeFailed, file: path, "cannot write here: \(message)")
    }

    private static func protectedEntries() -> [Protected] {
        registry.lock.lock()
        defer { registry.lock.unlock() }
        return registry.entries
    }

    private static func sameInode(_ path: String, _ target: stat?) -> Bool {
        guard let target else { return false }
        var status = stat()
        return stat(path, &status) == 0 && status.st_dev == target.st_dev && status.st_ino == target.st_ino
    }

    /// `path` made absolute against the current folder, without resolving anything.
    private static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        return join(FileManager.default.currentDirectoryPath, path)
    }

    private static func join(_ folder: String, _ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }

    private static func isSpecialFileSystem(_ path: String) -> Bool {
        ["/dev", "/proc", "/sys"].contains { path == $0 || path.hasPrefix($0 + "/") }
    }

    /// The canonical path `path` names, following symbolic links of the last component one hop
    /// at a time (so a link into `/dev` or `/proc` is seen as such), and its status when it exists.
    static func resolve(_ path: String) throws -> (path: String, status: stat?) {
        guard !path.isEmpty else { throw refusal(path, "the file name is empty") }
        var current = absolute(path)
        if current.hasSuffix("/") {
            throw refusal(path, "this names a folder; name a file inside it, such as \(join(path, "clients.xlsx"))")
        }
        for _ in 0..<40 {
            if isSpecialFileSystem(current) { throw refusal(path, deviceAdvice) }
            let name = (current as NSString).lastPathComponent
            let folder = (current as NSString).deletingLastPathComponent
            guard let resolvedFolder = realpath(folder, nil) else {
                throw refusal(path, "the folder \(folder) does not exist or cannot be reached (\(String(cString: strerror(errno))))")
            }
            let canonicalFolder = String(cString: resolvedFolder)
            free(resolvedFolder)
            if isSpecialFileSystem(canonicalFolder) { throw refusal(path, deviceAdvice) }
            if name == "." || name == ".." {
                throw refusal(path, "this is a folder; name a file inside it, such as \(join(path, "clients.xlsx"))")
            }
            current = join(canonicalFolder, name)
            var status = stat()
            guard lstat(current, &status) == 0 else {
                if errno == ENOENT { return (current, nil) }
                throw refusal(path, "cannot look at \(current): \(String(cString: strerror(errno)))")
            }
            guard status.st_mode & S_IFMT == S_IFLNK else { return (current, status) }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let length = readlink(current, &buffer, buffer.count - 1)
            guard length >= 0 else { throw refusal(path, "cannot read the link \(current): \(String(cString: strerror(errno)))") }
            let destination = String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            current = destination.hasPrefix("/") ? destination : join(canonicalFolder, destination)
            if current.hasSuffix("/") {
                throw refusal(path, "this link leads to a folder; name a file inside it")
            }
        }
        throw refusal(path, "too many symbolic links in a row")
    }
}
