import ClientBase
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
@testable import Server
import TestSupport
import Testing

/// The pages: sign-in, sessions in the base, CSRF, rights, languages, and the import with
/// in-page fixes — through the real router, store, importer and rules.
@Suite(.timeLimit(.minutes(2))) struct PageTests {
    let fixture: ServerFixture

    init() throws {
        fixture = try ServerFixture()
    }

    /// The cookies a response sets, by name (value and attributes as sent).
    static func cookies(_ response: TestResponse) -> [String: String] {
        var result: [String: String] = [:]
        for field in response.headers where field.name == .setCookie {
            let name = String(field.value.prefix { $0 != "=" })
            result[name] = field.value
        }
        return result
    }

    static func value(_ setCookie: String?) -> String {
        guard let setCookie else { return "" }
        return String(setCookie.split(separator: ";")[0].split(separator: "=", maxSplits: 1).dropFirst().first ?? "")
    }

    static func hidden(_ name: String, in html: String) -> String? {
        guard let range = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    static func form(_ fields: [(String, String)]) -> ByteBuffer {
        ByteBuffer(string: fields.map { "\($0.0.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)" }.joined(separator: "&"))
    }

    static let formType: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    /// Signs in and returns the session cookie header and the session's CSRF token.
    static func signIn(_ client: any TestClientProtocol, name: String = "Administrator", password: String = ServerFixture.password,
                       headers extra: HTTPFields = [:]) async throws -> (cookie: HTTPFields, csrf: String, response: TestResponse) {
        let page = try await client.execute(uri: "/sign-in", method: .get, headers: extra)
        let formCookie = value(cookies(page)["ci_signin"])
        let token = hidden("csrf", in: page.text) ?? ""
        var headers = formType
        headers[.cookie] = "ci_signin=\(formCookie)"
        for field in extra { headers.append(field) }
        let response = try await client.execute(uri: "/sign-in", method: .post, headers: headers,
                                                body: form([("csrf", token), ("name", name), ("password", password)]))
        let session = value(cookies(response)["ci_session"])
        var cookie: HTTPFields = [.cookie: "ci_session=\(session)"]
        for field in extra { cookie.append(field) }
        let clients = try await client.execute(uri: "/clients", method: .get, headers: cookie)
        return (cookie, hidden("csrf", in: clients.text) ?? "", response)
    }

    @Test func aPageWithoutASessionSendsToSignIn() async throws {
        try await fixture.test { client in
            for uri in ["/clients", "/clients/1", "/import", "/history", "/export", "/settings"] {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == .seeOther && response.headers[.location] == "/sign-in", "\(uri)")
            }
            let forged = try await client.execute(uri: "/clients", method: .get, headers: [.cookie: "ci_session=\(Credentials.newToken())"])
            #expect(forged.headers[.location] == "/sign-in")
        }
    }

    @Test func signingInSetsAStrictHttpOnlyCookieKeptInTheBase() async throws {
        let fixture = fixture
        nonisolated(unsafe) var token = ""
        try await fixture.test { client in
            let (cookie, csrf, response) = try await Self.signIn(client)
            #expect(response.status == .seeOther && response.headers[.location] == "/clients")
            let setCookie = try #require(Self.cookies(response)["ci_session"])
            #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict") && !setCookie.contains("Secure"))
            #expect(csrf.count == 64)
            let page = try await client.execute(uri: "/clients", method: .get, headers: cookie)
            #expect(page.status == .ok && page.text.contains("Administrator"))
            #expect(!page.text.contains("<script>") && page.text.contains("<script src=\"/static/app.js\""))
            token = Self.value(setCookie)
        }
        // The base keeps the session under the token's digest, never the token.
        let session = try #require(try fixture.store().session(tokenSHA256: Credentials.digest(ofToken: token), now: unixNow()))
        #expect(session.employee.name == "Administrator")
        #expect(try fixture.store().session(tokenSHA256: token, now: unixNow()) == nil)
    }

    @Test func aSessionMadeByOneServerIsHonouredByAnother() async throws {
        let fixture = fixture
        nonisolated(unsafe) var cookie: HTTPFields = [:]
        try await fixture.test { client in cookie = try await Self.signIn(client).cookie }
        let carried = cookie
        try await fixture.test { client in
            let answer1 = try await client.execute(uri: "/clients", method: .get, headers: carried)
            #expect(answer1.status == .ok)
        }
    }

    @Test func secureCookiesWhenAskedFor() async throws {
        let fixture = try ServerFixture { $0.secureCookies = true }
        try await fixture.test { client in
            let (_, _, response) = try await Self.signIn(client)
            #expect(Self.cookies(response)["ci_session"]?.contains("Secure") == true)
        }
    }

    @Test func aWrongPasswordOrUnknownNameIsRefusedAndTheAttemptsAreLimited() async throws {
        let fixture = fixture
        try await fixture.test { client in
            let unknown = try await Self.signIn(client, name: "Nobody").response
            #expect(unknown.status == .unauthorized)
            for _ in 1...5 {
                let wrong = try await Self.signIn(client, password: "wrong password").response
                #expect(wrong.status == .unauthorized && Self.cookies(wrong)["ci_session"] == nil)
            }
            // The sixth attempt, even with the right password, waits.
            let limited = try await Self.signIn(client).response
            #expect(limited.status == .tooManyRequests)
            #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 > 0)
            // Léa is another name: not limited.
            let answer2 = try await Self.signIn(client, name: "Léa")
            #expect(answer2.response.status == .seeOther)
        }
        #expect(try fixture.store().failedSignIns(employeeName: "Administrator", since: 0).count == 5)
    }

    @Test func everyFormRefusesAMissingOrWrongCSRFTokenAndChangesNothing() async throws {
        let fixture = fixture
        try await fixture.test { client in
            let (cookie, csrf, _) = try await Self.signIn(client)
            var headers = Self.formType
            for field in cookie { headers.append(field) }
            // The second differs from the real token in its first character only (a token that
            // already starts with "0" gets "1": "0" + dropFirst() was the real token 1 time in 16).
            let oneCharacterOff = (csrf.hasPrefix("0") ? "1" : "0") + csrf.dropFirst()
            for token in ["", oneCharacterOff, Credentials.newToken()] {
                for uri in ["/settings/marketing-sources", "/history/1/undo", "/sign-out", "/import/\(String(repeating: "a", count: 32))/confirm"] {
                    let response = try await client.execute(uri: uri, method: .post, headers: headers, body: Self.form([("csrf", token), ("name", "Google")]))
                    #expect(response.status == .forbidden, "\(uri) with \(token.prefix(4))")
                }
                var upload = fixture.uploadHeaders(fixture.adminToken)
                upload[.cookie] = cookie[.cookie]
                upload[.authorization] = nil
                let response = try await client.execute(uri: "/import", method: .post, headers: upload,
                                                        body: ServerFixture.multipart(file: ServerFixture.csv([("Marie", "", "", "")]), fields: ["csrf": token]))
                #expect(response.status == .forbidden)
            }
            // The sign-in form's own token: a post without the matching cookie is refused.
            let page = try await client.execute(uri: "/sign-in", method: .get)
            let token = Self.hidden("csrf", in: page.text) ?? ""
            let noCookie = try await client.execute(uri: "/sign-in", method: .post, headers: Self.formType,
                                                    body: Self.form([("csrf", token), ("name", "Administrator"), ("password", ServerFixture.password)]))
            #expect(noCookie.status == .forbidden && Self.cookies(noCookie)["ci_session"] == nil)
            // The right token works, so the refusals above were the token's doing.
            let added = try await client.execute(uri: "/settings/marketing-sources", method: .post, headers: headers,
                                                 body: Self.form([("csrf", csrf), ("name", "Bouche à oreille")]))
            #expect(added.status == .seeOther)
        }
        let store = try fixture.store()
        #expect(try store.catalog().marketingSources == ["Bouche à oreille"])
        #expect(try store.clientCount() == 0)
        #expect(try fixture.leftoverUploads() == [])
    }

    @Test func settingsNeedTheRight() async throws {
        let fixture = fixture
        try await fixture.test { client in
            let lea = try await Self.signIn(client, name: "Léa")
            let answer3 = try await client.execute(uri: "/settings", method: .get, headers: lea.cookie)
            #expect(answer3.status == .forbidden)
            var headers = Self.formType
            for field in lea.cookie { headers.append(field) }
            let refused = try await client.execute(uri: "/settings/roles", method: .post, headers: headers,
                                                   body: Self.form([("csrf", lea.csrf), ("name", "Accueil"), ("can_adjust_balance", "on")]))
            #expect(refused.status == .forbidden)
            let admin = try await Self.signIn(client)
            let page = try await client.execute(uri: "/settings", method: .get, headers: admin.cookie)
            #expect(page.status == .ok && page.text.contains("Accueil"))
        }
        #expect(try fixture.store().employee(named: "Léa")?.canAdjustBalance == false)
    }

    @Test(arguments: [("fr-FR,fr;q=0.9", "Se connecter"), ("en-GB,en;q=0.8", "Sign in"), ("ru", "Войти"), ("uk-UA", "Увійти"), ("de-DE", "Se connecter")])
    func thePageLanguageFollowsAcceptLanguage(header: String, expected: String) async throws {
        try await fixture.test { client in
            let page = try await client.execute(uri: "/sign-in", method: .get, headers: [.acceptLanguage: header])
            #expect(page.text.contains(expected))
        }
    }

    @Test func theLanguageSwitchSetsACookieAndStaysOnThisSite() async throws {
        try await fixture.test { client in
            let switched = try await client.execute(uri: "/language/uk?back=/sign-in", method: .get)
            #expect(switched.status == .seeOther && switched.headers[.location] == "/sign-in")
            #expect(Self.value(Self.cookies(switched)["ci_lang"]) == "uk")
            let page = try await client.execute(uri: "/sign-in", method: .get, headers: [.cookie: "ci_lang=uk", .acceptLanguage: "en"])
            #expect(page.text.contains("Увійти"))
            for back in ["//evil.example/", "https://evil.example/", "/\\evil.example"] {
                let escaped = back.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                let answer4 = try await client.execute(uri: "/language/en?back=\(escaped)", method: .get)
                #expect(answer4.headers[.location] == "/clients")
            }
        }
    }

    /// An unreadable upload's page names the file as the browser sent it, not by its server path.
    @Test func anUnreadableUploadIsNamedAsSent() async throws {
        let fixture = fixture
        try await fixture.test { client in
            let (cookie, csrf, _) = try await Self.signIn(client)
            var upload: HTTPFields = [.contentType: "multipart/form-data; boundary=\(ServerFixture.boundary)"]
            upload[.cookie] = cookie[.cookie]
            let checked = try await client.execute(uri: "/import", method: .post, headers: upload,
                                                   body: ServerFixture.multipart(file: "not a zip", fileName: "clients.xlsx", fields: ["csrf": csrf]))
            #expect(checked.status == .unprocessableContent)
            #expect(checked.text.contains("clients.xlsx: "), "\(checked.text)")
            #expect(!checked.text.contains(".clientimport-uploads") && !checked.text.contains(fixture.folder.path), "\(checked.text)")
        }
    }

    /// The issue's scenario in the page: three bad cells, fix one and see two, fix the rest, import.
    @Test func badCellsAreFixedInThePageCheckedAgainAndImported() async throws {
        let fixture = fixture
        try await fixture.test { client in
            let (cookie, csrf, _) = try await Self.signIn(client)
            var upload: HTTPFields = [.contentType: "multipart/form-data; boundary=\(ServerFixture.boundary)"]
            upload[.cookie] = cookie[.cookie]
            let csv = ServerFixture.csv([("Marie", "not a phone", "", "12.50"), ("Jean", "33612345678", "jean@", ""),
                                         ("Anna", "33798765432", "anna@example.com", "abc")])
            let checked = try await client.execute(uri: "/import", method: .post, headers: upload,
                                                   body: ServerFixture.multipart(file: csv, fileName: "clients.csv", fields: ["csrf": csrf]))
            #expect(checked.status == .unprocessableContent)
            let html = checked.text
            for cell in ["C2", "E3", "R4"] { #expect(html.contains("name=\"fix:\(cell)\""), "\(cell)") }
            let id = try #require(html.range(of: "/import/").map { String(html[$0.upperBound...].prefix(32)) })
            // The copy waits under its random ID, beside how far its check got (for the page to poll).
            #expect(Set(try fixture.leftoverUploads()) == ["pending-\(id).csv", "pending-\(id).progress"])
            let progress = try await client.execute(uri: "/import/\(id)/progress", method: .get, headers: cookie)
            #expect(progress.object["rows_read"] as? Int == 3)
            let noSession = try await client.execute(uri: "/import/\(id)/progress", method: .get)
            #expect(noSession.status == .seeOther)

            var headers = Self.formType
            for field in cookie { headers.append(field) }
            let once = try await client.execute(uri: "/import/\(id)/fix", method: .post, headers: headers,
                                                body: Self.form([("csrf", csrf), ("fix:C2", "33611111111")]))
            #expect(once.status == .unprocessableContent)
            #expect(!once.text.contains("name=\"fix:C2\"") && once.text.contains("name=\"fix:E3\"") && once.text.contains("name=\"fix:R4\""))

            let errors = try await client.execute(uri: "/import/\(id)/errors.xlsx", method: .get, headers: cookie)
            #expect(errors.status == .ok && Array(errors.body.readableBytesView.prefix(2)) == Array("PK".utf8))

            let fixed = try await client.execute(uri: "/import/\(id)/fix", method: .post, headers: headers,
                                                 body: Self.form([("csrf", csrf), ("fix:E3", "jean@example.com"), ("fix:R4", "-4")]))
            #expect(fixed.status == .ok, "\(fixed.text)")
            #expect(fixed.text.contains("/import/\(id)/confirm"))
            #expect(try fixture.store().clientCount() == 0, "a check changes nothing")

            let done = try await client.execute(uri: "/import/\(id)/confirm", method: .post, headers: headers, body: Self.form([("csrf", csrf)]))
            #expect(done.status == .ok)
            #expect(done.text.contains("/history#batch-1"))
            let again = try await client.execute(uri: "/import/\(id)/confirm", method: .post, headers: headers, body: Self.form([("csrf", csrf)]))
            #expect(again.status == .notFound, "an upload is imported once")

            let found = try await client.execute(uri: "/clients?query=33611111111", method: .get, headers: cookie)
            #expect(found.text.contains("Marie") && !found.text.contains("Jean"))
            let card = try await client.execute(uri: "/clients/1", method: .get, headers: cookie)
            #expect(card.text.contains("12.5") && card.text.contains("Correction de solde"))
            // Labels are the template's own headers in the page's language; empty fields are left out.
            #expect(card.text.contains("<dt>Numéro de téléphone</dt><dd>33611111111</dd>"))
            #expect(!card.text.contains("<dd></dd>"))
        }
        let store = try fixture.store()
        #expect(try store.clientCount() == 3)
        #expect(try store.client(id: 3)?.balance.description == "-4")
        #expect(try store.history().first?.fileName == "clients.csv")
        #expect(try fixture.leftoverUploads() == [])
    }

    @Test func theImportPageOffersTheTemplateInEachLanguage() async throws {
        try await fixture.test { client in
            let (cookie, _, _) = try await Self.signIn(client)
            let page = try await client.execute(uri: "/import", method: .get, headers: cookie)
            for code in ["fr", "en", "ru", "uk"] { #expect(page.text.contains("<option value=\"\(code)\"")) }
            let template = try await client.execute(uri: "/template?lang=ru", method: .get, headers: cookie)
            #expect(template.status == .ok)
            #expect(template.headers[.contentDisposition] == "attachment; filename=\"clients-template.ru.xlsx\"")
            #expect(Array(template.body.readableBytesView.prefix(2)) == Array("PK".utf8))
        }
    }

    @Test func anUploadOfAnotherEmployeeIsNotReachable() async throws {
        let fixture = fixture
        try await fixture.test { client in
            let admin = try await Self.signIn(client)
            var upload: HTTPFields = [.contentType: "multipart/form-data; boundary=\(ServerFixture.boundary)"]
            upload[.cookie] = admin.cookie[.cookie]
            let checked = try await client.execute(uri: "/import", method: .post, headers: upload,
                                                   body: ServerFixture.multipart(file: ServerFixture.csv([("Marie", "", "", "")]), fields: ["csrf": admin.csrf]))
            let html = checked.text
            let id = try #require(html.range(of: "/import/").map { String(html[$0.upperBound...].prefix(32)) })
            let lea = try await Self.signIn(client, name: "Léa")
            var headers = Self.formType
            for field in lea.cookie { headers.append(field) }
            let stolen = try await client.execute(uri: "/import/\(id)/confirm", method: .post, headers: headers, body: Self.form([("csrf", lea.csrf)]))
            #expect(stolen.status == .notFound)
        }
        #expect(try fixture.store().clientCount() == 0)
    }

    @Test func historyUndoWithConfirmation() async throws {
        let fixture = fixture
        try await fixture.test { client in
            _ = try await client.execute(uri: "/api/v1/imports", method: .post, headers: fixture.uploadHeaders(fixture.adminToken),
                                         body: ServerFixture.multipart(file: ServerFixture.csv([("Marie", "", "", "")])))
            let (cookie, csrf, _) = try await Self.signIn(client)
            let history = try await client.execute(uri: "/history", method: .get, headers: cookie)
            #expect(history.text.contains("href=\"/history/1/undo\""))
            let question = try await client.execute(uri: "/history/1/undo", method: .get, headers: cookie)
            #expect(question.status == .ok && question.text.contains("action=\"/history/1/undo\""))
            #expect(try fixture.store().clientCount() == 1, "asking changes nothing")
            var headers = Self.formType
            for field in cookie { headers.append(field) }
            let undone = try await client.execute(uri: "/history/1/undo", method: .post, headers: headers, body: Self.form([("csrf", csrf)]))
            #expect(undone.status == .ok)
        }
        #expect(try fixture.store().clientCount() == 0)
    }

    @Test func everyLanguageHasEveryWord() {
        let keys = Set(Localization.strings["en"]!.keys)
        for language in Localization.languages {
            #expect(Set(Localization.strings[language]?.keys ?? [:].keys) == keys, "\(language)")
        }
    }
}
