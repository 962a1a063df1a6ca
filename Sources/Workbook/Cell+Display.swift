extension Cell {
    /// The cell as text, the way `inspect` and the importer see it (no escaping).
    ///
    /// Text as is; integral numbers without a decimal point, rebuilt from the stored literal
    /// (`3.80501234567E11` → `380501234567`); other numbers as Swift's shortest round-trip
    /// `Double` description (`12.5`, `1e-05`); `TRUE`/`FALSE`; dates `YYYY-MM-DD`, date-times
    /// `YYYY-MM-DDTHH:MM:SS`, times `HH:MM:SS`; errors as stored (`#N/A`); empty → "".
    public var displayText: String {
        switch self {
        case .empty: return ""
        case .text(let s): return s
        case .number(let n): return n.displayText
        case .bool(let b): return b ? "TRUE" : "FALSE"
        case .error(let e): return e
        case .date(let d): return d.isoText
        }
    }
}

extension CellDate {
    /// `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM:SS` or `HH:MM:SS` by which parts the format shows; a
    /// time with milliseconds gets them (`10:20:30.25`, trailing zeros dropped). A `t="d"`
    /// cell's own ISO 8601 text is shown as written.
    public var isoText: String {
        if let written { return written }
        guard appendsISOText else { return paddedText }
        return String(unsafeUninitializedCapacity: isoByteCount) { writeISOText(into: $0) }
    }

    /// Whether `isoText` is written from the components as bytes (every part in its usual
    /// width; not a `t="d"` cell's own text): what `appendISOText(to:)` can write.
    var appendsISOText: Bool {
        written == nil && (0...9999).contains(year) && (0...99).contains(month) && (0...99).contains(day)
            && (0...99).contains(hour) && (0...99).contains(minute) && (0...99).contains(second)
            && (0...999).contains(millisecond)
    }

    /// Appends `isoText`'s UTF-8 (only when `appendsISOText`), for the TSV dump's bytes.
    @inline(__always)
    func appendISOText(to lines: TSVLines) {
        // A fraction's trailing zeros are not written: `writeISOText` says how many bytes it used.
        lines.appendWriting(atMost: isoByteCount) { writeISOText(into: $0) }
    }

    // As below: a date and a time, a time alone, or else the date alone.
    private var showsDate: Bool { hasDate || !hasTime }
    private var fraction: Int { hasTime ? millisecond : 0 }
    private var isoByteCount: Int {
        (showsDate ? 10 : 0) + (showsDate && hasTime ? 1 : 0) + (hasTime ? 8 : 0) + (fraction > 0 ? 4 : 0)
    }

    /// Writes `isoText` into `buffer` (at least `isoByteCount` bytes); returns the count. As
    /// bytes: the interpolated version below cost ~6,000 instructions a date, once per date
    /// cell of every imported row.
    private func writeISOText(into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var i = 0
        func put(_ value: Int, _ width: Int) {
            var divisor = width == 4 ? 1000 : width == 2 ? 10 : 1
            while divisor > 0 {
                buffer[i] = UInt8(ascii: "0") + UInt8(value / divisor % 10)
                i += 1
                divisor /= 10
            }
        }
        func put(_ byte: Unicode.Scalar) { buffer[i] = UInt8(ascii: byte); i += 1 }
        if showsDate {
            put(year, 4); put("-"); put(month, 2); put("-"); put(day, 2)
            if hasTime { put("T") }
        }
        if hasTime {
            put(hour, 2); put(":"); put(minute, 2); put(":"); put(second, 2)
            let fraction = fraction
            if fraction > 0 {
                put(".")
                var digits = fraction, divisor = 100
                while digits > 0 {
                    put(digits / divisor, 1)
                    digits %= divisor
                    divisor /= 10
                }
            }
        }
        return i
    }

    /// `isoText` for components outside the usual widths (a negative or five-digit year).
    var paddedText: String {
        func pad(_ v: Int, _ width: Int) -> String {
            let s = String(abs(v))
            return (v < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - s.count)) + s
        }
        let date = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
        var time = "\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))"
        if millisecond != 0 {
            var fraction = pad(millisecond, 3)
            while fraction.hasSuffix("0") { fraction.removeLast() }
            time += "." + fraction
        }
        switch (hasDate, hasTime) {
        case (true, true): return date + "T" + time
        case (false, true): return time
        default: return date
        }
    }
}

extension NumberCell {
    /// The value as an exact `Int64` when the literal is integral and in range, computed from
    /// the decimal digits and never through `Double`: `"380501234567"`, `"3.80501234567E11"`
    /// and `"42.0"` all qualify; `"12.5"` and `"1E30"` do not.
    public var exactInteger: Int64? {
        var bytes = Array(literal.utf8)[...]
        while let f = bytes.first, f == 0x20 { bytes.removeFirst() }
        while let l = bytes.last, l == 0x20 { bytes.removeLast() }
        var negative = false
        if let f = bytes.first, f == UInt8(ascii: "-") || f == UInt8(ascii: "+") {
            negative = f == UInt8(ascii: "-")
            bytes.removeFirst()
        }
        var digits: [UInt8] = []
        var fractionDigits = 0
        var seenPoint = false
        var seenDigit = false
        var exponent = 0
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let b = bytes[index]
            if b >= 0x30 && b <= 0x39 {
                seenDigit = true
                if !(digits.isEmpty && b == 0x30) { digits.append(b - 0x30) }
                else if seenPoint { digits.append(0) }
                if seenPoint { fractionDigits += 1 }
            } else if b == UInt8(ascii: ".") && !seenPoint {
                seenPoint = true
            } else if b == UInt8(ascii: "e") || b == UInt8(ascii: "E") {
                guard seenDigit else { return nil }
                let rest = bytes[(index + 1)...]
                guard let e = Int(String(decoding: rest, as: UTF8.self)), abs(e) < 10_000 else { return nil }
                exponent = e
                index = bytes.endIndex
                break
            } else {
                return nil
            }
            index += 1
        }
        guard seenDigit else { return nil }
        // Leading zeros after the point were kept as digits; drop leading zeros overall, in one
        // move: removing them one at a time was quadratic (0.6 s for `0.000…01` of 200 KB).
        digits.removeFirst(digits.prefix { $0 == 0 }.count)
        var scale = exponent - fractionDigits
        while scale < 0 {
            guard let last = digits.last else { scale = 0; break }
            guard last == 0 else { return nil }
            digits.removeLast()
            scale += 1
        }
        if digits.isEmpty { return 0 }
        guard digits.count + scale <= 19 else { return nil }
        var value: Int64 = 0
        for d in digits + Array(repeating: 0, count: scale) {
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = negative ? m.subtractingReportingOverflow(Int64(d)) : m.addingReportingOverflow(Int64(d))
            guard !o1 && !o2 else { return nil }
            value = a
        }
        return value
    }

    /// The value as a `Double` (nil when the literal is not a number).
    public var doubleValue: Double? {
        Double(literal.trimmingSpaces)
    }

    /// Whether the literal is an integer that fits `Int64` (see `exactInteger`).
    public var isInteger: Bool { exactInteger != nil }

    /// Integral numbers without a decimal point, others as the shortest round-trip `Double`.
    public var displayText: String {
        if isCanonicalDecimal { return literal }
        return rebuiltDisplayText
    }

    /// Whether the literal is already what `displayText` would rebuild, as nearly every
    /// number a spreadsheet writes is (`42`, `-1234.56`, `0.075`): an optional minus, an
    /// integer part of 1 to 15 digits without leading zeros (not `-0`), and an optional
    /// fraction without trailing zeros, at most 15 significant digits in all (so the shortest
    /// round-trip `Double` has exactly these digits) and at most 3 zeros after `0.` (below
    /// 0.0001, the description turns exponential). Rebuilding cost ~2,000 instructions a cell.
    var isCanonicalDecimal: Bool {
        var literal = literal
        return literal.withUTF8(Self.isCanonicalDecimal)
    }

    /// `isCanonicalDecimal` of a literal's UTF-8 (the TSV dump checks the bytes it parsed).
    static func isCanonicalDecimal(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = b.count
        func isDigit(_ i: Int) -> Bool { b[i] >= UInt8(ascii: "0") && b[i] <= UInt8(ascii: "9") }
        var i = n > 0 && b[0] == UInt8(ascii: "-") ? 1 : 0
        let integerStart = i
        while i < n && isDigit(i) { i += 1 }
        let integerDigits = i - integerStart
        guard integerDigits >= 1, integerDigits <= 15 else { return false }
        let zeroInteger = b[integerStart] == UInt8(ascii: "0")
        if zeroInteger && integerDigits > 1 { return false }
        if i == n { return !(zeroInteger && integerStart == 1) }
        guard b[i] == UInt8(ascii: "."), i + 1 < n, b[n - 1] != UInt8(ascii: "0") else { return false }
        i += 1
        let fractionStart = i
        while i < n && isDigit(i) { i += 1 }
        guard i == n else { return false }
        var significant = integerDigits + (n - fractionStart)
        if zeroInteger {
            var zeros = 0
            while b[fractionStart + zeros] == UInt8(ascii: "0") { zeros += 1 }
            guard zeros <= 3 else { return false }
            significant = n - fractionStart - zeros
        }
        return significant <= 15
    }

    /// `displayText` rebuilt from the value, for literals that are not canonical.
    var rebuiltDisplayText: String {
        if let i = exactInteger { return String(i) }
        if let d = doubleValue {
            var s = "\(d)"
            if s.hasSuffix(".0") { s.removeLast(2) }
            return s
        }
        return literal
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
