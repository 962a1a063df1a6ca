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
