import Foundation

extension PostgresClientStore {
    /// The columns `decodeClient` reads, in its order; custom values come back keyed by field name.
    static let clientColumns = """
        c.id, c.name, c.last_name, c.email, c.address, c.juridical, c.supplier, c.conflicted, c.notes,
        COALESCE(ms.name, ''), c.discount_card, c.discount_goods, c.discount_services, c.discount_materials,
        COALESCE(ps.name, ''), COALESCE(po.name, ''),
        (SELECT COALESCE(SUM(amount), 0) FROM balance_ledger WHERE client_id = c.id), c.phones,
        (SELECT json_object_agg(f.name, v.value) FROM json_each_text(c.custom_values) v
            JOIN custom_fields f ON f.id = v.key::bigint)
        FROM clients c
        LEFT JOIN marketing_sources ms ON ms.id = c.marketing_source_id
        LEFT JOIN price_types ps ON ps.id = c.price_type_sales_id
        LEFT JOIN price_types po ON po.id = c.price_type_orders_id
        """

    /// The client with this ID, or `nil` when there is none (or it was removed by an undo).
    public func client(id: Int64) throws -> Client? {
        try flushPendingClients(holding: id)
        let result = try connection.query("SELECT \(Self.clientColumns) WHERE c.id = $1 AND c.deleted_batch IS NULL", [String(id)])
        guard result.rowCount > 0 else { return nil }
        return try decodeClient(result, row: 0)
    }

    /// How many clients the base holds.
    public func clientCount() throws -> Int {
        try flushPendingClients()
        return Int(try connection.query("SELECT COUNT(*) FROM clients WHERE deleted_batch IS NULL").int(0, 0))
    }

    /// Calls `body` with every client in ID order, a block of rows at a time through a cursor
    /// (memory stays flat), all from one snapshot of the base.
    public func forEachClient(_ body: (Client) throws -> Void) throws {
        try flushPendingClients()
        try connection.forEachRow("SELECT \(Self.clientColumns) WHERE c.deleted_batch IS NULL ORDER BY c.id") { result, row in
            try body(try decodeClient(result, row: row))
        }
    }

    func decodeClient(_ r: PostgresResult, row: Int) throws -> Client {
        var client = Client(id: r.int(row, 0), name: r.text(row, 1))
        client.lastName = r.text(row, 2)
        client.email = r.text(row, 3)
        client.address = r.text(row, 4)
        client.juridical = r.bool(row, 5)
        client.supplier = r.bool(row, 6)
        client.conflicted = r.bool(row, 7)
        client.notes = r.text(row, 8)
        client.marketingSource = r.text(row, 9)
        client.discountCard = r.text(row, 10)
        client.discountGoods = r.optionalInt(row, 11).map(ExactDecimal.init(tenThousandths:))
        client.discountServices = r.optionalInt(row, 12).map(ExactDecimal.init(tenThousandths:))
        client.discountMaterials = r.optionalInt(row, 13).map(ExactDecimal.init(tenThousandths:))
        client.priceTypeSales = r.text(row, 14)
        client.priceTypeOrders = r.text(row, 15)
        client.balance = ExactDecimal(tenThousandths: try exactInteger(r.text(row, 16), what: "the balance of client \(client.id)"))
        let phones = r.text(row, 17)
        if phones != "[]" { client.phones = try JSONDecoder().decode([String].self, from: Data(phones.utf8)) }
        if let values = r.optionalText(row, 18) {
            client.customFields = try JSONDecoder().decode([String: String].self, from: Data(values.utf8))
        }
        return client
    }

    /// A SUM of bigints is a numeric: its digits, read exactly; one past Int64 is an error, not a wrap.
    private func exactInteger(_ digits: String, what: String) throws -> Int64 {
        guard let value = Int64(digits) else { throw StoreError(.corrupt, "\(what) (\(digits)) does not fit in 64 bits") }
        return value
    }

    /// The first client (lowest ID) that has this phone number (digits as stored), if any.
    /// Inside an import, from memory or the server and the clients not sent yet
    /// (`contactsIndexed`).
    public func firstClientID(withPhone phone: String) throws -> Int64? {
        if try contactsIndexed() { return contacts.firstClient(withPhone: phone) }
        let result = try connection.query("""
            SELECT p.client_id FROM client_phone_lookup p JOIN clients c ON c.id = p.client_id
            WHERE p.number = $1 AND c.deleted_batch IS NULL ORDER BY p.client_id LIMIT 1
            """, [phone])
        return lowest(result.rowCount > 0 ? result.int(0, 0) : nil, contacts.firstClient(withPhone: phone))
    }

    /// The first client (lowest ID) that has this email address (A-Z compared without case, as
    /// on SQLite), if any.
    public func firstClientID(withEmail email: String) throws -> Int64? {
        if try contactsIndexed() { return contacts.firstClient(withEmail: email) }
        let result = try connection.query("""
            SELECT id FROM clients WHERE \(PostgresSchema.foldedEmail("email")) = \(PostgresSchema.foldedEmail("$1::text"))
            AND email <> '' AND deleted_batch IS NULL ORDER BY \(PostgresSchema.foldedEmail("email")), id LIMIT 1
            """, [email])
        return lowest(result.rowCount > 0 ? result.int(0, 0) : nil, contacts.firstClient(withEmail: email))
    }

    private func lowest(_ a: Int64?, _ b: Int64?) -> Int64? {
        guard let a else { return b }
        guard let b else { return a }
        return min(a, b)
    }

    /// The ledger of one client, oldest first.
    public func balanceHistory(clientID: Int64) throws -> [BalanceCorrection] {
        try flushPendingClients(holding: clientID)
        let r = try connection.query("""
            SELECT l.amount, l.comment, l.batch_id, e.name, l.at FROM balance_ledger l
            LEFT JOIN employees e ON e.id = l.employee_id WHERE l.client_id = $1 ORDER BY l.entry
            """, [String(clientID)])
        return (0..<r.rowCount).map {
            BalanceCorrection(amount: ExactDecimal(tenThousandths: r.int($0, 0)), comment: r.text($0, 1),
                              batch: r.optionalInt($0, 2), employee: r.optionalText($0, 3), at: r.text($0, 4))
        }
    }

    // MARK: Writing (call inside `transaction`)

    /// Creates a client with a new ID (or with `client.id` when it is positive and free) and
    /// returns the ID. The balance is not written here: use `appendBalanceCorrection`.
    ///
    /// The row (and its phone lookup rows) is buffered and sent with others by one COPY
    /// (`flushPendingClients`): before the transaction ends, or before anything needs it on
    /// the server. A clash with an ID already taken is therefore reported then, not here.
    public func insertClient(_ client: Client, batch: Int64, sourceRow: Int?) throws -> Int64 {
        guard writing else {
            // Buffered rows are sent when a write transaction ends; a read-only one never sends them.
            guard !connection.inTransaction else {
                throw StoreError(.invalid, "a client cannot be created inside a read-only snapshot of the base; create it inside `transaction`")
            }
            return try transaction { try insertClient(client, batch: batch, sourceRow: sourceRow) }
        }
        let references = try referenceIDs(of: client)
        let id = client.id > 0 ? client.id : try newID("clients")
        try pending.clients.row(fields(of: client, id: id, references: references) + [String(batch)])
        pending.ledgerEntries[id] = 0
        // One phone lookup entry per distinct number.
        for (index, phone) in client.phones.enumerated() where !client.phones[..<index].contains(phone) {
            try pending.phones.row([phone, String(id)])
        }
        contacts.add(clientID: id, phones: client.phones, email: client.email)
        if client.id > 0 { try usedID(id, in: "clients") }
        try recordCreated(batch: batch, clientID: id)
        lastRecordedChange = (batch, id)
        clientWithoutLedgerEntries = id
        if pending.ledgerEntries.count >= PostgresPendingClients.flushRows { try flushPendingClients() }
        return id
    }

    private func recordCreated(batch: Int64, clientID: Int64) throws {
        if let run = pendingCreatedRun, run.batch == batch, run.lastClientID &+ 1 == clientID {
            pendingCreatedRun?.lastClientID = clientID
            return
        }
        try writePendingCreatedRun()
        pendingCreatedRun = (batch, clientID, clientID)
    }

    /// Writes the pending run of created IDs (before the transaction commits).
    func writePendingCreatedRun() throws {
        guard let run = pendingCreatedRun else { return }
        pendingCreatedRun = nil
        try flushPendingClients()
        try connection.query("INSERT INTO batch_created_clients(batch_id, first_client_id, last_client_id) VALUES ($1, $2, $3)",
                             [String(run.batch), String(run.firstClientID), String(run.lastClientID)])
    }

    /// Overwrites a client's fields (not its balance) and records the previous state for undo.
    public func updateClient(_ client: Client, previous: Client, batch: Int64, sourceRow: Int?) throws {
        try flushPendingClients(holding: client.id)
        let references = try referenceIDs(of: client)
        let id = String(client.id)
        // The phone lookup follows the stored phones, whatever `previous` says.
        let stored = try connection.query("SELECT phones, email, deleted_batch IS NULL FROM clients WHERE id = $1", [id])
        let storedPhones = stored.rowCount > 0 ? stored.text(0, 0) : "[]"
        if contacts.complete, stored.rowCount > 0, stored.bool(0, 2) {
            let phones = try JSONDecoder().decode([String].self, from: Data(storedPhones.utf8))
            contacts.remove(clientID: client.id, phones: phones, email: stored.text(0, 1))
            contacts.add(clientID: client.id, phones: client.phones, email: client.email)
        }
        try connection.query("""
            UPDATE clients SET name = $2, last_name = $3, email = $4, address = $5, juridical = $6, supplier = $7,
                conflicted = $8, notes = $9, marketing_source_id = $10, discount_card = $11, discount_goods = $12,
                discount_services = $13, discount_materials = $14, price_type_sales_id = $15, price_type_orders_id = $16,
                phones = $17, custom_values = $18
            WHERE id = $1
            """, fields(of: client, id: client.id, references: references))
        if storedPhones != ClientRowJSON.array(client.phones) {
            try connection.query("DELETE FROM client_phone_lookup WHERE client_id = $1 AND number IN (SELECT json_array_elements_text($2::json))",
                                 [id, storedPhones])
            try addPhoneLookups(client.phones, clientID: client.id)
        }
        try recordChange(batch: batch, clientID: client.id, kind: "updated", sourceRow: sourceRow, before: previous)
    }

    /// Appends one entry to a client's balance ledger.
    public func appendBalanceCorrection(clientID: Int64, amount: ExactDecimal, comment: String,
                                        batch: Int64, employeeID: Int64?, sourceRow: Int?) throws {
        let first = clientWithoutLedgerEntries == clientID
        clientWithoutLedgerEntries = nil
        if let entries = pending.ledgerEntries[clientID] {
            // A client not sent yet: its entries are numbered here and sent with it.
            try pending.ledger.row([String(clientID), String(entries + 1), String(amount.tenThousandths), comment, String(batch),
                                    employeeID.map { String($0) }, SQLiteClientStore.now()])
            pending.ledgerEntries[clientID] = entries + 1
        } else {
            try appendLedgerEntry(clientID: clientID, amount: amount.tenThousandths, comment: comment, batch: batch,
                                  employeeID: employeeID, first: first)
        }
        // A client whose only change is its balance still belongs to the batch, for undo's checks.
        if let last = lastRecordedChange, last == (batch, clientID) { return }
        try flushPendingClients(holding: clientID)
        try connection.query("""
            INSERT INTO batch_changes(batch_id, client_id, kind, source_row) VALUES ($1, $2, 'balance', $3)
            ON CONFLICT DO NOTHING
            """, [String(batch), String(clientID), sourceRow.map { String($0) }])
        lastRecordedChange = (batch, clientID)
    }

    /// One ledger entry, numbered after the client's last (number 1 without a look-up for a
    /// client this transaction just created).
    func appendLedgerEntry(clientID: Int64, amount: Int64, comment: String, batch: Int64, employeeID: Int64?, first: Bool) throws {
        let entry = first ? "1" : "(SELECT COALESCE(MAX(entry), 0) + 1 FROM balance_ledger WHERE client_id = $1)"
        try connection.query("""
            INSERT INTO balance_ledger(client_id, entry, amount, comment, batch_id, employee_id, at)
            VALUES ($1, \(entry), $2, $3, $4, $5, $6)
            """, [String(clientID), String(amount), comment, String(batch), employeeID.map { String($0) }, SQLiteClientStore.now()])
    }

    /// Records that `batch` changed a client, with its state `before` (the first state is kept
    /// when a batch changes a client twice: it is the one undo restores).
    func recordChange(batch: Int64, clientID: Int64, kind: String, sourceRow: Int?, before: Client?) throws {
        try flushPendingClients(holding: clientID)
        let json = try before.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        try connection.query("""
            INSERT INTO batch_changes(batch_id, client_id, kind, source_row, before_json) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (batch_id, client_id) DO UPDATE SET kind = excluded.kind,
                before_json = COALESCE(batch_changes.before_json, excluded.before_json)
            """, [String(batch), String(clientID), kind, sourceRow.map { String($0) }, json])
        lastRecordedChange = (batch, clientID)
    }

    private struct ReferenceIDs {
        var marketingSource, priceSales, priceOrders: Int64?
        var customValues: String?
    }

    private func referenceIDs(of client: Client) throws -> ReferenceIDs {
        var values: [(key: Int64, value: String)] = []
        for (name, value) in client.customFields.sorted(by: { $0.key < $1.key }) {
            guard let field = try nameID(.customFields, name) else { throw StoreError(.notFound, "there is no custom field \"\(name)\"") }
            // Inside the JSON a NUL would be written as \u0000, which PostgreSQL cannot read back as text.
            guard !value.utf8.contains(0) else {
                throw StoreError(.invalid, "the custom field \"\(name)\" holds a NUL character (U+0000), which PostgreSQL cannot store in text; remove it from the file and import again")
            }
            values.append((field, value))
        }
        for phone in client.phones where phone.utf8.contains(0) {
            throw StoreError(.invalid, "a phone number holds a NUL character (U+0000), which PostgreSQL cannot store in text; remove it from the file and import again")
        }
        return ReferenceIDs(
            marketingSource: try lookup(.marketingSources, client.marketingSource, what: "marketing source"),
            priceSales: try lookup(.priceTypes, client.priceTypeSales, what: "price type"),
            priceOrders: try lookup(.priceTypes, client.priceTypeOrders, what: "price type"),
            customValues: ClientRowJSON.object(values))
    }

    private func lookup(_ table: SQLiteClientStore.NamedTable, _ name: String, what: String) throws -> Int64? {
        guard !name.isEmpty else { return nil }
        return try nameID(table, name) ?? { throw StoreError(.notFound, "there is no \(what) \"\(name)\"") }()
    }

    /// The ID of the row of `table` named `name`, cached for the current transaction.
    private func nameID(_ table: SQLiteClientStore.NamedTable, _ name: String) throws -> Int64? {
        if let id = nameIDs[table.rawValue][name] { return id }
        let result = try connection.query("SELECT id FROM \(table.sql) WHERE name = $1", [name])
        guard result.rowCount > 0 else { return nil }
        let id = result.int(0, 0)
        if connection.inTransaction { nameIDs[table.rawValue][name] = id }
        return id
    }

    /// `$1` (the ID) to `$18` of the INSERT and UPDATE of a client, which share that order.
    private func fields(of c: Client, id: Int64, references r: ReferenceIDs) -> [String?] {
        func flag(_ value: Bool) -> String { value ? "t" : "f" }
        return [String(id), c.name, c.lastName, c.email, c.address, flag(c.juridical), flag(c.supplier), flag(c.conflicted),
                c.notes, r.marketingSource.map { String($0) }, c.discountCard,
                c.discountGoods.map { String($0.tenThousandths) }, c.discountServices.map { String($0.tenThousandths) },
                c.discountMaterials.map { String($0.tenThousandths) }, r.priceSales.map { String($0) },
                r.priceOrders.map { String($0) }, ClientRowJSON.array(c.phones), r.customValues]
    }

    /// One phone lookup entry per distinct number.
    private func addPhoneLookups(_ phones: [String], clientID: Int64) throws {
        for (index, phone) in phones.enumerated() where !phones[..<index].contains(phone) {
            try connection.query("INSERT INTO client_phone_lookup(number, client_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                                 [phone, String(clientID)])
        }
    }
}
