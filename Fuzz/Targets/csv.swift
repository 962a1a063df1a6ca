// libFuzzer target: the input is a CSV file (encoding and delimiter detection, quoting, rows).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let path = scratchFile(data, size, suffix: ".csv")
    if let reader = try? CSVReader(path: path) {
        var rows = 0
        while let row = try? reader.nextRow(), rows < 100_000 { _ = row.cells.map { "\($0)" }; rows += 1 }
    }
    return 0
}
