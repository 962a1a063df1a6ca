@testable import ClientBase
import Foundation
import TestSupport
import Testing

/// The URL of a PostgreSQL base: no server needed.
@Suite struct PostgresLocationTests {
    @Test func readsEveryPartPercentDecoded() throws {
        let location = try PostgresLocation(url: "postgresql://ana%40shop:p%3Ass%2Fw@db.example.org:6543/my%20base?schema=shop%2D1&sslmode=require")
        #expect(location.user == "ana@shop")
        #expect(location.password == "p:ss/w")
        #expect(location.host == "db.example.org")
        #expect(location.port == "6543")
        #expect(location.database == "my base")
        #expect(location.schema == "shop-1")
        #expect(location.options == [.init(key: "sslmode", value: "require")])
        #expect(!location.redacted.contains("p:ss/w"))
        #expect(location.redacted == "postgresql://ana@shop:***@db.example.org:6543/my base?schema=shop-1&sslmode=require")
    }

    @Test func sessionsAreNamedClientimportUnlessTheURLNamesThem() throws {
        func names(_ url: String) throws -> [String] {
            try PostgresLocation(url: url).connectionKeywords.filter { $0.0 == "application_name" }.map(\.1)
        }
        #expect(try names("postgresql://h/db?schema=a") == ["clientimport"])
        #expect(try names("postgresql://h/db?schema=a&application_name=serve-a") == ["serve-a"])
    }

    @Test func theShortSchemeIPv6AndTheDefaults() throws {
        let location = try PostgresLocation(url: "postgres://[::1]:5432/clients")
        #expect(location.host == "::1")
        #expect(location.port == "5432")
        #expect(location.user == nil)
        #expect(location.password == nil)
        #expect(location.schema == "public")
        let bare = try PostgresLocation(url: "POSTGRESQL://localhost")
        #expect(bare.host == "localhost")
        #expect(bare.database == nil)
        #expect(PostgresLocation.isPostgresURL("postgres://x"))
        #expect(!PostgresLocation.isPostgresURL("base.sqlite"))
    }

    @Test func aBadURLSaysWhatIsWrongWithoutThePassword() throws {
        for (url, expected) in [
            ("mysql://u@h/db", "postgresql://"),
            ("postgresql://u:secret@h:99999/db", "port"),
            ("postgresql://u:secret@h:5432/db?schema=", "schema"),
            ("postgresql://u:se%zzret@h/db", "%25"),
            ("postgresql://u:secret@[::1/db", "IPv6"),
            ("postgresql://u:secret@h/db?schema=\(String(repeating: "s", count: 64))", "63"),
        ] {
            let error = try #require(throws: StoreError.self) { try PostgresLocation(url: url) }
            #expect(error.kind == .cannotOpen)
            #expect(error.message.contains(expected), "\(url): \(error.message)")
            #expect(!error.message.contains("secret"))
        }
    }
}

/// The PostgreSQL backend's own behaviour, on the test server (`PostgresTestServer`).
@Suite(.enabled(if: PostgresTestServer.casesRun, Comment(rawValue: PostgresTestServer.skipReason)))
struct PostgresConnectionTests {
    /// The test server's URL with one part changed.
    private func variant(user: String? = nil, password: String? = nil, port: String? = nil, database: String? = nil) throws -> String {
        let location = try PostgresLocation(url: PostgresTestServer.requireURL())
        let host = location.host ?? "127.0.0.1"
        return "postgresql://\(user ?? location.user ?? "")\(":" + (password ?? location.password ?? ""))@\(host):\(port ?? location.port ?? "5432")/\(database ?? location.database ?? "")"
    }

    @Test func aWrongPasswordIsUnavailableAndTheMessageHoldsNoPassword() throws {
        let url = try variant(password: "wrong-secret-4711")
        let error = try #require(throws: StoreError.self) { try PostgresClientStore(url: url) }
        #expect(error.kind == .cannotOpen)
        #expect(error.message.contains("password authentication failed"))
        #expect(error.message.contains("check the user name and password"))
        #expect(!error.message.contains("wrong-secret-4711"))
        let real = try #require(try PostgresLocation(url: PostgresTestServer.requireURL()).password)
        #expect(!error.message.contains(real))
    }

    @Test func aMissingDatabaseSaysHowToCreateIt() throws {
        let error = try #require(throws: StoreError.self) { try PostgresClientStore(url: try variant(database: "no_such_base_42")) }
        #expect(error.kind == .cannotOpen)
        #expect(error.message.contains("no_such_base_42"))
        #expect(error.message.contains("createdb"))
        let real = try #require(try PostgresLocation(url: PostgresTestServer.requireURL()).password)
        #expect(!error.message.contains(real))
    }

    @Test func noServerOnThePortSaysToCheckTheServer() throws {
        // A port nobody listens on: bound and closed again.
        let error = try #require(throws: StoreError.self) { try PostgresClientStore(url: try variant(port: "1")) }
        #expect(error.kind == .cannotOpen)
        #expect(error.message.contains("check that the PostgreSQL server is running"))
    }

    @Test func twoSchemasAreTwoBases() throws {
        let server = try PostgresTestServer.requireURL()
        let suffix = PostgresTestServer.randomSuffix()
        let first = try PostgresClientStore(url: PostgresTestServer.url(server, schema: "shop a \(suffix)"))
        let second = try PostgresClientStore(url: PostgresTestServer.url(server, schema: "shop\"b\(suffix)"))
        try first.addMarketingSources(["Radio"])
        try first.transaction {
            let batch = try first.beginBatch(BatchSource(fileName: "f", fileSHA256: "", ruleSet: "", plugin: "", employeeID: 1))
            _ = try first.insertClient(Client(id: 0, name: "Only in A"), batch: batch, sourceRow: 2)
        }
        #expect(try first.clientCount() == 1)
        #expect(try second.clientCount() == 0)
        #expect(try second.catalog().marketingSources.isEmpty)
        #expect(try second.history().isEmpty)
        #expect(second.schema == "shop\"b\(suffix)")
    }

    @Test func aNulInTextIsRefusedClearlyAndChangesNothing() throws {
        let base = try BackendBase(.postgres)
        var client = Client(id: 0, name: "A")
        client.notes = "before\u{0}after"
        let error = try #require(throws: StoreError.self) {
            try base.store.transaction {
                let batch = try base.store.beginBatch(BatchSource(fileName: "f", fileSHA256: "", ruleSet: "", plugin: "", employeeID: 1))
                _ = try base.store.insertClient(client, batch: batch, sourceRow: 2)
            }
        }
        #expect(error.kind == .invalid)
        #expect(error.message.contains("NUL"))
        #expect(try base.store.history().isEmpty)
    }

    @Test func copyCarriesEveryTextExactly() throws {
        let base = try BackendBase(.postgres)
        let connection = try PostgresConnection(location: PostgresLocation(url: base.location))
        try connection.execute("CREATE TABLE copied(n bigint PRIMARY KEY, t text, maybe text)")
        let awkward = ["tab\there", "new\nline", "carriage\rreturn", "back\\slash", "\\N", "\\.", "é📞", "", " end\\"]
        func text(_ n: Int) -> String { awkward[n % awkward.count] + "#\(n)" + (n % 7 == 0 ? "\t\n\\" : "") }
        let count = 100_000
        try connection.transaction(busyTimeoutSeconds: 1) {
            try connection.copy("COPY copied(n, t, maybe) FROM STDIN") { writer in
                for n in 0..<count {
                    try writer.field(Int64(n))
                    try writer.field(text(n))
                    try writer.field(n % 3 == 0 ? nil : awkward[n % awkward.count])
                    try writer.endRow()
                }
            }
        }
        var seen = 0
        try connection.forEachRow("SELECT n, t, maybe FROM copied ORDER BY n") { result, row in
            let n = Int(result.int(row, 0))
            #expect(n == seen)
            if result.text(row, 1) != text(n) { Issue.record("row \(n): \(result.text(row, 1).debugDescription)") }
            #expect(result.optionalText(row, 2) == (n % 3 == 0 ? nil : awkward[n % awkward.count]))
            seen += 1
        }
        #expect(seen == count)
    }

    @Test func aFailedCopyInARolledBackTransactionLeavesNothing() throws {
        let base = try BackendBase(.postgres)
        let connection = try PostgresConnection(location: PostgresLocation(url: base.location))
        try connection.execute("CREATE TABLE copied(n bigint PRIMARY KEY)")
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try connection.transaction(busyTimeoutSeconds: 1) {
                try connection.query("INSERT INTO copied VALUES (1)")
                try connection.copy("COPY copied(n) FROM STDIN") { writer in
                    try writer.field(2)
                    try writer.endRow()
                    throw Stop()
                }
            }
        }
        #expect(try connection.query("SELECT COUNT(*) FROM copied").int(0, 0) == 0)
        // The connection is usable afterwards.
        try connection.transaction(busyTimeoutSeconds: 1) { try connection.query("INSERT INTO copied VALUES (3)") }
        #expect(try connection.query("SELECT COUNT(*) FROM copied").int(0, 0) == 1)
    }

    @Test func aSecondWriterOfOneBaseIsBusyAfterTheTimeout() throws {
        let base = try BackendBase(.postgres)
        let waiting = try PostgresClientStore(url: base.location, busyTimeoutSeconds: 0.5)
        let impatient = try PostgresClientStore(url: base.location, busyTimeoutSeconds: 0)
        let otherBase = try PostgresClientStore(url: PostgresTestServer.freshBaseURL(), busyTimeoutSeconds: 0)
        try base.store.transaction {
            _ = try base.store.beginBatch(BatchSource(fileName: "f", fileSHA256: "", ruleSet: "", plugin: "", employeeID: 1))
            let started = Date()
            let error = try #require(throws: StoreError.self) { try waiting.addMarketingSources(["Radio"]) }
            #expect(error.kind == .busy)
            #expect(Date().timeIntervalSince(started) >= 0.45)
            #expect(try #require(throws: StoreError.self) { try impatient.addPriceTypes(["Retail"]) }.kind == .busy)
            // Another base on the same server is not held up.
            try otherBase.addMarketingSources(["Radio"])
            // Readers are not held up either.
            #expect(try waiting.history().isEmpty)
        }
        try waiting.addMarketingSources(["Radio"])
        #expect(try waiting.catalog().marketingSources == ["Radio"])
        #expect(try waiting.history().count == 1)
    }

    @Test func theLedgerRefusesTruncateToo() throws {
        let base = try BackendBase(.postgres)
        #expect(base.execute("TRUNCATE balance_ledger").contains("append-only"))
    }

    /// A version-6 base (its phone lookup with a foreign key) is upgraded when opened: the key
    /// dropped, the entries kept, the version 7.
    @Test func aVersion6BaseIsUpgradedWithItsPhoneLookupKept() throws {
        let base = try BackendBase(.postgres)
        let store = try base.reopen()
        try store.transaction {
            _ = try store.insertClient({ var c = Client(id: 0, name: "A"); c.phones = ["33611111111"]; return c }(),
                                       batch: try store.beginBatch(BatchSource(fileName: "a.csv", fileSHA256: "", ruleSet: "remonline", plugin: "", employeeID: nil)),
                                       sourceRow: 2)
        }
        #expect(base.execute("""
            ALTER TABLE client_phone_lookup ADD CONSTRAINT client_phone_lookup_client_id_fkey FOREIGN KEY (client_id) REFERENCES clients(id);
            UPDATE clientimport_schema_version SET version = 6
            """) == "")
        let foreignKeys = "SELECT count(*) FROM pg_constraint WHERE conrelid = 'client_phone_lookup'::regclass AND contype = 'f'"
        #expect(try base.rows(foreignKeys) == [["1"]])
        let upgraded = try base.reopen()
        #expect(try base.rows("SELECT version FROM clientimport_schema_version") == [["7"]])
        #expect(try base.rows(foreignKeys) == [["0"]])
        #expect(try base.rows("SELECT number, client_id FROM client_phone_lookup") == [["33611111111", "1"]])
        #expect(try upgraded.firstClientID(withPhone: "33611111111") == 1)
    }

    @Test func theSchemaVersionIsSQLitesAndANewerOneIsRefused() throws {
        #expect(PostgresClientStore.schemaVersion == SQLiteClientStore.schemaVersion)
        let base = try BackendBase(.postgres)
        #expect(try base.rows("SELECT version FROM clientimport_schema_version") == [[String(SQLiteClientStore.schemaVersion)]])
        #expect(base.execute("UPDATE clientimport_schema_version SET version = \(SQLiteClientStore.schemaVersion + 1)") == "")
        let error = try #require(throws: StoreError.self) { try base.reopen() }
        #expect(error.kind == .newerSchema)
        #expect(error.message.contains("newer"))
        #expect(try base.rows("SELECT version FROM clientimport_schema_version") == [[String(SQLiteClientStore.schemaVersion + 1)]])
    }

    @Test func manyStoresOpeningOneNewBaseAtOnceCreateItOnce() async throws {
        let url = try PostgresTestServer.freshBaseURL()
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<4 {
                group.addTask { try PostgresClientStore(url: url).catalog().employees.count }
            }
            for try await count in group { #expect(count == 1) }
        }
    }

    /// Statements are planned with their values, also after a reconnection: a generic plan made
    /// while an import's tables were small would scan every client for each phone looked up.
    @Test func statementsArePlannedWithTheirValues() throws {
        let base = try BackendBase(.postgres)
        let store = try PostgresClientStore(url: base.location)
        let setting = "SELECT current_setting('plan_cache_mode')"
        #expect(try store.connection.query(setting).text(0, 0) == "force_custom_plan")
        let pid = try store.connection.query("SELECT pg_backend_pid()").text(0, 0)
        #expect(base.execute("SELECT pg_terminate_backend(\(pid))") == "")
        _ = try? store.clientCount()
        _ = try store.clientCount()
        #expect(try store.connection.query(setting).text(0, 0) == "force_custom_plan")
    }

    /// The server ends the session mid-import (as a restart or `pg_terminate_backend` does):
    /// the call is `cannotOpen` (exit 74) with what happened, never a crash, the transaction
    /// is not half-kept, and the store connects again for the next one.
    @Test func aSessionTheServerEndsIsUnavailableNotACrash() throws {
        let base = try BackendBase(.postgres)
        let store = try PostgresClientStore(url: base.location)
        let pid = try store.connection.query("SELECT pg_backend_pid()").text(0, 0)
        let error = try #require(throws: StoreError.self) {
            try store.transaction {
                let batch = try store.beginBatch(BatchSource(fileName: "f", fileSHA256: "", ruleSet: "", plugin: "", employeeID: 1))
                _ = try store.insertClient(Client(id: 0, name: "A"), batch: batch, sourceRow: 2)
                #expect(base.execute("SELECT pg_terminate_backend(\(pid))") == "")
                _ = try store.insertClient(Client(id: 0, name: "B"), batch: batch, sourceRow: 3)
            }
        }
        #expect(error.kind == .cannotOpen)
        #expect(error.message.contains("lost"))
        let password = try #require(try PostgresLocation(url: base.location).password)
        #expect(!error.message.contains(password))
        #expect(try store.clientCount() == 0)
        #expect(try store.history().isEmpty)
    }
}
