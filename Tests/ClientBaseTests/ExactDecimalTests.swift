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

    @Test func addsWithoutBinaryRounding() throws {
        let sum = try #require(ExactDecimal("0.1")) + #require(ExactDecimal("0.2"))
        #expect(sum == ExactDecimal("0.3"))
        #expect((ExactDecimal("120")! - ExactDecimal("250.5")!).description == "-130.5")
    }
}
