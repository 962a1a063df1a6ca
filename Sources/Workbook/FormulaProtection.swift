/// Keeps CSV cells from being run as formulas when a spreadsheet opens the file (OWASP "CSV
/// injection"): a text starting with `=`, `+`, `-`, `@`, tab or carriage return is written with
/// a leading `'`, inside quotes, so Excel and LibreOffice show it as text. `unprotect` is the exact
/// inverse, applied by `CSVReader`, so importing our own export gives back the original text.
///
/// Exempt, because a spreadsheet can run nothing in them and users read them every day: a plain
/// number (`-45.50`, `+3`, `1e-5`) and a list of phone numbers made only of digits, spaces and
/// `+ - ( ) ,` (`+33 6 12 34 56 78, +1 (555) 010-0000`).
///
/// A text that itself starts with `'` followed by a trigger, another `'` or a line feed gets one
/// more `'`, so the reader's rule ("one leading `'` before those is ours") never eats a quote the
/// user typed: `'=x` is written `''=x` and read back `'=x`. Other texts starting with `'` (`'abc`)
/// are written and read as they are.
public enum FormulaProtection {
    /// The text to write in a CSV cell for `text`.
    public static func protect(_ text: String) -> String {
        needsMark(text) ? "'" + text : text
    }

    /// The original text of a CSV cell written by `protect` (and any text that did not need it).
    public static func unprotect(_ text: String) -> String {
        let bytes = text.utf8
        guard bytes.first == apostrophe, let second = bytes.dropFirst().first,
              afterOurMark.contains(second) else { return text }
        return String(text.dropFirst())
    }

    /// Whether `protect` changes `text`.
    public static func needsMark(_ text: String) -> Bool {
        let bytes = text.utf8
        guard let first = bytes.first else { return false }
        if first == apostrophe {
            guard let second = bytes.dropFirst().first else { return false }
            return afterOurMark.contains(second)
        }
        return triggers.contains(first) && !isInert(bytes)
    }

    private static let apostrophe = UInt8(ascii: "'")
    private static let triggers: Set<UInt8> = [UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D]
    /// What may follow a `'` that `unprotect` removes: a trigger, another `'`, or a line feed
    /// (a CSV reader turns the CR of `'\r…` into LF).
    private static let afterOurMark = triggers.union([apostrophe, 0x0A])

    /// A plain number, or digits with only spaces and `+ - ( ) ,` between them.
    private static func isInert(_ bytes: String.UTF8View) -> Bool {
        isPlainNumber(Array(bytes)) || isPhoneList(bytes)
    }

    private static func isPhoneList(_ bytes: String.UTF8View) -> Bool {
        let allowed: Set<UInt8> = [0x20, UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: ",")]
        var hasDigit = false
        for byte in bytes {
            if isDigit(byte) { hasDigit = true } else if !allowed.contains(byte) { return false }
        }
        return hasDigit
    }

    /// `[+-]digits[.digits][e[+-]digits]`, with `.` or `,` as the decimal mark.
    private static func isPlainNumber(_ bytes: [UInt8]) -> Bool {
        var index = 0
        func digits() -> Int {
            let start = index
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            return index - start
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
        var count = digits()
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") || bytes[index] == UInt8(ascii: ",") {
            index += 1
            count += digits()
        }
        guard count > 0 else { return false }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { return false }
        }
        return index == bytes.count
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
