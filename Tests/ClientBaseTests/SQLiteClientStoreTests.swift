import ClientBase
import Foundation
import TestSupport
import Testing

/// What only the SQLite backend does (its file, NUL in text, upgrades of old files); what every
/// backend promises is in `ClientStoreContractTests`.
@Suite struct SQLiteClientStoreTests {
    let folder: TemporaryDirectory
    let store: SQLiteClientStore

    init() throws {
        folder = try TemporaryDirectory()
        store = try SQLiteClientStore(path: folder.file("base.sqlite"))
    }

    @Test func theFileIsCreatedReadableByItsOwnerOnly() throws {
        let attributes = try FileManager.default.attributesOfItem(atPath: folder.file("base.sqlite"))
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
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
