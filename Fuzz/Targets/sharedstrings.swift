// libFuzzer target: the input is a shared-string part, packed as `xl/sharedStrings.xml` into a
// minimal stored workbook whose sheet points at the first strings.
#if canImport(Glibc)
import Glibc
#endif

private let workbookXML = Array(#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>"#.utf8)
private let relsXML = Array(#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#.utf8)
private let sheetXML = Array(#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row></sheetData></worksheet>"#.utf8)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSharedStrings(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let zip = storedZip([("xl/workbook.xml", workbookXML), ("xl/_rels/workbook.xml.rels", relsXML),
                         ("xl/worksheets/sheet1.xml", sheetXML),
                         ("xl/sharedStrings.xml", Array(UnsafeBufferPointer(start: data, count: size)))])
    let path = zip.withUnsafeBufferPointer { scratchFile($0.baseAddress!, $0.count, suffix: ".xlsx") }
    if let reader = try? XLSXReader(path: path), let rows = try? reader.rows() {
        while let row = try? rows.nextRow() { _ = row.cells.map { "\($0)" } }
    }
    return 0
}
