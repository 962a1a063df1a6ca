import ClientBase
import Foundation
@_spi(Benchmark) import Importer
import Workbook
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `bench read FILE`: reads every cell of the first visible sheet (XLSX or CSV) and prints
/// one line `rows cells seconds rows/s peak-RSS`, the figures `Benchmarks/run-reader.sh` tabulates.
///
/// `bench rules FILE [--db BASE]`: checks every row of a template-layout file with the default
/// rule set (the catalog — marketing sources, price types, custom fields — from BASE), timing
/// only the checks (rows handed to Lua, typed fields back), and prints
/// `rows R seconds S rows/s X peak-rss-mib P rows-with-errors E warnings W`.
///
/// Every cell is materialised as a `Cell` and touched (its case is counted), so the reader
/// cannot skip work the importer would need.

/// Peak resident set size in bytes (`VmHWM` of `/proc/self/status`), or nil off Linux.
func peakRSSBytes() -> Int? {
    guard let file = fopen("/proc/self/status", "r") else { return nil }
    defer { fclose(file) }
    var line = [CChar](repeating: 0, count: 256)
    while fgets(&line, Int32(line.count), file) != nil {
        let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if text.hasPrefix("VmHWM:") {
            let digits = text.dropFirst(6).filter { $0.isNumber }
            return Int(digits).map { $0 * 1024 }
        }
    }
    return nil
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("bench: \(message)\n".utf8))
    exit(64)
}

func read(_ path: String) {
    let clock = ContinuousClock()
    let start = clock.now
    var rows = 0, cells = 0, textBytes = 0
    do {
        let reader = try WorkbookFile.openRows(path: path)
        while let row = try reader.nextRow() {
            rows += 1
            for cell in row.cells {
                switch cell {
                case .empty: continue
                case .text(let s): textBytes &+= s.utf8.count
                default: break
                }
                cells += 1
            }
        }
    } catch {
        fail("\(error)")
    }
    let elapsed = clock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let peak = peakRSSBytes().map { String(format: "%.1f", Double($0) / 1_048_576) } ?? "?"
    print("rows \(rows) cells \(cells) seconds \(String(format: "%.3f", seconds)) rows/s \(Int(Double(rows) / seconds)) peak-rss-mib \(peak) text-bytes \(textBytes)")
}

func rules(_ path: String, base: String?) {
    do {
        let catalog = try base.map { try SQLiteClientStore(path: $0).catalog() } ?? Catalog()
        let result = try RulesBenchmark.run(path: path, catalog: catalog)
        let peak = peakRSSBytes().map { String(format: "%.1f", Double($0) / 1_048_576) } ?? "?"
        print("rows \(result.rows) seconds \(String(format: "%.3f", result.seconds)) rows/s \(Int(Double(result.rows) / result.seconds)) peak-rss-mib \(peak) rows-with-errors \(result.rowsWithErrors) warnings \(result.warnings)")
        if let first = result.firstError { FileHandle.standardError.write(Data("bench: first error: \(first)\n".utf8)) }
    } catch {
        fail("\(error)")
    }
}

let arguments = Array(CommandLine.arguments.dropFirst())
switch (arguments.first, arguments.count) {
case ("read", 2): read(arguments[1])
case ("rules", 2): rules(arguments[1], base: nil)
case ("rules", 4) where arguments[2] == "--db": rules(arguments[1], base: arguments[3])
default: fail("usage: bench read FILE | bench rules FILE [--db BASE]")
}
