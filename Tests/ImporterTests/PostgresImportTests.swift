import ClientBase
import Foundation
import Importer
import TestSupport
import Testing
import Workbook

/// The importer through `ClientStore` on PostgreSQL gives what it gives on SQLite: the same
/// clients, balances and journal, so the same export.
@Suite(.enabled(if: PostgresTestServer.casesRun, Comment(rawValue: PostgresTestServer.skipReason)))
struct PostgresImportTests {
    @Test func theExampleFileImportsAlikeIntoPostgreSQLAndSQLite() throws {
        let folder = try TemporaryDirectory()
        let sqlite = try SQLiteClientStore(path: folder.file("base.sqlite"))
        let postgres = try PostgresClientStore(url: PostgresTestServer.freshBaseURL(prefix: "import"))
        let example = repositoryRoot + "/examples/clients.fr.xlsx"

        for (index, store) in [sqlite, postgres as any ClientStore].enumerated() {
            let first = try run(example, into: store)
            #expect(first.status == .imported, "\(first.errors)")
            #expect(first.counts.created > 0)
            // The same file again, merged into the clients it duplicates: the update path.
            let second = try run(example, into: store) { $0.onDuplicate = .update }
            #expect(second.status == .imported, "\(second.errors)")
            // And a third, undone: the journal's undo path.
            let third = try run(example, into: store) { $0.onDuplicate = .create }
            try store.undo(batch: try #require(third.batch), employeeID: 1, comment: "Undo \(index)")
        }

        #expect(try postgres.clientCount() == sqlite.clientCount())
        #expect(try clients(of: postgres) == clients(of: sqlite))
        for client in try clients(of: sqlite) {
            #expect(try postgres.balanceHistory(clientID: client.id).map(\.amount) == sqlite.balanceHistory(clientID: client.id).map(\.amount))
        }
        func journal(_ store: any ClientStore) throws -> [String] {
            try store.history().map { "\($0.id) \($0.kind) \($0.state) \($0.fileName) \($0.fileSHA256) \($0.counts) \(String(describing: $0.undoesBatch))" }
        }
        #expect(try journal(postgres) == journal(sqlite))
        #expect(try journal(sqlite).count == 4)
        #expect(try postgres.catalog() == sqlite.catalog())

        let exported = try [sqlite, postgres as any ClientStore].enumerated().map { index, store in
            let path = folder.file("export-\(index).xlsx")
            let engine = try RuleEngine(ruleSet: "remonline", searchPath: SearchPath(roots: [repositoryRoot]))
            try TemplateExporter(engine: engine, catalog: try store.catalog()).export(store, to: path, language: "fr")
            return try cells(of: path)
        }
        #expect(try exported[0].count == sqlite.clientCount() + 1)
        #expect(exported[1] == exported[0])
    }

    /// A file that mixes new clients, updates by ID and duplicates within the file (of clients
    /// the PostgreSQL store has not sent yet, and of older ones), with texts COPY must escape:
    /// the same reports, clients, ledgers, journal and export as on SQLite.
    @Test func newClientsUpdatesAndDuplicatesWithinAFileImportAlike() throws {
        let folder = try TemporaryDirectory()
        let sqlite = try SQLiteClientStore(path: folder.file("base.sqlite"))
        let postgres = try PostgresClientStore(url: PostgresTestServer.freshBaseURL(prefix: "bulk"))
        let awkward = ["tab\there", "back\\slash", "new\nline", "Ünïcødé 📞 €", "\\N", "\\."]
        // Rows of ID, name, phone, email, notes, balance, in the template's columns.
        func csv(_ rows: [[String]]) -> String {
            let header = "Client ID,Name,Phone number,Address,Email,Last name,Company,Supplier,Conflicted,Notes,Marketing source,"
                + "Discount card,Discount on goods in sales,Discount on services in orders and invoices,"
                + "Discount on goods/materials in orders and invoices,Price type in sales,Price type in orders and invoices,Balance"
            let lines = rows.map { r in
                [r[0], r[1], r[2], "", r[3], "", "", "", "", r[4], "", "", "", "", "", "", "", r[5]]
                    .map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: ",")
            }
            return ([header] + lines).joined(separator: "\r\n") + "\r\n"
        }
        // First file: 1,500 new clients; every 11th repeats an earlier row's phone, every 7th an
        // earlier row's email in other capitals (warnings naming the first client).
        var first: [[String]] = []
        for n in 1...1_500 {
            let phone = n % 11 == 0 ? "+33 61\(String(format: "%07d", n / 2))" : "+33 6 1\(String(format: "%07d", n))"
            let email = n % 7 == 0 ? "C\(n / 3)@EXAMPLE.com" : "c\(n)@example.com"
            first.append(["", "Client \(n) \(awkward[n % awkward.count])", phone, email, "note \(n)\n\(awkward[(n + 1) % awkward.count])",
                          n % 2 == 0 ? "\(n).5" : ""])
        }
        // Second file, merged into duplicates: updates by ID, new clients, rows that duplicate a
        // client created earlier in this file (an update of a client not sent yet) or an old one.
        var second: [[String]] = []
        for n in 1...300 { second.append(["\(n)", "Renamed \(n)\t\(awkward[n % awkward.count])", "", "", "changed \(n)", "\(n * 3)"]) }
        for n in 1...400 {
            second.append(["", "Fresh \(n)", "+44 20 7\(String(format: "%03d", n)) 0000", "fresh\(n)@example.org", "", n % 3 == 0 ? "-\(n)" : ""])
            if n % 5 == 0 { second.append(["", "Again \(n)", "+44 20 7\(String(format: "%03d", n)) 0000", "", "again \\ \(n)", "\(n)"]) }
            if n % 9 == 0 { second.append(["", "Old again \(n)", "", "C\(n + 400)@example.COM", "", ""]) }
        }
        try csv(first).write(toFile: folder.file("first.csv"), atomically: true, encoding: .utf8)
        try csv(second).write(toFile: folder.file("second.csv"), atomically: true, encoding: .utf8)

        var reports: [[String]] = [[], []]
        for (index, store) in [sqlite, postgres as any ClientStore].enumerated() {
            let one = try run(folder.file("first.csv"), into: store)
            #expect(one.status == .imported, "\(one.errors.prefix(3))")
            let two = try run(folder.file("second.csv"), into: store) { $0.onDuplicate = .update }
            #expect(two.status == .imported, "\(two.errors.prefix(3))")
            reports[index] = [one, two].map { "\($0.counts) skipped \($0.skipped) warnings \($0.warnings)" }
        }
        #expect(reports[1] == reports[0])
        #expect(reports[0][0].contains("belongs to client"))
        #expect(try postgres.clientCount() == sqlite.clientCount())
        #expect(try clients(of: postgres) == clients(of: sqlite))
        for client in try clients(of: sqlite) {
            #expect(try postgres.balanceHistory(clientID: client.id).map { "\($0.amount) \($0.comment) \(String(describing: $0.batch))" }
                    == sqlite.balanceHistory(clientID: client.id).map { "\($0.amount) \($0.comment) \(String(describing: $0.batch))" })
        }
        #expect(try postgres.history().map { "\($0.id) \($0.state) \($0.counts)" } == sqlite.history().map { "\($0.id) \($0.state) \($0.counts)" })
        let exported = try [sqlite, postgres as any ClientStore].enumerated().map { index, store in
            let path = folder.file("export-\(index).xlsx")
            let engine = try RuleEngine(ruleSet: "remonline", searchPath: SearchPath(roots: [repositoryRoot]))
            try TemplateExporter(engine: engine, catalog: try store.catalog()).export(store, to: path, language: "en")
            return try cells(of: path)
        }
        #expect(exported[1] == exported[0])
        // Undo of the second import restores the same clients on both.
        for store in [sqlite, postgres as any ClientStore] { try store.undo(batch: 2, employeeID: 1, comment: "undo") }
        #expect(try clients(of: postgres) == clients(of: sqlite))
    }

    private func run(_ path: String, into store: any ClientStore, _ configure: (inout ImportOptions) -> Void = { _ in }) throws -> ImportReport {
        var options = ImportOptions()
        configure(&options)
        return try ImportPipeline(store: store, searchPath: SearchPath(roots: [repositoryRoot]), options: options).run(path: path)
    }

    private func clients(of store: any ClientStore) throws -> [Client] {
        var clients: [Client] = []
        try store.forEachClient { clients.append($0) }
        return clients
    }

    private func cells(of path: String) throws -> [[String]] {
        let reader = try WorkbookFile.openRows(path: path)
        var rows: [[String]] = []
        while let row = try reader.nextRow() { rows.append(row.cells.map(\.displayText)) }
        return rows
    }
}
