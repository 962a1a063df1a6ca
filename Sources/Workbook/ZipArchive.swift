import CZlib
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One member of a zip archive, as its central directory describes it.
struct ZipEntry: Sendable {
    var name: String
    var method: UInt16
    var flags: UInt16
    var crc32: UInt32
    var compressedSize: UInt64
    var uncompressedSize: UInt64
    var localHeaderOffset: UInt64
}

/// A read-only zip archive: the central directory in memory, members streamed from disk.
///
/// Reads EOCD (with a comment), ZIP64 (EOCD64 locator and extra fields), stored and deflated
/// members and members written with data descriptors (the central directory has their sizes).
final class ZipArchive {
    /// Members larger than this are refused outright (a workbook part this big is an attack).
    static let maxEntrySize: UInt64 = 1 << 30
    /// A worksheet is streamed, so its bound is on time, not memory: our own export of a
    /// million clients has a 1.1 GB sheet, and twice that many rows must still import.
    static let maxSheetSize: UInt64 = 4 << 30
    /// Above `ratioCheckSize`, a member that inflates more than `maxRatio` times is refused.
    static let maxRatio: UInt64 = 1000
    static let ratioCheckSize: UInt64 = 64 << 20

    let path: String
    private let fd: Int32
    let fileSize: UInt64
    private(set) var entries: [ZipEntry] = []
    private var byName: [String: Int] = [:]
    private var byLowerName: [String: Int] = [:]

    init(path: String) throws {
        self.path = path
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw WorkbookError(.notFound, file: path, "file not found; check the path and the file name")
        }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            throw WorkbookError(.unreadable, file: path, "this is a folder, not a workbook file")
        }
        #if canImport(Glibc)
        fd = Glibc.open(path, O_RDONLY)
        #else
        fd = Darwin.open(path, O_RDONLY)
        #endif
        guard fd >= 0 else {
            throw WorkbookError(.unreadable, file: path, "cannot open the file (\(String(cString: strerror(errno)))); check its permissions")
        }
        fileSize = UInt64(st.st_size)
        do {
            try readCentralDirectory()
        } catch {
            close(fd)
            throw error
        }
    }

    deinit { close(fd) }

    /// The member with this name (exact, else ignoring case as OPC part names do).
    func entry(named name: String) -> ZipEntry? {
        if let i = byName[name] { return entries[i] }
        if let i = byLowerName[name.lowercased()] { return entries[i] }
        return nil
    }

    // MARK: Raw reads

    func read(at offset: UInt64, count: Int) throws -> [UInt8] {
        // Offsets come from the file itself: one past the end is a lie, not a read to attempt.
        guard offset <= fileSize, UInt64(count) <= fileSize - offset else {
            throw corrupt("the zip directory points past the end of the file (byte \(offset)); the file is truncated or damaged")
        }
        var buffer = [UInt8](repeating: 0, count: count)
        let got = try buffer.withUnsafeMutableBytes { try readInto($0.baseAddress!, count: count, at: offset) }
        if got < count {
            throw corrupt("the file ends early (truncated at byte \(offset + UInt64(got))); copy or download it again")
        }
        return buffer
    }

    /// Reads up to `count` bytes; returns how many were read (fewer only at end of file).
    func readInto(_ pointer: UnsafeMutableRawPointer, count: Int, at offset: UInt64) throws -> Int {
        guard offset <= UInt64(Int64.max) - UInt64(count) else {
            throw corrupt("the zip directory points past the end of the file (byte \(offset)); the file is truncated or damaged")
        }
        var done = 0
        while done < count {
            let n = pread(fd, pointer + done, count - done, off_t(offset) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                throw WorkbookError(.unreadable, file: path, "read error: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    private func corrupt(_ message: String, part: String? = nil) -> WorkbookError {
        WorkbookError(.corrupt, file: path, part: part, message)
    }

    // MARK: Central directory

    private func readCentralDirectory() throws {
        let head = try fileSize >= 4 ? read(at: 0, count: 4) : []
        let notZip = WorkbookError(.notAWorkbook, file: path,
            "this is not an .xlsx workbook (not a zip archive); save it from your spreadsheet program as \"Excel Workbook (.xlsx)\"")
        if head == [0xD0, 0xCF, 0x11, 0xE0] {
            throw WorkbookError(.notAWorkbook, file: path,
                "this is an old-format .xls or a password-protected workbook; remove the password and save it as \"Excel Workbook (.xlsx)\"")
        }
        guard head.count == 4, head[0] == 0x50, head[1] == 0x4B else { throw notZip }

        let tailSize = Int(min(fileSize, 22 + 65_535 + 20))
        let tailStart = fileSize - UInt64(tailSize)
        let tail = try read(at: tailStart, count: tailSize)
        var eocd = -1
        var i = tailSize - 22
        while i >= 0 {
            if tail[i] == 0x50, tail[i + 1] == 0x4B, tail[i + 2] == 0x05, tail[i + 3] == 0x06 {
                let commentLength = Int(le16(tail, i + 20))
                if i + 22 + commentLength <= tailSize { eocd = i; break }
            }
            i -= 1
        }
        guard eocd >= 0 else {
            throw corrupt("the zip archive has no end record: the file is truncated or damaged; copy or download it again")
        }
        var entryCount = UInt64(le16(tail, eocd + 10))
        var cdSize = UInt64(le32(tail, eocd + 12))
        var cdOffset = UInt64(le32(tail, eocd + 16))
        if entryCount == 0xFFFF || cdSize == 0xFFFF_FFFF || cdOffset == 0xFFFF_FFFF {
            let loc = eocd - 20
            if loc >= 0, le32(tail, loc) == 0x0706_4B50 {
                let eocd64Offset = le64(tail, loc + 8)
                let rec = try read(at: eocd64Offset, count: 56)
                guard le32(rec, 0) == 0x0606_4B50 else { throw corrupt("the ZIP64 end record is damaged") }
                entryCount = le64(rec, 32)
                cdSize = le64(rec, 40)
                cdOffset = le64(rec, 48)
            }
        }
        guard cdOffset <= fileSize, cdSize <= fileSize - cdOffset, cdSize < 1 << 31 else {
            throw corrupt("the zip directory points past the end of the file: the file is truncated; copy or download it again")
        }
        let cd = try read(at: cdOffset, count: Int(cdSize))
        var p = 0
        entries.reserveCapacity(Int(min(entryCount, 100_000)))
        while p + 46 <= cd.count, le32(cd, p) == 0x0201_4B50 {
            let flags = le16(cd, p + 8)
            let method = le16(cd, p + 10)
            let crc = le32(cd, p + 16)
            var csize = UInt64(le32(cd, p + 20))
            var usize = UInt64(le32(cd, p + 24))
            let nameLength = Int(le16(cd, p + 28))
            let extraLength = Int(le16(cd, p + 30))
            let commentLength = Int(le16(cd, p + 32))
            var offset = UInt64(le32(cd, p + 42))
            let nameStart = p + 46
            let extraStart = nameStart + nameLength
            let next = extraStart + extraLength + commentLength
            guard next <= cd.count else { throw corrupt("the zip directory is damaged") }
            let name = String(decoding: cd[nameStart..<extraStart], as: UTF8.self)
            // ZIP64 extra field: only the fields whose 32-bit slot is saturated, in this order.
            var e = extraStart
            while e + 4 <= extraStart + extraLength {
                let id = le16(cd, e), size = Int(le16(cd, e + 2))
                if id == 0x0001 {
                    var f = e + 4
                    let end = f + size
                    if usize == 0xFFFF_FFFF, f + 8 <= end { usize = le64(cd, f); f += 8 }
                    if csize == 0xFFFF_FFFF, f + 8 <= end { csize = le64(cd, f); f += 8 }
                    if offset == 0xFFFF_FFFF, f + 8 <= end { offset = le64(cd, f); f += 8 }
                }
                e += 4 + size
            }
            let entry = ZipEntry(name: name, method: method, flags: flags, crc32: crc,
                                 compressedSize: csize, uncompressedSize: usize, localHeaderOffset: offset)
            byName[name] = entries.count
            byLowerName[name.lowercased()] = entries.count
            entries.append(entry)
            p = next
        }
        if entries.isEmpty {
            throw WorkbookError(.notAWorkbook, file: path, "the zip archive is empty or its directory is damaged; this is not an .xlsx workbook")
        }
    }

    /// A stream of the member's uncompressed bytes, checked against its size and CRC-32.
    /// `maximumSize` is `maxEntrySize` except for parts that are streamed (`maxSheetSize`).
    func open(_ entry: ZipEntry, maximumSize: UInt64 = ZipArchive.maxEntrySize) throws -> ZipEntryStream {
        if entry.flags & 1 != 0 {
            throw WorkbookError(.unsupported, file: path, part: entry.name,
                "the workbook is encrypted; remove the password in your spreadsheet program and save again")
        }
        guard entry.method == 0 || entry.method == 8 else {
            throw WorkbookError(.unsupported, file: path, part: entry.name,
                "compression method \(entry.method) is not supported; re-save the file from your spreadsheet program")
        }
        if entry.uncompressedSize > maximumSize
            || (entry.uncompressedSize > Self.ratioCheckSize
                && entry.uncompressedSize / max(entry.compressedSize, 1) > Self.maxRatio) {
            throw WorkbookError(.tooLarge, file: path, part: entry.name,
                "this part unpacks to \(entry.uncompressedSize) bytes from \(entry.compressedSize) (a zip bomb or a far too large sheet); refusing to read it")
        }
        let header = try read(at: entry.localHeaderOffset, count: 30)
        guard le32(header, 0) == 0x0403_4B50 else {
            throw corrupt("the zip entry header is damaged", part: entry.name)
        }
        // Overlapping or forged entries (two directory entries sharing one member's bytes) show
        // as a local header that names another member.
        let localName = try read(at: entry.localHeaderOffset + 30, count: Int(le16(header, 26)))
        guard String(decoding: localName, as: UTF8.self) == entry.name else {
            throw corrupt("the zip directory and the local header disagree on this member (the local header names \"\(String(decoding: localName.prefix(200), as: UTF8.self))\"): overlapping or forged zip entries; re-save the file from your spreadsheet program", part: entry.name)
        }
        let dataStart = entry.localHeaderOffset + 30 + UInt64(le16(header, 26)) + UInt64(le16(header, 28))
        guard dataStart <= fileSize, entry.compressedSize <= fileSize - dataStart else {
            throw corrupt("the file ends in the middle of this part (truncated); copy or download it again", part: entry.name)
        }
        return try ZipEntryStream(archive: self, entry: entry, dataStart: dataStart, maximumSize: maximumSize)
    }

    /// The whole member in memory: only for small parts (workbook, rels, styles).
    func readAll(_ entry: ZipEntry) throws -> [UInt8] {
        let stream = try open(entry)
        var out: [UInt8] = []
        out.reserveCapacity(Int(min(entry.uncompressedSize, 1 << 24)))
        while let chunk = try stream.next() {
            out.append(contentsOf: chunk)
        }
        return out
    }
}

/// Inflates one member in fixed-size chunks, so a worksheet is never whole in memory.
final class ZipEntryStream {
    static let chunkSize = 64 * 1024

    let archive: ZipArchive
    let entry: ZipEntry
    /// The bound `ZipArchive.open` checked the member against, kept for `reopened()`.
    let maximumSize: UInt64
    private var inputOffset: UInt64
    private var inputRemaining: UInt64
    private var produced: UInt64 = 0
    private var crc: UInt = 0
    private var finished = false
    private let input: UnsafeMutablePointer<UInt8>
    private let output: UnsafeMutablePointer<UInt8>
    private let stream: UnsafeMutablePointer<z_stream>?

    init(archive: ZipArchive, entry: ZipEntry, dataStart: UInt64, maximumSize: UInt64) throws {
        self.archive = archive
        self.entry = entry
        self.maximumSize = maximumSize
        inputOffset = dataStart
        inputRemaining = entry.compressedSize
        input = .allocate(capacity: Self.chunkSize)
        output = .allocate(capacity: Self.chunkSize)
        crc = crc32(0, nil, 0)
        if entry.method == 8 {
            let s = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
            s.initialize(to: z_stream())
            guard czlib_inflate_init_raw(s) == Z_OK else {
                s.deallocate(); input.deallocate(); output.deallocate()
                throw WorkbookError(.unreadable, file: archive.path, part: entry.name, "zlib could not start")
            }
            stream = s
        } else {
            stream = nil
        }
    }

    deinit {
        if let stream {
            inflateEnd(stream)
            stream.deallocate()
        }
        input.deallocate()
        output.deallocate()
    }

    private func fail(_ message: String) -> WorkbookError {
        WorkbookError(.corrupt, file: archive.path, part: entry.name, message)
    }

    /// The next chunk of uncompressed bytes (valid until the next call), or nil at the end.
    /// The share of the entry's declared size unpacked so far, 0 to 1.
    var fractionProduced: Double? {
        entry.uncompressedSize == 0 ? nil : min(1, Double(produced) / Double(entry.uncompressedSize))
    }

    func next() throws -> UnsafeBufferPointer<UInt8>? {
        if finished { return nil }
        let count = try inflateOnce(into: output, capacity: Self.chunkSize)
        if count == 0 { return finished ? nil : UnsafeBufferPointer(start: output, count: 0) }
        return UnsafeBufferPointer(start: output, count: count)
    }

    /// Inflates up to `capacity` bytes straight into `buffer` (no copy through the stream's own
    /// chunk); returns 0 only at the end of the member.
    func read(into buffer: UnsafeMutablePointer<UInt8>, capacity: Int) throws -> Int {
        while !finished {
            let count = try inflateOnce(into: buffer, capacity: capacity)
            if count > 0 { return count }
        }
        return 0
    }

    private func inflateOnce(into output: UnsafeMutablePointer<UInt8>, capacity: Int) throws -> Int {
        if finished { return 0 }
        var count = 0
        if let stream {
            stream.pointee.next_out = output
            stream.pointee.avail_out = UInt32(capacity)
            while stream.pointee.avail_out > 0 {
                if stream.pointee.avail_in == 0 && inputRemaining > 0 {
                    let want = Int(min(UInt64(Self.chunkSize), inputRemaining))
                    let got = try archive.readInto(input, count: want, at: inputOffset)
                    if got < want { throw fail("the file ends in the middle of this part (truncated); copy or download it again") }
                    inputOffset += UInt64(got)
                    inputRemaining -= UInt64(got)
                    stream.pointee.next_in = input
                    stream.pointee.avail_in = UInt32(got)
                }
                let before = stream.pointee.avail_out
                let status = inflate(stream, Z_NO_FLUSH)
                if status == Z_STREAM_END {
                    finished = true
                    break
                }
                if status != Z_OK && status != Z_BUF_ERROR {
                    throw fail("the compressed data is damaged (zlib error \(status)); copy or download the file again")
                }
                if stream.pointee.avail_out == before && stream.pointee.avail_in == 0 && inputRemaining == 0 {
                    throw fail("the compressed data ends early (truncated); copy or download the file again")
                }
            }
            count = capacity - Int(stream.pointee.avail_out)
        } else {
            let want = Int(min(UInt64(capacity), inputRemaining))
            let got = try archive.readInto(output, count: want, at: inputOffset)
            if got < want { throw fail("the file ends in the middle of this part (truncated); copy or download it again") }
            inputOffset += UInt64(got)
            inputRemaining -= UInt64(got)
            count = got
            if inputRemaining == 0 { finished = true }
        }
        produced += UInt64(count)
        if produced > entry.uncompressedSize {
            throw WorkbookError(.tooLarge, file: archive.path, part: entry.name,
                "this part unpacks to more than the \(entry.uncompressedSize) bytes its zip directory declares (a zip bomb or a damaged file); refusing to read further")
        }
        if count > 0 { crc = crc32(crc, output, UInt32(count)) }
        if finished {
            if produced != entry.uncompressedSize {
                throw fail("this part is \(produced) bytes instead of the declared \(entry.uncompressedSize); the file is damaged")
            }
            if UInt32(truncatingIfNeeded: crc) != entry.crc32 {
                throw fail("checksum (CRC-32) mismatch: the file is damaged; copy or download it again")
            }
        }
        return count
    }

    /// A fresh stream of the same member from its first byte (for a second pass).
    func reopened() throws -> ZipEntryStream {
        try archive.open(entry, maximumSize: maximumSize)
    }
}

@inline(__always) func le16(_ b: [UInt8], _ i: Int) -> UInt16 {
    UInt16(b[i]) | UInt16(b[i + 1]) << 8
}
@inline(__always) func le32(_ b: [UInt8], _ i: Int) -> UInt32 {
    UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
}
@inline(__always) func le64(_ b: [UInt8], _ i: Int) -> UInt64 {
    UInt64(le32(b, i)) | UInt64(le32(b, i + 4)) << 32
}
