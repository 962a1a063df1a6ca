// engine.lua's `parse_date` (a custom field's date): `2024-03-31` (a time may follow),
// `31.03.2024`, `31/03/2024`, `31-03-2024`; a day the calendar lacks is refused.

enum NativeDate {
    static let daysInMonth = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

    /// `YYYY-MM-DD`, or `custom_date_invalid`, or `custom_date_impossible` with `year` (as
    /// written), `month` (two digits) and `days` (the month's days that year).
    static func parse(_ text: String) -> NativeConversion<String> {
        NativeText.withBytes(text) { s in
            guard let (year, month, day, yearText) = iso(s) ?? dayFirst(s) else {
                return .problem(CellProblem(key: "custom_date_invalid"))
            }
            if year < 1 || month < 1 || month > 12 { return .problem(CellProblem(key: "custom_date_invalid")) }
            var days = daysInMonth[month - 1]
            if month == 2 && year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) { days = 29 }
            if day < 1 || day > days {
                return .problem(CellProblem(key: "custom_date_impossible",
                                            vars: ["year": yearText, "month": twoDigits(month), "days": String(days)]))
            }
            return .value("\(fourDigits(year))-\(twoDigits(month))-\(twoDigits(day))")
        }
    }

    static func twoDigits(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }
    static func fourDigits(_ n: Int) -> String { String(repeating: "0", count: max(0, 4 - String(n).count)) + String(n) }

    /// The value of the digits `s[range]` (at most four).
    static func number(_ s: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int {
        s[range].reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }

    static func digits(_ s: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        range.upperBound <= s.count && s[range].allSatisfy(NativeText.isDigit)
    }

    /// `^(%d%d%d%d)%-(%d%d)%-(%d%d)(.*)$` with nothing after, or a time: `^[T ]%d%d:%d%d`
    /// then nothing or `^:%d%d[.,]?%d*Z?$`.
    static func iso(_ s: UnsafeBufferPointer<UInt8>) -> (Int, Int, Int, String)? {
        let hyphen = UInt8(ascii: "-")
        guard digits(s, 0..<4), s.count >= 10, s[4] == hyphen, digits(s, 5..<7), s[7] == hyphen, digits(s, 8..<10) else { return nil }
        let date = (number(s, 0..<4), number(s, 5..<7), number(s, 8..<10), String(decoding: s[0..<4], as: UTF8.self))
        if s.count == 10 { return date }
        // A time follows: the date holds only when the time is well formed (else: invalid).
        guard s[10] == UInt8(ascii: "T") || s[10] == 0x20, digits(s, 11..<13), s.count >= 16, s[13] == UInt8(ascii: ":"),
              digits(s, 14..<16) else { return invalidISO }
        if s.count == 16 { return date }
        var index = 16
        guard s[index] == UInt8(ascii: ":"), digits(s, 17..<19) else { return invalidISO }
        index = 19
        if index < s.count && (s[index] == UInt8(ascii: ".") || s[index] == UInt8(ascii: ",")) { index += 1 }
        while index < s.count && NativeText.isDigit(s[index]) { index += 1 }
        if index < s.count && s[index] == UInt8(ascii: "Z") { index += 1 }
        return index == s.count ? date : invalidISO
    }

    /// An ISO date with something after it that is not a time: invalid, without trying the
    /// day-first forms (engine.lua returns at once). Year 0 makes the caller refuse it.
    static let invalidISO: (Int, Int, Int, String)? = (0, 0, 0, "")

    /// The day-first forms: `^(%d%d?)S(%d%d?)S(%d%d%d%d)$`, S one of ".", "/", "-" throughout.
    static func dayFirst(_ s: UnsafeBufferPointer<UInt8>) -> (Int, Int, Int, String)? {
        var index = 0
        func field() -> Range<Int>? {
            let start = index
            while index < s.count && index - start < 2 && NativeText.isDigit(s[index]) { index += 1 }
            return index > start ? start..<index : nil
        }
        guard let day = field(), index < s.count else { return nil }
        let separator = s[index]
        guard separator == UInt8(ascii: ".") || separator == UInt8(ascii: "/") || separator == UInt8(ascii: "-") else { return nil }
        index += 1
        guard let month = field(), index < s.count, s[index] == separator else { return nil }
        index += 1
        guard s.count - index == 4, digits(s, index..<s.count) else { return nil }
        let year = index..<s.count
        return (number(s, year), number(s, month), number(s, day), String(decoding: s[year], as: UTF8.self))
    }
}
