#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Bytes written once, front to back, to a temporary file that is unlinked as soon as it is
/// created (nothing is left behind, even after a crash), then read back by offset.
///
/// Written by one reader while it reads a part; read afterwards with `pread`, which any number
/// of readers may do at once.
final class SpillFile: @unchecked Sendable {
    private let descriptor: Int32
    /// What the bytes are, for error messages ("the workbook's shared strings").
    private let contents: String
    /// Bytes written so far; fixed once the writer is done.
    private(set) var size = 0

    /// `TMPDIR`, or `/tmp`.
    static var temporaryFolder: String {
        getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
    }

    init(in folder: String = SpillFile.temporaryFolder, contents: String = "the workbook's shared strings") throws {
        self.contents = contents
        var template = Array("\(folder)/clientimport-spill.XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else {
            throw WorkbookError(.unreadable, file: folder,
                                "cannot create a temporary file for \(contents) in \(folder) (\(String(cString: strerror(errno)))); set TMPDIR to a folder you can write to")
        }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    func append(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBufferPointer { try append($0) }
    }

    func append(_ buffer: UnsafeBufferPointer<UInt8>) throws {
        var written = 0
        while written < buffer.count {
            let n = pwrite(descriptor, buffer.baseAddress! + written, buffer.count - written, off_t(size + written))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                throw WorkbookError(.unreadable, file: "TMPDIR",
                                    "cannot write \(contents) to a temporary file (\(String(cString: strerror(errno)))); free some disk space or set TMPDIR to another folder")
            }
            written += n
        }
        size += written
    }

    /// Reads `count` bytes at `offset` into `buffer`; false on an I/O error.
    func read(into buffer: UnsafeMutableRawPointer, offset: Int, count: Int) -> Bool {
        var done = 0
        while done < count {
            let n = pread(descriptor, buffer + done, count - done, off_t(offset + done))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return false }
            done += n
        }
        return true
    }
}

/// One reader's window on a spilled shared-string table: a two-way set-associative cache of
/// 64 KiB blocks of the file (4 MiB in all, allocated on first use), and 4 KiB pages for the
/// strings far behind the walk.
///
/// Strings are read in about the order they were written, so nearly every lookup hits a
/// cached block. Two ways per set, because a sheet reads two places at once: the new strings
/// at the front of its walk through the table, and the frequent ones (names, cities) numbered
/// near its start. Direct-mapped, the walk evicted a frequent block every 64 blocks and the two
/// took turns reading each other back — 13,700 reads of 64 KiB for a 200k-row sheet whose
/// table is 320 blocks, about 2 s of system time at 1M rows. A sheet that jumps around the table instead (written column by column by
/// some library, or sorted after the strings were numbered) would miss on most lookups; after
/// enough misses the cache reads the whole text into memory once, which is what every lookup
/// cost before spilling existed.
final class SharedStringsCache {
    private static let blockShift = 16
    private static let blockSize = 1 << blockShift
    private static let slotCount = 64

    // A cache belongs to one reader on one thread, and a lookup is made for every shared-string
    // cell: the runtime's exclusivity checks and the arrays' uniqueness checks on these fields
    // cost more than the lookup itself.
    @exclusivity(unchecked) private var storage: UnsafeMutableRawPointer?
    /// The block each slot holds, or -1.
    private let tags = UnsafeMutablePointer<Int>.allocate(capacity: SharedStringsCache.slotCount)
    /// Per set (slots `2 * set` and `2 * set + 1`): the way used last, kept on a miss.
    private let recent = UnsafeMutablePointer<UInt8>.allocate(capacity: SharedStringsCache.slotCount / 2)
    /// The whole text, once lookups missed so often that the cache read it into memory (a
    /// pointer, not an array: an array is retained and released on each lookup).
    @exclusivity(unchecked) private var whole: UnsafeMutablePointer<UInt8>?
    /// The last string that straddled two blocks.
    @exclusivity(unchecked) private var straddlingBuffer: UnsafeMutablePointer<UInt8>?
    @exclusivity(unchecked) private var straddlingCapacity = 0
    /// Whether lookups missed so often that the cache read the whole text into memory.
    var holdsWholeText: Bool { whole != nil }
    /// 4 KiB pages of strings far behind the walk — repeats a sheet goes back to, such as
    /// discount-card numbers — read on their own: a 64 KiB block read for one string of a few
    /// bytes was most of a 1M-row xlsxwriter sheet's 2.4 s of system time.
    private static let pageShift = 12
    private static let pageSize = 1 << pageShift
    private static let pageCount = 256
    @exclusivity(unchecked) private var pages: UnsafeMutableRawPointer?
    /// The page each page slot holds, or -1.
    private let pageTags = UnsafeMutablePointer<Int>.allocate(capacity: SharedStringsCache.pageCount)
    /// The furthest block read so far: a miss in a block before the one behind it reads a page.
    @exclusivity(unchecked) private var frontier = -1
    @exclusivity(unchecked) private var lookups = 0
    /// Pages read from the file so far (tests).
    @exclusivity(unchecked) private(set) var pagesRead = 0
    /// Blocks and pages read from the file so far.
    @exclusivity(unchecked) private(set) var misses = 0

    init() {
        tags.initialize(repeating: -1, count: Self.slotCount)
        recent.initialize(repeating: 0, count: Self.slotCount / 2)
        pageTags.initialize(repeating: -1, count: Self.pageCount)
    }

    deinit {
        storage?.deallocate()
        pages?.deallocate()
        whole?.deallocate()
        straddlingBuffer?.deallocate()
        tags.deallocate()
        pageTags.deallocate()
        recent.deallocate()
    }

    func string(from spill: SpillFile, start: Int, end: Int) -> String? {
        withBytes(from: spill, start: start, end: end) { String(decoding: $0, as: UTF8.self) }
    }

    /// The text between `start` and `end` of the spilled table, valid until the next lookup
    /// through this cache; nil when the file cannot be read back.
    @inline(__always)
    func bytes(from spill: SpillFile, start: Int, end: Int) -> UnsafeBufferPointer<UInt8>? {
        withBytes(from: spill, start: start, end: end) { $0 }
    }

    /// `body` with the text between `start` and `end` of the spilled table; nil when the file
    /// cannot be read back.
    @inline(__always)
    func withBytes<R>(from spill: SpillFile, start: Int, end: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        if let whole {
            return body(UnsafeBufferPointer(start: whole + start, count: end - start))
        }
        lookups &+= 1
        let block = start >> Self.blockShift
        guard (end - 1) >> Self.blockShift == block else { return straddling(spill, start: start, end: end, body) }
        let set = block % (Self.slotCount / 2)
        var slot = 2 * set
        if tags[slot] == block {
            recent[set] = 0
        } else if tags[slot + 1] == block {
            slot += 1
            recent[set] = 1
        } else if block < frontier - 1, (end - 1) >> Self.pageShift == start >> Self.pageShift {
            return fromPage(spill, start: start, end: end, body)
        } else {
            misses += 1
            if misses > 4096 && misses * 8 > lookups { return readWhole(spill, start: start, end: end, body) }
            frontier = max(frontier, block)
            // The way not used last makes room.
            let way = 1 - Int(recent[set])
            slot += way
            let count = min(Self.blockSize, spill.size - block << Self.blockShift)
            tags[slot] = -1
            guard spill.read(into: (self.storage ?? allocate()) + slot << Self.blockShift,
                             offset: block << Self.blockShift, count: count) else { return nil }
            tags[slot] = block
            recent[set] = UInt8(way)
        }
        let base = self.storage! + slot << Self.blockShift
        let offset = start & (Self.blockSize - 1)
        return body(UnsafeBufferPointer(start: (base + offset).assumingMemoryBound(to: UInt8.self), count: end - start))
    }

    /// A string far behind the walk, from its 4 KiB page (read when not cached).
    private func fromPage<R>(_ spill: SpillFile, start: Int, end: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        let page = start >> Self.pageShift
        let slot = page & (Self.pageCount - 1)
        let pages = self.pages ?? {
            let pages = UnsafeMutableRawPointer.allocate(byteCount: Self.pageCount << Self.pageShift, alignment: 16)
            self.pages = pages
            return pages
        }()
        let base = pages + slot << Self.pageShift
        if pageTags[slot] != page {
            misses += 1
            if misses > 4096 && misses * 8 > lookups { return readWhole(spill, start: start, end: end, body) }
            pageTags[slot] = -1
            let count = min(Self.pageSize, spill.size - page << Self.pageShift)
            guard spill.read(into: base, offset: page << Self.pageShift, count: count) else { return nil }
            pageTags[slot] = page
            pagesRead += 1
        }
        let offset = start & (Self.pageSize - 1)
        return body(UnsafeBufferPointer(start: (base + offset).assumingMemoryBound(to: UInt8.self), count: end - start))
    }

    private func allocate() -> UnsafeMutableRawPointer {
        let storage = UnsafeMutableRawPointer.allocate(byteCount: Self.slotCount << Self.blockShift, alignment: 16)
        self.storage = storage
        return storage
    }

    /// A string across a block boundary (about one in a few thousand) is read on its own.
    /// Into a buffer kept until the next straddling string, so `bytes(from:start:end:)` can
    /// hand out a pointer into it.
    private func straddling<R>(_ spill: SpillFile, start: Int, end: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        if straddlingCapacity < end - start {
            straddlingBuffer?.deallocate()
            straddlingCapacity = max(end - start, 256)
            straddlingBuffer = .allocate(capacity: straddlingCapacity)
        }
        let buffer = straddlingBuffer!
        guard spill.read(into: buffer, offset: start, count: end - start) else { return nil }
        return body(UnsafeBufferPointer(start: buffer, count: end - start))
    }

    private func readWhole<R>(_ spill: SpillFile, start: Int, end: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        let whole = UnsafeMutablePointer<UInt8>.allocate(capacity: max(spill.size, 1))
        guard spill.read(into: whole, offset: 0, count: spill.size) else {
            whole.deallocate()
            return nil
        }
        storage?.deallocate()
        storage = nil
        pages?.deallocate()
        pages = nil
        self.whole = whole
        return withBytes(from: spill, start: start, end: end, body)
    }
}
