import ClientBase
import Foundation
import Hummingbird
import Importer
import Mustache
import Workbook

/// The Clients page and its neighbours, rendered from the Mustache templates in `Resources/`.
/// Every page but sign-in needs a session; every form carries the session's CSRF token; a page
/// that writes runs the same `ImportPipeline` and `ClientStore` calls as the API and the CLI.
struct Pages: Sendable {
    let server: ClientServer
    let library: MustacheLibrary
    let staticFiles: [String: (type: String, bytes: [UInt8])]
    /// The template's column header of each client field, by language: the card's labels.
    let fieldLabels: [String: [String: String]]
    var settings: ServerSettings { server.settings }

    /// Reads the templates and the static files (CSS, JS) from the module's resources.
    init(server: ClientServer) throws {
        self.server = server
        // The copied `Resources` folder is the bundle's resource folder on Linux, inside it elsewhere.
        let candidates = [Bundle.module.resourceURL, Bundle.module.resourceURL?.appendingPathComponent("Resources"),
                          Bundle.module.bundleURL.appendingPathComponent("Resources")].compactMap { $0 }
        guard let root = candidates.first(where: { FileManager.default.fileExists(atPath: $0.appendingPathComponent("templates").path) }) else {
            throw ServerError("the server's templates are missing beside the binary (clientimport_Server.resources)")
        }
        var library = MustacheLibrary()
        let templates = root.appendingPathComponent("templates")
        for name in try FileManager.default.contentsOfDirectory(atPath: templates.path) where name.hasSuffix(".mustache") {
            let text = try String(contentsOf: templates.appendingPathComponent(name), encoding: .utf8)
            try library.register(text, named: String(name.dropLast(".mustache".count)))
        }
        self.library = library
        var files: [String: (String, [UInt8])] = [:]
        for (name, type) in [("app.css", "text/css; charset=utf-8"), ("app.js", "text/javascript; charset=utf-8")] {
            files[name] = (type, Array(try Data(contentsOf: root.appendingPathComponent("static/\(name)"))))
        }
        staticFiles = files
        let ruleSet = try RuleEngine(ruleSet: server.settings.ruleSet, searchPath: server.settings.searchPath).ruleSet
        fieldLabels = Dictionary(uniqueKeysWithValues: ruleSet.columns.map { ($0.key, $0.headers) })
    }

    func register(on routes: some RouteRegistrar) {
        routes.on(.get, "/") { _, _ in redirect("/clients") }
        routes.on(.get, "/static/{name}") { _, context in
            guard let name = context.parameters.get("name"), let file = staticFiles[name] else { throw Problem(.notFound, "Not found", detail: "no such file") }
            var response = download(file.bytes, name: name, type: file.type)
            response.headers[.contentDisposition] = nil
            response.headers[.cacheControl] = "max-age=300"
            return response
        }
        routes.on(.get, "/language/{code}") { request, context in
            let code = context.parameters.get("code") ?? ""
            guard Localization.languages.contains(code) else { throw Problem(.notFound, "Not found", detail: "no such language") }
            let back = request.uri.queryParameters["back"].map(String.init) ?? "/clients"
            // Only a path of this site: never an address elsewhere.
            let target = back.hasPrefix("/") && !back.hasPrefix("//") && !back.contains("\\") ? back : "/clients"
            var response = redirect(target)
            response.setCookie(PageCookies.make(PageCookies.language, code, maxAge: 365 * 86_400, secure: settings.secureCookies))
            return response
        }
        routes.on(.get, "/sign-in") { request, _ in signInPage(request, message: nil) }
        routes.on(.post, "/sign-in") { request, _ in try await signIn(request) }
        routes.on(.post, "/sign-out") { request, _ in try await withSession(request, form: true) { _, _, _ in try await signOut(request) } }
        routes.on(.get, "/clients") { request, _ in try await withSession(request) { visitor, employee, _ in try await clients(request, visitor) } }
        routes.on(.get, "/clients/{id}") { request, context in
            try await withSession(request) { visitor, _, _ in try await clientCard(context, visitor) }
        }
        routes.on(.get, "/template") { request, _ in
            try await withSession(request) { visitor, _, _ in try await templateDownload(request, visitor) }
        }
        let imports = ImportPages(pages: self)
        imports.register(on: routes)
        let admin = AdminPages(pages: self)
        admin.register(on: routes)
    }

    // MARK: Sessions

    /// Runs a page for the signed-in employee: no session → the sign-in page; a form whose
    /// CSRF token is not the session's → 403, before anything is read or changed.
    func withSession(_ request: Request, form: Bool = false, settingsRight: Bool = false,
                     _ body: (PageVisitor, Employee, FormFields) async throws -> Response) async throws -> Response {
        var visitor = PageVisitor(session: nil, language: language(request))
        if let token = request.cookies[PageCookies.session]?.value, token.count == 64, token.allSatisfy(\.isHexDigit) {
            let digest = Credentials.digest(ofToken: token)
            visitor.session = try await base { try $0.session(tokenSHA256: digest, now: unixNow()) }
        }
        guard let session = visitor.session else { return redirect("/sign-in") }
        var fields = FormFields()
        if form {
            fields = try await FormFields.read(request)
            guard constantTimeEqual(fields["csrf"] ?? "", session.csrfToken) else { return errorPage(visitor, .forbidden, "expired_form") }
        }
        if settingsRight && !session.employee.canManageSettings { return errorPage(visitor, .forbidden, "forbidden") }
        do {
            return try await body(visitor, session.employee, fields)
        } catch let problem as Problem {
            return errorPage(visitor, problem.status, nil, detail: problem.detail, headers: problem.headers)
        }
    }

    func base<T: Sendable>(_ body: @escaping @Sendable (ServerStore) throws -> T) async throws -> T {
        do { return try await server.base.run(body) } catch { throw server.problem(error) }
    }

    func language(_ request: Request) -> String {
        Localization.language(cookie: request.cookies[PageCookies.language]?.value, acceptLanguage: request.headers[.acceptLanguage])
    }

    private func signInPage(_ request: Request, message: String?, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        let visitor = PageVisitor(session: nil, language: language(request))
        let formToken = Credentials.newToken()
        var response = render("sign-in", visitor, ["form_token": formToken, "message": message as Any], status: status)
        for field in headers { response.headers.append(field) }
        response.setCookie(PageCookies.make(PageCookies.signInForm, formToken, maxAge: 3600, secure: settings.secureCookies))
        return response
    }

    private func signIn(_ request: Request) async throws -> Response {
        let fields = try await FormFields.read(request, limit: 4 << 10)
        let words = Localization.words(language(request))
        guard let cookie = request.cookies[PageCookies.signInForm]?.value, constantTimeEqual(fields["csrf"] ?? "", cookie) else {
            return signInPage(request, message: words["expired_form"], status: .forbidden)
        }
        let name = (fields["name"] ?? "").trimmingCharacters(in: .whitespaces)
        let password = fields["password"] ?? ""
        let settings = settings
        let now = unixNow()
        let windowStart = now - settings.signInWindowSeconds
        let failures = try await base { try $0.failedSignIns(employeeName: name, since: windowStart) }
        if failures.count >= settings.signInAttempts {
            let retry = max(1, (failures.first ?? now) + settings.signInWindowSeconds - now)
            return signInPage(request, message: words["too_many"], status: .tooManyRequests, headers: [.retryAfter: String(retry)])
        }
        let record = try await base { try $0.passwordHash(employee: name) }
        // An unknown name costs a bcrypt check too, so timing does not tell names apart.
        let matches = Credentials.verify(password, hash: record?.hash ?? Credentials.decoyHash) && record != nil
        guard matches, let employee = record?.employee else {
            try await base { try $0.recordFailedSignIn(employeeName: name, at: now, forgetBefore: windowStart) }
            return signInPage(request, message: words["sign_in_failed"], status: .unauthorized)
        }
        let token = Credentials.newToken(), csrf = Credentials.newToken()
        let digest = Credentials.digest(ofToken: token)
        try await base { store in
            try store.clearFailedSignIns(employeeName: name)
            try store.createSession(tokenSHA256: digest, employeeID: employee.id, csrfToken: csrf,
                                    expiresAt: now + settings.sessionSeconds, now: now)
        }
        var response = redirect("/clients")
        response.setCookie(PageCookies.make(PageCookies.session, token, maxAge: Int(settings.sessionSeconds), secure: settings.secureCookies))
        response.setCookie(PageCookies.make(PageCookies.signInForm, "", maxAge: 0, secure: settings.secureCookies))
        return response
    }

    private func signOut(_ request: Request) async throws -> Response {
        if let token = request.cookies[PageCookies.session]?.value {
            let digest = Credentials.digest(ofToken: token)
            try await base { try $0.deleteSession(tokenSHA256: digest) }
        }
        var response = redirect("/sign-in")
        response.setCookie(PageCookies.make(PageCookies.session, "", maxAge: 0, secure: settings.secureCookies))
        return response
    }

    // MARK: Clients

    private func clients(_ request: Request, _ visitor: PageVisitor) async throws -> Response {
        let query = request.uri.queryParameters["query"].map(String.init) ?? ""
        let pageText = request.uri.queryParameters["page"].map(String.init) ?? "1"
        let page = max(1, min(Int(pageText) ?? 1, 1_000_000))
        let size = settings.pageSize
        let found = try await base { try $0.searchClients(query: query, offset: (page - 1) * size, limit: size) }
        let pages = max(1, (found.total + size - 1) / size)
        let words = visitor.words
        let rows: [[String: Any]] = found.clients.map { client in
            [
                "id": client.id, "name": fullName(client), "phones": client.phones.joined(separator: ", "), "email": client.email,
                "balance": balanceText(client.balance, words), "balance_class": balanceClass(client.balance),
                "conflicted": client.conflicted,
            ]
        }
        func link(_ page: Int) -> String {
            "/clients?query=\(query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")&page=\(page)"
        }
        return render("clients", visitor, [
            "query": query, "clients": rows, "empty": rows.isEmpty, "total": found.total, "page": page, "pages": pages,
            "previous": page > 1 ? link(page - 1) : false, "next": page < pages ? link(page + 1) : false,
        ])
    }

    private func clientCard(_ context: ServerContext, _ visitor: PageVisitor) async throws -> Response {
        guard let id = context.parameters.get("id").flatMap(Int64.init), id > 0 else { return errorPage(visitor, .notFound, "not_found") }
        let (client, history) = try await base { store -> (Client?, [BalanceCorrection]) in
            guard let client = try store.client(id: id) else { return (nil, []) }
            return (client, try store.balanceHistory(clientID: id))
        }
        guard let client else { return errorPage(visitor, .notFound, "not_found") }
        let words = visitor.words
        func text(_ field: ClientField) -> String {
            switch field.storage {
            case .id: String(client.id)
            case .balance: balanceText(client.balance, words)
            case .text(let path): client[keyPath: path]
            case .phones(let path): client[keyPath: path].joined(separator: ", ")
            case .flag(let path): client[keyPath: path] ? words["yes"]! : words["no"]!
            case .decimal(let path): client[keyPath: path].map { "\($0) %" } ?? ""
            }
        }
        // The heading shows the ID and the balance; the name and last name lead the fields.
        let values = ClientField.all.filter { $0.key != "id" && $0.key != "balance" }.map { ($0.key, text($0)) }
        let fields = values.map { (fieldLabels[$0.0]?[visitor.language] ?? $0.0, $0.1) }
            + client.customFields.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        return render("client", visitor, [
            "client": ["id": client.id, "name": fullName(client), "balance": balanceText(client.balance, words),
                       "balance_class": balanceClass(client.balance), "conflicted": client.conflicted],
            "fields": fields.filter { !$0.1.isEmpty }.map { ["label": $0.0, "value": $0.1] },
            "history": history.map { entry -> [String: Any] in
                ["amount": entry.amount.description, "comment": entry.comment, "batch": entry.batch.map { "\($0)" } ?? "",
                 "date": entry.at, "employee": entry.employee ?? ""]
            },
            "has_history": !history.isEmpty,
        ])
    }

    private func templateDownload(_ request: Request, _ visitor: PageVisitor) async throws -> Response {
        let requested = request.uri.queryParameters["lang"].map(String.init) ?? visitor.language
        let language = Localization.languages.contains(requested) ? requested : visitor.language
        let settings = settings
        let bytes = try await base { store in
            try withScratchFile(in: settings.filesFolder, extension: "xlsx") { path in
                try TemplateExporter(engine: try RuleEngine(ruleSet: settings.ruleSet, searchPath: settings.searchPath),
                                     catalog: try store.catalog()).writeTemplate(to: path, language: language)
            }
        }
        return download(bytes, name: "clients-template.\(language).xlsx", type: APIRoutes.xlsxType)
    }

    // MARK: Rendering

    /// A page from its template with the layout's values: words, languages, the employee, the CSRF token.
    func render(_ template: String, _ visitor: PageVisitor, _ values: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        var context = values
        context["t"] = visitor.words
        context["lang"] = visitor.language
        // Where the language switch returns to.
        if context["here"] == nil { context["here"] = visitor.session == nil ? "/sign-in" : "/clients" }
        context["languages"] = Localization.languages.map { ["code": $0, "name": Localization.names[$0]!, "current": $0 == visitor.language] }
        if let session = visitor.session {
            context["user"] = session.employee.name
            context["csrf"] = session.csrfToken
            context["can_manage_settings"] = session.employee.canManageSettings
        }
        let html = library.render(context, withTemplate: template) ?? "template \(template) is missing"
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    func errorPage(_ visitor: PageVisitor, _ status: HTTPResponse.Status, _ key: String?, detail: String? = nil,
                   headers: HTTPFields = [:]) -> Response {
        var response = render("error", visitor, ["message": key.flatMap { visitor.words[$0] } ?? "", "detail": detail ?? ""], status: status)
        for field in headers { response.headers.append(field) }
        return response
    }
}

/// A 303 to a page of this site.
func redirect(_ path: String) -> Response {
    Response(status: .seeOther, headers: [.location: path])
}

func fullName(_ client: Client) -> String {
    [client.name, client.lastName].filter { !$0.isEmpty }.joined(separator: " ")
}

/// The balance with its meaning: + the client owes you, − you owe the client.
func balanceText(_ balance: ExactDecimal, _ words: [String: String]) -> String {
    if balance == .zero { return "0" }
    return balance < .zero ? "\(balance) (\(words["you_owe"]!))" : "+\(balance) (\(words["owes_you"]!))"
}

func balanceClass(_ balance: ExactDecimal) -> String {
    balance == .zero ? "zero" : balance < .zero ? "negative" : "positive"
}
