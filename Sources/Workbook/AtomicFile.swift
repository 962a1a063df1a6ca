import Foundation

/// A temporary file beside a target path, renamed onto the target when complete.
///
/// Every file the program writes goes through it, so every one gets the same guarantees: the
/// target is checked by `OutputTarget.check` before anything is created (never the base, an
/// input, a device, a pipe or a folder) and again just before the rename; until `commit()` the
/// target is untouched, so a failure or a crash never leaves a half-written file under the
/// user's name; the file gets the permissions the umask allows (0666 minus the umask, as any
/// program creating a file does); the temporary's name stays within NAME_MAX (255 bytes) however
/// long the target's name is.
public final class AtomicFile {
    /// The path as the caller gave it (for messages).
    let targetPath: String
    /// The file the rename replaces: `targetPath` with symbolic links resolved.
    private let resolvedPath: String
    let temporaryPath: String
    private(set) var handle: UnsafeMutablePointer<FILE>?
    private var committed = false

    /// Longest name a folder entry may have on Linux and macOS file systems.
    private static let nameMax = 255

    init(targetPath: String) throws {
        self.targetPath = targetPath
        resolvedPath = try OutputTarget.check(targetPath)
        let folder = (resolvedPath as NSString).deletingLastPathComponent
        let (descriptor, temporary) = try Self.createTemporary(in: folder, for: (resolvedPath as NSString).lastPathComponent, target: targetPath)
        temporaryPath = temporary
        guard let handle = fdopen(descriptor, "wb") else {
            close(descriptor)
            unlink(temporaryPath)
            throw WorkbookError(.writeFailed, file: targetPath, "cannot open the temporary file \(temporaryPath)")
        }
        self.handle = handle
    }

    deinit {
        if !committed {
            if let handle { fclose(handle) }
            unlink(temporaryPath)
        }
    }

    /// Writes `bytes` to `path` whole, through the same checks and rename as every workbook.
    public static func write(_ bytes: some Collection<UInt8>, to path: String) throws {
        let file = try AtomicFile(targetPath: path)
        let data = Array(bytes)
        let written = data.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, file.handle) }
        guard written == data.count else {
            throw WorkbookError(.writeFailed, file: path, "could not write: \(String(cString: strerror(errno)))")
        }
        try file.commit()
    }

    /// `.name-XXXXXXXX.tmp` beside the target, created with `O_EXCL` and mode 0666 so the kernel
    /// applies the umask (`mkstemp` made every file 0600, then a fixed 0644 ignored the umask).
    /// The target's name is cut, on a character boundary, so the temporary's fits in NAME_MAX.
    private static func createTemporary(in folder: String, for name: String, target: String) throws -> (Int32, String) {
        let suffixLength = 1 + 8 + 4  // "-" + 8 random characters + ".tmp"
        var stem = "." + name
        while stem.utf8.count + suffixLength > nameMax { stem.removeLast() }
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        for _ in 0..<100 {
            let random = String((0..<8).map { _ in alphabet.randomElement()! })
            let path = (folder.hasSuffix("/") ? folder : folder + "/") + stem + "-" + random + ".tmp"
            let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o666)
            if descriptor >= 0 { return (descriptor, path) }
            if errno != EEXIST {
                throw WorkbookError(.writeFailed, file: target,
                                    "cannot create a file in \(folder): \(String(cString: strerror(errno)))")
            }
        }
        throw WorkbookError(.writeFailed, file: target, "cannot create a temporary file in \(folder): every name tried exists")
    }

    /// Hands the handle to a closer (the zip writer closes it itself); the file stays uncommitted.
    func releaseHandle() -> UnsafeMutablePointer<FILE>? {
        defer { handle = nil }
        return handle
    }

    /// Closes the handle if still held and renames the temporary onto the target, checking the
    /// target again first: a long export gives time for the target to change.
    func commit() throws {
        if let handle {
            self.handle = nil
            let flushed = fflush(handle) == 0
            let closed = fclose(handle) == 0
            guard flushed, closed else {
                throw WorkbookError(.writeFailed, file: targetPath, "could not finish writing: \(String(cString: strerror(errno)))")
            }
        }
        guard try OutputTarget.check(targetPath) == resolvedPath else {
            throw WorkbookError(.writeFailed, file: targetPath, "the file changed into a link while it was being written; nothing was replaced")
        }
        guard rename(temporaryPath, resolvedPath) == 0 else {
            throw WorkbookError(.writeFailed, file: targetPath,
                                "could not move the finished file into place: \(String(cString: strerror(errno)))")
        }
        committed = true
    }
}
