import Foundation

/// A temporary file beside a target path, renamed onto the target when complete.
///
/// Writers use it so that a failure or a crash never leaves a half-written workbook under the
/// user's file name: until `commit()`, the target is untouched.
final class AtomicFile {
    let targetPath: String
    let temporaryPath: String
    private(set) var handle: UnsafeMutablePointer<FILE>?
    private var committed = false

    init(targetPath: String) throws {
        self.targetPath = targetPath
        let url = URL(fileURLWithPath: targetPath)
        let directory = url.deletingLastPathComponent().path
        var template = Array("\(directory)/.\(url.lastPathComponent).XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else {
            throw WorkbookError(.writeFailed, file: targetPath,
                                "cannot create a file in \(directory): \(String(cString: strerror(errno)))")
        }
        temporaryPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        // mkstemp creates the file 0600; a workbook is an ordinary document.
        fchmod(descriptor, 0o644)
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

    /// Hands the handle to a closer (the zip writer closes it itself); the file stays uncommitted.
    func releaseHandle() -> UnsafeMutablePointer<FILE>? {
        defer { handle = nil }
        return handle
    }

    /// Closes the handle if still held and renames the temporary onto the target.
    func commit() throws {
        if let handle {
            self.handle = nil
            let flushed = fflush(handle) == 0
            let closed = fclose(handle) == 0
            guard flushed, closed else {
                throw WorkbookError(.writeFailed, file: targetPath, "could not finish writing: \(String(cString: strerror(errno)))")
            }
        }
        guard rename(temporaryPath, targetPath) == 0 else {
            throw WorkbookError(.writeFailed, file: targetPath,
                                "could not move the finished file into place: \(String(cString: strerror(errno)))")
        }
        committed = true
    }
}
