import Foundation
import TestSupport
import Testing
@testable import clientimport

/// The progress bar, rendered with a fake clock and byte counts, and once for real on a
/// pseudo-terminal.
@Suite struct ProgressDisplayTests {
    @Test func theLineShowsTheShareRowsPerSecondAndTimeLeft() {
        #expect(ProgressDisplay.line(rows: 12_345, fraction: 0.25, elapsed: 10, width: 20)
                == "[#####---------------]   25%  12,345 rows  1,235 rows/s  0:30 left")
        #expect(ProgressDisplay.line(rows: 1_000_000, fraction: 0.5, elapsed: 3600, width: 10)
                == "[#####-----]   50%  1,000,000 rows  278 rows/s  1:00:00 left")
        // Unknown share: rows and rate only; done: no time left; out of range: clamped.
        #expect(ProgressDisplay.line(rows: 999, fraction: nil, elapsed: 2) == "999 rows  500 rows/s")
        #expect(ProgressDisplay.line(rows: 10, fraction: 1, elapsed: 1, width: 4) == "[####]  100%  10 rows  10 rows/s")
        #expect(ProgressDisplay.line(rows: 10, fraction: 1.7, elapsed: 1, width: 4).hasPrefix("[####]  100%"))
        #expect(ProgressDisplay.line(rows: 0, fraction: .nan, elapsed: 0) == "0 rows")
        #expect(ProgressDisplay.grouped(1_234_567) == "1,234,567")
        #expect(ProgressDisplay.duration(59.2) == "1:00")
    }

    @Test func itDrawsOnATerminalAfterASecondAtMostTenTimesASecondAndClears() {
        final class Clock: @unchecked Sendable { var time = 100.0; var written: [String] = [] }
        let clock = Clock()
        let display = ProgressDisplay(enabled: true, isTerminal: true, now: { clock.time }, write: { clock.written.append($0) })
        display.show(rows: 10, fraction: 0.1)
        #expect(clock.written.isEmpty, "drawn before a second had passed")
        clock.time += 1
        display.show(rows: 100, fraction: 0.2)
        clock.time += 0.05
        display.show(rows: 110, fraction: 0.21)
        #expect(clock.written.count == 1)
        #expect(clock.written.first?.hasPrefix("\r[") == true)
        #expect(clock.written.first?.contains(" 20%") == true)
        display.finish()
        #expect(clock.written.last == "\r\u{1B}[K")
        // Not a terminal, or --quiet: nothing.
        let quiet = Clock()
        for display in [ProgressDisplay(enabled: true, isTerminal: false, now: { quiet.time }, write: { quiet.written.append($0) }),
                        ProgressDisplay(enabled: false, isTerminal: true, now: { quiet.time }, write: { quiet.written.append($0) })] {
            quiet.time += 5
            display.show(rows: 1, fraction: 0.5)
            display.finish()
        }
        #expect(quiet.written.isEmpty)
    }

    /// The real binary on a pseudo-terminal (`script`), its JSON report piped to a file: the bar
    /// goes to the terminal only, the report stays clean. How soon the import ends depends on
    /// the machine, so the bar is checked when it appeared (after a second of work).
    @Test(.timeLimit(.minutes(2))) func aPipedImportShowsTheBarOnTheTerminalAndKeepsTheReportClean() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { return }
        let folder = try TemporaryDirectory()
        var csv = CommandLineUsabilityTests.header + "\n"
        for index in 0..<20_000 { csv += ";Client \(index);336\(String(format: "%08d", index));;;;;;;;;;;;;;;\n" }
        let file = try folder.write("big.csv", csv)
        let report = folder.file("report.json")
        let command = "'\(clientimportBinary())' import '\(file)' --max-rows unlimited --format json > '\(report)'"
        let terminal = try runProcess("/usr/bin/script", ["-qec", command, "/dev/null"],
                                      environment: ["CLIENTIMPORT_DB": folder.file("clients.sqlite")], currentDirectory: folder.path)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any]
        #expect(json?["created"] as? Int == 20_000)
        if terminal.standardOutput.contains("\r[") {
            #expect(terminal.standardOutput.contains("%"))
            #expect(terminal.standardOutput.contains("rows/s"))
            #expect(terminal.standardOutput.hasSuffix("\r\u{1B}[K"), "the bar was not cleared")
        }
    }
}
