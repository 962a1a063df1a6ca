#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The shared-string table (`xl/sharedStrings.xml`), read once.
///
/// Rich-text runs (`<r><t>`) are concatenated; phonetic runs (`<rPh>`) are skipped; `_xHHHH_`
/// escapes are decoded.
///
/// Stored compactly: the UTF-8 of every string back to back plus one offset per string, and a
/// `String` is made only when a cell is materialised (as `[String]`, a million-row client
/// sheet's two million strings took about 160 MB). Past `memoryLimit` bytes of text, the text
/// goes to an unlinked temporary file (`SpillFile`) and is read back through a small block
/// cache per reader, so memory does not grow with the workbook: writers put strings in the
/// order cells first use them, so a reader going down the rows reads the file front to back.
struct SharedStrings: Sendable {
    /// Text kept in memory before the table spills to a temporary file.
    static let memoryLimit = 8 << 20

    /// The text and where each string lies in it.
    let text: SharedStringsText

    var count: Int { text.count }
    /// Damage tolerated while reading the part (lone surrogates read as U+FFFD).
    var warnings: [WorkbookWarning] = []
    /// The part the workbook lists but the archive lacks (the table is then empty): named in
    /// the error of a cell that points into it.
    var missingPart: String?
    /// Whether the text lives in a temporary file.
    var isSpilled: Bool { text.isSpilled }

    init(memoryLimit: Int = SharedStrings.memoryLimit) { text = SharedStringsText(memoryLimit: memoryLimit) }

    /// A table holding `strings`, for tests and fuzzing.
    init(_ strings: [String], memoryLimit: Int = SharedStrings.memoryLimit) throws {
        self.init(memoryLimit: memoryLimit)
        for string in strings { try append(Array(string.utf8)[...]) }
        try finish()
    }

    /// The string at `index` (which must be below `count`); `cache` belongs to the caller's
    /// reader. Nil only when a spilled table cannot be read back from its file.
    @inline(__always)
    func string(at index: Int, cache: SharedStringsCache) -> String? {
        text.withBytes(at: index, cache: cache) { String(decoding: $0, as: UTF8.self) }
    }

    /// `body` with the UTF-8 of the string at `index` (below `count`), read in place (no
    /// `String`); nil only when a spilled table cannot be read back from its file.
    @inline(__always)
    func withBytes<R>(at index: Int, cache: SharedStringsCache, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        text.withBytes(at: index, cache: cache, body)
    }

    fileprivate func reserve(bytes byteCount: Int, strings: Int) {
        text.reserve(bytes: byteCount, strings: strings)
    }

    fileprivate func append(_ string: ArraySlice<UInt8>) throws {
        try string.withUnsafeBufferPointer { try text.append($0) }
    }

    /// Called once the last string is in: writes out the rest of a spilled table's text and
    /// lets its buffer go.
    fileprivate func finish() throws {
        try text.finish()
    }

    /// Reads the part: its `<si>` items with `SharedStringsScanner`, the rest with libxml2;
    /// a part the scanner does not decide is read again from the top with libxml2 alone.
    static func read(_ stream: ZipEntryStream, file: String) throws -> SharedStrings {
        if let table = try scan(InflateAhead.source(stream), file: file) { return table }
        return try parse(stream.reopened(), file: file)
    }

    /// The table, or nil when something in the part is outside the scanner's subset.
    static func scan(_ stream: any InflatedBytes, file: String) throws -> SharedStrings? {
        let handler = SharedStringsHandler(stream, file: file)
        let parser = XMLPushParser(handler: handler, file: file, part: stream.entry.name)
        let window = ByteWindow(source: stream)
        guard let headCount = try XMLHead.endOfStartTag("<sst", in: window) else { return nil }
        try parser.feed(UnsafeBufferPointer(rebasing: window.unconsumed[..<headCount]), last: false)
        if let error = handler.error { throw error }
        window.start += headCount
        var scanner = SharedStringsScanner(window)
        var text: [UInt8] = []
        text.reserveCapacity(256)
        while true {
            switch scanner.scanItem(into: &text) {
            case .item:
                window.start = scanner.offset
                handler.itemEnded(&text)
                if let error = handler.error { throw error }
                text.removeAll(keepingCapacity: true)
            case .needMore:
                window.start = scanner.offset
                guard try window.fill() else { return nil }
                scanner = SharedStringsScanner(window)
            case .end:
                // The tail (`</sst>` on) is small: libxml2 checks it and sees the end.
                window.start = scanner.offset
                repeat {
                    try parser.feed(window.unconsumed, last: false)
                    window.start = window.end
                } while try window.fill()
                try parser.feed(UnsafeBufferPointer(start: nil, count: 0), last: true)
                return try handler.finish()
            case .unexpected:
                return nil
            }
        }
    }

    /// The whole part through libxml2's SAX2.
    static func parse(_ stream: ZipEntryStream, file: String) throws -> SharedStrings {
        let handler = SharedStringsHandler(stream, file: file)
        let parser = XMLPushParser(handler: handler, file: file, part: stream.entry.name)
        while let chunk = try stream.next() {
            try parser.feed(chunk, last: false)
            if let error = handler.error { throw error }
        }
        try parser.feed(UnsafeBufferPointer(start: nil, count: 0), last: true)
        return try handler.finish()
    }
}

private final class SharedStringsHandler: SAXHandler {
    var table = SharedStrings()
    var error: WorkbookError?
    private let file: String
    private let part: String
    private var buffer: [UInt8] = []
    private var inItem = false
    private var inText = false
    private var phoneticDepth = 0

    init(_ stream: any InflatedBytes, file: String) {
        self.file = file
        part = stream.entry.name
        table.reserve(bytes: Int(min(stream.entry.uncompressedSize, ZipArchive.maxEntrySize)), strings: 0)
        buffer.reserveCapacity(256)
    }

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
            itemEnded(&buffer)
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

    /// One `<si>` read, its text raw (`_xHHHH_` escapes not yet decoded), from either path.
    func itemEnded(_ text: inout [UInt8]) {
        if !XMLBytes.decodeEscapes(&text), table.warnings.count < WorkbookWarning.limit {
            table.warnings.append(WorkbookWarning(file: file, part: part,
                "shared string \(table.count) holds a lone UTF-16 surrogate (an escape between _xD800_ and _xDFFF_ without its pair), which is not a character; read as U+FFFD (\u{FFFD})"))
        }
        if SheetLimits.exceedsCell(text) {
            fail("shared string \(table.count) holds more than 32,767 characters, the most a cell can hold")
        }
        do {
            try table.append(text[...])
        } catch {
            self.error = self.error ?? (error as? WorkbookError)
        }
    }

    /// The table, once the part has been read whole.
    func finish() throws -> SharedStrings {
        if let error { throw error }
        try table.finish()
        return table
    }

    private func fail(_ message: String) {
        guard error == nil else { return }
        error = WorkbookError(.corrupt, file: file, part: part,
                              message + "; the file is damaged or was not made by a spreadsheet program — open and re-save it")
    }
}

/// A strict byte-level reader for the `<si>` items of a shared-string part, the bulk of it
/// (131 MB of XML for a million-row client sheet, where libxml2's SAX2 took a fifth of the
/// whole read).
///
/// It understands what spreadsheet writers produce: `<si>` holding `<t>` (plain text) or runs
/// `<r>` with self-closing run properties `<rPr>` and a `<t>`, phonetic runs `<rPh>` and
/// `<phoneticPr/>` (skipped, as the SAX path skips them), through `XMLLexer`. Anything else
/// answers `.unexpected` and the whole part is read again with libxml2, so both paths make the
/// same table.
struct SharedStringsScanner {
    enum Outcome {
        /// One `<si>` was read; its text is in the buffer.
        case item
        /// The window ends inside an item: fill and call again from the same place.
        case needMore
        /// `</sst>` is at the offset.
        case end
        /// Something outside the subset: let libxml2 read the part.
        case unexpected
    }

    private var x: XMLLexer

    init(_ window: ByteWindow) { x = XMLLexer(window) }

    /// Offset in the window after the last complete item read.
    var offset: Int { x.offset }

    /// Reads one `<si>`, appending its text (raw: `_xHHHH_` escapes are the caller's) to `text`.
    mutating func scanItem(into text: inout [UInt8]) -> Outcome {
        let start = x.p
        let textCount = text.count
        do {
            x.skipSpace()
            try x.need(2)
            guard x.p[0] == UInt8(ascii: "<") else { throw XMLLexer.Failure.unexpected }
            if x.p[1] == UInt8(ascii: "/") {
                x.p += 2
                try x.expectName("sst")
                x.p = start
                x.skipSpace()
                return .end
            }
            // The item nearly every writer makes, `<si><t>TEXT</t></si>` (with or without
            // `xml:space="preserve"`), read by literal matches: the general path below spent
            // about a third of its time on the tags around the text.
            if let opening = Self.plainItemOpening(x.p, x.end) {
                x.p += opening
                try x.text(into: &text)
                try x.need(9)
                if memcmp(x.p, "</t></si>", 9) == 0 {
                    x.p += 9
                    return .item
                }
                // Anything else after the text (a run, a phonetic run): read from the top.
                x.p = start
                x.skipSpace()
                text.removeSubrange(textCount...)
            }
            x.p += 1
            try x.expectName("si")
            if try !x.attributes({ _, _ in }) {
                try children(of: "si", into: &text)
            }
            return .item
        } catch XMLLexer.Failure.needMore {
            x.p = start
            text.removeSubrange(textCount...)
            return .needMore
        } catch {
            x.p = start
            return .unexpected
        }
    }

    /// The length of `<si><t>` or `<si><t xml:space="preserve">` at `p`, or nil.
    @inline(__always)
    private static func plainItemOpening(_ p: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Int? {
        let available = end - p
        guard available >= 7, memcmp(p, "<si><t", 6) == 0 else { return nil }
        if p[6] == UInt8(ascii: ">") { return 7 }
        if available >= 28, memcmp(p + 6, " xml:space=\"preserve\">", 22) == 0 { return 28 }
        return nil
    }

    /// The children of `<si>` or of a run `<r>`, through the parent's end tag.
    private mutating func children(of parent: StaticString, into text: inout [UInt8]) throws {
        let inRun = parent.utf8CodeUnitCount == 1
        while true {
            x.skipSpace()
            try x.need(2)
            guard x.p[0] == UInt8(ascii: "<") else { throw XMLLexer.Failure.unexpected }
            if x.p[1] == UInt8(ascii: "/") {
                x.p += 2
                try x.expectName(parent)
                try x.closeTag()
                return
            }
            x.p += 1
            if try x.name(is: "t") {
                if try !x.attributes({ _, _ in }) {
                    try x.text(into: &text)
                    try x.endTag("t")
                }
            } else if try !inRun && x.name(is: "r") {
                if try !x.attributes({ _, _ in }) { try children(of: "r", into: &text) }
            } else if try inRun && x.name(is: "rPr") {
                if try !x.attributes({ _, _ in }) { try skipProperties(of: "rPr") }
            } else if try !inRun && x.name(is: "rPh") {
                if try !x.attributes({ _, _ in }) { try skipPhonetic() }
            } else if try !inRun && x.name(is: "phoneticPr") {
                guard try x.attributes({ _, _ in }) else { throw XMLLexer.Failure.unexpected }
            } else {
                throw XMLLexer.Failure.unexpected
            }
        }
    }

    /// Run properties: self-closing elements (`<b/>`, `<sz val="11"/>`…) through `</rPr>`.
    private mutating func skipProperties(of parent: StaticString) throws {
        while true {
            x.skipSpace()
            try x.need(2)
            guard x.p[0] == UInt8(ascii: "<") else { throw XMLLexer.Failure.unexpected }
            if x.p[1] == UInt8(ascii: "/") {
                x.p += 2
                try x.expectName(parent)
                try x.closeTag()
                return
            }
            x.p += 1
            let name = try x.skipName()
            // A `<t>` anywhere in the item is text to the SAX path: leave such oddities to it.
            guard !(name.count == 1 && name[0] == UInt8(ascii: "t")) else { throw XMLLexer.Failure.unexpected }
            guard try x.attributes({ _, _ in }) else { throw XMLLexer.Failure.unexpected }
        }
    }

    /// A phonetic run's `<t>` elements through `</rPh>`: checked, not kept.
    private mutating func skipPhonetic() throws {
        while true {
            x.skipSpace()
            try x.need(2)
            guard x.p[0] == UInt8(ascii: "<") else { throw XMLLexer.Failure.unexpected }
            if x.p[1] == UInt8(ascii: "/") {
                x.p += 2
                try x.expectName("rPh")
                try x.closeTag()
                return
            }
            x.p += 1
            try x.expectName("t")
            if try !x.attributes({ _, _ in }) {
                try x.skipText()
                try x.endTag("t")
            }
        }
    }
}

/// The shared strings' text: the UTF-8 of every string back to back, and where each string
/// lies in it (`SharedStringBounds`), in buffers of its own (a lookup is a few loads, with no
/// array to retain or check — one is made for every shared-string cell). Past `memoryLimit`
/// bytes the text goes to an unlinked temporary file (`SpillFile`), read back through each
/// reader's `SharedStringsCache`.
///
/// Written by the one reader of the part, through `SharedStrings`, until `finish()`; only read
/// from then on, by any number of readers on any threads.
final class SharedStringsText: @unchecked Sendable {
    private let memoryLimit: Int
    /// The text in memory: all of it, or, while a spilling table is read, what is not yet written out.
    private var bytes: UnsafeMutablePointer<UInt8>?
    private var byteCapacity = 0
    private var byteCount = 0
    /// Where each string lies in the text (in the file, when spilled).
    private var bounds = SharedStringBounds()
    private var stringCapacity = 0
    private var longCapacity = 0
    /// Strings in the table.
    private(set) var count = 0
    private var spill: SpillFile?

    var isSpilled: Bool { spill != nil }

    // For a reader's lookups once the table is finished (nothing moves from then on); the
    // table must outlive their use.
    /// Where each string starts and ends.
    var stringBounds: SharedStringBounds { bounds }
    /// Bytes held to find each string in the text (tests: about 1.5 a string).
    var boundsByteCount: Int {
        stringCapacity + (stringCapacity >> SharedStringBounds.groupShift + 1) * 4 + longCapacity * 8
    }
    /// The text, when it is in memory (nil when spilled).
    var textPointer: UnsafePointer<UInt8>? { spill == nil ? bytes.map { UnsafePointer($0) } : nil }
    /// The file holding the text, when spilled.
    var spillFile: SpillFile? { spill }

    init(memoryLimit: Int) {
        self.memoryLimit = memoryLimit
        resizeStrings(to: 16)
    }

    deinit {
        bytes?.deallocate()
        bounds.anchors.deallocate()
        bounds.lengths.deallocate()
        if longCapacity > 0 {
            bounds.longIndexes.deallocate()
            bounds.longLengths.deallocate()
        }
    }

    /// `body` with the UTF-8 of the string at `index` (below `count`); nil only when a spilled
    /// table cannot be read back from its file.
    @inline(__always)
    func withBytes<R>(at index: Int, cache: SharedStringsCache, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        let (start, end) = bounds.of(index)
        if start == end { return body(UnsafeBufferPointer(start: nil, count: 0)) }
        if let spill { return cache.withBytes(from: spill, start: start, end: end, body) }
        return body(UnsafeBufferPointer(start: bytes! + start, count: end - start))
    }

    func reserve(bytes wanted: Int, strings: Int) {
        // Untouched pages of a large reservation are not resident, and the buffer never has
        // to grow by copying (the text is never longer than the XML it comes from).
        let capacity = min(wanted, memoryLimit + (1 << 20))
        if capacity > byteCapacity { resizeBytes(to: capacity) }
        if strings > stringCapacity { resizeStrings(to: strings) }
    }

    func append(_ string: UnsafeBufferPointer<UInt8>) throws {
        if let source = string.baseAddress, !string.isEmpty {
            if byteCapacity - byteCount < string.count { resizeBytes(to: max(2 * byteCapacity, byteCount + string.count, 256)) }
            (bytes! + byteCount).update(from: source, count: string.count)
            byteCount += string.count
        }
        if count + 1 > stringCapacity { resizeStrings(to: 2 * stringCapacity) }
        let end = (spill?.size ?? 0) + byteCount
        if string.count >= Int(SharedStringBounds.longLength) {
            if bounds.longCount == longCapacity { resizeLong(to: max(16, 2 * longCapacity)) }
            bounds.longIndexes[bounds.longCount] = UInt32(count)
            bounds.longLengths[bounds.longCount] = UInt32(string.count)
            bounds.longCount += 1
            bounds.lengths[count] = SharedStringBounds.longLength
        } else {
            bounds.lengths[count] = UInt8(string.count)
        }
        count += 1
        // Each group's anchor is where its first string starts: the end of the one before.
        if count & SharedStringBounds.groupMask == 0 { bounds.anchors[count >> SharedStringBounds.groupShift] = UInt32(end) }
        if byteCount >= memoryLimit {
            if spill == nil { spill = try SpillFile() }
            try spill?.append(UnsafeBufferPointer(start: bytes, count: byteCount))
            byteCount = 0
        }
    }

    /// Writes out the rest of a spilled table's text and lets its buffer go.
    func finish() throws {
        guard let spill else { return }
        try spill.append(UnsafeBufferPointer(start: bytes, count: byteCount))
        bytes?.deallocate()
        bytes = nil
        byteCapacity = 0
        byteCount = 0
    }

    private func resizeBytes(to capacity: Int) {
        let resized = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        if let bytes {
            resized.update(from: bytes, count: byteCount)
            bytes.deallocate()
        }
        bytes = resized
        byteCapacity = capacity
    }

    private func resizeStrings(to capacity: Int) {
        let lengths = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        let anchors = UnsafeMutablePointer<UInt32>.allocate(capacity: capacity >> SharedStringBounds.groupShift + 1)
        if stringCapacity == 0 {
            anchors[0] = 0
        } else {
            lengths.update(from: bounds.lengths, count: count)
            anchors.update(from: bounds.anchors, count: count >> SharedStringBounds.groupShift + 1)
            bounds.lengths.deallocate()
            bounds.anchors.deallocate()
        }
        bounds.lengths = lengths
        bounds.anchors = anchors
        stringCapacity = capacity
    }

    private func resizeLong(to capacity: Int) {
        let indexes = UnsafeMutablePointer<UInt32>.allocate(capacity: capacity)
        let lengths = UnsafeMutablePointer<UInt32>.allocate(capacity: capacity)
        if longCapacity > 0 {
            indexes.update(from: bounds.longIndexes, count: bounds.longCount)
            lengths.update(from: bounds.longLengths, count: bounds.longCount)
            bounds.longIndexes.deallocate()
            bounds.longLengths.deallocate()
        }
        bounds.longIndexes = indexes
        bounds.longLengths = lengths
        longCapacity = capacity
    }
}

/// Where each shared string lies in the text, in about 1.5 bytes a string instead of the 4 of
/// one offset each (a million-row sheet's 2.2 million strings took 8.9 MB of offsets; issue 18,
/// memory): the length of every string in a byte, and the offset of every eighth string (its
/// group's anchor). A string starts at its group's anchor plus the lengths before it in the
/// group — at most seven bytes to add. A length of `longLength` or more is a byte of
/// `longLength` and the real length in a side table sorted by index (a binary search, for the
/// rare string of 255 bytes or more).
///
/// A view of buffers that `SharedStringsText` owns: copied into each reader for its lookups.
struct SharedStringBounds: @unchecked Sendable {
    static let groupShift = 3
    static let groupMask = (1 << groupShift) - 1
    /// The byte that marks a string whose length is in the side table.
    static let longLength: UInt8 = 255

    // Placeholders until `SharedStringsText` allocates each buffer (the side table only
    // when a long string comes).
    /// `anchors[g]` is where string `g << groupShift` starts (for a last, full group: where the
    /// table ends).
    fileprivate(set) var anchors = UnsafeMutablePointer<UInt32>(bitPattern: 8)!
    /// Each string's length in bytes, or `longLength`.
    fileprivate(set) var lengths = UnsafeMutablePointer<UInt8>(bitPattern: 8)!
    /// The strings of `longLength` bytes or more, by index, and their lengths.
    fileprivate(set) var longIndexes = UnsafeMutablePointer<UInt32>(bitPattern: 8)!
    fileprivate(set) var longLengths = UnsafeMutablePointer<UInt32>(bitPattern: 8)!
    fileprivate(set) var longCount = 0

    /// Where string `index` (below the table's count) starts and ends in the text.
    @inline(__always)
    func of(_ index: Int) -> (start: Int, end: Int) {
        var start = Int(anchors[index >> Self.groupShift])
        var i = index & ~Self.groupMask
        while i < index {
            start += length(i)
            i += 1
        }
        return (start, start + length(index))
    }

    @inline(__always)
    private func length(_ index: Int) -> Int {
        let short = lengths[index]
        return short == Self.longLength ? longLength(index) : Int(short)
    }

    private func longLength(_ index: Int) -> Int {
        var low = 0, high = longCount
        while low < high {
            let middle = (low + high) / 2
            if Int(longIndexes[middle]) < index { low = middle + 1 } else { high = middle }
        }
        return Int(longLengths[low])
    }
}
