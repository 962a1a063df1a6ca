import ClientBase
import Foundation
import TestSupport
import Testing

/// A killed import leaves the base as it was; two imports at once do not corrupt it.
@Suite(.serialized) struct CrashSafetyTests {
    let folder: TemporaryDirectory
    var database: String { folder.file("clients.sqlite") }

    init() throws {
        folder = try TemporaryDirectory()
    }

    /// A CSV in the English template layout with `rows` new clients, phoned at `phoneBase` + row.
    func bigFile(_ name: String, rows: Int, prefix: String, phoneBase: Int = 33_600_000_000) throws -> String {
        var text = "Client ID,Name,Phone number,Address,Email,Last name,Company,Supplier,Conflicted,Notes,Marketing source,Discount card,Discount on goods in sales,Discount on services in orders and invoices,Discount on goods/materials in orders and invoices,Price type in sales,Price type in orders and invoices,Balance\n"
        text.reserveCapacity(rows * 120)
        for index in 1...rows {
            text += ",\(prefix) \(index),\(phoneBase + index),\(index) rue de la Paix,\(prefix.lowercased())\(index)@example.fr,Dupont,,,,note \(index),,,5,,,,,\(index % 100).25\n"
        }
        return try folder.write(name, text)
    }

    /// Starts `clientimport import FILE` into `db` (this suite's base when nil), its output dropped.
    func startImport(_ file: String, db: String? = nil, timeoutSeconds: String = "60") throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: clientimportBinary())
        process.arguments = ["import", file, "--db", db ?? database, "--max-rows", "unlimited", "--quiet", "--format", "json"]
        process.environment = ProcessInfo.processInfo.environment.merging(["CLIENTIMPORT_BUSY_TIMEOUT": timeoutSeconds]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Waits until the importer holds the base's write lock (its transaction has begun), then
    /// `delay` more. `probe` is a store on the base with a busy timeout of 0 (this suite's base
    /// when nil).
    func waitUntilMidway(after delay: TimeInterval = 0, while process: Process, probe: (any ClientStore)? = nil) throws {
        let probe = try probe ?? SQLiteClientStore(path: database, busyTimeoutSeconds: 0)
        while process.isRunning {
            do {
                try probe.transaction(commit: false) {}
            } catch let error as StoreError where error.kind == .busy {
                break
            }
            usleep(2_000)
        }
        if delay > 0 && process.isRunning { usleep(useconds_t(delay * 1_000_000)) }
    }

    func clientCount() throws -> Int {
        try SQLiteClientStore(path: database).clientCount()
    }

    /// CI kills 3 imports of 15,000 rows; `scripts/crash-test.sh` sets these for the long run
    /// (20 kills during a 100,000-row import).
    static let rounds = Int(ProcessInfo.processInfo.environment["CLIENTIMPORT_KILL_ROUNDS"] ?? "") ?? 3
    static let rows = Int(ProcessInfo.processInfo.environment["CLIENTIMPORT_KILL_ROWS"] ?? "") ?? 15_000

    @Test func aKilledImportLeavesTheBaseAsItWas() throws {
        let seed = try bigFile("seed.csv", rows: 50, prefix: "Seed")
        #expect(try runProcess(clientimportBinary(), ["import", seed, "--db", database, "--quiet"]).status == 0)
        let big = try bigFile("big.csv", rows: Self.rows, prefix: "Big")
        var killedMidwayCount = 0
        var random = SystemRandomNumberGenerator()
        // A debug build imports about 7,000 rows a second: kill anywhere from the lock to the end.
        // (The page cache holds a small import's changes until the commit, so the WAL's growth
        // cannot tell how far an import has gone.)
        let span = Double(Self.rows) / 7_000
        for round in 0..<Self.rounds {
            let delay = round == 0 ? 0 : Double.random(in: 0...span, using: &random)
            let process = try startImport(big)
            try waitUntilMidway(after: delay, while: process)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let store = try SQLiteClientStore(path: database)
            #expect(try store.integrityCheck() == ["ok"])
            let count = try store.clientCount()
            let history = try store.history()
            // A process still running may have committed already (it was writing its summary):
            // what the base holds, not whether the process had ended, tells the two apart.
            if history.count == 1 {
                killedMidwayCount += 1
                #expect(count == 50, "killed \(delay) s after the lock")
            } else {
                // The import finished before the kill: all of it is there, and the journal says so.
                #expect(count == 50 + Self.rows)
                #expect(history.last?.counts.created == Self.rows)
                return
            }
        }
        #expect(killedMidwayCount > 0, "every import finished before it could be killed")
    }

    /// The temporary files of new bases at `database` (`.clients.sqlite-XXXXXXXX.new` and SQLite's
    /// files beside them).
    func temporaryFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".clients.sqlite-") }.sorted()
    }

    /// A first import killed while it builds the new base cannot remove its temporary file; the
    /// next import into that path does, and leaves alone one that a running import still holds.
    @Test func theNextImportRemovesWhatAKilledFirstImportLeft() throws {
        let big = try bigFile("big.csv", rows: Self.rows, prefix: "Big")
        let process = try startImport(big)
        let deadline = Date().addingTimeInterval(60)
        while try temporaryFiles().isEmpty && process.isRunning && Date() < deadline { usleep(2_000) }
        usleep(200_000)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try #require(!FileManager.default.fileExists(atPath: database), "the import finished before it could be killed")
        #expect(try temporaryFiles().contains { $0.hasSuffix(".new") })

        // One that a live process holds (this one, through its own flock) stays.
        let held = folder.file(".clients.sqlite-HELDHELD.new")
        let descriptor = open(held, O_RDWR | O_CREAT, 0o644)
        defer { close(descriptor) }
        #expect(flock(descriptor, LOCK_EX) == 0)

        let seed = try bigFile("seed.csv", rows: 3, prefix: "Seed")
        #expect(try runProcess(clientimportBinary(), ["import", seed, "--db", database, "--quiet"]).status == 0)
        #expect(try clientCount() == 3)
        #expect(try temporaryFiles() == [".clients.sqlite-HELDHELD.new"])
    }

    @Test func aSecondImportWaitsForTheFirstOrFailsClearlyAfterItsTimeout() throws {
        let first = try bigFile("first.csv", rows: 8_000, prefix: "First")
        let second = try bigFile("second.csv", rows: 10, prefix: "Second")
        // The base exists first, so the write lock the probe sees is the import's, not the
        // first process creating the schema (after which, a moment later, the import begins).
        _ = try SQLiteClientStore(path: database)
        let running = try startImport(first)
        try waitUntilMidway(while: running)
        let impatient = try runProcess(clientimportBinary(), ["import", second, "--db", database],
                                       environment: ["CLIENTIMPORT_BUSY_TIMEOUT": "0.2"])
        // An export meanwhile reads the last committed state: the import is not visible yet.
        let exported = folder.file("during.csv")
        let export = try runProcess(clientimportBinary(), ["export", "-o", exported, "--db", database, "--lang", "en"])
        let firstStillRunning = running.isRunning
        let patient = try runProcess(clientimportBinary(), ["import", second, "--db", database, "--quiet"],
                                     environment: ["CLIENTIMPORT_BUSY_TIMEOUT": "120"])
        running.waitUntilExit()
        #expect(running.terminationStatus == 0)
        if firstStillRunning {
            #expect(impatient.status == 75)
            #expect(impatient.standardError.contains("busy"))
        }
        #expect(patient.status == 0, "\(patient.standardError)")
        #expect(export.status == 0, "\(export.standardError)")
        if firstStillRunning {
            #expect(export.standardOutput.contains("Exported 0 clients"))
        }
        let store = try SQLiteClientStore(path: database)
        #expect(try store.integrityCheck() == ["ok"])
        #expect(try store.clientCount() == 8_000 + 10 + (impatient.status == 0 ? 10 : 0))
    }
}
