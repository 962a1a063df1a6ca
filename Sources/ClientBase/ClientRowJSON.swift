/// The JSON text of the `clients.phones` array and `clients.custom_values` object (schema
/// version 6), written here and read back through SQLite's `json_each`. Any text round-trips:
/// quotes, backslashes and control characters are escaped as RFC 8259 asks.
enum ClientRowJSON {
    /// `["3805…","3361…"]` in the given order; `[]` for none.
    static func array(_ items: [String]) -> String {
        var text = "["
        for (index, item) in items.enumerated() {
            if index > 0 { text += "," }
            appendString(item, to: &text)
        }
        return text + "]"
    }

    /// `{"3":"Clio","7":"1990-02-01"}` keyed by custom field ID; `nil` (SQL NULL) for none.
    static func object(_ pairs: [(key: Int64, value: String)]) -> String? {
        guard !pairs.isEmpty else { return nil }
        var text = "{"
        for (index, pair) in pairs.enumerated() {
            if index > 0 { text += "," }
            text += "\"\(pair.key)\":"
            appendString(pair.value, to: &text)
        }
        return text + "}"
    }

    private static func appendString(_ value: String, to text: inout String) {
        text += "\""
        // Phones are digits: nothing to escape, so the common case is one append.
        guard value.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
            text += value
            text += "\""
            return
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}
