import Foundation

extension SQLiteClientStore {
    static let clientColumns = """
        c.id, c.name, c.last_name, c.email, c.address, c.juridical, c.supplier, c.conflicted, c.notes,
        COALESCE(ms.name, ''), c.discount_card, c.discount_goods, c.discount_services, c.discount_materials,
        COALESCE(ps.name, ''), COALESCE(po.name, ''),
        (SELECT COALESCE(SUM(amount), 0) FROM balance_ledger WHERE client_id = c.id), c.phones, c.custom_values
        FROM clients c
        LEFT JOIN marketing_sources ms ON ms.id = c.marketing_source_id
        LEFT JOIN price_types ps ON ps.id = c.price_type_sales_id
        LEFT JOIN price_types po ON po.id = c.price_type_orders_id
        """

    /// The client with this ID, or `nil` when there is none (or it was removed by an undo).
    public func client(id: Int64) throws -> Client? {
        let statement = try connection.statement(.clientByID).bind(1, id)
        guard try statement.step() else { return nil }
        var client = decodeClient(statement)
        let json = detailsJSON(statement)
        // Let go of the read snapshot now rather than at the next lookup.
        statement.reset()
        try loadDetails(into: &client, from: json)
        return client
    }

    /// How many clients the base holds.
    public func clientCount() throws -> Int {
        let statement = try connection.statement("SELECT COUNT(*) FROM clients WHERE deleted_batch IS NULL")
        _ = try statement.step()
        return Int(statement.int(0))
    }

    /// Whether the base holds a client: stops at the first live one instead of counting them all.
    public func hasClients() throws -> Bool {
        let statement = try connection.statement("SELECT EXISTS (SELECT 1 FROM clients WHERE deleted_batch IS NULL)")
        _ = try statement.step()
        defer { statement.reset() }
        return statement.int(0) != 0
    }

    /// Calls `body` with every client in ID order, one at a time (memory stays flat).
    public func forEachClient(_ body: (Client) throws -> Void) throws {
        // A separate statement from `client(id:)`'s, so `body` may look clients up meanwhile.
        let statement = try connection.statement(
            "SELECT \(Self.clientColumns) WHERE c.deleted_batch IS NULL ORDER BY c.id /* all */")
        while try statement.step() {
            var client = decodeClient(statement)
            try loadDetails(into: &client, from: detailsJSON(statement))
            try body(client)
        }
    }

    func decodeClient(_ s: SQLiteStatement) -> Client {
        var client = Client(id: s.int(0), name: s.text(1))
        client.lastName = s.text(2)
        client.email = s.text(3)
        client.address = s.text(4)
        client.juridical = s.int(5) != 0
        client.supplier = s.int(6) != 0
        client.conflicted = s.int(7) != 0
        client.notes = s.text(8)
        client.marketingSource = s.text(9)
        client.discountCard = s.text(10)
        client.discountGoods = s.optionalInt(11).map(ExactDecimal.init(tenThousandths:))
        client.discountServices = s.optionalInt(12).map(ExactDecimal.init(tenThousandths:))
        client.discountMaterials = s.optionalInt(13).map(ExactDecimal.init(tenThousandths:))
        client.priceTypeSales = s.text(14)
        client.priceTypeOrders = s.text(15)
        client.balance = ExactDecimal(tenThousandths: s.int(16))
        return client
    }

    /// The JSON of the row's phones and custom values (`clientColumns`' last two), read before
    /// the row's statement moves on.
    func detailsJSON(_ s: SQLiteStatement) -> (phones: String, customValues: String?) {
        (s.text(17), s.optionalText(18))
    }

    func loadDetails(into client: inout Client, from json: (phones: String, customValues: String?)) throws {
        if json.phones != "[]" {
            let phones = try connection.statement(.phonesOfClient).bind(1, json.phones)
            while try phones.step() { client.phones.append(phones.text(0)) }
        }
        if let customValues = json.customValues {
            let values = try connection.statement(.customValuesOfClient).bind(1, customValues)
            while try values.step() { client.customFields[values.text(0)] = values.text(1) }
        }
    }

    /// The first client (lowest ID) that has this phone number (digits as stored), if any.
    public func firstClientID(withPhone phone: String) throws -> Int64? {
        try firstID(.firstClientWithPhone, phone)
    }

    /// The first client (lowest ID) that has this email address (compared without case), if any.
    public func firstClientID(withEmail email: String) throws -> Int64? {
        try firstID(.firstClientWithEmail, email)
    }

    private func firstID(_ query: RowStatement, _ key: String) throws -> Int64? {
        let statement = try connection.statement(query).bind(1, key)
        guard try statement.step() else { return nil }
        let id = statement.int(0)
        statement.reset()
        return id
    }

    /// The ledger of one client, oldest first.
    public func balanceHistory(clientID: Int64) throws -> [BalanceCorrection] {
        let statement = try connection.statement("""
            SELECT l.amount, l.comment, l.batch_id, e.name, l.at FROM balance_ledger l
            LEFT JOIN employees e ON e.id = l.employee_id WHERE l.client_id = ?1 ORDER BY l.entry
            """).bind(.integer(clientID))
        var result: [BalanceCorrection] = []
        while try statement.step() {
            result.append(BalanceCorrection(amount: ExactDecimal(tenThousandths: statement.int(0)),
                                            comment: statement.text(1), batch: statement.optionalInt(2),
                                            employee: statement.optionalText(3), at: statement.text(4)))
        }
        return result
    }

    // MARK: Writing (call inside `transaction`)

    /// Creates a client with a new ID (or with `client.id` when it is positive and free) and
    /// returns the ID. The balance is not written here: use `appendBalanceCorrection`. The
    /// journal keeps the batch's created IDs as runs (`batch_created_clients`), without
    /// `sourceRow`, which nothing read back.
    public func insertClient(_ client: Client, batch: Int64, sourceRow: Int?) throws -> Int64 {
        let references = try referenceIDs(of: client)
        try bindFields(of: client, id: client.id > 0 ? client.id : nil, references: references,
                       to: connection.statement(.insertClient)).bind(19, batch).run()
        let id = connection.lastInsertRowID
        if deferredLookups == nil {
            try addPhoneLookups(client.phones, clientID: id)
        } else if deferredLookups?.firstCreated == nil {
            deferredLookups?.firstCreated = (id, batch)
        }
        try recordCreated(batch: batch, clientID: id)
        // Already in the batch: a balance correction right after needs no `batch_changes` row.
        lastRecordedChange = (batch, id)
        // Nor a probe for its ledger's last entry number: it has none yet.
        clientWithoutLedgerEntries = id
        return id
    }

    /// Drops the email index and stops writing the phone lookup until `endDeferredLookups`: into
    /// a base without clients, both are random-keyed B-trees that outgrow the page cache at a
    /// few hundred thousand clients, and every insert then reads a page back from the WAL. Both
    /// are built sorted at the end, inside the same transaction, so a rollback finds them as
    /// they were. The page cache shrinks meanwhile (only append-order B-trees are written).
    public func beginDeferredLookups() throws -> Bool {
        guard deferredLookups == nil else { return true }
        try connection.execute("DROP INDEX clients_email_nocase")
        try connection.execute("PRAGMA cache_size = \(Self.deferredPageCacheKiB)")
        deferredLookups = DeferredLookups()
        return true
    }

    /// Builds the email index (the migration's own statement) and the phone lookup of the
    /// clients created since `beginDeferredLookups`, each in key order: SQLite sorts the keys
    /// (in runs of `cache_size` bytes, merged through temporary files) and fills the B-tree page
    /// after page. The small page cache is kept until both are built: the sorter's runs are as
    /// big as the cache, and with 14 MiB the two together took the 1M-row XLSX import from
    /// 108 to 123 MiB at this moment.
    public func endDeferredLookups() throws {
        guard let deferred = deferredLookups else { return }
        deferredLookups = nil
        defer {
            try? connection.execute("PRAGMA cache_size = \(Self.pageCacheKiB)")
            try? connection.execute("PRAGMA threads = 0")
        }
        try connection.execute("PRAGMA cache_size = \(Self.buildPageCacheKiB)")
        // The sorter may merge its runs on a second thread: the build runs alone at the end of
        // the import, with the reading threads done (1M clients' email index 1.41 -> 0.85 s).
        try connection.execute("PRAGMA threads = 1")
        try connection.execute(Schema.emailIndex)
        if let first = deferred.firstCreated {
            // A client's repeated number is one entry (OR IGNORE), as `addPhoneLookups` writes it.
            try connection.statement("""
                INSERT OR IGNORE INTO client_phone_lookup(number, client_id)
                SELECT p.value, c.id FROM clients c, json_each(c.phones) p
                WHERE c.id >= ?1 AND c.created_batch = ?2 AND c.phones <> '[]' ORDER BY 1, 2
                """).bind(1, first.clientID).bind(2, first.batch).run()
        }
    }

    /// Adds a created client to the batch's pending run of IDs, or starts a new run (writing the
    /// pending one) when the ID does not follow it: a client given its own ID.
    private func recordCreated(batch: Int64, clientID: Int64) throws {
        if let run = pendingCreatedRun, run.batch == batch, run.lastClientID &+ 1 == clientID {
            pendingCreatedRun?.lastClientID = clientID
            return
        }
        try writePendingCreatedRun()
        pendingCreatedRun = CreatedRun(batch: batch, firstClientID: clientID, lastClientID: clientID)
    }

    /// Writes the pending run of created IDs (call before the transaction commits).
    func writePendingCreatedRun() throws {
        guard let run = pendingCreatedRun else { return }
        pendingCreatedRun = nil
        try connection.statement("INSERT INTO batch_created_clients(batch_id, first_client_id, last_client_id) VALUES (?1, ?2, ?3)")
            .bind(1, run.batch).bind(2, run.firstClientID).bind(3, run.lastClientID).run()
    }

    /// Overwrites a client's fields (not its balance) and records the previous state for undo.
    public func updateClient(_ client: Client, previous: Client, batch: Int64, sourceRow: Int?) throws {
        // The lookup must hold the client's stored phones before they change.
        try endDeferredLookups()
        let references = try referenceIDs(of: client)
        // The phone lookup follows the stored phones, whatever `previous` says.
        let stored = try connection.statement(.phonesOfStoredClient).bind(1, client.id)
        let storedPhones = try stored.step() ? stored.text(0) : "[]"
        stored.reset()
        try bindFields(of: client, id: client.id, references: references, to: connection.statement(.updateClient)).run()
        if storedPhones != ClientRowJSON.array(client.phones) {
            try connection.statement(.deletePhoneLookups).bind(1, client.id).bind(2, storedPhones).run()
            try addPhoneLookups(client.phones, clientID: client.id)
        }
        try recordChange(batch: batch, clientID: client.id, kind: "updated", sourceRow: sourceRow, before: previous)
    }

    /// Appends one entry to a client's balance ledger.
    public func appendBalanceCorrection(clientID: Int64, amount: ExactDecimal, comment: String,
                                        batch: Int64, employeeID: Int64?, sourceRow: Int?) throws {
        let first = clientWithoutLedgerEntries == clientID
        clientWithoutLedgerEntries = nil
        try connection.statement(first ? .appendFirstLedgerEntry : .appendLedgerEntry).bind(1, clientID)
            .bind(2, amount.tenThousandths).bind(3, comment).bind(4, batch).bind(5, employeeID).bind(6, Self.now()).run()
        // A client whose only change is its balance still belongs to the batch, for undo's checks.
        if let last = lastRecordedChange, last == (batch, clientID) { return }
        try connection.statement(.recordBalance).bind(1, batch).bind(2, clientID).bind(3, sourceRow.map(Int64.init)).run()
        lastRecordedChange = (batch, clientID)
    }

    /// Records that `batch` changed a client, with its state `before`. When the batch changes
    /// the same client twice (a row with its ID, then a new row merged into it by
    /// `--on-duplicate update`), the first state is kept: it is the one undo must restore (a
    /// `balance` row has none, and a balance change leaves the fields as they were).
    func recordChange(batch: Int64, clientID: Int64, kind: String, sourceRow: Int?, before: Client?) throws {
        let json = try before.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        try connection.statement(.recordChange).bind(1, batch).bind(2, clientID).bind(3, kind)
            .bind(4, sourceRow.map(Int64.init)).bind(5, json).run()
        lastRecordedChange = (batch, clientID)
    }

    private struct ReferenceIDs {
        var marketingSource, priceSales, priceOrders: Int64?
        /// `clients.custom_values`: the values by custom field ID.
        var customValues: String?
    }

    private func referenceIDs(of client: Client) throws -> ReferenceIDs {
        var values: [(key: Int64, value: String)] = []
        values.reserveCapacity(client.customFields.count)
        for (name, value) in client.customFields.sorted(by: { $0.key < $1.key }) {
            guard let field = try nameID(.customFields, name) else { throw StoreError(.notFound, "there is no custom field \"\(name)\"") }
            values.append((field, value))
        }
        return ReferenceIDs(
            marketingSource: try lookup(.marketingSources, client.marketingSource, what: "marketing source"),
            priceSales: try lookup(.priceTypes, client.priceTypeSales, what: "price type"),
            priceOrders: try lookup(.priceTypes, client.priceTypeOrders, what: "price type"),
            customValues: ClientRowJSON.object(values))
    }

    private func lookup(_ table: NamedTable, _ name: String, what: String) throws -> Int64? {
        guard !name.isEmpty else { return nil }
        return try nameID(table, name) ?? { throw StoreError(.notFound, "there is no \(what) \"\(name)\"") }()
    }

    /// The ID of the row of `table` named `name`, cached for the current transaction.
    private func nameID(_ table: NamedTable, _ name: String) throws -> Int64? {
        if let id = nameIDs[table.rawValue][name] { return id }
        let statement = try connection.statement("SELECT id FROM \(table.sql) WHERE name = ?1").bind(.text(name))
        guard try statement.step() else { return nil }
        let id = statement.int(0)
        statement.reset()
        nameIDs[table.rawValue][name] = id
        return id
    }

    /// Binds `?1` (the ID) to `?18` of `.insertClient` and `.updateClient`, which share that order.
    private func bindFields(of c: Client, id: Int64?, references r: ReferenceIDs, to s: SQLiteStatement) -> SQLiteStatement {
        s.bind(1, id).bind(2, c.name).bind(3, c.lastName).bind(4, c.email).bind(5, c.address).bind(6, c.juridical)
            .bind(7, c.supplier).bind(8, c.conflicted).bind(9, c.notes).bind(10, r.marketingSource).bind(11, c.discountCard)
            .bind(12, c.discountGoods?.tenThousandths).bind(13, c.discountServices?.tenThousandths)
            .bind(14, c.discountMaterials?.tenThousandths).bind(15, r.priceSales).bind(16, r.priceOrders)
            .bind(17, ClientRowJSON.array(c.phones)).bind(18, r.customValues)
    }

    /// One phone lookup entry per distinct number: the duplicate checks' only per-phone write.
    private func addPhoneLookups(_ phones: [String], clientID: Int64) throws {
        for (index, phone) in phones.enumerated() where !phones[..<index].contains(phone) {
            try connection.statement(.insertPhoneLookup).bind(1, phone).bind(2, clientID).run()
        }
    }
}

/// The statements an import or an export runs once or more a row.
enum RowStatement: Int, CaseIterable {
    case clientByID, phonesOfClient, customValuesOfClient, firstClientWithPhone, firstClientWithEmail
    case insertClient, updateClient, phonesOfStoredClient, deletePhoneLookups, insertPhoneLookup
    case recordChange, recordBalance, appendLedgerEntry, appendFirstLedgerEntry

    var sql: String {
        switch self {
        case .clientByID:
            "SELECT \(SQLiteClientStore.clientColumns) WHERE c.id = ?1 AND c.deleted_batch IS NULL"
        // ?1: `clients.phones`, a JSON array, in its order.
        case .phonesOfClient:
            "SELECT value FROM json_each(?1) ORDER BY key"
        // ?1: `clients.custom_values`, a JSON object by custom field ID.
        case .customValuesOfClient:
            "SELECT f.name, v.value FROM json_each(?1) v JOIN custom_fields f ON f.id = CAST(v.key AS INTEGER)"
        // LIMIT 1 in index order: a number shared by thousands of clients costs one probe.
        case .firstClientWithPhone:
            """
            SELECT p.client_id FROM client_phone_lookup p JOIN clients c ON c.id = p.client_id
            WHERE p.number = ?1 AND c.deleted_batch IS NULL ORDER BY p.client_id LIMIT 1
            """
        case .firstClientWithEmail:
            """
            SELECT id FROM clients WHERE email = ?1 COLLATE NOCASE AND email <> '' AND deleted_batch IS NULL ORDER BY id LIMIT 1
            """
        case .insertClient:
            """
            INSERT INTO clients(id, name, last_name, email, address, juridical, supplier, conflicted, notes,
                marketing_source_id, discount_card, discount_goods, discount_services, discount_materials,
                price_type_sales_id, price_type_orders_id, phones, custom_values, created_batch)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)
            """
        case .updateClient:
            """
            UPDATE clients SET name = ?2, last_name = ?3, email = ?4, address = ?5, juridical = ?6, supplier = ?7,
                conflicted = ?8, notes = ?9, marketing_source_id = ?10, discount_card = ?11, discount_goods = ?12,
                discount_services = ?13, discount_materials = ?14, price_type_sales_id = ?15, price_type_orders_id = ?16,
                phones = ?17, custom_values = ?18
            WHERE id = ?1
            """
        case .phonesOfStoredClient:
            "SELECT phones FROM clients WHERE id = ?1"
        // ?2: the client's stored phones (JSON): each is one probe of the lookup's key.
        case .deletePhoneLookups:
            "DELETE FROM client_phone_lookup WHERE client_id = ?1 AND number IN (SELECT value FROM json_each(?2))"
        case .insertPhoneLookup:
            "INSERT OR IGNORE INTO client_phone_lookup(number, client_id) VALUES (?1, ?2)"
        case .recordChange:
            """
            INSERT INTO batch_changes(batch_id, client_id, kind, source_row, before_json) VALUES (?1, ?2, ?3, ?4, ?5)
            ON CONFLICT(batch_id, client_id) DO UPDATE SET kind = excluded.kind,
                before_json = COALESCE(batch_changes.before_json, excluded.before_json)
            """
        case .recordBalance:
            "INSERT OR IGNORE INTO batch_changes(batch_id, client_id, kind, source_row) VALUES (?1, ?2, 'balance', ?3)"
        case .appendLedgerEntry:
            """
            INSERT INTO balance_ledger(client_id, entry, amount, comment, batch_id, employee_id, at)
            VALUES (?1, (SELECT COALESCE(MAX(entry), 0) + 1 FROM balance_ledger WHERE client_id = ?1), ?2, ?3, ?4, ?5, ?6)
            """
        // A client created in this transaction: entry 1 without the probe (3% of an import's SQLite work).
        case .appendFirstLedgerEntry:
            """
            INSERT INTO balance_ledger(client_id, entry, amount, comment, batch_id, employee_id, at)
            VALUES (?1, 1, ?2, ?3, ?4, ?5, ?6)
            """
        }
    }
}
