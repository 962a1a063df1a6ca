import Foundation
import Importer

/// A one-line progress display on standard error, shown only on a terminal and only once an
/// import has run for a second, so short imports and pipes stay quiet.
final class ProgressDisplay: @unchecked Sendable {
    private let enabled: Bool
    private let started = ContinuousClock.now
    private let lock = NSLock()
    private var shown = false

    init(enabled: Bool) {
        self.enabled = enabled && isatty(STDERR_FILENO) == 1 && isatty(STDOUT_FILENO) == 1
    }

    func show(_ progress: ImportProgress) {
        guard enabled, ContinuousClock.now - started > .seconds(1) else { return }
        lock.withLock {
            shown = true
            let line = "\r\(progress.rowsRead) rows read, \(progress.rowsChecked) checked, \(progress.rowsWritten) written"
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    /// Clears the line so the summary starts on a clean one.
    func finish() {
        lock.withLock {
            if shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        }
    }
}
