import LuaBridge

/// Checks batches entirely in the rule set's Lua state with `engine.batch_checker`, the
/// reference implementation: every column's type, `validate`, `validate_row` and the custom
/// fields run in Lua. Imports use `HybridRowChecker`, which runs the stock types natively; this
/// one serves rule sets whose column types are not all stock ones, and the tests that compare
/// the two.
struct LuaRowChecker: RowChecking {
    let lua: LuaState
    let checkBatch: LuaFunction
    let file: String

    /// The batch's texts go to Lua as one list per column, and only the typed values (and any
    /// errors or warnings) come back.
    func check(_ batch: TextBatch) throws -> CheckedBatch {
        let count = batch.count
        guard count > 0 else { return .empty }
        // A custom field a row lacks (a plugin's client that did not name it) goes to Lua as an
        // empty cell; what the check said of it is dropped afterwards.
        let hasAbsentCustomFields = batch.customTexts.contains { $0.contains(nil) }
        let argument = LuaArgument.record([
            ("count", .value(.integer(Int64(count)))),
            ("rows", .integers(batch.rowNumbers.map(Int64.init))),
            ("columns", .record(zip(batch.keys, batch.texts).map { ($0, .texts($1)) })),
            ("custom", .record(zip(batch.customNames, batch.customTexts).map { ($0, .texts($1.map { $0 ?? "" })) })),
        ])
        let rows = "rows \(batch.rowNumbers[0])–\(batch.rowNumbers[count - 1])"
        do {
            var checked = try lua.call(checkBatch, building: [argument]) { view, other in
                guard let view else {
                    throw RuleError(file: file, "the batch check must return { fields = {…}, custom = {…}, errors = {…}, warnings = {…} }, got \(typeName(other))")
                }
                // A list the checker did not return reads as no values.
                func column(_ table: String, _ key: String) throws -> [LuaValue] {
                    let values = try view.table(table) { columns in
                        try columns.table(key) { list in try (1...count).map { try list.value(at: $0) } }
                    }
                    return values.flatMap { $0 } ?? Array(repeating: .nil, count: count)
                }
                var checked = CheckedBatch(
                    fields: try batch.keys.map { try column("fields", $0).map(TypedValue.init(lua:)) },
                    custom: try batch.customNames.map { try column("custom", $0).map(\.stringValue) },
                    count: count)
                for (list, isError) in [("errors", true), ("warnings", false)] where !view.isEmptyList(list) {
                    for (index, problem) in try Self.indexedProblems(try view.value(list), file: file) {
                        // Dropping an error would import a row the rules refused.
                        guard (1...count).contains(index) else {
                            throw RuleError(file: file, "the batch check returned a problem with row index \(index), outside 1…\(count): \(problem.message)")
                        }
                        if isError { checked.errors[index - 1].append(problem) } else { checked.warnings[index - 1].append(problem) }
                    }
                }
                return checked
            }
            if hasAbsentCustomFields { Self.dropAbsentCustomFields(&checked, batch: batch) }
            return checked
        } catch let error as LuaError {
            throw RuleError(error, during: "checking \(rows)", file: file)
        }
    }

    /// Removes what the check said of custom fields a row does not have (checked above as
    /// empty cells: an unknown field's error, which a row without it must not get).
    private static func dropAbsentCustomFields(_ checked: inout CheckedBatch, batch: TextBatch) {
        let absent = Dictionary(uniqueKeysWithValues: zip(batch.customNames, batch.customTexts))
        func present(_ problem: RowProblem, _ index: Int) -> Bool {
            !problem.isCustomField || absent[problem.key].map { $0[index] != nil } ?? true
        }
        for index in 0..<batch.count {
            checked.errors[index].removeAll { !present($0, index) }
            checked.warnings[index].removeAll { !present($0, index) }
        }
        for (c, texts) in batch.customTexts.enumerated() {
            for index in texts.indices where texts[index] == nil { checked.custom[c][index] = nil }
        }
    }

    /// Each error or warning with the batch index (`index`) it names (0 when none).
    static func indexedProblems(_ value: LuaValue, file: String) throws -> [(index: Int, problem: RowProblem)] {
        guard let list = value.tableValue else { return [] }
        return try list.array.map { item in
            guard let message = item["message"].stringValue else {
                throw RuleError(file: file, "each error or warning must be a table with a `message` string, got \(typeName(item))")
            }
            return (Int(item["index"].intValue ?? 0), RowProblem(
                key: item["key"].stringValue ?? "", isCustomField: item["custom"].boolValue ?? false,
                value: item["value"].stringValue ?? "", message: message, part: item["part"].stringValue))
        }
    }
}

extension TypedValue {
    /// The typed value the Lua engine gave (a string, a boolean, a list of phone numbers; nil).
    init(lua value: LuaValue) {
        switch value {
        case .string(let text): self = .text(text)
        case .bool(let flag): self = .bool(flag)
        case .table(let list): self = .phones(list.array.compactMap(\.stringValue))
        case .nil, .integer, .number, .function: self = .none
        }
    }
}
