import ClientBase
import Foundation
import Importer
import PropertyBased
import TestSupport
import Testing

/// Undo restores the base as it was before the batch, whatever the batch did: random bases,
/// random batches of updates, balance changes, phones, custom fields, new clients and
/// duplicates under every `--on-duplicate` policy. An older batch whose clients a newer batch
/// touched is refused, changing nothing, until the newer one is undone.
@Suite struct UndoPropertyTests {
    @Test func undoRestoresTheBaseBeforeTheBatch() async throws {
        try Self.undoRestores(seed: 822_297_286_655_262_801) // drew a batch with no row at all
        await propertyCheck(count: 12, input: Gen.uint64(in: 0...UInt64.max)) { seed in
            do {
                try Self.undoRestores(seed: seed)
            } catch {
                Issue.record("seed \(seed): \(error)")
            }
        }
    }

    /// What the property test found first: a batch updated a client by its ID, then merged a
    /// new row into it (`--on-duplicate update`); the journal kept the state between the two,
    /// and undo restored that instead of the state before the batch.
    @Test func aClientChangedTwiceInOneBatchIsRestoredToItsStateBeforeTheBatch() throws {
        let fixture = try ImportFixture()
        var original = Client(id: 0, name: "Jean")
        original.phones = ["33612345678"]
        original.notes = "avant"
        original.balance = ExactDecimal(10)
        try Self.seed(fixture, [original])
        let before = try Self.snapshot(fixture)
        for policy in ImportOptions.DuplicatePolicy.allCases {
            let report = try fixture.run(try fixture.workbook("twice-\(policy).xlsx", rows: [
                ImportFixture.row(["id": "1", "name": "Jean A", "notes": "première", "phone": "33612345678", "balance": "20"]),
                ImportFixture.row(["name": "Jean B", "notes": "seconde", "phone": "33612345678, 33698765432", "balance": "30"]),
            ], extraHeaders: ["Appareil", "Points", "Né le", "VIP"])) { $0.onDuplicate = policy }
            #expect(report.status == .imported, "\(policy): \(report.errors)")
            try fixture.store.undo(batch: try #require(report.batch), employeeID: 1, comment: "undo")
            Self.expectSame(try Self.snapshot(fixture), before, seed: 0, step: "--on-duplicate \(policy)")
        }
    }

    /// The rule for an older batch under a newer one: refused, naming the newer batch and
    /// changing nothing, while the newer batch stands; exact once it is undone. A newer batch
    /// that touched other clients does not stand in the way, and its change stays.
    @Test func anOlderBatchWhoseClientsANewerOneChangedIsRefusedUntilTheNewerIsUndone() throws {
        let fixture = try ImportFixture()
        var jean = Client(id: 0, name: "Jean")
        jean.notes = "avant"
        try Self.seed(fixture, [jean, Client(id: 0, name: "Marie")])
        let before = try Self.snapshot(fixture)
        let extra = ["Appareil", "Points", "Né le", "VIP"]
        let older = try fixture.run(try fixture.workbook("older.xlsx", rows: [ImportFixture.row(["id": "1", "name": "Jean", "notes": "A"])], extraHeaders: extra))
        let other = try fixture.run(try fixture.workbook("other.xlsx", rows: [ImportFixture.row(["id": "2", "name": "Marie", "balance": "5"])], extraHeaders: extra))
        let newer = try fixture.run(try fixture.workbook("newer.xlsx", rows: [ImportFixture.row(["id": "1", "name": "Jean", "notes": "A", "balance": "12.5"])], extraHeaders: extra))
        let (olderBatch, otherBatch, newerBatch) = (try #require(older.batch), try #require(other.batch), try #require(newer.batch))

        let held = try fixture.databaseBytes()
        #expect {
            try fixture.store.undo(batch: olderBatch, employeeID: 1, comment: "undo")
        } throws: { error in
            guard let error = error as? StoreError, error.kind == .conflict else { return false }
            return error.message.contains("later batch \(newerBatch) changed the same clients") && !error.message.contains("\(otherBatch),")
        }
        #expect(try fixture.databaseBytes() == held)

        try fixture.store.undo(batch: newerBatch, employeeID: 1, comment: "undo")
        try fixture.store.undo(batch: olderBatch, employeeID: 1, comment: "undo")
        var expected = before
        expected[1].balance = ExactDecimal(5) // the other batch stands
        Self.expectSame(try Self.snapshot(fixture), expected, seed: 0, step: "older after newer")
        #expect(throws: StoreError.self) { try fixture.store.undo(batch: olderBatch, employeeID: 1, comment: "undo") }
    }

    /// The base's clients with their phones, custom fields and balances.
    static func snapshot(_ fixture: ImportFixture) throws -> [Client] { try fixture.allClients() }

    static func seed(_ fixture: ImportFixture, _ clients: [Client]) throws {
        try RoundTripPropertyTests.configure(fixture.store)
        try fixture.store.transaction {
            let batch = try fixture.store.beginBatch(BatchSource(fileName: "seed", fileSHA256: "", ruleSet: "remonline", plugin: "", employeeID: 1))
            for client in clients {
                let id = try fixture.store.insertClient(client, batch: batch, sourceRow: nil)
                if !client.balance.isZero {
                    try fixture.store.appendBalanceCorrection(clientID: id, amount: client.balance, comment: "seed", batch: batch, employeeID: 1, sourceRow: nil)
                }
            }
        }
    }

    /// A random batch file against `fixture`'s base: rows of its export changed, rows of
    /// `others` (another random base's export) as updates of existing IDs or as new clients,
    /// some sharing a phone with an existing client. Each ID at most once.
    static func batchFile(_ name: String, for fixture: ImportFixture, others: [[String]], random: inout SplitMix64) throws -> String {
        let exported = try fixture.cells(of: try fixture.export("\(name)-base.xlsx"))
        let header = exported[0]
        var existing = Array(exported.dropFirst())
        let id = ImportFixture.columnIndex["id"]!, phone = ImportFixture.columnIndex["phone"]!
        let balance = ImportFixture.columnIndex["balance"]!
        shuffle(&existing, &random)
        var rows: [[String]] = []
        var others = others
        shuffle(&others, &random)
        func pad(_ row: [String]) -> [String] { row + Array(repeating: "", count: max(0, header.count - row.count)) }
        for row in existing where random.int(in: 0...2) > 0 {
            var row = pad(row)
            switch random.int(in: 0...3) {
            case 0: // balance change only
                row[balance] = RoundTripPropertyTests.decimal(&random, wholeDigits: 8, decimals: 4).description
            case 1: // every field replaced by another client's
                guard var other = others.popLast().map(pad) else { continue }
                other[id] = row[id]
                row = other
            case 2: // phones, balance and a custom field changed
                row[phone] = (0..<random.int(in: 0...3)).map { _ in "33" + String(random.int(in: 100_000_000...999_999_999)) }.joined(separator: ", ")
                row[balance] = random.int(in: 0...1) == 0 ? "" : "0"
                if header.count > balance + 1 { row[balance + 1] = "iPhone \(random.int(in: 1...20))" }
            default: // unchanged
                break
            }
            rows.append(row)
        }
        for _ in 0..<random.int(in: 0...5) {
            guard var other = others.popLast().map(pad) else { break }
            other[id] = ""
            // A new client sharing a phone with an existing one: created, skipped or merged.
            if random.int(in: 0...1) == 0, !existing.isEmpty, case let shared = pad(existing[random.int(in: 0...(existing.count - 1))]), !shared[phone].isEmpty {
                other[phone] = shared[phone]
            }
            rows.append(other)
        }
        // A file with a header and no row is refused (nothing to import), so a batch keeps one.
        if rows.isEmpty, let row = existing.first { rows.append(pad(row)) }
        shuffle(&rows, &random)
        return try fixture.workbook("\(name).xlsx", rows: rows, extraHeaders: Array(header.dropFirst(ImportFixture.frenchHeaders.count)))
    }

    static func undoRestores(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let fixture = try ImportFixture()
        try Self.seed(fixture, (0..<random.int(in: 1...12)).map { _ in RoundTripPropertyTests.randomClient(&random) })
        let others = try ImportFixture()
        try Self.seed(others, (0..<random.int(in: 5...15)).map { _ in RoundTripPropertyTests.randomClient(&random) })
        let otherRows = Array(try others.cells(of: try others.export()).dropFirst())

        let before = try Self.snapshot(fixture)
        let policy = ImportOptions.DuplicatePolicy.allCases[random.int(in: 0...2)]
        let first = try fixture.run(try batchFile("first", for: fixture, others: otherRows, random: &random)) { $0.onDuplicate = policy }
        #expect(first.status == .imported, "seed \(seed): \(first.errors.prefix(3))")
        guard let firstBatch = first.batch else { return }
        let afterFirst = try snapshot(fixture)

        // A second batch touching the same clients: the first cannot be undone before it.
        let second = try fixture.run(try batchFile("second", for: fixture, others: otherRows, random: &random)) { $0.onDuplicate = policy }
        #expect(second.status == .imported, "seed \(seed): \(second.errors.prefix(3))")
        guard let secondBatch = second.batch else { return }
        if second.counts.updated + second.counts.balanceCorrections > 0 {
            let touched = try fixture.databaseBytes()
            do {
                try fixture.store.undo(batch: firstBatch, employeeID: 1, comment: "undo")
                // Allowed only when the second batch touched none of the first batch's clients.
            } catch let error as StoreError {
                #expect(error.kind == .conflict && error.message.contains("later batch \(secondBatch)"), "seed \(seed): \(error)")
                #expect(try fixture.databaseBytes() == touched, "seed \(seed): a refused undo changed the base")
                try fixture.store.undo(batch: secondBatch, employeeID: 1, comment: "undo")
                Self.expectSame(try snapshot(fixture), afterFirst, seed: seed, step: "undo of the second batch")
                try fixture.store.undo(batch: firstBatch, employeeID: 1, comment: "undo")
            }
            // Either order left the first batch undone; undo what remains of the second.
            if try fixture.store.history().first(where: { $0.id == secondBatch })?.state == .imported {
                try fixture.store.undo(batch: secondBatch, employeeID: 1, comment: "undo")
            }
        } else {
            try fixture.store.undo(batch: secondBatch, employeeID: 1, comment: "undo")
            Self.expectSame(try snapshot(fixture), afterFirst, seed: seed, step: "undo of the second batch")
            try fixture.store.undo(batch: firstBatch, employeeID: 1, comment: "undo")
        }
        Self.expectSame(try snapshot(fixture), before, seed: seed, step: "undo of both batches")
        #expect(try fixture.store.integrityCheck() == ["ok"])
    }

    static func expectSame(_ after: [Client], _ before: [Client], seed: UInt64, step: String) {
        #expect(after.map(\.id) == before.map(\.id), "seed \(seed), \(step): clients \(before.map(\.id)) became \(after.map(\.id))")
        for (a, b) in zip(after, before) {
            #expect(a == b, "seed \(seed), \(step): \(b) became \(a)")
        }
    }
}
/// Fisher–Yates with the seeded generator (the seed alone reproduces a failing batch).
private func shuffle<T>(_ items: inout [T], _ random: inout SplitMix64) {
    guard items.count > 1 else { return }
    for index in stride(from: items.count - 1, to: 0, by: -1) {
        items.swapAt(index, random.int(in: 0...index))
    }
}
