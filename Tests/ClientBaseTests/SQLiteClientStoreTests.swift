import ClientBase
import Foundation
import TestSupport
import Testing

@Suite struct SQLiteClientStoreTests {
    let folder: TemporaryDirectory
    let store: SQLiteClientStore

    init() throws {
        folder = try TemporaryDirectory()
        store = try SQLiteClientStore(path: folder.file("base.sqlite"))
    }

    @Test func aFreshBaseHasAnAdministratorWhoMayAdjustBalances() throws {
        let catalog = try store.catalog()
        let admin = try #require(catalog.employee(named: SQLiteClientStore.administratorName))
        #expect(admin.canAdjustBalance)
        #expect(try store.clientCount() == 0)
    }

    @Test func theFileIsCreatedReadableByItsOwnerOnly() throws {
        let attributes = try FileManager.default.attributesOfItem(atPath: folder.file("base.sqlite"))
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }

    @Test func reopeningKeepsDataAndDoesNotRerunMigrations() throws {
        try store.addMarketingSources(["Google"])
        let again = try SQLiteClientStore(path: folder.file("base.sqlite"))
        #expect(try again.catalog().marketingSources == ["Google"])
        #expect(try again.catalog().employees.count == 1)
    }

    @Test func theFirstClientWithAPhoneOrEmailIsTheLowestIDStillInTheBase() throws {
        func client(_ name: String, phones: [String], email: String) -> Client {
            var client = Client(id: 0, name: name)
            client.phones = phones
            client.email = email
            return client
        }
        let source = BatchSource(fileName: "a", fileSHA256: "", ruleSet: "remonline", plugin: "", employeeID: 1)
        let first = try store.transaction {
            let batch = try store.beginBatch(source)
            _ = try store.insertClient(client("A", phones: ["0612345678"], email: "a@example.fr"), batch: batch, sourceRow: 2)
            try store.finishBatch(batch, counts: BatchCounts(rows: 1, created: 1))
            return batch
        }
        try store.transaction {
            let batch = try store.beginBatch(source)
            for name in ["B", "C"] {
                _ = try store.insertClient(client(name, phones: ["33145678901", "0612345678"], email: "A@Example.FR"), batch: batch, sourceRow: 2)
            }
            try store.finishBatch(batch, counts: BatchCounts(rows: 2, created: 2))
        }
        #expect(try store.firstClientID(withPhone: "0612345678") == 1)
        #expect(try store.firstClientID(withPhone: "33145678901") == 2)
        #expect(try store.firstClientID(withEmail: "a@EXAMPLE.fr") == 1)
        #expect(try store.firstClientID(withPhone: "0700000000") == nil)
        #expect(try store.firstClientID(withEmail: "") == nil)
        // Undoing the first batch removes client 1: the next one with the phone comes first.
        _ = try store.undo(batch: first, employeeID: 1, comment: "undo")
        #expect(try store.firstClientID(withPhone: "0612345678") == 2)
        #expect(try store.firstClientID(withEmail: "a@example.fr") == 2)
    }

    @Test func probesInsideATransactionSeeTheBaseAndTheClientsItWrote() throws {
        let source = BatchSource(fileName: "a", fileSHA256: "", ruleSet: "remonline", plugin: "", employeeID: 1)
        try store.transaction {
            let batch = try store.beginBatch(source)
            for n in 0..<3_000 {
                var client = Client(id: 0, name: "Client \(n)")
                client.phones = ["0612\(100_000 + n)"]
                client.email = n % 2 == 0 ? "Client\(n)@Example.fr" : ""
                _ = try store.insertClient(client, batch: batch, sourceRow: nil)
            }
        }
        try store.transaction {
            let batch = try store.beginBatch(source)
            #expect(try store.firstClientID(withPhone: "0612100007") == 8)
            #expect(try store.firstClientID(withEmail: "client8@example.FR") == 9)
            #expect(try store.firstClientID(withEmail: "client7@example.fr") == nil)
            for n in 3_000..<6_000 { #expect(try store.firstClientID(withPhone: "0612\(100_000 + n)") == nil) }
            var newcomer = Client(id: 0, name: "New")
            newcomer.phones = ["0799999999"]
            newcomer.email = "new@example.fr"
            #expect(try store.firstClientID(withPhone: "0799999999") == nil)
            let id = try store.insertClient(newcomer, batch: batch, sourceRow: nil)
            #expect(try store.firstClientID(withPhone: "0799999999") == id)
            #expect(try store.firstClientID(withEmail: "NEW@example.fr") == id)
            var moved = try #require(try store.client(id: 2))
            let before = moved
            moved.phones = ["0788888888"]
            moved.email = "moved@example.fr"
            try store.updateClient(moved, previous: before, batch: batch, sourceRow: nil)
            #expect(try store.firstClientID(withPhone: "0788888888") == 2)
            #expect(try store.firstClientID(withEmail: "moved@example.fr") == 2)
            #expect(try store.firstClientID(withPhone: "0612100001") == nil) // its old number
        }
    }

    @Test func insertsAndReadsBackEveryField() throws {
        try store.addMarketingSources(["Google"])
        try store.addPriceTypes(["Retail", "Wholesale"])
        try store.addCustomField(CustomFieldDefinition(name: "Passport", type: .text))
        var client = Client(id: 0, name: "Amélie")
        client.lastName = "Martin"
        client.phones = ["0612345678", "33145678901"]
        client.email = "amelie@example.fr"
        client.juridical = true
        client.conflicted = true
        client.marketingSource = "Google"
        client.discountGoods = ExactDecimal("10.5")
        client.priceTypeSales = "Retail"
        client.priceTypeOrders = "Wholesale"
        client.customFields = ["Passport": "AB 123456"]
        let id = try store.transaction {
            let batch = try store.beginBatch(BatchSource(fileName: "f.xlsx", fileSHA256: "", ruleSet: "remonline", plugin: "", employeeID: 1))
            let id = try store.insertClient(client, batch: batch, sourceRow: 2)
            try store.appendBalanceCorrection(clientID: id, amount: ExactDecimal("-250.5")!, comment: "Balance correction by import",
                                              batch: batch, employeeID: 1, sourceRow: 2)
            return id
        }
        let read = try #require(try store.client(id: id))
        client.id = id
        client.balance = ExactDecimal("-250.5")!
        #expect(read == client)
        #expect(try store.balanceHistory(clientID: id).map(\.comment) == ["Balance correction by import"])
    }

    @Test func aFailedTransactionLeavesNothingBehind() throws {
        #expect(throws: StoreError.self) {
            try store.transaction {
                let batch = try store.beginBatch(BatchSource(fileName: "f", fileSHA256: "", ruleSet: "", plugin: "", employeeID: nil))
                _ = try store.insertClient(Client(id: 0, name: "A"), batch: batch, sourceRow: 2)
                var unknown = Client(id: 0, name: "B")
                unknown.marketingSource = "Nowhere"
                _ = try store.insertClient(unknown, batch: batch, sourceRow: 3)
            }
        }
        #expect(try store.clientCount() == 0)
        #expect(try store.history().isEmpty)
    }

    @Test func theLedgerIsAppendOnly() throws {
        let id = try store.transaction {
            let batch = try store.beginBatch(BatchSource(fileName: "f", fileSHA256: "", ruleSet: "", plugin: "", employeeID: nil))
            let id = try store.insertClient(Client(id: 0, name: "A"), batch: batch, sourceRow: 2)
            try store.appendBalanceCorrection(clientID: id, amount: ExactDecimal(5), comment: "c", batch: batch, employeeID: nil, sourceRow: 2)
            return id
        }
        let raw = try SQLiteRaw(path: folder.file("base.sqlite"))
        #expect(raw.execute("UPDATE balance_ledger SET amount = 0").contains("append-only"))
        #expect(raw.execute("DELETE FROM balance_ledger").contains("append-only"))
        #expect(try store.client(id: id)?.balance == ExactDecimal(5))
    }

    @Test func undoRestoresUpdatedClientsRemovesCreatedOnesAndReversesBalances() throws {
        let first = try importBatch { batch in
            let id = try store.insertClient(Client(id: 0, name: "Kept"), batch: batch, sourceRow: 2)
            try store.appendBalanceCorrection(clientID: id, amount: ExactDecimal(100), comment: "import", batch: batch, employeeID: 1, sourceRow: 2)
        }
        let before = try store.client(id: 1)
        let second = try importBatch { batch in
            var changed = try #require(try store.client(id: 1))
            let previous = changed
            changed.name = "Changed"
            changed.phones = ["123456"]
            try store.updateClient(changed, previous: previous, batch: batch, sourceRow: 2)
            try store.appendBalanceCorrection(clientID: 1, amount: ExactDecimal(-30), comment: "import", batch: batch, employeeID: 1, sourceRow: 2)
            _ = try store.insertClient(Client(id: 0, name: "New"), batch: batch, sourceRow: 3)
        }
        #expect(throws: StoreError.self) { try store.undo(batch: first, employeeID: 1, comment: "undo") }

        try store.undo(batch: second, employeeID: 1, comment: "Undo of import batch \(second)")
        #expect(try store.client(id: 1) == before)
        #expect(try store.client(id: 2) == nil)
        #expect(try store.clientCount() == 1)
        let ledger = try store.balanceHistory(clientID: 1)
        #expect(ledger.map(\.amount) == [ExactDecimal(100), ExactDecimal(-30), ExactDecimal(30)])
        #expect(try store.history().map(\.state) == [.imported, .undone, .done])
        #expect(throws: StoreError.self) { try store.undo(batch: second, employeeID: 1, comment: "again") }
    }

    @Test func aBalanceOnlyChangeStillTiesTheClientToItsBatch() throws {
        let first = try importBatch { batch in
            let id = try store.insertClient(Client(id: 0, name: "A"), batch: batch, sourceRow: 2)
            // Right after the creation: already in the batch, so nothing more to record.
            try store.appendBalanceCorrection(clientID: id, amount: ExactDecimal(10), comment: "c", batch: batch, employeeID: 1, sourceRow: 2)
        }
        let second = try importBatch { batch in
            try store.appendBalanceCorrection(clientID: 1, amount: ExactDecimal(5), comment: "c", batch: batch, employeeID: 1, sourceRow: 2)
            try store.appendBalanceCorrection(clientID: 1, amount: ExactDecimal(1), comment: "c", batch: batch, employeeID: 1, sourceRow: 3)
        }
        #expect(throws: StoreError.self) { try store.undo(batch: first, employeeID: 1, comment: "undo") }
        try store.undo(batch: second, employeeID: 1, comment: "undo")
        #expect(try store.client(id: 1)?.balance == ExactDecimal(10))
        try store.undo(batch: first, employeeID: 1, comment: "undo")
        #expect(try store.clientCount() == 0)
    }

    @Test func textIsStoredAndReadBackWhole() throws {
        var client = Client(id: 0, name: "")
        client.notes = "before\u{0}after, ünïcödé 📞"
        _ = try importBatch { batch in
            _ = try store.insertClient(client, batch: batch, sourceRow: 2)
        }
        let read = try #require(try store.client(id: 1))
        #expect(read.name == "")
        #expect(read.notes == client.notes)
    }

    /// Each parameter's text buffer grows and is reused across rows.
    @Test func textsOfChangingLengthsAreStoredWhole() throws {
        let notes = ["short", String(repeating: "é📞x", count: 5_000), "", "b", String(repeating: "z", count: 40)]
        _ = try importBatch { batch in
            for note in notes {
                var client = Client(id: 0, name: note.isEmpty ? "" : "N")
                client.notes = note
                client.phones = [note.isEmpty ? "0" : "\(note.utf8.count)"]
                _ = try store.insertClient(client, batch: batch, sourceRow: 2)
            }
        }
        for (offset, note) in notes.enumerated() {
            let read = try #require(try store.client(id: Int64(offset + 1)))
            #expect(read.notes == note)
            #expect(read.phones == [note.isEmpty ? "0" : "\(note.utf8.count)"])
        }
        #expect(try store.firstClientID(withPhone: "5") == 1)
        #expect(try store.firstClientID(withPhone: "0") == 3)
    }

    @Test func aBaseFromBeforeTheBatchChangesRebuildKeepsItsJournal() throws {
        let batch = try importBatch { batch in
            _ = try store.insertClient(Client(id: 0, name: "A"), batch: batch, sourceRow: 2)
        }
        // Put the table back as schema version 2 made it, rows included.
        let raw = try SQLiteRaw(path: folder.file("base.sqlite"))
        #expect(raw.execute(Self.rowDetailsRemoved + Self.accessRemoved + Self.createdRunsBackToRows) == "")
        #expect(raw.execute("""
            CREATE TABLE old(
                batch_id INTEGER NOT NULL REFERENCES batches(id),
                client_id INTEGER NOT NULL REFERENCES clients(id),
                kind TEXT NOT NULL CHECK (kind IN ('created', 'updated', 'balance')),
                source_row INTEGER,
                before_json TEXT,
                PRIMARY KEY (batch_id, client_id)) WITHOUT ROWID;
            INSERT INTO old SELECT * FROM batch_changes;
            DROP TABLE batch_changes;
            ALTER TABLE old RENAME TO batch_changes;
            CREATE INDEX batch_changes_client ON batch_changes(client_id);
            PRAGMA user_version = 2;
            """) == "")

        let reopened = try SQLiteClientStore(path: folder.file("base.sqlite"))
        #expect(raw.execute("INSERT INTO batch_changes(batch_id, client_id, kind) VALUES (\(batch), 2, 'moved')")
            .contains("CHECK constraint failed"))
        try reopened.undo(batch: batch, employeeID: 1, comment: "undo")
        #expect(try reopened.clientCount() == 0)
    }

    @Test func createdClientsAreJournalledAsRunsOfIDs() throws {
        let first = try importBatch { batch in
            for name in ["A", "B", "C"] { _ = try store.insertClient(Client(id: 0, name: name), batch: batch, sourceRow: 2) }
            _ = try store.insertClient(Client(id: 10, name: "Own ID"), batch: batch, sourceRow: 5)
            _ = try store.insertClient(Client(id: 0, name: "After"), batch: batch, sourceRow: 6)
        }
        let second = try importBatch { batch in
            _ = try store.insertClient(Client(id: 0, name: "D"), batch: batch, sourceRow: 2)
        }
        let raw = try SQLiteRaw(path: folder.file("base.sqlite"))
        #expect(raw.rows("SELECT * FROM batch_created_clients ORDER BY 1, 2")
            == [["\(first)", "1", "3"], ["\(first)", "10", "11"], ["\(second)", "12", "12"]])
        #expect(raw.rows("SELECT COUNT(*) FROM batch_changes") == [["0"]])

        try store.undo(batch: first, employeeID: 1, comment: "undo")
        #expect(try store.clientCount() == 1)
        #expect(try store.client(id: 12)?.name == "D")
        let undo = try #require(try store.history().last)
        #expect(undo.counts == BatchCounts(rows: 5, created: 0, updated: 5, unchanged: 0, balanceCorrections: 0))
    }

    @Test func undoRemovesAClientTheBatchCreatedAndThenUpdated() throws {
        let batch = try importBatch { batch in
            let id = try store.insertClient(Client(id: 0, name: "First row"), batch: batch, sourceRow: 2)
            let created = try #require(try store.client(id: id))
            var updated = created
            updated.name = "Second row"
            try store.updateClient(updated, previous: created, batch: batch, sourceRow: 3)
        }
        try store.undo(batch: batch, employeeID: 1, comment: "undo")
        #expect(try store.clientCount() == 0)
        #expect(try store.history().last?.counts == BatchCounts(rows: 1, created: 0, updated: 1, unchanged: 0, balanceCorrections: 0))
    }

    @Test func aBaseFromBeforeCreatedRunsKeepsItsJournal() throws {
        let first = try importBatch { batch in
            for name in ["A", "B", "C"] {
                let id = try store.insertClient(Client(id: 0, name: name), batch: batch, sourceRow: 2)
                try store.appendBalanceCorrection(clientID: id, amount: ExactDecimal(10), comment: "c", batch: batch, employeeID: 1, sourceRow: 2)
            }
            _ = try store.insertClient(Client(id: 10, name: "Own ID"), batch: batch, sourceRow: 5)
        }
        let second = try importBatch { batch in
            let previous = try #require(try store.client(id: 2))
            var changed = previous
            changed.name = "B changed"
            try store.updateClient(changed, previous: previous, batch: batch, sourceRow: 2)
            _ = try store.insertClient(Client(id: 0, name: "D"), batch: batch, sourceRow: 3)
        }
        // Put the journal back as schema version 3 wrote it: a 'created' row per created client.
        let raw = try SQLiteRaw(path: folder.file("base.sqlite"))
        #expect(raw.execute(Self.rowDetailsRemoved + Self.accessRemoved + Self.createdRunsBackToRows + "PRAGMA user_version = 3;") == "")
        #expect(raw.rows("SELECT batch_id, client_id, kind FROM batch_changes ORDER BY 1, 2") == [
            ["\(first)", "1", "created"], ["\(first)", "2", "created"], ["\(first)", "3", "created"], ["\(first)", "10", "created"],
            ["\(second)", "2", "updated"], ["\(second)", "11", "created"],
        ])

        let reopened = try SQLiteClientStore(path: folder.file("base.sqlite"))
        #expect(raw.rows("PRAGMA user_version") == [[String(SQLiteClientStore.schemaVersion)]])
        #expect(raw.rows("SELECT * FROM batch_created_clients ORDER BY 1, 2")
            == [["\(first)", "1", "3"], ["\(first)", "10", "10"], ["\(second)", "11", "11"]])
        #expect(raw.rows("SELECT batch_id, client_id, kind FROM batch_changes") == [["\(second)", "2", "updated"]])

        #expect(throws: StoreError.self) { try reopened.undo(batch: first, employeeID: 1, comment: "undo") }
        try reopened.undo(batch: second, employeeID: 1, comment: "undo")
        #expect(try reopened.client(id: 2)?.name == "B")
        #expect(try reopened.client(id: 11) == nil)
        try reopened.undo(batch: first, employeeID: 1, comment: "undo")
        #expect(try reopened.clientCount() == 0)
        #expect(try reopened.balanceHistory(clientID: 1).map(\.amount) == [ExactDecimal(10), ExactDecimal(-10)])
        #expect(try reopened.history().map(\.counts.rows) == [0, 0, 2, 4])
    }

    /// Puts phones and custom values back into their tables of schema versions 1 to 5, and the
    /// ledger back into a rowid table with its client index, for tests
    /// that turn a base back into an older version.
    static let rowDetailsRemoved = """
        CREATE TABLE client_phones(
            client_id INTEGER NOT NULL REFERENCES clients(id),
            position INTEGER NOT NULL,
            number TEXT NOT NULL,
            PRIMARY KEY (client_id, position)) WITHOUT ROWID;
        INSERT INTO client_phones SELECT c.id, p.key, p.value FROM clients c, json_each(c.phones) p;
        CREATE INDEX client_phones_number ON client_phones(number);
        CREATE TABLE client_custom_values(
            client_id INTEGER NOT NULL REFERENCES clients(id),
            field_id INTEGER NOT NULL REFERENCES custom_fields(id),
            value TEXT NOT NULL,
            PRIMARY KEY (client_id, field_id)) WITHOUT ROWID;
        INSERT INTO client_custom_values SELECT c.id, CAST(v.key AS INTEGER), v.value FROM clients c, json_each(c.custom_values) v;
        DROP TABLE client_phone_lookup;
        ALTER TABLE clients DROP COLUMN phones;
        ALTER TABLE clients DROP COLUMN custom_values;
        CREATE TABLE old_ledger(
            id INTEGER PRIMARY KEY,
            client_id INTEGER NOT NULL REFERENCES clients(id),
            amount INTEGER NOT NULL,
            comment TEXT NOT NULL,
            batch_id INTEGER REFERENCES batches(id),
            employee_id INTEGER REFERENCES employees(id),
            at TEXT NOT NULL);
        INSERT INTO old_ledger(client_id, amount, comment, batch_id, employee_id, at)
            SELECT client_id, amount, comment, batch_id, employee_id, at FROM balance_ledger ORDER BY batch_id, client_id, entry;
        DROP TABLE balance_ledger;
        ALTER TABLE old_ledger RENAME TO balance_ledger;
        CREATE INDEX balance_ledger_client ON balance_ledger(client_id);
        CREATE TRIGGER balance_ledger_append_only_update BEFORE UPDATE ON balance_ledger
            BEGIN SELECT RAISE(ABORT, 'the balance ledger is append-only'); END;
        CREATE TRIGGER balance_ledger_append_only_delete BEFORE DELETE ON balance_ledger
            BEGIN SELECT RAISE(ABORT, 'the balance ledger is append-only'); END;
        """

    /// Removes what schema version 5 added (`serve`'s sign-in tables and columns), for tests that
    /// turn a base back into an older version.
    static let accessRemoved = """
        DROP TABLE api_tokens; DROP TABLE sessions; DROP TABLE failed_sign_ins; DROP TABLE pending_imports;
        ALTER TABLE roles DROP COLUMN can_manage_settings; ALTER TABLE employees DROP COLUMN password_hash;
        """

    /// Turns `batch_created_clients` back into the one `batch_changes` row per created client
    /// that schema versions 1 to 3 wrote, and drops it.
    static let createdRunsBackToRows = """
        WITH RECURSIVE ids(batch_id, client_id, last_client_id) AS (
            SELECT batch_id, first_client_id, last_client_id FROM batch_created_clients
            UNION ALL SELECT batch_id, client_id + 1, last_client_id FROM ids WHERE client_id < last_client_id)
        INSERT INTO batch_changes(batch_id, client_id, kind) SELECT batch_id, client_id, 'created' FROM ids;
        DROP TABLE batch_created_clients;
        """

    private func importBatch(_ body: (Int64) throws -> Void) throws -> Int64 {
        try store.transaction {
            let batch = try store.beginBatch(BatchSource(fileName: "f.xlsx", fileSHA256: "", ruleSet: "remonline", plugin: "", employeeID: 1))
            try body(batch)
            try store.finishBatch(batch, counts: BatchCounts())
            return batch
        }
    }
}
