import ClientBase
import Foundation
@testable import Importer
import TestSupport
import Testing

/// A plugin import maps and checks its rows on a thread of its own, a batch at a time, while the
/// import's thread stores the batches already mapped (`PluginBatches`): over several batches the
/// outcome is the file's, in the file's order, as when one thread did everything.
@Suite struct PluginBatchesTests {
    let fixture: ImportFixture
    let userRoot: TemporaryDirectory

    /// Maps `Name;Phone;Note`; a Note of "skip" skips the row, "warn" warns, "fail" raises.
    static let plugin = """
        return {
          name = "batches",
          detect = function(headers) return headers[1] == "Name" and 1 or 0, "Name first" end,
          map = function(row, ctx)
            if row.Note == "skip" then return clientimport.skip("asked to") end
            if row.Note == "warn" then ctx.warn("warned on row " .. ctx.row) end
            if row.Note == "fail" then error("map failed here") end
            return { name = row.Name, phone = row.Phone }
          end,
        }
        """

    init() throws {
        fixture = try ImportFixture()
        userRoot = try TemporaryDirectory()
        try userRoot.write("plugins/batches.lua", Self.plugin)
    }

    /// `count` data rows (rows 2…count + 1); `notes[row]` is that row's Note.
    private func run(rows count: Int, notes: [Int: String] = [:], limit: ImportOptions.RowLimit = .unlimited) throws -> ImportReport {
        var csv = "Name;Phone;Note\n"
        for row in 2...(count + 1) { csv += "Client \(row);+33 6 12 \(String(format: "%06d", row));\(notes[row] ?? "")\n" }
        let path = try fixture.folder.write("export.csv", csv)
        var options = ImportOptions()
        options.plugin = .named("batches")
        options.language = "en"
        options.rowLimit = limit
        return try ImportPipeline(store: fixture.store, searchPath: SearchPath(roots: [userRoot.path, repositoryRoot]),
                                  options: options).run(path: path)
    }

    @Test func rowsOfEveryBatchAreStoredWithTheirNotesInTheFilesOrder() throws {
        let count = PluginMapper.batchRows * 2 + 500
        let notes = [5: "warn", 1_500: "skip", 1_800: "warn", count + 1: "warn"]
        let report = try run(rows: count, notes: notes)
        #expect(report.status == .imported, "\(report.errors)")
        #expect(report.counts.rows == count)
        #expect(report.counts.created == count - 1)
        #expect(report.skipped == 1)
        #expect(report.warnings.map(\.row) == [5, 1_500, 1_800, count + 1])
        #expect(report.warnings[2].message == "warned on row 1800")
        let clients = try fixture.allClients()
        #expect(clients.count == count - 1)
        #expect(Set(clients.map(\.name)).count == count - 1)
        #expect(!clients.contains { $0.name == "Client 1500" })
    }

    @Test func rowsOverTheLimitAreCountedAndTheFirstIsNamedWhateverItsBatch() throws {
        let count = PluginMapper.batchRows * 2 + 500
        let report = try run(rows: count, limit: .rows(PluginMapper.batchRows + 200))
        #expect(report.status == .rejected)
        #expect(report.counts.rows == count)
        // Row 1 is the headers: the first row over a limit of 1,200 data rows is row 1,202.
        #expect(report.errors.map(\.row) == [PluginMapper.batchRows + 202])
        #expect(try fixture.store.clientCount() == 0)
    }

    @Test func aMapThatFailsInALaterBatchUndoesTheBatchesStoredBefore() throws {
        let failing = PluginMapper.batchRows * 2 + 10
        #expect(throws: RuleError.self) { try run(rows: PluginMapper.batchRows * 3, notes: [failing: "fail"]) }
        do {
            _ = try run(rows: PluginMapper.batchRows * 3, notes: [failing: "fail"])
        } catch let error as RuleError {
            #expect(error.description.contains("on row \(failing)"), "\(error)")
            #expect(error.description.contains("map failed here"), "\(error)")
        }
        #expect(try fixture.store.clientCount() == 0)
    }
}
