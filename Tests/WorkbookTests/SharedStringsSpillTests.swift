import Foundation
import Testing
@testable import Workbook

/// A shared-string table past its memory limit keeps its text in an unlinked temporary file
/// and reads it back through a per-reader block cache.
@Suite struct SharedStringsSpillTests {
    /// 20,000 strings, about 600 KB of text: many 64 KiB blocks, some strings across a block
    /// boundary, Cyrillic and emoji split anywhere, and empty strings.
    static let strings: [String] = (0..<20_000).map { i in
        switch i % 5 {
        case 0: ""
        case 1: "Клієнт №\(i) — вул. Шевченка \(i % 300) 😀"
        case 2: String(repeating: "x", count: i % 97) + "\(i)"
        default: "client\(i)@example.com"
        }
    }

    @Test func aSpilledTableReadsBackEveryStringInOrder() throws {
        let table = try SharedStrings(Self.strings, memoryLimit: 4096)
        #expect(table.isSpilled)
        #expect(table.count == Self.strings.count)
        let cache = SharedStringsCache()
        #expect((0..<table.count).map { table.string(at: $0, cache: cache) } == Self.strings)
    }

    /// Lookups all over the table miss the cache; past enough misses it reads the text whole
    /// and still answers every lookup right.
    @Test func lookupsInRandomOrderAreRightToo() throws {
        // About 8 MB of text: twice what the cache holds.
        let strings = (0..<50_000).map { "\($0) " + String(repeating: "Клієнт ", count: 12) }
        let table = try SharedStrings(strings, memoryLimit: 4096)
        var generator = SystemRandomNumberGenerator()
        let order = (0..<60_000).map { _ in Int.random(in: 0..<strings.count, using: &generator) }
        let cache = SharedStringsCache()
        var wrong = 0
        for index in order where table.string(at: index, cache: cache) != strings[index] { wrong += 1 }
        #expect(wrong == 0)
        #expect(cache.holdsWholeText)
        let sequential = SharedStringsCache()
        #expect((0..<table.count).allSatisfy { table.string(at: $0, cache: sequential) == strings[$0] })
        #expect(!sequential.holdsWholeText)
    }

    /// A sheet walks the table front to back while going back to the frequent strings at its
    /// start on every row: each block is read once, not once per row (the frequent block and
    /// the walk's block used to evict each other whenever they fell on the same cache slot).
    @Test func theWalkAndTheFrequentStringsDoNotEvictEachOther() throws {
        // About 8 MB of text: 125 blocks, twice what the cache holds.
        let strings = (0..<50_000).map { "\($0) " + String(repeating: "Клієнт ", count: 12) }
        let table = try SharedStrings(strings, memoryLimit: 4096)
        let cache = SharedStringsCache()
        for index in 0..<strings.count {
            #expect(table.string(at: index, cache: cache) == strings[index])
            #expect(table.string(at: index % 7, cache: cache) == strings[index % 7])
        }
        #expect(!cache.holdsWholeText)
        #expect(cache.misses < 140, "\(cache.misses) blocks read for a table of about 125")
    }

    /// Strings far behind the walk (repeats such as discount-card numbers) are read from their
    /// 4 KiB page, not a 64 KiB block each, and come back right wherever they lie in it.
    @Test func repeatsFarBehindTheWalkComeFromPages() throws {
        let strings = (0..<50_000).map { "\($0) " + String(repeating: "Клієнт ", count: 12) }
        let table = try SharedStrings(strings, memoryLimit: 4096)
        let cache = SharedStringsCache()
        var state: UInt64 = 7
        var wrong = 0
        for index in 0..<strings.count {
            if table.string(at: index, cache: cache) != strings[index] { wrong += 1 }
            if index > 20_000 && index % 10 == 0 {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let back = Int(state >> 33) % (index - 15_000)
                if table.string(at: back, cache: cache) != strings[back] { wrong += 1 }
            }
        }
        #expect(wrong == 0)
        #expect(!cache.holdsWholeText)
        #expect(cache.pagesRead > 200, "\(cache.pagesRead) pages read")
    }

    @Test func aSmallTableStaysInMemory() throws {
        let table = try SharedStrings(Array(Self.strings.prefix(100)))
        #expect(!table.isSpilled)
        #expect(table.string(at: 1, cache: SharedStringsCache()) == Self.strings[1])
    }

    /// The file is unlinked when created: nothing is left in its folder, even while it is in use.
    @Test func theTemporaryFileLeavesNoName() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("spill-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let spill = try SpillFile(in: folder.path)
        try spill.append(Array("hello".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
        var bytes = [UInt8](repeating: 0, count: 5)
        #expect(bytes.withUnsafeMutableBytes { spill.read(into: $0.baseAddress!, offset: 0, count: 5) })
        #expect(bytes == Array("hello".utf8))
    }
}
