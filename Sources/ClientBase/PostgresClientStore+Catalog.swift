import Foundation

extension PostgresClientStore {
    /// Everything imported rows may refer to.
    public func catalog() throws -> Catalog {
        let customFields = try connection.query("SELECT name, type FROM custom_fields ORDER BY id")
        let roles = try connection.query("SELECT name, can_adjust_balance, can_manage_settings FROM roles ORDER BY id")
        let employees = try connection.query("""
            SELECT e.id, e.name, r.name, r.can_adjust_balance, r.can_manage_settings, e.password_hash IS NOT NULL
            FROM employees e JOIN roles r ON r.id = e.role_id ORDER BY e.id
            """)
        return Catalog(
            marketingSources: try names("SELECT name FROM marketing_sources ORDER BY id"),
            priceTypes: try names("SELECT name FROM price_types ORDER BY id"),
            customFields: (0..<customFields.rowCount).map {
                CustomFieldDefinition(name: customFields.text($0, 0), type: .init(rawValue: customFields.text($0, 1)) ?? .text)
            },
            roles: (0..<roles.rowCount).map {
                Role(name: roles.text($0, 0), canAdjustBalance: roles.bool($0, 1), canManageSettings: roles.bool($0, 2))
            },
            employees: (0..<employees.rowCount).map {
                Employee(id: employees.int($0, 0), name: employees.text($0, 1), role: employees.text($0, 2),
                         canAdjustBalance: employees.bool($0, 3), canManageSettings: employees.bool($0, 4),
                         hasPassword: employees.bool($0, 5))
            })
    }

    private func names(_ sql: String) throws -> [String] {
        let result = try connection.query(sql)
        return (0..<result.rowCount).map { result.text($0, 0) }
    }

    /// Adds marketing sources; names already present are kept once.
    public func addMarketingSources(_ names: [String]) throws {
        try addNames(names, table: .marketingSources, what: "marketing source")
    }

    /// Adds price types; names already present are kept once.
    public func addPriceTypes(_ names: [String]) throws {
        try addNames(names, table: .priceTypes, what: "price type")
    }

    private func addNames(_ names: [String], table: SQLiteClientStore.NamedTable, what: String) throws {
        try transaction {
            for name in names {
                let trimmed = name.trimmingCharacters(in: .whitespaces)
                guard !trimmed.isEmpty else { throw StoreError(.invalid, "a \(what) needs a name") }
                try SQLiteClientStore.requireCellSized(trimmed, what: what)
                let present = try connection.query("SELECT 1 FROM \(table.sql) WHERE name = $1", [trimmed]).rowCount > 0
                if present { continue }
                try connection.query("INSERT INTO \(table.sql)(id, name) VALUES ($1, $2)", [String(try newID(table.sql)), trimmed])
                forgetNameIDs(table)
            }
        }
    }

    /// Adds a custom field of the client card; an import column after Balance names it.
    public func addCustomField(_ field: CustomFieldDefinition) throws {
        try transaction { try defineCustomField(field) }
    }

    /// Adds a custom field inside the caller's transaction (an import that creates the fields
    /// its file needs, with `--keep-unmapped-as-custom-fields`).
    public func defineCustomField(_ field: CustomFieldDefinition) throws {
        let name = field.name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { throw StoreError(.invalid, "a custom field needs a name") }
        try SQLiteClientStore.requireCellSized(name, what: "custom field")
        let existing = try connection.query("SELECT type FROM custom_fields WHERE name = $1", [name])
        if existing.rowCount > 0 {
            throw StoreError(.conflict, "the custom field \"\(name)\" exists already (type \(existing.text(0, 0)))")
        }
        try connection.query("INSERT INTO custom_fields(id, name, type) VALUES ($1, $2, $3)",
                             [String(try newID("custom_fields")), name, field.type.rawValue])
        forgetNameIDs(.customFields)
    }
}
