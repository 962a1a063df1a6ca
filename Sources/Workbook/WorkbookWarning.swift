/// Damage a reader tolerated instead of refusing the file (a missing, unused shared-string
/// part; a lone UTF-16 surrogate escape read as U+FFFD), so the user can still see it:
/// the importer turns each into a report warning, `inspect` prints them on stderr.
public struct WorkbookWarning: Sendable, Equatable, CustomStringConvertible {
    /// The file the warning is about.
    public var file: String
    /// The part inside the archive (`xl/sharedStrings.xml`), when known.
    public var part: String?
    /// The 1-based row, when the damage is in one row.
    public var row: Int?
    /// What was found and what the reader made of it.
    public var message: String

    public init(file: String, part: String? = nil, row: Int? = nil, _ message: String) {
        self.file = file; self.part = part; self.row = row; self.message = message
    }

    public var description: String {
        var place = file
        if let part { place += " (\(part))" }
        if let row { place += ", row \(row)" }
        return "\(place): \(message)"
    }

    /// A reader keeps at most this many: a file damaged in every cell says so without
    /// growing memory with its size.
    static let limit = 100
}

extension RowReader {
    /// Readers that never tolerate damage have none.
    public var warnings: [WorkbookWarning] { [] }
}
