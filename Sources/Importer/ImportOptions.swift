import Workbook

/// How to import a file: which rules, who imports, and what to do with edge cases.
public struct ImportOptions: Sendable {
    /// What to do when a new client shares a phone or email with another client.
    public enum DuplicatePolicy: String, Sendable, CaseIterable {
        /// Create it anyway and warn (RemOnline's behaviour).
        case create
        /// Leave the row out and warn.
        case skip
        /// Update the client it duplicates instead.
        case update
    }

    /// The row limit per file.
    public enum RowLimit: Sendable, Equatable {
        /// The rule set's own limit (5,000 for RemOnline).
        case ruleSet
        case rows(Int)
        case unlimited
    }

    /// How the file's layout is recognised.
    public enum PluginChoice: Sendable, Equatable {
        /// The template when the headers are the template's, else the most confident plugin.
        case auto
        /// The template only: other headers are errors.
        case templateOnly
        /// This plugin (a name on the search path, or a path).
        case named(String)
    }

    /// Plugins below this confidence are not picked by `auto`.
    public static let pluginConfidenceThreshold = 0.5

    public var plugin: PluginChoice = .auto
    /// What rules and plugins see as `ctx.options`.
    public var rules = RuleOptions()
    /// The language of messages and of the balance comment when a plugin maps the file (the
    /// template's headers decide it otherwise); `nil`: the headers' language as the plugin's `detect` tells it, else English.
    public var language: String?
    /// A rule set name on the search path, or a path to one.
    public var ruleSet = "remonline"
    /// The importing employee; `nil` is the base's administrator.
    public var employee: String?
    public var dryRun = false
    public var rowLimit: RowLimit = .ruleSet
    public var onDuplicate: DuplicatePolicy = .create
    public var sheet: SheetSelector = .firstVisible
    public var csv = CSVOptions()
    /// The file name the journal and the report show, when the file read is a copy under another
    /// name (`serve` imports an upload saved under a name of its own); `nil` is the path's last part.
    public var sourceName: String?

    /// Called every few thousand rows while an import runs (for a progress display).
    public var progress: (@Sendable (ImportProgress) -> Void)?

    /// Test seams of the deferred look-ups (`DeferredKeys`): whether an import into a base
    /// without clients defers them at all (tests compare both paths), the key tables' byte
    /// budget (past it the look-ups are built and the import goes on as into a base with
    /// clients), the bits of the key hash kept as tags (fewer bits force tags to collide), and
    /// a step run after the look-ups are built and before COMMIT (a failure there).
    var defersLookups = true
    var deferredKeyBytes = DeferredKeys.defaultByteBudget
    var deferredKeyTagMask = UInt32.max
    var afterDeferredLookupsBuilt: (@Sendable () throws -> Void)?

    public init() {}
}

/// How far an import has got.
public struct ImportProgress: Sendable, Equatable {
    /// Data rows read from the file.
    public var rowsRead: Int
    /// Rows checked by the rules (all of them, unless the file is over its row limit).
    public var rowsChecked: Int
    /// Clients created or updated so far (nothing is written once a row has an error).
    public var rowsWritten: Int
    /// How much of the file or sheet has been read, 0 to 1, when the reader can tell.
    public var fractionRead: Double? = nil
}
