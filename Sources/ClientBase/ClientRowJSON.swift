/// The JSON text of the `clients.phones` array and `clients.custom_values` object (schema
/// version 6), written here and read back through SQLite's `json_each`. Any text round-trips:
/// quotes, backslashes and control characters are escaped as RFC 8259 asks.
enum ClientRowJSON {
    // Written as UTF-8 bytes and made a String once: appending to a String piece by piece cost
    // about 300 instructions an append, 8,000 a client on an import's storing thread.

    /// `["3805…","3361…"]` in the given order; `[]` for none.
    static func array(_ items: [String]) -> String {
        var bytes: [UInt8] = [UInt8(ascii: "[")]
        bytes.reserveCapacity(2 + items.reduce(0) { $0 + $1.utf8.count + 3 })
        for (index, item) in items.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            appendString(item, to: &bytes)
        }
        bytes.append(UInt8(ascii: "]"))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `{"3":"Clio","7":"1990-02-01"}` keyed by custom field ID; `nil` (SQL NULL) for none.
    static func object(_ pairs: [(key: Int64, value: String)]) -> String? {
        guard !pairs.isEmpty else { return nil }
        var bytes: [UInt8] = [UInt8(ascii: "{")]
        bytes.reserveCapacity(2 + pairs.reduce(0) { $0 + $1.value.utf8.count + 26 })
        for (index, pair) in pairs.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(UInt8(ascii: "\""))
            bytes.append(contentsOf: String(pair.key).utf8)
            bytes.append(UInt8(ascii: "\""))
            bytes.append(UInt8(ascii: ":"))
            appendString(pair.value, to: &bytes)
        }
        bytes.append(UInt8(ascii: "}"))
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func appendString(_ value: String, to bytes: inout [UInt8]) {
        var value = value
        value.withUTF8 { utf8 in
            bytes.append(UInt8(ascii: "\""))
            // Phones and most values have nothing to escape: copied whole, not byte by byte.
            guard utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
                bytes.append(contentsOf: utf8)
                bytes.append(UInt8(ascii: "\""))
                return
            }
            for byte in utf8 {
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                    bytes.append(UInt8(ascii: "\\"))
                    bytes.append(byte)
                case ..<0x20:
                    // \u00XX: the control characters are all below 0x20.
                    let hex = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                              hex[Int(byte >> 4)], hex[Int(byte & 0xf)]])
                default:
                    // Bytes of multi-byte characters are all 0x80 or above: copied as they are.
                    bytes.append(byte)
                }
            }
            bytes.append(UInt8(ascii: "\""))
        }
    }
}
