import Foundation
import LuaBridge
import Workbook

/// What a plugin made of one source row.
struct MappedRow: Sendable {
    /// The row's number in the source file.
    var number: Int
    /// Each client the row became, in `MappedBatch.checked` at `index`, with the field keys the
    /// plugin filled and the source columns that fed a field with a problem.
    var clients: [(index: Int, keys: [String], sources: FieldSources)] = []
    var skipReason: String?
    var rejectReason: String?
    var notes: [String] = []
}

/// A batch of source rows as a plugin mapped them, and its clients checked by the rule set:
/// row by row, in the file's order.
struct MappedBatch: Sendable {
    var rows: [MappedRow]
    /// One row per client; its columns are the rule set's columns (`keys`), and the custom
    /// fields any client of the batch named (`customNames`).
    var checked: CheckedBatch
    var keys: [String]
    var customNames: [String]
}

/// Maps and checks source rows through a plugin, a batch of rows at a time: `map` runs in the
/// plugin's state (`lib.mapper`'s `map_batch`, one call per batch), the checks in the rule set's
/// (`checker`, one batch per batch of rows); between them the clients are Swift values.
struct PluginMapper {
    /// Source rows mapped per call into the plugin's state, as template rows are checked.
    static let batchRows = 1_000
    /// Source rows per batch when two mappers take batches in turn (`PluginBatches`): each
    /// worker holds a batch in its plugin's state and one mapped, so smaller batches keep the
    /// import's peak memory where one mapper's was.
    static let parallelBatchRows = 500

    let checker: any RowChecking
    /// The rule set's column keys: every client is checked in all of them (a field the plugin
    /// did not fill is an empty cell, which a required column refuses).
    let keys: [String]
    let mapBatch: LuaFunction
    /// The headers row i of the last batch read (`lib.mapper`'s `read_of`).
    let readOf: LuaFunction
    /// The number of the row `map` was last given.
    let position: LuaFunction
    let plugin: Plugin
    /// The source file's header row.
    let headers: [String]
    /// The columns of each of `keys`.
    let columnsOfKey: [String: [Int]]

    init(checker: any RowChecking, keys: [String], mapBatch: LuaFunction, readOf: LuaFunction, position: LuaFunction,
         plugin: Plugin, headers: [String]) {
        self.checker = checker
        self.keys = keys
        self.mapBatch = mapBatch
        self.readOf = readOf
        self.position = position
        self.plugin = plugin
        self.headers = headers
        columnsOfKey = Dictionary(keys.enumerated().map { ($0.element, [$0.offset]) }, uniquingKeysWith: +)
    }

    /// Maps `rows` (each its cells' texts and its number) and checks the clients they became.
    func map(_ rows: [(cells: [String], number: Int)]) throws -> MappedBatch {
        var mapped: [MappedRow] = []
        mapped.reserveCapacity(rows.count)
        var clients: [(row: Int, fields: ClientValue)] = []
        // Each client's texts in the rule set's columns and its custom fields, made in one pass
        // over its fields (dictionaries by key per client cost more than the checks).
        var columnTexts: [[String]] = [], customTexts: [[(name: String, text: String)]] = []
        var customNames: [String] = [], customColumn: [String: Int] = [:]
        for (offset, outcome) in try mapOutcomes(rows).enumerated() {
            var row: MappedRow
            var found: [ClientValue] = []
            switch outcome {
            case .plain(let plain):
                row = MappedRow(number: rows[offset].number, skipReason: plain.skip, rejectReason: plain.reject, notes: plain.warnings)
                found = plain.clients.map(ClientValue.plain)
            case .general(let value):
                row = Self.row(value, number: rows[offset].number, release: plugin.lua.release)
                found = Self.clients(of: value).map(ClientValue.table)
            }
            if row.skipReason == nil, row.rejectReason == nil {
                for client in found {
                    var texts = [String](repeating: "", count: keys.count), custom: [(name: String, text: String)] = []
                    var filled: [String] = []
                    func add(_ name: String, _ text: String) {
                        if customColumn[name] == nil {
                            customColumn[name] = customNames.count
                            customNames.append(name)
                        }
                        custom.append((name, text))
                    }
                    func set(_ key: String, _ text: @autoclosure () -> String) {
                        filled.append(key)
                        guard let columns = columnsOfKey[key] else { return }
                        let text = text()
                        for column in columns { texts[column] = text }
                    }
                    switch client {
                    case .table(let fields):
                        for case let (.string(key), value) in fields.fields {
                            guard key == "custom" else { set(key, Self.cellText(value)); continue }
                            for case let (.string(name), value) in value.tableValue?.fields ?? [:] { add(name, Self.cellText(value)) }
                        }
                    case .plain(let fields):
                        for (key, value) in fields {
                            guard key == "custom" else { set(key, Self.cellText(value)); continue }
                            if case .record(let values) = value {
                                for (name, value) in values { add(name, Self.cellText(value)) }
                            }
                        }
                    }
                    row.clients.append((index: clients.count, keys: filled.sorted(), sources: FieldSources()))
                    clients.append((offset, client))
                    columnTexts.append(texts)
                    customTexts.append(custom)
                }
            }
            mapped.append(row)
        }
        var batch = TextBatch(keys: keys, customNames: customNames)
        for (index, (offset, _)) in clients.enumerated() {
            var custom = [String?](repeating: nil, count: customNames.count)
            for (name, text) in customTexts[index] { custom[customColumn[name] ?? 0] = text }
            batch.append(row: rows[offset].number, columns: columnTexts[index], custom: custom)
        }
        let checked = try checker.check(batch)
        // Where a problem's value came from, asked of the plugin only for rows with one.
        var readByRow: [Int: Set<String>] = [:]
        for (offset, row) in mapped.enumerated() {
            for (position, client) in row.clients.enumerated()
            where !checked.errors[client.index].isEmpty || !checked.warnings[client.index].isEmpty {
                if readByRow[offset] == nil { readByRow[offset] = try headersRead(row: offset) }
                let read = readByRow[offset] ?? [], cells = rows[offset].cells
                mapped[offset].clients[position].sources = switch clients[client.index].fields {
                case .table(let fields): FieldSources(client: fields, read: read, headers: headers, cells: cells)
                case .plain(let fields): FieldSources(client: fields, read: read, headers: headers, cells: cells)
                }
            }
        }
        return MappedBatch(rows: mapped, checked: checked, keys: keys, customNames: customNames)
    }

    /// `map` on each row in the plugin's state, in one call; each row's outcome read on its own
    /// (the copy limits bound one row's outcome, as when rows were mapped one a call): in place
    /// when it has the usual shape (`PlainOutcome`), else copied as a `LuaValue` for the checks
    /// of `row(_:number:release:)`.
    private func mapOutcomes(_ rows: [(cells: [String], number: Int)]) throws -> [Outcome] {
        guard !rows.isEmpty else { return [] }
        let argument = LuaArgument.record([
            ("rows", .integers(rows.map { Int64($0.number) })),
            ("counts", .integers(rows.map { Int64($0.cells.count) })),
            ("cells", .texts(rows.flatMap(\.cells))),
        ])
        var copying: Int?
        do {
            return try plugin.lua.call(mapBatch, building: [argument]) { view, _ in
                try rows.indices.map { offset in
                    copying = rows[offset].number
                    guard let view else { return .general(.nil) }
                    if let plain = view.plainValue(at: offset + 1, depth: PlainOutcome.depth).flatMap(PlainOutcome.init) {
                        return .plain(plain)
                    }
                    return .general(try view.value(at: offset + 1))
                }
            }
        } catch let error as LuaError {
            let row = try copying ?? mappingPosition() ?? rows[0].number
            throw RuleError(error, during: "plugin \(plugin.name) on row \(row)", file: plugin.file)
        }
    }

    /// The row whose `map` failed.
    private func mappingPosition() throws -> Int? {
        do {
            return try plugin.lua.call(position, []).first?.intValue.map(Int.init)
        } catch let error as LuaError {
            throw RuleError(error, during: "plugin \(plugin.name)", file: plugin.file)
        }
    }

    private func headersRead(row offset: Int) throws -> Set<String> {
        do {
            return Set(try plugin.lua.call(readOf, [.integer(Int64(offset + 1))]).first?.tableValue?.array.compactMap(\.stringValue) ?? [])
        } catch let error as LuaError {
            throw RuleError(error, during: "plugin \(plugin.name)", file: plugin.file)
        }
    }

    /// A row's outcome, its clients not yet taken: skipped, rejected (also for a client that
    /// cannot go to the checks), or with clients.
    private static func row(_ outcome: LuaValue, number: Int, release: (LuaFunction) -> Void) -> MappedRow {
        var row = MappedRow(number: number, skipReason: outcome["skip"].stringValue, rejectReason: outcome["reject"].stringValue,
                            notes: outcome["warnings"].tableValue?.array.compactMap(\.stringValue) ?? [])
        // Functions cannot cross to the rule set's state (and would run there if they could).
        if Self.containsFunction(outcome) {
            Self.functions(in: outcome).forEach(release)
            row.rejectReason = row.rejectReason ?? "its map returned a function in a client; a client's fields are texts, numbers, booleans or lists of them"
            return row
        }
        guard row.skipReason == nil, row.rejectReason == nil else { return row }
        for client in outcome["clients"].tableValue?.array ?? [] {
            guard let fields = client.tableValue else {
                row.rejectReason = "its map returned \(typeName(client)) among the clients of the row; each client must be a table"
                return row
            }
            if let problem = Self.shapeProblem(fields) {
                row.rejectReason = "its map returned \(problem)"
                return row
            }
        }
        return row
    }

    private static func clients(of outcome: LuaValue) -> [LuaTable] {
        (outcome["clients"].tableValue?.array ?? []).compactMap(\.tableValue)
    }

    /// `cellText` of a value read in place.
    static func cellText(_ value: LuaPlainValue) -> String {
        switch value {
        case .string(let text): text
        case .bool(let flag): flag ? "1" : ""
        case .integer(let number): String(number)
        case .number(let number): luaText(number)
        case .list(let items): items.map(itemText).joined(separator: ", ")
        case .record: ""
        }
    }

    private static func itemText(_ value: LuaPlainValue) -> String {
        if case .bool(let flag) = value { return flag ? "true" : "false" }
        return cellText(value)
    }

    /// A field's value as the checks read a cell (`as_text` in `rules/lib/engine.lua`): numbers
    /// as Lua writes them, `true` as "1", `false` and nil as "", a list joined with ", ".
    static func cellText(_ value: LuaValue) -> String {
        switch value {
        case .string(let text): text
        case .nil: ""
        case .bool(let flag): flag ? "1" : ""
        case .integer(let number): String(number)
        case .number(let number): luaText(number)
        case .table(let list): list.array.map(itemText).joined(separator: ", ")
        case .function: ""
        }
    }

    /// `tostring(item)` of a list item (a nested table or a function never gets here: the
    /// shape check refuses them first).
    private static func itemText(_ value: LuaValue) -> String {
        switch value {
        case .bool(let flag): flag ? "true" : "false"
        case .nil: "nil"
        case .table, .function: ""
        default: cellText(value)
        }
    }

    /// A float as Lua 5.4's `tostring` writes it: `%.14g`, with ".0" after an integral value.
    static func luaText(_ number: Double) -> String {
        let text = String(format: "%.14g", number)
        return text.allSatisfy({ $0 == "-" || $0.isASCII && $0.isNumber }) ? text + ".0" : text
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

    /// Whether `value` holds a function anywhere (most outcomes hold none: no list is made).
    private static func containsFunction(_ value: LuaValue) -> Bool {
        switch value {
        case .function: true
        case .table(let table): table.array.contains(where: containsFunction) || table.fields.values.contains(where: containsFunction)
        default: false
        }
    }

    private static func functions(in value: LuaValue) -> [LuaFunction] {
        switch value {
        case .function(let function): [function]
        case .table(let table): table.array.flatMap(functions(in:)) + table.fields.values.flatMap(functions(in:))
        default: []
        }
    }
}

/// A row's outcome as `map_batch` returned it.
private enum Outcome {
    /// Of the usual shape, read in place.
    case plain(PlainOutcome)
    /// Anything else, copied whole: `PluginMapper.row` says what is wrong with it, if anything.
    case general(LuaValue)
}

/// A client `map` returned, as read.
private enum ClientValue {
    case table(LuaTable)
    case plain([(key: String, value: LuaPlainValue)])
}

/// An outcome of the shape `lib.mapper` gives a row whose `map` returned clients of texts,
/// numbers, booleans and lists of them: `{ clients = { client… }, warnings = { text… },
/// skip = text?, reject = text? }`. Nil for any other (the general copy and checks take it): so
/// a plain outcome never holds what `PluginMapper.row` would refuse.
private struct PlainOutcome {
    /// Tables deep: outcome, clients, a client, its `custom`, a list in it.
    static let depth = 5

    var skip: String?
    var reject: String?
    var warnings: [String] = []
    var clients: [[(key: String, value: LuaPlainValue)]] = []

    init?(_ value: LuaPlainValue) {
        guard case .record(let fields) = value else { return nil }
        func isCell(_ value: LuaPlainValue) -> Bool {
            switch value {
            case .string, .integer, .number, .bool: true
            case .list(let items): items.allSatisfy { if case .list = $0 { false } else if case .record = $0 { false } else { true } }
            case .record: false
            }
        }
        for (key, value) in fields {
            switch (key, value) {
            case ("skip", .string(let text)): skip = text
            case ("reject", .string(let text)): reject = text
            case ("warnings", .list(let items)):
                for case .string(let text) in items { warnings.append(text) }
                guard warnings.count == items.count else { return nil }
            case ("clients", .list(let items)):
                for item in items {
                    switch item {
                    case .list(let empty) where empty.isEmpty: clients.append([])
                    case .record(let client):
                        for (key, value) in client {
                            if key == "custom" {
                                switch value {
                                case .list(let empty) where empty.isEmpty: continue
                                case .record(let custom) where custom.allSatisfy({ isCell($0.value) }): continue
                                default: return nil
                                }
                            } else if !isCell(value) {
                                return nil
                            }
                        }
                        clients.append(client)
                    default: return nil
                    }
                }
            default: return nil
            }
        }
    }
}

/// Source rows read, mapped by the plugin and checked a batch at a time: a plugin import's
/// producer, as `TemplateBatches` is the template's. Each of `mappers` (a plugin state and a
/// checker of its own) maps on a thread of its own, so mapping overlaps with storing the batches
/// already mapped; with two (a plugin that declares `parallel`), they take the file's batches in
/// turn — the first batches 1, 3, 5…, the second 2, 4, 6… — and `next` hands them back in the
/// file's order, so the import sees what one mapper would have given it: the same rows, messages
/// and first error.
final class PluginBatches {
    /// One batch of mapped and checked rows, and what the reading saw on the way.
    struct Mapped: Sendable {
        /// Rows read for this batch, those over the row limit included.
        var rowsRead: Int
        /// The reader's `fractionRead` after this batch.
        var fractionRead: Double?
        /// The first row read over the row limit, if any.
        var firstRowOverLimit: Int?
        /// The rows within the limit, mapped and checked (nil when there were none).
        var batch: MappedBatch?
    }

    private let turns: Turns
    private let workers: [ReadAhead<Mapped>]
    /// The worker whose batch comes next in the file.
    private var nextWorker = 0

    /// Starts one thread per mapper; the rows, the mappers' plugin states and checkers belong to
    /// those threads from then on.
    init(rows: any RowReader, mappers: [PluginMapper], rowLimit: Int?) {
        precondition(!mappers.isEmpty, "a plugin import needs a mapper")
        let turns = Turns(LimitedRows(rows, limit: rowLimit), workers: mappers.count,
                          batchRows: mappers.count == 1 ? PluginMapper.batchRows : PluginMapper.parallelBatchRows)
        self.turns = turns
        // Two batches ahead in all, as with one thread.
        let capacity = max(1, 2 / mappers.count)
        workers = mappers.enumerated().map { worker, mapper in
            ReadAhead(capacity: capacity) {
                guard let read = try turns.next(for: worker) else { return nil }
                // The cells' texts are made here, outside the turn: the other worker reads meanwhile.
                let pending = read.rows.map { (cells: $0.cells.map(\.displayText), number: $0.number) }
                return Mapped(rowsRead: read.batch.rowsRead, fractionRead: read.fractionRead,
                              firstRowOverLimit: read.batch.firstRowOverLimit,
                              batch: pending.isEmpty ? nil : try mapper.map(pending))
            }
        }
    }

    /// Stops the threads: one waiting for its turn is woken; each ends after the batch it maps.
    deinit { turns.cancel() }

    /// The next batch of up to `PluginMapper.batchRows` rows in the file, mapped and checked; nil
    /// at the end. Rows over the row limit are counted, not mapped (`LimitedRows`). An error
    /// (reading, mapping, checking) comes once the batches before it are taken.
    func next() throws -> Mapped? {
        let worker = workers[nextWorker]
        nextWorker = (nextWorker + 1) % workers.count
        return try worker.next()
    }

    /// The file's rows, read a batch at a time by the workers in turn: worker k reads batch
    /// k + 1, k + 1 + n, … of n workers, so which state maps a batch never depends on timing.
    private final class Turns: @unchecked Sendable {
        private let condition = NSCondition()
        // Guarded by `condition`.
        private var rows: LimitedRows
        private let workers: Int
        private let batchRows: Int
        private var turn = 0
        /// The file ended, or reading it failed, in an earlier turn.
        private var ended = false
        private var cancelled = false

        init(_ rows: LimitedRows, workers: Int, batchRows: Int) {
            self.rows = rows
            self.workers = workers
            self.batchRows = batchRows
        }

        /// Worker `worker`'s next batch, once the batches before it were read; nil at the end of
        /// the file (or after a reading error, which the worker whose turn it was threw) and once
        /// cancelled.
        func next(for worker: Int) throws -> (rows: [Row], batch: LimitedRows.Batch, fractionRead: Double?)? {
            condition.lock()
            defer { condition.unlock() }
            while turn != worker, !ended, !cancelled { condition.wait() }
            guard !ended, !cancelled else { return nil }
            defer {
                turn = (turn + 1) % workers
                condition.broadcast()
            }
            var taken: [Row] = []
            taken.reserveCapacity(batchRows)
            do {
                guard let batch = try rows.nextBatch(upTo: batchRows, { taken.append($0) }) else {
                    ended = true
                    return nil
                }
                return (taken, batch, rows.fractionRead)
            } catch {
                ended = true
                throw error
            }
        }

        func cancel() {
            condition.lock()
            cancelled = true
            condition.broadcast()
            condition.unlock()
        }
    }
}

/// Where a plugin's client came from in the source row: its fields' texts as `map` returned them,
/// the headers `map` read (as `lib.mapper` recorded them) and the row's cells. An error then names
/// the cell of the user's own file. Worked out only for a field with a problem: most rows have
/// none, and matching every field against every cell cost a third of a plugin import's time.
struct FieldSources: Sendable {
    /// The text of each field `map` filled, by key; of each custom field, by name.
    var fieldTexts: [String: String] = [:]
    var customTexts: [String: String] = [:]
    var read: Set<String> = []
    var headers: [String] = []
    var cells: [String] = []

    init() {}

    init(client: LuaTable, read: Set<String>, headers: [String], cells: [String]) {
        for case let (.string(key), value) in client.fields where key != "custom" { fieldTexts[key] = Self.text(value) }
        for case let (.string(name), value) in client["custom"].tableValue?.fields ?? [:] { customTexts[name] = Self.text(value) }
        self.read = read; self.headers = headers; self.cells = cells
    }

    init(client: [(key: String, value: LuaPlainValue)], read: Set<String>, headers: [String], cells: [String]) {
        for (key, value) in client {
            guard key == "custom" else { fieldTexts[key] = Self.text(value); continue }
            if case .record(let custom) = value {
                for (name, value) in custom { customTexts[name] = Self.text(value) }
            }
        }
        self.read = read; self.headers = headers; self.cells = cells
    }

    /// The columns (0-based) whose cells fed the field a problem is about: a cell holding the
    /// field's text, or a part of it when long enough not to match by chance (one phone of a
    /// list, a street in an address); those `map` read, and the one holding the part at fault,
    /// first. Empty when no cell holds it (a value the plugin computed).
    func columns(of problem: RowProblem) -> [Int] {
        let value = (problem.isCustomField ? customTexts[problem.key] : fieldTexts[problem.key]) ?? ""
        let text = Self.trimmed(Array(value.utf8))
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

    /// `text` of a value read in place.
    private static func text(_ value: LuaPlainValue) -> String {
        switch value {
        case .string(let text): text
        case .integer(let number): String(number)
        case .number(let number): String(number)
        case .bool, .record: ""
        case .list(let list): list.map(text).joined(separator: ", ")
        }
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

