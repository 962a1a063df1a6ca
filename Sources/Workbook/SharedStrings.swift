/// The shared-string table (`xl/sharedStrings.xml`), read once with SAX into `[String]`.
///
/// Rich-text runs (`<r><t>`) are concatenated; phonetic runs (`<rPh>`) are skipped; `_xHHHH_`
/// escapes are decoded.
struct SharedStrings {
    var strings: [String] = []

    static func read(_ stream: ZipEntryStream, file: String) throws -> SharedStrings {
        let handler = SharedStringsHandler()
        handler.file = file
        handler.part = stream.entry.name
        let parser = XMLPushParser(handler: handler, file: file, part: stream.entry.name)
        while let chunk = try stream.next() {
            try parser.feed(chunk, last: false)
            if let error = handler.error { throw error }
        }
        try parser.feed(UnsafeBufferPointer(start: nil, count: 0), last: true)
        if let error = handler.error { throw error }
        return SharedStrings(strings: handler.strings)
    }
}

private final class SharedStringsHandler: SAXHandler {
    var strings: [String] = []
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
                strings.reserveCapacity(min(n, 10_000_000))
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
                fail("shared string \(strings.count) holds a lone UTF-16 surrogate (an escape between _xD800_ and _xDFFF_ without its pair), which is not a character")
            }
            strings.append(String(decoding: buffer, as: UTF8.self))
            inItem = false
        } else if XMLBytes.equals(name, "rPh") {
            phoneticDepth -= 1
        }
    }

    func characters(_ bytes: UnsafePointer<UInt8>, _ count: Int) {
        guard inText else { return }
        if buffer.count + count > SheetLimits.maxCellBytes {
            fail("shared string \(strings.count) holds more than 32,767 characters, the most a cell can hold")
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
