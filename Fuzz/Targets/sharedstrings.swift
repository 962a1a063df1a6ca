// libFuzzer target: the input is a shared-string part, packed as `xl/sharedStrings.xml` into a
// minimal stored workbook whose sheet points at the first strings.
#if canImport(Glibc)
import Glibc
#endif
import CZlib

private let workbookXML = Array(#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>"#.utf8)
private let relsXML = Array(#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#.utf8)
private let sheetXML = Array(#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row></sheetData></worksheet>"#.utf8)

/// A zip of stored members (no compression), enough for the reader.
func storedZip(_ members: [(String, [UInt8])]) -> [UInt8] {
    var out: [UInt8] = [], directory: [UInt8] = []
    func u16(_ v: Int, _ b: inout [UInt8]) { b += [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
    func u32(_ v: UInt32, _ b: inout [UInt8]) { for k in 0..<4 { b.append(UInt8(v >> (8 * UInt32(k)) & 0xFF)) } }
    for (name, bytes) in members {
        let crc = bytes.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, UInt32($0.count))) }
        let offset = UInt32(out.count)
        u32(0x0403_4B50, &out); u16(20, &out); u16(0, &out); u16(0, &out); u16(0, &out); u16(0, &out)
        u32(crc, &out); u32(UInt32(bytes.count), &out); u32(UInt32(bytes.count), &out)
        u16(name.utf8.count, &out); u16(0, &out); out += name.utf8; out += bytes
        u32(0x0201_4B50, &directory); u16(20, &directory); u16(20, &directory); u16(0, &directory); u16(0, &directory)
        u16(0, &directory); u16(0, &directory); u32(crc, &directory); u32(UInt32(bytes.count), &directory)
        u32(UInt32(bytes.count), &directory); u16(name.utf8.count, &directory); u16(0, &directory); u16(0, &directory)
        u16(0, &directory); u16(0, &directory); u32(0, &directory); u32(offset, &directory); directory += name.utf8
    }
    let directoryOffset = UInt32(out.count)
    out += directory
    u32(0x0605_4B50, &out); u16(0, &out); u16(0, &out); u16(members.count, &out); u16(members.count, &out)
    u32(UInt32(directory.count), &out); u32(directoryOffset, &out); u16(0, &out)
    return out
}

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
