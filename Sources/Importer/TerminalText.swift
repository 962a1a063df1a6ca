/// Text from files, cells, plugins and the base made safe to print on a terminal line: control
/// characters and the invisible format characters are shown as `\u{1B}`, so an escape sequence
/// in a cell cannot drive the terminal, a line break in a file name cannot forge a line, and a
/// right-to-left override (U+202E) cannot make a message read backwards.
///
/// Escaped: C0 controls (U+0000–U+001F, tab and line break included), DEL, C1 controls
/// (U+0080–U+009F), the line and paragraph separators (U+2028, U+2029) and the format characters
/// (general category Cf: bidi embeddings, overrides and isolates, zero-width spaces, the BOM),
/// except the zero-width joiner and the emoji tag characters, which only build emoji, and the
/// soft hyphen. JSON output needs none of this: JSON escapes C0 itself and a terminal shows the
/// other characters only once a program has decoded them.
public enum TerminalText {
    /// `text` with every character listed above written as `\u{HEX}`.
    public static func escape(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            if needsEscape(scalar) {
                result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Each field escaped, then joined by tabs: a tab-separated line whose fields cannot add
    /// columns or lines.
    public static func line(_ fields: [String]) -> String {
        fields.map(escape).joined(separator: "\t")
    }

    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029: return true
        case 0x00AD, 0x200D, 0xE0020...0xE007F: return false
        case 0x20...0x7E: return false
        default: return scalar.properties.generalCategory == .format
        }
    }
}
