import Foundation
import TestSupport
import Testing

/// Two `clientimport serve` processes on two ports over one PostgreSQL base (issue 15): what one
/// knows — sessions, sign-in failures, uploads waiting, imports — the other knows, because it
/// lives in the base (and, for the files of waiting uploads, in one shared `--files-folder`).
/// Real processes, real HTTP (curl), the test server (`PostgresTestServer`).
@Suite(.enabled(if: PostgresTestServer.casesRun, Comment(rawValue: PostgresTestServer.skipReason)))
struct PostgresServeTests {
    let folder: TemporaryDirectory
    let url: String
    static let password = "correct horse battery"

    init() throws {
        folder = try TemporaryDirectory()
        url = try PostgresTestServer.freshBaseURL(prefix: "serve")
        let set = try runProcess(clientimportBinary(), ["employees", "password", "Administrator", "--db", url], input: Self.password + "\n")
        #expect(set.status == 0, "\(set.standardError)")
    }

    /// A running `serve` and its address.
    final class Server {
        let process: Process
        let address: String
        let name: String

        /// Starts `serve` on a free port in its own folder `name` and waits for its "Listening on" line.
        init(_ name: String, db: String, in folder: TemporaryDirectory, arguments: [String] = []) throws {
            self.name = name
            let home = folder.file(name)
            try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
            process = Process()
            process.executableURL = URL(fileURLWithPath: clientimportBinary())
            // The URL names the sessions of each process in pg_stat_activity (`application_name`).
            process.arguments = ["serve", "--db", db + "&application_name=serve-\(name)", "--port", "0"] + arguments
            process.currentDirectoryURL = URL(fileURLWithPath: home)
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle(forWritingAtPath: try folder.write("\(name).stderr", ""))
            try process.run()
            var text = ""
            while !text.contains("\n") {
                let data = output.fileHandleForReading.availableData
                if data.isEmpty { break }
                text += String(decoding: data, as: UTF8.self)
            }
            guard let range = text.range(of: "Listening on ") else {
                process.waitUntilExit()
                let error = (try? String(contentsOfFile: folder.file("\(name).stderr"), encoding: .utf8)) ?? ""
                throw Interop.Failure(description: "serve \(name) did not start (exit \(process.terminationStatus)): \(text)\(error)")
            }
            address = String(text[range.upperBound...].prefix { !$0.isNewline })
        }

        deinit {
            if process.isRunning {
                process.terminate()
                process.waitUntilExit()
            }
        }
    }

    /// One browser: a cookie jar shared by every request, whichever server it goes to.
    struct Browser {
        let folder: TemporaryDirectory
        let jar: String

        init(_ folder: TemporaryDirectory, name: String) throws {
            self.folder = folder
            jar = try folder.write("\(name).cookies", "")
        }

        /// The status and body of a request; `form` is sent url-encoded, `file` as multipart
        /// with the `form` fields beside it. Redirects are not followed.
        func request(_ address: String, _ path: String, form: [(String, String)]? = nil, file: String? = nil,
                     headers: [String] = []) throws -> (status: Int, body: String) {
            let body = folder.file("body-\(UUID().uuidString)")
            var arguments = ["-sS", "-b", jar, "-c", jar, "-o", body, "-w", "%{http_code}"]
            for header in headers { arguments += ["-H", header] }
            if let file {
                arguments += ["-F", "file=@\(file)"]
                for (name, value) in form ?? [] { arguments += ["-F", "\(name)=\(value)"] }
            } else if let form {
                for (name, value) in form { arguments += ["--data-urlencode", "\(name)=\(value)"] }
            }
            let result = try Interop.run("curl", arguments + [address + path])
            guard result.status == 0 else { throw Interop.Failure(description: "curl \(path) failed: \(result.stderr)") }
            let text = (try? String(contentsOfFile: body, encoding: .utf8)) ?? ""
            try? FileManager.default.removeItem(atPath: body)
            return (Int(result.stdout) ?? -1, text)
        }

        /// Signs in through `server`'s sign-in form; returns the status of the answer (303 when signed in).
        func signIn(_ server: Server, password: String = PostgresServeTests.password) throws -> Int {
            let page = try request(server.address, "/sign-in")
            let token = try #require(PostgresServeTests.csrf(in: page.body))
            return try request(server.address, "/sign-in", form: [("csrf", token), ("name", "Administrator"), ("password", password)]).status
        }
    }

    /// The CSRF token a page's forms carry.
    static func csrf(in html: String) -> String? {
        guard let range = html.range(of: #"name="csrf" value=""#) else { return nil }
        return String(html[range.upperBound...].prefix { $0.isHexDigit })
    }

    /// The ID of the upload a check page offers to import.
    static func pendingID(in html: String) -> String? {
        guard let range = html.range(of: #"action="/import/"#) else { return nil }
        return String(html[range.upperBound...].prefix { $0.isHexDigit })
    }

    func clientsFile(_ names: [String]) throws -> String {
        let rows = names.enumerated().map { index, name in
            var cells = Array(repeating: "", count: frenchTemplateHeaders.count)
            cells[1] = name; cells[2] = "+3361234\(String(format: "%04d", index))"
            return cells.joined(separator: ";")
        }
        return try folder.write("clients-\(UUID().uuidString.prefix(8)).csv",
                                ([frenchTemplateHeaders.joined(separator: ";")] + rows).joined(separator: "\n") + "\n")
    }

    @Test func aSessionAndAnImportThroughOneAreSeenByTheOtherAndSigningOutEndsBoth() throws {
        let shared = folder.file("uploads")
        try FileManager.default.createDirectory(atPath: shared, withIntermediateDirectories: true)
        let a = try Server("a", db: url, in: folder, arguments: ["--files-folder", shared])
        let b = try Server("b", db: url, in: folder, arguments: ["--files-folder", shared])
        #expect(a.address != b.address)
        let browser = try Browser(folder, name: "browser")

        // Not signed in: both send the browser to the sign-in page.
        #expect(try browser.request(b.address, "/clients").status == 303)
        #expect(try browser.signIn(a) == 303)
        let clientsOnB = try browser.request(b.address, "/clients")
        #expect(clientsOnB.status == 200, "the session made by A is unknown to B")
        #expect(clientsOnB.body.contains("Administrator"))
        let csrf = try #require(Self.csrf(in: clientsOnB.body))

        // Checked through A, imported through B: the waiting upload is in the base, its file in the shared folder.
        let file = try clientsFile(["Marie Curie-Serve", "Paul Langevin-Serve"])
        let check = try browser.request(a.address, "/import", form: [("csrf", csrf)], file: file)
        #expect(check.status == 200, "\(check.body)")
        let id = try #require(Self.pendingID(in: check.body))
        let progress = try browser.request(b.address, "/import/\(id)/progress")
        #expect(progress.status == 200 && progress.body.contains("rows_checked"), "\(progress.body)")
        let done = try browser.request(b.address, "/import/\(id)/confirm", form: [("csrf", csrf)])
        #expect(done.status == 200, "\(done.body)")

        // A lists what B imported: the Clients list, the history page and the API.
        let listedOnA = try browser.request(a.address, "/clients")
        #expect(listedOnA.body.contains("Marie Curie-Serve") && listedOnA.body.contains("Paul Langevin-Serve"))
        let historyOnA = try browser.request(a.address, "/history")
        #expect(historyOnA.status == 200 && historyOnA.body.contains(file.split(separator: "/").last.map(String.init) ?? "?"))
        let token = try runProcess(clientimportBinary(), ["employees", "token", "Administrator", "--db", url])
        #expect(token.status == 0, "\(token.standardError)")
        let bearer = try #require(token.standardOutput.split(whereSeparator: \.isWhitespace).first { $0.count == 64 }.map(String.init))
        // And an import through B's API is listed by A's.
        let second = try clientsFile(["Irène Joliot-Serve"])
        let imported = try browser.request(b.address, "/api/v1/imports", file: second, headers: ["Authorization: Bearer \(bearer)"])
        #expect(imported.status == 200, "\(imported.body)")
        let history = try browser.request(a.address, "/api/v1/imports", headers: ["Authorization: Bearer \(bearer)"])
        #expect(history.status == 200)
        #expect(history.body.components(separatedBy: "\"kind\":\"import\"").count - 1 == 2, "\(history.body)")
        let found = try browser.request(a.address, "/api/v1/clients?query=Joliot", headers: ["Authorization: Bearer \(bearer)"])
        #expect(found.body.contains("Irène Joliot-Serve"), "\(found.body)")

        // Signed out through B: A refuses the session too.
        #expect(try browser.request(b.address, "/sign-out", form: [("csrf", csrf)]).status == 303)
        #expect(try browser.request(a.address, "/clients").status == 303)
        #expect(try browser.request(b.address, "/clients").status == 303)
        // The uploads folder is empty again: nothing waits.
        #expect(try FileManager.default.contentsOfDirectory(atPath: shared + "/.clientimport-uploads").isEmpty)
    }

    @Test func failedSignInsThroughOneCountOnTheOther() throws {
        let a = try Server("a", db: url, in: folder)
        let b = try Server("b", db: url, in: folder)
        let browser = try Browser(folder, name: "guesser")
        for attempt in 0..<5 {
            #expect(try browser.signIn(attempt % 2 == 0 ? a : b, password: "wrong guess \(attempt)") == 401)
        }
        // Five failures in the window, whichever process saw them: the right password waits too.
        #expect(try browser.signIn(b) == 429)
        #expect(try browser.signIn(a) == 429)
    }

    @Test func anUploadWaitingInAnotherProcesssFolderIsRefusedClearly() throws {
        // Each in its own folder, without a shared --files-folder (as on two machines).
        let a = try Server("a", db: url, in: folder)
        let b = try Server("b", db: url, in: folder)
        let browser = try Browser(folder, name: "browser")
        #expect(try browser.signIn(a) == 303)
        let page = try browser.request(a.address, "/import")
        let csrf = try #require(Self.csrf(in: page.body))
        let check = try browser.request(a.address, "/import", form: [("csrf", csrf)], file: try clientsFile(["Only Once"]))
        let id = try #require(Self.pendingID(in: check.body))
        let elsewhere = try browser.request(b.address, "/import/\(id)/confirm", form: [("csrf", csrf)])
        #expect(elsewhere.status == 409, "\(elsewhere.body)")
        #expect(elsewhere.body.contains("--files-folder"), "\(elsewhere.body)")
        #expect(!elsewhere.body.contains(folder.path), "a server path in the page: \(elsewhere.body)")
        #expect(try browser.request(a.address, "/clients").body.contains("Only Once") == false)
        // Through the process that holds it, it goes through.
        let done = try browser.request(a.address, "/import/\(id)/confirm", form: [("csrf", csrf)])
        #expect(done.status == 200, "\(done.body)")
        #expect(try browser.request(b.address, "/clients").body.contains("Only Once"))
    }

    @Test func aBaseNobodyCanSignInToIsRefusedWithTheBaseNamedAndNoPassword() throws {
        let empty = try PostgresTestServer.freshBaseURL(prefix: "nobody")
        let result = try runProcess(clientimportBinary(), ["serve", "--db", empty, "--port", "0"])
        #expect(result.status == 64, "\(result.standardError)")
        #expect(result.standardError.contains("schema=nobody_"), "\(result.standardError)")
        #expect(result.standardError.contains("the same --db"), "\(result.standardError)")
        let password = try #require(URLComponents(string: try PostgresTestServer.requireURL())?.password)
        #expect(!result.standardError.contains(password))
    }

    @Test func aFilesFolderThatIsNotThereIsAUsageError() throws {
        let result = try runProcess(clientimportBinary(), ["serve", "--db", url, "--port", "0", "--files-folder", folder.file("missing")])
        #expect(result.status == 64, "\(result.standardError)")
        #expect(result.standardError.contains("--files-folder"))
        #expect(result.standardError.contains("mkdir"))
    }
}
