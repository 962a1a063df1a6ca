/// Why a file could not be read or written as a workbook (the CLI exits with 65 on read errors).
public struct WorkbookError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case notFound, unreadable, notAWorkbook, corrupt, tooLarge, unsupported, noSuchSheet, writeFailed
    }

    public var kind: Kind
    /// The file the error is about.
    public var file: String
    /// The part inside the archive (`xl/worksheets/sheet1.xml`) or the sheet name, when known.
    public var part: String?
    /// The 1-based row, when known.
    public var row: Int?
    /// A human sentence: what is wrong and how to fix it.
    public var message: String

    public init(_ kind: Kind, file: String, part: String? = nil, row: Int? = nil, _ message: String) {
        self.kind = kind; self.file = file; self.part = part; self.row = row; self.message = message
    }

    public var description: String {
        var place = file
        if let part { place += " (\(part))" }
        if let row { place += ", row \(row)" }
        return "\(place): \(message)"
    }
}
