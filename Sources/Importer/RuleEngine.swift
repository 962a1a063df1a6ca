import ClientBase
import LuaBridge
import Workbook

/// A rule set loaded into its own sandboxed Lua state, with the shared engine
/// (`rules/lib/engine.lua`) that checks rows against it.
///
/// No plugin file ever runs in this state: plugins run in states of their own (`Plugin`), and
/// `require` here searches the `rules/` folders only, never `plugins/`. A plugin's clients
/// reach the checks as Swift copies.
public final class RuleEngine {
    /// The version of the Lua API (`clientimport.api_version`) that rule sets are written against.
    public static let apiVersion: Int64 = 1

    public let ruleSet: RuleSet
    let lua: LuaState
    let searchPath: SearchPath
    private let engine: LuaTable

    /// Loads the rule set `nameOrPath` from `searchPath`.
    public init(ruleSet nameOrPath: String, searchPath: SearchPath, limits: LuaLimits = .init()) throws {
        let file = try searchPath.ruleSetFile(nameOrPath)
        self.searchPath = searchPath
        do {
            lua = try LuaState(limits: limits, modulePaths: searchPath.ruleModuleFolders)
        } catch let error as LuaError {
            throw RuleError(error, during: "starting Lua", file: file)
        }
        do {
            try Self.prepare(lua)
            guard let engine = try lua.run(string: "return require('lib.engine')", chunkName: "=engine").first?.tableValue else {
                throw RuleError(file: "rules/lib/engine.lua", "the engine module must return a table")
            }
            self.engine = engine
        } catch let error as LuaError {
            throw RuleError(error, during: "loading the rule engine")
        }
        let types = Set(engine["types"].tableValue?.fields.keys.compactMap { key -> String? in
            if case .string(let name) = key { return name }
            return nil
        } ?? [])
        ruleSet = try RuleSet.load(file: file, in: lua, knownTypes: types)
    }

    /// Sets up the `clientimport` namespace of a new state: what every rule set, plugin and
    /// `rules/lib` module may use.
    static func prepare(_ lua: LuaState) throws {
        lua.set("api_version", in: "clientimport", to: .integer(Self.apiVersion))
        lua.register("split_numbers", in: "clientimport", native: .splitNumbers)
        lua.register("decode_bytes", in: "clientimport", decodeBytes)
        // The verbs go in through the host: scripts see the namespace read-only.
        let verbs = try lua.run(string: "return require('lib.prelude')", chunkName: "=prelude").first?.tableValue ?? LuaTable()
        for case (.string(let name), let verb) in verbs.fields {
            lua.set(name, in: "clientimport", to: verb)
        }
    }

    /// `clientimport.decode_bytes(bytes, charset)`: `bytes` carries one byte a character
    /// (U+0000–U+00FF, see `PluginSourceText`); returns the text in `charset` (nil: UTF-8 when it
    /// is valid), the encoding used, and whether it was guessed (the caller warns).
    static func decodeBytes(_ arguments: [LuaValue]) throws -> [LuaValue] {
        guard let carried = arguments.first?.stringValue else {
            throw LuaError(kind: .runtime, message: "decode_bytes(bytes, charset): bytes must be a string")
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(carried.unicodeScalars.count)
        for scalar in carried.unicodeScalars {
            guard scalar.value <= 0xFF else {
                throw LuaError(kind: .runtime, message: "decode_bytes(bytes, charset): bytes must hold one byte a character (U+0000–U+00FF), found U+\(String(scalar.value, radix: 16, uppercase: true))")
            }
            bytes.append(UInt8(scalar.value))
        }
        let charset = arguments.dropFirst().first?.stringValue
        let (text, encoding, guessed) = TextEncoding.decodeBytes(bytes, declared: charset)
        return [.string(text), .string(encoding), .bool(guessed)]
    }

    /// Checks the rule set's example rows (the template's example in each language) with its own
    /// rules; returns a line per problem, none when every example is valid.
    public func checkExamples() throws -> [String] {
        let empty = Catalog()
        var problems: [String] = []
        for language in ruleSet.languages {
            guard let example = ruleSet.example[language] else { continue }
            let checker = try checker(language: language, catalog: empty, options: RuleOptions())
            var values: [LuaKey: LuaValue] = [.string("custom"): .table(LuaTable())]
            for (key, value) in example { values[.string(key)] = .string(value) }
            // An example row has no custom fields, so only the template's own columns are judged.
            for problem in try checker.check(LuaTable(fields: values), rowNumber: 2).errors where RuleSet.fieldKeys.contains(problem.key) {
                problems.append("example (\(language)), \(problem.key): \(problem.message)")
            }
        }
        return problems
    }

    /// Loads a plugin (a name on the search path, or a path) into a Lua state of its own.
    public func plugin(_ nameOrPath: String) throws -> Plugin {
        try Plugin.load(file: try searchPath.pluginFile(nameOrPath), searchPath: searchPath)
    }

    /// Every plugin on the search path, each in a Lua state of its own.
    public func allPlugins() throws -> [Plugin] {
        try searchPath.pluginNames().map(plugin)
    }

    /// The plugin path's row handler: the plugin's `map` in the plugin's state (`lib.mapper`),
    /// then this rule set's checks in this state, on Swift copies of the clients it made.
    func mapper(_ plugin: Plugin, checker: RowChecker, headers: [String], options: RuleOptions) throws -> PluginMapper {
        let context = LuaValue.table(LuaTable(fields: [
            .string("headers"): .table(LuaTable(array: headers.map(LuaValue.string))),
            .string("options"): options.lua,
        ]))
        do {
            guard let makeMapper = try plugin.lua.run(string: "return require('lib.mapper').new", chunkName: "=mapper").first?.functionValue else {
                throw RuleError(file: "rules/lib/mapper.lua", "lib.mapper must return { new = function(plugin, ctx) … }")
            }
            let made = try plugin.lua.call(makeMapper, [.table(plugin.table), context])
            guard let map = made.first?.functionValue, let lastRead = made.dropFirst().first?.functionValue else {
                throw RuleError(file: "rules/lib/mapper.lua", "lib.mapper.new must return the map function and last_read")
            }
            return PluginMapper(checker: checker, map: map, lastRead: lastRead, plugin: plugin, headers: headers)
        } catch let error as LuaError {
            throw RuleError(error, during: "plugin \(plugin.name)", file: plugin.file)
        }
    }

    /// A row checker for one import: the template language and the base's catalog are fixed.
    func checker(language: String, catalog: Catalog, options: RuleOptions) throws -> RowChecker {
        func set(_ names: [String]) -> LuaValue {
            .table(LuaTable(fields: Dictionary(names.map { (LuaKey.string($0), LuaValue.bool(true)) }, uniquingKeysWith: { a, _ in a })))
        }
        let context = LuaValue.table(LuaTable(fields: [
            .string("language"): .string(language),
            .string("options"): options.lua,
            .string("catalog"): .table(LuaTable(fields: [
                .string("marketing_sources"): set(catalog.marketingSources),
                .string("price_types"): set(catalog.priceTypes),
                .string("custom_fields"): .table(LuaTable(fields: Dictionary(
                    catalog.customFields.map { (LuaKey.string($0.name), LuaValue.string($0.type.rawValue)) },
                    uniquingKeysWith: { a, _ in a }))),
            ])),
        ]))
        func make(_ name: String) throws -> LuaFunction {
            guard let maker = engine[name].functionValue else {
                throw RuleError(file: "rules/lib/engine.lua", "the engine has no `\(name)` function")
            }
            do {
                guard let function = try lua.call(maker, [ruleSet.table, context]).first?.functionValue else {
                    throw RuleError(file: ruleSet.file, "engine.\(name) must return a function")
                }
                return function
            } catch let error as LuaError {
                throw RuleError(error, during: "rule set \(ruleSet.name)", file: ruleSet.file)
            }
        }
        return RowChecker(lua: lua, check: try make("checker"), checkBatch: try make("batch_checker"), file: ruleSet.file)
    }
}

/// Choices of the user that rules and plugins see as `ctx.options`.
public struct RuleOptions: Sendable, Equatable {
    /// Prefixed to national numbers that start with a trunk 0 (`"33"`: 06… → 336…).
    public var phoneCountryCode: String?
    /// Plugins also return the columns they did not map, as custom fields created on the fly.
    public var keepUnmappedAsCustomFields = false

    public init(phoneCountryCode: String? = nil, keepUnmappedAsCustomFields: Bool = false) {
        self.phoneCountryCode = phoneCountryCode
        self.keepUnmappedAsCustomFields = keepUnmappedAsCustomFields
    }

    var lua: LuaValue {
        var fields: [LuaKey: LuaValue] = [.string("keep_unmapped_as_custom_fields"): .bool(keepUnmappedAsCustomFields)]
        if let phoneCountryCode { fields[.string("phone_country_code")] = .string(phoneCountryCode) }
        return .table(LuaTable(fields: fields))
    }
}

/// What the rule set made of one row.
struct CheckedRow {
    /// Typed values by field key; `custom` holds custom field values by name.
    var fields: LuaTable
    var errors: [RowProblem]
    var warnings: [RowProblem]
}

/// A problem the rules found in one cell (`key` is a field key, or a custom field's name).
struct RowProblem: Sendable {
    var key: String
    var isCustomField: Bool
    var value: String
    var message: String
    /// The part of `value` at fault, when the check names one (one number of a phone list).
    var part: String? = nil
}

/// Rows of a template file, column by column, as the batch checker takes them.
struct TextBatch {
    /// The field key of each column in `texts`.
    let keys: [String]
    /// The custom field of each column in `customTexts`.
    let customNames: [String]
    /// Where each of `keys` and `customNames` is in a row's cells.
    private let fieldIndexes: [Int]
    private let customIndexes: [Int]
    private(set) var rowNumbers: [Int] = []
    /// texts[c][i]: row i's text in the column of `keys[c]`.
    private(set) var texts: [[String]]
    private(set) var customTexts: [[String]]

    init(mapping: ColumnMapping) {
        keys = mapping.fieldColumns.map(\.key)
        customNames = mapping.customColumns.map(\.name)
        fieldIndexes = mapping.fieldColumns.map(\.index)
        customIndexes = mapping.customColumns.map(\.index)
        texts = Array(repeating: [], count: keys.count)
        customTexts = Array(repeating: [], count: customNames.count)
    }

    var count: Int { rowNumbers.count }

    /// Appends a row's texts in the mapped columns (a missing trailing cell is empty).
    mutating func append(_ row: Row) {
        let cells = row.cells
        rowNumbers.append(row.number)
        for (c, index) in fieldIndexes.enumerated() { texts[c].append(index < cells.count ? cells[index].displayText : "") }
        for (c, index) in customIndexes.enumerated() { customTexts[c].append(index < cells.count ? cells[index].displayText : "") }
    }

    mutating func removeAll() {
        rowNumbers.removeAll(keepingCapacity: true)
        for c in texts.indices { texts[c].removeAll(keepingCapacity: true) }
        for c in customTexts.indices { customTexts[c].removeAll(keepingCapacity: true) }
    }
}

/// What the rule set made of a `TextBatch`, by row index in the batch.
struct CheckedBatch: Sendable {
    /// fields[c][i]: row i's typed value for the batch's `keys[c]` (`.nil` when the cell gives none).
    var fields: [[LuaValue]]
    /// custom[c][i]: row i's stored value for the batch's `customNames[c]`, when it has one.
    var custom: [[String?]]
    var errors: [[RowProblem]]
    var warnings: [[RowProblem]]
}

/// Checks rows through the rule set's Lua checkers: a batch of template rows at once, or one
/// row (a plugin's client, an example).
struct RowChecker {
    let lua: LuaState
    let check: LuaFunction
    let checkBatch: LuaFunction
    let file: String

    func check(_ values: LuaTable, rowNumber: Int) throws -> CheckedRow {
        let result: LuaValue
        do {
            result = try lua.call(check, [.table(values), .integer(Int64(rowNumber))]).first ?? .nil
        } catch let error as LuaError {
            throw RuleError(error, during: "checking row \(rowNumber)", file: file)
        }
        return try checkedRow(result)
    }

    /// The import's hot path: the batch's texts go to Lua as one list per column, and only the
    /// typed values (and any errors or warnings) come back.
    func check(_ batch: TextBatch) throws -> CheckedBatch {
        let count = batch.count
        guard count > 0 else { return CheckedBatch(fields: [], custom: [], errors: [], warnings: []) }
        let argument = LuaArgument.record([
            ("count", .value(.integer(Int64(count)))),
            ("rows", .integers(batch.rowNumbers.map(Int64.init))),
            ("columns", .record(zip(batch.keys, batch.texts).map { ($0, .texts($1)) })),
            ("custom", .record(zip(batch.customNames, batch.customTexts).map { ($0, .texts($1)) })),
        ])
        let rows = "rows \(batch.rowNumbers[0])–\(batch.rowNumbers[count - 1])"
        do {
            return try lua.call(checkBatch, building: [argument]) { view, other in
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
                    fields: try batch.keys.map { try column("fields", $0) },
                    custom: try batch.customNames.map { try column("custom", $0).map(\.stringValue) },
                    errors: Array(repeating: [], count: count), warnings: Array(repeating: [], count: count))
                for (list, isError) in [("errors", true), ("warnings", false)] where !view.isEmptyList(list) {
                    for (index, problem) in try indexedProblems(try view.value(list)) {
                        // Dropping an error would import a row the rules refused.
                        guard (1...count).contains(index) else {
                            throw RuleError(file: file, "the batch check returned a problem with row index \(index), outside 1…\(count): \(problem.message)")
                        }
                        if isError { checked.errors[index - 1].append(problem) } else { checked.warnings[index - 1].append(problem) }
                    }
                }
                return checked
            }
        } catch let error as LuaError {
            throw RuleError(error, during: "checking \(rows)", file: file)
        }
    }

    func checkedRow(_ result: LuaValue) throws -> CheckedRow {
        guard let fields = result["fields"].tableValue else {
            throw RuleError(file: file, "the row check must return { fields = {…}, errors = {…}, warnings = {…} }, got \(typeName(result))")
        }
        return CheckedRow(fields: fields, errors: try problems(result["errors"]), warnings: try problems(result["warnings"]))
    }

    private func problems(_ value: LuaValue) throws -> [RowProblem] {
        try indexedProblems(value).map(\.problem)
    }

    /// Each error or warning with the batch index (`index`) it names (0 when none).
    private func indexedProblems(_ value: LuaValue) throws -> [(index: Int, problem: RowProblem)] {
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

/// Where a plugin's client came from in the source row: its fields as `map` returned them, the
/// headers `map` read (as `lib.mapper` recorded them) and the row's cells. An error then names
/// the cell of the user's own file. Worked out only for a field with a problem: most rows have
/// none, and matching every field against every cell cost a third of a plugin import's time.
struct FieldSources {
    var client = LuaTable()
    var read: Set<String> = []
    var headers: [String] = []
    var cells: [String] = []

    init() {}

    init(client: LuaTable, read: Set<String>, headers: [String], cells: [String]) {
        self.client = client; self.read = read; self.headers = headers; self.cells = cells
    }

    /// The columns (0-based) whose cells fed the field a problem is about: a cell holding the
    /// field's text, or a part of it when long enough not to match by chance (one phone of a
    /// list, a street in an address); those `map` read, and the one holding the part at fault,
    /// first. Empty when no cell holds it (a value the plugin computed).
    func columns(of problem: RowProblem) -> [Int] {
        let value = problem.isCustomField ? client["custom"].tableValue?[problem.key] ?? .nil : client[problem.key]
        let text = Self.trimmed(Array(Self.text(value).utf8))
        guard !text.isEmpty else { return [] }
        // Bytes, not Characters: a plugin row of 60 cells is searched on every row that warns.
        let found = cells.indices.filter { index in
            let cell = Self.trimmed(Array(cells[index].utf8))
            guard !cell.isEmpty else { return false }
            if cell == text { return true }
            guard cell.count >= 3, cell.count < text.count else { return false }
            return text.firstRange(of: cell) != nil
        }
        let wasRead = found.filter { $0 < headers.count && read.contains(headers[$0]) }
        let columns = wasRead.isEmpty ? found : wasRead
        guard let part = problem.part, !part.isEmpty, columns.count > 1 else { return columns }
        let holding = columns.filter { cells[$0].contains(part) }
        return holding + columns.filter { !holding.contains($0) }
    }

    /// `bytes` without the ASCII white space and no-break spaces at either end (as `text.trim`).
    private static func trimmed(_ bytes: [UInt8]) -> ArraySlice<UInt8> {
        var slice = bytes[...]
        func isSpace(_ byte: UInt8) -> Bool { byte == 32 || (9...13).contains(byte) }
        while true {
            if let first = slice.first, isSpace(first) { slice = slice.dropFirst() }
            else if slice.starts(with: [0xC2, 0xA0]) { slice = slice.dropFirst(2) }
            else { break }
        }
        while true {
            if let last = slice.last, isSpace(last) { slice = slice.dropLast() }
            else if slice.count >= 2, slice[slice.endIndex - 2] == 0xC2, slice[slice.endIndex - 1] == 0xA0 { slice = slice.dropLast(2) }
            else { break }
        }
        return slice
    }

    /// A field's value as the checks read it (a list joined with ", ", as the engine joins it).
    private static func text(_ value: LuaValue) -> String {
        switch value {
        case .string(let text): text
        case .integer(let number): String(number)
        case .number(let number): String(number)
        case .bool, .nil, .function: ""
        case .table(let list): list.array.map(text).joined(separator: ", ")
        }
    }
}

/// What a plugin made of one source row.
struct MappedRow {
    /// Each client the row became, checked, with the field keys the plugin filled and the
    /// source columns that fed them.
    var clients: [(checked: CheckedRow, keys: [String], sources: FieldSources)]
    var skipReason: String?
    var rejectReason: String?
    var notes: [String]
}

/// Maps and checks source rows through a plugin: `map` runs in the plugin's state, the checks
/// in the rule set's; between them the clients are Swift values.
struct PluginMapper {
    let checker: RowChecker
    let map: LuaFunction
    /// The headers the last row's `map` read (`lib.mapper`'s `last_read`).
    let lastRead: LuaFunction
    let plugin: Plugin
    /// The source file's header row.
    let headers: [String]

    func map(_ cells: [String], rowNumber: Int) throws -> MappedRow {
        let outcome: LuaValue
        do {
            outcome = try plugin.lua.call(map, [.table(LuaTable(array: cells.map(LuaValue.string))), .integer(Int64(rowNumber))]).first ?? .nil
        } catch let error as LuaError {
            throw RuleError(error, during: "plugin \(plugin.name) on row \(rowNumber)", file: plugin.file)
        }
        var row = MappedRow(clients: [], skipReason: outcome["skip"].stringValue, rejectReason: outcome["reject"].stringValue,
                            notes: outcome["warnings"].tableValue?.array.compactMap(\.stringValue) ?? [])
        // Functions cannot cross to the rule set's state (and would run there if they could).
        let functions = Self.functions(in: outcome)
        if !functions.isEmpty {
            functions.forEach(plugin.lua.release)
            row.rejectReason = row.rejectReason ?? "its map returned a function in a client; a client's fields are texts, numbers, booleans or lists of them"
            return row
        }
        guard row.skipReason == nil, row.rejectReason == nil else { return row }
        // Asked for only once a client of the row has a problem to locate.
        var read: Set<String>?
        for client in outcome["clients"].tableValue?.array ?? [] {
            guard let fields = client.tableValue else {
                row.rejectReason = "its map returned \(typeName(client)) among the clients of the row; each client must be a table"
                return row
            }
            if let problem = Self.shapeProblem(fields) {
                row.rejectReason = "its map returned \(problem)"
                return row
            }
            // The fields the plugin filled are read here, not taken from the plugin's word.
            let keys = fields.fields.keys.compactMap { key -> String? in
                if case .string(let name) = key, name != "custom" { return name }
                return nil
            }.sorted()
            let checked = try checker.check(fields, rowNumber: rowNumber)
            var sources = FieldSources()
            if !checked.errors.isEmpty || !checked.warnings.isEmpty {
                if read == nil { read = try headersRead() }
                sources = FieldSources(client: fields, read: read ?? [], headers: headers, cells: cells)
            }
            row.clients.append((checked: checked, keys: keys, sources: sources))
        }
        return row
    }

    private func headersRead() throws -> Set<String> {
        do {
            return Set(try plugin.lua.call(lastRead, []).first?.tableValue?.array.compactMap(\.stringValue) ?? [])
        } catch let error as LuaError {
            throw RuleError(error, during: "plugin \(plugin.name)", file: plugin.file)
        }
    }

    /// Why a client cannot go to the rule set's checks, or `nil`. The checks read each field as
    /// a cell's text: a field holds text, a number, a boolean or a list of them, and `custom`
    /// such values by name. Anything else failed inside the checks, blamed on the engine, or
    /// became text such as "table: 0x55c8…".
    static func shapeProblem(_ client: LuaTable) -> String? {
        func isCell(_ value: LuaValue) -> Bool {
            switch value {
            case .nil, .bool, .integer, .number, .string: true
            case .table(let list): list.fields.isEmpty && list.array.allSatisfy { $0.tableValue == nil && $0.functionValue == nil }
            case .function: false
            }
        }
        for case let (.string(key), value) in client.fields {
            if key == "custom" {
                guard let custom = value.tableValue else {
                    return "`custom` as \(typeName(value)); it must be a table of custom field values by name"
                }
                for case let (.string(name), value) in custom.fields where !isCell(value) {
                    return "a table nested in the custom field \"\(name)\"; a field holds text, a number, a boolean or a list of them"
                }
            } else if !isCell(value) {
                return "a table nested in `\(key)`; a field holds text, a number, a boolean or a list of them"
            }
        }
        return nil
    }

    private static func functions(in value: LuaValue) -> [LuaFunction] {
        switch value {
        case .function(let function): [function]
        case .table(let table): table.array.flatMap(functions(in:)) + table.fields.values.flatMap(functions(in:))
        default: []
        }
    }
}

/// `bench rules FILE` (see `Benchmarks/`): the rule set's checks alone, as an import runs them —
/// rows handed from Swift, checked in Lua, typed fields back — timed without the reading: rows
/// are read (and their cell texts made) a chunk at a time outside the clock.
@_spi(Benchmark) public enum RulesBenchmark {
    public struct Result: Sendable {
        public var rows = 0
        public var rowsWithErrors = 0
        public var warnings = 0
        public var seconds = 0.0
        /// The first error, to tell a file the rules refuse from a fast run.
        public var firstError: String?
    }

    public static func run(path: String, catalog: Catalog, ruleSet: String = "remonline",
                           searchPath: SearchPath = .standard(), chunk: Int = 10_000) throws -> Result {
        let engine = try RuleEngine(ruleSet: ruleSet, searchPath: searchPath)
        let rows = try WorkbookFile.openRows(path: path)
        guard let header = try rows.nextRow() else { throw ImportError("\(path) is empty") }
        let mapping: ColumnMapping
        switch HeaderMatcher.match(header, ruleSet: engine.ruleSet, customFields: catalog.customFields) {
        case .success(let found): mapping = found
        case .failure(let problems): throw ImportError(problems.issues.map(\.description).joined(separator: "\n"))
        }
        let checker = try engine.checker(language: mapping.language, catalog: catalog, options: RuleOptions())
        var result = Result()
        let clock = ContinuousClock()
        // `chunk` rows are read (outside the clock), then checked a batch at a time as an import does.
        var pending: [TextBatch] = []
        var finished = false
        while !finished {
            pending.removeAll()
            var batch = TextBatch(mapping: mapping)
            var read = 0
            while read < chunk, let row = try rows.nextRow() {
                batch.append(row)
                read += 1
                if batch.count == ImportPipeline.batchRows {
                    pending.append(batch)
                    batch.removeAll()
                }
            }
            if batch.count > 0 { pending.append(batch) }
            finished = read < chunk
            let start = clock.now
            for batch in pending {
                let checked = try checker.check(batch)
                for (index, errors) in checked.errors.enumerated() {
                    guard let error = errors.first else { continue }
                    result.rowsWithErrors += 1
                    if result.firstError == nil { result.firstError = "row \(batch.rowNumbers[index]), \(error.key): \(error.message)" }
                }
                result.warnings += checked.warnings.reduce(0) { $0 + $1.count }
            }
            let elapsed = clock.now - start
            result.seconds += Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            result.rows += read
        }
        return result
    }
}
