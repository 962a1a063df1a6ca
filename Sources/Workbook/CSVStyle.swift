/// How a CSV file is written for a spreadsheet: its delimiter, its decimal separator and
/// whether it starts with Excel's `sep=` line.
public struct CSVStyle: Sendable, Equatable {
    public var delimiter: UInt8
    /// Numbers as `12,5` rather than `12.5`.
    public var decimalComma: Bool
    /// Excel's `sep=X` first line.
    public var sepLine: Bool

    public init(delimiter: UInt8 = UInt8(ascii: ","), decimalComma: Bool = false, sepLine: Bool = false) {
        self.delimiter = delimiter
        self.decimalComma = decimalComma
        self.sepLine = sepLine
    }

    /// What Excel writes (and so reads) in a language: `;` and a decimal comma where the comma is
    /// the decimal separator (French, Russian, Ukrainian), else `,` and a point.
    public static func excel(language: String) -> CSVStyle {
        ["fr", "ru", "uk"].contains(language) ? CSVStyle(delimiter: UInt8(ascii: ";"), decimalComma: true) : CSVStyle()
    }
}

extension CSVWriter {
    /// Starts a CSV file in `style`, with a byte order mark and formula protection.
    public convenience init(path: String, style: CSVStyle) throws {
        try self.init(path: path, delimiter: style.delimiter, decimalComma: style.decimalComma, sepLine: style.sepLine)
    }
}
