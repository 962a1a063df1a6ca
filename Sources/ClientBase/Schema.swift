/// Versioned schema migrations; `PRAGMA user_version` records how many have run.
enum Schema {
    /// The administrator a fresh base starts with, so an import works without set-up.
    static let administrator = "Administrator"

    /// The index of the duplicate probes by email (migration 4), also built by
    /// `SQLiteClientStore.endDeferredLookups`.
    static let emailIndex = "CREATE INDEX clients_email_nocase ON clients(email COLLATE NOCASE) WHERE email <> ''"

    static let migrations: [String] = [
        """
        CREATE TABLE marketing_sources(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
        CREATE TABLE price_types(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
        CREATE TABLE custom_fields(
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            type TEXT NOT NULL CHECK (type IN ('text', 'number', 'date', 'yes-no')));
        CREATE TABLE roles(
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            can_adjust_balance INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE employees(
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            role_id INTEGER NOT NULL REFERENCES roles(id));
        CREATE TABLE batches(
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('import', 'undo')),
            state TEXT NOT NULL CHECK (state IN ('imported', 'undone', 'done')),
            file_name TEXT NOT NULL,
            file_sha256 TEXT NOT NULL DEFAULT '',
            rule_set TEXT NOT NULL DEFAULT '',
            plugin TEXT NOT NULL DEFAULT '',
            employee_id INTEGER REFERENCES employees(id),
            rows INTEGER NOT NULL DEFAULT 0,
            created INTEGER NOT NULL DEFAULT 0,
            updated INTEGER NOT NULL DEFAULT 0,
            unchanged INTEGER NOT NULL DEFAULT 0,
            balance_corrections INTEGER NOT NULL DEFAULT 0,
            undoes_batch INTEGER REFERENCES batches(id),
            started_at TEXT NOT NULL,
            finished_at TEXT);
        CREATE TABLE clients(
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            last_name TEXT NOT NULL DEFAULT '',
            email TEXT NOT NULL DEFAULT '',
            address TEXT NOT NULL DEFAULT '',
            juridical INTEGER NOT NULL DEFAULT 0,
            supplier INTEGER NOT NULL DEFAULT 0,
            conflicted INTEGER NOT NULL DEFAULT 0,
            notes TEXT NOT NULL DEFAULT '',
            marketing_source_id INTEGER REFERENCES marketing_sources(id),
            discount_card TEXT NOT NULL DEFAULT '',
            discount_goods INTEGER,
            discount_services INTEGER,
            discount_materials INTEGER,
            price_type_sales_id INTEGER REFERENCES price_types(id),
            price_type_orders_id INTEGER REFERENCES price_types(id),
            created_batch INTEGER REFERENCES batches(id),
            deleted_batch INTEGER REFERENCES batches(id));
        CREATE INDEX clients_email ON clients(email) WHERE email <> '';
        CREATE TABLE client_phones(
            client_id INTEGER NOT NULL REFERENCES clients(id),
            position INTEGER NOT NULL,
            number TEXT NOT NULL,
            PRIMARY KEY (client_id, position)) WITHOUT ROWID;
        CREATE INDEX client_phones_number ON client_phones(number);
        CREATE TABLE client_custom_values(
            client_id INTEGER NOT NULL REFERENCES clients(id),
            field_id INTEGER NOT NULL REFERENCES custom_fields(id),
            value TEXT NOT NULL,
            PRIMARY KEY (client_id, field_id)) WITHOUT ROWID;
        -- Append-only: a balance is the sum of its client's entries; nothing is ever updated.
        CREATE TABLE balance_ledger(
            id INTEGER PRIMARY KEY,
            client_id INTEGER NOT NULL REFERENCES clients(id),
            amount INTEGER NOT NULL,
            comment TEXT NOT NULL,
            batch_id INTEGER REFERENCES batches(id),
            employee_id INTEGER REFERENCES employees(id),
            at TEXT NOT NULL);
        CREATE INDEX balance_ledger_client ON balance_ledger(client_id);
        CREATE TRIGGER balance_ledger_append_only_update BEFORE UPDATE ON balance_ledger
            BEGIN SELECT RAISE(ABORT, 'the balance ledger is append-only'); END;
        CREATE TRIGGER balance_ledger_append_only_delete BEFORE DELETE ON balance_ledger
            BEGIN SELECT RAISE(ABORT, 'the balance ledger is append-only'); END;
        -- What each batch did to each client, with the state before, so a batch can be undone.
        CREATE TABLE batch_changes(
            batch_id INTEGER NOT NULL REFERENCES batches(id),
            client_id INTEGER NOT NULL REFERENCES clients(id),
            kind TEXT NOT NULL CHECK (kind IN ('created', 'updated', 'balance')),
            source_row INTEGER,
            before_json TEXT,
            PRIMARY KEY (batch_id, client_id)) WITHOUT ROWID;
        CREATE INDEX batch_changes_client ON batch_changes(client_id);
        INSERT INTO roles(name, can_adjust_balance) VALUES ('\(administrator)', 1);
        INSERT INTO employees(name, role_id) VALUES ('\(administrator)', 1);
        """,
        // Duplicate checks compare emails without case (`= ?1 COLLATE NOCASE`), which the binary
        // index cannot serve: every new client scanned the whole table (quadratic imports).
        """
        DROP INDEX clients_email;
        \(emailIndex);
        """,
        // SQLite (3.40) checks `kind IN (three values)` by building a temporary B-tree on every
        // insert: a third of the store's SQLite time on a big import. Comparisons with OR accept
        // exactly the same values. A CHECK cannot be altered, so the table is rebuilt.
        """
        CREATE TABLE batch_changes_rebuilt(
            batch_id INTEGER NOT NULL REFERENCES batches(id),
            client_id INTEGER NOT NULL REFERENCES clients(id),
            kind TEXT NOT NULL CHECK (kind = 'created' OR kind = 'updated' OR kind = 'balance'),
            source_row INTEGER,
            before_json TEXT,
            PRIMARY KEY (batch_id, client_id)) WITHOUT ROWID;
        INSERT INTO batch_changes_rebuilt(batch_id, client_id, kind, source_row, before_json)
            SELECT batch_id, client_id, kind, source_row, before_json FROM batch_changes;
        DROP TABLE batch_changes;
        ALTER TABLE batch_changes_rebuilt RENAME TO batch_changes;
        CREATE INDEX batch_changes_client ON batch_changes(client_id);
        """,
        // A batch's created clients as runs of consecutive IDs, one row per run (an import's new
        // clients take the next free IDs, so usually one run a batch), instead of one
        // `batch_changes` row per client: that row was a B-tree insert per created client.
        // `batch_changes` keeps the updated and balance-only clients; 'created' is no longer
        // written there, and the existing rows move here.
        """
        CREATE TABLE batch_created_clients(
            batch_id INTEGER NOT NULL REFERENCES batches(id),
            first_client_id INTEGER NOT NULL REFERENCES clients(id),
            last_client_id INTEGER NOT NULL REFERENCES clients(id),
            CHECK (first_client_id <= last_client_id),
            PRIMARY KEY (batch_id, first_client_id)) WITHOUT ROWID;
        INSERT INTO batch_created_clients(batch_id, first_client_id, last_client_id)
            SELECT batch_id, MIN(client_id), MAX(client_id) FROM (
                SELECT batch_id, client_id, client_id - ROW_NUMBER() OVER (PARTITION BY batch_id ORDER BY client_id) AS run
                FROM batch_changes WHERE kind = 'created')
            GROUP BY batch_id, run;
        DELETE FROM batch_changes WHERE kind = 'created';
        """,
        // `serve`: who may sign in and how. Passwords as bcrypt strings, API tokens and session
        // tokens as SHA-256 of random secrets (the secret itself is never stored), failed
        // sign-ins for the rate limit — all in the base, so several `serve` processes on one
        // base share them. The Administrator role may manage settings, as RemOnline's does.
        """
        ALTER TABLE roles ADD COLUMN can_manage_settings INTEGER NOT NULL DEFAULT 0;
        UPDATE roles SET can_manage_settings = 1 WHERE name = '\(administrator)';
        ALTER TABLE employees ADD COLUMN password_hash TEXT;
        CREATE TABLE api_tokens(
            token_sha256 TEXT PRIMARY KEY,
            employee_id INTEGER NOT NULL REFERENCES employees(id),
            created_at TEXT NOT NULL) WITHOUT ROWID;
        CREATE INDEX api_tokens_employee ON api_tokens(employee_id);
        CREATE TABLE sessions(
            token_sha256 TEXT PRIMARY KEY,
            employee_id INTEGER NOT NULL REFERENCES employees(id),
            csrf_token TEXT NOT NULL,
            expires_at INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE failed_sign_ins(
            id INTEGER PRIMARY KEY,
            employee_name TEXT NOT NULL,
            at INTEGER NOT NULL);
        CREATE INDEX failed_sign_ins_name ON failed_sign_ins(employee_name, at);
        -- An upload checked in the page and waiting for its fixes or its confirmation: the file
        -- is named after the random ID (never after the upload) in the folder beside the base.
        CREATE TABLE pending_imports(
            id TEXT PRIMARY KEY,
            employee_id INTEGER NOT NULL REFERENCES employees(id),
            file_name TEXT NOT NULL,
            extension TEXT NOT NULL,
            options_json TEXT NOT NULL,
            created_at INTEGER NOT NULL) WITHOUT ROWID;
        """,
        // Fewer B-tree writes per new client (a 100,000-row import wrote 8.4 a client; see
        // docs/performance.md, "Store"). A client's phones (a JSON array, in the user's order)
        // and custom values (a JSON object by field ID) move into its `clients` row: they were a
        // `client_phones` row and index entry per phone and a `client_custom_values` row per
        // value. What the duplicate policy looks up stays a B-tree of its own: the phone lookup,
        // keyed by (number, client) so the lowest ID with a number is one probe, and the email
        // index. Nothing queried a client's phones or values by anything but the client.
        // The ledger becomes one B-tree keyed by (client, entry number) instead of a rowid table
        // and its client index: a client's entries are read together (balance, history) and
        // only undo scans by batch. Entries keep their order within a client.
        """
        ALTER TABLE clients ADD COLUMN phones TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE clients ADD COLUMN custom_values TEXT;
        UPDATE clients SET phones = (
            SELECT json_group_array(number) FROM (
                SELECT number FROM client_phones p WHERE p.client_id = clients.id ORDER BY position))
        WHERE id IN (SELECT client_id FROM client_phones);
        UPDATE clients SET custom_values = (
            SELECT json_group_object(field_id, value) FROM (
                SELECT field_id, value FROM client_custom_values v WHERE v.client_id = clients.id ORDER BY field_id))
        WHERE id IN (SELECT client_id FROM client_custom_values);
        CREATE TABLE client_phone_lookup(
            number TEXT NOT NULL,
            client_id INTEGER NOT NULL REFERENCES clients(id),
            PRIMARY KEY (number, client_id)) WITHOUT ROWID;
        INSERT OR IGNORE INTO client_phone_lookup(number, client_id) SELECT number, client_id FROM client_phones;
        DROP TABLE client_phones;
        DROP TABLE client_custom_values;
        CREATE TABLE balance_ledger_by_client(
            client_id INTEGER NOT NULL REFERENCES clients(id),
            entry INTEGER NOT NULL,
            amount INTEGER NOT NULL,
            comment TEXT NOT NULL,
            batch_id INTEGER REFERENCES batches(id),
            employee_id INTEGER REFERENCES employees(id),
            at TEXT NOT NULL,
            PRIMARY KEY (client_id, entry)) WITHOUT ROWID;
        INSERT INTO balance_ledger_by_client(client_id, entry, amount, comment, batch_id, employee_id, at)
            SELECT client_id, ROW_NUMBER() OVER (PARTITION BY client_id ORDER BY id), amount, comment, batch_id, employee_id, at
            FROM balance_ledger;
        DROP TABLE balance_ledger;
        ALTER TABLE balance_ledger_by_client RENAME TO balance_ledger;
        -- Append-only: a balance is the sum of its client's entries; nothing is ever updated.
        CREATE TRIGGER balance_ledger_append_only_update BEFORE UPDATE ON balance_ledger
            BEGIN SELECT RAISE(ABORT, 'the balance ledger is append-only'); END;
        CREATE TRIGGER balance_ledger_append_only_delete BEFORE DELETE ON balance_ledger
            BEGIN SELECT RAISE(ABORT, 'the balance ledger is append-only'); END;
        """,
        // The phone lookup is derived data only the store writes, from `clients.phones` of a
        // client it has just written, and clients are never deleted (an undo marks them), so its
        // foreign key guarded nothing. It cost a probe of `clients` per entry: built in number
        // order before an import's COMMIT (`endDeferredLookups`), each probe lands on a random
        // page of the clients table (8.6 of the 1M import's 14.8 s of SQLite work in that build).
        """
        CREATE TABLE client_phone_lookup_v7(
            number TEXT NOT NULL,
            client_id INTEGER NOT NULL,
            PRIMARY KEY (number, client_id)) WITHOUT ROWID;
        INSERT INTO client_phone_lookup_v7(number, client_id) SELECT number, client_id FROM client_phone_lookup ORDER BY 1, 2;
        DROP TABLE client_phone_lookup;
        ALTER TABLE client_phone_lookup_v7 RENAME TO client_phone_lookup;
        """,
    ]
}
