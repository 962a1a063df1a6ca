#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Inflated bytes of one zip member in a growable window: the scanner reads complete elements
/// from `start`, and `fill()` slides what is left to the front and inflates more behind it.
final class ByteWindow {
    /// A row (or the part's head) larger than this is left to libxml2, which streams it.
    static let maxCapacity = 64 << 20

    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    /// Offset of the first unconsumed byte.
    var start = 0
    /// Offset after the last inflated byte.
    private(set) var end = 0
    /// The member has no more bytes.
    private(set) var exhausted = false
    let source: any InflatedBytes

    init(source: any InflatedBytes, capacity: Int = 1 << 20) {
        self.source = source
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    /// Inflates more bytes after `end`; false when the member is exhausted or the window is at
    /// `maxCapacity` with nothing consumed. Offsets shift down by the old `start`.
    func fill() throws -> Bool {
        if exhausted { return false }
        if start > 0 {
            memmove(base, base + start, end - start)
            end -= start
            start = 0
        }
        if capacity - end < capacity / 4 {
            guard capacity < Self.maxCapacity else { return false }
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
            bigger.update(from: base, count: end)
            base.deallocate()
            base = bigger
            capacity *= 2
        }
        let count = try source.read(into: base + end, capacity: capacity - end)
        if count == 0 {
            exhausted = true
            return false
        }
        end += count
        return true
    }

    var unconsumed: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: base + start, count: end - start)
    }
}

/// A strict byte-level reader for the rows inside a worksheet's `<sheetData>`, the only part of
/// a worksheet that is large; about 3× faster than libxml2's SAX2 on real sheets.
///
/// It understands the well-formed subset every writer produces: `<row>`, `<c>`, `<v>`, `<f>`,
/// `<is><t>`, attributes `r`, `t`, `s` (others skipped), the five predefined entities and
/// character references. Anything else — comments, processing instructions, CDATA, rich text
/// in inline strings, prefixed elements, unusual characters — answers `.unexpected`, and the
/// caller re-reads the sheet with libxml2, so the scanner only ever decides cases it knows
/// exactly. It drives the same `SheetHandler` events as the SAX callbacks, so both paths make
/// the same cells. It never sees a DTD: the head of the part goes through libxml2.
struct SheetScanner {
    enum Outcome {
        /// One `<row>` was read (its cells, if any, are in `handler.rows`).
        case row
        /// The window ends inside an element: fill and call again from the same place.
        case needMore
        /// `</sheetData>` is at the position returned.
        case sheetDataEnd
        /// Something outside the subset: let libxml2 read the sheet.
        case unexpected
    }

    private var x: XMLLexer
    private unowned(unsafe) let handler: SheetHandler
    /// The current row's `r` as written, when it is plain digits (no leading zero): a cell's
    /// reference nearly always repeats them, and comparing them whole is cheaper than reading
    /// each digit again. Empty when the row has no such `r`.
    private var rowDigits = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
    /// `rowDigits` and the closing quote as a little-endian word, and the mask of its bytes.
    private var rowWord: UInt64 = 0
    private var rowMask: UInt64 = 0

    init(_ window: ByteWindow, handler: SheetHandler) {
        x = XMLLexer(window)
        self.handler = handler
    }

    /// Offset in the window after the last complete element read.
    var offset: Int { x.offset }

    /// Reads one row, or reports why not; on anything but `.row` the position is unchanged.
    mutating func scanRow() -> Outcome {
        let rowStart = x.p
        // One strong reference for the row, passed down: each use of the unowned(unsafe)
        // property cost a retain and a release, ~20% of `inspect`'s CPU.
        let handler = self.handler
        // The TSV dump's lines, unmanaged: each cell retained and released them (~6%); the
        // handler keeps them alive.
        let lines = handler.lines.map { Unmanaged.passUnretained($0) }
        let rowNumberBefore = handler.rowNumber
        do {
            x.skipSpace()
            try x.need(2)
            guard x.p[0] == UInt8(ascii: "<") else { throw XMLLexer.Failure.unexpected }
            if x.p[1] == UInt8(ascii: "/") {
                let at = x.p
                x.p += 2
                try x.expectName("sheetData")
                try x.closeTag()
                x.p = at
                return .sheetDataEnd
            }
            x.p += 1
            try x.expectName("row")
            var number: Int?
            var hasNumber = false
            var digits = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
            let selfClosing = try x.attributes { name, value in
                if name == UInt8(ascii: "r") {
                    number = XMLBytes.integer(value)
                    hasNumber = true
                    digits = value
                }
            }
            rowDigits = Self.isPlainRowNumber(digits) ? digits : UnsafeBufferPointer(start: nil, count: 0)
            rowWord = UInt64(UInt8(ascii: "\"")) << (8 * rowDigits.count)
            for (i, digit) in rowDigits.enumerated() { rowWord |= UInt64(digit) << (8 * i) }
            rowMask = rowDigits.count == 7 ? ~0 : (1 << (8 * (rowDigits.count + 1))) - 1
            // A row number that is no number, or out of range: libxml2's path reports it.
            if hasNumber, (number ?? 0) < 1 || (number ?? 0) > SheetLimits.maxRow { throw XMLLexer.Failure.unexpected }
            handler.rowStarted(number: number)
            if !selfClosing {
                while true {
                    x.skipSpace()
                    try x.need(2)
                    guard x.p[0] == UInt8(ascii: "<") else { throw XMLLexer.Failure.unexpected }
                    if x.p[1] == UInt8(ascii: "/") {
                        x.p += 2
                        try x.expectName("row")
                        try x.closeTag()
                        break
                    }
                    x.p += 1
                    try x.expectName("c")
                    try cell(handler, lines)
                }
            }
            handler.rowEnded()
            return .row
        } catch XMLLexer.Failure.needMore {
            x.p = rowStart
            handler.rowAbandoned(rowNumberBefore: rowNumberBefore)
            return .needMore
        } catch {
            x.p = rowStart
            handler.rowAbandoned(rowNumberBefore: rowNumberBefore)
            return .unexpected
        }
    }

    /// After `<c`: attributes, then `<v>`, `<f>` and `<is>` children up to `</c>`.
    private mutating func cell(_ handler: SheetHandler, _ lines: Unmanaged<TSVLines>?) throws {
        var column: Int?
        var type = SheetHandler.CellType.number
        var style = 0
        let selfClosing: Bool
        if let usual = usualCellAttributes() {
            (column, type, style, selfClosing) = (usual.column, usual.type, usual.style, usual.selfClosing)
        } else {
            selfClosing = try x.attributes { name, value in
                switch name {
                case UInt8(ascii: "r"): column = SheetHandler.column(ofReference: value)
                case UInt8(ascii: "t"): type = SheetHandler.cellType(value)
                case UInt8(ascii: "s"): style = XMLBytes.integer(value) ?? 0
                default: break
                }
            }
        }
        // An out-of-range reference, or a row past XFD: libxml2's path re-reads and reports it.
        guard column != .max else { throw XMLLexer.Failure.unexpected }
        // The TSV dump's common cells, `<v>42</v></c>` of a number or a shared string, are
        // written from the window in place; anything else reads on from the same place.
        if !selfClosing, let lines, type == .shared || type == .number {
            let afterTag = x.p
            if let text = x.plainValueAndEnd(),
               lines._withUnsafeGuaranteedRef({ handler.writePlainValue(column: column, type: type, style: style, text, to: $0) }) {
                return
            }
            x.p = afterTag
        } else if !selfClosing, lines == nil, type == .shared || type == .number {
            // The same cells read as `Cell`s: the events the loop below would send, without
            // reading `<v>`, its text and the end tags byte by byte.
            let afterTag = x.p
            if let text = x.plainValueAndEnd() {
                handler.cellStarted(column: column, type: type, style: style)
                if handler.failed { throw XMLLexer.Failure.unexpected }
                handler.valueStarted()
                handler.value.append(contentsOf: text)
                handler.cellEnded()
                return
            }
            x.p = afterTag
        }
        handler.cellStarted(column: column, type: type, style: style)
        if handler.failed { throw XMLLexer.Failure.unexpected }
        if selfClosing {
            handler.cellEnded()
            return
        }
        while true {
            x.skipSpace()
            try x.need(3)
            guard x.p[0] == UInt8(ascii: "<") else { throw XMLLexer.Failure.unexpected }
            if x.p[1] == UInt8(ascii: "/") {
                x.p += 2
                try x.expectName("c")
                try x.closeTag()
                handler.cellEnded()
                return
            }
            x.p += 1
            switch x.p[0] {
            case UInt8(ascii: "v"):
                try x.expectName("v")
                handler.valueStarted()
                if try !x.attributes({ _, _ in }) {
                    try x.text(into: &handler.value)
                    try x.endTag("v")
                }
            case UInt8(ascii: "f"):
                try x.expectName("f")
                if try !x.attributes({ _, _ in }) {
                    try x.skipText()
                    try x.endTag("f")
                }
            case UInt8(ascii: "i"):
                try x.expectName("is")
                guard try !x.attributes({ _, _ in }) else { break }
                while true {
                    x.skipSpace()
                    try x.need(3)
                    guard x.p[0] == UInt8(ascii: "<") else { throw XMLLexer.Failure.unexpected }
                    if x.p[1] == UInt8(ascii: "/") {
                        x.p += 2
                        try x.expectName("is")
                        try x.closeTag()
                        break
                    }
                    x.p += 1
                    try x.expectName("t")
                    handler.valueStarted()
                    if try !x.attributes({ _, _ in }) {
                        try x.text(into: &handler.value)
                        try x.endTag("t")
                    }
                }
            default:
                throw XMLLexer.Failure.unexpected
            }
        }
    }

    /// Digits only, the first not 0, at most seven: what the reference loop below accepts for
    /// a row that `scanRow` has checked is in range.
    private static func isPlainRowNumber(_ digits: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = digits.first, digits.count <= 7, first != UInt8(ascii: "0") else { return false }
        return digits.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// A cell's attributes as nearly every writer puts them — ` r="B2"`, then ` s="3"` and
    /// ` t="s"` (either order, each at most once), then `>` or `/>` — read without the general
    /// attribute loop and its closure, about a third of scanning a cell. Nil, with the position
    /// unchanged, for anything else (another attribute, spaces around `=`, a lowercase or
    /// out-of-range reference…), which `XMLLexer.attributes` then reads and decides as before.
    @inline(__always)
    private mutating func usualCellAttributes() -> (column: Int, type: SheetHandler.CellType, style: Int, selfClosing: Bool)? {
        let end = x.end
        var q = x.p
        // ` r="` + a letter + a digit + `"` + `>`.
        guard end - q >= 9, q[0] == 0x20, q[1] == UInt8(ascii: "r"), q[2] == UInt8(ascii: "="),
              q[3] == UInt8(ascii: "\"") else { return nil }
        q += 4
        var column = 0
        var letters = 0
        while letters < 3, q < end, q[0] >= UInt8(ascii: "A"), q[0] <= UInt8(ascii: "Z") {
            column = column * 26 + Int(q[0] - UInt8(ascii: "A")) + 1
            q += 1
            letters += 1
        }
        guard letters > 0, column <= SheetLimits.maxColumn, q < end,
              q[0] >= UInt8(ascii: "1"), q[0] <= UInt8(ascii: "9") else { return nil }
        if !rowDigits.isEmpty, end - q >= 8, UnsafeRawPointer(q).loadUnaligned(as: UInt64.self) & rowMask == rowWord {
            // The row's own number, already checked to be one (1 to 1,048,576).
            q += rowDigits.count + 1
        } else {
            var row = 0
            var digits = 0
            while digits < 8, q < end, q[0] >= UInt8(ascii: "0"), q[0] <= UInt8(ascii: "9") {
                row = row * 10 + Int(q[0] - UInt8(ascii: "0"))
                q += 1
                digits += 1
            }
            guard row <= SheetLimits.maxRow, q < end, q[0] == UInt8(ascii: "\"") else { return nil }
            q += 1
        }
        // The two commonest endings, each as one masked word: ` t="s">` (a shared string) and
        // ` s="N">` (a style of one digit). The loop below reads them the same way, slower.
        if end - q >= 8 {
            let word = UnsafeRawPointer(q).loadUnaligned(as: UInt64.self)
            if word & 0x00FF_FFFF_FFFF_FFFF == 0x003E_2273_223D_7420 {
                x.p = q + 7
                return (column, .shared, 0, false)
            }
            let digit = UInt8(truncatingIfNeeded: word >> 32)
            if word & 0x00FF_FF00_FFFF_FFFF == 0x003E_2200_223D_7320, digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") {
                x.p = q + 7
                return (column, .number, Int(digit - UInt8(ascii: "0")), false)
            }
        }
        var type = SheetHandler.CellType.number
        var style = 0
        var seen: UInt8 = 0   // 1: s, 2: t
        while true {
            guard end - q >= 2 else { return nil }
            if q[0] == UInt8(ascii: ">") {
                x.p = q + 1
                return (column, type, style, false)
            }
            if q[0] == UInt8(ascii: "/") {
                guard q[1] == UInt8(ascii: ">") else { return nil }
                x.p = q + 2
                return (column, type, style, true)
            }
            guard end - q >= 6, q[0] == 0x20, q[2] == UInt8(ascii: "="), q[3] == UInt8(ascii: "\"") else { return nil }
            let name = q[1]
            q += 4
            let valueStart = q
            // Up to nine letters and digits (so no `&`, `<` or quote to decide).
            while q < end, q - valueStart < 10, q[0] != UInt8(ascii: "\"") {
                let b = q[0]
                let letter = (b | 0x20) >= UInt8(ascii: "a") && (b | 0x20) <= UInt8(ascii: "z")
                guard letter || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) else { return nil }
                q += 1
            }
            guard q < end, q[0] == UInt8(ascii: "\""), q > valueStart else { return nil }
            let value = UnsafeBufferPointer(start: valueStart, count: q - valueStart)
            q += 1
            switch name {
            case UInt8(ascii: "s") where seen & 1 == 0:
                guard let number = XMLBytes.integer(value) else { return nil }
                style = number
                seen |= 1
            case UInt8(ascii: "t") where seen & 2 == 0:
                type = SheetHandler.cellType(value)
                seen |= 2
            default:
                return nil
            }
        }
    }
}
