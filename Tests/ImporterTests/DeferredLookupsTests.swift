@testable import ClientBase
import Foundation
@testable import Importer
import Testing

/// An import into a base without clients defers the email index and the phone lookup
/// (`DeferredKeys`, `SQLiteClientStore.beginDeferredLookups`). Each test imports the same file
/// into two new bases, one deferring and one not (`defersLookups`), and requires the same report
/// and the same base: clients, phone lookup, indexes.
@Suite struct DeferredLookupsTests {
    /// How the deferring import is made to take its rarer paths.
    enum Variant: String, CaseIterable, Sendable, CustomTestStringConvertible {
        /// The whole file deferred.
        case plain
        /// Every tag the same or one of two: each probe confirms candidates against stored rows.
        case collidingTags
        /// 256 tags in one probe chain (in 16-bit tables when the reader reports the file under
        /// 3% read at a later batch: a small file is often read whole by then, so
        /// `aProbeAnswersTheLowestConfirmedIDWhateverTheSlotOrder` tests those tables directly).
        case collidingSizedTags
        /// A budget of a few dozen keys: the look-ups are built mid-file and the import goes on.
        case smallBudget
        var testDescription: String { rawValue }

        func configure(_ options: inout ImportOptions) {
            switch self {
            case .plain: break
            case .collidingTags: options.deferredKeyTagMask = 0x1
            case .collidingSizedTags: options.deferredKeyTagMask = 0xFF
            case .smallBudget: options.deferredKeyBytes = 1024
            }
        }
    }

    /// Rows with duplicates by phone and by e-mail: of the first row, on the last row, within a
    /// batch and across batches (1,000 rows each), e-mails in another case, a client's number
    /// given twice.
    static func rows(count: Int) -> [[String]] {
        (0..<count).map { index in
            var fields = ["name": "Client \(index)", "phone": "+33 6 \(10 + index / 10_000) \(String(format: "%02d %02d", index / 100 % 100, index % 100)) 00",
                          "email": "client\(index)@example.fr"]
            switch index {
            case 3: fields["phone"] = "+33 6 10 00 00 00"  // row 0's number
            case 5: fields["email"] = "CLIENT0@Example.FR"
            case 7: fields["phone"] = "+33 6 99 99 99 99, +33 6 99 99 99 99"
            case 11: fields["phone"] = "+33 6 99 99 99 99"; fields["email"] = "client5@example.fr"
            case count / 2: fields["phone"] = "+33 6 10 00 04 00, +33 6 10 00 06 00"; fields["email"] = "Client6@example.fr"
            case count - 1: fields["phone"] = "+33 6 10 00 00 00"; fields["email"] = "CLIENT3@EXAMPLE.FR"
            default: break
            }
            return ImportFixture.row(fields)
        }
    }

    /// One import into a new base; the report and what the base holds afterwards.
    static func importRows(_ rows: [[String]], defers: Bool, policy: ImportOptions.DuplicatePolicy,
                           _ configure: (inout ImportOptions) -> Void = { _ in }) throws -> (ImportReport, BaseContents) {
        let fixture = try ImportFixture()
        let report = try fixture.run(try fixture.workbook(rows: rows)) { options in
            options.rowLimit = .unlimited
            options.onDuplicate = policy
            options.defersLookups = defers
            configure(&options)
        }
        return (report, try BaseContents(fixture.store))
    }

    @Test(arguments: Variant.allCases, DuplicateCase.allCases)
    func aDeferredImportFindsTheSameDuplicatesAndLeavesTheSameBase(variant: Variant, policy: DuplicateCase) throws {
        // Colliding tags confirm every candidate against the base: fewer rows keep it quick.
        let rows = Self.rows(count: variant == .collidingTags ? 120 : 2_300)
        let (normal, normalBase) = try Self.importRows(rows, defers: false, policy: policy.option)
        let (deferred, deferredBase) = try Self.importRows(rows, defers: true, policy: policy.option, variant.configure)
        #expect(normal.status == .imported)
        let duplicateWarnings = normal.warnings.filter { $0.message.contains("appartient déjà") }
        #expect(duplicateWarnings.count >= 5)
        #expect(duplicateWarnings.contains { $0.row == rows.count + 1 })
        #expect(deferred.warnings == normal.warnings)
        #expect(deferred.errors == normal.errors)
        #expect(deferred.counts == normal.counts && deferred.skipped == normal.skipped)
        #expect(deferredBase == normalBase)
        #expect(deferredBase.integrity == "ok")
    }

    /// A row with the ID of a client the file created updates it: the deferral ends there (a
    /// client's keys change) and the rows after it are probed by the store.
    @Test func anUpdateOfAClientTheFileCreatedEndsTheDeferralWithTheSameOutcome() throws {
        var rows = Self.rows(count: 1_500)
        rows[700] = ImportFixture.row(["id": "4", "name": "Client 3", "phone": "+33 6 55 55 55 55", "email": "client3@example.fr"])
        rows[900] = ImportFixture.row(["name": "X", "phone": "+33 6 55 55 55 55"])
        rows[901] = ImportFixture.row(["name": "Y", "phone": "+33 6 10 00 04 00"])
        let (normal, normalBase) = try Self.importRows(rows, defers: false, policy: .create)
        let (deferred, deferredBase) = try Self.importRows(rows, defers: true, policy: .create)
        #expect(normal.counts.updated == 1)
        #expect(normal.warnings.contains { $0.row == 902 && $0.message.contains("appartient déjà au client 4") })
        #expect(normal.warnings.contains { $0.row == 903 && $0.message.contains("appartient déjà au client 5") })
        #expect(deferred.warnings == normal.warnings)
        #expect(deferred.counts == normal.counts)
        #expect(deferredBase == normalBase)
    }

    /// The look-ups are built, then something fails before COMMIT: the base is as it was (no
    /// client, the index there, the lookup empty), and the next import into it works.
    @Test func aFailureAfterTheLookupsAreBuiltLeavesTheBaseAsItWas() throws {
        struct Interrupted: Error {}
        let fixture = try ImportFixture()
        let before = try BaseContents(fixture.store)
        let path = try fixture.workbook(rows: Self.rows(count: 1_200))
        #expect(throws: Interrupted.self) {
            try fixture.run(path) { options in
                options.rowLimit = .unlimited
                options.afterDeferredLookupsBuilt = { throw Interrupted() }
            }
        }
        #expect(try fixture.store.clientCount() == 0)
        #expect(try BaseContents(fixture.store) == before)
        #expect(before.indexes.contains { $0.contains("clients_email_nocase") })

        let report = try fixture.run(path) { $0.rowLimit = .unlimited }
        #expect(report.status == .imported && report.counts.created == 1_200)
        #expect(try fixture.store.firstClientID(withEmail: "CLIENT2@example.fr") == 3)
        #expect(try fixture.store.firstClientID(withPhone: "33610000000") == 1)
    }

    /// A rejected file and a dry run roll back with the index and the lookup as they were.
    @Test(arguments: [false, true])
    func aRejectedOrDryRunImportLeavesTheLookups(dryRun: Bool) throws {
        let fixture = try ImportFixture()
        let before = try BaseContents(fixture.store)
        var rows = Self.rows(count: 1_100)
        if !dryRun { rows[1_050] = ImportFixture.row(["name": "", "email": "z@example.fr"]) }
        let report = try fixture.run(try fixture.workbook(rows: rows)) { options in
            options.rowLimit = .unlimited
            options.dryRun = dryRun
        }
        #expect(report.status == (dryRun ? .checked : .rejected))
        #expect(try BaseContents(fixture.store) == before)
        #expect(try fixture.store.clientCount() == 0)
    }

    /// Into a base that has clients nothing is deferred: the email index stays in place through
    /// the whole import (looked for on the importing connection after each batch), and the
    /// probes find the base's own clients. Into a new base the same look shows it dropped.
    @Test func aBaseWithClientsTakesTheStoresProbes() throws {
        let fixture = try ImportFixture()
        let intoNewBase = EmailIndexWatch(fixture.store)
        _ = try fixture.run(try fixture.workbook("first.xlsx", rows: Self.rows(count: 1_500))) { options in
            options.rowLimit = .unlimited
            options.progress = { _ in intoNewBase.look() }
        }
        #expect(intoNewBase.looks >= 2 && intoNewBase.missing >= 1)

        let intoFullBase = EmailIndexWatch(fixture.store)
        let rows = [ImportFixture.row(["name": "B", "phone": "+33 6 10 00 00 00"])]
            + (0..<1_500).map { ImportFixture.row(["name": "C\($0)", "email": "c\($0)@example.fr"]) }
        let report = try fixture.run(try fixture.workbook("second.xlsx", rows: rows)) { options in
            options.rowLimit = .unlimited
            options.progress = { _ in intoFullBase.look() }
        }
        #expect(intoFullBase.looks >= 2 && intoFullBase.missing == 0)
        #expect(report.warnings.contains { $0.row == 2 && $0.message.contains("appartient déjà au client 1") })
        #expect(try BaseContents(fixture.store).integrity == "ok")
    }

    /// Whether the email index exists, seen from the importing connection (the import's own
    /// transaction) each time `look` is called from its progress callback, on its thread.
    final class EmailIndexWatch: @unchecked Sendable {
        let store: SQLiteClientStore
        private(set) var looks = 0
        private(set) var missing = 0
        init(_ store: SQLiteClientStore) { self.store = store }
        func look() {
            looks += 1
            let found = (try? BaseContents.rows(store, "SELECT name FROM sqlite_master WHERE name = 'clients_email_nocase'")) ?? []
            if found.isEmpty { missing += 1 }
        }
    }

    @Test func emailsAreTheSameButForASCIICaseOnly() {
        #expect(DeferredKeys.sameEmail("Jean.D@Example.FR", "jean.d@example.fr"))
        #expect(!DeferredKeys.sameEmail("élan@x.fr", "Élan@x.fr"))
        #expect(!DeferredKeys.sameEmail("a@x.fr", "a@x.fra"))
        #expect(!DeferredKeys.sameEmail("a@x.fr", "b@x.fr"))
        // '@' (0x40) and '`' (0x60) differ by the case bit but are not letters.
        #expect(!DeferredKeys.sameEmail("a@x", "a`x"))
    }

    @Test func theKeyTableGrowsWithoutItsKeysAndFindsEveryEntryAfterNarrowing() {
        let hash = { (id: UInt32) in StoredKeyFilter.hash(String(id), kind: 1, foldCase: false) }
        var table = KeyTable<UInt64>(capacity: 8)
        for id in UInt32(1)...5_000 { table.add(hash: hash(id), id: id) }
        #expect(table.count == 5_000 && table.capacity > 6_250)
        let narrow = KeyTable<UInt16>(table, capacity: 7_000)
        #expect(narrow.count == 5_000 && narrow.bytes == 7_000 * 6)
        for id in UInt32(1)...5_000 {
            #expect(table.lowest(hash: hash(id)) { $0 == id } == id)
            #expect(narrow.lowest(hash: hash(id)) { $0 == id } == id)
        }
        // The same hash many times: every entry is offered, in the order added.
        var same = KeyTable<UInt64>(capacity: 8)
        for id in UInt32(1)...50 { same.add(hash: 7, id: id) }
        var offered: [UInt32] = []
        #expect(same.lowest(hash: 7) { offered.append($0); return false } == nil)
        #expect(offered == Array(1...50))
    }

    /// A probe answers the lowest confirmed ID, wherever the entries sit in the run of slots.
    /// Once a table is grown or sized its entries are placed again slot by slot, so a later
    /// client's entry for another key with the same tag (a client that has this key too, as a
    /// second phone) can come before the key's own first client: it must not be the answer.
    @Test func aProbeAnswersTheLowestConfirmedIDWhateverTheSlotOrder() {
        // One tag (bits 32–47) and one home slot for both keys; they differ in the low bits.
        let own: UInt64 = 0x0000_7A7A_6000_0000, other: UInt64 = 0x0000_7A7A_6000_0001
        for wide in [false, true] {
            func check<Tag: KeyTag>(_ table: inout KeyTable<Tag>) {
                table.add(hash: other, id: 900)  // the later client's entry first in the run
                table.add(hash: own, id: 10)
                var confirmed: [UInt32] = []
                #expect(table.lowest(hash: own) { confirmed.append($0); return true } == 10)
                #expect(confirmed.contains(10))
                #expect(table.lowest(hash: own) { $0 == 900 } == (Tag.self == UInt16.self ? 900 : nil))
            }
            if wide { var table = KeyTable<UInt64>(capacity: 8); check(&table) } else { var table = KeyTable<UInt16>(capacity: 8); check(&table) }
        }
    }
}

/// What a base holds that the deferred path writes differently: every client, the phone
/// lookup's rows, the email index's entries in its order, the indexes' definitions.
struct BaseContents: Equatable {
    var clients: [String] = []
    var phoneLookup: [String] = []
    var emailIndex: [String] = []
    var indexes: [String] = []
    var integrity = ""

    init(_ store: SQLiteClientStore) throws {
        try store.forEachClient { clients.append("\($0)") }
        phoneLookup = try Self.rows(store, "SELECT number || ' ' || client_id FROM client_phone_lookup ORDER BY number, client_id")
        emailIndex = try Self.rows(store, "SELECT id || ' ' || email FROM clients INDEXED BY clients_email_nocase WHERE email <> '' ORDER BY email COLLATE NOCASE, id")
        indexes = try Self.rows(store, "SELECT name || ': ' || COALESCE(sql, '') FROM sqlite_master WHERE type = 'index' ORDER BY name")
        integrity = try Self.rows(store, "PRAGMA integrity_check").joined(separator: "\n")
    }

    static func rows(_ store: SQLiteClientStore, _ sql: String) throws -> [String] {
        let statement = try store.connection.statement(sql)
        var rows: [String] = []
        while try statement.step() { rows.append(statement.text(0)) }
        return rows
    }
}
