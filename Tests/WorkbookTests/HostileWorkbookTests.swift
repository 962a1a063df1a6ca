import CZlib
import Foundation
import Testing
import TestSupport
@testable import Workbook

// Workbooks made to hurt the reader, generated here (no fixtures to trust): each must end with
// a `WorkbookError` that says what is wrong, and the reader's resident memory must not grow with
// the attack (measured by `bench read` in a process of its own). Memory is measured, time is not (no wall-clock asserts; the inputs are sized so a
// reader that does the work it should refuse would need hundreds of megabytes).

/// A zip written member by member, each able to lie about itself.
struct HostileZip {
    struct Member {
        var name: String
        var data: [UInt8] = []
        /// Deflated bytes produced by a generator (for members too large to hold in memory).
        var deflated: (compressed: [UInt8], size: UInt64, crc: UInt32)? = nil
        var deflate = false
        var localName: String? = nil
        var declaredSize: UInt64? = nil
        var declaredOffset: UInt64? = nil
        /// Writes the sizes and offset as 0xFFFFFFFF with a ZIP64 extra field holding these.
        var zip64: (size: UInt64, compressed: UInt64, offset: UInt64)? = nil
    }

    var members: [Member] = []
    /// Where the end-of-central-directory's ZIP64 locator says the ZIP64 end record is.
    var zip64EndOffset: UInt64? = nil

    mutating func add(_ name: String, _ text: String, deflate: Bool = true) {
        members.append(Member(name: name, data: Array(text.utf8), deflate: deflate))
    }

    /// A minimal workbook: one sheet "Clients" at `sheetTarget`, shared strings when given;
    /// `_rels/.rels` last, so members 0–2 stay the workbook, its relationships and the sheet.
    static func workbook(sheet: String, sharedStrings: String? = nil, sheetTarget: String = "worksheets/sheet1.xml",
                         packageRelationships: Bool = true) -> HostileZip {
        var zip = HostileZip()
        zip.add("xl/workbook.xml", #"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Clients" sheetId="1" r:id="rId1"/></sheets></workbook>"#)
        zip.add("xl/_rels/workbook.xml.rels", #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="\#(sheetTarget)"/>\#(sharedStrings == nil ? "" : sharedStringsRelationship)</Relationships>"#)
        zip.add("xl/worksheets/sheet1.xml", sheet)
        if let sharedStrings { zip.add("xl/sharedStrings.xml", sharedStrings) }
        if packageRelationships {
            zip.add("_rels/.rels", #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#)
        }
        return zip
    }

    static let sharedStringsRelationship = #"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>"#

    static func sheet(_ rows: String) -> String {
        #"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>\#(rows)</sheetData></worksheet>"#
    }

    static func crc(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, UInt32($0.count))) }
    }

    /// Raw deflate of `parts()` called until it returns nil: only the output is held in memory.
    static func deflateStream(_ parts: () -> [UInt8]?) -> (compressed: [UInt8], size: UInt64, crc: UInt32) {
        var stream = z_stream()
        precondition(czlib_deflate_init_raw(&stream, 9) == Z_OK)
        defer { deflateEnd(&stream) }
        var out: [UInt8] = []
        var size: UInt64 = 0
        var crc = UInt(crc32(0, nil, 0))
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var pending = parts()
        while true {
            let input = pending ?? []
            let finishing = pending == nil
            size += UInt64(input.count)
            input.withUnsafeBufferPointer { inBytes in
                if !inBytes.isEmpty { crc = crc32(crc, inBytes.baseAddress, UInt32(inBytes.count)) }
                stream.next_in = UnsafeMutablePointer(mutating: inBytes.baseAddress)
                stream.avail_in = UInt32(inBytes.count)
                repeat {
                    buffer.withUnsafeMutableBufferPointer { outBytes in
                        stream.next_out = outBytes.baseAddress
                        stream.avail_out = UInt32(outBytes.count)
                        _ = CZlib.deflate(&stream, finishing ? Z_FINISH : Z_NO_FLUSH)
                        out.append(contentsOf: outBytes.prefix(outBytes.count - Int(stream.avail_out)))
                    }
                } while stream.avail_out == 0
            }
            if finishing { break }
            pending = parts()
        }
        return (out, size, UInt32(crc))
    }

    func bytes() -> [UInt8] {
        var out: [UInt8] = [], directory: [UInt8] = []
        func u16(_ v: Int, _ b: inout [UInt8]) { b += [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
        func u32(_ v: UInt64, _ b: inout [UInt8]) { for k in 0..<4 { b.append(UInt8(v >> (8 * UInt64(k)) & 0xFF)) } }
        func u64(_ v: UInt64, _ b: inout [UInt8]) { u32(v & 0xFFFF_FFFF, &b); u32(v >> 32, &b) }
        for member in members {
            let method = member.deflate || member.deflated != nil ? 8 : 0
            let (payload, size, crc): ([UInt8], UInt64, UInt32)
            if let deflated = member.deflated {
                (payload, size, crc) = deflated
            } else if member.deflate {
                let once = member.data
                var given = false
                let d = Self.deflateStream { given ? nil : { given = true; return once }() }
                (payload, size, crc) = d
            } else {
                (payload, size, crc) = (member.data, UInt64(member.data.count), Self.crc(member.data))
            }
            let offset = UInt64(out.count)
            let localName = Array((member.localName ?? member.name).utf8)
            u32(0x0403_4B50, &out); u16(20, &out); u16(0, &out); u16(method, &out); u16(0, &out); u16(0, &out)
            u32(UInt64(crc), &out); u32(UInt64(payload.count), &out); u32(size, &out)
            u16(localName.count, &out); u16(0, &out); out += localName; out += payload

            let name = Array(member.name.utf8)
            var extra: [UInt8] = []
            if let z = member.zip64 { u16(1, &extra); u16(24, &extra); u64(z.size, &extra); u64(z.compressed, &extra); u64(z.offset, &extra) }
            u32(0x0201_4B50, &directory); u16(45, &directory); u16(20, &directory); u16(0, &directory); u16(method, &directory)
            u16(0, &directory); u16(0, &directory); u32(UInt64(crc), &directory)
            u32(member.zip64 != nil ? 0xFFFF_FFFF : UInt64(payload.count), &directory)
            u32(member.zip64 != nil ? 0xFFFF_FFFF : (member.declaredSize ?? size), &directory)
            u16(name.count, &directory); u16(extra.count, &directory); u16(0, &directory); u16(0, &directory); u16(0, &directory)
            u32(0, &directory); u32(member.zip64 != nil ? 0xFFFF_FFFF : (member.declaredOffset ?? offset), &directory)
            directory += name; directory += extra
        }
        let directoryOffset = UInt64(out.count)
        out += directory
        if let zip64EndOffset {
            u32(0x0706_4B50, &out); u32(0, &out); u64(zip64EndOffset, &out); u32(1, &out)
        }
        let saturated = zip64EndOffset != nil
        u32(0x0605_4B50, &out); u16(0, &out); u16(0, &out); u16(members.count, &out)
        u16(saturated ? 0xFFFF : members.count, &out)
        u32(UInt64(directory.count), &out); u32(saturated ? 0xFFFF_FFFF : directoryOffset, &out); u16(0, &out)
        return out
    }

    func write(in folder: TemporaryDirectory, _ name: String = "hostile.xlsx") throws -> String {
        let path = folder.file(name)
        try Data(bytes()).write(to: URL(fileURLWithPath: path))
        return path
    }
}

/// Reads every row of the first sheet; returns the error that stopped it (nil if none did).
func readError(path: String) -> Error? {
    do {
        let rows = try XLSXReader(path: path).rows()
        while try rows.nextRow() != nil {}
        return nil
    } catch {
        return error
    }
}

@Suite(.serialized) struct HostileWorkbookTests {
    /// What `bench read` peaks at on a small, sound workbook.
    static let baselinePeakMiB: Double = (try? benchPeakMiB(["read", "\(repositoryRoot)/examples/clients.fr.xlsx"])) ?? 0

    /// The error must be a `WorkbookError` of `kind` whose message names `words`, and reading must
    /// not have grown resident memory by more than `memoryMiB`.
    func expectRefused(_ zip: HostileZip, kind: WorkbookError.Kind, mentioning words: [String],
                       memoryMiB: Int = 64, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let folder = try TemporaryDirectory()
        let path = try zip.write(in: folder)
        let error = readError(path: path)
        // Memory is measured in a process of its own: other tests allocate in this one meanwhile.
        let growth = Int(try benchPeakMiB(["read", path]) - Self.baselinePeakMiB)
        guard let workbookError = error as? WorkbookError else {
            Issue.record("expected a WorkbookError, got \(String(describing: error))", sourceLocation: sourceLocation)
            return
        }
        #expect(workbookError.kind == kind, "\(workbookError)", sourceLocation: sourceLocation)
        for word in words {
            #expect(workbookError.description.contains(word), "\(workbookError) should mention \(word)", sourceLocation: sourceLocation)
        }
        #expect(growth <= memoryMiB, "resident memory grew by \(growth) MiB", sourceLocation: sourceLocation)
    }

    /// A deflated member of `count` repetitions of `unit` between `prefix` and `suffix`.
    static func repeated(_ name: String, prefix: String, unit: String, count: Int, suffix: String) -> HostileZip.Member {
        var state = 0
        let block = Array(String(repeating: unit, count: max(1, (1 << 20) / unit.utf8.count)).utf8)
        let perBlock = max(1, (1 << 20) / unit.utf8.count)
        var left = count
        let deflated = HostileZip.deflateStream {
            switch state {
            case 0: state = 1; return Array(prefix.utf8)
            case 1:
                if left <= 0 { state = 2; return Array(suffix.utf8) }
                let n = min(left, perBlock)
                left -= n
                return n == perBlock ? block : Array(block.prefix(n * unit.utf8.count))
            default: return nil
            }
        }
        return HostileZip.Member(name: name, deflated: deflated)
    }

    // MARK: Zip bombs

    @Test func highRatioBombIsRefusedBeforeInflating() throws {
        var zip = HostileZip.workbook(sheet: "")
        zip.members[2] = Self.repeated("xl/worksheets/sheet1.xml", prefix: "", unit: "\0\0\0\0\0\0\0\0", count: 80 << 17, suffix: "")
        #expect(zip.members[2].deflated!.size == 80 << 20)
        try expectRefused(zip, kind: .tooLarge, mentioning: ["zip bomb", "sheet1.xml"])
    }

    @Test func memberInflatingPastItsDeclaredSizeIsStopped() throws {
        var zip = HostileZip.workbook(sheet: "")
        zip.members[2] = Self.repeated("xl/worksheets/sheet1.xml", prefix: HostileZip.sheet(""), unit: "<!-- -->", count: 40 << 17, suffix: "")
        zip.members[2].declaredSize = 4096
        try expectRefused(zip, kind: .tooLarge, mentioning: ["more than the 4096 bytes", "zip bomb"])
    }

    @Test func zipInsideTheZipIsNotAWorksheet() throws {
        var inner = HostileZip.workbook(sheet: "")
        inner.members[2] = Self.repeated("xl/worksheets/sheet1.xml", prefix: "", unit: "\0\0\0\0\0\0\0\0", count: 80 << 17, suffix: "")
        var outer = HostileZip.workbook(sheet: "")
        outer.members[2] = HostileZip.Member(name: "xl/worksheets/sheet1.xml", data: inner.bytes(), deflate: true)
        try expectRefused(outer, kind: .corrupt, mentioning: ["bad XML", "sheet1.xml"])
    }

    // MARK: Lying and overlapping entries

    @Test func localHeaderNamingAnotherMemberIsRefused() throws {
        var zip = HostileZip.workbook(sheet: HostileZip.sheet(#"<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>"#))
        zip.members[2].localName = "xl/worksheets/other.xml"
        try expectRefused(zip, kind: .corrupt, mentioning: ["local header", "xl/worksheets/other.xml"])
    }

    @Test func twoEntriesOverlappingOneLocalHeaderAreRefused() throws {
        // The sheet's directory entry points at the workbook part's bytes (an overlapping zip).
        var zip = HostileZip.workbook(sheet: HostileZip.sheet(""))
        zip.members[2].declaredOffset = 0
        try expectRefused(zip, kind: .corrupt, mentioning: ["local header"])
    }

    @Test func directoryOffsetPastTheEndIsRefused() throws {
        var zip = HostileZip.workbook(sheet: HostileZip.sheet(""))
        zip.members[2].declaredOffset = 0x7FFF_FFF0
        try expectRefused(zip, kind: .corrupt, mentioning: ["past the end"])
    }

    // MARK: ZIP64 lies

    @Test func zip64EndRecordPastTheEndIsRefused() throws {
        // Found by the zip fuzzer: an offset beyond Int64.max trapped converting to off_t.
        for offset: UInt64 in [0xD800_0000_0000_1000, 1 << 40, UInt64.max] {
            var zip = HostileZip.workbook(sheet: HostileZip.sheet(""))
            zip.zip64EndOffset = offset
            try expectRefused(zip, kind: .corrupt, mentioning: ["past the end"])
        }
    }

    @Test func zip64SizesThatLieAreRefused() throws {
        var huge = HostileZip.workbook(sheet: HostileZip.sheet(""))
        huge.members[2].zip64 = (size: 1 << 62, compressed: 100, offset: 0)
        try expectRefused(huge, kind: .tooLarge, mentioning: ["zip bomb"])

        var offset = HostileZip.workbook(sheet: HostileZip.sheet(""))
        offset.members[2].zip64 = (size: 100, compressed: 100, offset: UInt64.max - 10)
        try expectRefused(offset, kind: .corrupt, mentioning: ["past the end"])

        var compressed = HostileZip.workbook(sheet: HostileZip.sheet(""))
        compressed.members[2].zip64 = (size: 100, compressed: UInt64.max - 10, offset: 0)
        try expectRefused(compressed, kind: .corrupt, mentioning: [])
    }

    // MARK: XML attacks

    @Test func billionLaughsIsRefused() throws {
        let laughs = #"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;"><!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;"><!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;"><!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;"><!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;"><!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>"#
        try expectRefused(.workbook(sheet: laughs + HostileZip.sheet(#"<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>"#)),
                          kind: .corrupt, mentioning: ["DOCTYPE", "sheet1.xml"])
        try expectRefused(.workbook(sheet: HostileZip.sheet(#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#),
                                    sharedStrings: laughs + "<sst><si><t>&lol9;</t></si></sst>"),
                          kind: .corrupt, mentioning: ["DOCTYPE", "sharedStrings.xml"])
    }

    @Test func externalEntitiesAreNeverRead() throws {
        let folder = try TemporaryDirectory()
        let secret = try folder.write("secret.txt", "TOP-SECRET-CLIENT-LIST")
        for doctype in [#"<!DOCTYPE w [<!ENTITY xxe SYSTEM "file://\#(secret)">]>"#,
                        #"<!DOCTYPE w [<!ENTITY % p SYSTEM "file://\#(secret)"> %p;]>"#,
                        #"<!DOCTYPE w SYSTEM "http://127.0.0.1:9/evil.dtd">"#] {
            let sheet = doctype + HostileZip.sheet(#"<row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row>"#)
            let path = try HostileZip.workbook(sheet: sheet).write(in: folder)
            let error = readError(path: path)
            #expect((error as? WorkbookError)?.kind == .corrupt)
            #expect(!"\(String(describing: error))".contains("TOP-SECRET"))
            #expect("\(String(describing: error))".contains("DOCTYPE"))
        }
        // Without a DOCTYPE an entity is simply undefined: an XML error, never a file read.
        let path = try HostileZip.workbook(sheet: HostileZip.sheet(#"<row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row>"#)).write(in: folder)
        let error = readError(path: path)
        #expect((error as? WorkbookError)?.kind == .corrupt)
        #expect(!"\(String(describing: error))".contains("TOP-SECRET"))
    }

    @Test func deepNestingIsRefused() throws {
        var zip = HostileZip.workbook(sheet: "")
        zip.members[2] = Self.repeated("xl/worksheets/sheet1.xml", prefix: #"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is>"#,
                                       unit: "<r>", count: 1_000_000, suffix: "")
        try expectRefused(zip, kind: .corrupt, mentioning: ["bad XML"])
    }

    // MARK: Sizes beyond a worksheet

    @Test func hundredMegabyteInlineStringIsRefused() throws {
        var zip = HostileZip.workbook(sheet: "")
        zip.members[2] = Self.repeated("xl/worksheets/sheet1.xml", prefix: HostileZip.sheet("").replacingOccurrences(of: "</sheetData></worksheet>", with: "") + #"<row r="1"><c r="A1" t="inlineStr"><is><t>"#,
                                       unit: "abcdefghij", count: 10_000_000, suffix: "</t></is></c></row></sheetData></worksheet>")
        try expectRefused(zip, kind: .corrupt, mentioning: ["A1", "32,767 characters"])
    }

    @Test func hundredMegabyteSharedStringIsRefused() throws {
        var zip = HostileZip.workbook(sheet: HostileZip.sheet(#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#))
        zip.members.append(Self.repeated("xl/sharedStrings.xml", prefix: "<sst><si><t>", unit: "abcdefghij", count: 10_000_000, suffix: "</t></si></sst>"))
        zip.members[1].data = Array(String(decoding: zip.members[1].data, as: UTF8.self).replacingOccurrences(of: "</Relationships>",
            with: #"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#).utf8)
        try expectRefused(zip, kind: .corrupt, mentioning: ["shared string 0", "32,767 characters"])
    }

    @Test func millionColumnsInOneRowAreRefused() throws {
        var zip = HostileZip.workbook(sheet: "")
        zip.members[2] = Self.repeated("xl/worksheets/sheet1.xml", prefix: HostileZip.sheet("").replacingOccurrences(of: "</sheetData></worksheet>", with: "") + #"<row r="1">"#,
                                       unit: "<c><v>1</v></c>", count: 1_000_000, suffix: "</row></sheetData></worksheet>")
        try expectRefused(zip, kind: .corrupt, mentioning: ["row 1", "beyond column XFD"])
    }

    @Test(arguments: ["XFD1048577", "A0", "XFE1", "AAAAAAAAAAAAAAAAAAAAAAAA1", "A99999999999999999999", "A-1"])
    func cellReferenceOutOfRangeIsRefused(reference: String) throws {
        let zip = HostileZip.workbook(sheet: HostileZip.sheet(#"<row r="1"><c r="\#(reference)"><v>1</v></c></row>"#))
        try expectRefused(zip, kind: .corrupt, mentioning: ["cell reference \"\(reference)\"", "outside a worksheet"])
    }

    @Test(arguments: ["0", "1048577", "99999999999999999999", "-3", "x"])
    func rowNumberOutOfRangeIsRefused(number: String) throws {
        let zip = HostileZip.workbook(sheet: HostileZip.sheet(#"<row r="\#(number)"><c><v>1</v></c></row>"#))
        try expectRefused(zip, kind: .corrupt, mentioning: ["row \"\(number)\"", "not a row number"])
    }

    @Test func lastCellOfAWorksheetIsStillRead() throws {
        let folder = try TemporaryDirectory()
        let path = try HostileZip.workbook(sheet: HostileZip.sheet(#"<row r="1048576"><c r="XFD1048576"><v>7</v></c></row>"#)).write(in: folder)
        let rows = try XLSXReader(path: path).rows()
        let row = try #require(try rows.nextRow())
        #expect(row.number == 1_048_576 && row.cells.count == 16_384)
    }

    // MARK: Bad text

    @Test func invalidUTF8IsRefused() throws {
        var zip = HostileZip.workbook(sheet: "")
        zip.members[2].data = Array(HostileZip.sheet(#"<row r="1"><c r="A1" t="inlineStr"><is><t>ab"#).utf8) + [0xC3, 0x28, 0xFF]
            + Array("</t></is></c></row>".utf8)
        try expectRefused(zip, kind: .corrupt, mentioning: ["bad XML", "sheet1.xml"])
    }

    @Test func loneSurrogatesBecomeReplacementCharactersWithAWarning() throws {
        // Refused until Excel, LibreOffice and openpyxl were seen to open such files: now read
        // as U+FFFD, with a warning naming the cell (more in `ToleratedDamageTests`).
        let folder = try TemporaryDirectory()
        let inline = try readSheet(try HostileZip.workbook(sheet: HostileZip.sheet(#"<row r="2"><c r="B2" t="inlineStr"><is><t>Jo_xD800_hn</t></is></c></row>"#)).write(in: folder, "inline.xlsx"))
        #expect(inline.cells == [[], ["", "Jo\u{FFFD}hn"]])
        #expect(inline.warnings.map(\.description).contains { $0.contains("B2") && $0.contains("surrogate") })
        let zip = HostileZip.workbook(sheet: HostileZip.sheet(#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#),
                                      sharedStrings: "<sst><si><t>x_xDC00__xD800_</t></si></sst>")
        let shared = try readSheet(try zip.write(in: folder, "shared.xlsx"))
        #expect(shared.cells == [["x\u{FFFD}\u{FFFD}"]])
        #expect(shared.warnings.map(\.description).contains { $0.contains("shared string 0") && $0.contains("surrogate") })
        // A proper pair is a character.
        let path = try HostileZip.workbook(sheet: HostileZip.sheet(#"<row r="1"><c r="A1" t="inlineStr"><is><t>_xD83D__xDE00_</t></is></c></row>"#)).write(in: folder)
        #expect(try XLSXReader(path: path).rows().nextRow()?.cells == [.text("😀")])
    }

    // MARK: Broken references

    @Test(arguments: ["5", "99999999999999999999", "-1", "x"])
    func sharedStringIndexOutOfRangeIsRefused(index: String) throws {
        try expectRefused(.workbook(sheet: HostileZip.sheet(#"<row r="3"><c r="C3" t="s"><v>\#(index)</v></c></row>"#),
                                    sharedStrings: "<sst><si><t>only</t></si></sst>"),
                          kind: .corrupt, mentioning: ["C3", "shared string"])
    }

    @Test func sheetReferencingAMissingPartIsRefused() throws {
        try expectRefused(.workbook(sheet: HostileZip.sheet(""), sheetTarget: "worksheets/elsewhere.xml"),
                          kind: .corrupt, mentioning: ["Clients", "xl/worksheets/elsewhere.xml", "missing"])
        try expectRefused(.workbook(sheet: HostileZip.sheet(""), sheetTarget: "../../../../etc/passwd"),
                          kind: .corrupt, mentioning: ["missing"])
    }
}
