import CZlib
import Foundation

/// Writes a zip archive as a stream: each entry is deflated straight to the file while it is
/// produced, so an entry of any size costs only the compression buffers.
///
/// Entries use the data-descriptor flag (bit 3): the CRC-32 and sizes follow the data instead of
/// sitting in the local header, because they are known only at the end. The central directory is
/// written by `finish()`. Archives past 4 GiB (ZIP64) are refused with `tooLarge`.
final class ZipWriter {
    private struct Entry {
        var name: [UInt8]
        var offset: UInt64
        var crc: UInt32
        var compressedSize: UInt64
        var uncompressedSize: UInt64
    }

    /// The file named in errors (the user's target, not the temporary).
    let displayPath: String
    private var file: UnsafeMutablePointer<FILE>?
    private var offset: UInt64 = 0
    private var entries: [Entry] = []
    private var stream = z_stream()
    private var streamReady = false
    private var current: Entry?
    private var pending: [UInt8] = []
    private var output: [UInt8]
    private let dosTime: UInt16
    private let dosDate: UInt16

    private static let pendingLimit = 64 * 1024
    private static let maxSize: UInt64 = 0xFFFF_FFFE

    init(file: UnsafeMutablePointer<FILE>, displayPath: String, date: Date = Date()) {
        self.file = file
        self.displayPath = displayPath
        self.output = [UInt8](repeating: 0, count: 64 * 1024)
        pending.reserveCapacity(Self.pendingLimit + 4096)
        let parts = Calendar(identifier: .gregorian).dateComponents(in: .current, from: date)
        let year = max(1980, min(2107, parts.year ?? 1980))
        dosDate = UInt16((year - 1980) << 9 | (parts.month ?? 1) << 5 | (parts.day ?? 1))
        dosTime = UInt16((parts.hour ?? 0) << 11 | (parts.minute ?? 0) << 5 | (parts.second ?? 0) / 2)
    }

    deinit {
        if streamReady { deflateEnd(&stream) }
    }

    /// Starts an entry; the previous one must have been ended.
    func beginEntry(_ name: String) throws {
        precondition(current == nil, "ZipWriter: entry not ended")
        guard offset < Self.maxSize else {
            throw WorkbookError(.tooLarge, file: displayPath, part: name, "the workbook would exceed 4 GiB, which needs ZIP64; split the rows into several files")
        }
        let nameBytes = Array(name.utf8)
        current = Entry(name: nameBytes, offset: offset, crc: 0, compressedSize: 0, uncompressedSize: 0)
        var header = [UInt8]()
        header.reserveCapacity(30 + nameBytes.count)
        header.appendLE32(0x0403_4b50)
        header.appendLE16(20)             // version needed: 2.0 (deflate)
        header.appendLE16(0x0808)         // bit 3: data descriptor; bit 11: UTF-8 names
        header.appendLE16(8)              // deflate
        header.appendLE16(dosTime)
        header.appendLE16(dosDate)
        header.appendLE32(0)              // CRC, sizes: in the data descriptor
        header.appendLE32(0)
        header.appendLE32(0)
        header.appendLE16(UInt16(nameBytes.count))
        header.appendLE16(0)
        header.append(contentsOf: nameBytes)
        try writeRaw(header)

        stream = z_stream()
        guard czlib_deflate_init_raw(&stream, 6) == Z_OK else {
            throw WorkbookError(.writeFailed, file: displayPath, part: name, "zlib could not start compressing")
        }
        streamReady = true
    }

    /// Appends uncompressed bytes to the current entry.
    func write(_ bytes: [UInt8]) throws {
        pending.append(contentsOf: bytes)
        if pending.count >= Self.pendingLimit { try flushPending() }
    }

    func write(_ text: String) throws {
        pending.append(contentsOf: text.utf8)
        if pending.count >= Self.pendingLimit { try flushPending() }
    }

    /// Lets a producer append into the buffer directly (no intermediate array), then flushes when full.
    func withBuffer(_ body: (inout [UInt8]) -> Void) throws {
        body(&pending)
        if pending.count >= Self.pendingLimit { try flushPending() }
    }

    /// Finishes the current entry: flushes the compressor and writes the data descriptor.
    func endEntry() throws {
        try flushPending()
        try deflateChunk(nil, 0, finish: true)
        deflateEnd(&stream)
        streamReady = false
        guard var entry = current else { return }
        current = nil
        entry.compressedSize = offset - entry.offset - 30 - UInt64(entry.name.count)
        var descriptor = [UInt8]()
        descriptor.appendLE32(0x0807_4b50)
        descriptor.appendLE32(entry.crc)
        descriptor.appendLE32(UInt32(truncatingIfNeeded: entry.compressedSize))
        descriptor.appendLE32(UInt32(truncatingIfNeeded: entry.uncompressedSize))
        try writeRaw(descriptor)
        entries.append(entry)
    }

    /// Writes the central directory and closes the file.
    func finish() throws {
        precondition(current == nil, "ZipWriter: entry not ended")
        guard entries.count < 0xFFFF, offset < Self.maxSize else {
            throw WorkbookError(.tooLarge, file: displayPath, "the workbook would exceed 4 GiB or 65,535 parts, which needs ZIP64; split the rows into several files")
        }
        let directoryStart = offset
        var directory = [UInt8]()
        for entry in entries {
            directory.appendLE32(0x0201_4b50)
            directory.appendLE16(0x0314)      // made by: UNIX, 2.0
            directory.appendLE16(20)
            directory.appendLE16(0x0808)
            directory.appendLE16(8)
            directory.appendLE16(dosTime)
            directory.appendLE16(dosDate)
            directory.appendLE32(entry.crc)
            directory.appendLE32(UInt32(entry.compressedSize))
            directory.appendLE32(UInt32(entry.uncompressedSize))
            directory.appendLE16(UInt16(entry.name.count))
            directory.appendLE16(0)           // extra
            directory.appendLE16(0)           // comment
            directory.appendLE16(0)           // disk
            directory.appendLE16(0)           // internal attributes
            directory.appendLE32(0o100644 << 16)
            directory.appendLE32(UInt32(entry.offset))
            directory.append(contentsOf: entry.name)
        }
        try writeRaw(directory)
        var end = [UInt8]()
        end.appendLE32(0x0605_4b50)
        end.appendLE16(0)
        end.appendLE16(0)
        end.appendLE16(UInt16(entries.count))
        end.appendLE16(UInt16(entries.count))
        end.appendLE32(UInt32(offset - directoryStart))
        end.appendLE32(UInt32(directoryStart))
        end.appendLE16(0)
        try writeRaw(end)
        if let file {
            self.file = nil
            let flushed = fflush(file) == 0
            let closed = fclose(file) == 0
            guard flushed, closed else {
                throw WorkbookError(.writeFailed, file: displayPath, "could not finish writing the file: \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Closes the file without finishing the archive (after a failure).
    func abandon() {
        if let file { fclose(file) }
        file = nil
    }

    private func flushPending() throws {
        guard !pending.isEmpty, var entry = current else { return }
        entry.crc = pending.withUnsafeBufferPointer {
            UInt32(crc32(uLong(entry.crc), $0.baseAddress, uInt($0.count)))
        }
        entry.uncompressedSize += UInt64(pending.count)
        current = entry
        try pending.withUnsafeMutableBufferPointer {
            try deflateChunk($0.baseAddress, $0.count, finish: false)
        }
        pending.removeAll(keepingCapacity: true)
        guard entry.uncompressedSize < Self.maxSize else {
            throw WorkbookError(.tooLarge, file: displayPath, part: String(decoding: entry.name, as: UTF8.self),
                                "a part would exceed 4 GiB, which needs ZIP64; split the rows into several files")
        }
    }

    private func deflateChunk(_ bytes: UnsafeMutablePointer<UInt8>?, _ count: Int, finish: Bool) throws {
        stream.next_in = bytes
        stream.avail_in = uInt(count)
        let capacity = output.count
        while true {
            let (status, produced): (Int32, Int) = output.withUnsafeMutableBufferPointer { out in
                stream.next_out = out.baseAddress
                stream.avail_out = uInt(capacity)
                let status = deflate(&stream, finish ? Z_FINISH : Z_NO_FLUSH)
                return (status, capacity - Int(stream.avail_out))
            }
            guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                throw WorkbookError(.writeFailed, file: displayPath, "zlib failed to compress (status \(status))")
            }
            if produced > 0 { try writeRaw(output[0..<produced]) }
            if finish ? status == Z_STREAM_END : (stream.avail_in == 0 && produced < capacity) { break }
        }
    }

    private func writeRaw<C: Collection>(_ bytes: C) throws where C.Element == UInt8 {
        guard let file else {
            throw WorkbookError(.writeFailed, file: displayPath, "the file is already closed")
        }
        let written = bytes.withContiguousStorageIfAvailable { fwrite($0.baseAddress, 1, $0.count, file) }
            ?? Array(bytes).withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, file) }
        guard written == bytes.count else {
            throw WorkbookError(.writeFailed, file: displayPath, "could not write: \(String(cString: strerror(errno)))")
        }
        offset += UInt64(bytes.count)
    }
}

extension Array where Element == UInt8 {
    mutating func appendLE16(_ value: UInt16) {
        append(UInt8(value & 0xFF)); append(UInt8(value >> 8))
    }

    mutating func appendLE32(_ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { append(UInt8((value >> UInt32(shift)) & 0xFF)) }
    }
}
