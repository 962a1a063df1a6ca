import CLibXML2
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Receives SAX2 events with names and values as raw UTF-8 bytes (no `String` per element).
protocol SAXHandler: AnyObject {
    /// `attributes` holds `count` groups of five pointers: localname, prefix, URI, value begin, value end.
    func startElement(_ localName: UnsafePointer<UInt8>, _ attributes: UnsafeMutablePointer<UnsafePointer<UInt8>?>?, _ count: Int)
    func endElement(_ localName: UnsafePointer<UInt8>)
    func characters(_ bytes: UnsafePointer<UInt8>, _ count: Int)
}

/// A libxml2 SAX2 push parser fed with chunks; names are matched on local names, so Strict
/// (`http://purl.oclc.org/ooxml/…`) and transitional namespaces read the same.
///
/// Safe by construction: no network, no DTD loading, no entity substitution, and any DOCTYPE
/// is refused (an OOXML part never has one; entity bombs and XXE need one).
final class XMLPushParser {
    // unowned(unsafe): every owner keeps its handler alive longer than the parser, and a checked
    // unowned reference costs an atomic retain per SAX event.
    unowned(unsafe) let handler: any SAXHandler
    let file: String
    let part: String
    private var context: xmlParserCtxtPtr?
    private(set) var sawDoctype = false

    init(handler: any SAXHandler, file: String, part: String) {
        self.handler = handler
        self.file = file
        self.part = part
    }

    deinit {
        if let context {
            xmlFreeParserCtxt(context)
        }
    }

    private func start() throws {
        ci_xml_silence_global_errors()
        var sax = xmlSAXHandler()
        sax.initialized = UInt32(XML_SAX2_MAGIC)
        sax.startElementNs = { ctx, localname, _, _, _, _, nbAttributes, _, attributes in
            let me = Unmanaged<XMLPushParser>.fromOpaque(ctx!).takeUnretainedValue()
            me.handler.startElement(localname!, attributes.map { UnsafeMutableRawPointer($0).assumingMemoryBound(to: UnsafePointer<UInt8>?.self) }, Int(nbAttributes))
        }
        sax.endElementNs = { ctx, localname, _, _ in
            let me = Unmanaged<XMLPushParser>.fromOpaque(ctx!).takeUnretainedValue()
            me.handler.endElement(localname!)
        }
        sax.characters = { ctx, chars, len in
            let me = Unmanaged<XMLPushParser>.fromOpaque(ctx!).takeUnretainedValue()
            me.handler.characters(chars!, Int(len))
        }
        sax.cdataBlock = sax.characters
        sax.internalSubset = { ctx, _, _, _ in
            let me = Unmanaged<XMLPushParser>.fromOpaque(ctx!).takeUnretainedValue()
            me.sawDoctype = true
            if let c = me.context { xmlStopParser(c) }
        }
        sax.serror = { _, _ in }  // errors are read back from the context, never printed
        let ctx = xmlCreatePushParserCtxt(&sax, Unmanaged.passUnretained(self).toOpaque(), nil, 0, part)
        guard let ctx else {
            throw WorkbookError(.unreadable, file: file, part: part, "libxml2 could not start a parser")
        }
        xmlCtxtUseOptions(ctx, Int32(XML_PARSE_NONET.rawValue) | Int32(XML_PARSE_NOCDATA.rawValue))
        ctx.pointee.replaceEntities = 0
        ctx.pointee.loadsubset = 0
        context = ctx
    }

    /// Parses one chunk (pass `last: true` with the final, possibly empty, chunk).
    func feed(_ bytes: UnsafeBufferPointer<UInt8>, last: Bool) throws {
        if context == nil { try start() }
        let status = bytes.withMemoryRebound(to: CChar.self) { chars in
            xmlParseChunk(context, chars.baseAddress, Int32(chars.count), last ? 1 : 0)
        }
        if sawDoctype {
            throw WorkbookError(.corrupt, file: file, part: part,
                "the XML declares a DOCTYPE, which an Excel workbook never does (an entity-expansion or external-entity attack, or a damaged file); refusing to read it")
        }
        if status != 0 {
            var message = "the XML is malformed"
            var line = 0
            if let error = xmlCtxtGetLastError(context) {
                if let text = error.pointee.message {
                    message = String(cString: text).trimmingCharacters(in: " \n")
                }
                line = Int(error.pointee.line)
            }
            throw WorkbookError(.corrupt, file: file, part: part,
                "bad XML at line \(line): \(message); the file is damaged — open and re-save it in your spreadsheet program")
        }
    }

    /// Feeds a whole zip member through the parser.
    func parse(_ stream: ZipEntryStream) throws {
        while let chunk = try stream.next() {
            try feed(chunk, last: false)
        }
        try feed(UnsafeBufferPointer(start: nil, count: 0), last: true)
    }

    /// Parses bytes already in memory.
    func parse(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBufferPointer { try feed($0, last: true) }
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let c = s.first, set.contains(c) { s.removeFirst() }
        while let c = s.last, set.contains(c) { s.removeLast() }
        return String(s)
    }
}

/// Byte helpers for SAX names and attributes.
enum XMLBytes {
    /// Whether the NUL-terminated `name` equals `literal` (ASCII).
    @inline(__always)
    static func equals(_ name: UnsafePointer<UInt8>, _ literal: StaticString) -> Bool {
        let l = literal.utf8Start
        let n = literal.utf8CodeUnitCount
        for i in 0..<n where name[i] != l[i] { return false }
        return name[n] == 0
    }

    /// The attribute value with this local name, as a byte range.
    @inline(__always)
    static func attribute(_ attributes: UnsafeMutablePointer<UnsafePointer<UInt8>?>?, _ count: Int,
                          _ name: StaticString) -> UnsafeBufferPointer<UInt8>? {
        guard let attributes else { return nil }
        for i in 0..<count {
            let base = attributes + i * 5
            if equals(base[0]!, name) {
                let begin = base[3]!, end = base[4]!
                return UnsafeBufferPointer(start: begin, count: end - begin)
            }
        }
        return nil
    }

    /// All attributes as local name → value strings (for small parts only).
    static func attributeMap(_ attributes: UnsafeMutablePointer<UnsafePointer<UInt8>?>?, _ count: Int) -> [String: String] {
        var map: [String: String] = [:]
        guard let attributes else { return map }
        for i in 0..<count {
            let base = attributes + i * 5
            let begin = base[3]!, end = base[4]!
            map[String(cString: base[0]!)] = String(decoding: UnsafeBufferPointer(start: begin, count: end - begin), as: UTF8.self)
        }
        return map
    }

    static func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    /// Parses an unsigned decimal integer; nil when empty or not all digits.
    @inline(__always)
    static func integer(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        if bytes.isEmpty || bytes.count > 18 { return nil }
        var value = 0
        for b in bytes {
            let d = Int(b) &- 48
            if d < 0 || d > 9 { return nil }
            value = value &* 10 &+ d
        }
        return value
    }

    /// Decodes OOXML `_xHHHH_` escapes (e.g. `_x000D_` for a carriage return) in place; returns
    /// false when an escape is a lone UTF-16 surrogate (`_xD800_`), which is no character: it
    /// becomes U+FFFD, as a UTF-16 decoder makes of one, and the caller warns.
    @discardableResult
    static func decodeEscapes(_ bytes: inout [UInt8]) -> Bool {
        guard bytes.count >= 7 else { return true }
        // Nearly no text has an escape: `memchr` finds the underscores (every shared string
        // is checked).
        let hasEscape = bytes.withUnsafeBufferPointer { text in
            let base = text.baseAddress!
            var from = 0
            while from < text.count - 1, let hit = memchr(base + from, 0x5F, text.count - 1 - from) {
                let at = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
                if text[at + 1] == 0x78 { return true }
                from = at + 1
            }
            return false
        }
        guard hasEscape else { return true }
        var i = 0
        var valid = true
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        while i < bytes.count {
            if bytes[i] == 0x5F, i + 6 < bytes.count, bytes[i + 1] == 0x78, bytes[i + 6] == 0x5F,
               let scalarValue = hex4(bytes, i + 2) {
                // `_x005F_` escapes a literal underscore; other values are UTF-16 code units.
                var scalar = Unicode.Scalar(scalarValue)
                var consumed = 7
                if scalar == nil, (0xD800..<0xDC00).contains(scalarValue), i + 13 < bytes.count,
                   bytes[i + 7] == 0x5F, bytes[i + 8] == 0x78, bytes[i + 13] == 0x5F,
                   let low = hex4(bytes, i + 9), (0xDC00..<0xE000).contains(low) {
                    scalar = Unicode.Scalar(0x10000 + ((scalarValue - 0xD800) << 10) + (low - 0xDC00))
                    consumed = 14
                }
                if let scalar {
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                    i += consumed
                    continue
                }
                if (0xD800..<0xE000).contains(scalarValue) {
                    valid = false
                    out.append(contentsOf: [0xEF, 0xBF, 0xBD])
                    i += 7
                    continue
                }
            }
            out.append(bytes[i])
            i += 1
        }
        bytes = out
        return valid
    }

    private static func hex4(_ b: [UInt8], _ at: Int) -> UInt32? {
        var v: UInt32 = 0
        for k in 0..<4 {
            let c = b[at + k]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: return nil
            }
            v = v << 4 | d
        }
        return v
    }
}

// MARK: - Worksheet

/// Streams the rows of one worksheet part: inflated chunks are read until a row is complete,
/// so memory holds one window of bytes and the rows it finished, whatever the sheet size.
///
/// The head of the part (up to and including `<sheetData>`) and its tail go through libxml2;
/// the rows in between go through `SheetScanner`, a strict byte-level reader. When the
/// scanner meets anything outside its subset, the sheet is read again from the top by libxml2
/// alone, skipping the rows already handed out, so callers never see the difference.
final class SheetRowReader: RowReader {
    private enum Phase {
        /// Looking for `<sheetData>` in the window.
        case head
        /// `SheetScanner` reads rows from the window.
        case scanning
        /// libxml2 reads the rest from the stream (the tail, or everything after a fallback).
        case libxml2
    }

    let sheetName: String
    private let file: String
    private let sharedStrings: SharedStrings
    private let formats: NumberFormats
    private let date1904: Bool
    /// The sheet's inflated bytes: `InflateAhead` for a large sheet, else its stream.
    private var source: any InflatedBytes
    private let inflating: InflateAhead.Placement
    private var handler: SheetHandler
    private var parser: XMLPushParser
    private var window: ByteWindow?
    private var phase = Phase.head
    private var finished = false
    private var head = 0
    /// Rows handed out so far; after a fallback, libxml2 skips this many.
    private var emitted = 0
    private var skip = 0
    /// In TSV mode, the scanner stops once this many bytes of lines are ready.
    private var linesWanted = Int.max

    /// What the workbook's other parts tolerated (shared strings, part discovery).
    private let workbookWarnings: [WorkbookWarning]

    /// The workbook's warnings, then this sheet's. After a fallback the new handler reads the
    /// sheet again from the top, so its warnings are the whole sheet's, each once.
    var warnings: [WorkbookWarning] {
        Array((workbookWarnings + handler.warnings).prefix(WorkbookWarning.limit))
    }

    /// The share of the sheet's XML unpacked so far (libxml2 parses a little behind it).
    var fractionRead: Double? { source.fractionProduced }

    /// `inflating` says where the sheet is inflated: by default a large one on a thread of its own.
    init(sheetName: String, stream: ZipEntryStream, file: String, sharedStrings: SharedStrings,
         formats: NumberFormats, date1904: Bool, warnings: [WorkbookWarning] = [], inflating: InflateAhead.Placement = .automatic) {
        self.sheetName = sheetName
        workbookWarnings = warnings
        self.inflating = inflating
        source = InflateAhead.source(stream, inflating)
        self.file = file
        self.sharedStrings = sharedStrings
        self.formats = formats
        self.date1904 = date1904
        handler = SheetHandler(file: file, part: stream.entry.name, sharedStrings: sharedStrings,
                               formats: formats, date1904: date1904)
        parser = XMLPushParser(handler: handler, file: file, part: stream.entry.name)
        window = ByteWindow(source: source)
    }

    func nextRow() throws -> Row? {
        while true {
            while head >= handler.rows.count {
                handler.rows.removeAll(keepingCapacity: true)
                head = 0
                if finished { return nil }
                switch phase {
                case .head: try readHead()
                case .scanning: try scanRows()
                case .libxml2: try parseChunk()
                }
                if let error = handler.error { throw error }
            }
            let row = handler.rows[head]
            head += 1
            if skip > 0 {
                skip -= 1
                continue
            }
            emitted += 1
            return row
        }
    }

    /// Lines of TSV text in about `chunkBytes`, written straight from the sheet's bytes (see
    /// `TSVLines`); nil at the end. A reader is read either this way or by `nextRow`, not both.
    func nextTSVChunk(chunkBytes: Int = 1 << 20) throws -> TSVChunk? {
        let lines: TSVLines
        if let existing = handler.lines {
            lines = existing
        } else {
            precondition(emitted == 0 && handler.rows.isEmpty, "a sheet is read as rows or as TSV lines, not both")
            lines = TSVLines(capacity: chunkBytes + (64 << 10))
            handler.lines = lines
        }
        linesWanted = chunkBytes
        while lines.committed < chunkBytes && !finished {
            switch phase {
            case .head: try readHead()
            case .scanning: try scanRows()
            case .libxml2: try parseChunk()
            }
            if let error = handler.error { throw error }
        }
        if lines.committed == 0 { return nil }
        return lines.takeLines()
    }

    private func parseChunk() throws {
        if let chunk = try source.next() {
            try parser.feed(chunk, last: false)
        } else {
            finished = true
            try parser.feed(UnsafeBufferPointer(start: nil, count: 0), last: true)
        }
    }

    /// Finds `<sheetData>`, hands everything up to it to libxml2 (which refuses a DOCTYPE and
    /// checks the head is well-formed), and starts the scanner after it.
    private func readHead() throws {
        guard let window else { return }
        guard let headCount = try XMLHead.endOfStartTag("<sheetData", in: window) else {
            return try giveWindowToLibxml2()
        }
        try parser.feed(UnsafeBufferPointer(rebasing: window.unconsumed[..<headCount]), last: false)
        window.start += headCount
        phase = .scanning
    }

    private func scanRows() throws {
        guard let window else { return }
        var scanner = SheetScanner(window, handler: handler)
        while true {
            switch scanner.scanRow() {
            case .row:
                window.start = scanner.offset
                if handler.rows.count >= 64 { return }
                if let lines = handler.lines, lines.committed >= linesWanted { return }
            case .needMore:
                window.start = scanner.offset
                if !handler.rows.isEmpty { return }
                guard try window.fill() else { return try fallBack() }
                scanner = SheetScanner(window, handler: handler)
            case .sheetDataEnd:
                window.start = scanner.offset
                // The tail (`</sheetData>` on) is small: libxml2 checks it and sees the end.
                try parser.feed(window.unconsumed, last: false)
                self.window = nil
                phase = .libxml2
                return
            case .unexpected:
                return try fallBack()
            }
        }
    }

    /// Before the scanner started: libxml2 parses what the window holds, then the stream.
    private func giveWindowToLibxml2() throws {
        if let window { try parser.feed(window.unconsumed, last: false) }
        window = nil
        phase = .libxml2
    }

    /// The scanner met something it does not decide: libxml2 reads the part again from the
    /// top, and the rows already handed out are skipped.
    private func fallBack() throws {
        window = nil
        // Dropping an `InflateAhead` stops its thread; the new source inflates ahead again.
        source = InflateAhead.source(try source.reopened(), inflating)
        let part = source.entry.name
        let lines = handler.lines
        handler = SheetHandler(file: file, part: part, sharedStrings: sharedStrings,
                               formats: formats, date1904: date1904)
        parser = XMLPushParser(handler: handler, file: file, part: part)
        skip = emitted
        if let lines {
            lines.rowStarted()
            lines.skip = lines.rowsWritten
            handler.lines = lines
        }
        phase = .libxml2
    }
}

/// What a worksheet may hold: Excel's own limits (a file beyond them was not made by a
/// spreadsheet program, and reading it on would let a hostile file grow memory without bound).
enum SheetLimits {
    static let maxColumn = 16_384        // XFD
    static let maxRow = 1_048_576
    /// Raw bytes of one cell's text before `_xHHHH_` decoding: Excel stops at 32,767 characters,
    /// which is at most this many bytes even when every character is escaped.
    static let maxCellBytes = 32_767 * 7
    /// Excel's limit on one cell's text, in UTF-16 code units (how Excel counts characters).
    static let maxCellCharacters = 32_767

    /// Whether decoded text is longer than a cell holds. UTF-8 never has fewer bytes than
    /// UTF-16 code units, so nearly every cell is decided by its byte count alone.
    @inline(__always)
    static func exceedsCell(_ text: [UInt8]) -> Bool {
        guard text.count > maxCellCharacters else { return false }
        var units = 0
        for byte in text where byte & 0xC0 != 0x80 {
            units += byte >= 0xF0 ? 2 : 1
        }
        return units > maxCellCharacters
    }
}

/// SAX events of a worksheet → `Row`s. Names and attributes are matched as bytes.
final class SheetHandler: SAXHandler {
    enum CellType { case number, shared, inline, formulaString, bool, error, isoDate }

    // The handler belongs to one reader on one thread, and its events never overlap; the
    // runtime's exclusivity checks on these hot properties were ~15% of reading a sheet.
    @exclusivity(unchecked) var rows: [Row] = []
    /// The first problem found; `failed` says whether there is one without copying it.
    private(set) var error: WorkbookError?
    /// Damage tolerated so far (up to `WorkbookWarning.limit`).
    private(set) var warnings: [WorkbookWarning] = []
    @exclusivity(unchecked) private(set) var failed = false

    private let file: String
    private let part: String
    private let sharedStrings: SharedStrings
    private let stringsCache: SharedStringsCache
    // What a shared-string cell looks up, as pointers and unmanaged references: through the
    // table's or the cache's own references, each lookup retained and released two or three
    // objects, ~10% of the TSV dump's scanning thread. `sharedStrings` and `stringsCache` keep
    // them alive, and the table no longer changes.
    private let stringBounds: SharedStringBounds
    private let stringText: UnsafePointer<UInt8>?
    private let stringCount: Int
    private let spilledStrings: Unmanaged<SpillFile>?
    private let cacheReference: Unmanaged<SharedStringsCache>
    private let formats: NumberFormats
    private let date1904: Bool

    private var inSheetData = false
    private(set) var rowNumber = 0
    @exclusivity(unchecked) private var cells: [Cell] = []
    @exclusivity(unchecked) private var column = 0          // 1-based column of the current (or last) cell
    @exclusivity(unchecked) private var cellType = CellType.number
    @exclusivity(unchecked) private var styleIndex = 0
    /// The text of the current cell's `<v>` or inline `<t>`, as UTF-8 with entities decoded.
    @exclusivity(unchecked) var value: [UInt8] = []
    @exclusivity(unchecked) private var hasValue = false
    @exclusivity(unchecked) private var capturing = false
    @exclusivity(unchecked) private var inInline = false
    private var phoneticDepth = 0
    /// When set, rows are written here as TSV text instead of becoming `Row`s (`CellDump`).
    var lines: TSVLines?

    init(file: String, part: String, sharedStrings: SharedStrings, formats: NumberFormats, date1904: Bool) {
        self.file = file
        self.part = part
        self.sharedStrings = sharedStrings
        let cache = SharedStringsCache()
        stringsCache = cache
        cacheReference = Unmanaged.passUnretained(cache)
        stringBounds = sharedStrings.text.stringBounds
        stringText = sharedStrings.text.textPointer
        stringCount = sharedStrings.count
        spilledStrings = sharedStrings.text.spillFile.map { Unmanaged.passUnretained($0) }
        self.formats = formats
        self.date1904 = date1904
        value.reserveCapacity(64)
        cells.reserveCapacity(32)
    }

    func startElement(_ name: UnsafePointer<UInt8>, _ attributes: UnsafeMutablePointer<UnsafePointer<UInt8>?>?, _ count: Int) {
        switch name[0] {
        case UInt8(ascii: "c") where name[1] == 0:
            guard inSheetData else { return }
            startCell(attributes, count)
        case UInt8(ascii: "v") where name[1] == 0:
            capturing = true
            hasValue = true
        case UInt8(ascii: "t") where name[1] == 0:
            if inInline && phoneticDepth == 0 { capturing = true; hasValue = true }
        case UInt8(ascii: "r"):
            if name[1] == UInt8(ascii: "o") && name[2] == UInt8(ascii: "w") && name[3] == 0 {
                guard inSheetData else { return }
                let r = XMLBytes.attribute(attributes, count, "r")
                if let r {
                    guard let number = XMLBytes.integer(r), number >= 1, number <= SheetLimits.maxRow else {
                        fail("row \"\(XMLBytes.string(r).prefix(40))\" after row \(rowNumber) is not a row number (1 to \(SheetLimits.maxRow))")
                        return
                    }
                }
                rowStarted(number: r.flatMap(XMLBytes.integer))
            } else if XMLBytes.equals(name, "rPh") {
                phoneticDepth += 1
            }
        case UInt8(ascii: "i") where name[1] == UInt8(ascii: "s") && name[2] == 0:
            inInline = true
        case UInt8(ascii: "s") where XMLBytes.equals(name, "sheetData"):
            inSheetData = true
        default:
            break
        }
    }

    private func startCell(_ attributes: UnsafeMutablePointer<UnsafePointer<UInt8>?>?, _ count: Int) {
        var column: Int?
        var type = CellType.number
        var style = 0
        if let attributes {
            for i in 0..<count {
                let base = attributes + i * 5
                let n = base[0]!
                guard n[1] == 0 else { continue }
                let value = UnsafeBufferPointer(start: base[3]!, count: base[4]! - base[3]!)
                switch n[0] {
                case UInt8(ascii: "r"):
                    column = Self.column(ofReference: value)
                    if column == .max {
                        fail("cell reference \"\(XMLBytes.string(UnsafeBufferPointer(rebasing: value.prefix(40))))\" is outside a worksheet (A1 to XFD\(SheetLimits.maxRow))")
                        return
                    }
                case UInt8(ascii: "t"): type = Self.cellType(value)
                case UInt8(ascii: "s"): style = XMLBytes.integer(value) ?? 0
                default: break
                }
            }
        }
        cellStarted(column: column, type: type, style: style)
    }

    /// The 1-based column of a reference such as `AB12`, or nil when it has no letters;
    /// `Int.max` when the reference lies outside a worksheet (past XFD, row 0 or past row
    /// 1,048,576), which `cellStarted` refuses.
    @inline(__always)
    static func column(ofReference reference: UnsafeBufferPointer<UInt8>) -> Int? {
        var col = 0
        var index = 0
        for byte in reference {
            let b = byte | 0x20
            guard b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z") else { break }
            col = col * 26 + Int(b - UInt8(ascii: "a")) + 1
            if col > SheetLimits.maxColumn { return .max }
            index += 1
        }
        guard col > 0 else { return nil }
        if index < reference.count {
            let row = XMLBytes.integer(UnsafeBufferPointer(rebasing: reference[index...])) ?? 0
            if row < 1 || row > SheetLimits.maxRow { return .max }
        }
        return col
    }

    /// The cell type of a `t` attribute (`s`, `str`, `inlineStr`, `n`, `b`, `e`, `d`).
    @inline(__always)
    static func cellType(_ value: UnsafeBufferPointer<UInt8>) -> CellType {
        guard let first = value.first else { return .number }
        switch first {
        case UInt8(ascii: "s"): return value.count == 1 ? .shared : .formulaString
        case UInt8(ascii: "i"): return .inline
        case UInt8(ascii: "b"): return .bool
        case UInt8(ascii: "e"): return .error
        case UInt8(ascii: "d"): return .isoDate
        default: return .number
        }
    }

    // MARK: Events shared by the SAX callbacks and `SheetScanner`

    /// A `<row>` starts; `number` is its `r` attribute when that is a plain integer.
    @inline(__always)
    func rowStarted(number: Int?) {
        if let number, number < 1 || number > SheetLimits.maxRow {
            fail("row \(number) after row \(rowNumber) is not a row number (1 to \(SheetLimits.maxRow))")
            return
        }
        rowNumber = number ?? rowNumber + 1
        cells.removeAll(keepingCapacity: true)
        column = 0
        lines?.rowStarted()
    }

    /// The scanner gave up a row it had started (its window ended inside it) and will read it
    /// again from its start: the row number goes back to what it was, or a row without `r`
    /// would count once more for each refill it straddles.
    @inline(__always)
    func rowAbandoned(rowNumberBefore: Int) {
        rowNumber = rowNumberBefore
    }

    /// A `<c>` starts; `column` comes from its `r` attribute (nil: the one after the last).
    @inline(__always)
    func cellStarted(column: Int?, type: CellType, style: Int) {
        let next = column ?? self.column + 1
        if next > SheetLimits.maxColumn {
            fail("row \(rowNumber) has cells beyond column XFD (\(SheetLimits.maxColumn) columns), more than a worksheet holds")
            return
        }
        self.column = next
        cellType = type
        styleIndex = style
        value.removeAll(keepingCapacity: true)
        hasValue = false
        inInline = false
    }

    /// The cell has a `<v>` or an inline `<t>` (possibly empty); its text goes into `value`.
    @inline(__always)
    func valueStarted() {
        hasValue = true
    }

    func cellEnded() {
        guard !failed else { return }
        if let lines { return write(to: lines) }
        let cell = makeCell()
        if case .empty = cell { return }
        let index = column - 1
        if index < cells.count {
            cells[index] = cell
        } else {
            while cells.count < index { cells.append(.empty) }
            cells.append(cell)
        }
    }

    @inline(__always)
    func rowEnded() {
        if let lines { return lines.rowEnded(number: rowNumber) }
        if !cells.isEmpty {
            rows.append(Row(number: rowNumber, cells: Self.exactCopy(movingOutOf: &cells)))
        }
    }

    /// The cells of `scratch` in an array of their own, exactly as long, and `scratch` emptied
    /// with its capacity kept. Handing `scratch` itself to the row made the next row allocate a
    /// new buffer of the scratch's capacity (32 cells or more): rows queued for the importer
    /// then held half again their size in unused capacity (issue 18, memory). The cells are
    /// moved, not copied, so no string is retained or released on the way.
    @inline(__always)
    static func exactCopy(movingOutOf scratch: inout [Cell]) -> [Cell] {
        let count = scratch.count
        let copy = scratch.withUnsafeMutableBufferPointer { from in
            [Cell](unsafeUninitializedCapacity: count) { to, initialized in
                to.baseAddress!.moveInitialize(from: from.baseAddress!, count: count)
                // What was moved out is refilled with a payload-free case, so emptying the
                // scratch below releases nothing twice.
                from.baseAddress!.initialize(repeating: .empty, count: count)
                initialized = count
            }
        }
        scratch.removeAll(keepingCapacity: true)
        return copy
    }

    func endElement(_ name: UnsafePointer<UInt8>) {
        switch name[0] {
        case UInt8(ascii: "v") where name[1] == 0, UInt8(ascii: "t") where name[1] == 0:
            capturing = false
        case UInt8(ascii: "c") where name[1] == 0:
            guard inSheetData else { return }
            cellEnded()
        case UInt8(ascii: "r"):
            if name[1] == UInt8(ascii: "o") && name[2] == UInt8(ascii: "w") && name[3] == 0 {
                guard inSheetData else { return }
                rowEnded()
            } else if XMLBytes.equals(name, "rPh") {
                phoneticDepth -= 1
            }
        case UInt8(ascii: "i") where name[1] == UInt8(ascii: "s") && name[2] == 0:
            inInline = false
        case UInt8(ascii: "s") where XMLBytes.equals(name, "sheetData"):
            inSheetData = false
        default:
            break
        }
    }

    func characters(_ bytes: UnsafePointer<UInt8>, _ count: Int) {
        guard capturing else { return }
        if value.count + count > SheetLimits.maxCellBytes {
            fail("cell \(ColumnLetters.letters(ofIndex: column - 1))\(rowNumber) holds more than 32,767 characters, the most a cell can hold")
            capturing = false
            return
        }
        value.append(contentsOf: UnsafeBufferPointer(start: bytes, count: count))
    }

    /// Keeps the first error; `SheetRowReader` throws it after the chunk that caused it.
    private func fail(_ message: String) {
        guard !failed else { return }
        failed = true
        error = WorkbookError(.corrupt, file: file, part: part, row: rowNumber,
                              message + "; the file is damaged or was not made by a spreadsheet program — open and re-save it")
    }

    private func warn(_ message: String) {
        guard warnings.count < WorkbookWarning.limit else { return }
        warnings.append(WorkbookWarning(file: file, part: part, row: rowNumber, message))
    }

    private func text() -> Cell {
        guard decodeText() else { return .empty }
        return value.isEmpty ? .empty : .text(String(decoding: value, as: UTF8.self))
    }

    /// Decodes the `_xHHHH_` escapes of an inline or formula string in `value`; false (and
    /// the error set) when it is longer than a cell holds.
    private func decodeText() -> Bool {
        let reference = { "\(ColumnLetters.letters(ofIndex: self.column - 1))\(self.rowNumber)" }
        if !XMLBytes.decodeEscapes(&value) {
            // Excel, LibreOffice and openpyxl open such a file; the text is kept, the
            // non-character shown as U+FFFD.
            warn("cell \(reference()) holds a lone UTF-16 surrogate (an escape between _xD800_ and _xDFFF_ without its pair), which is not a character; read as U+FFFD (\u{FFFD})")
        }
        if SheetLimits.exceedsCell(value) {
            fail("cell \(reference()) holds more than 32,767 characters, the most a cell can hold")
            return false
        }
        return true
    }

    /// The index of a shared-string cell, or nil (and the error set) when the table has no
    /// such string.
    private func sharedIndex() -> Int? {
        let index = value.withUnsafeBufferPointer { XMLBytes.integer($0) }
        guard let index, index < stringCount else {
            if !failed {
                failed = true
                let shown = String(decoding: value, as: UTF8.self)
                let table = sharedStrings.missingPart.map { "its shared-string part \($0) is missing" }
                    ?? "the workbook has only \(sharedStrings.count)"
                error = WorkbookError(.corrupt, file: file, part: part, row: rowNumber,
                    "cell \(ColumnLetters.letters(ofIndex: column - 1))\(rowNumber) points to shared string \(shown), but \(table); the file is damaged — open and re-save it in your spreadsheet program")
            }
            return nil
        }
        return index
    }

    /// `body` with the UTF-8 of shared string `index` (below the table's count), in place;
    /// nil only when a spilled table cannot be read back from its file.
    @inline(__always)
    private func withSharedString<R>(at index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        let (start, end) = stringBounds.of(index)
        if start == end { return body(UnsafeBufferPointer(start: nil, count: 0)) }
        if let spilledStrings {
            return cacheReference._withUnsafeGuaranteedRef { cache in
                spilledStrings._withUnsafeGuaranteedRef { cache.withBytes(from: $0, start: start, end: end, body) }
            }
        }
        return body(UnsafeBufferPointer(start: stringText! + start, count: end - start))
    }

    /// The UTF-8 of shared string `index` (below the table's count), in place, valid until the
    /// next lookup; nil only when a spilled table cannot be read back from its file.
    @inline(__always)
    private func sharedString(at index: Int) -> UnsafeBufferPointer<UInt8>? {
        let (start, end) = stringBounds.of(index)
        if start == end { return UnsafeBufferPointer(start: nil, count: 0) }
        if let spilledStrings {
            return cacheReference._withUnsafeGuaranteedRef { cache in
                spilledStrings._withUnsafeGuaranteedRef { cache.bytes(from: $0, start: start, end: end) }
            }
        }
        return UnsafeBufferPointer(start: stringText! + start, count: end - start)
    }

    private func failSharedStringRead(_ index: Int) {
        fail("shared string \(index) could not be read back from its temporary file (\(String(cString: strerror(errno)))); check the disk holding TMPDIR")
    }

    /// A cell whose `<v>` text the scanner found in place, number characters only, written to
    /// `lines` straight from the sheet's bytes (no copy into `value`, no cell events): a shared
    /// string, a number already in `displayText`'s form, a whole-day date. False, with nothing
    /// done, when the cell needs the general path (`cellStarted` … `cellEnded`), which then
    /// decides it — or reports what is wrong with it — as for any cell.
    @inline(__always)
    func writePlainValue(column reference: Int?, type: CellType, style: Int, _ text: UnsafeBufferPointer<UInt8>,
                         to lines: TSVLines) -> Bool {
        let column = reference ?? self.column + 1
        guard !failed, column <= SheetLimits.maxColumn, !text.isEmpty else { return false }
        if type == .shared {
            guard let index = XMLBytes.integer(text), index < stringCount else { return false }
            self.column = column
            guard let string = sharedString(at: index) else {
                failSharedStringRead(index)
                return true
            }
            lines.cell(column: column, escaping: string)
            return true
        }
        switch formats.dateKind(style) {
        case .none:
            guard NumberCell.isCanonicalDecimal(text) else { return false }
            self.column = column
            lines.cell(column: column, plain: text)
            return true
        case .date(true, false):
            // A whole number of days (nearly every date a spreadsheet writes) needs no `Double`
            // parsed from a `String`; the text is `isoText`'s.
            guard text.count <= 7, let serial = XMLBytes.integer(text),
                  let date = DateSystem.date(serial: Double(serial), date1904: date1904, hasDate: true, hasTime: false),
                  date.appendsISOText else { return false }
            self.column = column
            lines.cell(column: column) { date.appendISOText(to: $0) }
            return true
        default:
            return false
        }
    }

    /// The current cell as TSV text into `lines`: the cases nearly every cell is — a shared
    /// string, a number already in `displayText`'s form, an inline string — as bytes; the
    /// others (dates, booleans, errors, numbers to rebuild) through their `Cell`.
    private func write(to lines: TSVLines) {
        guard hasValue else { return }
        switch cellType {
        case .shared:
            guard let index = sharedIndex() else { return }
            guard let string = sharedString(at: index) else { return failSharedStringRead(index) }
            lines.cell(column: column, escaping: string)
            return
        case .inline, .formulaString:
            guard decodeText() else { return }
            lines.cell(column: column) { out in
                value.withUnsafeBufferPointer { out.appendEscaped($0) }
            }
            return
        case .number:
            if value.isEmpty { return }
            if !formats.isDate(styleIndex), value.withUnsafeBufferPointer(NumberCell.isCanonicalDecimal) {
                // Digits, `-` and `.`: nothing to escape.
                lines.cell(column: column) { out in value.withUnsafeBufferPointer { out.append($0) } }
                return
            }
        default:
            break
        }
        let cell = makeCell()
        if case .empty = cell { return }
        var text = cell.displayText
        lines.cell(column: column) { out in
            text.withUTF8 { out.appendEscaped($0) }
        }
    }

    private func makeCell() -> Cell {
        guard hasValue else { return .empty }
        switch cellType {
        case .shared:
            guard let index = sharedIndex() else { return .empty }
            guard let s = withSharedString(at: index, { String(decoding: $0, as: UTF8.self) }) else {
                failSharedStringRead(index)
                return .empty
            }
            return s.isEmpty ? .empty : .text(s)
        case .inline, .formulaString:
            return text()
        case .bool:
            return .bool(value.first == UInt8(ascii: "1") || value.first == UInt8(ascii: "t"))
        case .error:
            return value.isEmpty ? .empty : .error(String(decoding: value, as: UTF8.self))
        case .isoDate:
            let s = String(decoding: value, as: UTF8.self)
            if s.isEmpty { return .empty }
            return DateSystem.parseISO(s).map(Cell.date) ?? .text(s)
        case .number:
            if value.isEmpty { return .empty }
            let literal = String(decoding: value, as: UTF8.self)
            if let style = formats.style(styleIndex) {
                if case let .date(hasDate, hasTime) = style.dateKind,
                   let serial = Double(literal),
                   let date = DateSystem.date(serial: serial, date1904: date1904, hasDate: hasDate, hasTime: hasTime) {
                    return .date(date)
                }
                return .number(NumberCell(literal: literal, formatCode: style.formatCode))
            }
            return .number(NumberCell(literal: literal))
        }
    }
}
