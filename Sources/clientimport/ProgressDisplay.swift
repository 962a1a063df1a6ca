import Foundation
import Importer

/// A progress bar on standard error for long imports, exports and conversions: shown only when
/// standard error is a terminal (whatever standard output is: a piped `--format json` stays
/// clean, as the bar never goes there), only once the work has run for a second, and redrawn at
/// most ten times a second.
final class ProgressDisplay: @unchecked Sendable {
    private let enabled: Bool
    private let now: () -> Double
    private let write: (String) -> Void
    private let started: Double
    private let lock = NSLock()
    private var shown = false
    private var lastDrawn = -Double.infinity

    /// `now` (seconds) and `write` are the clock and standard error, replaceable for tests.
    init(enabled: Bool, isTerminal: Bool = isatty(STDERR_FILENO) == 1,
         now: @escaping () -> Double = { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 },
         write: @escaping (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.enabled = enabled && isTerminal
        self.now = now
        self.write = write
        started = now()
    }

    func show(_ progress: ImportProgress) {
        show(rows: progress.rowsRead, fraction: progress.fractionRead)
    }

    /// `rows` handled so far and the share of the input consumed, when known.
    func show(rows: Int, fraction: Double?) {
        guard enabled else { return }
        lock.withLock {
            let time = now()
            guard time - started >= 1, time - lastDrawn >= 0.1 else { return }
            lastDrawn = time
            shown = true
            write("\r" + Self.line(rows: rows, fraction: fraction, elapsed: time - started) + "\u{1B}[K")
        }
    }

    /// Clears the line so the summary starts on a clean one.
    func finish() {
        lock.withLock {
            if shown { write("\r\u{1B}[K") }
            shown = false
        }
    }

    /// `[#########---------------]  37%  12,345 rows  2,057 rows/s  0:10 left`; without a
    /// fraction, the rows and the rate only.
    static func line(rows: Int, fraction: Double?, elapsed: Double, width: Int = 24) -> String {
        var parts: [String] = []
        if let fraction, fraction.isFinite {
            let share = min(max(fraction, 0), 1)
            let filled = Int((share * Double(width)).rounded(.down))
            parts.append("[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "]")
            parts.append(String(format: "%3d%%", Int((share * 100).rounded(.down))))
        }
        parts.append("\(grouped(rows)) rows")
        if elapsed > 0 { parts.append("\(grouped(Int((Double(rows) / elapsed).rounded()))) rows/s") }
        if let fraction, fraction.isFinite, fraction >= 0.01, fraction < 1, elapsed > 0 {
            parts.append(duration(elapsed * (1 - fraction) / fraction) + " left")
        }
        return parts.joined(separator: "  ")
    }

    /// 12345 as `12,345`.
    static func grouped(_ number: Int) -> String {
        let digits = String(number)
        var result = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0, character != "-" { result.append(",") }
            result.append(character)
        }
        return result
    }

    /// Seconds as `0:07`, `12:30` or `2:05:00`.
    static func duration(_ seconds: Double) -> String {
        let total = Int(min(seconds, 359_999).rounded(.up))
        let (hours, minutes, secs) = (total / 3600, total / 60 % 60, total % 60)
        return hours > 0 ? String(format: "%d:%02d:%02d", hours, minutes, secs) : String(format: "%d:%02d", minutes, secs)
    }
}
