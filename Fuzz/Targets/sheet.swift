// libFuzzer target: the input is a worksheet part (`xl/worksheets/sheet1.xml`), fed to the SAX
// handler in small chunks so that elements and escapes straddle chunk boundaries.
private let strings = ["Name", "Phone", "", "_x0041_", "long string"]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSheet(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let handler = SheetHandler(file: "fuzz.xlsx", part: "xl/worksheets/sheet1.xml", sharedStrings: strings,
                               formats: NumberFormats.empty, date1904: size % 2 == 0)
    let parser = XMLPushParser(handler: handler, file: "fuzz.xlsx", part: "xl/worksheets/sheet1.xml")
    var offset = 0
    let chunk = 1 + Int(size > 0 ? data[0] : 0) * 4
    do {
        while offset < size {
            let n = min(chunk, size - offset)
            try parser.feed(UnsafeBufferPointer(start: data + offset, count: n), last: false)
            offset += n
            if handler.error != nil { break }
            for row in handler.rows { _ = row.cells.map { "\($0)" } }
            handler.rows.removeAll(keepingCapacity: true)
        }
        try parser.feed(UnsafeBufferPointer(start: nil, count: 0), last: true)
    } catch {
        _ = String(describing: error)
    }
    withExtendedLifetime(handler) {}
    return 0
}
