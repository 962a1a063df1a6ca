/// The shared-string table (`xl/sharedStrings.xml`), read once with SAX.
///
/// Rich-text runs (`<r><t>`) are concatenated; phonetic runs (`<rPh>`) are skipped; `_xHHHH_`
/// escapes are decoded.
///
/// Stored compactly: the UTF-8 of every string back to back in one buffer plus one offset per
/// string, and a `String` is made only when a cell is materialised. A million-row client
/// sheet has about two million distinct strings; as `[String]` they took about 160 MB (a heap
/// object per string of more than 15 bytes), here about 60 MB.
struct SharedStrings: Sendable {
    /// The strings' UTF-8, back to back.
    private var bytes: [UInt8] = []
    /// String `i` is `bytes[offsets[i]..<offsets[i + 1]]`.
    private var offsets: [UInt32] = [0]

    var count: Int { offsets.count - 1 }

    init() {}

    /// A table holding `strings`, for tests and fuzzing.
    init(_ strings: [String]) {
        for string in strings { append(Array(string.utf8)[...]) }
    }

    /// The string at `index` (which must be below `count`).
    @inline(__always)
    func string(at index: Int) -> String {
        let start = Int(offsets[index]), end = Int(offsets[index + 1])
        if start == end { return "" }
        return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[start..<end]), as: UTF8.self) }
    }

    fileprivate mutating func reserve(bytes byteCount: Int, strings: Int) {
        // Untouched pages of a large reservation are not resident, and the buffer never has
        // to grow by copying (the text is never longer than the XML it comes from).
        bytes.reserveCapacity(byteCount)
        offsets.reserveCapacity(strings + 1)
    }

    fileprivate mutating func append(_ string: ArraySlice<UInt8>) {
        bytes.append(contentsOf: string)
        offsets.append(UInt32(bytes.count))
    }

    static func read(_ stream: ZipEntryStream, file: String) throws -> SharedStrings {
        let handler = SharedStringsHandler()
        handler.file = file
        handler.part = stream.entry.name
        handler.table.reserve(bytes: Int(min(stream.entry.uncompressedSize, ZipArchive.maxEntrySize)), strings: 0)
        let parser = XMLPushParser(handler: handler, file: file, part: stream.entry.name)
        while let chunk = try stream.next() {
            try parser.feed(chunk, last: false)
            if let error = handler.error { throw error }
        }
        try parser.feed(UnsafeBufferPointer(start: nil, count: 0), last: true)
        if let error = handler.error { throw error }
        return handler.table
    }
}

private final class SharedStringsHandler: SAXHandler {
    var table = SharedStrings()
    var error: WorkbookError?
    var file = ""
    var part = ""
    private var buffer: [UInt8] = []
    private var inItem = false
    private var inText = false
    private var phoneticDepth = 0

    init() { buffer.reserveCapacity(256) }

    func startElement(_ name: UnsafePointer<UInt8>, _ attributes: UnsafeMutablePointer<UnsafePointer<UInt8>?>?, _ count: Int) {
        switch name[0] {
        case UInt8(ascii: "t") where name[1] == 0:
            inText = inItem && phoneticDepth == 0
        case UInt8(ascii: "s") where XMLBytes.equals(name, "si"):
            inItem = true
            buffer.removeAll(keepingCapacity: true)
        case UInt8(ascii: "s") where XMLBytes.equals(name, "sst"):
            if let n = XMLBytes.attribute(attributes, count, "uniqueCount").flatMap(XMLBytes.integer) {
                table.reserve(bytes: 0, strings: min(n, 10_000_000))
            }
        case UInt8(ascii: "r") where XMLBytes.equals(name, "rPh"):
            phoneticDepth += 1
        default:
            break
        }
    }

    func endElement(_ name: UnsafePointer<UInt8>) {
        if name[0] == UInt8(ascii: "t") && name[1] == 0 {
            inText = false
        } else if XMLBytes.equals(name, "si") {
            if !XMLBytes.decodeEscapes(&buffer) {
                fail("shared string \(table.count) holds a lone UTF-16 surrogate (an escape between _xD800_ and _xDFFF_ without its pair), which is not a character")
            }
            table.append(buffer[...])
            inItem = false
        } else if XMLBytes.equals(name, "rPh") {
            phoneticDepth -= 1
        }
    }

    func characters(_ bytes: UnsafePointer<UInt8>, _ count: Int) {
        guard inText else { return }
        if buffer.count + count > SheetLimits.maxCellBytes {
            fail("shared string \(table.count) holds more than 32,767 characters, the most a cell can hold")
            inText = false
            return
        }
        buffer.append(contentsOf: UnsafeBufferPointer(start: bytes, count: count))
    }

    private func fail(_ message: String) {
        guard error == nil else { return }
        error = WorkbookError(.corrupt, file: file, part: part,
                              message + "; the file is damaged or was not made by a spreadsheet program — open and re-save it")
    }
}
