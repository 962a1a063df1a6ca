import Testing
import Workbook

/// Numeric literals at the reader's limits: long runs of zeros and huge exponents are read
/// without building or repeatedly shifting digit arrays.
@Suite struct NumberLiteralTests {
    @Test func longRunsOfZerosGiveTheExactValueOrNone() {
        let zeros = String(repeating: "0", count: 200_000)
        #expect(NumberCell(literal: "0." + zeros + "1").exactInteger == nil)
        #expect(NumberCell(literal: zeros + "42").exactInteger == 42)
        #expect(NumberCell(literal: "42." + zeros).exactInteger == 42)
        #expect(NumberCell(literal: "0." + zeros + "1").displayText == "0")
    }

    @Test func hugeExponentsAreNotIntegers() {
        for literal in ["1e999999999", "-1e-999999999", "1E+400", "1e99999999999999999999", "9.9E+99999"] {
            #expect(NumberCell(literal: literal).exactInteger == nil, "\(literal)")
        }
        #expect(NumberCell(literal: "1e999999999").displayText == "inf")
        #expect(NumberCell(literal: "3.80501234567E11").exactInteger == 380_501_234_567)
    }
}
