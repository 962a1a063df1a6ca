import ClientBase
import Foundation
import TestSupport
import Testing

/// What every `ClientStore` promises, checked through the protocol on each backend
/// (`Backend.all`: SQLite, and PostgreSQL when a server is configured; each case in a new base).
/// Backend-specific checks stay in `SQLiteClientStoreTests` and `PostgresConnectionTests`.
@Suite struct ClientStoreContractTests {
    @Test(.enabled(if: PostgresTestServer.casesRun, Comment(rawValue: PostgresTestServer.skipReason)))
    func thePostgreSQLCasesHaveAServer() throws {
        // In CI without a server this fails with what to set; elsewhere the skip says why.
        _ = try PostgresTestServer.requireURL()
    }

    @Test(arguments: Backend.all)
    func aFreshBaseHasAnAdministratorWhoMayAdjustBalances(_ backend: Backend) throws {
        let store = try BackendBase(backend).store
        let admin = try #require(try store.catalog().employee(named: ClientStores.administratorName))
        #expect(admin.canAdjustBalance)
        #expect(admin.canManageSettings)
        #expect(try store.clientCount() == 0)
        #expect(try store.history().isEmpty)
    }

    @Test(arguments: Backend.all)
    func reopeningKeepsDataAndDoesNotRerunMigrations(_ backend: Backend) throws {
        let base = try BackendBase(backend)
        try base.store.addMarketingSources(["Google", " Google ", "Radio"])
        try base.store.addPriceTypes(["Retail"])
        try base.store.addCustomField(CustomFieldDefinition(name: "Car", type: .text))
        let again = try base.reopen()
        #expect(try again.catalog().marketingSources == ["Google", "Radio"])
        #expect(try again.catalog().priceTypes == ["Retail"])
        #expect(try again.catalog().customFields == [CustomFieldDefinition(name: "Car", type: .text)])
        #expect(try again.catalog().employees.count == 1)
        #expect(throws: StoreError.self) { try again.addCustomField(CustomFieldDefinition(name: "Car", type: .number)) }
        #expect(throws: StoreError.self) { try again.addMarketingSources([" "]) }
    }

    @Test(arguments: Backend.all)
    func theFirstClientWithAPhoneOrEmailIsTheLowestIDStillInTheBase(_ backend: Backend) throws {
        let store = try BackendBase(backend).store
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

    /// Phones and custom values are stored as JSON in the client's row (`ClientRowJSON`): any
    /// text comes back whole, quotes, backslashes, control characters and non-ASCII included.
    @Test(arguments: Backend.all)
    func phonesAndCustomValuesComeBackWholeWhateverTheyHold(_ backend: Backend) throws {
        let store = try BackendBase(backend).store
        try store.addCustomField(CustomFieldDefinition(name: "Car", type: .text))
        try store.addCustomField(CustomFieldDefinition(name: "Note \"2\"", type: .text))
        var client = Client(id: 0, name: "Q")
        client.phones = ["33611111111", "0612345678", "33611111111"]
        client.customFields = ["Car": "a \"b\" c\\d\u{1}\u{1f}\te\nf — ünï 📞", "Note \"2\"": "{\"k\":[1]}"]
        try importBatch(store) { batch in _ = try store.insertClient(client, batch: batch, sourceRow: 2) }
        let read = try #require(try store.client(id: 1))
        #expect(read.phones == client.phones)
        #expect(read.customFields == client.customFields)
    }

    /// `hasClients` is `clientCount() > 0`: clients an undo removed do not count.
    @Test(arguments: Backend.all)
    func aBaseHasClientsUntilItsLastOneIsUndone(_ backend: Backend) throws {
        let store = try BackendBase(backend).store
        #expect(try store.hasClients() == false)
        let source = BatchSource(fileName: "a", fileSHA256: "", ruleSet: "remonline", plugin: "", employeeID: 1)
        let batch = try store.transaction {
            let batch = try store.beginBatch(source)
            _ = try store.insertClient(Client(id: 0, name: "A"), batch: batch, sourceRow: 2)
            // Inside the transaction too: an import asks before its first row.
            #expect(try store.hasClients())
            try store.finishBatch(batch, counts: BatchCounts(rows: 1, created: 1))
            return batch
        }
        #expect(try store.hasClients())
        _ = try store.undo(batch: batch, employeeID: 1, comment: "undo")
        #expect(try store.hasClients() == false)
        #expect(try store.clientCount() == 0)
    }

    /// Emails compare with A-Z folded and nothing else, as SQLite's NOCASE does.
    @Test(arguments: Backend.all)
    func emailsCompareWithoutCaseOfASCIILettersOnly(_ backend: Backend) throws {
        let store = try BackendBase(backend).store
        try importBatch(store) { batch in
            var client = Client(id: 0, name: "É")
            client.email = "Élodie@Example.fr"
            _ = try store.insertClient(client, batch: batch, sourceRow: 2)
        }
        #expect(try store.firstClientID(withEmail: "Élodie@example.FR") == 1)
        #expect(try store.firstClientID(withEmail: "élodie@example.fr") == nil)
    }

    @Test(arguments: Backend.all)
    func probesInsideATransactionSeeTheBaseAndTheClientsItWrote(_ backend: Backend) throws {
        let store = try BackendBase(backend).store
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

    @Test(arguments: Backend.all)
    func insertsAndReadsBackEveryField(_ backend: Backend) throws {
        let store = try BackendBase(backend).store
        try store.addMarketingSources(["Google"])
        try store.addPriceTypes(["Retail", "Wholesale"])
        try store.addCustomField(CustomFieldDefinition(name: "Passport", type: .text))
        try store.addCustomField(CustomFieldDefinition(name: "Born", type: .date))
        var client = Client(id: 0, name: "Amélie")
        client.lastName = "Martin"
        client.phones = ["0612345678", "33145678901"]
        client.email = "amelie@example.fr"
        client.address = "1 rue \"Haute\"\\bis"
        client.juridical = true
        client.supplier = true
        client.conflicted = true
        client.notes = "line 1\nline 2\ttab"
        client.marketingSource = "Google"
        client.discountCard = "DC-1"
        client.discountGoods = ExactDecimal("10.5")
        client.discountServices = ExactDecimal("0")
        client.discountMaterials = ExactDecimal("99.9999")
        client.priceTypeSales = "Retail"
        client.priceTypeOrders = "Wholesale"
        client.customFields = ["Passport": "AB \"123\"\n456", "Born": "1990-02-01"]
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
        var all: [Client] = []
        try store.forEachClient { all.append($0) }
        #expect(all == [client])
        let history = try store.balanceHistory(clientID: id)
        #expect(history.map(\.comment) == ["Balance correction by import"])
        #expect(history.map(\.employee) == [ClientStores.administratorName])
        #expect(history.map(\.amount) == [ExactDecimal("-250.5")!])
    }

    @Test(arguments: Backend.all)
    func aFailedTransactionLeavesNothingBehind(_ backend: Backend) throws {
        let store = try BackendBase(backend).store
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
        // A dry run (commit: false) leaves nothing either, and the next batch takes the same number.
        try store.transaction(commit: false) {
            let batch = try store.beginBatch(BatchSource(fileName: "f", fileSHA256: "", ruleSet: "", plugin: "", employeeID: nil))
            _ = try store.insertClient(Client(id: 0, name: "A"), batch: batch, sourceRow: 2)
        }
        #expect(try store.clientCount() == 0)
        let batch = try importBatch(store) { batch in _ = try store.insertClient(Client(id: 0, name: "A"), batch: batch, sourceRow: 2) }
        #expect(batch == 1)
        #expect(try store.client(id: 1)?.name == "A")
    }

    @Test(arguments: Backend.all)
    func theLedgerIsAppendOnly(_ backend: Backend) throws {
        let base = try BackendBase(backend)
        let store = base.store
        let id = try store.transaction {
            let batch = try store.beginBatch(BatchSource(fileName: "f", fileSHA256: "", ruleSet: "", plugin: "", employeeID: nil))
            let id = try store.insertClient(Client(id: 0, name: "A"), batch: batch, sourceRow: 2)
            try store.appendBalanceCorrection(clientID: id, amount: ExactDecimal(5), comment: "c", batch: batch, employeeID: nil, sourceRow: 2)
            return id
        }
        #expect(base.execute("UPDATE balance_ledger SET amount = 0").contains("append-only"))
        #expect(base.execute("DELETE FROM balance_ledger").contains("append-only"))
        #expect(try store.client(id: id)?.balance == ExactDecimal(5))
    }

    @Test(arguments: Backend.all)
    func undoRestoresUpdatedClientsRemovesCreatedOnesAndReversesBalances(_ backend: Backend) throws {
        let store = try BackendBase(backend).store
        let first = try importBatch(store) { batch in
            let id = try store.insertClient(Client(id: 0, name: "Kept"), batch: batch, sourceRow: 2)
            try store.appendBalanceCorrection(clientID: id, amount: ExactDecimal(100), comment: "import", batch: batch, employeeID: 1, sourceRow: 2)
        }
        let before = try store.client(id: 1)
        let second = try importBatch(store) { batch in
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
        #expect(try store.firstClientID(withPhone: "123456") == nil)
        let ledger = try store.balanceHistory(clientID: 1)
        #expect(ledger.map(\.amount) == [ExactDecimal(100), ExactDecimal(-30), ExactDecimal(30)])
        #expect(try store.history().map(\.state) == [.imported, .undone, .done])
        #expect(try store.history().last?.undoesBatch == second)
        #expect(throws: StoreError.self) { try store.undo(batch: second, employeeID: 1, comment: "again") }
        #expect(throws: StoreError.self) { try store.undo(batch: 99, employeeID: 1, comment: "none") }
    }

    @Test(arguments: Backend.all)
    func aBalanceOnlyChangeStillTiesTheClientToItsBatch(_ backend: Backend) throws {
        let store = try BackendBase(backend).store
        let first = try importBatch(store) { batch in
            let id = try store.insertClient(Client(id: 0, name: "A"), batch: batch, sourceRow: 2)
            try store.appendBalanceCorrection(clientID: id, amount: ExactDecimal(10), comment: "c", batch: batch, employeeID: 1, sourceRow: 2)
        }
        let second = try importBatch(store) { batch in
            try store.appendBalanceCorrection(clientID: 1, amount: ExactDecimal(5), comment: "c", batch: batch, employeeID: 1, sourceRow: 2)
            try store.appendBalanceCorrection(clientID: 1, amount: ExactDecimal(1), comment: "c", batch: batch, employeeID: 1, sourceRow: 3)
        }
        #expect(throws: StoreError.self) { try store.undo(batch: first, employeeID: 1, comment: "undo") }
        try store.undo(batch: second, employeeID: 1, comment: "undo")
        #expect(try store.client(id: 1)?.balance == ExactDecimal(10))
        try store.undo(batch: first, employeeID: 1, comment: "undo")
        #expect(try store.clientCount() == 0)
    }

    @Test(arguments: Backend.all)
    func unicodeTextAndExactMoneyRoundTrip(_ backend: Backend) throws {
        let store = try BackendBase(backend).store
        var client = Client(id: 0, name: "")
        client.notes = "ünïcödé 📞 Кириллица 中文 \\N \t\r\n end"
        client.discountGoods = ExactDecimal(tenThousandths: 1)
        let largest = ExactDecimal(tenThousandths: Int64.max / 2)
        _ = try importBatch(store) { batch in
            let id = try store.insertClient(client, batch: batch, sourceRow: 2)
            try store.appendBalanceCorrection(clientID: id, amount: largest, comment: "ç", batch: batch, employeeID: 1, sourceRow: 2)
            try store.appendBalanceCorrection(clientID: id, amount: ExactDecimal(tenThousandths: 1), comment: "", batch: batch, employeeID: 1, sourceRow: 2)
        }
        let read = try #require(try store.client(id: 1))
        #expect(read.name == "")
        #expect(read.notes == client.notes)
        #expect(read.discountGoods == ExactDecimal(tenThousandths: 1))
        #expect(read.balance == ExactDecimal(tenThousandths: Int64.max / 2 + 1))
    }

    /// Each parameter's text buffer grows and is reused across rows.
    @Test(arguments: Backend.all)
    func textsOfChangingLengthsAreStoredWhole(_ backend: Backend) throws {
        let store = try BackendBase(backend).store
        let notes = ["short", String(repeating: "é📞x", count: 5_000), "", "b", String(repeating: "z", count: 40)]
        _ = try importBatch(store) { batch in
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

    @Test(arguments: Backend.all)
    func createdClientsAreJournalledAsRunsOfIDs(_ backend: Backend) throws {
        let base = try BackendBase(backend)
        let store = base.store
        let first = try importBatch(store) { batch in
            for name in ["A", "B", "C"] { _ = try store.insertClient(Client(id: 0, name: name), batch: batch, sourceRow: 2) }
            _ = try store.insertClient(Client(id: 10, name: "Own ID"), batch: batch, sourceRow: 5)
            _ = try store.insertClient(Client(id: 0, name: "After"), batch: batch, sourceRow: 6)
        }
        let second = try importBatch(store) { batch in
            _ = try store.insertClient(Client(id: 0, name: "D"), batch: batch, sourceRow: 2)
        }
        #expect(try base.rows("SELECT * FROM batch_created_clients ORDER BY 1, 2")
            == [["\(first)", "1", "3"], ["\(first)", "10", "11"], ["\(second)", "12", "12"]])
        #expect(try base.rows("SELECT COUNT(*) FROM batch_changes") == [["0"]])

        try store.undo(batch: first, employeeID: 1, comment: "undo")
        #expect(try store.clientCount() == 1)
        #expect(try store.client(id: 12)?.name == "D")
        let undo = try #require(try store.history().last)
        #expect(undo.counts == BatchCounts(rows: 5, created: 0, updated: 5, unchanged: 0, balanceCorrections: 0))
    }

    @Test(arguments: Backend.all)
    func undoRemovesAClientTheBatchCreatedAndThenUpdated(_ backend: Backend) throws {
        let store = try BackendBase(backend).store
        let batch = try importBatch(store) { batch in
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

    @Test(arguments: Backend.all)
    func theJournalKeepsWhereABatchCameFromAndWhatItDid(_ backend: Backend) throws {
        let store = try BackendBase(backend).store
        let counts = BatchCounts(rows: 3, created: 1, updated: 1, unchanged: 1, balanceCorrections: 2)
        try store.transaction {
            let batch = try store.beginBatch(BatchSource(fileName: "clients.xlsx", fileSHA256: "ab12", ruleSet: "remonline",
                                                         plugin: "google", employeeID: 1))
            try store.finishBatch(batch, counts: counts)
        }
        let batch = try #require(try store.history().first)
        #expect(batch.kind == .import)
        #expect(batch.state == .imported)
        #expect(batch.fileName == "clients.xlsx")
        #expect(batch.fileSHA256 == "ab12")
        #expect(batch.ruleSet == "remonline")
        #expect(batch.plugin == "google")
        #expect(batch.employee == ClientStores.administratorName)
        #expect(batch.counts == counts)
        #expect(batch.finishedAt != nil)
        #expect(batch.startedAt.hasSuffix("Z"))
    }

    @discardableResult
    /// A batch recorded before an upgrade added client fields keeps the earlier state without
    /// their keys: undo reads a missing key as the field's default instead of refusing the batch.
    @Test(arguments: Backend.all)
    func undoReadsAnEarlierStateWrittenBeforeFieldsWereAdded(_ backend: Backend) throws {
        let base = try BackendBase(backend)
        let store = base.store
        try store.addCustomField(CustomFieldDefinition(name: "Car model", type: .text))
        _ = try importBatch(store) { batch in
            _ = try store.insertClient(Client(id: 0, name: "Kept"), batch: batch, sourceRow: 2)
        }
        let second = try importBatch(store) { batch in
            var changed = try #require(try store.client(id: 1))
            let previous = changed
            changed.name = "Changed"
            changed.discountCard = "CARD-7"
            changed.customFields = ["Car model": "Lada"]
            try store.updateClient(changed, previous: previous, batch: batch, sourceRow: 2)
        }
        // What an older version wrote: only the keys it knew.
        #expect(base.execute("UPDATE batch_changes SET before_json = '{\"id\":1,\"name\":\"Kept\",\"phones\":[]}' WHERE batch_id = \(second)") == "")

        try store.undo(batch: second, employeeID: 1, comment: "undo")
        let restored = try #require(try store.client(id: 1))
        #expect(restored.name == "Kept")
        #expect(restored.discountCard == "")
        #expect(restored.customFields.isEmpty)
        #expect(restored.discountGoods == nil)
    }

    @Test func aClientsJSONRoundTripsAndMissingKeysTakeTheDefaults() throws {
        var client = Client(id: 7, name: "Anna")
        client.phones = ["79161234567"]
        client.juridical = true
        client.discountGoods = ExactDecimal(5)
        client.balance = ExactDecimal(-12)
        client.customFields = ["Birthday": "1990-02-03"]
        let json = try JSONEncoder().encode(client)
        #expect(try JSONDecoder().decode(Client.self, from: json) == client)
        #expect(try JSONDecoder().decode(Client.self, from: Data(#"{"id":7,"name":"Anna"}"#.utf8)) == Client(id: 7, name: "Anna"))
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Client.self, from: Data(#"{"id":7}"#.utf8)) }
    }

    private func importBatch(_ store: any ClientStore, _ body: (Int64) throws -> Void) throws -> Int64 {
        try store.transaction {
            let batch = try store.beginBatch(BatchSource(fileName: "f.xlsx", fileSHA256: "", ruleSet: "remonline", plugin: "", employeeID: 1))
            try body(batch)
            try store.finishBatch(batch, counts: BatchCounts())
            return batch
        }
    }
}
