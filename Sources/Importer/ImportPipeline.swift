import ClientBase
import Foundation
import Workbook

/// The import: rows from a workbook, checked by the rule set (`RowChecking`), planned against the base
/// and written in one transaction — or not at all when any row has an error.
public struct ImportPipeline {
    /// Errors kept in a report; more are counted in `omittedErrors`.
    public static let maximumIssues = 10_000
    /// Template rows checked together in one call into Lua.
    static let batchRows = 1_000

    public let store: any ClientStore
    public let searchPath: SearchPath
    public let options: ImportOptions

    public init(store: any ClientStore, searchPath: SearchPath = .standard(), options: ImportOptions = .init()) {
        self.store = store
        self.searchPath = searchPath
        self.options = options
    }

    /// Imports the file at `path`. Throws for files that cannot be read (`WorkbookError`), rule
    /// sets that cannot run (`RuleError`), a busy base (`StoreError`) or a bad option
    /// (`ImportError`); a file with bad data returns a report with status `rejected`.
    public func run(path: String) throws -> ImportReport {
        try run(try Self.prepare(path: path, catalog: try store.catalog(), searchPath: searchPath, options: options))
    }

    /// Everything an import does before it writes: the rule set and the plugin loaded and checked,
    /// the file opened and its headers recognised, the employee found. Nothing here needs the
    /// base itself, only its `catalog` (that of a new base when there is none yet), so the CLI
    /// opens — or creates — the base only once this has succeeded: a rule set or plugin that
    /// fails leaves no base behind.
    public static func prepare(path: String, catalog: Catalog, searchPath: SearchPath = .standard(),
                               options: ImportOptions) throws -> PreparedImport {
        try WorkbookFile.requireRegularFile(path)
        OutputTarget.protect(path, as: "the file being imported", whileItExists: true)
        // The journal's digest of the file, hashed on another thread while this one loads the
        // rules and opens the workbook (0.7 s of a 100 MB workbook).
        var hashed = false
        let digestAhead = ReadAhead<String>(capacity: 1) {
            if hashed { return nil }
            hashed = true
            return try SHA256.hexDigest(ofFile: path)
        }
        let employeeName = options.employee ?? ClientStores.administratorName
        guard let employee = catalog.employee(named: employeeName) else {
            throw ImportError("there is no employee \"\(employeeName)\" (employees: \(catalog.employees.map(\.name).joined(separator: ", "))); add one with `clientimport employees add`")
        }
        let engine = try RuleEngine(ruleSet: options.ruleSet, searchPath: searchPath)
        let ruleSet = engine.ruleSet
        let fileName = options.sourceName ?? (path as NSString).lastPathComponent
        var report = ImportReport(status: .rejected, file: fileName, ruleSet: ruleSet.name)
        let recogniser = Recogniser(options: options, searchPath: searchPath, engine: engine, catalog: catalog)

        let readingPlugin = try recogniser.pluginReading(path)
        var rows = try readingPlugin.map { try $0.readRows(path: path) }
            ?? WorkbookFile.openRows(path: path, sheet: options.sheet, csv: options.csv)
        guard let header = try rows.nextRow() else {
            report.errors.append(ImportIssue(row: 1, message: "the file is empty: the first row must hold the headers"))
            return PreparedImport(outcome: .finished(report))
        }
        // A workbook is read on another thread while this one checks and stores; rows a
        // plugin read are already in memory.
        if readingPlugin == nil { rows = ReadAheadRows(rows) }
        let layout: Layout
        var plugin: Plugin?
        switch try recogniser.recognise(header, plugin: readingPlugin) {
        case .template(let mapping):
            layout = .template(try engine.checker(language: mapping.language, catalog: catalog, options: options.rules), mapping)
            report.language = mapping.language
        case .plugin(let chosen, let why):
            plugin = chosen
            let headers = header.cells.map(\.displayText)
            let language = try options.language ?? Self.messageLanguage(of: chosen, headers: headers, ruleSet: ruleSet)
            let checker = try engine.checker(language: language, catalog: catalog, options: options.rules)
            layout = .plugin(try engine.mappers(chosen, checker: checker, headers: headers, language: language, catalog: catalog,
                                                options: options.rules),
                             ColumnMapping(language: language, fieldColumns: [], customColumns: [],
                                           headerTexts: Dictionary(uniqueKeysWithValues: headers.enumerated().map { ($0.offset, $0.element) })))
            report.language = language
            report.plugin = chosen.name
            report.pluginChoice = why
        case .unrecognised(let issues):
            report.errors = issues
            return PreparedImport(outcome: .finished(report))
        }
        return PreparedImport(outcome: .ready(PreparedImport.Ready(
            fileName: fileName, digest: digestAhead, ruleSet: ruleSet, employee: employee, catalog: catalog,
            rows: rows, layout: layout, plugin: plugin, report: report, options: options)))
    }

    /// The language of a plugin import's messages without `--lang`: the headers' language when
    /// the plugin's `detect` tells it and the rule set has it, else English (the catalog's
    /// fallback), else the rule set's first language.
    static func messageLanguage(of plugin: Plugin, headers: [String], ruleSet: RuleSet) throws -> String {
        if let told = try plugin.detection(for: headers).language, ruleSet.languages.contains(told) { return told }
        return ruleSet.languages.contains("en") ? "en" : ruleSet.languages.first ?? "en"
    }

    /// Runs a prepared import against this pipeline's base, in one transaction, with the options
    /// it was prepared with. A prepared import runs once (its rows are read as it runs).
    public func run(_ prepared: PreparedImport) throws -> ImportReport {
        let ready: PreparedImport.Ready
        switch prepared.outcome {
        case .finished(let report): return report
        case .ready(let found): ready = found
        }
        let options = ready.options, layout = ready.layout, rows = ready.rows, ruleSet = ready.ruleSet
        var report = ready.report
        let digest = try ready.digest.next() ?? ""

        var run = Run(store: store, ruleSet: ruleSet, layout: layout, employee: ready.employee, options: options, report: report,
                      knownCustomFields: Set(ready.catalog.customFields.map(\.name)))
        do {
            report = try store.transaction(commit: !options.dryRun) {
                run.batch = try store.beginBatch(BatchSource(
                    fileName: ready.fileName, fileSHA256: digest, ruleSet: ruleSet.name, plugin: ready.plugin?.name ?? "",
                    employeeID: ready.employee.id))
                try run.startKeyFilter()
                switch layout {
                case .template(let checker, let mapping):
                    // Rows are checked in Lua on another thread while this one stores the
                    // batches already checked; the checker and the rows belong to that thread.
                    let batches = TemplateBatches(rows: rows, checker: checker, mapping: mapping, rowLimit: run.rowLimit)
                    let checked = ReadAhead(capacity: 2) { try batches.next() }
                    while let batch = try checked.next() {
                        try run.apply(batch)
                        run.reportProgress()
                    }
                case .plugin(let mappers, _):
                    // Rows are mapped and checked a batch at a time (one call into the plugin's
                    // state and one check per batch) on other threads (one per mapper), as
                    // template rows are checked, while this one applies the batches already
                    // mapped in the file's order.
                    let mapped = PluginBatches(rows: rows, mappers: mappers, rowLimit: run.rowLimit)
                    while let batch = try mapped.next() {
                        try run.apply(batch, plugin: mappers[0].plugin.name)
                        run.reportProgress()
                    }
                }
                // Damage the reader tolerated (a lone surrogate read as U+FFFD, a missing
                // shared-string part no cell uses) is never silent.
                for warning in rows.warnings { run.addReaderWarning(warning) }
                try run.finish()
                run.reportProgress()
                // Headers and nothing below them (a template straight from `template`, a plugin
                // file whose rows are all blank) import nothing: said as an error, not "imported".
                if run.report.counts.rows == 0 && run.report.errors.isEmpty {
                    run.report.errors.append(ImportIssue(row: 2, message: "the file has a header row but no data row below it, so there is nothing to import; fill in at least one client (a template written by `clientimport template` has none) or check that this is the file you meant"))
                }
                if !run.report.errors.isEmpty || run.report.omittedErrors > 0 { throw Rollback(report: run.report) }
                run.report.status = options.dryRun ? .checked : .imported
                run.report.batch = options.dryRun ? nil : run.batch
                return run.report
            }
        } catch let rollback as Rollback {
            report = rollback.report
            report.status = .rejected
            report.batch = nil
        }
        return report
    }

    /// Thrown inside the transaction to undo everything when the file has errors.
    private struct Rollback: Error { var report: ImportReport }
}

/// An import checked as far as it can be without the base (`ImportPipeline.prepare`): either
/// already finished (an empty file, headers nothing recognises) or ready to run.
public final class PreparedImport {
    enum Outcome {
        case finished(ImportReport)
        case ready(Ready)
    }

    struct Ready {
        let fileName: String
        let digest: ReadAhead<String>
        let ruleSet: RuleSet
        let employee: Employee
        let catalog: Catalog
        let rows: any RowReader
        let layout: Layout
        let plugin: Plugin?
        let report: ImportReport
        let options: ImportOptions
    }

    let outcome: Outcome

    init(outcome: Outcome) { self.outcome = outcome }

    /// The report of an import that ends before it reaches the base, else `nil`.
    public var finishedReport: ImportReport? {
        if case .finished(let report) = outcome { return report }
        return nil
    }
}

/// Decides how a file's rows are read: the template, or which plugin. Plugins are tried, under
/// `auto`, each in a Lua state thrown away afterwards; the chosen one is loaded afresh.
private struct Recogniser {
    let options: ImportOptions
    let searchPath: SearchPath
    let engine: RuleEngine
    let catalog: Catalog

    /// A plugin that reads the file itself: the one named, when it has `read`, or under `auto`
    /// one that declares the file's extension.
    func pluginReading(_ path: String) throws -> Plugin? {
        let fileExtension = (path as NSString).pathExtension.lowercased()
        switch options.plugin {
        case .named(let name):
            let plugin = try engine.plugin(name)
            return plugin.read != nil ? plugin : nil
        case .auto:
            guard !["xlsx", "xlsm", "csv", "txt", "tsv"].contains(fileExtension) else { return nil }
            // Detection order is the search path's, not a score: keep it.
            let candidates = try Plugin.candidates(on: searchPath, headers: nil)
            guard let reader = candidates.first(where: { $0.reads && $0.extensions.contains(fileExtension) }) else { return nil }
            return try Plugin.load(reader, searchPath: searchPath)
        case .templateOnly:
            return nil
        }
    }

    enum Recognition {
        case template(ColumnMapping)
        case plugin(Plugin, why: String)
        case unrecognised([ImportIssue])
    }

    /// The template when the headers match it; otherwise the chosen or the most confident plugin.
    func recognise(_ header: Row, plugin: Plugin?) throws -> Recognition {
        if let plugin { return .plugin(plugin, why: "it reads .\(plugin.extensions.joined(separator: ", .")) files") }
        if case .named(let name) = options.plugin {
            return .plugin(try engine.plugin(name), why: "chosen with --plugin")
        }
        let problems: HeaderProblems
        switch HeaderMatcher.match(header, ruleSet: engine.ruleSet, customFields: catalog.customFields) {
        case .success(let mapping): return .template(mapping)
        case .failure(let found): problems = found
        }
        let headers = header.cells.map(\.displayText)
        guard options.plugin == .auto else { return .unrecognised(problems.issues) }
        let ranked = try Plugin.candidates(on: searchPath, headers: headers)
        // A template with a wrong column is still a template, and its user wants the header
        // errors — unless a plugin is all but sure the file is its export (a newer RemOnline
        // layout, say, whose headers resemble the template's).
        let looksLikeTemplate = HeaderMatcher.templateLikeness(headers, ruleSet: engine.ruleSet) >= 0.5
        let needed = looksLikeTemplate ? ImportPipeline.nearTemplateConfidence : ImportOptions.pluginConfidenceThreshold
        if let best = ranked.first, best.score >= needed {
            let reason = best.reason.isEmpty ? "" : ": \(best.reason)"
            return .plugin(try Plugin.load(best, searchPath: searchPath),
                           why: "the headers are not the template's; plugin \(best.name) recognised them with confidence \(Self.percent(best.score))\(reason)")
        }
        if looksLikeTemplate { return .unrecognised(problems.issues) }
        let candidates = ranked.prefix(3).map { "\($0.name) \(Self.percent($0.score))" }.joined(separator: ", ")
        let advice = ImportIssue(row: header.number, message: "the headers are neither the \(engine.ruleSet.name) template's nor an export a plugin recognises (best: \(candidates.isEmpty ? "no plugins" : candidates); \(Self.percent(ImportOptions.pluginConfidenceThreshold)) needed); fix the headers below, choose a plugin with --plugin NAME, or write one (see docs/writing-a-plugin.md)")
        return .unrecognised([advice] + problems.issues)
    }

    private static func percent(_ score: Double) -> String { "\(Int((score * 100).rounded()))%" }
}

extension ImportPipeline {
    /// How sure a plugin must be to take a file whose headers are mostly the template's.
    static let nearTemplateConfidence = 0.9
}

/// How rows become clients: the template's columns checked by the rule set, or a plugin's map.
enum Layout {
    case template(any RowChecking, ColumnMapping)
    /// The plugin's mappers, one per mapping thread (`RuleEngine.mappers`).
    case plugin([PluginMapper], ColumnMapping)

    var mapping: ColumnMapping {
        switch self {
        case .template(_, let mapping), .plugin(_, let mapping): mapping
        }
    }
}

/// Template rows read and checked a batch at a time: the import's producer, which runs on a
/// thread of its own (it alone uses `rows` and the checker's Lua state).
final class TemplateBatches {
    /// One batch of checked rows, and what the reading saw on the way.
    struct Checked: Sendable {
        /// Rows read for this batch, those over the row limit included.
        var rowsRead: Int
        /// The reader's `fractionRead` after this batch.
        var fractionRead: Double?
        /// The first row read over the row limit, if any.
        var firstRowOverLimit: Int?
        /// The file's row number of each checked row.
        var rowNumbers: [Int]
        var checked: CheckedBatch
    }

    private var rows: LimitedRows
    private let checker: any RowChecking
    private let mapping: ColumnMapping

    init(rows: any RowReader, checker: any RowChecking, mapping: ColumnMapping, rowLimit: Int?) {
        self.rows = LimitedRows(rows, limit: rowLimit)
        self.checker = checker
        self.mapping = mapping
    }

    /// The next batch of up to `ImportPipeline.batchRows` rows, checked; nil at the end.
    func next() throws -> Checked? {
        var batch = TextBatch(mapping: mapping)
        guard let read = try rows.nextBatch(upTo: ImportPipeline.batchRows, { batch.append($0) }) else { return nil }
        return Checked(rowsRead: read.rowsRead, fractionRead: rows.fractionRead, firstRowOverLimit: read.firstRowOverLimit,
                       rowNumbers: batch.rowNumbers, checked: try checker.check(batch))
    }
}

/// A file's rows taken a batch at a time under the import's row limit. Rows over the limit are
/// counted, not handed on: the file is rejected anyway, and the count tells the user how long it is.
struct LimitedRows {
    /// What one batch read.
    struct Batch {
        /// Rows read, those over the limit included.
        var rowsRead: Int
        /// The first row read over the limit, if any.
        var firstRowOverLimit: Int?
    }

    private let rows: any RowReader
    private let limit: Int?
    private var rowsRead = 0

    init(_ rows: any RowReader, limit: Int?) {
        self.rows = rows
        self.limit = limit
    }

    /// The reader's `fractionRead`.
    var fractionRead: Double? { rows.fractionRead }

    /// Hands up to `size` rows within the limit to `take`; nil when the file has no row left.
    mutating func nextBatch(upTo size: Int, _ take: (Row) throws -> Void) throws -> Batch? {
        var read = Batch(rowsRead: 0)
        var taken = 0
        while taken < size, let row = try rows.nextRow() {
            read.rowsRead += 1
            rowsRead += 1
            if let limit, rowsRead > limit {
                if read.firstRowOverLimit == nil { read.firstRowOverLimit = row.number }
                continue
            }
            try take(row)
            taken += 1
        }
        return read.rowsRead > 0 ? read : nil
    }
}

/// The state of one import while its rows stream through.
private struct Run {
    let store: any ClientStore
    let ruleSet: RuleSet
    let layout: Layout
    let mapping: ColumnMapping
    let employee: Employee
    let options: ImportOptions
    var report: ImportReport
    var batch: Int64 = 0
    var rowLimitExceededAt: Int?
    /// The reader's `fractionRead` at the last row handled, for the progress display.
    var fractionRead: Double?
    private let fieldKeys: [String]
    /// The storage of the client field of each of `fieldKeys` (nil for id and balance).
    private let fieldStorages: [ClientField.Storage?]
    private let idColumn: Int?
    private let balanceColumn: Int?
    private let customFieldNames: [String]
    private let columnOfKey: [String: Int]
    private let columnOfCustomField: [String: Int]
    /// Custom fields of the base, and those this import created.
    private var knownCustomFields: Set<String>
    /// The row each Client ID of the file was first seen on.
    private var idRows = ClientIDRows()
    /// Custom fields the base lacks, each reported once: the index of its error in
    /// `report.errors` (nil when over the bound) and the rows that fill it.
    private var unknownCustomFields: [String: (issue: Int?, rows: [Int])] = [:]
    /// National numbers (a leading 0) this import gives clients without --phone-country-code:
    /// how many, and the first one's row, for one summary warning.
    private var nationalPhones = 0
    private var firstNationalPhoneRow: Int?
    /// The phones and emails this import stored, when the base had no clients before it: the
    /// duplicate probes of keys it has never seen are skipped (`StoredKeyFilter`).
    private var storedKeys: StoredKeyFilter?
    /// The phones and emails this import stored while the store defers its look-ups (a base
    /// without clients that can defer them): the duplicate probes are answered from here.
    private var deferredKeys: DeferredKeys?
    /// The keys of the client `duplicatesOf` probed last that already have a first client in
    /// `deferredKeys`: the insert that follows adds the others without probing again.
    private var probedKeys: (phones: [String], email: String, phonesWithFirst: [String], emailHasFirst: Bool)?
    /// Whether `sizeKeyTables` has sized the key tables for the whole file.
    private var keyTablesSized = false
    /// `fractionRead` and the key tables' counts when 1% of the file was read.
    private var keyCountAtOnePercent: (fraction: Double, phones: Int, emails: Int)?

    init(store: any ClientStore, ruleSet: RuleSet, layout: Layout, employee: Employee,
         options: ImportOptions, report: ImportReport, knownCustomFields: Set<String>) {
        self.knownCustomFields = knownCustomFields
        self.store = store; self.ruleSet = ruleSet; self.layout = layout
        let mapping = layout.mapping
        self.mapping = mapping
        self.employee = employee; self.options = options; self.report = report
        fieldKeys = mapping.fieldColumns.map(\.key)
        fieldStorages = fieldKeys.map { ClientField(assignedKey: $0)?.storage }
        idColumn = fieldKeys.firstIndex(of: "id")
        balanceColumn = fieldKeys.firstIndex(of: "balance")
        customFieldNames = mapping.customColumns.map(\.name)
        columnOfKey = Dictionary(mapping.fieldColumns.map { ($0.key, $0.index) }, uniquingKeysWith: { a, _ in a })
        columnOfCustomField = Dictionary(mapping.customColumns.map { ($0.name, $0.index) }, uniquingKeysWith: { a, _ in a })
    }

    var rowLimit: Int? {
        switch options.rowLimit {
        case .ruleSet: ruleSet.maxRows
        case .rows(let limit): limit
        case .unlimited: nil
        }
    }

    /// Starts `storedKeys` when the base holds no client: then a new client's only possible
    /// duplicates are this import's own clients, which the filter sees stored.
    /// Into such a base a store that can defers its look-ups instead (`deferredKeys`).
    mutating func startKeyFilter() throws {
        guard try !store.hasClients() else { return }
        if options.defersLookups, try store.beginDeferredLookups() {
            deferredKeys = DeferredKeys(byteBudget: options.deferredKeyBytes, tagMask: options.deferredKeyTagMask)
        } else {
            storedKeys = StoredKeyFilter()
        }
    }

    /// Has the store build its deferred look-ups now and write them as it goes from here on;
    /// the probes are then the store's (no filter: it would lack the keys stored so far).
    private mutating func endDeferredLookups() throws {
        guard deferredKeys != nil else { return }
        deferredKeys = nil
        probedKeys = nil
        try store.endDeferredLookups()
    }

    /// Adds a client just written to `storedKeys` or `deferredKeys`.
    private mutating func noteStored(_ client: Client) throws {
        if storedKeys != nil {
            for phone in client.phones { storedKeys?.insert(phone: phone) }
            if !client.email.isEmpty { storedKeys?.insert(email: client.email) }
        }
        guard var keys = deferredKeys else { return }
        guard let id = UInt32(exactly: client.id) else { return try endDeferredLookups() }
        // The keys without a first client: what `duplicatesOf` found for this client, else probed.
        var probed = probedKeys
        if let known = probed, known.phones != client.phones || known.email != client.email { probed = nil }
        deferredKeys = nil  // Held in `keys` meanwhile, so the tables are not copied.
        for (index, phone) in client.phones.enumerated() where !client.phones[..<index].contains(phone) {
            let hasFirst = try probed.map { $0.phonesWithFirst.contains(phone) } ?? (firstClientID(withPhone: phone, in: keys) != nil)
            if !hasFirst { keys.addPhone(hash: keys.phoneHash(phone), clientID: id) }
        }
        if !client.email.isEmpty {
            let hasFirst = try probed?.emailHasFirst ?? (firstClientID(withEmail: client.email, in: keys) != nil)
            if !hasFirst { keys.addEmail(hash: keys.emailHash(client.email), clientID: id) }
        }
        deferredKeys = keys
        probedKeys = nil
    }

    /// Sizes the key tables once for the whole file, in 16-bit tags (`DeferredKeys.size`), so
    /// that they are not grown (and copied) again: at a million rows the last growth held 47 MB
    /// at once. The keys a hundredth of the file adds are counted between 1% and 3% read, not
    /// from the start: the reader's `fractionRead` runs ahead of the rows handed on (the
    /// inflating and reading threads' queues), which made a count from the start short, and a
    /// late growth put 14 MiB back.
    private mutating func sizeKeyTables() {
        guard !keyTablesSized, var keys = deferredKeys, let fraction = fractionRead, fraction < 1 else { return }
        guard let start = keyCountAtOnePercent else {
            if fraction >= 0.01 { keyCountAtOnePercent = (fraction, keys.phoneCount, keys.emailCount) }
            return
        }
        guard fraction >= 0.03, fraction - start.fraction >= 0.015 else { return }
        keyTablesSized = true
        deferredKeys = nil  // `keys` alone holds the tables, so they are not copied.
        let rest = 1.03 * (1 - fraction) / (fraction - start.fraction)
        keys.size(phones: keys.phoneCount + Int(Double(keys.phoneCount - start.phones) * rest),
                  emails: keys.emailCount + Int(Double(keys.emailCount - start.emails) * rest))
        deferredKeys = keys
    }

    /// Ends the deferral before a client whose keys would take the key tables past their budget.
    private mutating func makeRoomForKeys(of client: Client) throws {
        guard let keys = deferredKeys else { return }
        if !keys.hasRoom(forPhones: client.phones.count, emails: client.email.isEmpty ? 0 : 1) {
            try endDeferredLookups()
        }
    }

    /// The first client with this phone: from `keys` (each tag match confirmed against the
    /// stored client), else the store's answer.
    private func firstClientID(withPhone phone: String, in keys: DeferredKeys?) throws -> Int64? {
        guard let keys else { return try store.firstClientID(withPhone: phone) }
        return try keys.firstPhone(hash: keys.phoneHash(phone)) { id in
            try store.client(id: Int64(id))?.phones.contains(phone) ?? false
        }.map(Int64.init)
    }

    /// The first client with this email, compared as the stores compare it (A–Z folded).
    private func firstClientID(withEmail email: String, in keys: DeferredKeys?) throws -> Int64? {
        guard let keys else { return try store.firstClientID(withEmail: email) }
        return try keys.firstEmail(hash: keys.emailHash(email)) { id in
            guard let stored = try store.client(id: Int64(id))?.email else { return false }
            return DeferredKeys.sameEmail(stored, email)
        }.map(Int64.init)
    }

    /// Once a row has an error nothing more is written (the transaction will be rolled back),
    /// but every row is still checked so the user sees every error at once.
    private var writing: Bool { report.errors.isEmpty && report.omittedErrors == 0 }

    /// A batch of template rows checked by the rule set: each valid row is applied.
    mutating func apply(_ batch: TemplateBatches.Checked) throws {
        report.counts.rows += batch.rowsRead
        fractionRead = batch.fractionRead
        if rowLimitExceededAt == nil { rowLimitExceededAt = batch.firstRowOverLimit }
        let checked = batch.checked
        // The same for every row of the import: made once a batch, not once a row.
        let fields = fieldStorages, custom = Array(customFieldNames.enumerated().map { (column: $0.offset, name: $0.element) })
        for (index, row) in batch.rowNumbers.enumerated() {
            let id = idColumn.flatMap { checked.fields[$0][index].textValue }
            let repeated = isRepeated(id: id, row: row)
            guard record(errors: checked.errors[index], warnings: checked.warnings[index], row: row), !repeated else { continue }
            try apply(id: id, balance: balanceColumn.flatMap { checked.fields[$0][index].textValue }, row: row) {
                $0.assign(checked, index: index, fields: fields, customColumns: custom)
            }
        }
        sizeKeyTables()
    }

    /// A batch of source rows a plugin mapped, its clients checked: each row's notes, skip or
    /// reject, then each valid client applied, row after row.
    mutating func apply(_ mapped: PluginBatches.Mapped, plugin: String) throws {
        report.counts.rows += mapped.rowsRead
        fractionRead = mapped.fractionRead
        if rowLimitExceededAt == nil { rowLimitExceededAt = mapped.firstRowOverLimit }
        guard let batch = mapped.batch else { return }
        defer { sizeKeyTables() }
        let checked = batch.checked
        let idColumn = batch.keys.firstIndex(of: "id"), balanceColumn = batch.keys.firstIndex(of: "balance")
        let columnOfKey = Dictionary(batch.keys.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { a, _ in a })
        for row in batch.rows {
            for note in row.notes { addWarning(ImportIssue(row: row.number, message: note)) }
            if let reason = row.skipReason {
                report.skipped += 1
                addWarning(ImportIssue(row: row.number, message: "skipped by plugin \(plugin): \(reason)"))
                continue
            }
            if let reason = row.rejectReason {
                addError(ImportIssue(row: row.number, message: "plugin \(plugin): \(reason)"))
                continue
            }
            for (index, keys, sources) in row.clients {
                let id = idColumn.flatMap { checked.fields[$0][index].textValue }
                let repeated = isRepeated(id: id, row: row.number)
                guard record(errors: checked.errors[index], warnings: checked.warnings[index], row: row.number, sources: sources),
                      !repeated else { continue }
                // The custom fields the client has a value for, by name.
                let custom = batch.customNames.enumerated()
                    .filter { checked.custom[$0.offset][index] != nil }
                    .map { (column: $0.offset, name: $0.element) }
                    .sorted { $0.name < $1.name }
                for (_, name) in custom where !knownCustomFields.contains(name) {
                    knownCustomFields.insert(name)
                    if writing { try store.defineCustomField(CustomFieldDefinition(name: name, type: .text)) }
                    addWarning(ImportIssue(row: row.number, column: name,
                        message: "the column \"\(name)\" is kept as a new text custom field (--keep-unmapped-as-custom-fields)"))
                }
                // Only the fields the plugin filled are set (a key the rule set has no column
                // for clears its field, as an empty cell would).
                var fields = [ClientField.Storage?](repeating: nil, count: batch.keys.count)
                var cleared: [ClientField] = []
                for key in keys {
                    guard let field = ClientField(assignedKey: key) else { continue }
                    if let column = columnOfKey[key] { fields[column] = field.storage } else { cleared.append(field) }
                }
                try apply(id: id, balance: balanceColumn.flatMap { checked.fields[$0][index].textValue }, row: row.number) {
                    $0.assign(checked, index: index, fields: fields, customColumns: custom)
                    for field in cleared { $0.set(field, to: .none) }
                }
            }
        }
    }

    /// Whether the row names a Client ID an earlier row of the file named (reported as an error
    /// naming that row); otherwise remembers it. Rows with other errors count too, so every
    /// repeat is reported at once. "12", " 12 " and "012" are the same client: the ID rule trims
    /// and reads digits.
    private mutating func isRepeated(id idText: String?, row: Int) -> Bool {
        guard let idText, let id = Int64(idText), let first = idRows.firstRow(of: id, seenOn: row) else { return false }
        addError(cellIssue("id", row: row, value: idText, message: message("id_repeated", ["value": idText, "first": String(first)])))
        return true
    }

    /// Reports a checked row's problems (from left to right: Lua tables have no order);
    /// `true` when the row has no errors and may be applied.
    /// `sources`: for a plugin's client, the source columns that fed each field.
    private mutating func record(errors: [RowProblem], warnings: [RowProblem], row: Int, sources: FieldSources? = nil) -> Bool {
        for problem in leftToRight(warnings) {
            // Past the bound a warning is only counted: locating it (in a plugin's source row)
            // would be work thrown away on every row of a file that warns on every row.
            if report.warnings.count < ImportPipeline.maximumIssues { addWarning(issue(problem, row: row, sources: sources)) }
            else { report.omittedWarnings += 1 }
        }
        for problem in leftToRight(errors) {
            if problem.isCustomField && !knownCustomFields.contains(problem.key) {
                noteUnknownCustomField(problem, row: row, sources: sources)
            } else {
                addError(issue(problem, row: row, sources: sources))
            }
        }
        return errors.isEmpty
    }

    /// A custom field the base lacks is one mistake, however many rows fill it: one error, on
    /// its first row, with the command that adds it; `finish` adds how many rows fill it.
    private mutating func noteUnknownCustomField(_ problem: RowProblem, row: Int, sources: FieldSources?) {
        if unknownCustomFields[problem.key] != nil {
            unknownCustomFields[problem.key]?.rows.append(row)
            return
        }
        let index = report.errors.count < ImportPipeline.maximumIssues ? report.errors.count : nil
        addError(issue(problem, row: row, sources: sources))
        unknownCustomFields[problem.key] = (index, [row])
    }

    /// The row count of each unknown custom field's one error (the first 10 rows listed).
    private mutating func summariseUnknownCustomFields() {
        for (_, field) in unknownCustomFields where field.rows.count > 1 {
            guard let index = field.issue else { continue }
            let listed = field.rows.prefix(10).map(String.init).joined(separator: ", ") + (field.rows.count > 10 ? ", …" : "")
            report.errors[index].message += "; " + message("custom_field_unknown_rows", ["count": String(field.rows.count), "rows": listed])
        }
    }

    func reportProgress() {
        let counts = report.counts
        let checked = rowLimit.map { min($0, counts.rows) } ?? counts.rows
        options.progress?(ImportProgress(rowsRead: counts.rows, rowsChecked: checked,
                                         rowsWritten: writing ? counts.created + counts.updated : 0, fractionRead: fractionRead))
    }

    /// Reports a row limit overrun, then closes the batch with its counts.
    mutating func finish() throws {
        summariseUnknownCustomFields()
        if let first = rowLimitExceededAt, let limit = rowLimit {
            addError(ImportIssue(row: first, message: message("too_many_rows", ["rows": String(report.counts.rows), "limit": String(limit)])))
        }
        if let row = firstNationalPhoneRow {
            addWarning(ImportIssue(row: row, message: message("national_phones", ["count": String(nationalPhones), "row": String(row)],
                default: "{count} phone number(s) from row {row} on start with 0, a national number without its country code; to store them international (as SMS and RemOnline need), import again with --phone-country-code and the country's code (33 France, 7 Russia, 380 Ukraine, 44 United Kingdom…)")))
        }
        // Built only for a commit: a rejected file or a dry run is rolled back whole.
        if writing && !options.dryRun {
            try endDeferredLookups()
            try options.afterDeferredLookupsBuilt?()
        }
        try store.finishBatch(batch, counts: report.counts)
    }

    /// Creates or updates the client of one valid row: `idText` and `balanceText` are the
    /// row's typed id and balance, `assign` sets the fields its columns carry.
    private mutating func apply(id idText: String?, balance balanceText: String?, row: Int,
                                assign: (inout Client) -> Void) throws {
        var existing: Client?
        if let idText, let id = Int64(idText) {
            existing = try store.client(id: id)
            if existing == nil {
                addWarning(cellIssue("id", row: row, value: idText, message: message("id_unknown", ["value": idText])))
            }
        }
        var client = existing ?? Client(id: 0, name: "")
        assign(&client)
        notePhones(of: client, before: existing, row: row)

        if existing == nil {
            let duplicates = try duplicatesOf(client, row: row)
            if let first = duplicates.first {
                switch options.onDuplicate {
                case .create: break
                case .skip:
                    report.skipped += 1
                    return
                case .update:
                    existing = try store.client(id: first)
                    if var target = existing {
                        assign(&target)
                        client = target
                    }
                }
            }
        }

        // Checked on the client as it would be stored, whatever the source (a CSV cell, a
        // plugin's concatenation, phones joined): a longer text made every XLSX export fail.
        if let overlong = TemplateLayout.firstOverlongField(of: client) {
            addError(issue(RowProblem(key: overlong.key, isCustomField: overlong.isCustomField,
                                      value: Self.preview(overlong.text),
                                      message: message("cell_too_long", ["length": String(overlong.length), "limit": String(Cell.maximumTextLength)])),
                           row: row))
            return
        }

        var changed = false
        if let previous = existing {
            if !client.hasSameFields(as: previous) {
                changed = true
                if writing {
                    // A client's keys change: the tables only ever gain clients.
                    try endDeferredLookups()
                    try store.updateClient(client, previous: previous, batch: batch, sourceRow: row)
                    try noteStored(client)
                }
            }
        } else if writing {
            try makeRoomForKeys(of: client)
            client.id = try store.insertClient(client, batch: batch, sourceRow: row)
            try noteStored(client)
        }

        if let targetText = balanceText, let target = ExactDecimal(targetText) {
            let difference = target - (existing?.balance ?? .zero)
            if !difference.isZero {
                if !employee.canAdjustBalance {
                    addError(cellIssue("balance", row: row, value: targetText, message: message(
                        "balance_not_allowed", ["value": targetText, "employee": employee.name, "role": employee.role])))
                    return
                }
                changed = true
                report.counts.balanceCorrections += 1
                if writing {
                    try store.appendBalanceCorrection(clientID: client.id, amount: difference,
                        comment: RuleSet.localized(ruleSet.balanceComment, mapping.language),
                        batch: batch, employeeID: employee.id, sourceRow: row)
                }
            }
        }
        if existing == nil { report.counts.created += 1 }
        else if changed { report.counts.updated += 1 }
        else { report.counts.unchanged += 1 }
    }

    /// For each phone and the email of a new client, the first client (lowest ID; already in the
    /// base, or created by an earlier row of this file) sharing it, reported as a warning. Only
    /// the first: a number shared by thousands of rows (a company's switchboard) would otherwise
    /// make every later row warn about every earlier one, and the import quadratic.
    private mutating func duplicatesOf(_ client: Client, row: Int) throws -> [Int64] {
        var found: [Int64] = []
        var phonesWithFirst: [String] = [], emailHasFirst = false
        for phone in client.phones where storedKeys?.mayContain(phone: phone) ?? true {
            guard let id = try firstClientID(withPhone: phone, in: deferredKeys) else { continue }
            phonesWithFirst.append(phone)
            if !found.contains(id) {
                found.append(id)
                addWarning(cellIssue("phone", row: row, value: phone, message: message(
                    "duplicate_phone", ["value": phone, "client": String(id), "advice": duplicateAdvice])))
            }
        }
        if !client.email.isEmpty, storedKeys?.mayContain(email: client.email) ?? true {
            if let id = try firstClientID(withEmail: client.email, in: deferredKeys) {
                emailHasFirst = true
                if !found.contains(id) {
                    found.append(id)
                    addWarning(cellIssue("email", row: row, value: client.email, message: message(
                        "duplicate_email", ["value": client.email, "client": String(id), "advice": duplicateAdvice])))
                }
            }
        }
        if deferredKeys != nil { probedKeys = (client.phones, client.email, phonesWithFirst, emailHasFirst) }
        return found
    }

    /// The start of a long value, for a message: the report never repeats 32,767 characters.
    static func preview(_ text: String) -> String {
        text.count > 40 ? String(text.prefix(40)) + "…" : text
    }

    private var duplicateAdvice: String {
        message("duplicate_\(options.onDuplicate.rawValue)", [:])
    }

    /// A message of the rule set in the import's language.
    private func message(_ key: String, _ values: [String: String]) -> String {
        ruleSet.message(key, language: mapping.language, values)
    }

    /// A message this build added after rule sets were written: a rule set without it gets
    /// `default`, in English, rather than the bare key.
    private func message(_ key: String, _ values: [String: String], default text: String) -> String {
        let found = ruleSet.message(key, language: mapping.language, values)
        guard found == key else { return found }
        return values.reduce(text) { $0.replacingOccurrences(of: "{\($1.key)}", with: $1.value) }
    }

    /// Phones new to a client: one that is a phone the client has minus its leading 0 (Excel
    /// drops it from a CSV phone column it took for numbers) warns; national numbers are
    /// counted for the summary warning when no --phone-country-code converts them.
    private mutating func notePhones(of client: Client, before existing: Client?, row: Int) {
        let previous = existing?.phones ?? []
        for phone in client.phones where !previous.contains(phone) {
            if previous.contains("0" + phone) {
                addWarning(cellIssue("phone", row: row, value: phone, message: message(
                    "phone_lost_zero", ["value": phone, "previous": "0" + phone, "client": String(existing?.id ?? 0)],
                    default: "{value} is client {client}'s phone {previous} without its leading 0, as Excel shows a phone column it took for numbers; the number is taken as written: put the 0 back (format the column as Text in Excel before saving) and import again")))
            }
            if options.rules.phoneCountryCode == nil, phone.hasPrefix("0") {
                nationalPhones += 1
                if firstNationalPhoneRow == nil { firstNationalPhoneRow = row }
            }
        }
    }

    private mutating func addError(_ issue: ImportIssue) {
        if report.errors.count < ImportPipeline.maximumIssues { report.errors.append(issue) }
        else { report.omittedErrors += 1 }
    }

    /// Warnings are kept up to the same bound as errors, so memory stays flat when every row warns.
    /// A warning of the file's reader, at its row (row 1 when it concerns the whole file).
    mutating func addReaderWarning(_ warning: WorkbookWarning) {
        let place = warning.part.map { "\($0): " } ?? ""
        addWarning(ImportIssue(row: warning.row ?? 1, message: place + warning.message))
    }

    private mutating func addWarning(_ issue: ImportIssue) {
        if report.warnings.count < ImportPipeline.maximumIssues { report.warnings.append(issue) }
        else { report.omittedWarnings += 1 }
    }

    private func columnIndex(of problem: RowProblem) -> Int? {
        problem.isCustomField ? columnOfCustomField[problem.key] : columnOfKey[problem.key]
    }

    /// The problems in column order. Most rows have none or one, and sorting is skipped for
    /// them: the comparison closure captures `self`, a copy of the whole `Run` with its retains
    /// and releases, and building it twice a row was a sixth of the calling thread's work.
    private func leftToRight(_ problems: [RowProblem]) -> [RowProblem] {
        guard problems.count > 1 else { return problems }
        return problems.sorted { (columnIndex(of: $0) ?? .max) < (columnIndex(of: $1) ?? .max) }
    }

    private func issue(_ problem: RowProblem, row: Int, sources: FieldSources? = nil) -> ImportIssue {
        let header = problem.isCustomField ? problem.key : ruleSet.column(problem.key)?.header(mapping.language) ?? problem.key
        // A plugin's client: the source file's own column and cell, and the template column
        // the value was for ("Phone 1 - Value" (D7) for "Phone number").
        if let source = sources?.columns(of: problem).first, let sourceHeader = mapping.headerTexts[source] {
            return ImportIssue(row: row, cell: "\(ColumnLetters.letters(ofIndex: source))\(row)", column: sourceHeader,
                               field: header, value: problem.value, message: problem.message)
        }
        let index = columnIndex(of: problem)
        return ImportIssue(row: row, cell: index.map { "\(ColumnLetters.letters(ofIndex: $0))\(row)" },
                           column: index.flatMap { mapping.headerTexts[$0] } ?? header,
                           value: problem.value, message: problem.message)
    }

    private func cellIssue(_ key: String, row: Int, value: String, message: String) -> ImportIssue {
        issue(RowProblem(key: key, isCustomField: false, value: value, message: message), row: row)
    }
}

/// The row on which each Client ID of a file first appeared: a second row with the same ID makes
/// the file ambiguous (which one is right?). IDs come from the base's own numbering, so an
/// array indexed by ID (4 bytes a client, 4 MiB for a million) holds them, and memory stays flat
/// however many rows the file has; the rare larger ID goes to a dictionary.
struct ClientIDRows {
    static let arrayLimit: Int64 = 1 << 22
    private var rowOfSmallID: [Int32] = []
    private var rowOfLargeID: [Int64: Int] = [:]

    /// The row `id` was first seen on, if before `row`; otherwise records `row` and returns nil.
    mutating func firstRow(of id: Int64, seenOn row: Int) -> Int? {
        if id >= 0, id < Self.arrayLimit, row < Int(Int32.max) {
            let index = Int(id)
            if index >= rowOfSmallID.count {
                let size = min(max(index + 1, rowOfSmallID.count * 2), Int(Self.arrayLimit))
                rowOfSmallID.append(contentsOf: repeatElement(0, count: size - rowOfSmallID.count))
            }
            let first = rowOfSmallID[index]
            if first != 0 { return Int(first) }
            rowOfSmallID[index] = Int32(row)
            return nil
        }
        if let first = rowOfLargeID[id] { return first }
        rowOfLargeID[id] = row
        return nil
    }
}
