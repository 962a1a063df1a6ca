// `money.parse` of `rules/lib/money.lua` on UTF-8 bytes: exact decimal amounts as canonical
// text ("1234.5"), never a floating-point number.

enum NativeMoney {
    /// Past this exponent no amount has 15 significant digits and 4 decimals (money.lua's).
    static let maxExponent = 40

    /// `money.parse(s, allow_percent)` of a trimmed text: the canonical decimal, or the problem
    /// `number_invalid`, `number_decimals`, `number_too_large` or `number_too_precise`.
    static func parse(_ text: String, allowPercent: Bool) -> NativeConversion<String> {
        NativeText.withBytes(text) { bytes in
            // The common cell ("-1234.56", "15"): `^([+-]?)(%d+)[.,]?(%d*)$` on the text itself.
            if let found = plainRanges(bytes[...], wholeRequired: true) {
                // Most cells are canonical already ("15", "-2218.09"): the text itself, no new one.
                if isCanonical(bytes, found) { return .value(text) }
                return canonical(Parts(negative: found.negative, whole: ArraySlice(bytes[found.whole]), fraction: ArraySlice(bytes[found.fraction])))
            }
            // Else: white space, ' and every Unicode space (money.lua's `ungrouped`) dropped
            // anywhere, a final % for a percent.
            var cleaned: [UInt8] = []
            cleaned.reserveCapacity(bytes.count)
            if bytes.contains(where: { $0 >= 0x80 }) {
                for scalar in text.unicodeScalars where !NativeText.isWideSpace(scalar.value) {
                    if scalar.isASCII, NativeText.isSpace(UInt8(scalar.value)) || scalar.value == 0x27 { continue }
                    cleaned.append(contentsOf: String(scalar).utf8)
                }
            } else {
                for byte in bytes where !NativeText.isSpace(byte) && byte != 0x27 { cleaned.append(byte) }
            }
            if allowPercent, cleaned.last == 0x25 { cleaned.removeLast() }
            return cleaned.withUnsafeBufferPointer { cleaned in
                if let parts = plain(cleaned[...], wholeRequired: false), !(parts.whole.isEmpty && parts.fraction.isEmpty) {
                    return canonical(parts)
                }
                switch exponent(cleaned[...]) {
                case .parts(let parts): return canonical(parts)
                case .problem(let key): return .problem(CellProblem(key: key))
                case .notExponent: return .problem(CellProblem(key: "number_invalid"))
                }
            }
        }
    }

    /// Whether the number `plain` read is its own canonical text: no "+", no "," or trailing "."
    /// or zero in the decimals, no leading zero, not "-0", within the digits allowed.
    static func isCanonical(_ bytes: UnsafeBufferPointer<UInt8>, _ found: (negative: Bool, whole: Range<Int>, fraction: Range<Int>)) -> Bool {
        let whole = found.whole.count, fraction = found.fraction.count
        guard bytes[0] != 0x2B, whole <= 14, fraction <= 4, whole + fraction <= 15 else { return false }
        if bytes[found.whole.lowerBound] == 0x30, whole > 1 || found.negative && fraction == 0 { return false }
        if fraction == 0 {
            // "5" but not "5." or "5,".
            return found.whole.upperBound == bytes.count
        }
        return bytes[found.fraction.upperBound - 1] != 0x30 && bytes[found.whole.upperBound] == 0x2E
    }

    /// A number's sign and digits before and after the point, as money.lua captures them.
    struct Parts {
        var negative: Bool
        var whole: ArraySlice<UInt8>
        var fraction: ArraySlice<UInt8>
    }

    /// `^([+-]?)(%d+)[.,]?(%d*)$` (`%d*` first when `wholeRequired` is false).
    static func plain(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, wholeRequired: Bool) -> Parts? {
        guard let found = plainRanges(bytes, wholeRequired: wholeRequired) else { return nil }
        return Parts(negative: found.negative, whole: ArraySlice(bytes[found.whole]), fraction: ArraySlice(bytes[found.fraction]))
    }

    /// Lua's `[+-]?` at `index`: steps over a sign and says whether it was a minus.
    private static func skipSign(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, at index: inout Int) -> Bool {
        guard index < bytes.endIndex, bytes[index] == 0x2B || bytes[index] == 0x2D else { return false }
        index += 1
        return bytes[index - 1] == 0x2D
    }

    /// Lua's `%d*` at `index`.
    private static func skipDigits(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, at index: inout Int) {
        while index < bytes.endIndex && NativeText.isDigit(bytes[index]) { index += 1 }
    }

    /// `plain`'s captures as ranges of `bytes`.
    static func plainRanges(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, wholeRequired: Bool) -> (negative: Bool, whole: Range<Int>, fraction: Range<Int>)? {
        var index = bytes.startIndex
        let end = bytes.endIndex
        let negative = skipSign(bytes, at: &index)
        let wholeStart = index
        skipDigits(bytes, at: &index)
        let wholeEnd = index
        if wholeRequired && wholeEnd == wholeStart { return nil }
        if index < end && (bytes[index] == 0x2E || bytes[index] == 0x2C) { index += 1 }
        let fractionStart = index
        skipDigits(bytes, at: &index)
        guard index == end else { return nil }
        return (negative, wholeStart..<wholeEnd, fractionStart..<end)
    }

    enum Exponent {
        case parts(Parts)
        case problem(String)
        case notExponent
    }

    /// money.lua's `parse_exponent`: `^([+-]?)(%d+)%.?(%d*)[eE]([+-]?)(%d+)$`, the point moved.
    static func exponent(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Exponent {
        var index = bytes.startIndex
        let end = bytes.endIndex
        let negative = skipSign(bytes, at: &index)
        let wholeStart = index
        skipDigits(bytes, at: &index)
        let wholeEnd = index
        guard wholeEnd > wholeStart else { return .notExponent }
        if index < end && bytes[index] == 0x2E { index += 1 }
        let fractionStart = index
        skipDigits(bytes, at: &index)
        let fractionEnd = index
        guard index < end, bytes[index] | 0x20 == 0x65 else { return .notExponent }
        index += 1
        let exponentNegative = skipSign(bytes, at: &index)
        let exponentStart = index
        skipDigits(bytes, at: &index)
        guard index == end, index > exponentStart else { return .notExponent }
        var digits = Array(bytes[wholeStart..<wholeEnd])
        digits.append(contentsOf: bytes[fractionStart..<fractionEnd])
        var significant = exponentStart
        while significant < end && bytes[significant] == 0x30 { significant += 1 }
        var exponent = 0
        for byte in bytes[significant..<end].prefix(3) { exponent = exponent * 10 + Int(byte - 0x30) }
        if end - significant > 2 || exponent > maxExponent {
            if !digits.contains(where: { $0 >= 0x31 && $0 <= 0x39 }) {
                return .parts(Parts(negative: negative, whole: [0x30], fraction: []))
            }
            return .problem(exponentNegative ? "number_decimals" : "number_too_large")
        }
        if exponentNegative { exponent = -exponent }
        let point = (wholeEnd - wholeStart) + exponent
        if point <= 0 {
            return .parts(Parts(negative: negative, whole: [0x30], fraction: ArraySlice(Array(repeating: 0x30, count: -point) + digits)))
        }
        if point >= digits.count {
            return .parts(Parts(negative: negative, whole: ArraySlice(digits + Array(repeating: 0x30, count: point - digits.count)), fraction: []))
        }
        return .parts(Parts(negative: negative, whole: digits[0..<point], fraction: digits[point...]))
    }

    /// The canonical text of a number's parts, or its problem (money.parse after the captures).
    static func canonical(_ parts: Parts) -> NativeConversion<String> {
        var whole = parts.whole, fraction = parts.fraction
        while let last = fraction.last, last == 0x30 { fraction.removeLast() }
        if fraction.count > 4 { return .problem(CellProblem(key: "number_decimals")) }
        while let first = whole.first, first == 0x30 { whole.removeFirst() }
        if whole.count > 14 { return .problem(CellProblem(key: "number_too_large")) }
        // A spreadsheet keeps 15 significant digits: more would not survive an export → import.
        if whole.isEmpty && whole.count + fraction.count > 15 {
            // `whole` is "0": the leading zeros of the fraction are not significant.
            if fraction.drop(while: { $0 == 0x30 }).count > 15 { return .problem(CellProblem(key: "number_too_precise")) }
        } else if whole.count + fraction.count > 15 {
            return .problem(CellProblem(key: "number_too_precise"))
        }
        var value: [UInt8] = []
        value.reserveCapacity(whole.count + fraction.count + 2)
        let isZero = whole.isEmpty && fraction.isEmpty
        if parts.negative && !isZero { value.append(0x2D) }
        if whole.isEmpty { value.append(0x30) } else { value.append(contentsOf: whole) }
        if !fraction.isEmpty {
            value.append(0x2E)
            value.append(contentsOf: fraction)
        }
        return .value(String(decoding: value, as: UTF8.self))
    }

    /// `0 <= tonumber(value) <= 100` for a canonical decimal.
    static func isPercentInRange(_ value: String) -> Bool {
        NativeText.withBytes(value) { bytes in
            if bytes.first == 0x2D { return false }
            let point = bytes.firstIndex(of: 0x2E) ?? bytes.count
            if point < 3 { return true }
            if point > 3 { return false }
            // Three digits before the point: exactly "100", without decimals (canonical has no
            // trailing zeros, so any decimal is above 100).
            return bytes[0] == 0x31 && bytes[1] == 0x30 && bytes[2] == 0x30 && point == bytes.count
        }
    }
}
