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
    let stream: ZipEntryStream

    init(stream: ZipEntryStream, capacity: Int = 1 << 20) {
        self.stream = stream
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
        let count = try stream.read(into: base + end, capacity: capacity - end)
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

    private enum Failure: Error { case needMore, unexpected }

    private let base: UnsafePointer<UInt8>
    private let end: UnsafePointer<UInt8>
    private var p: UnsafePointer<UInt8>
    private unowned(unsafe) let handler: SheetHandler

    init(_ window: ByteWindow, handler: SheetHandler) {
        base = UnsafePointer(window.base)
        end = base + window.end
        p = base + window.start
        self.handler = handler
    }

    /// Offset in the window after the last complete element read.
    var offset: Int { p - base }

    /// Reads one row, or reports why not; on anything but `.row` the position is unchanged.
    mutating func scanRow() -> Outcome {
        let rowStart = p
        do {
            skipSpace()
            try need(2)
            guard p[0] == UInt8(ascii: "<") else { throw Failure.unexpected }
            if p[1] == UInt8(ascii: "/") {
                let at = p
                p += 2
                try expectName("sheetData")
                try closeTag()
                p = at
                return .sheetDataEnd
            }
            p += 1
            try expectName("row")
            var number: Int?
            var hasNumber = false
            let selfClosing = try attributes { name, value in
                if name == UInt8(ascii: "r") { number = XMLBytes.integer(value); hasNumber = true }
            }
            // A row number that is no number, or out of range: libxml2's path reports it.
            if hasNumber, (number ?? 0) < 1 || (number ?? 0) > SheetLimits.maxRow { throw Failure.unexpected }
            handler.rowStarted(number: number)
            if !selfClosing {
                while true {
                    skipSpace()
                    try need(2)
                    guard p[0] == UInt8(ascii: "<") else { throw Failure.unexpected }
                    if p[1] == UInt8(ascii: "/") {
                        p += 2
                        try expectName("row")
                        try closeTag()
                        break
                    }
                    p += 1
                    try expectName("c")
                    try cell()
                }
            }
            handler.rowEnded()
            return .row
        } catch Failure.needMore {
            p = rowStart
            return .needMore
        } catch {
            p = rowStart
            return .unexpected
        }
    }

    /// After `<c`: attributes, then `<v>`, `<f>` and `<is>` children up to `</c>`.
    private mutating func cell() throws {
        var column: Int?
        var type = SheetHandler.CellType.number
        var style = 0
        let selfClosing = try attributes { name, value in
            switch name {
            case UInt8(ascii: "r"): column = SheetHandler.column(ofReference: value)
            case UInt8(ascii: "t"): type = SheetHandler.cellType(value)
            case UInt8(ascii: "s"): style = XMLBytes.integer(value) ?? 0
            default: break
            }
        }
        // An out-of-range reference, or a row past XFD: libxml2's path re-reads and reports it.
        guard column != .max else { throw Failure.unexpected }
        handler.cellStarted(column: column, type: type, style: style)
        if handler.error != nil { throw Failure.unexpected }
        if selfClosing {
            handler.cellEnded()
            return
        }
        while true {
            skipSpace()
            try need(3)
            guard p[0] == UInt8(ascii: "<") else { throw Failure.unexpected }
            if p[1] == UInt8(ascii: "/") {
                p += 2
                try expectName("c")
                try closeTag()
                handler.cellEnded()
                return
            }
            p += 1
            switch p[0] {
            case UInt8(ascii: "v"):
                try expectName("v")
                handler.valueStarted()
                if try !attributes({ _, _ in }) {
                    try text(capture: true)
                    try endTag("v")
                }
            case UInt8(ascii: "f"):
                try expectName("f")
                if try !attributes({ _, _ in }) {
                    try text(capture: false)
                    try endTag("f")
                }
            case UInt8(ascii: "i"):
                try expectName("is")
                guard try !attributes({ _, _ in }) else { break }
                while true {
                    skipSpace()
                    try need(3)
                    guard p[0] == UInt8(ascii: "<") else { throw Failure.unexpected }
                    if p[1] == UInt8(ascii: "/") {
                        p += 2
                        try expectName("is")
                        try closeTag()
                        break
                    }
                    p += 1
                    try expectName("t")
                    handler.valueStarted()
                    if try !attributes({ _, _ in }) {
                        try text(capture: true)
                        try endTag("t")
                    }
                }
            default:
                throw Failure.unexpected
            }
        }
    }

    // MARK: Lexing

    @inline(__always)
    private func need(_ count: Int) throws {
        if end - p < count { throw Failure.needMore }
    }

    @inline(__always)
    private static func isSpace(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x0A || b == 0x09 || b == 0x0D
    }

    @inline(__always)
    private mutating func skipSpace() {
        while p < end && Self.isSpace(p[0]) { p += 1 }
    }

    /// The element name `name` at `p`, followed by a space, `>` or `/` (so `<v` is not `<vm`).
    @inline(__always)
    private mutating func expectName(_ name: StaticString) throws {
        let n = name.utf8CodeUnitCount
        try need(n + 1)
        let l = name.utf8Start
        for i in 0..<n where p[i] != l[i] { throw Failure.unexpected }
        let next = p[n]
        guard next == UInt8(ascii: ">") || next == UInt8(ascii: "/") || Self.isSpace(next) else {
            throw Failure.unexpected
        }
        p += n
    }

    /// Optional spaces and `>` ending an end tag.
    @inline(__always)
    private mutating func closeTag() throws {
        skipSpace()
        try need(1)
        guard p[0] == UInt8(ascii: ">") else { throw Failure.unexpected }
        p += 1
    }

    @inline(__always)
    private mutating func endTag(_ name: StaticString) throws {
        try need(2)
        guard p[0] == UInt8(ascii: "<"), p[1] == UInt8(ascii: "/") else { throw Failure.unexpected }
        p += 2
        try expectName(name)
        try closeTag()
    }

    /// The attributes of a start tag up to `>` (returns false) or `/>` (returns true). `body`
    /// gets the one-letter unprefixed names it cares about with their raw values; a value with
    /// `<` or `&`, a prefixed `r`/`t`/`s` or a repeated one is outside the subset.
    @inline(__always)
    private mutating func attributes(_ body: (UInt8, UnsafeBufferPointer<UInt8>) -> Void) throws -> Bool {
        var seen: UInt32 = 0
        while true {
            let hadSpace = p < end && Self.isSpace(p[0])
            skipSpace()
            try need(2)
            switch p[0] {
            case UInt8(ascii: ">"):
                p += 1
                return false
            case UInt8(ascii: "/"):
                guard p[1] == UInt8(ascii: ">") else { throw Failure.unexpected }
                p += 2
                return true
            default:
                guard hadSpace else { throw Failure.unexpected }
            }
            let nameStart = p
            var colon: UnsafePointer<UInt8>?
            while true {
                try need(1)
                let b = p[0]
                if b == UInt8(ascii: "=") || Self.isSpace(b) { break }
                if b == UInt8(ascii: ":") { colon = p }
                guard b > 0x20, b != UInt8(ascii: "<"), b != UInt8(ascii: ">"), b != UInt8(ascii: "/"),
                      b != UInt8(ascii: "\""), b != UInt8(ascii: "'") else { throw Failure.unexpected }
                p += 1
            }
            let nameEnd = p
            guard nameEnd > nameStart else { throw Failure.unexpected }
            skipSpace()
            try need(2)
            guard p[0] == UInt8(ascii: "=") else { throw Failure.unexpected }
            p += 1
            skipSpace()
            try need(1)
            let quote = p[0]
            guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else { throw Failure.unexpected }
            p += 1
            let valueStart = p
            while true {
                try need(1)
                let b = p[0]
                if b == quote { break }
                if b == UInt8(ascii: "<") || b == UInt8(ascii: "&") { throw Failure.unexpected }
                p += 1
            }
            let value = UnsafeBufferPointer(start: valueStart, count: p - valueStart)
            p += 1
            let localStart = colon.map { $0 + 1 } ?? nameStart
            if nameEnd - localStart == 1 {
                let name = localStart[0]
                if name == UInt8(ascii: "r") || name == UInt8(ascii: "t") || name == UInt8(ascii: "s") {
                    let bit: UInt32 = 1 << (name & 31)
                    if colon != nil || seen & bit != 0 { throw Failure.unexpected }
                    seen |= bit
                    body(name, value)
                }
            }
        }
    }

    /// Character data up to the next `<`, appended (decoded) to the handler's value when
    /// `capture`. Carriage returns (which XML turns into line feeds), control characters,
    /// `]]>`, unknown entities and invalid UTF-8 are outside the subset.
    @inline(__always)
    private mutating func text(capture: Bool) throws {
        var runStart = p
        var nonASCII = false
        let valueStart = handler.value.count
        while true {
            // A cell past Excel's limit is never buffered whole: libxml2's path reports it.
            if capture && handler.value.count + (p - runStart) > SheetLimits.maxCellBytes { throw Failure.unexpected }
            guard p < end else { throw Failure.needMore }
            let b = p[0]
            if b == UInt8(ascii: "<") { break }
            if b >= 0x80 {
                nonASCII = true
            } else if b < 0x20 {
                guard b == 0x0A || b == 0x09 else { throw Failure.unexpected }
            } else if b == UInt8(ascii: ">") {
                if p - runStart >= 2 && p[-1] == UInt8(ascii: "]") && p[-2] == UInt8(ascii: "]") {
                    throw Failure.unexpected
                }
            } else if b == UInt8(ascii: "&") {
                if capture { handler.value.append(contentsOf: UnsafeBufferPointer(start: runStart, count: p - runStart)) }
                try entity(capture: capture)
                runStart = p
                continue
            }
            p += 1
        }
        if capture {
            handler.value.append(contentsOf: UnsafeBufferPointer(start: runStart, count: p - runStart))
            if nonASCII {
                let ok = handler.value.withUnsafeBufferPointer { Self.isValidUTF8(UnsafeBufferPointer(rebasing: $0[valueStart...])) }
                guard ok else { throw Failure.unexpected }
            }
        } else if nonASCII {
            guard Self.isValidUTF8(UnsafeBufferPointer(start: runStart, count: p - runStart)) else { throw Failure.unexpected }
        }
    }

    /// `&lt;` `&gt;` `&amp;` `&quot;` `&apos;` `&#N;` `&#xH;` at `p`.
    private mutating func entity(capture: Bool) throws {
        var q = p + 1
        while true {
            guard q < end else { throw Failure.needMore }
            if q[0] == UInt8(ascii: ";") { break }
            guard q - p < 12 else { throw Failure.unexpected }
            q += 1
        }
        let name = UnsafeBufferPointer(start: p + 1, count: q - p - 1)
        var scalar: UInt32
        func matches(_ s: StaticString) -> Bool {
            s.utf8CodeUnitCount == name.count && memcmp(s.utf8Start, name.baseAddress!, name.count) == 0
        }
        if matches("lt") { scalar = 0x3C }
        else if matches("gt") { scalar = 0x3E }
        else if matches("amp") { scalar = 0x26 }
        else if matches("quot") { scalar = 0x22 }
        else if matches("apos") { scalar = 0x27 }
        else if name.count >= 2, name[0] == UInt8(ascii: "#") {
            let hex = name[1] == UInt8(ascii: "x")
            let digits = name[(hex ? 2 : 1)...]
            guard !digits.isEmpty else { throw Failure.unexpected }
            scalar = 0
            for d in digits {
                let v: UInt32
                switch d {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): v = UInt32(d - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f") where hex: v = UInt32(d - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F") where hex: v = UInt32(d - UInt8(ascii: "A") + 10)
                default: throw Failure.unexpected
                }
                scalar = scalar * (hex ? 16 : 10) + v
                guard scalar <= 0x10FFFF else { throw Failure.unexpected }
            }
            // XML 1.0 Char: tab, LF, CR, U+0020–U+D7FF, U+E000–U+FFFD, U+10000 on.
            let allowed = scalar == 0x09 || scalar == 0x0A || scalar == 0x0D
                || (0x20...0xD7FF).contains(scalar) || (0xE000...0xFFFD).contains(scalar) || scalar >= 0x10000
            guard allowed else { throw Failure.unexpected }
        } else {
            throw Failure.unexpected
        }
        if capture, let s = Unicode.Scalar(scalar) {
            var utf8: [UInt8] = []
            UTF8.encode(s) { utf8.append($0) }
            handler.value.append(contentsOf: utf8)
        }
        p = q + 1
    }

    /// Strict UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
    static func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b < 0x80 { i += 1; continue }
            let length: Int
            var lower: UInt8 = 0x80, upper: UInt8 = 0xBF
            switch b {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; upper = 0x9F
            case 0xF0: length = 4; lower = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; upper = 0x8F
            default: return false
            }
            guard i + length <= n else { return false }
            let second = bytes[i + 1]
            guard second >= lower && second <= upper else { return false }
            for k in 2..<max(length, 2) where bytes[i + k] & 0xC0 != 0x80 { return false }
            i += length
        }
        return true
    }
}
