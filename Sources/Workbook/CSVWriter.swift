import Foundation

/// Writes a CSV file row by row: UTF-8 (with a BOM by default, so Excel reads it as UTF-8),
/// CRLF line ends, fields quoted only when they hold the delimiter, a quote or a line break.
///
/// Cells are rendered as a person would type them: text as is, numbers from their literal,
/// booleans `TRUE`/`FALSE`, dates `YYYY-MM-DD`, date-times `YYYY-MM-DD HH:MM:SS`, times
/// `HH:MM:SS`, errors as stored (`#N/A`). A text a spreadsheet would run as a formula is written
/// `"'=…"` (`FormulaProtection`; `CSVReader` reads it back as written). The file is written to a temporary beside `path` and
/// renamed onto it by `close()`; dropping the writer without `close()` removes the temporary.
public final class CSVWriter {
    private let path: String
    private let delimiter: UInt8
    private var file: AtomicFile?
    private var buffer: [UInt8] = []
    private var failed = false
    private let protectsFormulas: Bool
    private let decimalComma: Bool

    private static let flushSize = 64 * 1024

    /// Starts a CSV file; pass `UInt8(ascii: ";")` for the French/Russian Excel convention.
    /// `protectFormulas: false` writes texts exactly, for files no spreadsheet will open.
    /// `decimalComma` writes numbers as `12,5` (the digits unchanged: exact); `sepLine` starts
    /// the file with Excel's `sep=X` line, which makes Excel split on the delimiter whatever the
    /// computer's list separator (`CSVReader` honours and skips it).
    public init(path: String, delimiter: UInt8 = UInt8(ascii: ","), byteOrderMark: Bool = true, protectFormulas: Bool = true,
                decimalComma: Bool = false, sepLine: Bool = false) throws {
        guard delimiter != UInt8(ascii: "\""), delimiter != 0x0A, delimiter != 0x0D, delimiter < 0x80 else {
            throw WorkbookError(.writeFailed, file: path, "the delimiter must be an ASCII character other than a quote or a line break")
        }
        self.path = path
        self.delimiter = delimiter
        protectsFormulas = protectFormulas
        self.decimalComma = decimalComma
        file = try AtomicFile(targetPath: path)
        buffer.reserveCapacity(Self.flushSize + 4096)
        if byteOrderMark { buffer.append(contentsOf: [0xEF, 0xBB, 0xBF]) }
        if sepLine { buffer.append(contentsOf: Array("sep=".utf8) + [delimiter, 0x0D, 0x0A]) }
    }

    /// Appends one record.
    public func write(row: [Cell]) throws {
        guard let file, !failed else {
            throw WorkbookError(.writeFailed, file: path, failed ? "an earlier write failed" : "the CSV file is already closed")
        }
        for (index, cell) in row.enumerated() {
            if index > 0 { buffer.append(delimiter) }
            if protectsFormulas, case .text(let text) = cell, FormulaProtection.needsMark(text) {
                appendField(FormulaProtection.protect(text), quoted: true)
            } else if decimalComma, case .number(let number) = cell {
                // A literal has at most one point, its decimal separator (no grouping).
                appendField(number.literal.replacingOccurrences(of: ".", with: ","))
            } else {
                appendField(Self.render(cell))
            }
        }
        buffer.append(contentsOf: [0x0D, 0x0A])
        if buffer.count >= Self.flushSize { try flush(file) }
    }

    /// Finishes the file and moves it onto the target path.
    public func close() throws {
        guard let file else { throw WorkbookError(.writeFailed, file: path, "the CSV file is already closed") }
        try flush(file)
        try file.commit()
        self.file = nil
    }

    /// The text a cell shows in CSV.
    public static func render(_ cell: Cell) -> String {
        switch cell {
        case .empty: return ""
        case .text(let text): return text
        case .number(let number): return number.literal
        case .bool(let value): return value ? "TRUE" : "FALSE"
        case .error(let code): return code
        case .date(let date): return XLSXWriter.isoText(date)
        }
    }

    /// `quoted` forces quotes: a protected cell is `"'=…"`, the form spreadsheets read as text.
    private func appendField(_ text: String, quoted: Bool = false) {
        let utf8 = text.utf8
        let needsQuotes = quoted || utf8.contains { $0 == delimiter || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
        guard needsQuotes else {
            buffer.append(contentsOf: utf8)
            return
        }
        buffer.append(UInt8(ascii: "\""))
        for byte in utf8 {
            if byte == UInt8(ascii: "\"") { buffer.append(byte) }
            buffer.append(byte)
        }
        buffer.append(UInt8(ascii: "\""))
    }

    private func flush(_ file: AtomicFile) throws {
        guard !buffer.isEmpty, let handle = file.handle else { return }
        let written = buffer.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, handle) }
        guard written == buffer.count else {
            failed = true
            throw WorkbookError(.writeFailed, file: path, "could not write: \(String(cString: strerror(errno)))")
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
