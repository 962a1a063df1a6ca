// libFuzzer target: the input is a worksheet part (`xl/worksheets/sheet1.xml`). It is read twice:
// packed into a stored workbook and read through `XLSXReader` (the byte scanner, and libxml2 for
// what the scanner hands over), then fed to the libxml2 SAX handler alone in small chunks, so that
// elements and escapes straddle chunk boundaries.
private let strings = try! SharedStrings(["Name", "Phone", "", "_x0041_", "long string"])
private let workbookXML = Array(#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>"#.utf8)
private let relsXML = Array(#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#.utf8)
private let sharedStringsXML = Array(#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="5" uniqueCount="5"><si><t>Name</t></si><si><t>Phone</t></si><si><t></t></si><si><t>_x0041_</t></si><si><t>long string</t></si></sst>"#.utf8)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSheet(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let zip = storedZip([("xl/workbook.xml", workbookXML), ("xl/_rels/workbook.xml.rels", relsXML),
                         ("xl/worksheets/sheet1.xml", input), ("xl/sharedStrings.xml", sharedStringsXML)])
    let path = zip.withUnsafeBufferPointer { scratchFile($0.baseAddress!, $0.count, suffix: ".xlsx") }
    if let reader = try? XLSXReader(path: path), let rows = try? reader.rows() {
        while let row = try? rows.nextRow() { _ = row.cells.map { "\($0)" } }
    }

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
        try parser.feed(UnsafeBufferPointer<UInt8>(start: nil, count: 0), last: true)
    } catch {
        _ = String(describing: error)
    }
    withExtendedLifetime(handler) {}
    return 0
}
