/// Spreadsheet column letters, the way a person names a column: index 0 is "A", 27 is "AB".
public enum ColumnLetters {
    /// The letters of a 0-based column index.
    public static func letters(ofIndex index: Int) -> String {
        var n = index + 1
        var letters: [UInt8] = []
        while n > 0 {
            n -= 1
            letters.append(UInt8(ascii: "A") + UInt8(n % 26))
            n /= 26
        }
        return String(decoding: letters.reversed(), as: UTF8.self)
    }

    /// The 0-based index of column letters (any case), or `nil` when they are not letters.
    public static func index(of letters: some StringProtocol) -> Int? {
        guard !letters.isEmpty else { return nil }
        var index = 0
        for scalar in letters.unicodeScalars {
            let upper = scalar.value & ~0x20
            guard upper >= 65 && upper <= 90 else { return nil }
            index = index * 26 + Int(upper - 64)
        }
        return index - 1
    }
}
