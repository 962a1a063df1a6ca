import ClientBase
import Foundation
import Hummingbird
import Importer
import Workbook

/// The Import page: attach a file, see the dry run with every error and the bad rows, fix bad
/// cells in the page (the edits go into the server's copy of the upload, which is checked
/// again), confirm, see the result. The upload waits in the private folder beside the base
/// under a random ID, recorded in the base so any `serve` process on the base can continue it.
struct ImportPages: Sendable {
    let pages: Pages
    var settings: ServerSettings { pages.settings }
    /// Bad rows shown in the page (every error is listed; the error workbook has every row).
    static let shownBadRows = 100
    /// How long an upload may wait for its confirmation.
    static let pendingSeconds: Int64 = 24 * 3600

    func register(on routes: some RouteRegistrar) {
        routes.on(.get, "/import") { request, _ in
            try await pages.withSession(request) { visitor, _, _ in pages.render("import", visitor, ["options": optionChoices(visitor, nil)]) }
        }
        routes.on(.post, "/import") { request, _ in try await pages.withSession(request) { visitor, employee, _ in
            try await receive(request, visitor, employee)
        } }
        routes.on(.post, "/import/{id}/fix") { request, context in try await pages.withSession(request, form: true) { visitor, employee, form in
            let pending = try await pendingImport(context, employee)
            let pendingNow = try await applyFixes(form, to: pending)
            return try await check(pendingNow, visitor, employee)
        } }
        routes.on(.post, "/import/{id}/confirm") { request, context in try await pages.withSession(request, form: true) { visitor, employee, _ in
            try await confirm(try await pendingImport(context, employee), visitor, employee)
        } }
        routes.on(.get, "/import/{id}/progress") { request, context in try await pages.withSession(request) { _, employee, _ in
            try await progress(try await pendingImport(context, employee))
        } }
        routes.on(.get, "/import/{id}/errors.xlsx") { request, context in try await pages.withSession(request) { _, employee, _ in
            try await errorWorkbook(try await pendingImport(context, employee), employee)
        } }
    }

    // MARK: Steps

    private func receive(_ request: Request, _ visitor: PageVisitor, _ employee: Employee) async throws -> Response {
        let upload = try await Upload.receive(request, filesFolder: settings.filesFolder, limit: settings.maxUploadBytes)
        var keep = false
        defer { if !keep { upload.remove() } }
        guard let session = visitor.session, constantTimeEqual(upload.fields["csrf"] ?? "", session.csrfToken) else {
            return pages.errorPage(visitor, .forbidden, "expired_form")
        }
        // The form's choices, checked as the API checks them.
        var fields: [String: String] = [:]
        if let language = upload.fields["lang"], Localization.languages.contains(language) { fields["lang"] = language }
        if let policy = upload.fields["on_duplicate"], ImportOptions.DuplicatePolicy(rawValue: policy) != nil { fields["on_duplicate"] = policy }
        let ext = (upload.fileName as NSString).pathExtension.lowercased()
        let pending = PendingImport(id: String(Credentials.newToken().prefix(32)), employeeID: employee.id, fileName: upload.fileName,
                                    fileExtension: Upload.knownExtensions.contains(ext) ? ext : "bin",
                                    optionsJSON: encode(fields), createdAt: unixNow())
        let folder = try Upload.folder(in: settings.filesFolder)
        guard rename(upload.path, path(of: pending, in: folder)) == 0 else {
            throw Problem(.internalServerError, "Cannot store the upload", detail: String(cString: strerror(errno)))
        }
        keep = true
        let expired = try await pages.base { try $0.addPendingImport(pending, forgetBefore: unixNow() - Self.pendingSeconds) }
        for id in expired { removeFiles(ofPendingID: id, in: folder) }
        return try await check(pending, visitor, employee)
    }

    /// The dry run and its page.
    private func check(_ pending: PendingImport, _ visitor: PageVisitor, _ employee: Employee) async throws -> Response {
        let options = try importOptions(pending, employee: employee, dryRun: true)
        let path = try path(of: pending)
        let searchPath = settings.searchPath
        let fileName = pending.fileName
        let (report, table) = try await pages.base { store -> (ImportReport, BadRowTable?) in
            let report = try Upload.naming(fileName) { try ImportPipeline(store: store, searchPath: searchPath, options: options).run(path: path) }
            return (report, report.errors.isEmpty ? nil : try BadRowTable(report: report, path: path, limit: Self.shownBadRows))
        }
        let words = visitor.words
        return pages.render("import-check", visitor, [
            "id": pending.id, "file": pending.fileName, "ok": report.status == .checked,
            "plugin": report.plugin ?? false, "plugin_reason": report.pluginChoice ?? "",
            "counts": countsText(report.counts, skipped: report.skipped, words),
            "errors": report.errors.map(issueValues), "error_count": report.errors.count + report.omittedErrors,
            "warnings": report.warnings.map(issueValues), "has_warnings": !report.warnings.isEmpty,
            "table": table.map { $0.values } ?? false,
        ], status: report.status == .checked ? .ok : .unprocessableContent)
    }

    private func confirm(_ pending: PendingImport, _ visitor: PageVisitor, _ employee: Employee) async throws -> Response {
        let options = try importOptions(pending, employee: employee, dryRun: false)
        let path = try path(of: pending)
        let searchPath = settings.searchPath
        let fileName = pending.fileName
        let report = try await pages.base { store in
            try Upload.naming(fileName) { try ImportPipeline(store: store, searchPath: searchPath, options: options).run(path: path) }
        }
        // The base may have changed since the check: a rejected import shows the check again.
        guard report.status == .imported else { return try await check(pending, visitor, employee) }
        try await pages.base { try $0.removePendingImport(id: pending.id) }
        removeFiles(ofPendingID: pending.id, in: try Upload.folder(in: settings.filesFolder))
        return pages.render("import-done", visitor, [
            "file": pending.fileName, "batch": report.batch ?? 0, "counts": countsText(report.counts, skipped: report.skipped, visitor.words),
            "warnings": report.warnings.map(issueValues), "has_warnings": !report.warnings.isEmpty,
        ])
    }

    private func errorWorkbook(_ pending: PendingImport, _ employee: Employee) async throws -> Response {
        let options = try importOptions(pending, employee: employee, dryRun: true)
        let path = try path(of: pending)
        let settings = settings
        let fileName = pending.fileName
        let bytes = try await pages.base { store in
            let report = try Upload.naming(fileName) { try ImportPipeline(store: store, searchPath: settings.searchPath, options: options).run(path: path) }
            return try withScratchFile(in: settings.filesFolder, extension: "xlsx") { output in
                try ReportWriter.write(report, to: output, source: path)
            }
        }
        let base = (pending.fileName as NSString).deletingPathExtension
        return download(bytes, name: "\(Upload.displayName(base).replacingOccurrences(of: "\"", with: "")).errors.xlsx", type: APIRoutes.xlsxType)
    }

    /// Writes the page's cell edits into the server's copy (as CSV: the rows the importer reads,
    /// with the edited cells replaced) and records its new extension.
    private func applyFixes(_ form: FormFields, to pending: PendingImport) async throws -> PendingImport {
        var edits: [String: String] = [:]
        for (name, value) in form.values where name.hasPrefix("fix:") {
            let reference = String(name.dropFirst(4))
            guard reference.range(of: "^[A-Z]{1,3}[1-9][0-9]{0,6}$", options: .regularExpression) != nil else {
                throw Problem(.badRequest, "Invalid cell", detail: "\"\(reference)\" is not a cell reference such as C7")
            }
            guard value.count <= 32_767 else {
                throw Problem(.badRequest, "Cell too long", detail: "cell \(reference) holds more than 32,767 characters, a spreadsheet's limit")
            }
            edits[reference] = value
        }
        guard !edits.isEmpty else { return pending }
        let edited = edits
        guard ["csv", "xlsx", "txt", "tsv"].contains(pending.fileExtension) else {
            throw Problem(.badRequest, "Cannot edit this file", detail: "cells of a \(pending.fileExtension) file cannot be edited in the page; fix the file and attach it again")
        }
        let source = try path(of: pending)
        let folder = try Upload.folder(in: settings.filesFolder)
        var fixed = pending
        fixed.fileExtension = "csv"
        let target = path(of: fixed, in: folder)
        let temporary = target + ".tmp"
        let fileName = pending.fileName
        try await pages.base { _ in try Upload.naming(fileName) {
            let rows = try WorkbookFile.openRows(path: source)
            let writer = try CSVWriter(path: temporary)
            defer { try? writer.close() }
            while let row = try rows.nextRow() {
                var cells = row.cells
                for (reference, value) in edited {
                    let letters = reference.prefix { $0.isLetter }
                    guard Int(reference.dropFirst(letters.count)) == row.number, let column = ColumnLetters.index(of: letters) else { continue }
                    if cells.count <= column { cells += Array(repeating: .empty, count: column + 1 - cells.count) }
                    cells[column] = value.isEmpty ? .empty : .text(value)
                }
                try writer.write(row: cells)
            }
            try writer.close()
        } }
        guard rename(temporary, target) == 0 else {
            unlink(temporary)
            throw Problem(.internalServerError, "Cannot store the fixes", detail: String(cString: strerror(errno)))
        }
        if source != target { unlink(source) }
        try await pages.base { try $0.setPendingImportExtension(id: pending.id, fileExtension: "csv") }
        return fixed
    }

    // MARK: Helpers

    private func pendingImport(_ context: ServerContext, _ employee: Employee) async throws -> PendingImport {
        let id = context.parameters.get("id") ?? ""
        guard id.count == 32, id.allSatisfy(\.isHexDigit) else { throw Problem(.notFound, "Not found", detail: "no such upload") }
        guard let pending = try await pages.base({ try $0.pendingImport(id: id, employeeID: employee.id) }) else {
            throw Problem(.notFound, "Not found", detail: "this upload is no longer waiting (imported, or older than a day); attach the file again")
        }
        // The base says it waits; its file is in the uploads folder of the `serve` process that
        // received it, which this one may not share (another machine, another --files-folder).
        guard access(try path(of: pending), F_OK) == 0 else {
            throw Problem(.conflict, "The upload is on another server",
                          detail: "this upload was received by another clientimport serve process of this base, whose uploads folder this one does not share; "
                              + "attach the file again, or start every serve process of the base with one shared --files-folder")
        }
        return pending
    }

    private func importOptions(_ pending: PendingImport, employee: Employee, dryRun: Bool) throws -> ImportOptions {
        let fields = (try? JSONSerialization.jsonObject(with: Data(pending.optionsJSON.utf8))) as? [String: String] ?? [:]
        var options = ImportOptions()
        options.ruleSet = settings.ruleSet
        options.employee = employee.name
        options.sourceName = pending.fileName
        options.dryRun = dryRun
        options.language = fields["lang"]
        options.onDuplicate = fields["on_duplicate"].flatMap(ImportOptions.DuplicatePolicy.init(rawValue:)) ?? .create
        // Every few thousand rows, how far the run has got, for the page to poll: a small file
        // beside the upload, so whichever `serve` process answers the poll can read it.
        let progressPath = (try? path(of: pending)).map { ($0 as NSString).deletingPathExtension + ".progress" }
        options.progress = { step in
            guard let progressPath else { return }
            let text = "{\"rows_read\":\(step.rowsRead),\"rows_checked\":\(step.rowsChecked),\"rows_written\":\(step.rowsWritten)}"
            let temporary = progressPath + ".tmp"
            let descriptor = open(temporary, O_CREAT | O_TRUNC | O_WRONLY | O_NOFOLLOW, 0o600)
            guard descriptor >= 0 else { return }
            _ = text.utf8CString.withUnsafeBufferPointer { write(descriptor, $0.baseAddress, $0.count - 1) }
            close(descriptor)
            rename(temporary, progressPath)
        }
        return options
    }

    private func encode(_ fields: [String: String]) -> String {
        (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    private func path(of pending: PendingImport) throws -> String {
        path(of: pending, in: try Upload.folder(in: settings.filesFolder))
    }

    /// How far the check or import of a waiting upload has got (JSON; `{}` before it starts).
    private func progress(_ pending: PendingImport) async throws -> Response {
        let file = (try path(of: pending) as NSString).deletingPathExtension + ".progress"
        let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? "{}"
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// The copy's path: from the random ID and an extension of a fixed list, never from the request.
    private func path(of pending: PendingImport, in folder: String) -> String {
        "\(folder)/pending-\(pending.id).\(pending.fileExtension)"
    }

    private func removeFiles(ofPendingID id: String, in folder: String) {
        guard id.allSatisfy(\.isHexDigit) else { return }
        for ext in Upload.knownExtensions.union(["bin", "progress", "progress.tmp"]) { unlink("\(folder)/pending-\(id).\(ext)") }
    }

    private func optionChoices(_ visitor: PageVisitor, _ selected: String?) -> [[String: Any]] {
        ["create", "skip", "update"].map { ["value": $0, "label": visitor.words["dup_\($0)"]!] }
    }
}

private func issueValues(_ issue: ImportIssue) -> [String: Any] {
    ["row": issue.row, "column": issue.column ?? "", "cell": issue.cell ?? "", "value": issue.value ?? "", "message": issue.message]
}

func countsText(_ counts: BatchCounts, skipped: Int, _ words: [String: String]) -> String {
    "\(counts.rows) \(words["rows"]!): \(counts.created) \(words["created"]!), \(counts.updated) \(words["updated"]!), "
        + "\(counts.unchanged) \(words["unchanged"]!), \(counts.balanceCorrections) \(words["corrections"]!)"
}

/// The rows that have errors, read back from the file, with their bad cells marked for editing.
struct BadRowTable {
    var headers: [String] = []
    var rows: [(number: Int, cells: [(reference: String, value: String, message: String?)])] = []

    init(report: ImportReport, path: String, limit: Int) throws {
        var messages: [String: String] = [:]
        for issue in report.errors {
            guard let cell = issue.cell else { continue }
            messages[cell] = messages[cell].map { $0 + "; " + issue.message } ?? issue.message
        }
        let wanted = Set(report.errors.map(\.row).filter { $0 > 1 }.sorted().prefix(limit))
        guard !wanted.isEmpty, let reader = try? WorkbookFile.openRows(path: path) else { return }
        while let row = try reader.nextRow() {
            if row.number == 1 { headers = row.cells.map(\.displayText); continue }
            guard wanted.contains(row.number) else { continue }
            let width = max(headers.count, row.cells.count)
            rows.append((row.number, (0..<width).map { column in
                let reference = "\(ColumnLetters.letters(ofIndex: column))\(row.number)"
                let value = column < row.cells.count ? row.cells[column].displayText : ""
                return (reference, value, messages[reference])
            }))
            if rows.count == wanted.count { break }
        }
    }

    var values: [String: Any] {
        [
            "headers": headers.enumerated().map { ["letter": ColumnLetters.letters(ofIndex: $0.offset), "text": $0.element] },
            "rows": rows.map { row -> [String: Any] in
                ["number": row.number, "cells": row.cells.map { cell -> [String: Any] in
                    ["reference": cell.reference, "value": cell.value, "bad": cell.message != nil, "message": cell.message ?? ""]
                }]
            },
        ]
    }
}
