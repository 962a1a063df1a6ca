// The text helpers of `rules/lib/text.lua` and `engine.lua` that the native checks need, on
// UTF-8 bytes: Lua patterns read bytes in the C locale (`%s` is ASCII white space, `%d` ASCII
// digits, `%w` ASCII letters and digits), so the checks do too.

enum NativeText {
    /// `%s` in the C locale: tab, line feed, vertical tab, form feed, return, space.
    @inline(__always)
    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }

    /// text.lua's `WIDE_SPACE` (`text.is_wide_space`): the Unicode white space beyond ASCII that
    /// `text.fold` makes a space and `money.parse` drops between digit groups.
    static func isWideSpace(_ code: UInt32) -> Bool {
        switch code {
        case 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0x2000...0x200A: true
        default: false
        }
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// `%w` in the C locale.
    @inline(__always)
    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A)
    }

    /// Runs `body` on the UTF-8 bytes of `text` (without a copy for a native string).
    @inline(__always)
    static func withBytes<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let result = text.utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = text
        copy.makeContiguousUTF8()
        return copy.utf8.withContiguousStorageIfAvailable(body)!
    }

    /// Whether `bytes` holds U+00A0 (C2 A0) anywhere.
    @inline(__always)
    static func containsNBSP(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        let end = bytes.count - 1
        while index < end {
            if bytes[index] == 0xC2 && bytes[index + 1] == 0xA0 { return true }
            index += 1
        }
        return false
    }

    /// engine.lua's `trimmed` (`text.trim`): white space and U+00A0 off both ends, and every
    /// U+00A0 inside turned into a space. The text itself (no new string) when nothing changes.
    static func trimmed(_ text: String) -> String {
        withBytes(text) { bytes in
            if bytes.isEmpty { return "" }
            let nbsp = containsNBSP(bytes)
            if !nbsp && !isSpace(bytes[0]) && !isSpace(bytes[bytes.count - 1]) { return text }
            return String(decoding: trim(bytes[...]), as: UTF8.self)
        }
    }

    /// `text.trim` of some bytes: U+00A0 made a space, then `%s` off both ends.
    static func trim(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == 0xC2 && index + 1 < bytes.endIndex && bytes[index + 1] == 0xA0 {
                out.append(0x20)
                index += 2
            } else {
                out.append(byte)
                index += 1
            }
        }
        var first = 0, last = out.count
        while first < last && isSpace(out[first]) { first += 1 }
        while last > first && isSpace(out[last - 1]) { last -= 1 }
        if first == 0 && last == out.count { return out }
        return Array(out[first..<last])
    }

    /// `TYPES.id`: at most 18 bytes, all digits.
    static func isID(_ text: String) -> Bool {
        withBytes(text) { bytes in
            guard !bytes.isEmpty, bytes.count <= 18 else { return false }
            return bytes.allSatisfy(isDigit)
        }
    }

    /// Whether `text` has more than `limit` code points (`utf8.len(s) > max_length`), counted
    /// only when it has more than `limit` bytes.
    static func isLonger(_ text: String, than limit: Int) -> Bool {
        withBytes(text) { bytes in
            guard bytes.count > limit else { return false }
            var count = 0
            // A code point is a byte that is not a continuation byte (10xxxxxx).
            for byte in bytes where byte & 0xC0 != 0x80 { count += 1 }
            return count > limit
        }
    }
}
