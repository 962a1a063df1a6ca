extension SQLiteClientStore {
    /// Everything imported rows may refer to.
    public func catalog() throws -> Catalog {
        Catalog(
            marketingSources: try names("SELECT name FROM marketing_sources ORDER BY id"),
            priceTypes: try names("SELECT name FROM price_types ORDER BY id"),
            customFields: try customFields(),
            roles: try roles(),
            employees: try employees())
    }

    private func names(_ sql: String) throws -> [String] {
        let statement = try connection.statement(sql)
        var result: [String] = []
        while try statement.step() { result.append(statement.text(0)) }
        return result
    }

    private func customFields() throws -> [CustomFieldDefinition] {
        let statement = try connection.statement("SELECT name, type FROM custom_fields ORDER BY id")
        var result: [CustomFieldDefinition] = []
        while try statement.step() {
            result.append(CustomFieldDefinition(name: statement.text(0), type: .init(rawValue: statement.text(1)) ?? .text))
        }
        return result
    }

    private func roles() throws -> [Role] {
        let statement = try connection.statement("SELECT name, can_adjust_balance FROM roles ORDER BY id")
        var result: [Role] = []
        while try statement.step() { result.append(Role(name: statement.text(0), canAdjustBalance: statement.int(1) != 0)) }
        return result
    }

    private func employees() throws -> [Employee] {
        let statement = try connection.statement("""
            SELECT e.id, e.name, r.name, r.can_adjust_balance FROM employees e JOIN roles r ON r.id = e.role_id ORDER BY e.id
            """)
        var result: [Employee] = []
        while try statement.step() {
            result.append(Employee(id: statement.int(0), name: statement.text(1), role: statement.text(2),
                                   canAdjustBalance: statement.int(3) != 0))
        }
        return result
    }

    /// Adds marketing sources; names already present are kept once.
    public func addMarketingSources(_ names: [String]) throws {
        try addNames(names, table: .marketingSources, what: "marketing source")
    }

    /// Adds price types; names already present are kept once.
    public func addPriceTypes(_ names: [String]) throws {
        try addNames(names, table: .priceTypes, what: "price type")
    }

    private func addNames(_ names: [String], table: NamedTable, what: String) throws {
        try transaction {
            for name in names {
                let trimmed = name.trimmingCharacters(in: .whitespaces)
                guard !trimmed.isEmpty else { throw StoreError(.invalid, "a \(what) needs a name") }
                try Self.requireCellSized(trimmed, what: what)
                try connection.statement("INSERT OR IGNORE INTO \(table.sql)(name) VALUES (?1)").bind(.text(trimmed)).run()
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
        try Self.requireCellSized(name, what: "custom field")
        let existing = try connection.statement("SELECT type FROM custom_fields WHERE name = ?1").bind(.text(name))
        if try existing.step() {
            throw StoreError(.conflict, "the custom field \"\(name)\" exists already (type \(existing.text(0)))")
        }
        try connection.statement("INSERT INTO custom_fields(name, type) VALUES (?1, ?2)")
            .bind(.text(name), .text(field.type.rawValue)).run()
        forgetNameIDs(.customFields)
    }

    /// A name the export writes into one cell (a header, a drop-down entry, a client's value)
    /// must fit Excel's 32,767 UTF-16 units, or every XLSX export of the base would fail.
    static func requireCellSized(_ name: String, what: String) throws {
        let limit = 32_767
        guard name.utf8.count > limit, name.utf16.count > limit else { return }
        throw StoreError(.invalid, "a \(what) name of \(name.utf16.count) characters is longer than the \(limit) an Excel cell holds; choose a shorter name")
    }

    /// Adds a role, or changes whether an existing one may adjust balances.
    public func addRole(_ role: Role) throws {
        guard !role.name.isEmpty else { throw StoreError(.invalid, "a role needs a name") }
        try transaction {
            try connection.statement("""
                INSERT INTO roles(name, can_adjust_balance) VALUES (?1, ?2)
                ON CONFLICT(name) DO UPDATE SET can_adjust_balance = excluded.can_adjust_balance
                """).bind(.text(role.name), .flag(role.canAdjustBalance)).run()
        }
    }

    /// Adds an employee with an existing role.
    public func addEmployee(name: String, role: String) throws {
        guard !name.isEmpty else { throw StoreError(.invalid, "an employee needs a name") }
        try transaction {
            let lookup = try connection.statement("SELECT id FROM roles WHERE name = ?1").bind(.text(role))
            guard try lookup.step() else {
                let known = try roles().map(\.name).joined(separator: ", ")
                throw StoreError(.notFound, "there is no role \"\(role)\" (roles: \(known)); add it with `clientimport roles add`")
            }
            let roleID = lookup.int(0)
            let existing = try connection.statement("SELECT 1 FROM employees WHERE name = ?1").bind(.text(name))
            if try existing.step() { throw StoreError(.conflict, "the employee \"\(name)\" exists already") }
            try connection.statement("INSERT INTO employees(name, role_id) VALUES (?1, ?2)")
                .bind(.text(name), .integer(roleID)).run()
        }
    }
}
