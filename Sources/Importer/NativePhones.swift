// `phones.parse_list` of `rules/lib/phones.lua` as the host runs it (with the C
// `clientimport.split_numbers`): the numbers of a cell as digits, the country code when the
// user wrote one, or the problem and the part at fault.

enum NativePhones {
    private static let plus = UInt8(ascii: "+")
    private static let zero = UInt8(ascii: "0")

    /// The separators of a cell's numbers: ",", ";" and a line break.
    @inline(__always)
    static func isSeparator(_ byte: UInt8) -> Bool { byte == 0x2C || byte == 0x3B || byte == 0x0A }

    /// `phones.parse_list(s, { country_code = countryCode })` of a trimmed text: the numbers, or
    /// `phone_length`, `phone_characters` or `phone_scientific` with the part at fault (`part`).
    static func parseList(_ text: String, countryCode: String?) -> NativeConversion<[String]> {
        NativeText.withBytes(text) { bytes in
            if let list = plainList(bytes, countryCode: countryCode) { return .value(list) }
            return generalList(bytes, countryCode: countryCode)
        }
    }

    /// `parse_plain_list`: parts of digits, white space and "+-()/" only, each a valid number;
    /// nil for any other cell (the general path then names the part at fault).
    static func plainList(_ bytes: UnsafeBufferPointer<UInt8>, countryCode: String?) -> [String]? {
        // A valid number has at most 17 digits before `complete` (15, or "00" and 15 more): a
        // part with more is not valid, and the general path names it.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 18) { digits in
            var list: [String] = []
            var start = 0
            let length = bytes.count
            while start <= length {
                var end = start
                while end < length && !isSeparator(bytes[end]) { end += 1 }
                var first = start, last = end
                while true {
                    if first < last && NativeText.isSpace(bytes[first]) { first += 1 }
                    else if first + 1 < last && bytes[first] == 0xC2 && bytes[first + 1] == 0xA0 { first += 2 }
                    else { break }
                }
                while true {
                    if last > first && NativeText.isSpace(bytes[last - 1]) { last -= 1 }
                    else if last >= first + 2 && bytes[last - 2] == 0xC2 && bytes[last - 1] == 0xA0 { last -= 2 }
                    else { break }
                }
                if first < last {
                    var count = 0
                    var index = first
                    while index < last {
                        let byte = bytes[index]
                        if NativeText.isDigit(byte) {
                            guard count < digits.count else { return nil }
                            digits[count] = byte
                            count += 1
                        } else if byte == 0xC2 && index + 1 < last && bytes[index + 1] == 0xA0 {
                            index += 1
                        } else if !NativeText.isSpace(byte) && !isAllowed(byte) {
                            return nil
                        }
                        index += 1
                    }
                    let found = UnsafeBufferPointer(rebasing: UnsafeBufferPointer(digits)[0..<count])
                    guard let number = complete(found, international: bytes[first] == plus, countryCode: countryCode) else { return nil }
                    list.append(number)
                }
                start = end + 1
            }
            return list
        }
    }

    /// The marks `split_numbers` lets through in a plain number: "+-()/".
    @inline(__always)
    static func isAllowed(_ byte: UInt8) -> Bool {
        byte == 0x2B || byte == 0x2D || byte == 0x28 || byte == 0x29 || byte == 0x2F
    }

    /// The general path of `parse_list`: each trimmed part normalised, the first failure named.
    static func generalList(_ bytes: UnsafeBufferPointer<UInt8>, countryCode: String?) -> NativeConversion<[String]> {
        var list: [String] = []
        var start = 0
        let length = bytes.count
        while start < length {
            var end = start
            while end < length && !isSeparator(bytes[end]) { end += 1 }
            if end > start {
                let part = NativeText.trim(bytes[start..<end])
                if !part.isEmpty {
                    switch part.withUnsafeBufferPointer({ normalize($0, countryCode: countryCode) }) {
                    case .value(let number): list.append(number)
                    case .problem(let problem):
                        return .problem(CellProblem(key: problem.key, vars: ["part": String(decoding: part, as: UTF8.self)]))
                    }
                }
            }
            start = end + 1
        }
        return .value(list)
    }

    /// `normalize_trimmed` of one part (no `part` in the problem's vars).
    static func normalize(_ s: UnsafeBufferPointer<UInt8>, countryCode: String?) -> NativeConversion<String> {
        var digits: [UInt8]
        var international = false
        if s.allSatisfy(NativeText.isDigit) {
            digits = Array(s)
        } else if s.allSatisfy({ NativeText.isDigit($0) || NativeText.isSpace($0) || isAllowed($0) || $0 == 0x2E }) {
            if let whole = floatDigits(s, points: [0x2E]) {
                digits = whole // 380501234567.0 from a float cell
            } else {
                digits = s.filter(NativeText.isDigit)
                international = s.first == plus
            }
        } else {
            if s.contains(where: { $0 | 0x20 == 0x65 }), let scientific = scientificParts(s) {
                guard let number = fromScientific(scientific) else { return .problem(CellProblem(key: "phone_scientific")) }
                return .value(number)
            }
            guard let whole = floatDigits(s, points: [0x2E, 0x2C]) else { return .problem(CellProblem(key: "phone_characters")) }
            digits = whole // 380501234567,0
        }
        guard let number = digits.withUnsafeBufferPointer({ complete($0, international: international, countryCode: countryCode) }) else {
            return .problem(CellProblem(key: "phone_length"))
        }
        return .value(number)
    }

    /// The digits before the point of `^%d+[.]0+$` (`points` the marks allowed), or nil.
    static func floatDigits(_ s: UnsafeBufferPointer<UInt8>, points: [UInt8]) -> [UInt8]? {
        var index = 0
        while index < s.count && NativeText.isDigit(s[index]) { index += 1 }
        guard index > 0, index < s.count, points.contains(s[index]) else { return nil }
        let whole = index
        index += 1
        guard index < s.count else { return nil }
        while index < s.count && s[index] == zero { index += 1 }
        guard index == s.count else { return nil }
        return Array(s[0..<whole])
    }

    /// The captures of `^([+-]?)(%d)[.,]?(%d*)[eE]%+?(%d+)$`: the sign, the digit, the fraction
    /// and the exponent digits; nil when the part does not match.
    static func scientificParts(_ s: UnsafeBufferPointer<UInt8>) -> (negative: Bool, whole: UInt8, fraction: ArraySlice<UInt8>, exponent: ArraySlice<UInt8>)? {
        var index = 0
        var negative = false
        if index < s.count && (s[index] == 0x2B || s[index] == 0x2D) {
            negative = s[index] == 0x2D
            index += 1
        }
        guard index < s.count, NativeText.isDigit(s[index]) else { return nil }
        let whole = s[index]
        index += 1
        if index < s.count && (s[index] == 0x2E || s[index] == 0x2C) { index += 1 }
        let fractionStart = index
        while index < s.count && NativeText.isDigit(s[index]) { index += 1 }
        let fraction = ArraySlice(s[fractionStart..<index])
        guard index < s.count, s[index] | 0x20 == 0x65 else { return nil }
        index += 1
        if index < s.count && s[index] == plus { index += 1 }
        let exponentStart = index
        while index < s.count && NativeText.isDigit(s[index]) { index += 1 }
        guard index == s.count, index > exponentStart else { return nil }
        return (negative, whole, fraction, ArraySlice(s[exponentStart..<index]))
    }

    /// `from_scientific`: the number when the mantissa holds every digit (the exponent is the
    /// fraction's length), nil when digits were lost or the sign is "-".
    static func fromScientific(_ parts: (negative: Bool, whole: UInt8, fraction: ArraySlice<UInt8>, exponent: ArraySlice<UInt8>)) -> String? {
        if parts.negative { return nil }
        let exponent = parts.exponent.drop(while: { $0 == zero })
        if exponent.count > parts.fraction.count + 1 { return nil }
        // Fewer digits than the fraction's length has (it fits in memory): no overflow.
        var value = 0
        for byte in exponent { value = value * 10 + Int(byte - zero) }
        guard parts.fraction.count == value else { return nil }
        var number = [parts.whole]
        number.append(contentsOf: parts.fraction)
        return String(decoding: number, as: UTF8.self)
    }

    /// `complete`: the international prefix 00 dropped, the trunk 0 replaced by the country
    /// code, the length checked (3 to 15 digits); nil for a wrong length.
    static func complete(_ digits: UnsafeBufferPointer<UInt8>, international: Bool, countryCode: String?) -> String? {
        var digits = digits[...]
        var international = international
        if !international && digits.count > 10 && digits.first == zero && digits[digits.startIndex + 1] == zero {
            digits.removeFirst(2)
            international = true
        }
        if !international, let countryCode, digits.count >= 2, digits.first == zero,
           digits[digits.startIndex + 1] >= 0x31 && digits[digits.startIndex + 1] <= 0x39 {
            var number = Array(countryCode.utf8)
            number.append(contentsOf: digits.dropFirst())
            guard number.count >= 3 && number.count <= 15 else { return nil }
            return String(decoding: number, as: UTF8.self)
        }
        guard digits.count >= 3 && digits.count <= 15 else { return nil }
        return String(decoding: digits, as: UTF8.self)
    }
}
