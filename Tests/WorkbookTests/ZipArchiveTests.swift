import Testing
@testable import Workbook

@Suite struct ZipArchiveTests {
    @Test(arguments: ["edge.xlsx", "strict-zip64.xlsx", "zip64-descriptor.xlsx", "openpyxl.xlsx"])
    func readsEveryMemberWithChecksums(file: String) throws {
        let zip = try ZipArchive(path: fixture(file))
        #expect(zip.entry(named: "xl/workbook.xml") != nil)
        #expect(zip.entry(named: "XL/Workbook.xml") != nil)
        for entry in zip.entries {
            let bytes = try zip.readAll(entry)
            #expect(UInt64(bytes.count) == entry.uncompressedSize)
        }
    }

    @Test func zip64FieldsAreRead() throws {
        let zip = try ZipArchive(path: fixture("strict-zip64.xlsx"))
        #expect(zip.entries.count == 11)
        #expect(zip.entries.allSatisfy { $0.uncompressedSize != 0xFFFF_FFFF && $0.localHeaderOffset != 0xFFFF_FFFF })
    }

    @Test func largeMembersStreamInChunks() throws {
        let zip = try ZipArchive(path: fixture("zip-bomb-lying.xlsx"))
        let stream = try zip.open(zip.entry(named: "xl/workbook.xml")!)
        var total = 0
        while let chunk = try stream.next() {
            #expect(chunk.count <= ZipEntryStream.chunkSize)
            total += chunk.count
        }
        #expect(total > 0)
    }
}
