import ClientBase
import Foundation
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
        lua.register("trim", in: "clientimport", native: .trim)
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
            var row = TextBatch(keys: ruleSet.columns.map(\.key), customNames: [])
            row.append(row: 2, texts: example, custom: [:])
            // An example row has no custom fields, so only the template's own columns are judged.
            for problem in try checker.check(row).errors.joined() where RuleSet.fieldKeys.contains(problem.key) {
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
    /// a batch of rows per call, then this rule set's checks on Swift copies of the clients it made.
    func mapper(_ plugin: Plugin, checker: any RowChecking, headers: [String], options: RuleOptions) throws -> PluginMapper {
        let context = LuaValue.table(LuaTable(fields: [
            .string("headers"): .table(LuaTable(array: headers.map(LuaValue.string))),
            .string("options"): options.lua,
        ]))
        do {
            guard let makeMapper = try plugin.lua.run(string: "return require('lib.mapper').new", chunkName: "=mapper").first?.functionValue else {
                throw RuleError(file: "rules/lib/mapper.lua", "lib.mapper must return { new = function(plugin, ctx) … }")
            }
            let made = try plugin.lua.call(makeMapper, [.table(plugin.table), context])
            guard made.count >= 3, let mapBatch = made[0].functionValue, let readOf = made[1].functionValue,
                  let position = made[2].functionValue else {
                throw RuleError(file: "rules/lib/mapper.lua", "lib.mapper.new must return map_batch, read_of and position")
            }
            return PluginMapper(checker: checker, keys: ruleSet.columns.map(\.key), mapBatch: mapBatch, readOf: readOf,
                                position: position, plugin: plugin, headers: headers)
        } catch let error as LuaError {
            throw RuleError(error, during: "plugin \(plugin.name)", file: plugin.file)
        }
    }

    /// The mappers of a plugin import, one per mapping thread (`PluginBatches`): two when the
    /// plugin declares `parallel` and the rule set's checks run without Lua (`checker` then has
    /// no state shared with a second one), each with a state of the plugin (the second loaded
    /// afresh from its file) and a checker of its own; else `checker`'s alone.
    func mappers(_ plugin: Plugin, checker: any RowChecking, headers: [String], language: String, catalog: Catalog,
                 options: RuleOptions) throws -> [PluginMapper] {
        let first = try mapper(plugin, checker: checker, headers: headers, options: options)
        guard plugin.parallel, (checker as? HybridRowChecker)?.runsWithoutLua == true else { return [first] }
        let second = try self.checker(language: language, catalog: catalog, options: options)
        return [first, try mapper(try plugin.loadedAgain(searchPath: searchPath), checker: second, headers: headers, options: options)]
    }

    /// The row checks of one import (the template language and the base's catalog are fixed):
    /// the stock types natively and Lua only for the rule set's own code (`HybridRowChecker`);
    /// all in Lua (`LuaRowChecker`) when a column's type is not a stock one.
    func checker(language: String, catalog: Catalog, options: RuleOptions) throws -> any RowChecking {
        let natives = ruleSet.columns.compactMap(NativeColumn.init)
        guard natives.count == ruleSet.columns.count else {
            return try luaChecker(language: language, catalog: catalog, options: options)
        }
        let declared = ruleSet.table["columns"].tableValue?.array ?? []
        let validated = Set(zip(ruleSet.columns, declared).filter { $0.1["validate"].functionValue != nil }.map(\.0.key))
        let hasValidateRow = ruleSet.table["validate_row"].functionValue != nil
        var code: (lua: LuaState, run: LuaFunction, file: String)?
        if !validated.isEmpty || hasValidateRow {
            code = (lua, try make("code_checker", language: language, catalog: catalog, options: options), ruleSet.file)
        }
        return HybridRowChecker(columns: natives, context: NativeCheckContext(options: options, catalog: catalog),
                                messages: MessageCatalog(ruleSet), language: language, code: code, validated: validated, hasValidateRow: hasValidateRow)
    }

    /// The checks of one import run wholly in Lua by `engine.batch_checker`, the reference.
    func luaChecker(language: String, catalog: Catalog, options: RuleOptions) throws -> LuaRowChecker {
        LuaRowChecker(lua: lua, checkBatch: try make("batch_checker", language: language, catalog: catalog, options: options),
                      file: ruleSet.file)
    }

    /// The function `engine[name](rule_set, ctx)` returns for one import's `ctx`.
    private func make(_ name: String, language: String, catalog: Catalog, options: RuleOptions) throws -> LuaFunction {
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

/// `bench rules FILE` (see `Benchmarks/`): the rule set's checks alone, as an import runs them —
/// cell texts handed over a batch at a time, typed fields back — timed without the reading: rows
/// are read (and their cell texts made) a chunk at a time outside the clock.
@_spi(Benchmark) public enum RulesBenchmark {
    public struct Result: Sendable {
        public var rows = 0
        public var rowsWithErrors = 0
        public var warnings = 0
        public var seconds = 0.0
        /// The checking thread's CPU time in the checks: what a busy machine's wall clock blurs.
        public var cpuSeconds = 0.0
        /// The first error, to tell a file the rules refuse from a fast run.
        public var firstError: String?
        /// Each chunk's rows and the checking thread's CPU seconds for them, in file order: where
        /// a run slows down (the 1M-row run's lower rows/s than the 100k-row run's).
        public var chunks: [(rows: Int, cpuSeconds: Double)] = []
    }

    /// `allLua`: check with `engine.batch_checker` alone (`LuaRowChecker`, the checks before the
    /// stock types ran natively), for a before/after in one binary.
    public static func run(path: String, catalog: Catalog, ruleSet: String = "remonline",
                           searchPath: SearchPath = .standard(), chunk: Int = 10_000, allLua: Bool = false) throws -> Result {
        let engine = try RuleEngine(ruleSet: ruleSet, searchPath: searchPath)
        let rows = try WorkbookFile.openRows(path: path)
        guard let header = try rows.nextRow() else { throw ImportError("\(path) is empty") }
        let mapping: ColumnMapping
        switch HeaderMatcher.match(header, ruleSet: engine.ruleSet, customFields: catalog.customFields) {
        case .success(let found): mapping = found
        case .failure(let problems): throw ImportError(problems.issues.map(\.description).joined(separator: "\n"))
        }
        let checker: any RowChecking = allLua
            ? try engine.luaChecker(language: mapping.language, catalog: catalog, options: RuleOptions())
            : try engine.checker(language: mapping.language, catalog: catalog, options: RuleOptions())
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
            let cpuStart = Self.threadCPUSeconds()
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
            let chunkCPU = Self.threadCPUSeconds() - cpuStart
            result.cpuSeconds += chunkCPU
            if read > 0 { result.chunks.append((read, chunkCPU)) }
            result.rows += read
        }
        return result
    }

    /// The CPU time the calling thread has used, in seconds.
    static func threadCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
