#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Strict lexing of the well-formed XML subset spreadsheet writers produce, over bytes in
/// memory: names, attributes, character data with the five predefined entities and character
/// references. Anything outside the subset throws `.unexpected` (the caller hands the part to
/// libxml2), and running out of bytes throws `.needMore` (the caller refills its window and
/// starts the item again). Shared by `SheetScanner` and `SharedStringsScanner`.
struct XMLLexer {
    enum Failure: Error { case needMore, unexpected }

    private let base: UnsafePointer<UInt8>
    let end: UnsafePointer<UInt8>
    var p: UnsafePointer<UInt8>

    init(_ window: ByteWindow) {
        base = UnsafePointer(window.base)
        end = base + window.end
        p = base + window.start
    }

    /// Bytes consumed from the start of the window.
    var offset: Int { p - base }

    @inline(__always)
    func need(_ count: Int) throws {
        if end - p < count { throw Failure.needMore }
    }

    @inline(__always)
    static func isSpace(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x0A || b == 0x09 || b == 0x0D
    }

    @inline(__always)
    mutating func skipSpace() {
        while p < end && Self.isSpace(p[0]) { p += 1 }
    }

    /// The element name `name` at `p`, followed by a space, `>` or `/` (so `<v` is not `<vm`).
    @inline(__always)
    mutating func expectName(_ name: StaticString) throws {
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

    /// `<v>TEXT</v></c>` at `p`, written exactly so, with TEXT of up to 40 bytes of number
    /// characters (digits, `-`, `+`, `.`, `E`, `e`): TEXT, with `p` after `</c>`; nil (and `p`
    /// unchanged) for anything else, including a window that ends first.
    @inline(__always)
    mutating func plainValueAndEnd() -> UnsafeBufferPointer<UInt8>? {
        guard end - p >= 11, p[0] == UInt8(ascii: "<"), p[1] == UInt8(ascii: "v"), p[2] == UInt8(ascii: ">") else { return nil }
        let start = p + 3
        var q = start
        let limit = min(end, start + 40)
        while q < limit {
            let b = q[0]
            guard (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "-") || b == UInt8(ascii: ".")
                    || b == UInt8(ascii: "E") || b == UInt8(ascii: "e") || b == UInt8(ascii: "+") else { break }
            q += 1
        }
        // `</v></c>` as one little-endian word.
        guard end - q >= 8, UnsafeRawPointer(q).loadUnaligned(as: UInt64.self) == 0x3E63_2F3C_3E76_2F3C else { return nil }
        p = q + 8
        return UnsafeBufferPointer(start: start, count: q - start)
    }

    /// Optional spaces and `>` ending an end tag.
    @inline(__always)
    mutating func closeTag() throws {
        skipSpace()
        try need(1)
        guard p[0] == UInt8(ascii: ">") else { throw Failure.unexpected }
        p += 1
    }

    @inline(__always)
    mutating func endTag(_ name: StaticString) throws {
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
    mutating func attributes(_ body: (UInt8, UnsafeBufferPointer<UInt8>) -> Void) throws -> Bool {
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
            let nameEnd: UnsafePointer<UInt8>
            let quote: UInt8
            if end - p >= 3, p[1] == UInt8(ascii: "="), p[2] == UInt8(ascii: "\"") || p[2] == UInt8(ascii: "'"),
               Self.isPlainNameByte(p[0]) {
                // The usual one-letter name written `r="…"`: no scan for where the name ends.
                nameEnd = p + 1
                quote = p[2]
                p += 3
            } else {
                while true {
                    try need(1)
                    let b = p[0]
                    if b == UInt8(ascii: "=") || Self.isSpace(b) { break }
                    if b == UInt8(ascii: ":") { colon = p }
                    guard b > 0x20, b != UInt8(ascii: "<"), b != UInt8(ascii: ">"), b != UInt8(ascii: "/"),
                          b != UInt8(ascii: "\""), b != UInt8(ascii: "'") else { throw Failure.unexpected }
                    p += 1
                }
                nameEnd = p
                guard nameEnd > nameStart else { throw Failure.unexpected }
                skipSpace()
                try need(2)
                guard p[0] == UInt8(ascii: "=") else { throw Failure.unexpected }
                p += 1
                skipSpace()
                try need(1)
                quote = p[0]
                guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else { throw Failure.unexpected }
                p += 1
            }
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

    /// A byte that may make up a one-letter attribute name on its own (not a delimiter, a quote
    /// or a namespace colon).
    @inline(__always)
    private static func isPlainNameByte(_ b: UInt8) -> Bool {
        b > 0x20 && b != UInt8(ascii: "<") && b != UInt8(ascii: ">") && b != UInt8(ascii: "/")
            && b != UInt8(ascii: "\"") && b != UInt8(ascii: "'") && b != UInt8(ascii: ":") && b != UInt8(ascii: "=")
    }

    /// Character data up to the next `<`, appended (decoded) to `buffer`.
    @inline(__always)
    mutating func text(into buffer: inout [UInt8]) throws {
        try characters(capture: true, into: &buffer)
    }

    /// Character data up to the next `<`, checked and skipped.
    @inline(__always)
    mutating func skipText() throws {
        var unused: [UInt8] = []
        try characters(capture: false, into: &unused)
    }

    /// Carriage returns (which XML turns into line feeds), control characters, `]]>`, unknown
    /// entities and invalid UTF-8 are outside the subset; so is text longer than a cell holds,
    /// which is never buffered whole (libxml2's path reports it).
    @inline(__always)
    private mutating func characters(capture: Bool, into buffer: inout [UInt8]) throws {
        var runStart = p
        var nonASCII = false
        let valueStart = buffer.count
        while true {
            if capture && buffer.count + (p - runStart) > SheetLimits.maxCellBytes { throw Failure.unexpected }
            // Eight bytes at once while none is `<`, `>`, `&` or a control character: most text,
            // Cyrillic included, whose bytes only mark the run for the UTF-8 check below.
            if end - p >= 8 {
                let word = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)
                if !Self.mayNeedAttention(word) {
                    if word & 0x8080_8080_8080_8080 != 0 { nonASCII = true }
                    p += 8
                    continue
                }
            }
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
                if capture { buffer.append(contentsOf: UnsafeBufferPointer(start: runStart, count: p - runStart)) }
                try entity(capture: capture, into: &buffer)
                runStart = p
                continue
            }
            p += 1
        }
        if capture {
            buffer.append(contentsOf: UnsafeBufferPointer(start: runStart, count: p - runStart))
            if nonASCII {
                let ok = buffer.withUnsafeBufferPointer { Self.isValidUTF8(UnsafeBufferPointer(rebasing: $0[valueStart...])) }
                guard ok else { throw Failure.unexpected }
            }
        } else if nonASCII {
            guard Self.isValidUTF8(UnsafeBufferPointer(start: runStart, count: p - runStart)) else { throw Failure.unexpected }
        }
    }

    /// Whether one of the eight bytes of `word` may be `<`, `>`, `&` or below 0x20 (false
    /// positives only send those bytes through the byte-by-byte loop).
    @inline(__always)
    static func mayNeedAttention(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        // A zero byte in `x` sets its high bit in `(x - ones) & ~x` (never missed).
        @inline(__always) func hasByte(_ value: UInt64) -> UInt64 {
            let x = word ^ (ones &* value)
            return (x &- ones) & ~x
        }
        let below20 = (word &- ones &* 0x20) & ~word
        return (below20 | hasByte(0x3C) | hasByte(0x3E) | hasByte(0x26)) & highs != 0
    }

    /// `&lt;` `&gt;` `&amp;` `&quot;` `&apos;` `&#N;` `&#xH;` at `p`.
    private mutating func entity(capture: Bool, into buffer: inout [UInt8]) throws {
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
            buffer.append(contentsOf: utf8)
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

extension XMLLexer {
    /// Reads the element name `name` at `p` (just after `<`) when it is there, followed by a
    /// delimiter; otherwise leaves `p` alone and answers false.
    @inline(__always)
    mutating func name(is name: StaticString) throws -> Bool {
        let n = name.utf8CodeUnitCount
        try need(n + 1)
        if memcmp(p, name.utf8Start, n) != 0 { return false }
        let next = p[n]
        guard next == UInt8(ascii: ">") || next == UInt8(ascii: "/") || Self.isSpace(next) else { return false }
        p += n
        return true
    }

    /// Skips an element name without a prefix at `p`; the caller decides what the element is not.
    mutating func skipName() throws -> UnsafeBufferPointer<UInt8> {
        let start = p
        while true {
            try need(1)
            let b = p[0]
            if b == UInt8(ascii: ">") || b == UInt8(ascii: "/") || Self.isSpace(b) { break }
            guard b > 0x20, b != UInt8(ascii: "<"), b != UInt8(ascii: ":"), b != UInt8(ascii: "\""),
                  b != UInt8(ascii: "'"), b != UInt8(ascii: "=") else { throw Failure.unexpected }
            p += 1
        }
        guard p > start else { throw Failure.unexpected }
        return UnsafeBufferPointer(start: start, count: p - start)
    }
}

/// The head of a large part — everything up to the start tag of the element whose children
/// the scanners read (`<sheetData>`, `<sst>`) — goes through libxml2, which refuses a DTD and
/// checks it is well-formed; this finds where that start tag ends.
enum XMLHead {
    /// How many bytes of the window's unconsumed bytes make the head, through the `>` of the
    /// start tag `marker` (such as `"<sst"`), filling the window as needed. Nil when the head
    /// is not plain — a `<!` (DOCTYPE, comment, CDATA), a non-UTF-8 encoding, a self-closing
    /// or odd start tag — or the part ends first: such parts are left to libxml2 whole.
    static func endOfStartTag(_ marker: StaticString, in window: ByteWindow) throws -> Int? {
        while true {
            let bytes = window.unconsumed
            if let at = find(marker, in: bytes) {
                let afterName = at + marker.utf8CodeUnitCount
                guard afterName < bytes.count else {
                    if try window.fill() { continue }
                    return nil
                }
                guard let close = bytes[afterName...].firstIndex(of: UInt8(ascii: ">")) else {
                    if try window.fill() { continue }
                    return nil
                }
                let next = bytes[afterName]
                guard next == UInt8(ascii: ">") || next == 0x20 || next == 0x0A || next == 0x0D || next == 0x09,
                      bytes[close - 1] != UInt8(ascii: "/"),
                      !bytes[afterName..<close].contains(UInt8(ascii: "<")),
                      isPlainUTF8(UnsafeBufferPointer(rebasing: bytes[..<at])) else {
                    return nil
                }
                return close + 1
            }
            if try !window.fill() { return nil }
        }
    }

    /// No `<!` (DOCTYPE, comment, CDATA), and UTF-8 (or no encoding declared).
    private static func isPlainUTF8(_ head: UnsafeBufferPointer<UInt8>) -> Bool {
        if find("<!", in: head) != nil { return false }
        if head.count >= 2 && (head[0] == 0xFE || head[0] == 0xFF || head[0] == 0 || head[1] == 0) { return false }
        guard let at = find("encoding", in: head) else { return true }
        var i = at + 8
        while i < head.count && (head[i] == 0x20 || head[i] == UInt8(ascii: "=")) { i += 1 }
        guard i < head.count, head[i] == UInt8(ascii: "\"") || head[i] == UInt8(ascii: "'") else { return false }
        let name = head[(i + 1)...].prefix(6).map { $0 | 0x20 }
        return name == Array("utf-8".utf8) + [head[i] | 0x20]
    }

    static func find(_ literal: StaticString, in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let base = bytes.baseAddress, bytes.count >= literal.utf8CodeUnitCount else { return nil }
        let n = literal.utf8CodeUnitCount
        let first = literal.utf8Start[0]
        var i = 0
        while i + n <= bytes.count {
            guard let hit = memchr(base + i, Int32(first), bytes.count - n + 1 - i) else { return nil }
            i = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
            if memcmp(base + i, literal.utf8Start, n) == 0 { return i }
            i += 1
        }
        return nil
    }
}
