import Testing
@testable import Workbook

@Suite struct NumberCellReaderTests {
    @Test(arguments: [
        ("380501234567", Int64(380501234567)), ("3.80501234567E11", 380501234567), ("3.80501234567e+11", 380501234567),
        ("42.0", 42), ("-7", -7), ("0", 0), ("0.0", 0), ("1E3", 1000), ("9223372036854775807", Int64.max),
        ("-9223372036854775808", Int64.min), ("12345678901234500000E-5", 123456789012345),
    ])
    func exactIntegers(literal: String, value: Int64) {
        #expect(NumberCell(literal: literal).exactInteger == value)
        #expect(NumberCell(literal: literal).isInteger)
    }

    @Test(arguments: ["12.5", "1E30", "9223372036854775808", "3.805012345675E11", "abc", "", "1e", "0.05"])
    func notExactIntegers(literal: String) {
        #expect(NumberCell(literal: literal).exactInteger == nil)
    }

    @Test func phoneAsFloatKeepsEveryDigit() {
        // Through Double this would be fine here, but 17+ digit IDs would not be.
        #expect(NumberCell(literal: "1.2345678901234567E18").exactInteger == 1_234_567_890_123_456_700)
        #expect(Cell.number(NumberCell(literal: "3.80501234567E11")).displayText == "380501234567")
    }

    @Test func displayOfNumbers() {
        #expect(Cell.number(NumberCell(literal: "12.50")).displayText == "12.5")
        #expect(Cell.number(NumberCell(literal: "1E-5")).displayText == "1e-05")
        #expect(Cell.number(NumberCell(literal: "0.1")).displayText == "0.1")
        #expect(NumberCell(literal: "12.5").doubleValue == 12.5)
    }

    @Test func displayOfOtherCells() {
        #expect(Cell.bool(true).displayText == "TRUE")
        #expect(Cell.error("#N/A").displayText == "#N/A")
        #expect(Cell.empty.displayText == "")
        #expect(Cell.date(CellDate(year: 2024, month: 1, day: 2)).displayText == "2024-01-02")
        #expect(Cell.date(CellDate(year: 1899, month: 12, day: 31, hour: 7, minute: 5, second: 0, hasDate: false, hasTime: true)).displayText == "07:05:00")
    }
}

@Suite struct DateReaderTests {
    func day(_ serial: Double, _ date1904: Bool = false) -> String {
        DateSystem.date(serial: serial, date1904: date1904, hasDate: true, hasTime: false)!.isoText
    }

    @Test func the1900LeapYearBug() {
        #expect(day(1) == "1900-01-01")
        #expect(day(59) == "1900-02-28")
        #expect(day(60) == "1900-02-28")  // Excel's 1900-02-29 never existed
        #expect(day(61) == "1900-03-01")
        #expect(day(45000) == "2023-03-15")
    }

    @Test func the1904System() {
        #expect(day(0, true) == "1904-01-01")
        #expect(day(1000, true) == "1906-09-27")
    }

    @Test func timesRoundToTheMillisecond() {
        // Rounded to the second until issue 17 (a date-time keeps its fractions, as calamine
        // reads them); rolling over into the next day is still exact.
        let d = DateSystem.date(serial: 45000.999_999_999_9, date1904: false, hasDate: true, hasTime: true)!
        #expect(d.isoText == "2023-03-16T00:00:00")
        let fraction = DateSystem.date(serial: 45000.999_999_9, date1904: false, hasDate: true, hasTime: true)!
        #expect(fraction.isoText == "2023-03-15T23:59:59.991")
    }

    @Test(arguments: [
        ("mm-dd-yy", DateKind.date(hasDate: true, hasTime: false)),
        ("h:mm", .date(hasDate: false, hasTime: true)),
        ("[h]:mm:ss", .date(hasDate: false, hasTime: true)),
        ("mm:ss", .date(hasDate: false, hasTime: true)),
        ("yyyy-mm-dd hh:mm:ss", .date(hasDate: true, hasTime: true)),
        ("[$-409]mmmm d, yyyy;@", .date(hasDate: true, hasTime: false)),
        ("[Red]0.00", .none), ("General", .none), ("0.00E+00", .none), ("#,##0 \"days\"", .none),
        ("\"m\" 0", .none), ("@", .none), ("0%", .none),
    ])
    func dateFormatsAreRecognised(code: String, kind: DateKind) {
        #expect(NumberFormats.dateKind(ofCode: code) == kind)
    }

    @Test func isoDateCells() {
        #expect(DateSystem.parseISO("2024-03-01") == CellDate(year: 2024, month: 3, day: 1))
        #expect(DateSystem.parseISO("10:20:30")?.isoText == "10:20:30")
        #expect(DateSystem.parseISO("nonsense") == nil)
    }
}

@Suite struct EscapeReaderTests {
    @Test func xEscapesDecode() {
        var bytes = Array("a_x000D_b_x005F_x000D_c_xD83D__xDE00_".utf8)
        XMLBytes.decodeEscapes(&bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == "a\rb_x000D_c😀")
    }

    @Test func columnNames() {
        #expect(ColumnLetters.letters(ofIndex: 0) == "A")
        #expect(ColumnLetters.letters(ofIndex: 27) == "AB")
        #expect(ColumnLetters.letters(ofIndex: 16383) == "XFD")
        #expect(ColumnLetters.index(of: "xfd") == 16383)
        #expect(ColumnLetters.index(of: "A1") == nil)
    }
}

/// The fast paths of `displayText` and `isoText` against the general code they skip.
@Suite struct DisplayTextFastPathTests {
    /// Random literals of every shape (signs, leading and trailing zeros, long digit runs,
    /// exponents): whenever the literal is taken as canonical, rebuilding it gives it back.
    @Test func canonicalLiteralsAreWhatRebuildingGives() {
        var generator = SystemRandomNumberGenerator()
        func digits(_ count: Int) -> String { String((0..<count).map { _ in "0123456789".randomElement(using: &generator)! }) }
        var canonical = 0
        for _ in 0..<200_000 {
            var literal = Bool.random(using: &generator) ? "-" : ""
            literal += digits(Int.random(in: 0...17, using: &generator))
            if Int.random(in: 0..<3, using: &generator) > 0 {
                literal += "." + String(repeating: "0", count: Int.random(in: 0...5, using: &generator))
                literal += digits(Int.random(in: 0...17, using: &generator))
            }
            if Int.random(in: 0..<20, using: &generator) == 0 { literal += "E\(Int.random(in: -20...20, using: &generator))" }
            let number = NumberCell(literal: literal)
            if number.isCanonicalDecimal {
                canonical += 1
                #expect(number.rebuiltDisplayText == literal, "\(literal)")
            }
            #expect(number.displayText == number.rebuiltDisplayText, "\(literal)")
        }
        #expect(canonical > 10_000)
    }

    @Test(arguments: ["42", "-1234.56", "0.075", "0.0001", "999999999999999", "0", "0.5"])
    func everydayNumbersAreCanonical(literal: String) {
        #expect(NumberCell(literal: literal).isCanonicalDecimal)
    }

    @Test(arguments: ["-0", "007", "1.50", ".5", "5.", "0.00001", "1234567890123456", "1E3", "+5", " 5", "0.1234567890123456"])
    func othersAreRebuilt(literal: String) {
        #expect(!NumberCell(literal: literal).isCanonicalDecimal)
    }

    @Test func isoTextMatchesThePaddedVersion() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let date = CellDate(year: Int.random(in: -50...12_000, using: &generator), month: Int.random(in: 1...12, using: &generator),
                                day: Int.random(in: 1...31, using: &generator), hour: Int.random(in: 0...23, using: &generator),
                                minute: Int.random(in: 0...59, using: &generator), second: Int.random(in: 0...59, using: &generator),
                                hasDate: Bool.random(using: &generator), hasTime: Bool.random(using: &generator))
            #expect(date.isoText == date.paddedText)
        }
        #expect(CellDate(year: 2024, month: 3, day: 9, hour: 7, minute: 5, second: 0, hasDate: true, hasTime: true).isoText == "2024-03-09T07:05:00")
    }
}
