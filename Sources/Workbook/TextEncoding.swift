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
