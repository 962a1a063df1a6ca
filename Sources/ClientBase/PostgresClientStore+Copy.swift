import Foundation

/// `BaseCopying` on PostgreSQL: the whole base read from one `REPEATABLE READ` snapshot, and
/// written into a new base in one transaction (under the base's lock) with the IDs of clients
/// and batches kept; the records and their order are `SQLiteClientStore+Copy.swift`'s.
extension PostgresClientStore {
    public func forEachRecord(_ body: (BaseRecord) throws -> Void) throws {
        try connection.snapshot {
            try body(.settings(try copyableSettings()))
            for batch in try history() { try body(.batch(batch)) }

            // `clientColumns` with the journal's two columns added: the client as `client(id:)`
            // reads it, also when an undo removed it.
            let columns = Self.clientColumns.replacingOccurrences(
                of: "FROM clients c", with: ", c.created_batch, c.deleted_batch FROM clients c")
            try connection.forEachRow("SELECT \(columns) ORDER BY c.id") { result, row in
                var client = try decodeClient(result, row: row)
                client.balance = .zero
                try body(.client(StoredClient(client: client, createdBatch: result.optionalInt(row, 19),
                                              removedBatch: result.optionalInt(row, 20))))
            }

            try connection.forEachRow("""
                SELECT l.client_id, l.amount, l.comment, l.batch_id, e.name, l.at FROM balance_ledger l
                LEFT JOIN employees e ON e.id = l.employee_id ORDER BY l.client_id, l.entry
                """) { r, row in
                try body(.ledgerEntry(LedgerEntry(clientID: r.int(row, 0), amount: ExactDecimal(tenThousandths: r.int(row, 1)),
                                                  comment: r.text(row, 2), batch: r.optionalInt(row, 3),
                                                  employee: r.optionalText(row, 4), at: r.text(row, 5))))
            }

            try connection.forEachRow(
                "SELECT batch_id, client_id, kind, source_row, before_json FROM batch_changes ORDER BY batch_id, client_id") { r, row in
                let batch = r.int(row, 0), clientID = r.int(row, 1)
                guard let kind = BatchChange.Kind(rawValue: r.text(row, 2)) else {
                    throw StoreError(.corrupt, "the journal of batch \(batch) records an unknown change \"\(r.text(row, 2))\" of client \(clientID)")
                }
                var before: Client?
                if let json = r.optionalText(row, 4) {
                    guard let decoded = try? JSONDecoder().decode(Client.self, from: Data(json.utf8)) else {
                        throw StoreError(.corrupt, "the journal of batch \(batch) holds an unreadable earlier state of client \(clientID)")
                    }
                    before = decoded
                }
                try body(.change(BatchChange(batch: batch, clientID: clientID, kind: kind, sourceRow: r.optionalInt(row, 3), before: before)))
            }

            try connection.forEachRow(
                "SELECT batch_id, first_client_id, last_client_id FROM batch_created_clients ORDER BY batch_id, first_client_id") { r, row in
                try body(.createdClients(CreatedClients(batch: r.int(row, 0), first: r.int(row, 1), last: r.int(row, 2))))
            }
        }
    }

    private func copyableSettings() throws -> BaseSettings {
        let catalog = try catalog()
        var settings = BaseSettings(marketingSources: catalog.marketingSources, priceTypes: catalog.priceTypes,
                                    customFields: catalog.customFields, roles: catalog.roles)
        let employees = try connection.query(
            "SELECT e.name, r.name, e.password_hash FROM employees e JOIN roles r ON r.id = e.role_id ORDER BY e.id")
        for row in 0..<employees.rowCount {
            settings.employees.append(.init(name: employees.text(row, 0), role: employees.text(row, 1),
                                            passwordHash: employees.optionalText(row, 2)))
        }
        let tokens = try connection.query("""
            SELECT t.token_sha256, e.name, t.created_at FROM api_tokens t JOIN employees e ON e.id = t.employee_id
            ORDER BY t.created_at, t.token_sha256
            """)
        for row in 0..<tokens.rowCount {
            settings.apiTokens.append(.init(sha256: tokens.text(row, 0), employee: tokens.text(row, 1), createdAt: tokens.text(row, 2)))
        }
        return settings
    }

    public func restore(_ records: ((BaseRecord) throws -> Void) throws -> Void) throws {
        try transaction {
            try refuseUnlessNew()
            var restorer = PostgresRestorer()
            try records { try restorer.write($0, into: self) }
        }
    }

    /// Anything a new base does not hold: checked under the base's lock, so no other process
    /// can fill the base between the check and the copy.
    private func refuseUnlessNew() throws {
        let r = try connection.query("""
            SELECT (SELECT COUNT(*) FROM clients), (SELECT COUNT(*) FROM batches),
                (SELECT COUNT(*) FROM marketing_sources) + (SELECT COUNT(*) FROM price_types) + (SELECT COUNT(*) FROM custom_fields)
                + (SELECT COUNT(*) FROM roles WHERE name <> $1)
                + (SELECT COUNT(*) FROM employees WHERE name <> $1 OR password_hash IS NOT NULL)
                + (SELECT COUNT(*) FROM api_tokens) + (SELECT COUNT(*) FROM balance_ledger)
            """, [Schema.administrator])
        let clients = r.int(0, 0), batches = r.int(0, 1), others = r.int(0, 2)
        guard clients + batches + others > 0 else { return }
        throw StoreError(.notEmpty, "the client base in schema \(schema) of \(connection.location.redacted) is not new (it holds \(BaseRecord.contents(clients: clients, batches: batches, settings: others > 0))); a copy goes into a new base only: choose a --to schema that holds no base yet, or drop that one first. Nothing was changed")
    }
}

/// Writes copied records into a PostgreSQL base in order, turning names into its own IDs.
private struct PostgresRestorer {
    var marketingSources: [String: Int64] = [:]
    var priceTypes: [String: Int64] = [:]
    var customFields: [String: Int64] = [:]
    var employees: [String: Int64] = [:]
    var settingsDone = false
    /// The client whose ledger entries are being written, and its last entry number.
    var ledgerClient: Int64 = 0
    var ledgerEntry: Int64 = 0

    mutating func write(_ record: BaseRecord, into store: PostgresClientStore) throws {
        let connection = store.connection
        if case .settings(let settings) = record {
            guard !settingsDone else { throw StoreError(.invalid, "a copy has one settings record, before the rest") }
            settingsDone = true
            try write(settings, into: store)
            return
        }
        guard settingsDone else { throw StoreError(.invalid, "a copy starts with the settings") }
        func text(_ value: Int64?) -> String? { value.map { String($0) } }
        switch record {
        case .settings:
            break
        case .batch(let b):
            try connection.query("""
                INSERT INTO batches(id, kind, state, file_name, file_sha256, rule_set, plugin, employee_id, rows, created,
                    updated, unchanged, balance_corrections, undoes_batch, started_at, finished_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
                """, [String(b.id), b.kind.rawValue, b.state.rawValue, b.fileName, b.fileSHA256, b.ruleSet, b.plugin,
                      text(try employee(b.employee)), String(b.counts.rows), String(b.counts.created), String(b.counts.updated),
                      String(b.counts.unchanged), String(b.counts.balanceCorrections), text(b.undoesBatch), b.startedAt, b.finishedAt])
            try store.usedID(b.id, in: "batches")
        case .client(let stored):
            let c = stored.client
            var values: [(key: Int64, value: String)] = []
            for (name, value) in c.customFields.sorted(by: { $0.key < $1.key }) {
                values.append((try id(of: name, in: customFields, what: "custom field"), value))
            }
            try connection.query("""
                INSERT INTO clients(id, name, last_name, email, address, juridical, supplier, conflicted, notes,
                    marketing_source_id, discount_card, discount_goods, discount_services, discount_materials,
                    price_type_sales_id, price_type_orders_id, phones, custom_values, created_batch, deleted_batch)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
                """, [String(c.id), c.name, c.lastName, c.email, c.address, store.flag(c.juridical), store.flag(c.supplier),
                      store.flag(c.conflicted), c.notes,
                      text(try optionalID(of: c.marketingSource, in: marketingSources, what: "marketing source")),
                      c.discountCard, text(c.discountGoods?.tenThousandths), text(c.discountServices?.tenThousandths),
                      text(c.discountMaterials?.tenThousandths),
                      text(try optionalID(of: c.priceTypeSales, in: priceTypes, what: "price type")),
                      text(try optionalID(of: c.priceTypeOrders, in: priceTypes, what: "price type")),
                      ClientRowJSON.array(c.phones), ClientRowJSON.object(values), text(stored.createdBatch), text(stored.removedBatch)])
            for (index, phone) in c.phones.enumerated() where !c.phones[..<index].contains(phone) {
                try connection.query("INSERT INTO client_phone_lookup(number, client_id) VALUES ($1, $2)", [phone, String(c.id)])
            }
            try store.usedID(c.id, in: "clients")
        case .ledgerEntry(let e):
            if e.clientID != ledgerClient { (ledgerClient, ledgerEntry) = (e.clientID, 0) }
            ledgerEntry += 1
            try connection.query("""
                INSERT INTO balance_ledger(client_id, entry, amount, comment, batch_id, employee_id, at)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                """, [String(e.clientID), String(ledgerEntry), String(e.amount.tenThousandths), e.comment, text(e.batch),
                      text(try employee(e.employee)), e.at])
        case .change(let change):
            let json = try change.before.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
            try connection.query("""
                INSERT INTO batch_changes(batch_id, client_id, kind, source_row, before_json) VALUES ($1, $2, $3, $4, $5)
                """, [String(change.batch), String(change.clientID), change.kind.rawValue, text(change.sourceRow), json])
        case .createdClients(let run):
            try connection.query("INSERT INTO batch_created_clients(batch_id, first_client_id, last_client_id) VALUES ($1, $2, $3)",
                                 [String(run.batch), String(run.first), String(run.last)])
        }
    }

    private mutating func write(_ settings: BaseSettings, into store: PostgresClientStore) throws {
        let connection = store.connection
        for name in settings.marketingSources {
            let id = try store.newID("marketing_sources")
            try connection.query("INSERT INTO marketing_sources(id, name) VALUES ($1, $2)", [String(id), name])
            marketingSources[name] = id
        }
        for name in settings.priceTypes {
            let id = try store.newID("price_types")
            try connection.query("INSERT INTO price_types(id, name) VALUES ($1, $2)", [String(id), name])
            priceTypes[name] = id
        }
        for field in settings.customFields {
            let id = try store.newID("custom_fields")
            try connection.query("INSERT INTO custom_fields(id, name, type) VALUES ($1, $2, $3)", [String(id), field.name, field.type.rawValue])
            customFields[field.name] = id
        }
        // The administrator's role and employee exist in a new base: updated, not added.
        for role in settings.roles { try store.addRole(role) }
        for member in settings.employees {
            let role = try connection.query("SELECT id FROM roles WHERE name = $1", [member.role])
            guard role.rowCount > 0 else {
                throw StoreError(.invalid, "the employee \"\(member.name)\" has the role \"\(member.role)\", which the copy does not define")
            }
            let existing = try connection.query("SELECT id FROM employees WHERE name = $1", [member.name])
            let id = existing.rowCount > 0 ? existing.int(0, 0) : try store.newID("employees")
            try connection.query("""
                INSERT INTO employees(id, name, role_id, password_hash) VALUES ($1, $2, $3, $4)
                ON CONFLICT (name) DO UPDATE SET role_id = excluded.role_id, password_hash = excluded.password_hash
                """, [String(id), member.name, String(role.int(0, 0)), member.passwordHash])
            employees[member.name] = id
        }
        for token in settings.apiTokens {
            try connection.query("INSERT INTO api_tokens(token_sha256, employee_id, created_at) VALUES ($1, $2, $3)",
                                 [token.sha256, try employee(token.employee).map { String($0) }, token.createdAt])
        }
    }

    private func employee(_ name: String?) throws -> Int64? {
        try name.map { try id(of: $0, in: employees, what: "employee") }
    }

    private func optionalID(of name: String, in table: [String: Int64], what: String) throws -> Int64? {
        name.isEmpty ? nil : try id(of: name, in: table, what: what)
    }

    private func id(of name: String, in table: [String: Int64], what: String) throws -> Int64 {
        guard let id = table[name] else { throw StoreError(.invalid, "the copy names a \(what) \"\(name)\" that its settings do not define") }
        return id
    }
}
