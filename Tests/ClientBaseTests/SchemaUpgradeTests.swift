@testable import ClientBase
import Foundation
import TestSupport
import Testing

/// Bases that older builds wrote — made here by running those builds' migrations and writing
/// their rows as they wrote them — upgraded to this build's schema (version 6: phones and custom
/// values in the client's row, a phone lookup of their own; version 7: that lookup without a
/// foreign key).
@Suite struct SchemaUpgradeTests {
    let folder: TemporaryDirectory
    let path: String

    init() throws {
        folder = try TemporaryDirectory()
        path = folder.file("old.sqlite")
    }

    /// Boris as batch 1 created him, the state batch 2's journal keeps for undo.
    static var borisBefore: Client {
        var boris = Client(id: 2, name: "Boris")
        boris.email = "b@example.com"
        boris.phones = ["380501112233"]
        return boris
    }

    /// A base of schema `version` (4 or 5) as that build left it: two clients sharing a phone,
    /// phones stored out of order, custom values with quotes, a backslash and a line break,
    /// ledger entries, an import (1) with a later import (2) that updated one of its clients and
    /// corrected another's balance, and an undone import (3, undone by 4) whose client is gone.
    func oldBase(version: Int) throws -> SQLiteRaw {
        let raw = try SQLiteRaw(path: path)
        for migration in Schema.migrations.prefix(version) {
            #expect(raw.execute(migration) == "")
        }
        let before = String(decoding: try JSONEncoder().encode(Self.borisBefore), as: UTF8.self)
            .replacingOccurrences(of: "'", with: "''")
        #expect(raw.execute("""
            PRAGMA user_version = \(version);
            INSERT INTO marketing_sources(name) VALUES ('Google');
            INSERT INTO price_types(name) VALUES ('Retail');
            INSERT INTO custom_fields(name, type) VALUES ('Car', 'text'), ('Notes 2', 'text');
            INSERT INTO batches(id, kind, state, file_name, employee_id, rows, created, balance_corrections, started_at, finished_at)
                VALUES (1, 'import', 'imported', 'a.xlsx', 1, 3, 3, 2, '2026-01-01T00:00:00Z', '2026-01-01T00:00:01Z');
            INSERT INTO clients(id, name, last_name, email, marketing_source_id, price_type_sales_id, discount_goods, created_batch)
                VALUES (1, 'Anna', 'K', 'anna@example.com', 1, 1, 50000, 1),
                       (2, 'Boris', '', 'b@example.com', NULL, NULL, NULL, 1),
                       (3, 'Chloé', '', '', NULL, NULL, NULL, 1);
            INSERT INTO client_phones(client_id, position, number)
                VALUES (1, 1, '33612345678'), (1, 0, '380501112233'), (2, 0, '380501112233'), (3, 0, '111'), (3, 1, '111');
            INSERT INTO client_custom_values(client_id, field_id, value)
                VALUES (1, 1, 'Clio "RS"'), (1, 2, 'a\\b'), (3, 2, 'line 1' || char(10) || 'line 2');
            INSERT INTO balance_ledger(client_id, amount, comment, batch_id, employee_id, at)
                VALUES (1, 150000, 'opening', 1, 1, '2026-01-01T00:00:01Z'), (2, -25000, 'opening', 1, 1, '2026-01-01T00:00:01Z');
            INSERT INTO batch_created_clients(batch_id, first_client_id, last_client_id) VALUES (1, 1, 3);

            INSERT INTO batches(id, kind, state, file_name, employee_id, rows, updated, balance_corrections, started_at, finished_at)
                VALUES (2, 'import', 'imported', 'b.xlsx', 1, 2, 1, 1, '2026-01-02T00:00:00Z', '2026-01-02T00:00:01Z');
            UPDATE clients SET name = 'Boris II', email = 'boris@example.com' WHERE id = 2;
            DELETE FROM client_phones WHERE client_id = 2;
            INSERT INTO client_phones(client_id, position, number) VALUES (2, 0, '380509998877');
            INSERT INTO batch_changes(batch_id, client_id, kind, source_row, before_json)
                VALUES (2, 2, 'updated', 2, '\(before)'), (2, 1, 'balance', 3, NULL);
            INSERT INTO balance_ledger(client_id, amount, comment, batch_id, employee_id, at)
                VALUES (1, 10000, 'top-up', 2, 1, '2026-01-02T00:00:01Z');

            INSERT INTO batches(id, kind, state, file_name, employee_id, rows, created, started_at, finished_at)
                VALUES (3, 'import', 'undone', 'c.xlsx', 1, 1, 1, '2026-01-03T00:00:00Z', '2026-01-03T00:00:01Z');
            INSERT INTO batches(id, kind, state, file_name, employee_id, rows, updated, undoes_batch, started_at, finished_at)
                VALUES (4, 'undo', 'done', 'c.xlsx', 1, 1, 1, 3, '2026-01-04T00:00:00Z', '2026-01-04T00:00:01Z');
            INSERT INTO clients(id, name, created_batch, deleted_batch) VALUES (4, 'Gone', 3, 4);
            INSERT INTO client_phones(client_id, position, number) VALUES (4, 0, '380504444444'), (4, 1, '111');
            INSERT INTO client_custom_values(client_id, field_id, value) VALUES (4, 1, 'Twingo');
            INSERT INTO batch_created_clients(batch_id, first_client_id, last_client_id) VALUES (3, 4, 4);
            """) == "")
        return raw
    }

    @Test(arguments: [4, 5])
    func anOldBaseIsUpgradedWithEveryClientBalanceAndJournalEntryKept(version: Int) throws {
        let raw = try oldBase(version: version)
        let store = try SQLiteClientStore(path: path)
        #expect(raw.rows("PRAGMA user_version") == [[String(SQLiteClientStore.schemaVersion)]])
        #expect(SQLiteClientStore.schemaVersion == 7)
        #expect(raw.rows("SELECT name FROM sqlite_schema WHERE name IN ('client_phones', 'client_custom_values', 'balance_ledger_client')") == [])
        // The ledger stays append-only, and keeps each client's entries in their order.
        #expect(raw.execute("UPDATE balance_ledger SET amount = 0").contains("append-only"))
        #expect(raw.execute("DELETE FROM balance_ledger").contains("append-only"))
        #expect(raw.rows("SELECT client_id, entry, amount FROM balance_ledger ORDER BY 1, 2")
            == [["1", "1", "150000"], ["1", "2", "10000"], ["2", "1", "-25000"]])

        var anna = Client(id: 1, name: "Anna")
        anna.lastName = "K"
        anna.email = "anna@example.com"
        anna.phones = ["380501112233", "33612345678"]
        anna.marketingSource = "Google"
        anna.priceTypeSales = "Retail"
        anna.discountGoods = ExactDecimal(5)
        anna.balance = ExactDecimal(16)
        anna.customFields = ["Car": "Clio \"RS\"", "Notes 2": "a\\b"]
        var boris = Client(id: 2, name: "Boris II")
        boris.email = "boris@example.com"
        boris.phones = ["380509998877"]
        boris.balance = ExactDecimal(tenThousandths: -25000)
        var chloe = Client(id: 3, name: "Chloé")
        chloe.phones = ["111", "111"]
        chloe.customFields = ["Notes 2": "line 1\nline 2"]
        var all: [Client] = []
        try store.forEachClient { all.append($0) }
        #expect(all == [anna, boris, chloe])
        #expect(try store.client(id: 1) == anna)
        #expect(try store.client(id: 4) == nil)
        #expect(try store.balanceHistory(clientID: 1).map(\.amount) == [ExactDecimal(15), ExactDecimal(1)])
        #expect(try store.balanceHistory(clientID: 1).map(\.comment) == ["opening", "top-up"])
        #expect(try store.history().map(\.id) == [1, 2, 3, 4])
        #expect(try store.history().map(\.state) == [.imported, .imported, .undone, .done])
        #expect(try store.history()[1].counts == BatchCounts(rows: 2, created: 0, updated: 1, unchanged: 0, balanceCorrections: 1))

        // The duplicate checks and the search see the moved phones; a removed client is not found.
        #expect(try store.firstClientID(withPhone: "380501112233") == 1)
        #expect(try store.firstClientID(withPhone: "380509998877") == 2)
        #expect(try store.firstClientID(withPhone: "111") == 3)
        #expect(try store.firstClientID(withPhone: "380504444444") == nil)
        #expect(try store.firstClientID(withEmail: "BORIS@example.com") == 2)
        #expect(try store.searchClients(query: "050 999", offset: 0, limit: 10).clients.map(\.id) == [2])
        #expect(try store.integrityCheck() == ["ok"])
        #expect(raw.rows("PRAGMA foreign_key_check") == [])

        // Undo of the batches written before the upgrade: Boris's earlier state and phone come
        // back, the balance correction is reversed, then batch 1's clients go.
        try store.undo(batch: 2, employeeID: 1, comment: "undo 2")
        var restored = Self.borisBefore
        restored.balance = ExactDecimal(tenThousandths: -25000)
        #expect(try store.client(id: 2) == restored)
        #expect(try store.client(id: 1)?.balance == ExactDecimal(15))
        #expect(try store.firstClientID(withPhone: "380509998877") == nil)
        #expect(try store.firstClientID(withPhone: "380501112233") == 1)
        try store.undo(batch: 1, employeeID: 1, comment: "undo 1")
        #expect(try store.clientCount() == 0)
        #expect(try store.firstClientID(withPhone: "111") == nil)
        #expect(try store.integrityCheck() == ["ok"])
    }

    /// The upgrade is one transaction: a migration failing half-way (here: a name the new
    /// lookup needs is taken) leaves the old base exactly as it was, and it opens once freed.
    @Test(arguments: [4, 5])
    func aFailedUpgradeLeavesTheOldBaseUntouched(version: Int) throws {
        let raw = try oldBase(version: version)
        #expect(raw.execute("CREATE VIEW client_phone_lookup AS SELECT 1") == "")
        let dump = { (raw: SQLiteRaw) -> [[String]] in
            raw.rows("SELECT client_id, position, number FROM client_phones ORDER BY 1, 2")
                + raw.rows("SELECT client_id, field_id, value FROM client_custom_values ORDER BY 1, 2")
                + raw.rows("SELECT * FROM clients ORDER BY id") + raw.rows("SELECT * FROM balance_ledger ORDER BY id")
                + raw.rows("SELECT * FROM batch_changes ORDER BY 1, 2") + raw.rows("SELECT * FROM batches ORDER BY id")
        }
        let before = dump(raw)
        #expect(before.count > 20)
        #expect(throws: StoreError.self) { _ = try SQLiteClientStore(path: path) }
        #expect(raw.rows("PRAGMA user_version") == [[String(version)]])
        #expect(dump(raw) == before)
        #expect(raw.rows("PRAGMA table_info(clients)").map { $0[1] }.contains("phones") == false)

        #expect(raw.execute("DROP VIEW client_phone_lookup") == "")
        let store = try SQLiteClientStore(path: path)
        #expect(try store.client(id: 1)?.phones == ["380501112233", "33612345678"])
    }

    /// Version 6 to 7: the phone lookup keeps every entry (of live and undone clients alike) and
    /// drops only its foreign key; the duplicate probes still find the first client by number.
    @Test func aVersion6PhoneLookupKeepsEveryEntryWithoutItsForeignKey() throws {
        let raw = try oldBase(version: 5)
        #expect(raw.execute(Schema.migrations[5] + "PRAGMA user_version = 6;") == "")
        let entries = raw.rows("SELECT number, client_id FROM client_phone_lookup ORDER BY 1, 2")
        #expect(entries.count == 6)
        #expect(raw.rows("PRAGMA foreign_key_list(client_phone_lookup)").count == 1)
        let store = try SQLiteClientStore(path: path)
        #expect(raw.rows("PRAGMA user_version") == [["7"]])
        #expect(raw.rows("SELECT number, client_id FROM client_phone_lookup ORDER BY 1, 2") == entries)
        #expect(raw.rows("PRAGMA foreign_key_list(client_phone_lookup)") == [])
        #expect(try store.firstClientID(withPhone: "380501112233") == 1)
        #expect(try store.integrityCheck() == ["ok"])
    }

    @Test func aBaseNewerThanThisBuildIsStillRefused() throws {
        let raw = try oldBase(version: 5)
        #expect(raw.execute("PRAGMA user_version = \(SQLiteClientStore.schemaVersion + 1)") == "")
        #expect {
            _ = try SQLiteClientStore(path: path)
        } throws: { error in
            (error as? StoreError)?.kind == .newerSchema
        }
        #expect(raw.rows("SELECT COUNT(*) FROM client_phones") == [["7"]])
    }

    /// Phones and custom values live as JSON in the client's row: any text comes back as it was,
    /// in its order, and the phone lookup follows an update.
    @Test func phonesAndCustomValuesOfAnyTextRoundTripAndTheLookupFollowsUpdates() throws {
        let store = try SQLiteClientStore(path: path)
        try store.addCustomField(CustomFieldDefinition(name: "Odd \"name\"", type: .text))
        try store.addCustomField(CustomFieldDefinition(name: "Plain", type: .text))
        let odd = ["quote \" backslash \\ slash /", "tab\tnew\nline\u{1}\u{1F}", "émoji 🚗 and \u{2028}", "", "[\"],{"]
        var client = Client(id: 0, name: "Odd")
        client.phones = ["2", "10", "1"] + odd
        client.customFields = ["Odd \"name\"": odd[0], "Plain": odd[1] + odd[2] + odd[4]]
        let id = try store.transaction {
            let batch = try store.beginBatch(BatchSource(fileName: "f", fileSHA256: "", ruleSet: "", plugin: "", employeeID: 1))
            return try store.insertClient(client, batch: batch, sourceRow: 2)
        }
        client.id = id
        #expect(try store.client(id: id) == client)
        #expect(try store.firstClientID(withPhone: odd[1]) == id)

        let previous = client
        client.phones = ["1", "3"]
        client.customFields = [:]
        try store.transaction {
            let batch = try store.beginBatch(BatchSource(fileName: "g", fileSHA256: "", ruleSet: "", plugin: "", employeeID: 1))
            try store.updateClient(client, previous: previous, batch: batch, sourceRow: 2)
        }
        #expect(try store.client(id: id) == client)
        #expect(try store.firstClientID(withPhone: "2") == nil)
        #expect(try store.firstClientID(withPhone: odd[1]) == nil)
        #expect(try store.firstClientID(withPhone: "1") == id)
        #expect(try store.firstClientID(withPhone: "3") == id)
        #expect(try store.searchClients(query: "10", offset: 0, limit: 5).total == 0)
        #expect(try store.integrityCheck() == ["ok"])
    }

    /// A new client's first ledger entry is numbered without a look-up; later ones, in the same
    /// transaction or another, follow it, and another client's entries keep their own numbers.
    @Test func ledgerEntriesAreNumberedPerClientInOrder() throws {
        let store = try SQLiteClientStore(path: path)
        let amounts = [ExactDecimal(1), ExactDecimal(2), ExactDecimal(3)]
        let (a, b) = try store.transaction {
            let batch = try store.beginBatch(BatchSource(fileName: "f", fileSHA256: "", ruleSet: "", plugin: "", employeeID: 1))
            let a = try store.insertClient(Client(id: 0, name: "A"), batch: batch, sourceRow: 2)
            try store.appendBalanceCorrection(clientID: a, amount: amounts[0], comment: "1", batch: batch, employeeID: 1, sourceRow: 2)
            try store.appendBalanceCorrection(clientID: a, amount: amounts[1], comment: "2", batch: batch, employeeID: 1, sourceRow: 3)
            let b = try store.insertClient(Client(id: 0, name: "B"), batch: batch, sourceRow: 4)
            try store.appendBalanceCorrection(clientID: b, amount: amounts[0], comment: "1", batch: batch, employeeID: 1, sourceRow: 4)
            return (a, b)
        }
        try store.transaction {
            let batch = try store.beginBatch(BatchSource(fileName: "g", fileSHA256: "", ruleSet: "", plugin: "", employeeID: 1))
            try store.appendBalanceCorrection(clientID: a, amount: amounts[2], comment: "3", batch: batch, employeeID: 1, sourceRow: 2)
        }
        #expect(try store.balanceHistory(clientID: a).map(\.comment) == ["1", "2", "3"])
        #expect(try store.client(id: a)?.balance == ExactDecimal(6))
        #expect(try store.balanceHistory(clientID: b).map(\.amount) == [amounts[0]])
        let raw = try SQLiteRaw(path: path)
        #expect(raw.rows("SELECT client_id, entry FROM balance_ledger ORDER BY 1, 2") == [["\(a)", "1"], ["\(a)", "2"], ["\(a)", "3"], ["\(b)", "1"]])
    }

    /// What a new client costs: one entry in `clients`, in the email index when it has an email,
    /// in the phone lookup per distinct phone, and one for a ledger entry when it has a balance;
    /// custom values and the journal add none (one created-IDs run per batch). Counted as cells
    /// of each B-tree (`dbstat`), so an index or table that starts being written shows up.
    @Test func aNewClientWritesOnlyTheBTreesTheDuplicateChecksAndTheLedgerNeed() throws {
        let store = try SQLiteClientStore(path: path)
        try store.addCustomField(CustomFieldDefinition(name: "Car", type: .text))
        try store.addCustomField(CustomFieldDefinition(name: "Colour", type: .text))
        let raw = try SQLiteRaw(path: path)
        func cells() -> [String: Int] {
            Dictionary(uniqueKeysWithValues: raw.rows("""
                SELECT name, SUM(ncell) FROM dbstat WHERE pagetype = 'leaf' OR (pagetype = 'internal' AND name IN
                    (SELECT name FROM sqlite_schema WHERE type = 'index' OR sql LIKE '%WITHOUT ROWID%')) GROUP BY name
                """).map { ($0[0], Int($0[1]) ?? -1) })
        }
        let before = cells()
        try store.transaction {
            let batch = try store.beginBatch(BatchSource(fileName: "f", fileSHA256: "", ruleSet: "", plugin: "", employeeID: 1))
            for n in 0..<100 {
                var client = Client(id: 0, name: "C\(n)")
                client.email = "c\(n)@example.com"
                client.phones = ["38050\(1_000_000 + n)", "336\(1_000_000 + n)", "38050\(1_000_000 + n)"]
                client.customFields = ["Car": "Clio", "Colour": "red"]
                let id = try store.insertClient(client, batch: batch, sourceRow: n + 2)
                if n % 2 == 0 {
                    try store.appendBalanceCorrection(clientID: id, amount: ExactDecimal(1), comment: "c", batch: batch, employeeID: 1, sourceRow: n + 2)
                }
            }
            try store.finishBatch(batch, counts: BatchCounts())
        }
        let after = cells()
        var written: [String: Int] = [:]
        for (name, count) in after where count != before[name, default: 0] { written[name] = count - before[name, default: 0] }
        #expect(written == ["batches": 1, "batch_created_clients": 1, "clients": 100, "clients_email_nocase": 100,
                            "client_phone_lookup": 200, "balance_ledger": 50])
    }
}
