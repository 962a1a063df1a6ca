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

    /// The rule set's own code on the batch, in one call into Lua: the cells as given (what
    /// `ctx.error` reports), the typed values and stored custom values, the rows to validate and
    /// those already refused.
    private func runCode(_ code: (lua: LuaState, run: LuaFunction, file: String), batch: TextBatch,
                         values: [[TypedValue]], custom: [[String?]], toValidate: [String: [Int64]],
                         errors: inout [[(origin: Int, problem: RowProblem)]],
                         warnings: inout [[(origin: Int, problem: RowProblem)]]) throws {
        let count = batch.count
        let columnOfKey = Dictionary(batch.keys.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { a, _ in a })
        // `validate_row` reads every column; a column's `validate` only its own.
        let typed = columns.indices.compactMap { position -> (key: String, value: LuaArgument)? in
            let key = columns[position].column.key
            guard hasValidateRow || validated.contains(key) else { return nil }
            return (key, Self.encode(values[position], cells: columnOfKey[key].map { batch.texts[$0] }))
        }
        let stored = zip(batch.customNames, custom).map { name, values in
            (key: name, value: Self.encode(values.map { $0.map(TypedValue.text) ?? .none }, cells: nil))
        }
        let argument = LuaArgument.record([
            ("count", .value(.integer(Int64(count)))),
            ("rows", .integers(batch.rowNumbers.map(Int64.init))),
            ("columns", .record(zip(batch.keys, batch.texts).map { ($0, .texts($1)) })),
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

    /// A column of typed values as `decode` in engine.lua reads it: a code per row and the texts
    /// in order. A text equal to the row's cell is not sent twice, and a column whose every value
    /// is its cell (most text columns) is sent as `{ cells = true }`: no codes at all, and Lua
    /// reads the cells as the typed values without a pass over them.
    static func encode(_ values: [TypedValue], cells: [String]?) -> LuaArgument {
        var codes: [Int64] = []
        var texts: [String] = []
        codes.reserveCapacity(values.count)
        var allCells = cells != nil
        for (index, value) in values.enumerated() {
            switch value {
            case .none: codes.append(-1); allCells = false
            case .bool(let flag): codes.append(flag ? -3 : -2); allCells = false
            case .text(let text):
                if let cells, Self.sameBytes(cells[index], text) { codes.append(-5) }
                else { codes.append(-4); texts.append(text); allCells = false }
            case .phones(let numbers):
                codes.append(Int64(numbers.count))
                texts.append(contentsOf: numbers)
                allCells = false
            }
        }
        if allCells { return .record([("cells", .value(.bool(true)))]) }
        return .record([("codes", .integers(codes)), ("texts", .texts(texts))])
    }

    /// Whether two strings hold the same bytes. `utf8.elementsEqual` walks both a byte at a time
    /// through generic iterators (a tenth of a coded rule set's checks); `==` would compare
    /// canonically equivalent texts as equal, which the cell as given must not be.
    static func sameBytes(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        var a = a, b = b
        return a.withUTF8 { x in b.withUTF8 { y in x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0 } }
    }
}
