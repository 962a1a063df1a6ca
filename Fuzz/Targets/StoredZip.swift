// Shared by the Workbook targets (sharedstrings, sheet), which read a workbook built around
// their input; scripts/fuzz.sh adds it to their build.
import CZlib

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
