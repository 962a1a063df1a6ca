// `emails.parse_trimmed` of `rules/lib/emails.lua`: a plausible address shape, byte by byte
// as Lua's patterns read it (an address with letters beyond ASCII is refused, as there).

enum NativeEmail {
    /// The address itself, or `email_several` (two addresses or more) or `email_invalid`.
    static func parse(_ text: String) -> NativeConversion<String> {
        NativeText.withBytes(text) { bytes in
            if hasShape(bytes) { return .value(text) }
            return .problem(CellProblem(key: partCount(bytes) > 1 ? "email_several" : "email_invalid"))
        }
    }

    /// The characters of emails.lua's local part: `[%w%.%%%+%-_!#$&'*/=?^`{|}~]`.
    static func isLocal(_ byte: UInt8) -> Bool {
        if NativeText.isAlphanumeric(byte) { return true }
        switch byte {
        case UInt8(ascii: "."), UInt8(ascii: "%"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "_"),
             UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"),
             UInt8(ascii: "*"), UInt8(ascii: "/"), UInt8(ascii: "="), UInt8(ascii: "?"), UInt8(ascii: "^"),
             UInt8(ascii: "`"), UInt8(ascii: "{"), UInt8(ascii: "|"), UInt8(ascii: "}"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// `SHAPE` (`^[local]+@[%w%-]+%.[%w%.%-]+$`), no "." first, no "..", no ".@".
    static func hasShape(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let dot = UInt8(ascii: "."), hyphen = UInt8(ascii: "-")
        var index = 0
        let end = bytes.count
        while index < end && isLocal(bytes[index]) { index += 1 }
        guard index > 0, index < end, bytes[index] == UInt8(ascii: "@") else { return false }
        index += 1
        // The domain: a label of letters, digits and "-", a ".", then letters, digits, "." and "-".
        let labelStart = index
        while index < end && (NativeText.isAlphanumeric(bytes[index]) || bytes[index] == hyphen) { index += 1 }
        guard index > labelStart, index < end, bytes[index] == dot else { return false }
        index += 1
        let restStart = index
        while index < end && (NativeText.isAlphanumeric(bytes[index]) || bytes[index] == dot || bytes[index] == hyphen) { index += 1 }
        guard index == end, index > restStart else { return false }
        if bytes[0] == dot { return false }
        for i in 0..<(end - 1) where bytes[i] == dot && (bytes[i + 1] == dot || bytes[i + 1] == UInt8(ascii: "@")) {
            return false
        }
        return true
    }

    /// `#text.split(s, ",; ")`: the runs between ",", ";" and " " that hold more than white space.
    static func partCount(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var count = 0
        var inPart = false, partHasText = false
        for byte in bytes {
            if byte == UInt8(ascii: ",") || byte == UInt8(ascii: ";") || byte == 0x20 {
                if inPart && partHasText { count += 1 }
                inPart = false
                partHasText = false
            } else {
                inPart = true
                // text.trim turns U+00A0 into a space; the engine's trimmed text has none left.
                if !NativeText.isSpace(byte) { partHasText = true }
            }
        }
        if inPart && partHasText { count += 1 }
        return count
    }
}
