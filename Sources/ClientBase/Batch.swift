/// One entry of the import journal: an import, or the undo of one.
public struct Batch: Sendable, Equatable {
    public enum Kind: String, Sendable { case `import`, undo }
    public enum State: String, Sendable {
        /// An import whose changes stand.
        case imported
        /// An import that a later undo reversed.
        case undone
        /// An undo (it cannot itself be undone).
        case done
    }

    public var id: Int64
    public var kind: Kind
    public var state: State
    public var fileName: String
    public var fileSHA256: String
    public var ruleSet: String
    public var plugin: String
    public var employee: String?
    public var counts: BatchCounts
    /// For an undo, the batch it reversed.
    public var undoesBatch: Int64?
    public var startedAt: String
    public var finishedAt: String?
}

/// What a batch did, row by row.
public struct BatchCounts: Sendable, Equatable {
    public var rows = 0
    public var created = 0
    public var updated = 0
    public var unchanged = 0
    public var balanceCorrections = 0

    public init(rows: Int = 0, created: Int = 0, updated: Int = 0, unchanged: Int = 0, balanceCorrections: Int = 0) {
        self.rows = rows; self.created = created; self.updated = updated
        self.unchanged = unchanged; self.balanceCorrections = balanceCorrections
    }
}

/// What the journal records about where an import came from.
public struct BatchSource: Sendable, Equatable {
    public var fileName: String
    public var fileSHA256: String
    public var ruleSet: String
    public var plugin: String
    public var employeeID: Int64?

    public init(fileName: String, fileSHA256: String, ruleSet: String, plugin: String, employeeID: Int64?) {
        self.fileName = fileName; self.fileSHA256 = fileSHA256; self.ruleSet = ruleSet
        self.plugin = plugin; self.employeeID = employeeID
    }
}
