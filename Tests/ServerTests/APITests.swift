import ClientBase
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
@testable import Server
import TestSupport
import Testing

/// The HTTP API, through the real router, store, importer and rules.
@Suite(.timeLimit(.minutes(2))) struct APITests {
    let fixture: ServerFixture

    init() throws {
        fixture = try ServerFixture()
    }

    @Test func theServerRefusesToStartWhileNobodyHasAPassword() throws {
        let folder = try TemporaryDirectory()
        let settings = ServerSettings(databasePath: folder.file("empty.sqlite"))
        #expect {
            _ = try ClientServer(settings: settings)
        } throws: { error in
            (error as? ServerError)?.message.contains("clientimport employees password Administrator") == true
        }
    }

    @Test func healthNeedsNoSignInAndEveryAnswerCarriesTheSecurityHeaders() async throws {
        try await fixture.test { client in
            let response = try await client.execute(uri: "/healthz", method: .get)
            #expect(response.status == .ok)
            #expect(response.object["status"] as? String == "ok")
            let csp = try #require(response.headers[.contentSecurityPolicy])
            #expect(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"))
            #expect(response.headers[.xContentTypeOptions] == "nosniff")
        }
    }

    @Test(arguments: [("/api/v1/clients", "GET"), ("/api/v1/clients/1", "GET"), ("/api/v1/template", "GET"),
                      ("/api/v1/imports", "GET"), ("/api/v1/imports", "POST"), ("/api/v1/imports/1/undo", "POST"),
                      ("/api/v1/export", "GET")])
    func everyAPIRouteRefusesAMissingOrWrongTokenWithAProblem(uri: String, method: String) async throws {
        let fixture = fixture
        try await fixture.test { client in
            for headers: HTTPFields in [[:], fixture.bearer(Credentials.newToken()), [.authorization: "Bearer ../../etc/passwd"],
                                        [.authorization: "Basic YWRtaW46YWRtaW4="]] {
                let response = try await client.execute(uri: uri, method: .init(method)!, headers: headers)
                #expect(response.status == .unauthorized)
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(response.object["status"] as? Int == 401)
                #expect((response.object["detail"] as? String)?.contains("employees token") == true)
                #expect(response.headers[.contentSecurityPolicy] != nil)
            }
        }
    }

    @Test func aRevokedTokenIsRefused() async throws {
        try fixture.store().revokeAPITokens(employee: "Léa")
        let fixture = fixture
        try await fixture.test { client in
            let answer1 = try await client.execute(uri: "/api/v1/clients", method: .get, headers: fixture.bearer(fixture.leaToken))
            #expect(answer1.status == .unauthorized)
            let answer2 = try await client.execute(uri: "/api/v1/clients", method: .get, headers: fixture.bearer(fixture.adminToken))
            #expect(answer2.status == .ok)
        }
    }

    @Test func importsListsSearchesShowsAndPagesClients() async throws {
        let fixture = fixture
        try await fixture.test { client in
            let csv = ServerFixture.csv([("Marie Dupont", "33612345678", "marie@example.fr", "12.50"),
                                         ("Jean Martin", "33798765432", "", ""), ("Anna", "", "anna@example.com", "-3")])
            let imported = try await client.execute(uri: "/api/v1/imports", method: .post, headers: fixture.uploadHeaders(fixture.adminToken),
                                                    body: ServerFixture.multipart(file: csv, fileName: "../../secret/clients.csv"))
            #expect(imported.status == .ok, "\(imported.text)")
            #expect(imported.object["status"] as? String == "imported")
            #expect(imported.object["created"] as? Int == 3)
            #expect(imported.object["file"] as? String == "clients.csv")

            let found = try await client.execute(uri: "/api/v1/clients?query=%2B33%207%2098", method: .get, headers: fixture.bearer(fixture.leaToken))
            #expect(found.status == .ok)
            #expect(found.object["total"] as? Int == 1)
            let clients = try #require(found.object["clients"] as? [[String: Any]])
            #expect(clients.first?["name"] as? String == "Jean Martin")

            let shown = try await client.execute(uri: "/api/v1/clients/1", method: .get, headers: fixture.bearer(fixture.leaToken))
            #expect(shown.status == .ok)
            #expect(shown.object["name"] as? String == "Marie Dupont")
            let history = try #require(shown.object["balance_history"] as? [[String: Any]])
            #expect(history.count == 1)

            let missing = try await client.execute(uri: "/api/v1/clients/99", method: .get, headers: fixture.bearer(fixture.leaToken))
            #expect(missing.status == .notFound && missing.headers[.contentType] == "application/problem+json")
            for bad in ["/api/v1/clients/abc", "/api/v1/clients/-1", "/api/v1/clients?page=0", "/api/v1/clients?page=x"] {
                let response = try await client.execute(uri: bad, method: .get, headers: fixture.bearer(fixture.leaToken))
                #expect(response.status == .badRequest, "\(bad)")
            }
        }
    }

    @Test func pagesSplitTheListAndCountTheWhole() async throws {
        let fixture = try ServerFixture { $0.pageSize = 2 }
        try await fixture.test { client in
            let csv = ServerFixture.csv((1...5).map { ("Client \($0)", "", "", "") })
            let imported = try await client.execute(uri: "/api/v1/imports", method: .post, headers: fixture.uploadHeaders(fixture.adminToken),
                                                    body: ServerFixture.multipart(file: csv))
            #expect(imported.status == .ok, "\(imported.text)")
            let third = try await client.execute(uri: "/api/v1/clients?page=3", method: .get, headers: fixture.bearer(fixture.adminToken))
            #expect(third.object["total"] as? Int == 5)
            #expect((third.object["clients"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Client 5"])
        }
    }

    @Test func aDryRunReportsAndChangesNothingAndBadRowsComeWithRowAndColumn() async throws {
        let fixture = fixture
        try await fixture.test { client in
            let good = ServerFixture.csv([("Marie", "33612345678", "", "")])
            let checked = try await client.execute(uri: "/api/v1/imports", method: .post, headers: fixture.uploadHeaders(fixture.adminToken),
                                                   body: ServerFixture.multipart(file: good, fields: ["dry_run": "true"]))
            #expect(checked.status == .ok)
            #expect(checked.object["status"] as? String == "checked")

            let bad = ServerFixture.csv([("Marie", "not a phone", "", ""), ("", "", "x@", "")])
            let rejected = try await client.execute(uri: "/api/v1/imports", method: .post, headers: fixture.uploadHeaders(fixture.adminToken),
                                                    body: ServerFixture.multipart(file: bad))
            #expect(rejected.status == .unprocessableContent)
            #expect(rejected.object["status"] as? String == "rejected")
            let errors = try #require(rejected.object["errors"] as? [[String: Any]])
            #expect(errors.count >= 2)
            #expect(errors.allSatisfy { $0["row"] is Int && $0["message"] is String })
            #expect(errors.contains { $0["cell"] as? String == "C2" })
        }
        #expect(try fixture.store().clientCount() == 0)
        #expect(try fixture.store().history().isEmpty)
        #expect(try fixture.leftoverUploads() == [])
    }

    @Test func badImportFieldsAreRefusedWithAProblemAndNothingChanges() async throws {
        let fixture = fixture
        try await fixture.test { client in
            let csv = ServerFixture.csv([("Marie", "", "", "")])
            for fields in [["dry_run": "maybe"], ["on_duplicate": "merge"], ["plugin": "../../../tmp/evil"], ["plugin": "/etc/passwd"],
                           ["lang": "de"]] {
                let response = try await client.execute(uri: "/api/v1/imports", method: .post, headers: fixture.uploadHeaders(fixture.adminToken),
                                                        body: ServerFixture.multipart(file: csv, fields: fields))
                #expect(response.status == .badRequest, "\(fields)")
                #expect(response.headers[.contentType] == "application/problem+json")
            }
            let notMultipart = try await client.execute(uri: "/api/v1/imports", method: .post,
                                                        headers: [.authorization: "Bearer \(fixture.adminToken)", .contentType: "text/csv"],
                                                        body: ByteBuffer(string: csv))
            #expect(notMultipart.status == .unsupportedMediaType)
            let noFile = try await client.execute(uri: "/api/v1/imports", method: .post, headers: fixture.uploadHeaders(fixture.adminToken),
                                                  body: ByteBuffer(string: "--\(ServerFixture.boundary)\r\nContent-Disposition: form-data; name=\"lang\"\r\n\r\nfr\r\n--\(ServerFixture.boundary)--\r\n"))
            #expect(noFile.status == .badRequest)
            let part = "--\(ServerFixture.boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\n\(csv)\r\n"
            let twoFiles = try await client.execute(uri: "/api/v1/imports", method: .post, headers: fixture.uploadHeaders(fixture.adminToken),
                                                    body: ByteBuffer(string: part + part + "--\(ServerFixture.boundary)--\r\n"))
            #expect(twoFiles.status == .badRequest)
            #expect((twoFiles.object["detail"] as? String)?.contains("one file") == true)
            #expect((noFile.object["detail"] as? String)?.contains("\"file\"") == true)
        }
        #expect(try fixture.store().clientCount() == 0)
        #expect(try fixture.leftoverUploads() == [])
    }

    @Test func anUnreadableUploadIsNamedAsSentNotByItsPathOnTheServer() async throws {
        try await fixture.test(.router) { client in
            let response = try await client.execute(uri: "/api/v1/imports", method: .post, headers: fixture.uploadHeaders(fixture.adminToken),
                                                    body: ServerFixture.multipart(file: "not a zip", fileName: "clients.xlsx"))
            #expect(response.status == .unprocessableContent)
            let detail = response.object["detail"] as? String ?? ""
            #expect(detail.hasPrefix("clients.xlsx: "), "\(detail)")
            #expect(detail.contains("zip"), "\(detail)")
            #expect(!detail.contains(".clientimport-uploads") && !detail.contains(fixture.folder.path), "\(detail)")
        }
        #expect(try fixture.leftoverUploads() == [])
    }

    @Test func anUploadOverTheLimitIsRefusedAndLeavesNothing() async throws {
        let fixture = try ServerFixture { $0.maxUploadBytes = 4096 }
        try await fixture.test(.live) { client in
            let big = ServerFixture.csv((1...200).map { ("Client \($0) with a long enough name", "", "", "") })
            let response = try await client.execute(uri: "/api/v1/imports", method: .post, headers: fixture.uploadHeaders(fixture.adminToken),
                                                    body: ServerFixture.multipart(file: big))
            #expect(response.status == .contentTooLarge)
            #expect((response.object["detail"] as? String)?.contains("--max-upload") == true)
        }
        #expect(try fixture.store().clientCount() == 0)
        #expect(try fixture.leftoverUploads() == [])
        let attributes = try FileManager.default.attributesOfItem(atPath: fixture.folder.file(".clientimport-uploads"))
        #expect((attributes[.posixPermissions] as? Int) == 0o700)
    }

    @Test func theBalanceRightIsEnforcedAsImportAsDoes() async throws {
        let fixture = fixture
        try await fixture.test { client in
            let csv = ServerFixture.csv([("Marie", "33612345678", "", "100")])
            let refused = try await client.execute(uri: "/api/v1/imports", method: .post, headers: fixture.uploadHeaders(fixture.leaToken),
                                                   body: ServerFixture.multipart(file: csv))
            #expect(refused.status == .unprocessableContent)
            let errors = try #require(refused.object["errors"] as? [[String: Any]])
            #expect(errors.contains { ($0["message"] as? String)?.contains("Léa") == true })

            let withoutBalance = ServerFixture.csv([("Marie", "33612345678", "", "")])
            let allowed = try await client.execute(uri: "/api/v1/imports", method: .post, headers: fixture.uploadHeaders(fixture.leaToken),
                                                   body: ServerFixture.multipart(file: withoutBalance))
            #expect(allowed.status == .ok)
            #expect(allowed.object["employee"] as? String == "Léa" || allowed.object["status"] as? String == "imported")
        }
        let store = try fixture.store()
        #expect(try store.clientCount() == 1)
        #expect(try store.balanceHistory(clientID: 1).isEmpty)
        #expect(try store.history().first?.employee == "Léa")
    }

    @Test func historyAndUndoAndUndoOfBalancesNeedsTheRight() async throws {
        let fixture = fixture
        try await fixture.test { client in
            let csv = ServerFixture.csv([("Marie", "33612345678", "", "100")])
            let imported = try await client.execute(uri: "/api/v1/imports", method: .post, headers: fixture.uploadHeaders(fixture.adminToken),
                                                    body: ServerFixture.multipart(file: csv))
            let batch = try #require(imported.object["batch"] as? Int)
            let history = try await client.execute(uri: "/api/v1/imports", method: .get, headers: fixture.bearer(fixture.leaToken))
            #expect(history.array.first?["file"] as? String == "clients.csv")

            let refused = try await client.execute(uri: "/api/v1/imports/\(batch)/undo", method: .post, headers: fixture.bearer(fixture.leaToken))
            #expect(refused.status == .forbidden)
            #expect(try fixture.store().clientCount() == 1)

            let undone = try await client.execute(uri: "/api/v1/imports/\(batch)/undo", method: .post, headers: fixture.bearer(fixture.adminToken))
            #expect(undone.status == .ok, "\(undone.text)")
            #expect(try fixture.store().clientCount() == 0)
            let again = try await client.execute(uri: "/api/v1/imports/\(batch)/undo", method: .post, headers: fixture.bearer(fixture.adminToken))
            #expect(again.status == .conflict || again.status == .badRequest, "\(again.text)")
            let unknown = try await client.execute(uri: "/api/v1/imports/999/undo", method: .post, headers: fixture.bearer(fixture.adminToken))
            #expect(unknown.status == .notFound)
        }
    }

    @Test func theTemplateAndTheExportDownloadInEachFormat() async throws {
        let fixture = fixture
        try await fixture.test { client in
            let template = try await client.execute(uri: "/api/v1/template?lang=en", method: .get, headers: fixture.bearer(fixture.adminToken))
            #expect(template.status == .ok)
            #expect(template.headers[.contentType] == APIRoutes.xlsxType)
            #expect(Array(template.body.readableBytesView.prefix(2)) == Array("PK".utf8))
            #expect(template.headers[.contentDisposition] == "attachment; filename=\"clients-template.en.xlsx\"")

            let csv = ServerFixture.csv([("Marie", "33612345678", "", "")])
            _ = try await client.execute(uri: "/api/v1/imports", method: .post, headers: fixture.uploadHeaders(fixture.adminToken),
                                         body: ServerFixture.multipart(file: csv))
            let exported = try await client.execute(uri: "/api/v1/export?format=csv&lang=fr", method: .get, headers: fixture.bearer(fixture.adminToken))
            #expect(exported.status == .ok)
            #expect(exported.text.contains("Marie") && exported.text.contains("33612345678"))
            let xlsx = try await client.execute(uri: "/api/v1/export", method: .get, headers: fixture.bearer(fixture.adminToken))
            #expect(Array(xlsx.body.readableBytesView.prefix(2)) == Array("PK".utf8))

            for bad in ["/api/v1/template?lang=de", "/api/v1/export?format=pdf", "/api/v1/export?lang=../../x"] {
                let answer3 = try await client.execute(uri: bad, method: .get, headers: fixture.bearer(fixture.adminToken))
                #expect(answer3.status == .badRequest)
            }
        }
        #expect(try fixture.leftoverUploads() == [])
    }

    @Test func twoConcurrentImportsIntoOneBaseBothLandWhole() async throws {
        let fixture = fixture
        try await fixture.test(.live) { client in
            let files = (0..<2).map { file in ServerFixture.csv((1...300).map { ("File \(file) client \($0)", "", "", "") }) }
            try await withThrowingTaskGroup(of: Int.self) { group in
                for file in files {
                    group.addTask {
                        let response = try await client.execute(uri: "/api/v1/imports", method: .post, headers: fixture.uploadHeaders(fixture.adminToken),
                                                                body: ServerFixture.multipart(file: file))
                        #expect(response.status == .ok, "\(response.text)")
                        return response.object["created"] as? Int ?? -1
                    }
                }
                var created: [Int] = []
                for try await count in group { created.append(count) }
                #expect(created == [300, 300])
            }
        }
        let store = try fixture.store()
        #expect(try store.clientCount() == 600)
        #expect(try store.history().map(\.counts.created) == [300, 300])
    }

    @Test func anImportIntoABaseHeldByAnotherWriterGets409WithRetryAfter() async throws {
        let fixture = try ServerFixture { $0.busyTimeoutSeconds = 0.3 }
        // Another process's import, as far as SQLite can tell: a write transaction held open.
        nonisolated(unsafe) let holder = try fixture.store()
        let release = DispatchSemaphore(value: 0), held = DispatchSemaphore(value: 0)
        let thread = Thread {
            try? holder.transaction { held.signal(); release.wait() }
        }
        thread.start()
        held.wait()
        defer { release.signal() }
        try await fixture.test { client in
            let csv = ServerFixture.csv([("Marie", "", "", "")])
            let response = try await client.execute(uri: "/api/v1/imports", method: .post, headers: fixture.uploadHeaders(fixture.adminToken),
                                                    body: ServerFixture.multipart(file: csv))
            #expect(response.status == .conflict, "\(response.text)")
            #expect(response.headers[.retryAfter] == "1")
            #expect(response.headers[.contentType] == "application/problem+json")
        }
        release.signal()
        while !thread.isFinished { usleep(1000) }
        #expect(try fixture.store().clientCount() == 0)
        #expect(try fixture.leftoverUploads() == [])
    }
}
