@testable import ClientBase
import Foundation
import TestSupport
import Testing

/// `BaseCopying` (issue 15's `clientimport copy`): a whole base read as records from one store
/// and restored into a new one, IDs kept, all or nothing.
@Suite struct BaseCopyTests {
    let folder: TemporaryDirectory
    let source: SQLiteClientStore

    init() throws {
        folder = try TemporaryDirectory()
        source = try SQLiteClientStore(path: folder.file("source.sqlite"))
        try Self.fill(source)
    }

    /// A base with something in every table a copy carries: settings, a second role and
    /// employee with a password and a token, clients with phones, custom values, discounts and
    /// references, balance corrections by two employees, an update (with the state before), a
    /// balance-only change, a client with its own ID, and an undone batch (removed clients).
    static func fill(_ store: SQLiteClientStore) throws {
        try store.addMarketingSources(["Google", "Bouche à oreille"])
        try store.addPriceTypes(["Détail", "Gros"])
        try store.addCustomField(CustomFieldDefinition(name: "Passeport", type: .text))
        try store.addCustomField(CustomFieldDefinition(name: "Né le", type: .date))
        try store.addRole(Role(name: "Accueil", canAdjustBalance: true))
        try store.addRole(Role(name: ClientStores.administratorName, canAdjustBalance: true, canManageSettings: true))
        try store.addEmployee(name: "Léa", role: "Accueil")
        try store.setPasswordHash("$2b$12$" + String(repeating: "a", count: 53), employee: "Léa")
        try store.addAPIToken(sha256: String(repeating: "ab", count: 32), employee: "Léa")
        let lea = try #require(try store.employee(named: "Léa"))

        func batch(_ name: String, employee: Int64?, _ body: (Int64) throws -> BatchCounts) throws -> Int64 {
            try store.transaction {
                let id = try store.beginBatch(BatchSource(fileName: name, fileSHA256: "sha-" + name, ruleSet: "remonline", plugin: "", employeeID: employee))
                try store.finishBatch(id, counts: try body(id))
                return id
            }
        }
        _ = try batch("first.xlsx", employee: 1) { id in
            var marie = Client(id: 0, name: "Marie")
            marie.lastName = "Curie"
            marie.phones = ["33612345678", "33145678901", "33612345678"]
            marie.email = "marie@example.fr"
            marie.juridical = true
            marie.notes = "ligne 1\nligne 2 \"quoted\" \\"
            marie.marketingSource = "Google"
            marie.discountGoods = try #require(ExactDecimal("10.5"))
            marie.priceTypeSales = "Gros"
            marie.customFields = ["Passeport": "AB 123", "Né le": "1867-11-07"]
            let first = try store.insertClient(marie, batch: id, sourceRow: 2)
            try store.appendBalanceCorrection(clientID: first, amount: try #require(ExactDecimal("-45.5")), comment: "Correction de solde par importation",
                                              batch: id, employeeID: 1, sourceRow: 2)
            _ = try store.insertClient(Client(id: 0, name: "Paul"), batch: id, sourceRow: 3)
            _ = try store.insertClient(Client(id: 40, name: "Own ID"), batch: id, sourceRow: 4)
            return BatchCounts(rows: 3, created: 3, balanceCorrections: 1)
        }
        _ = try batch("second.csv", employee: lea.id) { id in
            let paul = try #require(try store.client(id: 2))
            var changed = paul
            changed.email = "paul@example.fr"
            changed.priceTypeOrders = "Détail"
            try store.updateClient(changed, previous: paul, batch: id, sourceRow: 2)
            try store.appendBalanceCorrection(clientID: 2, amount: try #require(ExactDecimal("12.3456")), comment: "Balance correction by import",
                                              batch: id, employeeID: lea.id, sourceRow: 2)
            try store.appendBalanceCorrection(clientID: 1, amount: try #require(ExactDecimal("5")), comment: "Balance correction by import",
                                              batch: id, employeeID: lea.id, sourceRow: 3)
            return BatchCounts(rows: 2, updated: 1, unchanged: 1, balanceCorrections: 2)
        }
        let third = try batch("third.xlsx", employee: nil) { id in
            let gone = try store.insertClient(Client(id: 0, name: "Removed"), batch: id, sourceRow: 2)
            try store.appendBalanceCorrection(clientID: gone, amount: try #require(ExactDecimal("7")), comment: "c", batch: id, employeeID: nil, sourceRow: 2)
            return BatchCounts(rows: 1, created: 1, balanceCorrections: 1)
        }
        try store.undo(batch: third, employeeID: 1, comment: "Annulation du lot 3")
    }

    func records(of store: any ClientBaseStore) throws -> [BaseRecord] {
        var records: [BaseRecord] = []
        try store.forEachRecord { records.append($0) }
        return records
    }

    /// Every table of the file, row by row, but the JSON of earlier states (its key order is
    /// the encoder's: compared decoded, in `records`) and the sessions a server keeps.
    func tables(_ path: String) throws -> [String: [[String]]] {
        let raw = try SQLiteRaw(path: path)
        let queries = [
            "clients": "SELECT * FROM clients ORDER BY id",
            "client_phone_lookup": "SELECT * FROM client_phone_lookup ORDER BY number, client_id",
            "balance_ledger": "SELECT * FROM balance_ledger ORDER BY client_id, entry",
            "batches": "SELECT * FROM batches ORDER BY id",
            "batch_changes": "SELECT batch_id, client_id, kind, source_row FROM batch_changes ORDER BY batch_id, client_id",
            "batch_created_clients": "SELECT * FROM batch_created_clients ORDER BY batch_id, first_client_id",
            "marketing_sources": "SELECT * FROM marketing_sources ORDER BY id",
            "price_types": "SELECT * FROM price_types ORDER BY id",
            "custom_fields": "SELECT * FROM custom_fields ORDER BY id",
            "roles": "SELECT * FROM roles ORDER BY id",
            "employees": "SELECT * FROM employees ORDER BY id",
            "api_tokens": "SELECT * FROM api_tokens ORDER BY token_sha256",
        ]
        return queries.mapValues { raw.rows($0) }
    }

    @Test func aCopyHoldsTheSameRecordsAndTheSameRows() throws {
        let target = try SQLiteClientStore(path: folder.file("target.sqlite"))
        let counts = try ClientStores.copy(from: source, to: target)
        #expect(counts == BaseCopyCounts(clients: 4, batches: 4, ledgerEntries: 5))
        let copied = try records(of: target)
        #expect(copied == (try records(of: source)))
        // Every kind of record was there to copy.
        #expect(copied.contains { if case .change(let c) = $0 { c.kind == .updated && c.before != nil } else { false } })
        #expect(copied.contains { if case .change(let c) = $0 { c.kind == .balance } else { false } })
        #expect(copied.contains { if case .client(let c) = $0 { c.removedBatch != nil } else { false } })
        #expect(copied.contains { if case .createdClients(let r) = $0 { r.first == 40 } else { false } })
        let sourceTables = try tables(folder.file("source.sqlite")), targetTables = try tables(folder.file("target.sqlite"))
        for (name, rows) in sourceTables {
            #expect(!rows.isEmpty, "\(name) is empty in the source")
            #expect(targetTables[name] == rows, "\(name) differs")
        }
        #expect(try target.client(id: 1) == (try source.client(id: 1)))
        #expect(try target.balanceHistory(clientID: 1) == (try source.balanceHistory(clientID: 1)))
        #expect(try target.passwordHash(employee: "Léa")?.hash == (try source.passwordHash(employee: "Léa")?.hash))
        #expect(try target.employee(apiTokenSHA256: String(repeating: "ab", count: 32))?.name == "Léa")
        // New IDs continue where the source's would.
        let next = try target.transaction {
            try target.insertClient(Client(id: 0, name: "Next"), batch: try target.beginBatch(
                BatchSource(fileName: "n", fileSHA256: "", ruleSet: "", plugin: "", employeeID: nil)), sourceRow: nil)
        }
        #expect(next == 42)
    }

    @Test func undoOnTheCopyDoesWhatItDoesOnTheSource() throws {
        let target = try SQLiteClientStore(path: folder.file("target.sqlite"))
        try ClientStores.copy(from: source, to: target)
        // Batch 2 updated Paul and corrected two balances; batch 1 cannot go before it.
        func clients(_ store: SQLiteClientStore) throws -> [Client] {
            var clients: [Client] = []
            try store.forEachClient { clients.append($0) }
            return clients
        }
        for store in [source, target] {
            #expect(throws: StoreError.self) { try store.undo(batch: 1, employeeID: 1, comment: "u") }
            #expect(try store.undo(batch: 2, employeeID: 1, comment: "u", commit: true).counts == BatchCounts(rows: 2, updated: 1, unchanged: 1, balanceCorrections: 2))
        }
        #expect(try clients(target) == (try clients(source)))
        #expect(try target.client(id: 2)?.email == "")
        #expect(try target.client(id: 1)?.balance == ExactDecimal("-45.5"))
        for store in [source, target] {
            #expect(try store.undo(batch: 1, employeeID: 1, comment: "u", commit: true).counts.rows == 3)
        }
        #expect(try target.clientCount() == 0)
        #expect(try target.history().map(\.state) == (try source.history().map(\.state)))
    }

    @Test func aBaseThatIsNotNewIsRefusedAndLeftAsItWas() throws {
        let adders: [(String, (SQLiteClientStore) throws -> Void)] = [
            ("client", { store in
                try store.transaction {
                    _ = try store.insertClient(Client(id: 0, name: "X"), batch: try store.beginBatch(
                        BatchSource(fileName: "x", fileSHA256: "", ruleSet: "", plugin: "", employeeID: nil)), sourceRow: nil)
                }
            }),
            ("marketing source", { try $0.addMarketingSources(["Google"]) }),
            ("role", { try $0.addRole(Role(name: "Accueil", canAdjustBalance: false)) }),
            ("password", { try $0.setPasswordHash("$2b$12$x", employee: ClientStores.administratorName) }),
            ("token", { try $0.addAPIToken(sha256: "00", employee: ClientStores.administratorName) }),
        ]
        for (index, (what, add)) in adders.enumerated() {
            let path = folder.file("taken\(index).sqlite")
            let target = try SQLiteClientStore(path: path)
            try add(target)
            let before = try records(of: target)
            #expect(throws: StoreError.self, "a base with a \(what)") { try ClientStores.copy(from: source, to: target) }
            do { try ClientStores.copy(from: source, to: target) } catch let error as StoreError {
                #expect(error.kind == .notEmpty)
                #expect(error.message.contains(path) && error.message.contains("Nothing was changed"), "\(error.message)")
            }
            #expect(try records(of: target) == before, "a base with a \(what) was changed")
        }
    }

    @Test func aCopyThatFailsHalfWayLeavesTheTargetNew() throws {
        // An earlier state the journal cannot read: the source fails after the settings,
        // the batches and every client were written to the target.
        let raw = try SQLiteRaw(path: folder.file("source.sqlite"))
        #expect(raw.execute("UPDATE batch_changes SET before_json = 'not json' WHERE kind = 'updated'") == "")
        let target = try SQLiteClientStore(path: folder.file("target.sqlite"))
        let fresh = try records(of: target)
        do {
            try ClientStores.copy(from: source, to: target)
            Issue.record("the copy succeeded")
        } catch let error as StoreError {
            #expect(error.kind == .corrupt)
        }
        #expect(try records(of: target) == fresh)
        #expect(try target.clientCount() == 0)
        #expect(try target.history().isEmpty)
    }

    @Test func aNewSQLiteBaseAppearsOnlyWhenTheCopySucceeds() throws {
        let path = folder.file("new.sqlite")
        let pending = ClientStores.newBase(at: .sqlite(path: path), for: .copy)
        defer { pending.discard() }
        let raw = try SQLiteRaw(path: folder.file("source.sqlite"))
        #expect(raw.execute("UPDATE batch_changes SET before_json = 'not json' WHERE kind = 'updated'") == "")
        #expect(throws: StoreError.self) { try pending.build { try ClientStores.copy(from: source, to: $0) } }
        pending.discard()
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.contains("new.sqlite") } == [])

        #expect(raw.execute("UPDATE batch_changes SET before_json = NULL WHERE kind = 'updated'") == "")
        let again = ClientStores.newBase(at: .sqlite(path: path), for: .copy)
        defer { again.discard() }
        try again.build { _ = try ClientStores.copy(from: source, to: $0) }
        try again.install()
        again.discard()
        #expect(try SQLiteClientStore(path: path).clientCount() == 3)
    }

    @Test(.enabled(if: PostgresTestServer.casesRun, Comment(rawValue: PostgresTestServer.skipReason)))
    func aCopyIntoPostgreSQLAndBackHoldsTheSameRecordsAndUndoWorksThere() throws {
        let server = try PostgresClientStore(url: try PostgresTestServer.freshBaseURL(prefix: "copy"))
        #expect(try ClientStores.copy(from: source, to: server) == BaseCopyCounts(clients: 4, batches: 4, ledgerEntries: 5))
        #expect(try records(of: server) == (try records(of: source)))
        #expect(try server.passwordHash(employee: "Léa")?.hash == (try source.passwordHash(employee: "Léa")?.hash))
        #expect(try server.employee(apiTokenSHA256: String(repeating: "ab", count: 32))?.name == "Léa")

        let back = try SQLiteClientStore(path: folder.file("back.sqlite"))
        try ClientStores.copy(from: server, to: back)
        let sourceTables = try tables(folder.file("source.sqlite")), backTables = try tables(folder.file("back.sqlite"))
        for (name, rows) in sourceTables { #expect(backTables[name] == rows, "\(name) differs after the way back") }

        // Not into a base that is not new, and nothing changed.
        let before = try records(of: server)
        do {
            try ClientStores.copy(from: source, to: server)
            Issue.record("a second copy into the same schema succeeded")
        } catch let error as StoreError {
            #expect(error.kind == .notEmpty && error.message.contains("Nothing was changed"), "\(error.message)")
        }
        #expect(try records(of: server) == before)

        // New IDs continue where the source's would; undo does what it does on the source.
        for store in [source, server] as [any ClientBaseStore] {
            #expect(try store.undo(batch: 2, employeeID: 1, comment: "u", commit: true).counts == BatchCounts(rows: 2, updated: 1, unchanged: 1, balanceCorrections: 2))
        }
        #expect(try server.client(id: 1) == (try source.client(id: 1)))
        let next = try server.transaction {
            try server.insertClient(Client(id: 0, name: "Next"), batch: try server.beginBatch(
                BatchSource(fileName: "n", fileSHA256: "", ruleSet: "", plugin: "", employeeID: nil)), sourceRow: nil)
        }
        #expect(next == 42)
    }

    @Test(.enabled(if: PostgresTestServer.casesRun, Comment(rawValue: PostgresTestServer.skipReason)))
    func aCopyIntoPostgreSQLThatFailsHalfWayLeavesTheTargetNew() throws {
        let server = try PostgresClientStore(url: try PostgresTestServer.freshBaseURL(prefix: "copy"))
        let fresh = try records(of: server)
        let raw = try SQLiteRaw(path: folder.file("source.sqlite"))
        #expect(raw.execute("UPDATE batch_changes SET before_json = 'not json' WHERE kind = 'updated'") == "")
        #expect(throws: StoreError.self) { try ClientStores.copy(from: source, to: server) }
        #expect(try records(of: server) == fresh)
        #expect(try server.clientCount() == 0)
    }
}
