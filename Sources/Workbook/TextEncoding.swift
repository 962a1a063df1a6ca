/// A text encoding of a CSV file: the ones Excel and 1C-era exports actually produce.
public enum TextEncoding: String, Sendable, CaseIterable {
    case utf8
    case utf16LE = "utf-16le"
    case utf16BE = "utf-16be"
    /// Cyrillic Windows code page (Russian and Ukrainian Excel, 1C exports).
    case windows1251 = "windows-1251"
    /// Western European Windows code page (French Excel "CSV (separator: semicolon)").
    case windows1252 = "windows-1252"

    /// Parses a user-given name (`utf-8`, `UTF8`, `cp1251`, `windows-1252`, `latin1`, …).
    public init?(name: String) {
        let key = name.lowercased().filter { $0.isLetter || $0.isNumber }
        switch key {
        case "utf8": self = .utf8
        case "utf16le", "utf16": self = .utf16LE
        case "utf16be": self = .utf16BE
        case "windows1251", "cp1251", "win1251": self = .windows1251
        case "windows1252", "cp1252", "win1252", "latin1", "iso88591": self = .windows1252
        default: return nil
        }
    }
}

extension TextEncoding {
    /// The byte-order mark at the start of `bytes`, if any, and its length.
    static func byteOrderMark(_ bytes: ArraySlice<UInt8>) -> (TextEncoding, Int)? {
        let b = Array(bytes.prefix(3))
        if b.count >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { return (.utf8, 3) }
        if b.count >= 2, b[0] == 0xFF, b[1] == 0xFE { return (.utf16LE, 2) }
        if b.count >= 2, b[0] == 0xFE, b[1] == 0xFF { return (.utf16BE, 2) }
        return nil
    }

    /// Decodes the bytes of one field (ASCII-compatible encodings; UTF-16 is transcoded earlier).
    func decodeField(_ bytes: [UInt8]) -> String {
        switch self {
        case .utf8, .utf16LE, .utf16BE:
            return String(decoding: bytes, as: UTF8.self)
        case .windows1251, .windows1252:
            if !bytes.contains(where: { $0 >= 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
            let table = self == .windows1251 ? Self.windows1251High : Self.windows1252High
            var scalars = String.UnicodeScalarView()
            for byte in bytes {
                let value = byte < 0x80 ? UInt32(byte) : UInt32(table[Int(byte) - 0x80])
                scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
            }
            return String(scalars)
        }
    }

    /// Unicode of bytes 0x80–0xFF in Windows-1251 (the one undefined byte, 0x98, maps to U+0098).
    static let windows1251High: [UInt16] = [
        0x0402, 0x0403, 0x201A, 0x0453, 0x201E, 0x2026, 0x2020, 0x2021,
        0x20AC, 0x2030, 0x0409, 0x2039, 0x040A, 0x040C, 0x040B, 0x040F,
        0x0452, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x0098, 0x2122, 0x0459, 0x203A, 0x045A, 0x045C, 0x045B, 0x045F,
        0x00A0, 0x040E, 0x045E, 0x0408, 0x00A4, 0x0490, 0x00A6, 0x00A7,
        0x0401, 0x00A9, 0x0404, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x0407,
        0x00B0, 0x00B1, 0x0406, 0x0456, 0x0491, 0x00B5, 0x00B6, 0x00B7,
        0x0451, 0x2116, 0x0454, 0x00BB, 0x0458, 0x0405, 0x0455, 0x0457,
        0x0410, 0x0411, 0x0412, 0x0413, 0x0414, 0x0415, 0x0416, 0x0417,
        0x0418, 0x0419, 0x041A, 0x041B, 0x041C, 0x041D, 0x041E, 0x041F,
        0x0420, 0x0421, 0x0422, 0x0423, 0x0424, 0x0425, 0x0426, 0x0427,
        0x0428, 0x0429, 0x042A, 0x042B, 0x042C, 0x042D, 0x042E, 0x042F,
        0x0430, 0x0431, 0x0432, 0x0433, 0x0434, 0x0435, 0x0436, 0x0437,
        0x0438, 0x0439, 0x043A, 0x043B, 0x043C, 0x043D, 0x043E, 0x043F,
        0x0440, 0x0441, 0x0442, 0x0443, 0x0444, 0x0445, 0x0446, 0x0447,
        0x0448, 0x0449, 0x044A, 0x044B, 0x044C, 0x044D, 0x044E, 0x044F
    ]

    /// Unicode of bytes 0x80–0xFF in Windows-1252 (undefined bytes map to the C1 control of that value, as Windows does).
    static let windows1252High: [UInt16] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
        0x00A0, 0x00A1, 0x00A2, 0x00A3, 0x00A4, 0x00A5, 0x00A6, 0x00A7,
        0x00A8, 0x00A9, 0x00AA, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x00AF,
        0x00B0, 0x00B1, 0x00B2, 0x00B3, 0x00B4, 0x00B5, 0x00B6, 0x00B7,
        0x00B8, 0x00B9, 0x00BA, 0x00BB, 0x00BC, 0x00BD, 0x00BE, 0x00BF,
        0x00C0, 0x00C1, 0x00C2, 0x00C3, 0x00C4, 0x00C5, 0x00C6, 0x00C7,
        0x00C8, 0x00C9, 0x00CA, 0x00CB, 0x00CC, 0x00CD, 0x00CE, 0x00CF,
        0x00D0, 0x00D1, 0x00D2, 0x00D3, 0x00D4, 0x00D5, 0x00D6, 0x00D7,
        0x00D8, 0x00D9, 0x00DA, 0x00DB, 0x00DC, 0x00DD, 0x00DE, 0x00DF,
        0x00E0, 0x00E1, 0x00E2, 0x00E3, 0x00E4, 0x00E5, 0x00E6, 0x00E7,
        0x00E8, 0x00E9, 0x00EA, 0x00EB, 0x00EC, 0x00ED, 0x00EE, 0x00EF,
        0x00F0, 0x00F1, 0x00F2, 0x00F3, 0x00F4, 0x00F5, 0x00F6, 0x00F7,
        0x00F8, 0x00F9, 0x00FA, 0x00FB, 0x00FC, 0x00FD, 0x00FE, 0x00FF
    ]
}

/// Decides a file's encoding from its bytes when neither a BOM nor the user names it.
///
/// Valid UTF-8 wins. Otherwise the text is Windows-1251 or -1252: both put letters at 0xC0–0xFF,
/// but Cyrillic words are runs of such bytes while French words have one accented letter between
/// ASCII letters. So the detector counts high letters next to high letters against high letters
/// next to ASCII letters; Cyrillic-heavy text is 1251.
struct EncodingDetector {
    private var pendingContinuations = 0
    private(set) var isValidUTF8 = true
    private var previous: UInt8 = 0x20
    private var highNextToHigh = 0
    private var highNextToASCII = 0

    mutating func feed(_ bytes: ArraySlice<UInt8>) {
        for byte in bytes {
            if isValidUTF8 {
                if pendingContinuations > 0 {
                    if byte & 0xC0 == 0x80 { pendingContinuations -= 1 } else { isValidUTF8 = false }
                } else if byte >= 0x80 {
                    switch byte {
                    case 0xC2...0xDF: pendingContinuations = 1
                    case 0xE0...0xEF: pendingContinuations = 2
                    case 0xF0...0xF4: pendingContinuations = 3
                    default: isValidUTF8 = false
                    }
                }
            }
            let isHigh = byte >= 0xC0, wasHigh = previous >= 0xC0
            if isHigh && wasHigh { highNextToHigh += 1 }
            if (isHigh && Self.isASCIILetter(previous)) || (wasHigh && Self.isASCIILetter(byte)) { highNextToASCII += 1 }
            previous = byte
        }
    }

    /// The verdict once the whole file (or enough of it) has been fed.
    var encoding: TextEncoding {
        if isValidUTF8 && pendingContinuations == 0 { return .utf8 }
        return highNextToHigh > highNextToASCII ? .windows1251 : .windows1252
    }

    private static func isASCIILetter(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
    }
}

/// What the first bytes of a file without a byte-order mark say through their NUL bytes.
///
/// Text in an 8-bit encoding or UTF-8 has no NUL bytes; UTF-16 has one in every ASCII
/// character (the high byte: at odd offsets little-endian, at even offsets big-endian), and
/// UTF-32 three. A CSV has delimiters, digits and line breaks even when its words are
/// Cyrillic, so UTF-16 shows the pattern in its first kilobytes.
public enum EncodingSniff: Equatable, Sendable {
    /// No NUL pattern: UTF-8 or an 8-bit code page (decided by `EncodingDetector`).
    case noNULPattern
    /// UTF-16 without a byte-order mark, valid as far as the sample goes.
    case utf16(TextEncoding)
    /// Not text this reader can decode; the message says what the bytes look like and what to do.
    case refused(String)

    /// The bytes looked at: enough for a few lines of any export.
    public static let sampleLength = 4096

    /// Sniffs the first bytes of a file (`isWholeFile`: the sample is all of it).
    public static func sniff(_ bytes: ArraySlice<UInt8>, isWholeFile: Bool) -> EncodingSniff {
        let sample = bytes.prefix(sampleLength)
        if let refusal = utf32ByteOrderMark(sample) { return refusal }
        var zerosAtEven = 0, zerosAtOdd = 0
        var firstZero: Int?
        for (offset, byte) in sample.enumerated() where byte == 0 {
            if offset % 2 == 0 { zerosAtEven += 1 } else { zerosAtOdd += 1 }
            if firstZero == nil { firstZero = offset }
        }
        let zeros = zerosAtEven + zerosAtOdd
        guard zeros > 0, let firstZero else { return .noNULPattern }
        if zeros == sample.count {
            return .refused("the file holds nothing but NUL bytes (\(isWholeFile ? "all \(zeros)" : "the first \(zeros)")): it is not text, perhaps an export that was never written out; export it again")
        }
        if let order = utf32ByteOrder(sample) {
            return .refused(utf32Message(order, "without a byte-order mark (three NUL bytes with each character)"))
        }
        let units = sample.count / 2
        for (encoding, zerosInHighBytes, zerosInLowBytes) in [(TextEncoding.utf16LE, zerosAtOdd, zerosAtEven),
                                                              (.utf16BE, zerosAtEven, zerosAtOdd)] {
            // Most NUL bytes where UTF-16 puts the high byte of ASCII, and either many of them
            // (Latin text) or a line break among the code units (Cyrillic text).
            guard zerosInHighBytes >= 4 * zerosInLowBytes else { continue }
            let endianness = encoding == .utf16LE ? "little-endian" : "big-endian"
            let decoder = UTF16Decoder(encoding == .utf16BE ? .bigEndian : .littleEndian)
            let decoded = decoder.validate(sample.prefix(units * 2), complete: isWholeFile)
            if let bad = decoded.unpairedSurrogateOffset {
                return .refused("the file looks like UTF-16 \(endianness) text without a byte-order mark (NUL bytes in every other position), but the two bytes at offset \(bad) are an unpaired surrogate, so it is not valid UTF-16; save it again as CSV UTF-8")
            }
            if zerosInHighBytes * 8 >= units || decoded.hasLineBreak { return .utf16(encoding) }
        }
        if zeros * 8 >= sample.count {
            return .refused("the file has NUL bytes (\(zeros) of the first \(sample.count), the first at offset \(firstZero)) in no pattern of UTF-16 or UTF-32 text: it does not look like a text file; if it is a spreadsheet, save it as .xlsx or CSV UTF-8")
        }
        return .noNULPattern // a stray NUL in a text file: read as it was before (U+0000)
    }

    /// A refusal when the bytes start with a UTF-32 byte-order mark (checked before UTF-16's:
    /// FF FE 00 00 also starts with UTF-16LE's FF FE).
    public static func utf32ByteOrderMark(_ bytes: ArraySlice<UInt8>) -> EncodingSniff? {
        if bytes.starts(with: [0xFF, 0xFE, 0x00, 0x00]) { return .refused(utf32Message("little-endian", "with its byte-order mark")) }
        if bytes.starts(with: [0x00, 0x00, 0xFE, 0xFF]) { return .refused(utf32Message("big-endian", "with its byte-order mark")) }
        return nil
    }

    /// "little-endian" or "big-endian" when every 4-byte unit of the sample is a code point
    /// below U+110000 and nine in ten are in the first 64K (their plane byte is 0).
    private static func utf32ByteOrder(_ sample: ArraySlice<UInt8>) -> String? {
        let bytes = Array(sample.prefix(sample.count / 4 * 4))
        guard bytes.count >= 8 else { return nil }
        let units = bytes.count / 4
        for (order, top, plane) in [("little-endian", 3, 2), ("big-endian", 0, 1)] {
            var inFirst64K = 0, valid = true
            for unit in 0..<units {
                let base = unit * 4
                if bytes[base + top] != 0 || bytes[base + plane] > 0x10 { valid = false; break }
                if bytes[base + plane] == 0 { inFirst64K += 1 }
            }
            if valid && inFirst64K * 10 >= units * 9 { return order }
        }
        return nil
    }

    private static func utf32Message(_ order: String, _ how: String) -> String {
        "the file looks like UTF-32 \(order) text \(how), which clientimport does not read; save it as CSV UTF-8 (or UTF-16)"
    }
}

/// Turns UTF-16 bytes into UTF-8, chunk by chunk: a code unit or a surrogate pair split between
/// chunks waits for the next one. Unpaired surrogates become U+FFFD. Shared by every reader of
/// UTF-16 text (the CSV reader; vCard files, issue 17, can use it the same way).
public struct UTF16Decoder: Sendable {
    public enum ByteOrder: Sendable { case littleEndian, bigEndian }

    /// The file ends in the middle of a code unit: one byte is left over.
    public struct DanglingByte: Error, Sendable {
        public let byte: UInt8
    }

    public let byteOrder: ByteOrder
    private var carry: UInt8?
    private var pendingHighSurrogate: UInt16?

    public init(_ byteOrder: ByteOrder) {
        self.byteOrder = byteOrder
    }

    /// Decodes the next chunk of bytes; with `final`, the last one (a pending high surrogate
    /// becomes U+FFFD). A lone last byte that is a line break or NUL is dropped (a tool that
    /// appended an 8-bit newline); any other one throws `DanglingByte`: the text was cut short.
    public mutating func decode(_ chunk: [UInt8], final: Bool) throws -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(chunk.count * 3 / 2 + 4)
        var index = 0
        if let first = carry, let second = chunk.first {
            carry = nil
            append(unit(first, second), to: &output)
            index = 1
        }
        let end = chunk.count - (chunk.count - index) % 2
        while index < end {
            append(unit(chunk[index], chunk[index + 1]), to: &output)
            index += 2
        }
        if index < chunk.count { carry = chunk[index] }
        if final {
            if pendingHighSurrogate != nil {
                pendingHighSurrogate = nil
                output.append(contentsOf: [0xEF, 0xBF, 0xBD])
            }
            if let byte = carry {
                carry = nil
                if byte != 0x00 && byte != 0x0A && byte != 0x0D { throw DanglingByte(byte: byte) }
            }
        }
        return output
    }

    /// Checks a sample without keeping the text: the offset of the first unpaired surrogate
    /// (a high surrogate at the very end counts only when the sample is the whole file), and
    /// whether a line break (U+000A or U+000D) occurs.
    func validate(_ bytes: ArraySlice<UInt8>, complete: Bool) -> (unpairedSurrogateOffset: Int?, hasLineBreak: Bool) {
        var hasLineBreak = false
        var highAt: Int?
        var offset = 0
        var index = bytes.startIndex
        while index + 1 < bytes.endIndex {
            let value = unit(bytes[index], bytes[index + 1])
            switch value {
            case 0xD800...0xDBFF:
                if highAt != nil { return (highAt, hasLineBreak) }
                highAt = offset
            case 0xDC00...0xDFFF:
                if highAt == nil { return (offset, hasLineBreak) }
                highAt = nil
            default:
                if highAt != nil { return (highAt, hasLineBreak) }
                if value == 0x0A || value == 0x0D { hasLineBreak = true }
            }
            index += 2
            offset += 2
        }
        return (complete ? highAt : nil, hasLineBreak)
    }

    private func unit(_ first: UInt8, _ second: UInt8) -> UInt16 {
        byteOrder == .littleEndian ? UInt16(first) | UInt16(second) << 8 : UInt16(first) << 8 | UInt16(second)
    }

    private mutating func append(_ unit: UInt16, to output: inout [UInt8]) {
        if let high = pendingHighSurrogate {
            pendingHighSurrogate = nil
            if (0xDC00...0xDFFF).contains(unit) {
                appendUTF8(0x10000 + (UInt32(high - 0xD800) << 10) + UInt32(unit - 0xDC00), to: &output)
                return
            }
            output.append(contentsOf: [0xEF, 0xBF, 0xBD])
        }
        switch unit {
        case 0xD800...0xDBFF: pendingHighSurrogate = unit
        case 0xDC00...0xDFFF: output.append(contentsOf: [0xEF, 0xBF, 0xBD])
        default: appendUTF8(UInt32(unit), to: &output)
        }
    }

    private func appendUTF8(_ scalar: UInt32, to output: inout [UInt8]) {
        switch scalar {
        case ..<0x80:
            output.append(UInt8(scalar))
        case ..<0x800:
            output.append(UInt8(0xC0 | scalar >> 6)); output.append(UInt8(0x80 | scalar & 0x3F))
        case ..<0x10000:
            output.append(UInt8(0xE0 | scalar >> 12)); output.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            output.append(UInt8(0x80 | scalar & 0x3F))
        default:
            output.append(UInt8(0xF0 | scalar >> 18)); output.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            output.append(UInt8(0x80 | scalar >> 6 & 0x3F)); output.append(UInt8(0x80 | scalar & 0x3F))
        }
    }
}

/// The text of a whole file that a plugin reads itself (a vCard file): decoded once here, with
/// the rules the CSV reader follows, before the plugin's Lua sees it.
public struct PluginSourceText: Sendable {
    /// The file's text. When `eightBit` is set, each character U+0000–U+00FF stands for one byte
    /// of the file (a lossless carrier: Lua strings cross as UTF-8), so that the plugin can decode
    /// each value with the charset it declares (`TextEncoding.decodeBytes`).
    public var text: String
    /// What the file was read as: "utf-8", "utf-16le", "utf-16be", or for 8-bit text the code
    /// page the bytes look like ("windows-1251" or "windows-1252").
    public var encoding: String
    /// The file is neither UTF-8 nor UTF-16: `text` carries its bytes, one character each.
    public var eightBit: Bool

    /// Decodes `bytes`: a UTF-8 byte-order mark is dropped; UTF-16 with or without a byte-order
    /// mark becomes UTF-8; valid UTF-8 stays; anything else is carried byte for byte. UTF-32 and
    /// binary files are refused with what they look like.
    public init(bytes: [UInt8], file: String) throws {
        var body = bytes[...]
        var utf16: TextEncoding?
        if let (encoding, length) = TextEncoding.byteOrderMark(body) {
            if encoding == .utf8 { body = body.dropFirst(length) } else if EncodingSniff.utf32ByteOrderMark(body) == nil {
                body = body.dropFirst(length)
                utf16 = encoding
            }
        }
        if utf16 == nil {
            switch EncodingSniff.sniff(body, isWholeFile: body.count <= EncodingSniff.sampleLength) {
            case .noNULPattern: break
            case .utf16(let encoding): utf16 = encoding
            case .refused(let message): throw WorkbookError(.unreadable, file: file, message)
            }
        }
        if let utf16 {
            var decoder = UTF16Decoder(utf16 == .utf16BE ? .bigEndian : .littleEndian)
            do {
                let utf8 = try decoder.decode(Array(body), final: true)
                self.init(text: String(decoding: utf8, as: UTF8.self), encoding: utf16.rawValue, eightBit: false)
            } catch let dangling as UTF16Decoder.DanglingByte {
                throw WorkbookError(.corrupt, file: file, "the file is \(utf16.rawValue.uppercased()) text cut short: it ends in half a character (the byte 0x\(String(dangling.byte, radix: 16, uppercase: true))); export it again")
            }
            return
        }
        if let text = String(validating: body, as: UTF8.self) {
            self.init(text: text, encoding: "utf-8", eightBit: false)
            return
        }
        var detector = EncodingDetector()
        detector.feed(body)
        var scalars = String.UnicodeScalarView()
        for byte in body { scalars.append(Unicode.Scalar(byte)) }
        self.init(text: String(scalars), encoding: detector.encoding.rawValue, eightBit: true)
    }

    init(text: String, encoding: String, eightBit: Bool) {
        self.text = text
        self.encoding = encoding
        self.eightBit = eightBit
    }
}

extension TextEncoding {
    /// Decodes the bytes of one value in the charset a file declares for it (`CHARSET=` of a
    /// vCard property): UTF-8, Windows-1251/1252, ISO-8859-1/-5/-15 under their usual names.
    /// Bytes in no declared charset, in one not known here, or not valid in the declared UTF-8
    /// are decoded as the CSV reader decodes an 8-bit file (`EncodingDetector`) and `guessed` is
    /// set, so that the caller warns: never a silent U+FFFD.
    public static func decodeBytes(_ bytes: [UInt8], declared: String?) -> (text: String, encoding: String, guessed: Bool) {
        let key = (declared ?? "").lowercased().filter { $0.isLetter || $0.isNumber }
        if key.isEmpty || key == "utf8" || key == "usascii" || key == "ascii" || codePage(key) == nil,
           let text = String(validating: bytes, as: UTF8.self) {
            return (text, "utf-8", !(key.isEmpty || key == "utf8" || key == "usascii" || key == "ascii"))
        }
        if let table = codePage(key) {
            return (decode(bytes, table), declared ?? "", false)
        }
        var detector = EncodingDetector()
        detector.feed(bytes[...])
        let encoding = detector.encoding
        return (encoding.decodeField(bytes), encoding.rawValue, true)
    }

    /// Unicode of bytes 0x80–0xFF in the 8-bit code page named `key` (letters and digits only).
    static func codePage(_ key: String) -> [UInt16]? {
        switch key {
        case "windows1251", "cp1251", "win1251": return windows1251High
        case "windows1252", "cp1252", "win1252": return windows1252High
        case "iso88591", "latin1", "l1", "iso885911987": return (0x80...0xFF).map { UInt16($0) }
        case "iso885915", "latin9": return iso885915High
        case "iso88595", "cyrillic", "iso885951988": return iso88595High
        default: return nil
        }
    }

    private static func decode(_ bytes: [UInt8], _ table: [UInt16]) -> String {
        var scalars = String.UnicodeScalarView()
        for byte in bytes {
            scalars.append(Unicode.Scalar(byte < 0x80 ? UInt32(byte) : UInt32(table[Int(byte) - 0x80])) ?? "\u{FFFD}")
        }
        return String(scalars)
    }

    /// ISO-8859-15 (Latin-9): ISO-8859-1 with € Š š Ž ž Œ œ Ÿ in eight places.
    static let iso885915High: [UInt16] = (0x80...0xFF).map { byte -> UInt16 in
        let changed: [Int: UInt16] = [0xA4: 0x20AC, 0xA6: 0x0160, 0xA8: 0x0161, 0xB4: 0x017D, 0xB8: 0x017E,
                                      0xBC: 0x0152, 0xBD: 0x0153, 0xBE: 0x0178]
        return changed[byte] ?? UInt16(byte)
    }

    /// ISO-8859-5 (Cyrillic): Ё…Џ at 0xA1–0xAF (soft hyphen at 0xAD), А…я at 0xB0–0xEF, № at
    /// 0xF0, ё…џ at 0xF1–0xFF (§ at 0xFD).
    static let iso88595High: [UInt16] = (0x80...0xFF).map { byte -> UInt16 in
        switch byte {
        case 0xA0, 0xAD: return UInt16(byte)
        case 0xF0: return 0x2116
        case 0xFD: return 0x00A7
        case 0xA1...0xFF: return UInt16(0x0401 + byte - 0xA1)
        default: return UInt16(byte)
        }
    }
}
