import ClientBase
import Testing

@Suite struct ExactDecimalTests {
    @Test(arguments: [
        ("12.5", "12.5"), ("-0.01", "-0.01"), ("+1500.75", "1500.75"), ("100", "100"), ("0.0001", "0.0001"),
        ("3.5E2", "350"), ("1.25e-2", "0.0125"), ("12.5000", "12.5"), ("-0", "0"), ("922337203685477.5807", "922337203685477.5807"),
    ])
    func parsesAndPrintsExactly(input: String, printed: String) throws {
        let value = try #require(ExactDecimal(input))
        #expect(value.description == printed)
    }

    @Test(arguments: ["", "abc", "1.23456", "12,5", "1e400", "922337203685478", "--1", "1.2.3"])
    func rejectsWhatItCannotHoldExactly(input: String) {
        #expect(ExactDecimal(input) == nil)
    }

    @Test(arguments: [
        ("-12.5", "-12.5"), ("+0", "0"), ("-0.0000", "0"), ("007", "7"), ("-000.5", "-0.5"), (".5", "0.5"), ("5.", "5"),
        ("1.50000000000000000000", "1.5"), ("0.000000000000", "0"), ("100e-6", "0.0001"), ("1E+3", "1000"),
        ("1e-0", "1"), ("1e0000000000000000000000003", "1000"), ("0e39", "0"), ("000000000000000000000000001", "1"),
        ("-922337203685477.5807", "-922337203685477.5807"), ("92233720368547758070000e-8", "922337203685477.5807"),
    ])
    func parsesSignsZerosAndLongFractions(input: String, printed: String) throws {
        let value = try #require(ExactDecimal(input))
        #expect(value.description == printed)
    }

    @Test(arguments: [
        "-", "+", ".", "-.", "e5", "1e", "1e+", "1e-", "1e5.0", "1e 5", " 1", "1 ", "+-1", "1-", "1.00001",
        "0.00001", "0e-39", "1e40", "1e-40", "922337203685477.5808", "-922337203685477.5808", "1,5", "١",
        "0.000000000000000000000000000000000000000000001",
    ])
    func rejectsMalformedOrInexactText(input: String) {
        #expect(ExactDecimal(input) == nil)
    }

    /// The one-pass parser against the earlier array-based one, on every text of up to five
    /// characters from the bytes that matter.
    @Test func agreesWithTheEarlierParserOnShortTexts() {
        let alphabet = Array("09.-+eE5".utf8)
        var texts: [[UInt8]] = [[]]
        var all: [[UInt8]] = [[]]
        for _ in 1...5 {
            texts = texts.flatMap { text in alphabet.map { text + [$0] } }
            all += texts
        }
        var disagreements: [String] = []
        for bytes in all {
            let text = String(decoding: bytes, as: UTF8.self)
            let parsed = ExactDecimal(text)?.tenThousandths, expected = Self.earlierParse(text)
            if parsed != expected { disagreements.append("\(text): \(String(describing: parsed)) vs \(String(describing: expected))") }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(10))")
    }

    /// The parser before it became one pass, kept as the reference.
    static func earlierParse(_ text: String) -> Int64? {
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
        var shift = exponent - fractionDigits + 4
        while shift < 0 {
            guard digits.last == 0 else { return nil }
            digits.removeLast()
            shift += 1
        }
        var units: Int64 = 0
        for digit in digits + Array(repeating: 0, count: shift) {
            let (times10, overflow1) = units.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int64(digit))
            if overflow1 || overflow2 { return nil }
            units = sum
        }
        return negative ? -units : units
    }

    @Test func addsWithoutBinaryRounding() throws {
        let sum = try #require(ExactDecimal("0.1")) + #require(ExactDecimal("0.2"))
        #expect(sum == ExactDecimal("0.3"))
        #expect((ExactDecimal("120")! - ExactDecimal("250.5")!).description == "-130.5")
    }
}
