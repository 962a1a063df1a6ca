import ClientBase
import Foundation
@testable import Importer
import TestSupport
import Testing

/// A plugin that declares `parallel = true` has its batches mapped by two states of it at once,
/// taken in turn (`PluginBatches`, `PluginMapper.parallelBatchRows` rows each): the import must be what one state gives — the same clients,
/// messages, cells named, row limit and first error — and a plugin that does not declare it has
/// every row mapped in order in one state.
@Suite struct PluginParallelTests {
    let fixture: ImportFixture
    let userRoot: TemporaryDirectory

    /// Maps `Name;Phone;Note` and names each client after how many rows its state has mapped
    /// (state a cache may not keep; here it shows which state mapped a row). A Note of "skip"
    /// skips the row, "warn" warns, "fail" raises, "loop" runs past the instruction budget,
    /// "nested" returns a bad shape, "reject" rejects.
    static func plugin(parallel: Bool?) -> String {
        """
        local mapped = 0
        return {
          name = "counting",
          \(parallel.map { "parallel = \($0)," } ?? "")
          detect = function(headers) return headers[1] == "Name" and 1 or 0, "Name first" end,
          map = function(row, ctx)
            mapped = mapped + 1
            if row.Note == "skip" then return clientimport.skip("asked to") end
            if row.Note == "reject" then return clientimport.reject("refused on row " .. ctx.row) end
            if row.Note == "warn" then ctx.warn("warned on row " .. ctx.row) end
            if row.Note == "fail" then error("map failed here") end
            if row.Note == "loop" then while true do end end
            if row.Note == "nested" then return { name = row.Name, phone = { { row.Phone } } } end
            return { name = row.Name, phone = row.Phone, notes = "mapped #" .. mapped }
          end,
        }
        """
    }

    init() throws {
        fixture = try ImportFixture()
        userRoot = try TemporaryDirectory()
    }

    /// `count` data rows (rows 2…count + 1); `notes[row]` is that row's Note, `phones[row]` its
    /// phone in place of a valid one.
    private func run(parallel: Bool?, rows count: Int, notes: [Int: String] = [:], phones: [Int: String] = [:],
                     limit: ImportOptions.RowLimit = .unlimited) throws -> ImportReport {
        try userRoot.write("plugins/counting.lua", Self.plugin(parallel: parallel))
        var csv = "Name;Phone;Note\n"
        for row in 2...(count + 1) {
            csv += "Client \(row);\(phones[row] ?? "+33 6 12 \(String(format: "%06d", row))");\(notes[row] ?? "")\n"
        }
        let path = try fixture.folder.write("export.csv", csv)
        var options = ImportOptions()
        options.plugin = .named("counting")
        options.language = "en"
        options.rowLimit = limit
        return try ImportPipeline(store: fixture.store, searchPath: SearchPath(roots: [userRoot.path, repositoryRoot]),
                                  options: options).run(path: path)
    }

    /// The same file's outcome with and without `parallel`, each into a base of its own.
    private func both(rows count: Int, notes: [Int: String] = [:], phones: [Int: String] = [:],
                      limit: ImportOptions.RowLimit = .unlimited) throws -> (one: Result<ImportReport, any Error>, two: Result<ImportReport, any Error>) {
        // An error names the plugin's file: each run's under its own folder.
        func named(_ result: Result<ImportReport, any Error>, _ root: TemporaryDirectory) -> Result<ImportReport, any Error> {
            result.mapError { PrintedError(text: "\($0)".replacingOccurrences(of: root.path, with: "ROOT"), type: "\(type(of: $0))") }
        }
        let one = named(Result { try run(parallel: false, rows: count, notes: notes, phones: phones, limit: limit) }, userRoot)
        let other = try PluginParallelTests()
        let two = named(Result { try other.run(parallel: true, rows: count, notes: notes, phones: phones, limit: limit) }, other.userRoot)
        // Both bases hold the same clients (none when the file was refused).
        #expect(try other.fixture.allClients().map(\.name).sorted() == (try fixture.allClients().map(\.name).sorted()))
        if (try? two.get().status) != .imported { #expect(try other.fixture.store.clientCount() == 0) }
        return (one, two)
    }

    private func notesByName() throws -> [String: String] {
        Dictionary(uniqueKeysWithValues: try fixture.allClients().map { ($0.name, $0.notes) })
    }

    @Test func aPluginThatDoesNotDeclareItMapsEveryRowInOrderInOneState() throws {
        let count = PluginMapper.batchRows * 3 + 250
        for parallel in [nil, false] as [Bool?] {
            let fresh = try PluginParallelTests()
            let report = try fresh.run(parallel: parallel, rows: count)
            #expect(report.status == .imported, "\(report.errors)")
            let notes = try fresh.notesByName()
            #expect(notes.count == count)
            for row in 2...(count + 1) where notes["Client \(row)"] != "mapped #\(row - 1)" {
                Issue.record("row \(row) was mapped as \(notes["Client \(row)"] ?? "nothing"), not as the \(row - 1)th row of one state")
                break
            }
        }
    }

    @Test func aPluginThatDeclaresItHasAlternateBatchesMappedByTwoStates() throws {
        let count = PluginMapper.batchRows * 3 + 250
        let report = try run(parallel: true, rows: count)
        #expect(report.status == .imported, "\(report.errors)")
        #expect(report.counts.created == count)
        let notes = try notesByName()
        let size = PluginMapper.parallelBatchRows
        for row in 2...(count + 1) {
            // Batch b (0-based) goes to state b % 2, which has mapped b / 2 batches before it.
            let batch = (row - 2) / size, within = (row - 2) % size
            let expected = "mapped #\(batch / 2 * size + within + 1)"
            if notes["Client \(row)"] != expected {
                Issue.record("row \(row) was mapped as \(notes["Client \(row)"] ?? "nothing"), expected \(expected)")
                break
            }
        }
    }

    @Test func theEngineGivesTwoMappersOnlyToAPluginThatDeclaresItUnderChecksWithoutLua() throws {
        let engine = try RuleEngine(ruleSet: "remonline", searchPath: SearchPath(roots: [userRoot.path, repositoryRoot]))
        func mappers(_ plugin: Plugin, engine: RuleEngine) throws -> [PluginMapper] {
            let checker = try engine.checker(language: "en", catalog: Catalog(), options: RuleOptions())
            return try engine.mappers(plugin, checker: checker, headers: ["Name"], language: "en", catalog: Catalog(), options: RuleOptions())
        }
        let google = try engine.plugin("google-contacts")
        let two = try mappers(google, engine: engine)
        #expect(two.count == 2)
        #expect(two[0].plugin.lua !== two[1].plugin.lua)
        #expect(two[0].plugin.name == two[1].plugin.name)
        for parallel in [nil, false] as [Bool?] {
            try userRoot.write("plugins/counting.lua", Self.plugin(parallel: parallel))
            #expect(try mappers(try engine.plugin("counting"), engine: engine).count == 1)
        }
        // A rule set with code of its own checks in its one Lua state: one mapper.
        try userRoot.write("rules/coded/ruleset.lua", """
            local base = require("remonline.ruleset")
            local rules = {} for key, value in pairs(base) do rules[key] = value end
            rules.name = "coded"
            rules.validate_row = function(fields, ctx) end
            return rules
            """)
        let coded = try RuleEngine(ruleSet: "coded", searchPath: SearchPath(roots: [userRoot.path, repositoryRoot]))
        #expect(try mappers(try coded.plugin("google-contacts"), engine: coded).count == 1)
    }

    @Test func messagesCellsAndCountsAreThoseOfOneState() throws {
        let size = PluginMapper.parallelBatchRows
        let count = size * 8 + 300
        // Problems in the first worker's batches (0-based 0, 2, 4…) and the second's (1, 3, 5…):
        // row r is in batch (r - 2) / size.
        let notes = [5: "warn", size + 400: "warn", size + 450: "skip", 2 * size + 40: "warn", 3 * size + 499: "skip", count + 1: "warn"]
        let phones = [7: "12", size + 402: "not a phone", 3 * size + 10: "+33 6", 6 * size: "++"]
        let (one, two) = try both(rows: count, notes: notes, phones: phones)
        let first = try one.get(), second = try two.get()
        #expect(first.status == .rejected)
        #expect(first.errors.map(\.row).contains(size + 402), "\(first.errors)")
        #expect(second.errors == first.errors)
        #expect(second.warnings == first.warnings)
        #expect(second.counts == first.counts)
        #expect(second.skipped == first.skipped)
        // The bad phone of the second worker's batch is named in the user's file.
        let named = try #require(second.errors.first { $0.row == size + 402 })
        #expect(named.column == "Phone")
        #expect(named.cell == "B\(size + 402)")
        #expect(named.field == "Phone number")
    }

    @Test func aValidFileGivesTheSameBaseAndReport() throws {
        let count = PluginMapper.batchRows * 2 + 1
        let notes = [3: "warn", PluginMapper.batchRows + 3: "warn"]
        let (one, two) = try both(rows: count, notes: notes)
        let first = try one.get(), second = try two.get()
        #expect(first.status == .imported)
        #expect(second.status == .imported)
        #expect(second.warnings == first.warnings)
        #expect(second.counts == first.counts)
    }

    @Test(arguments: ["fail", "loop", "nested", "reject"])
    func aBadRowInTheSecondWorkersBatchEndsTheImportAsWithOneState(note: String) throws {
        let size = PluginMapper.parallelBatchRows
        let count = size * 12
        // In the second worker's first batch and a later one; in the first worker's fifth.
        for row in [size + 20, size * 7 + 7, size * 4 + 100] {
            let (one, two) = try both(rows: count, notes: [row: note])
            switch (one, two) {
            case (.failure(let first), .failure(let second)):
                #expect("\(second)" == "\(first)")
                #expect((second as? PrintedError)?.type == "RuleError")
                #expect("\(second)".contains("row \(row)"), "\(second)")
            case (.success(let first), .success(let second)):
                #expect(first.status == .rejected)
                #expect(second.errors == first.errors)
                #expect(second.counts == first.counts)
                #expect(second.errors.map(\.row) == [row], "\(second.errors)")
            default:
                Issue.record("one state gave \(one), two gave \(two)")
            }
        }
    }

    @Test func rowsOverTheLimitAreCountedAsWithOneState() throws {
        let size = PluginMapper.parallelBatchRows
        let count = size * 7 + 100
        for limit in [size + 200, size * 2, size * 5 - 1, 10] {
            let (one, two) = try both(rows: count, limit: .rows(limit))
            let first = try one.get(), second = try two.get()
            #expect(second.status == .rejected)
            #expect(second.counts == first.counts)
            #expect(second.counts.rows == count)
            #expect(second.errors == first.errors)
            #expect(second.errors.map(\.row) == [limit + 2])
        }
    }

    /// The import stops taking batches (an error while storing, say): dropping `PluginBatches`
    /// wakes the thread waiting for its turn and stops both, whatever each was doing.
    @Test func droppingTheBatchesMidFileStopsBothThreads() throws {
        try userRoot.write("plugins/counting.lua", Self.plugin(parallel: true))
        let engine = try RuleEngine(ruleSet: "remonline", searchPath: SearchPath(roots: [userRoot.path, repositoryRoot]))
        let headers = ["Name", "Phone", "Note"]
        let mappers = try engine.mappers(try engine.plugin("counting"), checker: try engine.checker(language: "en", catalog: Catalog(), options: RuleOptions()),
                                         headers: headers, language: "en", catalog: Catalog(), options: RuleOptions())
        #expect(mappers.count == 2)
        let reader = PluginRowReader(sheetName: "export", headers: headers,
                                     rows: (2...(PluginMapper.parallelBatchRows * 40)).map { ["Client \($0)", "+33 6 12 \(String(format: "%06d", $0))", ""] })
        _ = try reader.nextRow()
        var batches: PluginBatches? = PluginBatches(rows: reader, mappers: mappers, rowLimit: nil)
        let first = try #require(try batches?.next())
        #expect(first.batch?.rows.map(\.number) == Array(2...(PluginMapper.parallelBatchRows + 1)))
        let second = try #require(try batches?.next())
        #expect(second.batch?.rows.first?.number == PluginMapper.parallelBatchRows + 2)
        batches = nil
        // Both threads are gone: the states are this thread's again, and the reader stopped
        // short of the end.
        #expect(try reader.nextRow() != nil)
        #expect(try mappers[1].map([(cells: ["Client", "+33 6 12 000001", ""], number: 2)]).rows.count == 1)
    }

    @Test func parallelMustBeABoolean() throws {
        try userRoot.write("plugins/counting.lua", Self.plugin(parallel: nil).replacingOccurrences(
            of: "local mapped = 0\nreturn {", with: "local mapped = 0\nreturn {\n  parallel = \"yes\","))
        let engine = try RuleEngine(ruleSet: "remonline", searchPath: SearchPath(roots: [userRoot.path, repositoryRoot]))
        #expect { try engine.plugin("counting") } throws: { error in
            "\(error)".contains("`parallel` must be true or false (it is a string)")
        }
    }
}

/// An error as printed, with its type's name.
private struct PrintedError: Error, CustomStringConvertible {
    var text: String
    var type: String
    var description: String { "\(type): \(text)" }
}
