/// The tables of a PostgreSQL base (one schema per base), numbered with SQLite's schema
/// versions (`Schema.migrations`) so that both backends describe the same base: version 6's
/// tables, columns and meanings, in PostgreSQL's types. PostgreSQL bases began at version 6,
/// so one step creates it; a later version adds a step here as it adds a migration there
/// (a test compares the two numbers).
///
/// Differences from SQLite, all of type only: flags are `boolean`, IDs and money `bigint`
/// (money in ten-thousandths, as there), and the ledger's append-only rule is a trigger
/// function. The email lookup folds ASCII letters only, as SQLite's `COLLATE NOCASE` does.
enum PostgresSchema {
    /// The version this build writes, the same number as SQLite's.
    static let version = 7

    /// The step from each older version to the next, by the version it starts from: 7 dropped
    /// the phone lookup's foreign key, as SQLite's migration 7 did (derived data only the store
    /// writes; on SQLite it cost a random probe of `clients` per entry of a sorted build).
    static let upgrades: [Int: String] = [
        6: """
            ALTER TABLE client_phone_lookup DROP CONSTRAINT IF EXISTS client_phone_lookup_client_id_fkey;
            UPDATE \(versionTable) SET version = 7;
            """,
    ]

    /// The one-row table that holds the schema version (SQLite keeps it in `PRAGMA user_version`).
    static let versionTable = "clientimport_schema_version"

    /// `email` with A-Z folded to a-z and nothing else, as SQLite's NOCASE compares.
    static func foldedEmail(_ expression: String) -> String {
        "translate(\(expression), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
    }

    /// Creates a base of `version` in the current (empty) schema.
    static let create = """
        CREATE TABLE \(versionTable)(version integer NOT NULL);
        CREATE TABLE marketing_sources(id bigint PRIMARY KEY, name text NOT NULL UNIQUE);
        CREATE TABLE price_types(id bigint PRIMARY KEY, name text NOT NULL UNIQUE);
        CREATE TABLE custom_fields(
            id bigint PRIMARY KEY,
            name text NOT NULL UNIQUE,
            type text NOT NULL CHECK (type IN ('text', 'number', 'date', 'yes-no')));
        CREATE TABLE roles(
            id bigint PRIMARY KEY,
            name text NOT NULL UNIQUE,
            can_adjust_balance boolean NOT NULL DEFAULT false,
            can_manage_settings boolean NOT NULL DEFAULT false);
        CREATE TABLE employees(
            id bigint PRIMARY KEY,
            name text NOT NULL UNIQUE,
            role_id bigint NOT NULL REFERENCES roles(id),
            password_hash text);
        CREATE TABLE batches(
            id bigint PRIMARY KEY,
            kind text NOT NULL CHECK (kind IN ('import', 'undo')),
            state text NOT NULL CHECK (state IN ('imported', 'undone', 'done')),
            file_name text NOT NULL,
            file_sha256 text NOT NULL DEFAULT '',
            rule_set text NOT NULL DEFAULT '',
            plugin text NOT NULL DEFAULT '',
            employee_id bigint REFERENCES employees(id),
            rows bigint NOT NULL DEFAULT 0,
            created bigint NOT NULL DEFAULT 0,
            updated bigint NOT NULL DEFAULT 0,
            unchanged bigint NOT NULL DEFAULT 0,
            balance_corrections bigint NOT NULL DEFAULT 0,
            undoes_batch bigint REFERENCES batches(id),
            started_at text NOT NULL,
            finished_at text);
        -- phones: a JSON array in the user's order; custom_values: a JSON object by custom field ID.
        CREATE TABLE clients(
            id bigint PRIMARY KEY,
            name text NOT NULL,
            last_name text NOT NULL DEFAULT '',
            email text NOT NULL DEFAULT '',
            address text NOT NULL DEFAULT '',
            juridical boolean NOT NULL DEFAULT false,
            supplier boolean NOT NULL DEFAULT false,
            conflicted boolean NOT NULL DEFAULT false,
            notes text NOT NULL DEFAULT '',
            marketing_source_id bigint REFERENCES marketing_sources(id),
            discount_card text NOT NULL DEFAULT '',
            discount_goods bigint,
            discount_services bigint,
            discount_materials bigint,
            price_type_sales_id bigint REFERENCES price_types(id),
            price_type_orders_id bigint REFERENCES price_types(id),
            created_batch bigint REFERENCES batches(id),
            deleted_batch bigint REFERENCES batches(id),
            phones json NOT NULL DEFAULT '[]',
            custom_values json);
        CREATE INDEX clients_email_nocase ON clients(\(foldedEmail("email")), id) WHERE email <> '';
        CREATE TABLE client_phone_lookup(
            number text NOT NULL,
            client_id bigint NOT NULL,
            PRIMARY KEY (number, client_id));
        -- Append-only: a balance is the sum of its client's entries; nothing is ever updated.
        CREATE TABLE balance_ledger(
            client_id bigint NOT NULL REFERENCES clients(id),
            entry bigint NOT NULL,
            amount bigint NOT NULL,
            comment text NOT NULL,
            batch_id bigint REFERENCES batches(id),
            employee_id bigint REFERENCES employees(id),
            at text NOT NULL,
            PRIMARY KEY (client_id, entry));
        CREATE INDEX balance_ledger_batch ON balance_ledger(batch_id);
        CREATE FUNCTION balance_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'the balance ledger is append-only'; END $$;
        CREATE TRIGGER balance_ledger_append_only_update BEFORE UPDATE ON balance_ledger
            FOR EACH ROW EXECUTE FUNCTION balance_ledger_append_only();
        CREATE TRIGGER balance_ledger_append_only_delete BEFORE DELETE ON balance_ledger
            FOR EACH ROW EXECUTE FUNCTION balance_ledger_append_only();
        CREATE TRIGGER balance_ledger_append_only_truncate BEFORE TRUNCATE ON balance_ledger
            FOR EACH STATEMENT EXECUTE FUNCTION balance_ledger_append_only();
        -- What each batch did to each client it updated (or only corrected the balance of), with
        -- the state before, so a batch can be undone; created clients as runs of IDs.
        CREATE TABLE batch_changes(
            batch_id bigint NOT NULL REFERENCES batches(id),
            client_id bigint NOT NULL REFERENCES clients(id),
            kind text NOT NULL CHECK (kind = 'created' OR kind = 'updated' OR kind = 'balance'),
            source_row bigint,
            before_json text,
            PRIMARY KEY (batch_id, client_id));
        CREATE INDEX batch_changes_client ON batch_changes(client_id);
        CREATE TABLE batch_created_clients(
            batch_id bigint NOT NULL REFERENCES batches(id),
            first_client_id bigint NOT NULL REFERENCES clients(id),
            last_client_id bigint NOT NULL REFERENCES clients(id),
            CHECK (first_client_id <= last_client_id),
            PRIMARY KEY (batch_id, first_client_id));
        -- `serve`: sign-in, tokens, sessions and pending uploads, shared by every process on the base.
        CREATE TABLE api_tokens(
            token_sha256 text PRIMARY KEY,
            employee_id bigint NOT NULL REFERENCES employees(id),
            created_at text NOT NULL);
        CREATE INDEX api_tokens_employee ON api_tokens(employee_id);
        CREATE TABLE sessions(
            token_sha256 text PRIMARY KEY,
            employee_id bigint NOT NULL REFERENCES employees(id),
            csrf_token text NOT NULL,
            expires_at bigint NOT NULL);
        CREATE TABLE failed_sign_ins(
            id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            employee_name text NOT NULL,
            at bigint NOT NULL);
        CREATE INDEX failed_sign_ins_name ON failed_sign_ins(employee_name, at);
        CREATE TABLE pending_imports(
            id text PRIMARY KEY,
            employee_id bigint NOT NULL REFERENCES employees(id),
            file_name text NOT NULL,
            extension text NOT NULL,
            options_json text NOT NULL,
            created_at bigint NOT NULL);
        INSERT INTO roles(id, name, can_adjust_balance, can_manage_settings) VALUES (1, '\(Schema.administrator)', true, true);
        INSERT INTO employees(id, name, role_id) VALUES (1, '\(Schema.administrator)', 1);
        INSERT INTO \(versionTable)(version) VALUES (\(version));
        """
}
