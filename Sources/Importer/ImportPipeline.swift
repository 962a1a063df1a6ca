import ClientBase
import Foundation
import LuaBridge
import Workbook

/// The import: rows from a workbook, checked by the rule set in Lua, planned against the base
/// and written in one transaction — or not at all when any row has an error.
public struct ImportPipeline {
    /// Errors kept in a report; more are counted in `omittedErrors`.
    public static let maximumIssues = 10_000
    static let progressInterval = 2_000
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
        try WorkbookFile.requireRegularFile(path)
        // The journal's digest of the file, hashed on another thread while this one loads the
        // rules and opens the workbook (0.7 s of a 100 MB workbook).
        var hashed = false
        let digestAhead = ReadAhead<String>(capacity: 1) {
            if hashed { return nil }
            hashed = true
            return try SHA256.hexDigest(ofFile: path)
        }
        let catalog = try store.catalog()
        let employeeName = options.employee ?? SQLiteClientStore.administratorName
        guard let employee = catalog.employee(named: employeeName) else {
            throw ImportError("there is no employee \"\(employeeName)\" (employees: \(catalog.employees.map(\.name).joined(separator: ", "))); add one with `clientimport employees add`")
        }
        let engine = try RuleEngine(ruleSet: options.ruleSet, searchPath: searchPath)
        let ruleSet = engine.ruleSet
        let fileName = (path as NSString).lastPathComponent
        var report = ImportReport(status: .rejected, file: fileName, ruleSet: ruleSet.name)

        var readingPlugin = try pluginReading(path, engine: engine)
        var rows = try readingPlugin.map { try $0.readRows(path: path, in: engine.lua) }
            ?? WorkbookFile.openRows(path: path, sheet: options.sheet, csv: options.csv)
        guard let header = try rows.nextRow() else {
            report.errors.append(ImportIssue(row: 1, message: "the file is empty: the first row must hold the headers"))
            return report
        }
        // A workbook is read on another thread while this one checks and stores; rows a
        // plugin read came from Lua, which stays on this thread.
        if readingPlugin == nil { rows = ReadAheadRows(rows) }
        let layout: Layout
        switch try recognise(header, engine: engine, catalog: catalog, plugin: readingPlugin) {
        case .template(let mapping):
            layout = .template(try engine.checker(language: mapping.language, catalog: catalog, options: options.rules), mapping)
            report.language = mapping.language
        case .plugin(let plugin, let why):
            readingPlugin = plugin
            let language = options.language ?? ruleSet.languages.first ?? "en"
            let headers = header.cells.map(\.displayText)
            let checker = try engine.checker(language: language, catalog: catalog, options: options.rules)
            layout = .plugin(try engine.mapper(plugin, checker: checker, headers: headers, options: options.rules),
                             ColumnMapping(language: language, fieldColumns: [], customColumns: [], headerTexts: [:]))
            report.language = language
            report.plugin = plugin.name
            report.pluginChoice = why
        case .unrecognised(let issues):
            report.errors = issues
            return report
        }
        let digest = try digestAhead.next() ?? ""

        var run = Run(store: store, ruleSet: ruleSet, layout: layout, employee: employee, options: options, report: report,
                      knownCustomFields: Set(catalog.customFields.map(\.name)))
        do {
            report = try store.transaction(commit: !options.dryRun) {
                run.batch = try store.beginBatch(BatchSource(
                    fileName: fileName, fileSHA256: digest, ruleSet: ruleSet.name, plugin: readingPlugin?.name ?? "",
                    employeeID: employee.id))
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
                case .plugin(let mapper, _):
                    while let row = try rows.nextRow() {
                        try run.process(row, mapper: mapper)
                        if run.report.counts.rows % Self.progressInterval == 0 { run.reportProgress() }
                    }
                }
                // Damage the reader tolerated (a lone surrogate read as U+FFFD, a missing
                // shared-string part no cell uses) is never silent.
                for warning in rows.warnings { run.addReaderWarning(warning) }
                try run.finish()
                run.reportProgress()
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

    /// A plugin that reads the file itself: the one named, when it has `read`, or under `auto`
    /// one that declares the file's extension.
    private func pluginReading(_ path: String, engine: RuleEngine) throws -> Plugin? {
        let fileExtension = (path as NSString).pathExtension.lowercased()
        switch options.plugin {
        case .named(let name):
            let plugin = try engine.plugin(name)
            return plugin.read != nil ? plugin : nil
        case .auto:
            guard !["xlsx", "xlsm", "csv", "txt", "tsv"].contains(fileExtension) else { return nil }
            return try engine.allPlugins().first { $0.read != nil && $0.extensions.contains(fileExtension) }
        case .templateOnly:
            return nil
        }
    }

    private enum Recognition {
        case template(ColumnMapping)
        case plugin(Plugin, why: String)
        case unrecognised([ImportIssue])
    }

    /// The template when the headers match it; otherwise the chosen or the most confident plugin.
    private func recognise(_ header: Row, engine: RuleEngine, catalog: Catalog, plugin: Plugin?) throws -> Recognition {
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
        let ranked = try engine.rankPlugins(for: headers)
        // A template with a wrong column is still a template, and its user wants the header
        // errors — unless a plugin is all but sure the file is its export (a newer RemOnline
        // layout, say, whose headers resemble the template's).
        let looksLikeTemplate = HeaderMatcher.templateLikeness(headers, ruleSet: engine.ruleSet) >= 0.5
        let needed = looksLikeTemplate ? Self.nearTemplateConfidence : ImportOptions.pluginConfidenceThreshold
        if let best = ranked.first, best.score >= needed {
            let reason = best.reason.isEmpty ? "" : ": \(best.reason)"
            return .plugin(best.plugin, why: "the headers are not the template's; plugin \(best.plugin.name) recognised them with confidence \(Self.percent(best.score))\(reason)")
        }
        if looksLikeTemplate { return .unrecognised(problems.issues) }
        let candidates = ranked.prefix(3).map { "\($0.plugin.name) \(Self.percent($0.score))" }.joined(separator: ", ")
        let advice = ImportIssue(row: header.number, message: "the headers are neither the \(engine.ruleSet.name) template's nor an export a plugin recognises (best: \(candidates.isEmpty ? "no plugins" : candidates); \(Self.percent(ImportOptions.pluginConfidenceThreshold)) needed); fix the headers below, choose a plugin with --plugin NAME, or write one (see docs/writing-a-plugin.md)")
        return .unrecognised([advice] + problems.issues)
    }

    /// How sure a plugin must be to take a file whose headers are mostly the template's.
    static let nearTemplateConfidence = 0.9

    private static func percent(_ score: Double) -> String { "\(Int((score * 100).rounded()))%" }

    /// Thrown inside the transaction to undo everything when the file has errors.
    private struct Rollback: Error { var report: ImportReport }
}

/// How rows become clients: the template's columns checked by the rule set, or a plugin's map.
private enum Layout {
    case template(RowChecker, ColumnMapping)
    case plugin(PluginMapper, ColumnMapping)

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
        /// The first row read over the row limit, if any.
        var firstRowOverLimit: Int?
        /// The file's row number of each checked row.
        var rowNumbers: [Int]
        var checked: CheckedBatch
    }

    private let rows: any RowReader
    private let checker: RowChecker
    private let mapping: ColumnMapping
    private let rowLimit: Int?
    private var rowsRead = 0

    init(rows: any RowReader, checker: RowChecker, mapping: ColumnMapping, rowLimit: Int?) {
        self.rows = rows
        self.checker = checker
        self.mapping = mapping
        self.rowLimit = rowLimit
    }

    /// The next batch of up to `ImportPipeline.batchRows` rows, checked; nil at the end.
    func next() throws -> Checked? {
        var batch = TextBatch(mapping: mapping)
        var read = 0
        var overLimit: Int?
        while batch.count < ImportPipeline.batchRows, let row = try rows.nextRow() {
            read += 1
            rowsRead += 1
            // Rows over the limit are counted, not checked: the file is rejected anyway.
            if let rowLimit, rowsRead > rowLimit {
                if overLimit == nil { overLimit = row.number }
                continue
            }
            batch.append(row)
        }
        guard read > 0 else { return nil }
        return Checked(rowsRead: read, firstRowOverLimit: overLimit, rowNumbers: batch.rowNumbers,
                       checked: try checker.check(batch))
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
    private let fieldKeys: [String]
    /// The client field of each of `fieldKeys` (nil for id and balance).
    private let clientFields: [ClientField?]
    private let idColumn: Int?
    private let balanceColumn: Int?
    private let customFieldNames: [String]
    private let columnOfKey: [String: Int]
    private let columnOfCustomField: [String: Int]
    /// Custom fields of the base, and those this import created.
    private var knownCustomFields: Set<String>

    init(store: any ClientStore, ruleSet: RuleSet, layout: Layout, employee: Employee,
         options: ImportOptions, report: ImportReport, knownCustomFields: Set<String>) {
        self.knownCustomFields = knownCustomFields
        self.store = store; self.ruleSet = ruleSet; self.layout = layout
        let mapping = layout.mapping
        self.mapping = mapping
        self.employee = employee; self.options = options; self.report = report
        fieldKeys = mapping.fieldColumns.map(\.key)
        clientFields = fieldKeys.map(ClientField.init(rawValue:))
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

    /// Once a row has an error nothing more is written (the transaction will be rolled back),
    /// but every row is still checked so the user sees every error at once.
    private var writing: Bool { report.errors.isEmpty && report.omittedErrors == 0 }

    /// A row of the plugin path: mapped by the plugin, then checked.
    mutating func process(_ row: Row, mapper: PluginMapper) throws {
        report.counts.rows += 1
        if let limit = rowLimit, report.counts.rows > limit {
            if rowLimitExceededAt == nil { rowLimitExceededAt = row.number }
            return
        }
        try processPluginRow(row, mapper: mapper)
    }

    /// A batch of template rows checked by the rule set: each valid row is applied.
    mutating func apply(_ batch: TemplateBatches.Checked) throws {
        report.counts.rows += batch.rowsRead
        if rowLimitExceededAt == nil { rowLimitExceededAt = batch.firstRowOverLimit }
        let checked = batch.checked
        for (index, row) in batch.rowNumbers.enumerated()
        where record(errors: checked.errors[index], warnings: checked.warnings[index], row: row) {
            let fields = clientFields, names = customFieldNames
            try apply(id: idColumn.flatMap { checked.fields[$0][index].stringValue },
                      balance: balanceColumn.flatMap { checked.fields[$0][index].stringValue }, row: row) {
                $0.assign(checked, index: index, fields: fields, customFieldNames: names)
            }
        }
    }

    private mutating func processPluginRow(_ row: Row, mapper: PluginMapper) throws {
        let mapped = try mapper.map(row.cells.map(\.displayText), rowNumber: row.number)
        for note in mapped.notes { addWarning(ImportIssue(row: row.number, message: note)) }
        if let reason = mapped.skipReason {
            report.skipped += 1
            addWarning(ImportIssue(row: row.number, message: "skipped by plugin \(mapper.plugin.name): \(reason)"))
            return
        }
        if let reason = mapped.rejectReason {
            addError(ImportIssue(row: row.number, message: "plugin \(mapper.plugin.name): \(reason)"))
            return
        }
        for (checked, keys) in mapped.clients where record(errors: checked.errors, warnings: checked.warnings, row: row.number) {
            let custom = checked.fields["custom"].tableValue?.fields.keys.compactMap { key -> String? in
                if case .string(let name) = key { return name }
                return nil
            } ?? []
            for name in custom.sorted() where !knownCustomFields.contains(name) {
                knownCustomFields.insert(name)
                if writing { try store.defineCustomField(CustomFieldDefinition(name: name, type: .text)) }
                addWarning(ImportIssue(row: row.number, column: name,
                    message: "the column \"\(name)\" is kept as a new text custom field (--keep-unmapped-as-custom-fields)"))
            }
            let fields = checked.fields
            try apply(id: fields["id"].stringValue, balance: fields["balance"].stringValue, row: row.number) {
                $0.assign(fields, keys: keys, customFieldNames: custom.sorted())
            }
        }
    }

    /// Reports a checked row's problems (from left to right: Lua tables have no order);
    /// `true` when the row has no errors and may be applied.
    private mutating func record(errors: [RowProblem], warnings: [RowProblem], row: Int) -> Bool {
        for problem in leftToRight(warnings) { addWarning(issue(problem, row: row)) }
        for problem in leftToRight(errors) { addError(issue(problem, row: row)) }
        return errors.isEmpty
    }

    func reportProgress() {
        let counts = report.counts
        let checked = rowLimit.map { min($0, counts.rows) } ?? counts.rows
        options.progress?(ImportProgress(rowsRead: counts.rows, rowsChecked: checked,
                                         rowsWritten: writing ? counts.created + counts.updated : 0))
    }

    /// Reports a row limit overrun, then closes the batch with its counts.
    mutating func finish() throws {
        if let first = rowLimitExceededAt, let limit = rowLimit {
            addError(ImportIssue(row: first, message: message("too_many_rows", ["rows": String(report.counts.rows), "limit": String(limit)])))
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

        var changed = false
        if let previous = existing {
            if !client.hasSameFields(as: previous) {
                changed = true
                if writing { try store.updateClient(client, previous: previous, batch: batch, sourceRow: row) }
            }
        } else if writing {
            client.id = try store.insertClient(client, batch: batch, sourceRow: row)
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
        for phone in client.phones {
            if let id = try store.firstClientID(withPhone: phone), !found.contains(id) {
                found.append(id)
                addWarning(cellIssue("phone", row: row, value: phone, message: message(
                    "duplicate_phone", ["value": phone, "client": String(id), "advice": duplicateAdvice])))
            }
        }
        if !client.email.isEmpty {
            if let id = try store.firstClientID(withEmail: client.email), !found.contains(id) {
                found.append(id)
                addWarning(cellIssue("email", row: row, value: client.email, message: message(
                    "duplicate_email", ["value": client.email, "client": String(id), "advice": duplicateAdvice])))
            }
        }
        return found
    }

    private var duplicateAdvice: String {
        message("duplicate_\(options.onDuplicate.rawValue)", [:])
    }

    /// A message of the rule set in the import's language.
    private func message(_ key: String, _ values: [String: String]) -> String {
        ruleSet.message(key, language: mapping.language, values)
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

    private func issue(_ problem: RowProblem, row: Int) -> ImportIssue {
        let index = columnIndex(of: problem)
        let header = problem.isCustomField ? problem.key : ruleSet.column(problem.key)?.header(mapping.language) ?? problem.key
        return ImportIssue(row: row, cell: index.map { "\(ColumnLetters.letters(ofIndex: $0))\(row)" },
                           column: index.flatMap { mapping.headerTexts[$0] } ?? header,
                           value: problem.value, message: problem.message)
    }

    private func cellIssue(_ key: String, row: Int, value: String, message: String) -> ImportIssue {
        issue(RowProblem(key: key, isCustomField: false, value: value, message: message), row: row)
    }
}
