import ClientBase
import Testing

/// `ExactDecimal` never expands an exponent into digits: the exponent saturates at 40 and the
/// scaling stops at the first overflow, so absurd literals are refused in time linear in their
/// length (checked here: the import's Lua checks meet them first, but other callers may not).
@Suite struct ExactDecimalExponentTests {
    @Test(arguments: ["1e999999999", "-1e-999999999", "1e309", "1E+400", "inf", "nan", "0x1p99999", "-inf",
                      "1e99999999999999999999", "1e-400", "9.9E+99999", "1e40", "1e-40", "1e", "e5", "1e+-5"])
    func absurdExponentsAreRefused(_ literal: String) {
        #expect(ExactDecimal(literal) == nil)
    }

    @Test func longDigitRunsAreRefusedOrExactWithoutExpanding() {
        let zeros = String(repeating: "0", count: 1_000_000)
        #expect(ExactDecimal("1" + zeros) == nil)
        #expect(ExactDecimal("0." + zeros + "1") == nil)
        #expect(ExactDecimal(zeros + "12.5")?.description == "12.5")
        #expect(ExactDecimal("12.5" + zeros)?.description == "12.5")
        #expect(ExactDecimal("1e14")?.description == "100000000000000")
        #expect(ExactDecimal("25e-4")?.description == "0.0025")
    }
}
