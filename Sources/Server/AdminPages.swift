import ClientBase
import Foundation
import Hummingbird
import Importer

/// History with Undo, Export, and Settings (for a role that may manage settings).
struct AdminPages: Sendable {
    let pages: Pages
    var settings: ServerSettings { pages.settings }

    func register(on routes: some RouteRegistrar) {
        routes.on(.get, "/history") { request, _ in try await pages.withSession(request) { visitor, _, _ in try await history(visitor, notice: nil) } }
        routes.on(.get, "/history/{batch}/undo") { request, context in try await pages.withSession(request) { visitor, _, _ in
            guard let batch = batchNumber(context) else { return pages.errorPage(visitor, .notFound, "not_found") }
            return pages.render("undo", visitor, ["batch": batch])
        } }
        routes.on(.post, "/history/{batch}/undo") { request, context in try await pages.withSession(request, form: true) { visitor, employee, _ in
            guard let batch = batchNumber(context) else { return pages.errorPage(visitor, .notFound, "not_found") }
            let settings = settings, language = visitor.language
            _ = try await pages.base { store in try undoImport(batch: batch, in: store, by: employee, language: language, settings: settings) }
            return try await history(visitor, notice: visitor.words["undone"])
        } }
        routes.on(.get, "/export") { request, _ in try await pages.withSession(request) { visitor, _, _ in
            pages.render("export", visitor, [:])
        } }
        routes.on(.get, "/export/download") { request, _ in try await pages.withSession(request) { visitor, _, _ in
            try await export(request, visitor)
        } }
        routes.on(.get, "/settings") { request, _ in try await pages.withSession(request, settingsRight: true) { visitor, _, _ in
            try await settingsPage(visitor)
        } }
        routes.on(.post, "/settings/{what}") { request, context in try await pages.withSession(request, form: true, settingsRight: true) { visitor, _, form in
            try await change(context.parameters.get("what") ?? "", form)
            return redirect("/settings")
        } }
    }

    private func batchNumber(_ context: ServerContext) -> Int64? {
        context.parameters.get("batch").flatMap(Int64.init).flatMap { $0 > 0 ? $0 : nil }
    }

    private func history(_ visitor: PageVisitor, notice: String?) async throws -> Response {
        let batches = try await pages.base { try $0.history() }
        let words = visitor.words
        return pages.render("history", visitor, [
            "notice": notice ?? false,
            "batches": batches.reversed().map { batch -> [String: Any] in
                [
                    "id": batch.id, "who": batch.employee ?? "", "when": batch.startedAt,
                    "file": batch.kind == .undo ? "↶ \(words["undo"]!) \(words["batch"]!) \(batch.undoesBatch ?? 0)" : batch.fileName,
                    "rule_set": batch.ruleSet, "plugin": batch.plugin,
                    "counts": countsText(batch.counts, skipped: 0, words),
                    "undoable": batch.kind == .import && batch.state == .imported,
                    "state": batch.state.rawValue,
                ]
            },
        ])
    }

    private func export(_ request: Request, _ visitor: PageVisitor) async throws -> Response {
        let format = request.uri.queryParameters["format"].map(String.init) == "csv" ? "csv" : "xlsx"
        let requested = request.uri.queryParameters["lang"].map(String.init) ?? visitor.language
        let language = Localization.languages.contains(requested) ? requested : visitor.language
        let settings = settings
        let bytes = try await pages.base { store in
            try withScratchFile(in: settings.filesFolder, extension: format) { path in
                _ = try TemplateExporter(engine: try RuleEngine(ruleSet: settings.ruleSet, searchPath: settings.searchPath),
                                         catalog: try store.catalog()).export(store, to: path, language: language)
            }
        }
        return download(bytes, name: "clients.\(language).\(format)", type: format == "csv" ? "text/csv; charset=utf-8" : APIRoutes.xlsxType)
    }

    private func settingsPage(_ visitor: PageVisitor) async throws -> Response {
        let catalog = try await pages.base { try $0.catalog() }
        let words = visitor.words
        return pages.render("settings", visitor, [
            "marketing_sources": catalog.marketingSources, "price_types": catalog.priceTypes,
            "custom_fields": catalog.customFields.map { ["name": $0.name, "type": $0.type.rawValue] },
            "field_types": CustomFieldDefinition.FieldType.allCases.map(\.rawValue),
            "roles": catalog.roles.map { role -> [String: Any] in
                ["name": role.name, "balance": role.canAdjustBalance ? words["yes"]! : words["no"]!,
                 "settings": role.canManageSettings ? words["yes"]! : words["no"]!]
            },
            "role_names": catalog.roles.map(\.name),
            "employees": catalog.employees.map { ["name": $0.name, "role": $0.role] },
        ])
    }

    /// One settings form: the same `ClientStore` calls as `clientimport settings|roles|employees`.
    private func change(_ what: String, _ form: FormFields) async throws {
        let name = (form["name"] ?? "").trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 200 else {
            throw Problem(.badRequest, "A name is needed", detail: "give a name of 1 to 200 characters")
        }
        switch what {
        case "marketing-sources": try await pages.base { try $0.addMarketingSources([name]) }
        case "price-types": try await pages.base { try $0.addPriceTypes([name]) }
        case "custom-fields":
            guard let type = CustomFieldDefinition.FieldType(rawValue: form["type"] ?? "") else {
                throw Problem(.badRequest, "Unknown type", detail: "a custom field is text, number, date or yes-no")
            }
            try await pages.base { try $0.addCustomField(CustomFieldDefinition(name: name, type: type)) }
        case "roles":
            let role = Role(name: name, canAdjustBalance: form["can_adjust_balance"] == "on", canManageSettings: form["can_manage_settings"] == "on")
            try await pages.base { try $0.addRole(role) }
        case "employees":
            let role = form["role"] ?? ""
            try await pages.base { try $0.addEmployee(name: name, role: role) }
        default:
            throw Problem(.notFound, "Not found", detail: "no such setting")
        }
    }
}
