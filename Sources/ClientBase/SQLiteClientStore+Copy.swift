import Foundation

/// `BaseCopying` on SQLite: the whole base read from one snapshot, and written into a new base
/// in one transaction with the IDs of clients and batches kept as they were.
extension SQLiteClientStore {
    public func forEachRecord(_ body: (BaseRecord) throws -> Void) throws {
        // A deferred transaction: every SELECT below reads one snapshot, whatever another
        // process commits meanwhile. A read-only connection can hold one too.
        connection.resetStatements()
        try connection.execute("BEGIN")
        defer {
            connection.resetStatements()
            try? connection.execute("ROLLBACK")
        }
        try body(.settings(try copyableSettings()))
        for batch in try history() { try body(.batch(batch)) }

        // `clientColumns` with the journal's two columns added: the client as `client(id:)`
        // reads it, also when an undo removed it.
        let clients = try connection.statement("SELECT " + Self.clientColumns.replacingOccurrences(
            of: "FROM clients c", with: ", c.created_batch, c.deleted_batch FROM clients c") + " ORDER BY c.id /* copy */")
        while try clients.step() {
            var client = decodeClient(clients)
            client.balance = .zero
            let created = clients.optionalInt(19), removed = clients.optionalInt(20)
            try loadDetails(into: &client, from: detailsJSON(clients))
            try body(.client(StoredClient(client: client, createdBatch: created, removedBatch: removed)))
        }

        let ledger = try connection.statement("""
            SELECT l.client_id, l.amount, l.comment, l.batch_id, e.name, l.at FROM balance_ledger l
            LEFT JOIN employees e ON e.id = l.employee_id ORDER BY l.client_id, l.entry
            """)
        while try ledger.step() {
            try body(.ledgerEntry(LedgerEntry(clientID: ledger.int(0), amount: ExactDecimal(tenThousandths: ledger.int(1)),
                                              comment: ledger.text(2), batch: ledger.optionalInt(3),
                                              employee: ledger.optionalText(4), at: ledger.text(5))))
        }

        let changes = try connection.statement(
            "SELECT batch_id, client_id, kind, source_row, before_json FROM batch_changes ORDER BY batch_id, client_id")
        while try changes.step() {
            let batch = changes.int(0), clientID = changes.int(1)
            guard let kind = BatchChange.Kind(rawValue: changes.text(2)) else {
                throw StoreError(.corrupt, "the journal of batch \(batch) records an unknown change \"\(changes.text(2))\" of client \(clientID)")
            }
            var before: Client?
            if let json = changes.optionalText(4) {
                guard let decoded = try? JSONDecoder().decode(Client.self, from: Data(json.utf8)) else {
                    throw StoreError(.corrupt, "the journal of batch \(batch) holds an unreadable earlier state of client \(clientID)")
                }
                before = decoded
            }
            try body(.change(BatchChange(batch: batch, clientID: clientID, kind: kind, sourceRow: changes.optionalInt(3), before: before)))
        }

        let runs = try connection.statement(
            "SELECT batch_id, first_client_id, last_client_id FROM batch_created_clients ORDER BY batch_id, first_client_id")
        while try runs.step() {
            try body(.createdClients(CreatedClients(batch: runs.int(0), first: runs.int(1), last: runs.int(2))))
        }
    }

    private func copyableSettings() throws -> BaseSettings {
        let catalog = try catalog()
        var settings = BaseSettings(marketingSources: catalog.marketingSources, priceTypes: catalog.priceTypes,
                                    customFields: catalog.customFields, roles: catalog.roles)
        let employees = try connection.statement(
            "SELECT e.name, r.name, e.password_hash FROM employees e JOIN roles r ON r.id = e.role_id ORDER BY e.id")
        while try employees.step() {
            settings.employees.append(.init(name: employees.text(0), role: employees.text(1), passwordHash: employees.optionalText(2)))
        }
        let tokens = try connection.statement("""
            SELECT t.token_sha256, e.name, t.created_at FROM api_tokens t JOIN employees e ON e.id = t.employee_id
            ORDER BY t.created_at, t.token_sha256
            """)
        while try tokens.step() {
            settings.apiTokens.append(.init(sha256: tokens.text(0), employee: tokens.text(1), createdAt: tokens.text(2)))
        }
        return settings
    }

    public func restore(_ records: ((BaseRecord) throws -> Void) throws -> Void) throws {
        try transaction {
            try refuseUnlessNew()
            var restorer = Restorer()
            try records { try restorer.write($0, into: self) }
        }
    }

    /// Anything a new base does not hold: the check runs under the write lock, so no other
    /// process can fill the base between it and the copy.
    private func refuseUnlessNew() throws {
        let statement = try connection.statement("""
            SELECT (SELECT COUNT(*) FROM clients), (SELECT COUNT(*) FROM batches),
                (SELECT COUNT(*) FROM marketing_sources) + (SELECT COUNT(*) FROM price_types) + (SELECT COUNT(*) FROM custom_fields)
                + (SELECT COUNT(*) FROM roles WHERE name <> ?1)
                + (SELECT COUNT(*) FROM employees WHERE name <> ?1 OR password_hash IS NOT NULL)
                + (SELECT COUNT(*) FROM api_tokens) + (SELECT COUNT(*) FROM balance_ledger)
            """).bind(.text(Schema.administrator))
        _ = try statement.step()
        let clients = statement.int(0), batches = statement.int(1), others = statement.int(2)
        statement.reset()
        guard clients + batches + others > 0 else { return }
        throw StoreError(.notEmpty, "the client base \(path) is not new (it holds \(BaseRecord.contents(clients: clients, batches: batches, settings: others > 0))); a copy goes into a new base only: choose a --to that does not exist yet, or move that base away first. Nothing was changed")
    }

    /// Writes records in order, turning names into this base's own IDs.
    private struct Restorer {
        var marketingSources: [String: Int64] = [:]
        var priceTypes: [String: Int64] = [:]
        var customFields: [String: Int64] = [:]
        var employees: [String: Int64] = [:]
        var settingsDone = false
        /// The client whose ledger entries are being written, and its last entry number.
        var ledgerClient: Int64 = 0
        var ledgerEntry: Int64 = 0

        mutating func write(_ record: BaseRecord, into store: SQLiteClientStore) throws {
            let connection = store.connection
            if case .settings(let settings) = record {
                guard !settingsDone else { throw StoreError(.invalid, "a copy has one settings record, before the rest") }
                settingsDone = true
                try write(settings, into: store)
                return
            }
            guard settingsDone else { throw StoreError(.invalid, "a copy starts with the settings") }
            switch record {
            case .settings:
                break
            case .batch(let b):
                try connection.statement("""
                    INSERT INTO batches(id, kind, state, file_name, file_sha256, rule_set, plugin, employee_id, rows, created,
                        updated, unchanged, balance_corrections, undoes_batch, started_at, finished_at)
                    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
                    """).bind(.integer(b.id), .text(b.kind.rawValue), .text(b.state.rawValue), .text(b.fileName),
                              .text(b.fileSHA256), .text(b.ruleSet), .text(b.plugin), .optional(try employee(b.employee)),
                              .integer(Int64(b.counts.rows)), .integer(Int64(b.counts.created)), .integer(Int64(b.counts.updated)),
                              .integer(Int64(b.counts.unchanged)), .integer(Int64(b.counts.balanceCorrections)),
                              .optional(b.undoesBatch), .text(b.startedAt), .optional(b.finishedAt)).run()
            case .client(let stored):
                let c = stored.client
                var values: [(key: Int64, value: String)] = []
                for (name, value) in c.customFields.sorted(by: { $0.key < $1.key }) {
                    values.append((try id(of: name, in: customFields, what: "custom field"), value))
                }
                try connection.statement("""
                    INSERT INTO clients(id, name, last_name, email, address, juridical, supplier, conflicted, notes,
                        marketing_source_id, discount_card, discount_goods, discount_services, discount_materials,
                        price_type_sales_id, price_type_orders_id, phones, custom_values, created_batch, deleted_batch)
                    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)
                    """).bind(1, c.id).bind(2, c.name).bind(3, c.lastName).bind(4, c.email).bind(5, c.address)
                    .bind(6, c.juridical).bind(7, c.supplier).bind(8, c.conflicted).bind(9, c.notes)
                    .bind(10, try optionalID(of: c.marketingSource, in: marketingSources, what: "marketing source"))
                    .bind(11, c.discountCard).bind(12, c.discountGoods?.tenThousandths).bind(13, c.discountServices?.tenThousandths)
                    .bind(14, c.discountMaterials?.tenThousandths)
                    .bind(15, try optionalID(of: c.priceTypeSales, in: priceTypes, what: "price type"))
                    .bind(16, try optionalID(of: c.priceTypeOrders, in: priceTypes, what: "price type"))
                    .bind(17, ClientRowJSON.array(c.phones)).bind(18, ClientRowJSON.object(values))
                    .bind(19, stored.createdBatch).bind(20, stored.removedBatch).run()
                for (index, phone) in c.phones.enumerated() where !c.phones[..<index].contains(phone) {
                    try connection.statement(.insertPhoneLookup).bind(1, phone).bind(2, c.id).run()
                }
            case .ledgerEntry(let e):
                if e.clientID != ledgerClient { (ledgerClient, ledgerEntry) = (e.clientID, 0) }
                ledgerEntry += 1
                try connection.statement("""
                    INSERT INTO balance_ledger(client_id, entry, amount, comment, batch_id, employee_id, at)
                    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                    """).bind(1, e.clientID).bind(2, ledgerEntry).bind(3, e.amount.tenThousandths).bind(4, e.comment)
                    .bind(5, e.batch).bind(6, try employee(e.employee)).bind(7, e.at).run()
            case .change(let change):
                let json = try change.before.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
                try connection.statement("""
                    INSERT INTO batch_changes(batch_id, client_id, kind, source_row, before_json) VALUES (?1, ?2, ?3, ?4, ?5)
                    """).bind(1, change.batch).bind(2, change.clientID).bind(3, change.kind.rawValue)
                    .bind(4, change.sourceRow).bind(5, json).run()
            case .createdClients(let run):
                try connection.statement("INSERT INTO batch_created_clients(batch_id, first_client_id, last_client_id) VALUES (?1, ?2, ?3)")
                    .bind(1, run.batch).bind(2, run.first).bind(3, run.last).run()
            }
        }

        private mutating func write(_ settings: BaseSettings, into store: SQLiteClientStore) throws {
            let connection = store.connection
            for name in settings.marketingSources {
                try connection.statement("INSERT INTO marketing_sources(name) VALUES (?1)").bind(.text(name)).run()
                marketingSources[name] = connection.lastInsertRowID
            }
            for name in settings.priceTypes {
                try connection.statement("INSERT INTO price_types(name) VALUES (?1)").bind(.text(name)).run()
                priceTypes[name] = connection.lastInsertRowID
            }
            for field in settings.customFields {
                try connection.statement("INSERT INTO custom_fields(name, type) VALUES (?1, ?2)")
                    .bind(.text(field.name), .text(field.type.rawValue)).run()
                customFields[field.name] = connection.lastInsertRowID
            }
            // The administrator's role and employee exist in a new base: updated, not added.
            for role in settings.roles {
                try connection.statement("""
                    INSERT INTO roles(name, can_adjust_balance, can_manage_settings) VALUES (?1, ?2, ?3)
                    ON CONFLICT(name) DO UPDATE SET can_adjust_balance = excluded.can_adjust_balance,
                        can_manage_settings = excluded.can_manage_settings
                    """).bind(.text(role.name), .flag(role.canAdjustBalance), .flag(role.canManageSettings)).run()
            }
            for member in settings.employees {
                let role = try connection.statement("SELECT id FROM roles WHERE name = ?1").bind(.text(member.role))
                guard try role.step() else { throw StoreError(.invalid, "the employee \"\(member.name)\" has the role \"\(member.role)\", which the copy does not define") }
                let roleID = role.int(0)
                role.reset()
                try connection.statement("""
                    INSERT INTO employees(name, role_id, password_hash) VALUES (?1, ?2, ?3)
                    ON CONFLICT(name) DO UPDATE SET role_id = excluded.role_id, password_hash = excluded.password_hash
                    """).bind(.text(member.name), .integer(roleID), .optional(member.passwordHash)).run()
                let id = try connection.statement("SELECT id FROM employees WHERE name = ?1").bind(.text(member.name))
                _ = try id.step()
                employees[member.name] = id.int(0)
                id.reset()
            }
            for token in settings.apiTokens {
                try connection.statement("INSERT INTO api_tokens(token_sha256, employee_id, created_at) VALUES (?1, ?2, ?3)")
                    .bind(.text(token.sha256), .optional(try employee(token.employee)), .text(token.createdAt)).run()
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
}
