import ClientBase
import Foundation
import Importer
import TestSupport
import Workbook

/// A fresh base in a temporary folder, with the real rules and real files.
final class ImportFixture {
    let folder: TemporaryDirectory
    let store: SQLiteClientStore
    var databasePath: String { folder.file("base.sqlite") }

    /// The French template's headers, in order.
    static let frenchHeaders = frenchTemplateHeaders
    static let columnIndex = Dictionary(uniqueKeysWithValues: RuleSet.fieldKeys.enumerated().map { ($1, $0) })

    init() throws {
        folder = try TemporaryDirectory()
        store = try SQLiteClientStore(path: folder.file("base.sqlite"))
    }

    /// A data row of the French template from field keys (`["name": "Jean"]`) and custom fields
    /// appended after Balance.
    static func row(_ fields: [String: String], custom: [String] = []) -> [String] {
        var cells = Array(repeating: "", count: frenchHeaders.count)
        for (key, value) in fields { cells[columnIndex[key]!] = value }
        return cells + custom
    }

    /// Writes an XLSX workbook with the French headers (plus `extraHeaders`) and `rows`.
    func workbook(_ name: String = "clients.xlsx", rows: [[String]], extraHeaders: [String] = [],
                  headers: [String] = ImportFixture.frenchHeaders) throws -> String {
        let path = folder.file(name)
        let writer = try XLSXWriter(path: path)
        try writer.beginSheet(SheetLayout(name: "Clients"))
        try writer.write(row: (headers + extraHeaders).map { OutputCell(.text($0), style: .header) })
        for row in rows {
            try writer.write(row: row.map { OutputCell($0.isEmpty ? .empty : .text($0)) })
        }
        try writer.endSheet()
        try writer.close()
        return path
    }

    func run(_ path: String, _ configure: (inout ImportOptions) -> Void = { _ in }) throws -> ImportReport {
        var options = ImportOptions()
        configure(&options)
        return try ImportPipeline(store: store, searchPath: SearchPath(roots: [repositoryRoot]), options: options).run(path: path)
    }

    func export(_ name: String = "export.xlsx", language: String = "fr", csv: CSVStyle = CSVStyle()) throws -> String {
        let path = folder.file(name)
        let engine = try RuleEngine(ruleSet: "remonline", searchPath: SearchPath(roots: [repositoryRoot]))
        try TemplateExporter(engine: engine, catalog: try store.catalog()).export(store, to: path, language: language, csv: csv)
        return path
    }

    /// Every row of a workbook as display texts.
    func cells(of path: String) throws -> [[String]] {
        let reader = try WorkbookFile.openRows(path: path)
        var rows: [[String]] = []
        while let row = try reader.nextRow() { rows.append(row.cells.map(\.displayText)) }
        return rows
    }

    func allClients() throws -> [Client] {
        var clients: [Client] = []
        try store.forEachClient { clients.append($0) }
        return clients
    }

    /// The base's bytes on disk: the database file and its write-ahead log.
    func databaseBytes() throws -> Data {
        let wal = (try? Data(contentsOf: URL(fileURLWithPath: databasePath + "-wal"))) ?? Data()
        return try Data(contentsOf: URL(fileURLWithPath: databasePath)) + wal
    }
}
