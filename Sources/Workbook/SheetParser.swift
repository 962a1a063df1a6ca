import CLibXML2

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
    /// false when an escape is a lone UTF-16 surrogate (`_xD800_`), which is no character (it is
    /// left as written).
    @discardableResult
    static func decodeEscapes(_ bytes: inout [UInt8]) -> Bool {
        guard bytes.count >= 7 else { return true }
        var hasEscape = false
        var i = 0
        while i + 1 < bytes.count {
            if bytes[i] == 0x5F && bytes[i + 1] == 0x78 { hasEscape = true; break }
            i += 1
        }
        guard hasEscape else { return true }
        var valid = true
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        i = 0
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
                if (0xD800..<0xE000).contains(scalarValue) { valid = false }
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

/// Streams the rows of one worksheet part: inflated chunks go into the push parser until a
/// row is complete, so memory holds one chunk and the rows it finished, whatever the sheet size.
final class SheetRowReader: RowReader {
    let sheetName: String
    private let stream: ZipEntryStream
    private let handler: SheetHandler
    private let parser: XMLPushParser
    private var finished = false
    private var head = 0

    init(sheetName: String, stream: ZipEntryStream, file: String, sharedStrings: [String],
         formats: NumberFormats, date1904: Bool) {
        self.sheetName = sheetName
        self.stream = stream
        handler = SheetHandler(file: file, part: stream.entry.name, sharedStrings: sharedStrings,
                               formats: formats, date1904: date1904)
        parser = XMLPushParser(handler: handler, file: file, part: stream.entry.name)
    }

    func nextRow() throws -> Row? {
        while head >= handler.rows.count {
            handler.rows.removeAll(keepingCapacity: true)
            head = 0
            if finished { return nil }
            if let chunk = try stream.next() {
                try parser.feed(chunk, last: false)
            } else {
                finished = true
                try parser.feed(UnsafeBufferPointer(start: nil, count: 0), last: true)
            }
            if let error = handler.error { throw error }
        }
        let row = handler.rows[head]
        head += 1
        return row
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
}

/// SAX events of a worksheet → `Row`s. Names and attributes are matched as bytes.
final class SheetHandler: SAXHandler {
    private enum CellType { case number, shared, inline, formulaString, bool, error, isoDate }

    var rows: [Row] = []
    var error: WorkbookError?

    private let file: String
    private let part: String
    private let sharedStrings: [String]
    private let formats: NumberFormats
    private let date1904: Bool

    private var inSheetData = false
    private var rowNumber = 0
    private var cells: [Cell] = []
    private var column = 0          // 1-based column of the current (or last) cell
    private var cellType = CellType.number
    private var styleIndex = 0
    private var value: [UInt8] = []
    private var hasValue = false
    private var capturing = false
    private var inInline = false
    private var phoneticDepth = 0

    init(file: String, part: String, sharedStrings: [String], formats: NumberFormats, date1904: Bool) {
        self.file = file
        self.part = part
        self.sharedStrings = sharedStrings
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
                if let r = XMLBytes.attribute(attributes, count, "r") {
                    guard let number = XMLBytes.integer(r), number >= 1, number <= SheetLimits.maxRow else {
                        fail("row \"\(XMLBytes.string(r).prefix(40))\" after row \(rowNumber) is not a row number (1 to \(SheetLimits.maxRow))")
                        return
                    }
                    rowNumber = number
                } else {
                    rowNumber += 1
                }
                cells.removeAll(keepingCapacity: true)
                column = 0
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
        var newColumn = column + 1
        cellType = .number
        styleIndex = 0
        if let attributes {
            for i in 0..<count {
                let base = attributes + i * 5
                let n = base[0]!
                guard n[1] == 0 else { continue }
                let begin = base[3]!, end = base[4]!
                switch n[0] {
                case UInt8(ascii: "r"):
                    var col = 0
                    var p = begin
                    while p < end, col <= SheetLimits.maxColumn {
                        let b = p.pointee | 0x20
                        guard b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z") else { break }
                        col = col * 26 + Int(b - UInt8(ascii: "a")) + 1
                        p += 1
                    }
                    let digits = XMLBytes.integer(UnsafeBufferPointer(start: p, count: end - p))
                    if col > SheetLimits.maxColumn || (p < end && (digits ?? 0) < 1) || (digits ?? 0) > SheetLimits.maxRow {
                        let shown = XMLBytes.string(UnsafeBufferPointer(start: begin, count: min(end - begin, 40)))
                        fail("cell reference \"\(shown)\" is outside a worksheet (A1 to XFD\(SheetLimits.maxRow))")
                        return
                    }
                    if col > 0 { newColumn = col }
                case UInt8(ascii: "t"):
                    let len = end - begin
                    switch begin[0] {
                    case UInt8(ascii: "s"): cellType = len == 1 ? .shared : .formulaString
                    case UInt8(ascii: "n"): cellType = .number
                    case UInt8(ascii: "i"): cellType = .inline
                    case UInt8(ascii: "b"): cellType = .bool
                    case UInt8(ascii: "e"): cellType = .error
                    case UInt8(ascii: "d"): cellType = .isoDate
                    default: cellType = .number
                    }
                case UInt8(ascii: "s"):
                    styleIndex = XMLBytes.integer(UnsafeBufferPointer(start: begin, count: end - begin)) ?? 0
                default:
                    break
                }
            }
        }
        if newColumn > SheetLimits.maxColumn {
            fail("row \(rowNumber) has cells beyond column XFD (\(SheetLimits.maxColumn) columns), more than a worksheet holds")
            return
        }
        column = newColumn
        value.removeAll(keepingCapacity: true)
        hasValue = false
        inInline = false
    }

    func endElement(_ name: UnsafePointer<UInt8>) {
        switch name[0] {
        case UInt8(ascii: "v") where name[1] == 0, UInt8(ascii: "t") where name[1] == 0:
            capturing = false
        case UInt8(ascii: "c") where name[1] == 0:
            guard inSheetData, error == nil else { return }
            let cell = makeCell()
            if case .empty = cell { return }
            let index = column - 1
            if index < cells.count {
                cells[index] = cell
            } else {
                while cells.count < index { cells.append(.empty) }
                cells.append(cell)
            }
        case UInt8(ascii: "r"):
            if name[1] == UInt8(ascii: "o") && name[2] == UInt8(ascii: "w") && name[3] == 0 {
                guard inSheetData else { return }
                if !cells.isEmpty {
                    rows.append(Row(number: rowNumber, cells: cells))
                    cells.removeAll(keepingCapacity: true)
                }
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
            fail("cell \(columnName(column))\(rowNumber) holds more than 32,767 characters, the most a cell can hold")
            capturing = false
            return
        }
        value.append(contentsOf: UnsafeBufferPointer(start: bytes, count: count))
    }

    /// Keeps the first error; `SheetRowReader` throws it after the chunk that caused it.
    private func fail(_ message: String) {
        guard error == nil else { return }
        error = WorkbookError(.corrupt, file: file, part: part, row: rowNumber,
                              message + "; the file is damaged or was not made by a spreadsheet program — open and re-save it")
    }

    private func text() -> Cell {
        if !XMLBytes.decodeEscapes(&value) {
            fail("cell \(columnName(column))\(rowNumber) holds a lone UTF-16 surrogate (an escape between _xD800_ and _xDFFF_ without its pair), which is not a character")
        }
        return value.isEmpty ? .empty : .text(String(decoding: value, as: UTF8.self))
    }

    private func makeCell() -> Cell {
        guard hasValue else { return .empty }
        switch cellType {
        case .shared:
            let index = value.withUnsafeBufferPointer { XMLBytes.integer($0) }
            guard let index, index < sharedStrings.count else {
                if error == nil {
                    let shown = String(decoding: value, as: UTF8.self)
                    error = WorkbookError(.corrupt, file: file, part: part, row: rowNumber,
                        "cell \(columnName(column))\(rowNumber) points to shared string \(shown), but the workbook has only \(sharedStrings.count); the file is damaged — open and re-save it in your spreadsheet program")
                }
                return .empty
            }
            let s = sharedStrings[index]
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

/// The column letters of a 1-based column number (1 → "A", 28 → "AB").
func columnName(_ column: Int) -> String {
    var n = column
    var letters: [UInt8] = []
    while n > 0 {
        n -= 1
        letters.append(UInt8(ascii: "A") + UInt8(n % 26))
        n /= 26
    }
    return String(decoding: letters.reversed(), as: UTF8.self)
}
