@testable import ClientBase
import Foundation
import TestSupport
import Testing

/// The PostgreSQL store's bulk write path (issue 15): new clients, their phone lookup rows and
/// ledger entries are buffered and sent by COPY, and the duplicate probes are answered from the
/// buffer and the server, or from an index of the whole base. SQLite, which answers straight
/// from its tables, is the reference: the same calls must give the same answers.
@Suite(.enabled(if: PostgresTestServer.casesRun, Comment(rawValue: PostgresTestServer.skipReason)))
struct PostgresBulkWriteTests {
    private static let source = BatchSource(fileName: "f.csv", fileSHA256: "", ruleSet: "remonline", plugin: "", employeeID: 1)

    private static func client(_ name: String, phones: [String] = [], email: String = "", notes: String = "") -> Client {
        var client = Client(id: 0, name: name)
        client.phones = phones
        client.email = email
        client.notes = notes
        return client
    }

    /// With no client before, the first probe reads the (empty) base into the index; with 40,
    /// the server answers the probes and the buffer adds the clients not sent yet.
    @Test(arguments: [0, 40])
    func probesSeeClientsNotSentYetAndUpdatesAsOnSQLite(clientsBefore: Int) throws {
        let postgres = try Self.probeScenario(BackendBase(.postgres).store, clientsBefore: clientsBefore)
        let sqlite = try Self.probeScenario(BackendBase(.sqlite).store, clientsBefore: clientsBefore)
        #expect(postgres == sqlite)
        // The scenario did find what it looks for (not nil everywhere).
        #expect(sqlite[1].contains("P=Optional"))
    }

    private static func probeScenario(_ store: any ClientStore, clientsBefore: Int) throws -> [String] {
        try store.transaction {
            let batch = try store.beginBatch(source)
            for n in 0..<clientsBefore {
                _ = try store.insertClient(client("Old \(n)", phones: ["100\(n)"], email: "old\(n)@example.com"), batch: batch, sourceRow: n + 2)
            }
            try store.finishBatch(batch, counts: BatchCounts())
        }
        var answers: [String] = []
        func probe(_ label: String) throws {
            func text(_ id: Int64?) -> String { String(describing: id) }
            answers.append("\(label): P=\(text(try store.firstClientID(withPhone: "555"))) "
                + "Q=\(text(try store.firstClientID(withPhone: "777"))) R=\(text(try store.firstClientID(withPhone: "999"))) "
                + "old=\(text(try store.firstClientID(withPhone: "1003"))) "
                + "E=\(text(try store.firstClientID(withEmail: "Shared@Example.com"))) "
                + "É=\(text(try store.firstClientID(withEmail: "ÉTÉ@example.com"))) é=\(text(try store.firstClientID(withEmail: "été@example.com")))")
        }
        try store.transaction {
            let batch = try store.beginBatch(source)
            try probe("empty")
            let a = try store.insertClient(client("A", phones: ["555", "555"], email: "shared@example.COM"), batch: batch, sourceRow: 2)
            try probe("after A")
            _ = try store.insertClient(client("B", phones: ["777", "555"], email: "été@example.com"), batch: batch, sourceRow: 3)
            try probe("after B")
            // A is not sent yet: reading and updating it sends it first; the probes follow its new phones.
            var changed = try #require(try store.client(id: a))
            let before = changed
            changed.phones = ["999"]
            changed.email = ""
            try store.updateClient(changed, previous: before, batch: batch, sourceRow: 4)
            try probe("after A changed")
            _ = try store.insertClient(client("C", phones: ["555"], email: "SHARED@example.com"), batch: batch, sourceRow: 5)
            try probe("after C")
            if clientsBefore > 3 {
                var old = try #require(try store.client(id: 4))
                let previous = old
                old.phones = ["555", "1003"]
                old.email = "Shared@example.com"
                try store.updateClient(old, previous: previous, batch: batch, sourceRow: 6)
                try probe("after old 4 changed")
            }
            try store.finishBatch(batch, counts: BatchCounts())
        }
        try probe("committed")
        return answers
    }

    /// Texts that COPY's text format must escape, and Unicode, arrive as they were: read back
    /// inside the transaction (which sends the buffer first) and after it.
    @Test func awkwardTextsArriveExactly() throws {
        let base = try BackendBase(.postgres)
        let store = base.store
        try store.addCustomField(CustomFieldDefinition(name: "Car", type: .text))
        let awkward = ["tab\there", "new\nline", "carriage\rreturn", "back\\slash", "\\N", "\\.", "é📞Ünïcødé", "", " end\\", "\"quoted\""]
        var written: [Client] = []
        try store.transaction {
            let batch = try store.beginBatch(Self.source)
            for (n, text) in awkward.enumerated() {
                var c = Self.client("Name \(text)", phones: ["33\(n)", "tel\t\(n)"], email: "\(text)@example.com", notes: text + "\n" + text)
                c.lastName = text
                c.address = "\(text)\r\n\(n)"
                c.customFields = ["Car": text.isEmpty ? "none" : text]
                c.id = try store.insertClient(c, batch: batch, sourceRow: n + 2)
                try store.appendBalanceCorrection(clientID: c.id, amount: ExactDecimal("-12.5")!, comment: "comment \(text)",
                                                  batch: batch, employeeID: 1, sourceRow: n + 2)
                c.balance = ExactDecimal("-12.5")!
                written.append(c)
            }
            #expect(try store.client(id: written[3].id) == written[3])
            #expect(try store.firstClientID(withPhone: "tel\t3") == written[3].id)
            try store.finishBatch(batch, counts: BatchCounts())
        }
        var read: [Client] = []
        try store.forEachClient { read.append($0) }
        #expect(read == written)
        for (c, text) in zip(written, awkward) {
            #expect(try store.balanceHistory(clientID: c.id).map(\.comment) == ["comment \(text)"])
        }
    }

    /// A flush the server refuses half-way (a client ID already taken, found only when the
    /// buffered rows arrive) fails the import, and the base is as it was before it.
    @Test func aFlushTheServerRefusesLeavesTheBaseAsItWas() throws {
        let base = try BackendBase(.postgres)
        let store = base.store
        try store.transaction {
            let batch = try store.beginBatch(Self.source)
            _ = try store.insertClient(Self.client("Kept", phones: ["111"], email: "kept@example.com"), batch: batch, sourceRow: 2)
            try store.finishBatch(batch, counts: BatchCounts())
        }
        let before = try snapshot(base)
        let error = try #require(throws: StoreError.self) {
            try store.transaction {
                let batch = try store.beginBatch(Self.source)
                for n in 0..<(PostgresPendingClients.flushRows + 500) {
                    let id = try store.insertClient(Self.client("New \(n)", phones: ["2\(n)"]), batch: batch, sourceRow: n + 2)
                    try store.appendBalanceCorrection(clientID: id, amount: ExactDecimal("1")!, comment: "c", batch: batch,
                                                      employeeID: 1, sourceRow: n + 2)
                }
                // Client 1 exists: its row is refused when the last buffer is sent, after a first flush went through.
                var clash = Self.client("Clash", phones: ["333"])
                clash.id = 1
                _ = try store.insertClient(clash, batch: batch, sourceRow: 99_999)
                try store.finishBatch(batch, counts: BatchCounts())
            }
        }
        #expect(error.message.contains("duplicate key"), "\(error)")
        #expect(try snapshot(base) == before)
        // The store works afterwards, and numbers the next client as if nothing had happened.
        let next = try store.transaction {
            let batch = try store.beginBatch(Self.source)
            return try store.insertClient(Self.client("Next"), batch: batch, sourceRow: 2)
        }
        #expect(next == 2)
    }

    /// The server going away with rows still buffered: the final flush fails with the lost
    /// connection's error (exit 74), and the base holds nothing of that import.
    @Test func aServerGoneBeforeTheFlushLeavesNothing() throws {
        let base = try BackendBase(.postgres)
        let store = try #require(base.store as? PostgresClientStore)
        let before = try snapshot(base)
        let error = try #require(throws: StoreError.self) {
            try store.transaction {
                let batch = try store.beginBatch(Self.source)
                for n in 0..<500 {
                    _ = try store.insertClient(Self.client("New \(n)", phones: ["2\(n)"]), batch: batch, sourceRow: n + 2)
                }
                let pid = try store.connection.query("SELECT pg_backend_pid()").int(0, 0)
                let other = try PostgresConnection(location: PostgresLocation(url: base.location))
                try other.query("SELECT pg_terminate_backend($1)", [String(pid)])
                try store.finishBatch(batch, counts: BatchCounts())
            }
        }
        #expect(error.kind == .cannotOpen, "\(error)")
        #expect(try snapshot(base) == before)
    }

    /// Every table an import writes, as text rows.
    private func snapshot(_ base: BackendBase) throws -> [[String]] {
        try base.rows("SELECT 'client', id::text, name, phones::text, COALESCE(created_batch::text, '') FROM clients ORDER BY id")
            + base.rows("SELECT 'phone', number, client_id::text, '', '' FROM client_phone_lookup ORDER BY 2, 3")
            + base.rows("SELECT 'ledger', client_id::text, entry::text, amount::text, '' FROM balance_ledger ORDER BY 2, 3")
            + base.rows("SELECT 'batch', id::text, state, '', '' FROM batches ORDER BY 2")
            + base.rows("SELECT 'run', batch_id::text, first_client_id::text, last_client_id::text, '' FROM batch_created_clients ORDER BY 2, 3")
    }
}
