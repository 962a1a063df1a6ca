import ClientBase
import Foundation
import LuaBridge
import Workbook

/// The import: rows from a workbook, checked by the rule set in Lua, planned against the base
/// and written in one transaction — or not at all when any row has an error.
public struct ImportPipeline {
    /// Errors kept in a report; more are counted in `omittedErrors`.
    public static let maximumIssues = 10_000

    public let store: SQLiteClientStore
    public let searchPath: SearchPath
    public let options: ImportOptions

    public init(store: SQLiteClientStore, searchPath: SearchPath = .standard(), options: ImportOptions = .init()) {
        self.store = store
        self.searchPath = searchPath
        self.options = options
    }

    /// Imports the file at `path`. Throws for files that cannot be read (`WorkbookError`), rule
    /// sets that cannot run (`RuleError`), a busy base (`StoreError`) or a bad option
    /// (`ImportError`); a file with bad data returns a report with status `rejected`.
    public func run(path: String) throws -> ImportReport {
        let catalog = try store.catalog()
        let employeeName = options.employee ?? SQLiteClientStore.administratorName
        guard let employee = catalog.employee(named: employeeName) else {
            throw ImportError("there is no employee \"\(employeeName)\" (employees: \(catalog.employees.map(\.name).joined(separator: ", "))); add one with `clientimport employees add`")
        }
        let engine = try RuleEngine(ruleSet: options.ruleSet, searchPath: searchPath)
        let ruleSet = engine.ruleSet
        let fileName = (path as NSString).lastPathComponent
        var report = ImportReport(status: .rejected, file: fileName, ruleSet: ruleSet.name)

        let rows = try WorkbookFile.openRows(path: path, sheet: options.sheet, csv: options.csv)
        guard let header = try rows.nextRow() else {
            report.errors.append(ImportIssue(row: 1, message: "the file is empty: the first row must hold the template's headers"))
            return report
        }
        let mapping: ColumnMapping
        switch HeaderMatcher.match(header, ruleSet: ruleSet, customFields: catalog.customFields) {
        case .success(let matched): mapping = matched
        case .failure(let problems):
            report.errors = problems.issues
            return report
        }
        report.language = mapping.language
        let checker = try engine.checker(language: mapping.language, catalog: catalog)
        let digest = try SHA256.hexDigest(ofFile: path)

        var run = Run(store: store, ruleSet: ruleSet, mapping: mapping, employee: employee, options: options, report: report)
        do {
            report = try store.transaction(commit: !options.dryRun) {
                run.batch = try store.beginBatch(BatchSource(
                    fileName: fileName, fileSHA256: digest, ruleSet: ruleSet.name, plugin: "", employeeID: employee.id))
                while let row = try rows.nextRow() {
                    try run.process(row, checker: checker)
                }
                try run.finish()
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

/// The state of one import while its rows stream through.
private struct Run {
    let store: SQLiteClientStore
    let ruleSet: RuleSet
    let mapping: ColumnMapping
    let employee: Employee
    let options: ImportOptions
    var report: ImportReport
    var batch: Int64 = 0
    var rowLimitExceededAt: Int?
    private let fieldKeys: [String]
    private let columnOfKey: [String: Int]
    private let columnOfCustomField: [String: Int]

    init(store: SQLiteClientStore, ruleSet: RuleSet, mapping: ColumnMapping, employee: Employee,
         options: ImportOptions, report: ImportReport) {
        self.store = store; self.ruleSet = ruleSet; self.mapping = mapping
        self.employee = employee; self.options = options; self.report = report
        fieldKeys = mapping.fieldColumns.map(\.key)
        columnOfKey = Dictionary(mapping.fieldColumns.map { ($0.key, $0.index) }, uniquingKeysWith: { a, _ in a })
        columnOfCustomField = Dictionary(mapping.customColumns.map { ($0.name, $0.index) }, uniquingKeysWith: { a, _ in a })
    }

    private var rowLimit: Int? {
        switch options.rowLimit {
        case .ruleSet: ruleSet.maxRows
        case .rows(let limit): limit
        case .unlimited: nil
        }
    }

    /// Once a row has an error nothing more is written (the transaction will be rolled back),
    /// but every row is still checked so the user sees every error at once.
    private var writing: Bool { report.errors.isEmpty && report.omittedErrors == 0 }

    mutating func process(_ row: Row, checker: RowChecker) throws {
        report.counts.rows += 1
        if let limit = rowLimit, report.counts.rows > limit {
            if rowLimitExceededAt == nil { rowLimitExceededAt = row.number }
            return
        }
        var values: [LuaKey: LuaValue] = [:]
        for (index, key) in mapping.fieldColumns {
            values[.string(key)] = .string(index < row.cells.count ? row.cells[index].displayText : "")
        }
        var custom: [LuaKey: LuaValue] = [:]
        for (index, name) in mapping.customColumns {
            custom[.string(name)] = .string(index < row.cells.count ? row.cells[index].displayText : "")
        }
        values[.string("custom")] = .table(LuaTable(fields: custom))

        let checked = try checker.check(values, rowNumber: row.number)
        // Lua tables have no order: report a row's problems from left to right.
        for problem in checked.warnings.sorted(by: leftToRight) { report.warnings.append(issue(problem, row: row.number)) }
        for problem in checked.errors.sorted(by: leftToRight) { addError(issue(problem, row: row.number)) }
        guard checked.errors.isEmpty else { return }
        try apply(checked.fields, row: row.number)
    }

    mutating func finish() throws {
        if let first = rowLimitExceededAt, let limit = rowLimit {
            addError(ImportIssue(row: first, message: "the file has \(report.counts.rows) data rows and at most \(limit) are allowed in one file; split it with `clientimport convert FILE --rows-per-file \(limit) -o part.xlsx` and import the parts one by one"))
        }
        try store.finishBatch(batch, counts: report.counts)
    }

    private mutating func apply(_ fields: LuaTable, row: Int) throws {
        var existing: Client?
        if let idText = fields["id"].stringValue, let id = Int64(idText) {
            existing = try store.client(id: id)
            if existing == nil {
                report.warnings.append(cellIssue("id", row: row, value: idText,
                    message: "there is no client with ID \(idText): a new client is created with a new ID, as RemOnline does; if this row comes from an export, its ID was changed and the new client may duplicate the old one"))
            }
        }
        var client = existing ?? Client(id: 0, name: "")
        client.assign(fields, keys: fieldKeys, customFieldNames: mapping.customColumns.map(\.name))

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
                        target.assign(fields, keys: fieldKeys, customFieldNames: mapping.customColumns.map(\.name))
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

        if let targetText = fields["balance"].stringValue, let target = ExactDecimal(targetText) {
            let difference = target - (existing?.balance ?? .zero)
            if !difference.isZero {
                if !employee.canAdjustBalance {
                    addError(cellIssue("balance", row: row, value: targetText,
                        message: "changing a balance needs a role that can adjust client balances; \(employee.name)'s role \"\(employee.role)\" cannot (give the role that right with `clientimport roles add \"\(employee.role)\" --can-adjust-balance`, or leave Balance empty)"))
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

    /// Clients (already in the base, or created by an earlier row of this file) sharing a phone
    /// or the email of a new client; each match is reported as a warning.
    private mutating func duplicatesOf(_ client: Client, row: Int) throws -> [Int64] {
        var found: [Int64] = []
        for phone in client.phones {
            for id in try store.clientIDs(withPhone: phone) where !found.contains(id) {
                found.append(id)
                report.warnings.append(cellIssue("phone", row: row, value: phone,
                    message: "the phone \(phone) belongs to client \(id) already; \(duplicateAdvice)"))
            }
        }
        if !client.email.isEmpty {
            for id in try store.clientIDs(withEmail: client.email) where !found.contains(id) {
                found.append(id)
                report.warnings.append(cellIssue("email", row: row, value: client.email,
                    message: "the email \(client.email) belongs to client \(id) already; \(duplicateAdvice)"))
            }
        }
        return found
    }

    private var duplicateAdvice: String {
        switch options.onDuplicate {
        case .create: "a second client is created (use --on-duplicate skip or update to avoid it)"
        case .skip: "the row is skipped"
        case .update: "that client is updated instead"
        }
    }

    private mutating func addError(_ issue: ImportIssue) {
        if report.errors.count < ImportPipeline.maximumIssues { report.errors.append(issue) }
        else { report.omittedErrors += 1 }
    }

    private func columnIndex(of problem: RowProblem) -> Int? {
        problem.isCustomField ? columnOfCustomField[problem.key] : columnOfKey[problem.key]
    }

    private func leftToRight(_ a: RowProblem, _ b: RowProblem) -> Bool {
        (columnIndex(of: a) ?? .max) < (columnIndex(of: b) ?? .max)
    }

    private func issue(_ problem: RowProblem, row: Int) -> ImportIssue {
        let index = columnIndex(of: problem)
        return ImportIssue(row: row, cell: index.map { "\(columnLetters($0))\(row)" },
                           column: index.flatMap { mapping.headerTexts[$0] } ?? problem.key,
                           value: problem.value, message: problem.message)
    }

    private func cellIssue(_ key: String, row: Int, value: String, message: String) -> ImportIssue {
        issue(RowProblem(key: key, isCustomField: false, value: value, message: message), row: row)
    }
}
