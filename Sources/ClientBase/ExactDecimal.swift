/// An exact decimal number with up to four decimal places, for balances and discounts.
///
/// Stored as an `Int64` count of ten-thousandths, so `0.1 + 0.2 == 0.3` and a balance read from a
/// workbook comes back out digit for digit. Never converted through `Double`.
public struct ExactDecimal: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// How many decimal places the type keeps.
    public static let scale = 4
    static let unitsPerOne: Int64 = 10_000

    /// The value in ten-thousandths (`12.5` is `125000`).
    public var tenThousandths: Int64

    public init(tenThousandths: Int64) { self.tenThousandths = tenThousandths }
    public init(_ integer: Int64) { self.tenThousandths = integer * Self.unitsPerOne }

    public static let zero = ExactDecimal(tenThousandths: 0)

    /// Parses a plain decimal literal: optional sign, digits, optional `.` and up to four
    /// decimals, optional exponent (`3.5E2`, as spreadsheets store numbers). `nil` otherwise or
    /// when the value does not fit.
    public init?(_ text: String) {
        var bytes = Array(text.utf8)[...]
        var negative = false
        if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        var digits: [UInt8] = []
        var fractionDigits = 0
        var seenPoint = false
        var exponent = 0
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                digits.append(byte - UInt8(ascii: "0"))
                if seenPoint { fractionDigits += 1 }
            } else if byte == UInt8(ascii: ".") && !seenPoint {
                seenPoint = true
            } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                guard let parsed = Int(String(decoding: bytes[(index + 1)...], as: UTF8.self)),
                      abs(parsed) < 40 else { return nil }
                exponent = parsed
                break
            } else {
                return nil
            }
            index += 1
        }
        guard !digits.isEmpty else { return nil }
        // value = digits × 10^(exponent − fractionDigits); we keep it × 10^scale.
        var shift = exponent - fractionDigits + Self.scale
        if shift < 0 {
            // Only trailing zeros may be dropped: more than four decimals is not exact here.
            while shift < 0 {
                guard digits.last == 0 else { return nil }
                digits.removeLast()
                shift += 1
            }
        }
        var units: Int64 = 0
        for digit in digits + Array(repeating: 0, count: shift) {
            let (times10, overflow1) = units.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int64(digit))
            if overflow1 || overflow2 { return nil }
            units = sum
        }
        tenThousandths = negative ? -units : units
    }

    /// The shortest exact text: `12.5`, `-0.01`, `100` (no exponent, no trailing zeros).
    public var description: String {
        let magnitude = tenThousandths.magnitude
        let whole = magnitude / UInt64(Self.unitsPerOne)
        var fraction = magnitude % UInt64(Self.unitsPerOne)
        var text = (tenThousandths < 0 ? "-" : "") + String(whole)
        if fraction != 0 {
            var places = Self.scale
            while fraction % 10 == 0 { fraction /= 10; places -= 1 }
            let digits = String(fraction)
            text += "." + String(repeating: "0", count: places - digits.count) + digits
        }
        return text
    }

    public var isZero: Bool { tenThousandths == 0 }

    public static func < (lhs: ExactDecimal, rhs: ExactDecimal) -> Bool { lhs.tenThousandths < rhs.tenThousandths }
    public static func + (lhs: ExactDecimal, rhs: ExactDecimal) -> ExactDecimal {
        ExactDecimal(tenThousandths: lhs.tenThousandths + rhs.tenThousandths)
    }
    public static func - (lhs: ExactDecimal, rhs: ExactDecimal) -> ExactDecimal {
        ExactDecimal(tenThousandths: lhs.tenThousandths - rhs.tenThousandths)
    }
    public static prefix func - (value: ExactDecimal) -> ExactDecimal {
        ExactDecimal(tenThousandths: -value.tenThousandths)
    }
}
