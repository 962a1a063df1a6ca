/// What a number format makes of a number: a plain number, or a date/time with these parts.
enum DateKind: Sendable, Equatable {
    case none
    case date(hasDate: Bool, hasTime: Bool)
}

/// The cell formats of `xl/styles.xml`: for each `cellXfs` index, the format code and whether
/// it shows a date.
struct NumberFormats: Sendable {
    struct Style: Sendable {
        var formatCode: String?
        var dateKind: DateKind
    }

    var styles: [Style] = []

    static let empty = NumberFormats()

    func style(_ index: Int) -> Style? {
        index >= 0 && index < styles.count ? styles[index] : nil
    }

    /// What style `index` makes of a number (`.none` for an index with no style).
    @inline(__always)
    func dateKind(_ index: Int) -> DateKind {
        index >= 0 && index < styles.count ? styles[index].dateKind : .none
    }

    /// Whether style `index` shows a number as a date or time.
    @inline(__always)
    func isDate(_ index: Int) -> Bool {
        index >= 0 && index < styles.count && styles[index].dateKind != .none
    }

    /// Excel's built-in format codes (ECMA-376 part 1, 18.8.30); ids absent here have none.
    static let builtIn: [Int: String] = [
        0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00",
        9: "0%", 10: "0.00%", 11: "0.00E+00", 12: "# ?/?", 13: "# ??/??",
        14: "mm-dd-yy", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy",
        18: "h:mm AM/PM", 19: "h:mm:ss AM/PM", 20: "h:mm", 21: "h:mm:ss", 22: "m/d/yy h:mm",
        37: "#,##0 ;(#,##0)", 38: "#,##0 ;[Red](#,##0)", 39: "#,##0.00;(#,##0.00)",
        40: "#,##0.00;[Red](#,##0.00)", 45: "mm:ss", 46: "[h]:mm:ss", 47: "mmss.0",
        48: "##0.0E+0", 49: "@",
    ]

    /// Built-in ids that are dates without a code here (East Asian locales): treated as dates.
    static func builtInDateKind(_ id: Int) -> DateKind? {
        switch id {
        case 27...36, 50...58: return .date(hasDate: true, hasTime: false)
        default: return nil
        }
    }

    /// Whether a format code shows a date or time, and which parts.
    ///
    /// Looks for y, m, d, h, s (and `[h]`, `[mm]`, `[ss]`, AM/PM) outside quotes, `[...]`
    /// (colours, `[$-409]` locales, conditions), backslash escapes and `_x`/`*x` padding.
    /// An `m` right after an hour or before a second is minutes, else months.
    static func dateKind(ofCode code: String) -> DateKind {
        let chars = Array(code.lowercased().unicodeScalars)
        func matches(_ at: Int, _ word: String) -> Bool {
            let w = Array(word.unicodeScalars)
            return at + w.count <= chars.count && Array(chars[at..<at + w.count]) == w
        }
        var hasDate = false, hasTime = false
        var tokens: [Unicode.Scalar] = []  // one per run of y, m, d, h, s; "n" for elapsed minutes
        var i = 0
        while i < chars.count {
            let c = chars[i]
            switch c {
            case "\"":
                i += 1
                while i < chars.count && chars[i] != "\"" { i += 1 }
                i += 1
            case "\\", "_", "*":
                i += 2
            case "[":
                var j = i + 1
                var inner: [Unicode.Scalar] = []
                while j < chars.count && chars[j] != "]" { inner.append(chars[j]); j += 1 }
                if let first = inner.first, inner.allSatisfy({ $0 == first }), first == "h" || first == "m" || first == "s" {
                    hasTime = true
                    tokens.append(first == "m" ? "n" : first)
                }
                i = j + 1
            case "a" where matches(i, "am/pm"):
                hasTime = true
                i += 5
            case "a" where matches(i, "a/p"):
                hasTime = true
                i += 3
            case ";":
                // Later sections format negatives, zero and text: the first one decides.
                i = chars.count
            case "y", "d", "h", "s", "m":
                while i < chars.count && chars[i] == c { i += 1 }
                tokens.append(c)
            default:
                i += 1
            }
        }
        if code.lowercased() == "general" { return .none }
        for (k, token) in tokens.enumerated() {
            switch token {
            case "y", "d": hasDate = true
            case "h", "s", "n": hasTime = true
            case "m":
                let afterHour = k > 0 && tokens[k - 1] == "h"
                let beforeSecond = k + 1 < tokens.count && tokens[k + 1] == "s"
                if afterHour || beforeSecond { hasTime = true } else { hasDate = true }
            default: break
            }
        }
        return hasDate || hasTime ? .date(hasDate: hasDate, hasTime: hasTime) : .none
    }

    /// Reads `xl/styles.xml`: custom `numFmts` and the `cellXfs` list that cells' `s` indexes.
    static func parse(_ bytes: [UInt8], file: String, part: String) throws -> NumberFormats {
        let handler = StylesHandler()
        let parser = XMLPushParser(handler: handler, file: file, part: part)
        try parser.parse(bytes)
        var custom = handler.customCodes
        var result = NumberFormats()
        result.styles = handler.xfFormatIds.map { id in
            let code = custom[id] ?? builtIn[id]
            var kind = code.map(dateKind(ofCode:)) ?? .none
            if custom[id] == nil, let builtInKind = builtInDateKind(id) { kind = builtInKind }
            return Style(formatCode: code, dateKind: kind)
        }
        custom.removeAll()
        return result
    }
}

private final class StylesHandler: SAXHandler {
    var customCodes: [Int: String] = [:]
    var xfFormatIds: [Int] = []
    private var inCellXfs = false

    func startElement(_ name: UnsafePointer<UInt8>, _ attributes: UnsafeMutablePointer<UnsafePointer<UInt8>?>?, _ count: Int) {
        if XMLBytes.equals(name, "numFmt") {
            let a = XMLBytes.attributeMap(attributes, count)
            if let id = a["numFmtId"].flatMap({ Int($0) }), let code = a["formatCode"] { customCodes[id] = code }
        } else if XMLBytes.equals(name, "cellXfs") {
            inCellXfs = true
        } else if inCellXfs && XMLBytes.equals(name, "xf") {
            let id = XMLBytes.attribute(attributes, count, "numFmtId").flatMap(XMLBytes.integer) ?? 0
            xfFormatIds.append(id)
        }
    }

    func endElement(_ name: UnsafePointer<UInt8>) {
        if XMLBytes.equals(name, "cellXfs") { inCellXfs = false }
    }

    func characters(_ bytes: UnsafePointer<UInt8>, _ count: Int) {}
}

/// Turns spreadsheet serial numbers into calendar dates.
enum DateSystem {
    /// Converts a serial day number into a `CellDate`.
    ///
    /// The 1900 system keeps Lotus 1-2-3's bug: serial 60 is 1900-02-29, a day that never was.
    /// Serials 1–59 are 1900-01-01…1900-02-28, 61 on is 1900-03-01 on; 60 is shown as
    /// 1900-02-28 (the day the bogus leap day follows). The 1904 system counts from 1904-01-01.
    static func date(serial: Double, date1904: Bool, hasDate: Bool, hasTime: Bool) -> CellDate? {
        guard serial.isFinite, serial > -1_000_000, serial < 3_000_000 else { return nil }
        // To the millisecond, as Excel keeps and shows time (a serial's double has about a
        // microsecond of noise at today's dates, so finer digits would be noise).
        var days = serial.rounded(.down)
        var milliseconds = ((serial - days) * 86_400_000).rounded()
        if milliseconds >= 86_400_000 { days += 1; milliseconds -= 86_400_000 }
        var dayNumber = Int(days)
        let civil: (Int, Int, Int)
        if date1904 {
            civil = civilFromDays(daysFromCivil(1904, 1, 1) + dayNumber)
        } else if dayNumber >= 61 {
            civil = civilFromDays(daysFromCivil(1899, 12, 30) + dayNumber)
        } else {
            if dayNumber == 60 { dayNumber = 59 }
            civil = civilFromDays(daysFromCivil(1899, 12, 31) + dayNumber)
        }
        let ms = Int(milliseconds)
        let s = ms / 1000
        return CellDate(year: civil.0, month: civil.1, day: civil.2,
                        hour: s / 3600, minute: (s / 60) % 60, second: s % 60, millisecond: ms % 1000,
                        hasDate: hasDate, hasTime: hasTime)
    }

    /// Days since 1970-01-01 (Howard Hinnant's algorithm).
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    /// Parses an ISO 8601 value of a `t="d"` cell: `2024-03-01`, `2024-03-01T10:20:30.125Z`, `10:20:30`.
    static func parseISO(_ text: String) -> CellDate? {
        let parts = text.split(separator: "T", maxSplits: 1, omittingEmptySubsequences: false)
        var date: (Int, Int, Int)?
        var time: (Int, Int, Int)?
        func numbers(_ s: Substring, _ sep: Character) -> [Int]? {
            let fields = s.split(separator: sep, omittingEmptySubsequences: false)
            var out: [Int] = []
            for f in fields {
                let digits = f.prefix { $0.isASCII && $0.isNumber }
                guard let v = Int(digits) else { return nil }
                out.append(v)
            }
            return out
        }
        for part in parts {
            if part.contains("-"), let n = numbers(part, "-"), n.count == 3 { date = (n[0], n[1], n[2]) }
            else if part.contains(":"), let n = numbers(part, ":"), n.count >= 2 { time = (n[0], n[1], n.count > 2 ? n[2] : 0) }
            else { return nil }
        }
        guard date != nil || time != nil else { return nil }
        let d = date ?? (1899, 12, 31)
        let t = time ?? (0, 0, 0)
        var parsed = CellDate(year: d.0, month: d.1, day: d.2, hour: t.0, minute: t.1, second: t.2,
                              hasDate: date != nil, hasTime: time != nil)
        // What is shown is the text as written: the components drop fractions of a second
        // and a `Z` or `+02:00` offset. Kept only when it says more than they do.
        if parsed.isoText != text { parsed.written = text }
        return parsed
    }
}
