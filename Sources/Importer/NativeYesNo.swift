// `yesno.parse` of `rules/lib/yesno.lua`: `text.fold` of the cell (Unicode spaces as spaces,
// the templates' scripts lower-cased, white space trimmed and folded to one space), then the
// yes and no words of the four languages.

enum NativeYesNo {
    /// The words, folded, packed as `pack` packs them (every word has at most 8 bytes).
    static let yes: Set<UInt64> = Set(["oui", "yes", "y", "o", "true", "vrai", "1", "да", "д", "так", "т", "x"].map(packed))
    static let no: Set<UInt64> = Set(["non", "no", "n", "false", "faux", "0", "нет", "ні", "-"].map(packed))

    static func packed(_ word: String) -> UInt64 {
        var key = Key()
        for byte in word.utf8 { key.append(byte) }
        return key.bits
    }

    /// Up to 8 bytes of folded text in one integer; more is no word of either list.
    struct Key {
        var bits: UInt64 = 0
        var count = 0

        @inline(__always)
        mutating func append(_ byte: UInt8) {
            if count < 8 { bits |= UInt64(byte) << (8 * UInt64(count)) }
            count += 1
        }
    }

    /// `yesno.parse` of a trimmed, non-empty text: true, false, or `yes_no_invalid`.
    static func parse(_ text: String) -> NativeConversion<Bool> {
        var key = Key()
        var pendingSpace = false
        func emit(_ byte: UInt8) {
            if NativeText.isSpace(byte) {
                pendingSpace = true
                return
            }
            if pendingSpace && key.count > 0 { key.append(0x20) }
            pendingSpace = false
            // string.lower in the C locale: ASCII only.
            key.append(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte)
        }
        let ascii = NativeText.withBytes(text) { bytes -> Bool in
            guard !bytes.contains(where: { $0 >= 0x80 }) else { return false }
            for byte in bytes {
                emit(byte)
                if key.count > 8 { break }
            }
            return true
        }
        if !ascii {
            for scalar in text.unicodeScalars {
                let code = scalar.value
                if NativeText.isWideSpace(code) {
                    emit(0x20)
                } else if code < 0x80 {
                    emit(UInt8(code))
                } else {
                    for byte in String(Unicode.Scalar(lowerCode(code) ?? code)!).utf8 { emit(byte) }
                }
                if key.count > 8 { break }
            }
        }
        if key.count == 0 { return .value(false) }
        if key.count <= 8 {
            if yes.contains(key.bits) { return .value(true) }
            if no.contains(key.bits) { return .value(false) }
        }
        return .problem(CellProblem(key: "yes_no_invalid"))
    }

    /// text.lua's `lower_code`: the lower case of a capital of Latin-1, Latin Extended-A and
    /// Cyrillic; nil for any other code point.
    static func lowerCode(_ c: UInt32) -> UInt32? {
        if c < 0xC0 { return nil }
        if c <= 0xDE { return c != 0xD7 ? c + 32 : nil }
        if c >= 0x100 && c <= 0x17F {
            if c == 0x130 || c == 0x131 || c == 0x138 || c == 0x149 || c == 0x17F { return nil }
            if c == 0x178 { return 0xFF }
            // Pairs start on even code points, but for U+0139–U+0148 and U+0179–U+017E (odd first).
            let oddFirst = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)
            return (c % 2 == 1) == oddFirst ? c + 1 : nil
        }
        if c >= 0x400 && c <= 0x40F { return c + 80 }
        if c >= 0x410 && c <= 0x42F { return c + 32 }
        if (c >= 0x460 && c <= 0x481) || (c >= 0x48A && c <= 0x4BF) || (c >= 0x4D0 && c <= 0x52F) {
            return c % 2 == 0 ? c + 1 : nil
        }
        if c == 0x4C0 { return 0x4CF }
        if c >= 0x4C1 && c <= 0x4CE { return c % 2 == 1 ? c + 1 : nil }
        return nil
    }
}
