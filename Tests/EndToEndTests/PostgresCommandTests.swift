import Foundation
import TestSupport
import Testing

/// Every command on a PostgreSQL base (issue 15), through the real binary against the test
/// server (`PostgresTestServer`), compared with the same steps on a SQLite base.
@Suite(.enabled(if: PostgresTestServer.casesRun, Comment(rawValue: PostgresTestServer.skipReason)))
struct PostgresCommandTests: BinaryInFolder {
    let folder: TemporaryDirectory
    /// The SQLite suite's helpers (`fillTheBase`, `views`), run in this folder.
    let steps: CopyCommandTests

    init() throws {
        steps = try CopyCommandTests()
        folder = steps.folder
    }

    /// A view with the times of day taken out: the same steps run a moment apart on two bases.
    func withoutTimes(_ text: String?) -> String? {
        text?.replacingOccurrences(of: #"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z?"#, with: "TIME", options: .regularExpression)
    }

    func templateCells(db: String) throws -> String {
        let file = folder.file("template-\(UUID().uuidString).xlsx")
        let made = try clientimport(["template", "-o", file], environment: ["CLIENTIMPORT_DB": db])
        #expect(made.status == 0, "\(made.standardError)")
        return try clientimport("inspect", file, "--format", "tsv").standardOutput
    }

    @Test func everyCommandAnswersAsOnSQLite() throws {
        let url = try PostgresTestServer.freshBaseURL(prefix: "e2e")
        try steps.fillTheBase()
        try steps.fillTheBase(db: url)
        let sqlite = try steps.views(of: database), postgres = try steps.views(of: url)
        #expect(sqlite.count == postgres.count)
        for (name, view) in sqlite {
            #expect(withoutTimes(postgres[name]) == withoutTimes(view), "\(name) differs")
        }
        #expect(postgres["clients"]?.contains("Marie-Chang") == true)
        #expect(try templateCells(db: url) == (try templateCells(db: database)))

        // The same undo on both: the same again.
        for db in [database, url] {
            let undo = try clientimport(["undo", "2", "--yes"], environment: ["CLIENTIMPORT_DB": db])
            #expect(undo.status == 0, "\(undo.standardError)")
        }
        let sqliteAfter = try steps.views(of: database), postgresAfter = try steps.views(of: url)
        for (name, view) in sqliteAfter {
            #expect(withoutTimes(postgresAfter[name]) == withoutTimes(view), "\(name) differs after undo")
        }
        #expect(postgresAfter["clients"] != postgres["clients"])

        // --db as well as $CLIENTIMPORT_DB.
        let listed = try clientimport(["clients", "list", "--format", "json", "--db", url])
        #expect(listed.status == 0 && listed.standardOutput == postgresAfter["clients"])
    }

    @Test func aMissingBaseIsExit74ForReadersAndADryRunCreatesNothing() throws {
        let url = try PostgresTestServer.freshBaseURL(prefix: "missing")
        for arguments in [["clients", "list"], ["history"], ["settings", "list"], ["export", "-o", folder.file("out.csv")], ["undo", "1", "--yes"]] {
            let result = try clientimport(arguments, environment: ["CLIENTIMPORT_DB": url])
            #expect(result.status == 74, "\(arguments): \(result.standardError)")
            #expect(result.standardError.contains("there is no client base in schema missing_"), "\(arguments): \(result.standardError)")
            #expect(result.standardError.contains("clientimport import FILE --db"))
        }
        let dryRun = try clientimport(["import", "\(repositoryRoot)/examples/clients.fr.xlsx", "--dry-run"], environment: ["CLIENTIMPORT_DB": url])
        #expect(dryRun.status == 0, "\(dryRun.standardError)")
        let template = try clientimport(["template", "-o", folder.file("t.xlsx")], environment: ["CLIENTIMPORT_DB": url])
        #expect(template.status == 0, "\(template.standardError)")
        #expect(try clientimport(["clients", "list"], environment: ["CLIENTIMPORT_DB": url]).status == 74)
        let schema = String(url[url.range(of: "schema=")!.upperBound...])
        #expect(try schemaExists(schema) == false)

        // A first import that is rejected leaves no schema either.
        let bad = try folder.write("bad.csv", CopyCommandTests.header + "\n;;not a phone;;;;;;;;;;;;;;;;\n")
        #expect(try clientimport(["import", bad], environment: ["CLIENTIMPORT_DB": url]).status == 1)
        #expect(try schemaExists(schema) == false)
        #expect(try clientimport(["import", "\(repositoryRoot)/examples/clients.fr.xlsx"], environment: ["CLIENTIMPORT_DB": url]).status == 0)
        #expect(try schemaExists(schema))
    }

    func schemaExists(_ schema: String) throws -> Bool {
        let result = try Interop.run("psql", [try PostgresTestServer.requireURL(), "-tAc",
                                              "SELECT count(*) FROM pg_namespace WHERE nspname = '\(schema)'"])
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "1"
    }

    @Test func aWrongPasswordIsExit74WithoutThePassword() throws {
        let good = try PostgresTestServer.requireURL()
        let components = try #require(URLComponents(string: good))
        let password = try #require(components.password)
        let wrong = good.replacingOccurrences(of: ":\(password)@", with: ":not-\(password)-either@")
        let result = try clientimport(["clients", "list", "--db", wrong])
        #expect(result.status == 74, "\(result.standardError)")
        #expect(result.standardError.contains("password"), "\(result.standardError)")
        #expect(!(result.standardError + result.standardOutput).contains(password))
    }

    @Test func aCopyToPostgreSQLAndBackReadsTheSameAndUndoWorksOnIt() throws {
        let url = try PostgresTestServer.freshBaseURL(prefix: "copy")
        try steps.fillTheBase()
        let toServer = try clientimport("copy", "--from", database, "--to", url)
        #expect(toServer.status == 0, "\(toServer.standardError)")
        let back = folder.file("back.sqlite")
        let fromServer = try clientimport("copy", "--from", url, "--to", back)
        #expect(fromServer.status == 0, "\(fromServer.standardError)")
        let sqlite = try steps.views(of: database), postgres = try steps.views(of: url), again = try steps.views(of: back)
        for (name, view) in sqlite {
            #expect(postgres[name] == view, "\(name) differs on PostgreSQL")
            #expect(again[name] == view, "\(name) differs after the way back")
        }
        // Not into a base that is not new.
        let twice = try clientimport("copy", "--from", database, "--to", url)
        #expect(twice.status == 73, "\(twice.standardError)")
        #expect(twice.standardError.contains("is not new"))

        for db in [database, url] {
            let undo = try clientimport(["undo", "2", "--yes"], environment: ["CLIENTIMPORT_DB": db])
            #expect(undo.status == 0, "\(undo.standardError)")
        }
        let sqliteAfter = try steps.views(of: database), postgresAfter = try steps.views(of: url)
        for name in ["export.csv", "export.xlsx", "clients"] {
            #expect(postgresAfter[name] == sqliteAfter[name], "\(name) differs after undo")
        }
    }

    /// Four rows each, with phones of their own: no file's clients meet another's.
    func files(_ count: Int) throws -> [String] {
        try (0..<count).map { file in
            let rows = (0..<4).map { row in ";Client \(file)-\(row);3361234\(file)\(row)00;;;;;;;;;;;;;;;\(file + row)" }
            let header = CopyCommandTests.header.replacingOccurrences(of: ";Passeport", with: "")
            return try folder.write("part\(file).csv", header + "\n" + rows.joined(separator: "\n") + "\n")
        }
    }

    /// Runs the imports at once; a busy one (exit 75) is run again.
    func importAtOnce(_ jobs: [(file: String, db: String)]) throws -> [Int32] {
        let statuses = Statuses(count: jobs.count)
        DispatchQueue.concurrentPerform(iterations: jobs.count) { index in
            for _ in 0..<5 {
                let status = (try? clientimport(["import", jobs[index].file, "--quiet"],
                                                environment: ["CLIENTIMPORT_DB": jobs[index].db, "CLIENTIMPORT_BUSY_TIMEOUT": "30"]))?.status ?? -1
                statuses.set(index, status)
                if status != 75 { break }
            }
        }
        return statuses.all
    }

    @Test func fourProcessesImportIntoOneBaseAndIntoFourBasesAtOnce() throws {
        let parts = try files(4)
        let url = try PostgresTestServer.freshBaseURL(prefix: "together")
        #expect(try importAtOnce(parts.map { ($0, url) }) == [0, 0, 0, 0])
        let history = try clientimport(["history", "--format", "json"], environment: ["CLIENTIMPORT_DB": url])
        #expect(history.status == 0)
        #expect(history.standardOutput.components(separatedBy: "\"kind\":\"import\"").count - 1 == 4, "\(history.standardOutput)")
        let clients = try clientimport(["export", "-o", folder.file("all.csv")], environment: ["CLIENTIMPORT_DB": url])
        #expect(clients.status == 0)
        let exported = try String(contentsOfFile: folder.file("all.csv"), encoding: .utf8)
        for file in 0..<4 { for row in 0..<4 { #expect(exported.contains("Client \(file)-\(row)")) } }

        let urls = try (0..<4).map { _ in try PostgresTestServer.freshBaseURL(prefix: "apart") }
        #expect(try importAtOnce(zip(parts, urls).map { ($0, $1) }) == [0, 0, 0, 0])
        for (index, url) in urls.enumerated() {
            let listed = try clientimport(["clients", "list"], environment: ["CLIENTIMPORT_DB": url])
            #expect(listed.status == 0 && listed.standardOutput.contains("Client \(index)-3"))
        }
    }
}

/// Exit statuses written by several threads.
private final class Statuses: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Int32]

    init(count: Int) { values = Array(repeating: -1, count: count) }

    func set(_ index: Int, _ value: Int32) { lock.withLock { values[index] = value } }

    var all: [Int32] { lock.withLock { values } }
}
