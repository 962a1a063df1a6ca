// libFuzzer target: the input is a whole .xlsx file (zip reader, then every part the reader
// opens: workbook, rels, styles, shared strings, the first sheet's rows).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzZip(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let path = scratchFile(data, size, suffix: ".xlsx")
    if let archive = try? ZipArchive(path: path) {
        for entry in archive.entries.prefix(16) {
            guard let stream = try? archive.open(entry) else { continue }
            while let chunk = try? stream.next(), chunk.count > 0 {}
        }
    }
    if let reader = try? XLSXReader(path: path), let rows = try? reader.rows() {
        while let row = try? rows.nextRow() { _ = row.cells.count }
    }
    return 0
}
