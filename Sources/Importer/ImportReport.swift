import ClientBase

/// One problem with a file, where a person finds it in their spreadsheet.
public struct ImportIssue: Sendable, Equatable, Codable {
    /// The spreadsheet row (the header is row 1).
    public var row: Int
    /// The cell reference (`E7`), when the problem is in one cell.
    public var cell: String?
    /// The column's header.
    public var column: String?
    /// The template column the value was meant for, when `column` is another file's (a
    /// plugin's source column: `column` "Phone 1 - Value", `field` "Phone number").
    public var field: String?
    /// The cell's text.
    public var value: String?
    public var message: String

    public init(row: Int, cell: String? = nil, column: String? = nil, field: String? = nil, value: String? = nil, message: String) {
        self.row = row; self.cell = cell; self.column = column; self.field = field; self.value = value; self.message = message
    }

    /// `row 7, column "Email" (E7): message`; for a plugin's file
    /// `row 7, column "Phone 1 - Value" (D7) for "Phone number": message`.
    public var description: String {
        var place = "row \(row)"
        if let column { place += ", column \"\(column)\"" }
        if let cell { place += " (\(cell))" }
        if let field, field != column { place += " for \"\(field)\"" }
        return "\(place): \(message)"
    }
}

/// What an import did or would do: the JSON report of the design (`--format json`).
public struct ImportReport: Sendable, Equatable {
    public enum Status: String, Sendable, Codable {
        /// Written to the base.
        case imported
        /// Refused for errors; nothing changed.
        case rejected
        /// A dry run that found no errors; nothing changed.
        case checked
    }

    public var status: Status
    public var batch: Int64?
    public var file: String
    public var ruleSet: String
    public var plugin: String?
    /// Why that plugin was used (chosen, or recognised with its confidence).
    public var pluginChoice: String?
    public var language: String?
    public var counts = BatchCounts()
    /// Rows left out by `--on-duplicate skip`.
    public var skipped = 0
    public var errors: [ImportIssue] = []
    public var warnings: [ImportIssue] = []
    /// Errors beyond `ImportPipeline.maximumIssues` are counted, not kept.
    public var omittedErrors = 0
    /// Warnings beyond `ImportPipeline.maximumIssues` are counted, not kept.
    public var omittedWarnings = 0

    public init(status: Status, file: String, ruleSet: String) {
        self.status = status
        self.file = file
        self.ruleSet = ruleSet
    }
}

