/// Escaping of text for SpreadsheetML, appended straight into an output buffer.
///
/// Besides `& < > "`, OOXML strings (`ST_Xstring`) carry characters that XML cannot hold as
/// `_xHHHH_`; a literal `_x` is escaped as `_x005F_x` so a reader does not unescape it. A carriage
/// return is escaped too (`_x000D_`, as Excel does), because XML parsers turn a bare CR into LF.
enum XMLEscaping {
    /// Appends `text` escaped for element content or a double-quoted attribute.
    static func append(_ text: String, to buffer: inout [UInt8]) {
        var utf8 = text.utf8
        // Fast path: nothing to escape, copy the bytes as they are.
        if !utf8.contains(where: needsEscape) {
            buffer.append(contentsOf: utf8)
            return
        }
        utf8 = text.utf8
        var previous: UInt8 = 0
        var index = utf8.startIndex
        while index != utf8.endIndex {
            let byte = utf8[index]
            switch byte {
            case UInt8(ascii: "&"): buffer.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "<"): buffer.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): buffer.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "\""): buffer.append(contentsOf: "&quot;".utf8)
            case UInt8(ascii: "x") where previous == UInt8(ascii: "_"):
                // The `_` is already out; turn `_x` into `_x005F_x`.
                buffer.append(contentsOf: "x005F_x".utf8)
            case 0x09, 0x0A:
                buffer.append(byte)
            case 0x00...0x1F:
                appendHexEscape(UInt32(byte), to: &buffer)
            case 0xEF:
                // U+FFFE and U+FFFF (EF BF BE / EF BF BF) are not XML characters.
                let next1 = utf8.index(after: index)
                if next1 != utf8.endIndex, utf8[next1] == 0xBF {
                    let next2 = utf8.index(after: next1)
                    if next2 != utf8.endIndex, utf8[next2] >= 0xBE {
                        appendHexEscape(utf8[next2] == 0xBE ? 0xFFFE : 0xFFFF, to: &buffer)
                        previous = 0
                        index = utf8.index(after: next2)
                        continue
                    }
                }
                buffer.append(byte)
            default:
                buffer.append(byte)
            }
            previous = byte
            index = utf8.index(after: index)
        }
    }

    static func escaped(_ text: String) -> String {
        var buffer = [UInt8]()
        append(text, to: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    private static func needsEscape(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\""),
             UInt8(ascii: "_"), 0xEF:
            return true
        case 0x09, 0x0A: return false
        default: return byte < 0x20
        }
    }

    private static func appendHexEscape(_ value: UInt32, to buffer: inout [UInt8]) {
        let digits = Array("0123456789ABCDEF".utf8)
        buffer.append(contentsOf: "_x".utf8)
        for shift in stride(from: 12, through: 0, by: -4) {
            buffer.append(digits[Int((value >> UInt32(shift)) & 0xF)])
        }
        buffer.append(UInt8(ascii: "_"))
    }
}
