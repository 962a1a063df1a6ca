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
        // One pass over the UTF-8 bytes, no arrays: a balance or a discount is parsed per row.
        var text = text
        guard let units = text.withUTF8(Self.parseUnits) else { return nil }
        tenThousandths = units
    }

    /// The value of `bytes` in ten-thousandths, or `nil`. The digits accumulate as they come,
    /// except that trailing zeros are only counted: more than four decimals is exact when the
    /// extra ones are zeros (`1.50000`, `100e-6`), so they may still be dropped at the end.
    private static func parseUnits(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        let zero = UInt8(ascii: "0")
        var index = 0
        var negative = false
        if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            index = 1
        }
        var units: Int64 = 0
        var trailingZeros = 0
        var digitCount = 0
        var fractionDigits = 0
        var seenPoint = false
        var exponent = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte &- zero < 10 {
                digitCount += 1
                if seenPoint { fractionDigits += 1 }
                if byte == zero {
                    trailingZeros += 1
                } else {
                    guard let next = scaled(units, by: trailingZeros + 1, plus: Int64(byte &- zero)) else { return nil }
                    units = next
                    trailingZeros = 0
                }
            } else if byte == UInt8(ascii: ".") && !seenPoint {
                seenPoint = true
            } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                guard let parsed = parseExponent(bytes, from: index + 1) else { return nil }
                exponent = parsed
                break
            } else {
                return nil
            }
            index += 1
        }
        guard digitCount > 0 else { return nil }
        // value = digits × 10^(exponent − fractionDigits); we keep it × 10^scale. Only trailing
        // zeros may be dropped: more than four decimals is not exact here.
        let shift = trailingZeros + exponent - fractionDigits + scale
        guard shift >= 0, let magnitude = scaled(units, by: shift, plus: 0) else { return nil }
        return negative ? -magnitude : magnitude
    }

    /// `value × 10^power + digit`, or `nil` when it does not fit.
    private static func scaled(_ value: Int64, by power: Int, plus digit: Int64) -> Int64? {
        var result = value
        if result != 0 {
            for _ in 0..<power {
                let (times10, overflow) = result.multipliedReportingOverflow(by: 10)
                if overflow { return nil }
                result = times10
            }
        }
        let (sum, overflow) = result.addingReportingOverflow(digit)
        return overflow ? nil : sum
    }

    /// The exponent after `e`: an optional sign and ASCII digits to the end (what `Int(_:)`
    /// accepts), below 40 in magnitude; `nil` otherwise.
    private static func parseExponent(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var index = start
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        guard index < bytes.count else { return nil }
        var value = 0
        while index < bytes.count {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            // Saturates: any magnitude from 40 up is refused, however many digits it has.
            value = min(value * 10 + Int(digit), 40)
            index += 1
        }
        guard value < 40 else { return nil }
        return negative ? -value : value
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
