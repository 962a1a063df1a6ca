import ClientBase
import Foundation
import Hummingbird
import Importer

/// The JSON API under `/api/v1` (and `/healthz`), described in `docs/openapi.yaml`. Answers are
/// in the shapes the command line prints with `--format json`; errors are problem details.
struct APIRoutes: Sendable {
    let server: ClientServer
    var settings: ServerSettings { server.settings }

    func register(on routes: some RouteRegistrar) {
        routes.on(.get, "/healthz") { _, _ in json(.object([("status", .string("ok"))])) }
        routes.on(.get, "/api/v1/clients") { request, context in try await authenticated(request, context, listClients) }
        routes.on(.get, "/api/v1/clients/{id}") { request, context in try await authenticated(request, context, showClient) }
        routes.on(.get, "/api/v1/template") { request, context in try await authenticated(request, context, template) }
        routes.on(.get, "/api/v1/imports") { request, context in try await authenticated(request, context, history) }
        routes.on(.post, "/api/v1/imports") { request, context in try await authenticated(request, context, importFile) }
        routes.on(.post, "/api/v1/imports/{batch}/undo") { request, context in try await authenticated(request, context, undo) }
        routes.on(.get, "/api/v1/export") { request, context in try await authenticated(request, context, export) }
    }

    /// Runs `handler` for the employee whose bearer token the request carries, or answers 401.
    private func authenticated(_ request: Request, _ context: ServerContext,
                               _ handler: (Request, ServerContext, Employee) async throws -> Response) async throws -> Response {
        var context = context
        if let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") {
            let token = header.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces)
            if token.count == 64, token.allSatisfy(\.isHexDigit) {
                let digest = Credentials.digest(ofToken: token)
                context.employee = try await base { try $0.employee(apiTokenSHA256: digest) }
            }
        }
        let employee = try context.requireEmployee()
        do {
            return try await handler(request, context, employee)
        } catch {
            throw server.problem(error)
        }
    }

    private func base<T: Sendable>(_ body: @escaping @Sendable (ServerStore) throws -> T) async throws -> T {
        do { return try await server.base.run(body) } catch { throw server.problem(error) }
    }

    // MARK: Clients

    private func listClients(_ request: Request, _ context: ServerContext, _ employee: Employee) async throws -> Response {
        let query = request.uri.queryParameters["query"].map(String.init) ?? ""
        let page = try pageNumber(request)
        let size = settings.pageSize
        let found = try await base { try $0.searchClients(query: query, offset: (page - 1) * size, limit: size) }
        return json(.object([
            ("total", .number(String(found.total))), ("page", .number(String(page))), ("per_page", .number(String(size))),
            ("clients", .array(found.clients.map(\.json))),
        ]))
    }

    private func showClient(_ request: Request, _ context: ServerContext, _ employee: Employee) async throws -> Response {
        let id = try identifier(context, "id", what: "client")
        let (client, history) = try await base { store -> (Client?, [BalanceCorrection]) in
            guard let client = try store.client(id: id) else { return (nil, []) }
            return (client, try store.balanceHistory(clientID: id))
        }
        guard let client, case .object(var members) = client.json else {
            throw Problem(.notFound, "No such client", detail: "there is no client with ID \(id)")
        }
        members.append(("balance_history", .array(history.map(\.json))))
        return json(.object(members))
    }

    // MARK: Template and export

    private func template(_ request: Request, _ context: ServerContext, _ employee: Employee) async throws -> Response {
        let language = try self.language(request)
        let settings = settings
        let bytes = try await base { store in
            try withScratchFile(in: settings.filesFolder, extension: "xlsx") { path in
                let exporter = TemplateExporter(engine: try RuleEngine(ruleSet: settings.ruleSet, searchPath: settings.searchPath),
                                                catalog: try store.catalog())
                try exporter.writeTemplate(to: path, language: language)
            }
        }
        return download(bytes, name: "clients-template.\(language).xlsx", type: Self.xlsxType)
    }

    private func export(_ request: Request, _ context: ServerContext, _ employee: Employee) async throws -> Response {
        let language = try self.language(request)
        let format = request.uri.queryParameters["format"].map(String.init) ?? "xlsx"
        guard format == "xlsx" || format == "csv" else {
            throw Problem(.badRequest, "Unknown format", detail: "format must be xlsx or csv, not \"\(format)\"")
        }
        let settings = settings
        let bytes = try await base { store in
            try withScratchFile(in: settings.filesFolder, extension: format) { path in
                let exporter = TemplateExporter(engine: try RuleEngine(ruleSet: settings.ruleSet, searchPath: settings.searchPath),
                                                catalog: try store.catalog())
                _ = try exporter.export(store, to: path, language: language)
            }
        }
        return download(bytes, name: "clients.\(language).\(format)", type: format == "csv" ? "text/csv; charset=utf-8" : Self.xlsxType)
    }

    static let xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    // MARK: Imports

    private func history(_ request: Request, _ context: ServerContext, _ employee: Employee) async throws -> Response {
        let batches = try await base { try $0.history() }
        return json(.array(batches.map(\.json)))
    }

    private func importFile(_ request: Request, _ context: ServerContext, _ employee: Employee) async throws -> Response {
        let upload = try await Upload.receive(request, filesFolder: settings.filesFolder, limit: settings.maxUploadBytes)
        defer { upload.remove() }
        let options = try importOptions(upload.fields, employee: employee, fileName: upload.fileName)
        let path = try upload.pathWithExtension()
        let settings = settings
        let fileName = upload.fileName
        let report = try await base { store in
            try Upload.naming(fileName) { try ImportPipeline(store: store, searchPath: settings.searchPath, options: options).run(path: path) }
        }
        return json(report.json, status: report.status == .rejected ? .unprocessableContent : .ok)
    }

    /// The import's options from the form's fields, each checked as the command line checks its own.
    func importOptions(_ fields: [String: String], employee: Employee, fileName: String) throws -> ImportOptions {
        var options = ImportOptions()
        options.ruleSet = settings.ruleSet
        options.employee = employee.name
        options.sourceName = fileName
        if let dryRun = fields["dry_run"] {
            switch dryRun.lowercased() {
            case "1", "true", "yes", "on": options.dryRun = true
            case "", "0", "false", "no", "off": options.dryRun = false
            default: throw Problem(.badRequest, "Invalid dry_run", detail: "dry_run must be true or false, not \"\(dryRun)\"")
            }
        }
        if let policy = fields["on_duplicate"], !policy.isEmpty {
            guard let value = ImportOptions.DuplicatePolicy(rawValue: policy) else {
                throw Problem(.badRequest, "Invalid on_duplicate", detail: "on_duplicate must be create, skip or update, not \"\(policy)\"")
            }
            options.onDuplicate = value
        }
        if let plugin = fields["plugin"], !plugin.isEmpty {
            switch plugin {
            case "auto": options.plugin = .auto
            case "template": options.plugin = .templateOnly
            default:
                // A plugin named by the request is looked up on the search path by name only:
                // a path from a request never reaches the file system.
                guard plugin.range(of: "^[a-z0-9][a-z0-9_-]{0,63}$", options: .regularExpression) != nil else {
                    throw Problem(.badRequest, "Invalid plugin", detail: "plugin must be auto, template or a plugin's name (letters, digits, - and _), not \"\(plugin)\"")
                }
                options.plugin = .named(plugin)
            }
        }
        if let language = fields["lang"], !language.isEmpty {
            try checkLanguage(language)
            options.language = language
        }
        return options
    }

    private func undo(_ request: Request, _ context: ServerContext, _ employee: Employee) async throws -> Response {
        let batch = try identifier(context, "batch", what: "batch")
        let language = try self.language(request)
        let settings = settings
        let undoID = try await base { store in
            try undoImport(batch: batch, in: store, by: employee, language: language, settings: settings)
        }
        return json(.object([("batch", .number(String(batch))), ("undo_batch", .number(String(undoID))), ("status", .string("undone"))]))
    }

    // MARK: Parameters

    private func pageNumber(_ request: Request) throws -> Int {
        guard let text = request.uri.queryParameters["page"], !text.isEmpty else { return 1 }
        guard let page = Int(text), page >= 1, page <= 1_000_000 else {
            throw Problem(.badRequest, "Invalid page", detail: "page must be a whole number from 1, not \"\(text)\"")
        }
        return page
    }

    private func identifier(_ context: ServerContext, _ name: String, what: String) throws -> Int64 {
        let text = context.parameters.get(name) ?? ""
        guard let id = Int64(text), id > 0 else {
            throw Problem(.badRequest, "Invalid \(what) ID", detail: "a \(what) ID is a positive whole number, not \"\(text)\"")
        }
        return id
    }

    private func language(_ request: Request) throws -> String {
        let language = request.uri.queryParameters["lang"].map(String.init) ?? "fr"
        try checkLanguage(language)
        return language
    }

    private func checkLanguage(_ language: String) throws {
        guard Localization.languages.contains(language) else {
            throw Problem(.badRequest, "Unknown language", detail: "lang must be one of \(Localization.languages.joined(separator: ", ")), not \"\(language)\"")
        }
    }
}

/// Undoes an import batch as `employee`, as `clientimport undo` does; reversing balance
/// corrections needs the balance right, like making them.
func undoImport(batch: Int64, in store: any ClientStore, by employee: Employee, language: String, settings: ServerSettings) throws -> Int64 {
    guard let target = try store.history().first(where: { $0.id == batch && $0.kind == .import }) else {
        throw Problem(.notFound, "No such batch", detail: "there is no import batch \(batch); GET /api/v1/imports lists them")
    }
    if target.counts.balanceCorrections > 0 && !employee.canAdjustBalance {
        throw Problem(.forbidden, "Balance changes not allowed",
                      detail: "batch \(batch) corrected \(target.counts.balanceCorrections) balance(s) and the role \"\(employee.role)\" of \(employee.name) may not adjust client balances")
    }
    let ruleSet = try RuleEngine(ruleSet: settings.ruleSet, searchPath: settings.searchPath).ruleSet
    let comment = (ruleSet.undoComment[language] ?? ruleSet.undoComment["en"] ?? "Undo of import batch {batch}")
        .replacingOccurrences(of: "{batch}", with: String(batch))
    return try store.undo(batch: batch, employeeID: employee.id, comment: comment)
}

/// A JSON answer.
func json(_ value: JSONText, status: HTTPResponse.Status = .ok) -> Response {
    Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
             body: .init(byteBuffer: ByteBuffer(string: value.rendered)))
}

/// A file to download, under a name the server chose.
func download(_ bytes: [UInt8], name: String, type: String) -> Response {
    Response(status: .ok, headers: [.contentType: type, .contentDisposition: "attachment; filename=\"\(name)\""],
             body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
}

/// Runs `write` with a fresh private path beside the base and returns what it wrote, removing it.
func withScratchFile(in filesFolder: String, extension ext: String, _ write: (String) throws -> Void) throws -> [UInt8] {
    let folder = try Upload.folder(in: filesFolder)
    let path = "\(folder)/out-\(Credentials.newToken().prefix(24)).\(ext)"
    defer { unlink(path) }
    try write(path)
    return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
}
