import Workbook

/// The rule set's row checks as the pipeline sees them: a batch of cell texts in, typed values
/// and problems out, all Swift values. Which checks run natively and which in Lua is the
/// implementation's business (`RuleChecker`); the pipeline, the plan against the base and
/// `Client.set` never see a Lua value.
protocol RowChecking {
    /// Checks every row of `batch`: each column's type, the rule set's own per-cell and
    /// per-row rules, and the custom fields.
    func check(_ batch: TextBatch) throws -> CheckedBatch
}

/// Rows column by column, as the checks take them: a template file's mapped columns, or the
/// clients a plugin made (one row each).
struct TextBatch {
    /// The field key of each column in `texts`.
    let keys: [String]
    /// The custom field of each column in `customTexts`.
    let customNames: [String]
    /// Where each of `keys` and `customNames` is in a template row's cells.
    private let fieldIndexes: [Int]
    private let customIndexes: [Int]
    private(set) var rowNumbers: [Int] = []
    /// texts[c][i]: row i's text in the column of `keys[c]` ("" for an empty cell).
    private(set) var texts: [[String]]
    /// customTexts[c][i]: row i's text for `customNames[c]`; `nil` when the row does not have
    /// that custom field at all (a plugin's client that did not name it), which is not checked.
    private(set) var customTexts: [[String?]]

    /// A batch of template rows in the columns `mapping` found.
    init(mapping: ColumnMapping) {
        self.init(keys: mapping.fieldColumns.map(\.key), customNames: mapping.customColumns.map(\.name),
                  fieldIndexes: mapping.fieldColumns.map(\.index), customIndexes: mapping.customColumns.map(\.index))
    }

    /// A batch of rows given field by field (`append(row:texts:custom:)`).
    init(keys: [String], customNames: [String]) {
        self.init(keys: keys, customNames: customNames, fieldIndexes: [], customIndexes: [])
    }

    private init(keys: [String], customNames: [String], fieldIndexes: [Int], customIndexes: [Int]) {
        self.keys = keys
        self.customNames = customNames
        self.fieldIndexes = fieldIndexes
        self.customIndexes = customIndexes
        texts = Array(repeating: [], count: keys.count)
        customTexts = Array(repeating: [], count: customNames.count)
    }

    var count: Int { rowNumbers.count }

    /// Appends a template row's texts in the mapped columns (a missing trailing cell is empty).
    mutating func append(_ row: Row) {
        let cells = row.cells
        rowNumbers.append(row.number)
        for (c, index) in fieldIndexes.enumerated() { texts[c].append(index < cells.count ? cells[index].displayText : "") }
        for (c, index) in customIndexes.enumerated() { customTexts[c].append(index < cells.count ? cells[index].displayText : "") }
    }

    /// Appends a row given by key: a key it lacks is an empty cell, a custom field it lacks is absent.
    mutating func append(row number: Int, texts fields: [String: String], custom: [String: String]) {
        rowNumbers.append(number)
        for (c, key) in keys.enumerated() { texts[c].append(fields[key] ?? "") }
        for (c, name) in customNames.enumerated() { customTexts[c].append(custom[name]) }
    }

    /// Appends a row given column by column: `columns[c]` is its text for `keys[c]`,
    /// `custom[c]` for `customNames[c]` (nil: the row does not have that custom field).
    mutating func append(row number: Int, columns: [String], custom: [String?]) {
        rowNumbers.append(number)
        for (c, text) in columns.enumerated() { texts[c].append(text) }
        for (c, text) in custom.enumerated() { customTexts[c].append(text) }
    }

    mutating func removeAll() {
        rowNumbers.removeAll(keepingCapacity: true)
        for c in texts.indices { texts[c].removeAll(keepingCapacity: true) }
        for c in customTexts.indices { customTexts[c].removeAll(keepingCapacity: true) }
    }
}

/// What the rule set made of a `TextBatch`, by row index in the batch.
struct CheckedBatch: Sendable {
    /// fields[c][i]: row i's typed value for the batch's `keys[c]` (`.none` when the cell gives none).
    var fields: [[TypedValue]]
    /// custom[c][i]: row i's stored value for the batch's `customNames[c]`, when it has one.
    var custom: [[String?]]
    var errors: [[RowProblem]]
    var warnings: [[RowProblem]]

    /// A batch of `count` rows without values or problems yet.
    init(fields: [[TypedValue]], custom: [[String?]], count: Int) {
        self.fields = fields
        self.custom = custom
        errors = Array(repeating: [], count: count)
        warnings = Array(repeating: [], count: count)
    }

    static let empty = CheckedBatch(fields: [], custom: [], count: 0)
}

/// A problem the rules found in one cell (`key` is a field key, or a custom field's name), its
/// message already written in the import's language from the rule set's catalog.
struct RowProblem: Sendable, Equatable {
    var key: String
    var isCustomField: Bool
    var value: String
    var message: String
    /// The part of `value` at fault, when the check names one (one number of a phone list).
    var part: String? = nil
}

extension TypedValue {
    /// The text, or `nil` for any other case (no conversion).
    var textValue: String? {
        if case .text(let text) = self { return text }
        return nil
    }

    var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    var phonesValue: [String]? {
        if case .phones(let numbers) = self { return numbers }
        return nil
    }
}
