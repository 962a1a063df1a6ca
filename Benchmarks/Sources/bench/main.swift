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
/// `bench rules FILE [--db BASE] [--rules RULES]`: checks every row of a template-layout file with
/// the default rule set, or RULES (a name or a path, e.g. `Benchmarks/rules/lua-checks`,
/// which adds a Lua `validate` and a `validate_row`; `--checker lua` checks all in Lua, as before
/// the stock types ran natively), the catalog — marketing sources, price
/// types, custom fields — from BASE, timing only the checks (rows handed over as cell texts,
/// typed fields back), and prints
/// `rows R seconds S rows/s X peak-rss-mib P rows-with-errors E warnings W cpu-seconds C cpu-rows/s Y`
/// (C: the checking thread's CPU time, which a busy machine does not inflate as it does S);
/// `SEGMENT_ROWS=100000` also prints the cpu-rows/s of each 100,000 rows to standard error.
///
/// `bench native FILE [--db BASE]`: the same file's stock-type checks done natively
/// (`NativeColumnChecker`, no Lua), every column of every 1,000-row batch, timed in CPU seconds
/// of the checking thread; prints `rows R cells C cpu-seconds S rows/s X rows-with-errors E`.
/// `PASSES=N` repeats the checks N times (for a profiler) and reports the mean pass.
///
/// `bench write ROWS FILE`: streams ROWS rows of six typed cells (text, exact decimal, phone,
/// boolean, date, email with a comment every 1,000 rows) through `XLSXWriter` and prints
/// `rows R seconds S peak-rss-mib P`; a test compares the peaks at 10,000 and 100,000 rows.
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

/// Reports the error with the peak memory reached so far (tests read both) and exits.
func fail(_ message: String) -> Never {
    let peak = peakRSSBytes().map { String(format: "%.1f", Double($0) / 1_048_576) } ?? "?"
    FileHandle.standardError.write(Data("bench: \(message)\npeak-rss-mib \(peak)\n".utf8))
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

func rules(_ path: String, base: String?, ruleSet: String?, allLua: Bool) {
    do {
        let catalog = try base.map { try SQLiteClientStore(path: $0).catalog() } ?? Catalog()
        let result = try RulesBenchmark.run(path: path, catalog: catalog, ruleSet: ruleSet ?? "remonline", allLua: allLua)
        let peak = peakRSSBytes().map { String(format: "%.1f", Double($0) / 1_048_576) } ?? "?"
        print("rows \(result.rows) seconds \(String(format: "%.3f", result.seconds)) rows/s \(Int(Double(result.rows) / result.seconds)) peak-rss-mib \(peak) rows-with-errors \(result.rowsWithErrors) warnings \(result.warnings) cpu-seconds \(String(format: "%.3f", result.cpuSeconds)) cpu-rows/s \(Int(Double(result.rows) / result.cpuSeconds))")
        if let first = result.firstError { FileHandle.standardError.write(Data("bench: first error: \(first)\n".utf8)) }
        // SEGMENT_ROWS=N: the checks' cpu-rows/s of each N rows (a multiple of 10,000), in file order.
        if let segment = Int(ProcessInfo.processInfo.environment["SEGMENT_ROWS"] ?? ""), segment >= 10_000 {
            let perSegment = segment / 10_000
            let rates = stride(from: 0, to: result.chunks.count, by: perSegment).map { start in
                let chunks = result.chunks[start..<min(start + perSegment, result.chunks.count)]
                return String(Int(Double(chunks.reduce(0) { $0 + $1.rows }) / chunks.reduce(0) { $0 + $1.cpuSeconds }))
            }
            FileHandle.standardError.write(Data("bench: cpu-rows/s per \(segment) rows: \(rates.joined(separator: " "))\n".utf8))
        }
    } catch {
        fail("\(error)")
    }
}

func native(_ path: String, base: String?) {
    do {
        let catalog = try base.map { try SQLiteClientStore(path: $0).catalog() } ?? Catalog()
        let passes = Int(ProcessInfo.processInfo.environment["PASSES"] ?? "") ?? 1
        let result = try NativeChecksBenchmark.run(path: path, catalog: catalog, passes: passes)
        print("rows \(result.rows) cells \(result.cells) cpu-seconds \(String(format: "%.3f", result.seconds)) rows/s \(Int(Double(result.rows) / result.seconds)) rows-with-errors \(result.rowsWithErrors)")
        if let first = result.firstError { FileHandle.standardError.write(Data("bench: first error: \(first)\n".utf8)) }
    } catch {
        fail("\(error)")
    }
}

func write(rows: Int, to path: String) {
    do {
        let clock = ContinuousClock()
        let start = clock.now
        let writer = try XLSXWriter(path: path)
        try writer.beginSheet(SheetLayout(name: "Clients", frozenHeaderRows: 1))
        for index in 1...rows {
            try writer.write(row: [
                OutputCell(.text("Client number \(index) — Клиент")),
                OutputCell(.number(NumberCell(literal: "\(index).25"))),
                OutputCell(.text("+380 50 \(index)")),
                OutputCell(.bool(index % 2 == 0)),
                OutputCell(.date(CellDate(year: 2020, month: 1 + index % 12, day: 1 + index % 28))),
                OutputCell(.text("client\(index)@example.com"), comment: index % 1000 == 0 ? "comment \(index)" : nil),
            ])
        }
        try writer.endSheet()
        try writer.close()
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let peak = peakRSSBytes().map { String(format: "%.1f", Double($0) / 1_048_576) } ?? "?"
        print("rows \(rows) seconds \(String(format: "%.3f", seconds)) peak-rss-mib \(peak)")
    } catch {
        fail("\(error)")
    }
}

let arguments = Array(CommandLine.arguments.dropFirst())
switch (arguments.first, arguments.count) {
case ("read", 2): read(arguments[1])
case ("write", 3): write(rows: Int(arguments[1]) ?? 0, to: arguments[2])
case ("rules", 2...):
    // Options after FILE, each with its value.
    var options: [String: String] = [:]
    let usage = "usage: bench rules FILE [--db BASE] [--rules RULES] [--checker hybrid|lua]"
    guard arguments.count % 2 == 0 else { fail(usage) }
    for index in stride(from: 2, to: arguments.count, by: 2) { options[arguments[index]] = arguments[index + 1] }
    guard Set(options.keys).isSubset(of: ["--db", "--rules", "--checker"]), ["hybrid", "lua", nil].contains(options["--checker"]) else { fail(usage) }
    rules(arguments[1], base: options["--db"], ruleSet: options["--rules"], allLua: options["--checker"] == "lua")
case ("native", 2): native(arguments[1], base: nil)
case ("native", 4) where arguments[2] == "--db": native(arguments[1], base: arguments[3])
default: fail("usage: bench read FILE | bench rules FILE [--db BASE] [--rules RULES] [--checker hybrid|lua] | bench native FILE [--db BASE] | bench write ROWS FILE")
}
