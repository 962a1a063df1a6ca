import Foundation

/// New clients of the current write transaction that are not on the server yet, with their
/// phone lookup rows and ledger entries, encoded for `COPY … FROM STDIN`. An import creates
/// most of its clients this way: one COPY per table for thousands of clients instead of a
/// round trip per row (issue 15). Everything here is inside the transaction, so a failure
/// anywhere still rolls it all back.
struct PostgresPendingClients {
    /// Clients buffered before the rows are sent (a few MB of text).
    static let flushRows = 10_000

    var clients = PostgresCopyRows()
    var phones = PostgresCopyRows()
    var ledger = PostgresCopyRows()
    /// The buffered clients, with how many ledger entries each has in `ledger`.
    var ledgerEntries: [Int64: Int64] = [:]

    var isEmpty: Bool { ledgerEntries.isEmpty }

    func holds(_ clientID: Int64) -> Bool { ledgerEntries[clientID] != nil }
}

/// The phones and emails of clients, for the duplicate probes of an import (`firstClientID`),
/// answered in memory. It holds either only the buffered clients (`complete` false: the
/// server answers for the rest) or, once an import has probed enough to pay for reading them
/// (`PostgresClientStore.contactsIndexed`), every client of the base, kept up to date by every
/// write of the transaction; the base's lock keeps other writers out meanwhile.
struct PostgresContactIndex {
    /// The clients that share one key, lowest first kept apart so that one ID needs no array.
    struct IDs {
        var lowest: Int64
        var others: [Int64] = []

        mutating func insert(_ id: Int64) {
            if id == lowest || others.contains(id) { return }
            if id < lowest { others.append(lowest); lowest = id } else { others.append(id) }
        }

        /// Removes `id`; false when none is left.
        mutating func remove(_ id: Int64) -> Bool {
            if let index = others.firstIndex(of: id) {
                others.remove(at: index)
                return true
            }
            guard id == lowest else { return true }
            guard let next = others.min() else { return false }
            others.remove(at: others.firstIndex(of: next)!)
            lowest = next
            return true
        }
    }

    private(set) var complete = false
    private var phones: [String: IDs] = [:]
    private var emails: [String: IDs] = [:]

    /// The lowest client ID with this phone number (as stored).
    func firstClient(withPhone phone: String) -> Int64? { phones[phone]?.lowest }

    /// The lowest client ID with this email, A-Z folded as the server's lookup does.
    func firstClient(withEmail email: String) -> Int64? {
        email.isEmpty ? nil : emails[Self.fold(email)]?.lowest
    }

    mutating func add(clientID: Int64, phones clientPhones: [String], email: String) {
        for phone in clientPhones { Self.add(clientID, phone, to: &phones) }
        if !email.isEmpty { Self.add(clientID, Self.fold(email), to: &emails) }
    }

    mutating func remove(clientID: Int64, phones clientPhones: [String], email: String) {
        for phone in clientPhones { Self.remove(clientID, phone, from: &phones) }
        if !email.isEmpty { Self.remove(clientID, Self.fold(email), from: &emails) }
    }

    /// Marks the index as holding every client of the base.
    mutating func markComplete() { complete = true }

    // Static: a method of `self` taking `&phones` would borrow `self` and copy the dictionary.
    private static func add(_ id: Int64, _ key: String, to table: inout [String: IDs]) {
        table[key, default: IDs(lowest: id)].insert(id)
    }

    private static func remove(_ id: Int64, _ key: String, from table: inout [String: IDs]) {
        if table[key]?.remove(id) == false { table[key] = nil }
    }

    /// A-Z to a-z and nothing else, as `PostgresSchema.foldedEmail` (and SQLite's NOCASE).
    static func fold(_ email: String) -> String {
        guard email.utf8.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) else { return email }
        return String(decoding: email.utf8.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 + 32 : $0 }, as: UTF8.self)
    }
}

extension PostgresClientStore {
    /// Sends the buffered clients, their phone lookup rows and ledger entries, one COPY per
    /// table (clients first: the others refer to them). Called before any statement or read
    /// that needs them on the server, and before the transaction ends.
    func flushPendingClients() throws {
        guard !pending.isEmpty else { return }
        let sending = pending
        pending = PostgresPendingClients()
        try connection.copy("""
            COPY clients(id, name, last_name, email, address, juridical, supplier, conflicted, notes,
                marketing_source_id, discount_card, discount_goods, discount_services, discount_materials,
                price_type_sales_id, price_type_orders_id, phones, custom_values, created_batch) FROM STDIN
            """, rows: sending.clients)
        if !sending.phones.isEmpty {
            try connection.copy("COPY client_phone_lookup(number, client_id) FROM STDIN", rows: sending.phones)
        }
        if !sending.ledger.isEmpty {
            try connection.copy("COPY balance_ledger(client_id, entry, amount, comment, batch_id, employee_id, at) FROM STDIN",
                                rows: sending.ledger)
        }
        // The server now answers for these clients.
        if !contacts.complete { contacts = PostgresContactIndex() }
    }

    /// Sends the buffered clients when `clientID` is one of them.
    func flushPendingClients(holding clientID: Int64) throws {
        if pending.holds(clientID) { try flushPendingClients() }
    }

    /// Whether the duplicate probes are answered by `contacts` alone. Outside a write
    /// transaction, never. Inside one the first probes ask the server; when the probes made so
    /// far would have paid for reading every phone and email of the base (at 1 probe and at
    /// each power of two from 256, is the base smaller than 32 rows a probe?), the index is
    /// read once and kept up to date. A round trip costs what reading about 32 rows costs, so
    /// this spends at most about twice what the better choice in hindsight would have; a small
    /// import into a big base asks the server, a big import (or any into a new base) does not.
    func contactsIndexed() throws -> Bool {
        guard writing else { return false }
        if contacts.complete { return true }
        probes += 1
        guard probes == 1 || (probes >= 256 && probes & (probes - 1) == 0) else { return false }
        let limit = String(probes * 32)
        let size = try connection.query("""
            SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM client_phone_lookup LIMIT $1) p)
                 + (SELECT COUNT(*) FROM (SELECT 1 FROM clients LIMIT $1) c)
            """, [limit]).int(0, 0)
        guard size < probes * 32 else { return false }
        try flushPendingClients()
        var index = PostgresContactIndex()
        try connection.forEachRow("""
            SELECT p.number, p.client_id FROM client_phone_lookup p JOIN clients c ON c.id = p.client_id
            WHERE c.deleted_batch IS NULL
            """) { result, row in
            index.add(clientID: result.int(row, 1), phones: [result.text(row, 0)], email: "")
        }
        try connection.forEachRow("SELECT id, email FROM clients WHERE email <> '' AND deleted_batch IS NULL") { result, row in
            index.add(clientID: result.int(row, 0), phones: [], email: result.text(row, 1))
        }
        index.markComplete()
        contacts = index
        return true
    }
}
