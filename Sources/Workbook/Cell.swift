/// One spreadsheet cell as the person saw it in their spreadsheet program.
///
/// Numbers keep the literal the file stored, so an integer such as a phone number that Excel
/// wrote as `3.80501234567E11` can be rebuilt digit for digit instead of through a `Double`.
public enum Cell: Sendable, Hashable {
    case empty
    case text(String)
    case number(NumberCell)
    case bool(Bool)
    /// An error value as Excel writes it: `#N/A`, `#DIV/0!`, …
    case error(String)
    /// Boxed (`indirect`): `CellDate` is 74 bytes, and inline it made every cell 80 bytes
    /// instead of 40, doubling the rows queued between the reader and the importer.
    indirect case date(CellDate)
}

extension Cell {
    /// The most text an Excel cell holds, in UTF-16 code units, which is what Excel counts
    /// (an emoji outside the Basic Multilingual Plane is two).
    public static let maximumTextLength = 32_767

    /// The length of `text` as Excel counts it when that is more than `maximumTextLength`;
    /// nil when it fits. A text of at most that many UTF-8 bytes fits without counting (each
    /// UTF-16 unit takes at least one byte), so nearly every call is O(1).
    public static func overlongLength(of text: String) -> Int? {
        guard text.utf8.count > maximumTextLength else { return nil }
        let units = text.utf16.count
        return units > maximumTextLength ? units : nil
    }
}

/// A numeric cell: the literal from the file plus the number format that decides how it shows.
public struct NumberCell: Sendable, Hashable {
    /// The number exactly as stored (`"42"`, `"3.80501234567E11"`, `"-12.5"`).
    public var literal: String
    /// The cell's number format code (`"General"`, `"0.00"`, `"@"`), when the file gives one.
    public var formatCode: String?

    public init(literal: String, formatCode: String? = nil) {
        self.literal = literal
        self.formatCode = formatCode
    }
}

/// A date, date-time or time decided by the cell's number format and the workbook's date system.
public struct CellDate: Sendable, Hashable {
    public var year: Int, month: Int, day: Int
    public var hour: Int, minute: Int, second: Int
    /// Milliseconds of the second (Excel keeps time to the millisecond).
    public var millisecond: Int
    /// The ISO 8601 text of a `t="d"` cell as the file wrote it (fractions, `Z`, offsets), shown
    /// as is; nil for dates computed from a serial number.
    public var written: String?
    /// Which parts the format shows: a pure time has no date part, a pure date no time part.
    public var hasDate: Bool, hasTime: Bool

    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0,
                millisecond: Int = 0, hasDate: Bool = true, hasTime: Bool = false, written: String? = nil) {
        self.year = year; self.month = month; self.day = day
        self.hour = hour; self.minute = minute; self.second = second
        self.millisecond = millisecond; self.written = written
        self.hasDate = hasDate; self.hasTime = hasTime
    }
}

/// One row of a sheet or CSV file.
public struct Row: Sendable, Hashable {
    /// The row number a person sees (1-based; the header is usually row 1).
    public var number: Int
    /// Cells from column A on; trailing empty cells may be absent.
    public var cells: [Cell]

    public init(number: Int, cells: [Cell]) {
        self.number = number
        self.cells = cells
    }
}

/// A forward-only stream of rows: what every reader (XLSX sheet, CSV) hands to the importer.
///
/// Readers hold only the current chunk of the file, so memory does not grow with the row count.
public protocol RowReader: AnyObject {
    /// The sheet name (the file name without extension for CSV).
    var sheetName: String { get }
    /// The next non-empty row, or `nil` at the end.
    func nextRow() throws -> Row?
    /// Damage tolerated so far (complete once `nextRow` has returned `nil`).
    var warnings: [WorkbookWarning] { get }
    /// How much of the file or sheet the rows returned so far consumed, 0 to 1, for a progress
    /// bar; nil when the reader cannot tell.
    var fractionRead: Double? { get }
}

extension RowReader {
    public var fractionRead: Double? { nil }
}
