import Foundation
import LuaBridge

/// The checks of an import: the stock column types and the custom fields natively
/// (`NativeColumnChecker`, `NativeCustomFieldChecker`), and Lua only for the code the rule set
/// wrote itself — a column's `validate`, the rule set's `validate_row` — entered once per batch
/// (`engine.code_checker` in `rules/lib/engine.lua`). A rule set without such code (the stock
/// `remonline`) is checked without any call into Lua. Messages come from the rule set's catalog,
/// copied once into Swift. Gives exactly what `engine.batch_checker` gives (`LuaRowChecker`).
final class HybridRowChecker: RowChecking {
    /// The rule set's columns, in its order, each with its native check.
    private var columns: [NativeColumnChecker]
    private let context: NativeCheckContext
    private let messages: MessageCatalog
    private let language: String
    /// `engine.code_checker`'s function, when the rule set has code; the keys of the columns
    /// that have a `validate`.
    private let code: (lua: LuaState, run: LuaFunction, file: String)?
    private let validated: Set<String>
    private let hasValidateRow: Bool
    /// Calls into Lua so far: the test that a rule set without code is checked without Lua
    /// counts them.
    private(set) var luaCalls = 0
    /// Whether the rule set has no code of its own, so that these checks never enter its Lua
    /// state: another checker of the same import can then run on another thread.
    var runsWithoutLua: Bool { code == nil }

    /// `columns` are the rule set's, all of a stock type; `code`, `engine.code_checker(rule_set,
    /// ctx)`'s function when some column has a `validate` (`validated`) or the rule set a
    /// `validate_row` (`hasValidateRow`).
    init(columns: [NativeColumn], context: NativeCheckContext, messages: MessageCatalog, language: String,
         code: (lua: LuaState, run: LuaFunction, file: String)?, validated: Set<String>, hasValidateRow: Bool) {
        self.columns = columns.map { NativeColumnChecker(column: $0, context: context) }
        self.context = context
        self.messages = messages
        self.language = language
        self.code = code
        self.validated = validated
        self.hasValidateRow = hasValidateRow
    }

    /// Where a problem stands in a row's list, as `engine.batch_checker` orders them: by the
    /// position of the column whose check reported it (1…), then the custom fields, then
    /// `validate_row` (as `engine.code_checker` numbers them).
    private var customOrigin: Int { columns.count + 1 }

    func check(_ batch: TextBatch) throws -> CheckedBatch {
        let count = batch.count
        guard count > 0 else { return .empty }
        let columnOfKey = Dictionary(batch.keys.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { a, _ in a })
        var errors = [[(origin: Int, problem: RowProblem)]](repeating: [], count: count)
        var warnings = [[(origin: Int, problem: RowProblem)]](repeating: [], count: count)
        var values: [[TypedValue]] = []
        values.reserveCapacity(columns.count)
        // Lua's `validate` runs on the rows whose cell gave a value: not empty, not refused.
        var toValidate: [String: [Int64]] = [:]
        var result = NativeColumnResult()
        let emptyCells = [String](repeating: "", count: count)
        for position in columns.indices {
            let key = columns[position].column.key
            let cells = columnOfKey[key].map { batch.texts[$0] } ?? emptyCells
            columns[position].check(cells, into: &result)
            values.append(result.values)
            var refused = Set<Int>()
            for found in result.problems {
                refused.insert(found.index)
                errors[found.index].append((position + 1, problem(found, key: key, isCustomField: false)))
            }
            if validated.contains(key) {
                toValidate[key] = cells.indices.filter { !refused.contains($0) && !NativeText.trimmed(cells[$0]).isEmpty }.map { Int64($0 + 1) }
            }
        }
        var checked = CheckedBatch(fields: batch.keys.map { key in columns.firstIndex { $0.column.key == key }.map { values[$0] } ?? [] },
                                   custom: [], count: count)
        for (name, texts) in zip(batch.customNames, batch.customTexts) {
            var field = NativeCustomFieldChecker(name: name, context: context)
            let found = field.check(texts.map { $0 ?? "" })
            var stored = found.values
            // A row without the field (a plugin's client that did not name it) is not checked.
            for index in texts.indices where texts[index] == nil { stored[index] = nil }
            for problem in found.problems where texts[problem.index] != nil {
                errors[problem.index].append((customOrigin, self.problem(problem, key: name, isCustomField: true)))
            }
            checked.custom.append(stored)
        }
        if let code {
            try runCode(code, batch: batch, values: values, custom: checked.custom, toValidate: toValidate,
                        errors: &errors, warnings: &warnings)
        }
        // Stable: problems of one origin keep the order they were reported in.
        func ordered(_ list: [(origin: Int, problem: RowProblem)]) -> [RowProblem] {
            list.count < 2 ? list.map(\.problem)
                : list.enumerated().sorted { ($0.element.origin, $0.offset) < ($1.element.origin, $1.offset) }.map(\.element.problem)
        }
        checked.errors = errors.map(ordered)
        checked.warnings = warnings.map(ordered)
        return checked
    }

    private func problem(_ found: ColumnProblem, key: String, isCustomField: Bool) -> RowProblem {
        RowProblem(key: key, isCustomField: isCustomField, value: found.value,
                   message: messages.message(for: found.problem, value: found.value, column: key, language: language),
                   part: found.problem.vars["part"])
    }

    /// The rule set's own code on the batch, in one call into Lua: the typed values and stored
    /// custom values as ready Lua lists, the rows to validate and those already refused. The
    /// cells as given (what `ctx.error` reports) are fetched a column at a time, and only when a
    /// problem is reported: pushing every cell cost more than the rule set's own code.
    private func runCode(_ code: (lua: LuaState, run: LuaFunction, file: String), batch: TextBatch,
                         values: [[TypedValue]], custom: [[String?]], toValidate: [String: [Int64]],
                         errors: inout [[(origin: Int, problem: RowProblem)]],
                         warnings: inout [[(origin: Int, problem: RowProblem)]]) throws {
        let count = batch.count
        // `validate_row` reads every column; a column's `validate` only its own.
        let typed = columns.indices.compactMap { position -> (key: String, value: LuaArgument)? in
            let key = columns[position].column.key
            guard hasValidateRow || validated.contains(key) else { return nil }
            return (key, .items(values[position].map(Self.item)))
        }
        let stored = zip(batch.customNames, custom).map { name, values in
            (key: name, value: LuaArgument.items(values.map { $0.map(LuaItem.text) ?? .none }))
        }
        let cells = self.cells(in: code.lua)
        cells.batch = batch
        defer { cells.batch = nil }
        cells.serial += 1
        let argument = LuaArgument.record([
            ("count", .value(.integer(Int64(count)))),
            ("rows", .integers(batch.rowNumbers.map(Int64.init))),
            ("cells", .value(.function(cells.function))),
            ("serial", .value(.integer(cells.serial))),
            ("typed", .record(typed)),
            ("custom", .record(stored)),
            ("validate", .record(toValidate.map { ($0.key, .integers($0.value)) })),
            ("failed", .integers(errors.indices.filter { !errors[$0].isEmpty }.map { Int64($0 + 1) })),
        ])
        luaCalls += 1
        do {
            try code.lua.call(code.run, building: [argument]) { view, other in
                guard let view else {
                    throw RuleError(file: code.file, "engine.code_checker's function must return { errors = {…}, warnings = {…} }, got \(typeName(other))")
                }
                for (list, isError) in [("errors", true), ("warnings", false)] where !view.isEmptyList(list) {
                    for item in try view.value(list).tableValue?.array ?? [] {
                        guard let message = item["message"].stringValue else {
                            throw RuleError(file: code.file, "each error or warning must be a table with a `message` string, got \(typeName(item))")
                        }
                        let index = Int(item["index"].intValue ?? 0)
                        // Dropping an error would import a row the rules refused.
                        guard (1...count).contains(index) else {
                            throw RuleError(file: code.file, "the rule set's code reported a problem with row index \(index), outside 1…\(count): \(message)")
                        }
                        let problem = RowProblem(key: item["key"].stringValue ?? "", isCustomField: item["custom"].boolValue ?? false,
                                                 value: item["value"].stringValue ?? "", message: message, part: item["part"].stringValue)
                        let origin = Int(item["origin"].intValue ?? Int64(columns.count + 2))
                        if isError { errors[index - 1].append((origin, problem)) } else { warnings[index - 1].append((origin, problem)) }
                    }
                }
            }
        } catch let error as LuaError {
            throw RuleError(error, during: "checking rows \(batch.rowNumbers[0])–\(batch.rowNumbers[count - 1])", file: code.file)
        }
    }

    /// A typed value as the rule set's code reads it: a string, a boolean, a list of phone
    /// numbers, or nil.
    static func item(_ value: TypedValue) -> LuaItem {
        switch value {
        case .none: .none
        case .bool(let flag): .bool(flag)
        case .text(let text): .text(text)
        case .phones(let numbers): .texts(numbers)
        }
    }

    /// The Lua function `batch.cells(key, serial)` of `engine.code_checker`: the cells as given
    /// of the batch being checked, made once per checker.
    private var batchCells: BatchCells?

    private func cells(in lua: LuaState) -> BatchCells {
        if let batchCells { return batchCells }
        let made = BatchCells(lua: lua)
        batchCells = made
        return made
    }
}

/// The batch `HybridRowChecker` is checking, for the Lua function that hands its cells over one
/// column at a time. A call with another batch's serial (a `ctx` the rule set kept from an
/// earlier batch) gets nil: never another batch's cells.
private final class BatchCells {
    var batch: TextBatch?
    var serial: Int64 = 0
    private let lua: LuaState
    private(set) var function: LuaFunction!

    init(lua: LuaState) {
        self.lua = lua
        // Weak: the state outlives this checker, and Lua code may keep the function.
        function = lua.function { [weak self] arguments in
            guard let self, let batch = self.batch, arguments.count == 2, case .string(let key) = arguments[0],
                  arguments[1] == .integer(self.serial), let column = batch.keys.firstIndex(of: key) else { return [.nil] }
            return [.table(LuaTable(array: batch.texts[column].map(LuaValue.string)))]
        }
    }

    deinit { lua.release(function) }
}
