import ClientBase
import Foundation
import Hummingbird
import HummingbirdTesting
import Importer
import NIOCore
@testable import Server
import TestSupport

/// A base with an Administrator who has a password and an API token, an employee "Léa" whose
/// role may not adjust balances (with her own token), and the server over it.
final class ServerFixture: @unchecked Sendable {
    let folder: TemporaryDirectory
    var databasePath: String { folder.file("clients.sqlite") }
    let adminToken = Credentials.newToken()
    let leaToken = Credentials.newToken()
    static let password = "correct horse battery"

    init(configure: (inout ServerSettings) -> Void = { _ in }) throws {
        folder = try TemporaryDirectory()
        let store = try SQLiteClientStore(path: folder.file("clients.sqlite"))
        // A low bcrypt cost keeps the tests quick; the cost is bcrypt's own parameter, not our code.
        try store.setPasswordHash(try Credentials.hashPassword(Self.password, cost: 4), employee: "Administrator")
        try store.addRole(Role(name: "Accueil", canAdjustBalance: false))
        try store.addEmployee(name: "Léa", role: "Accueil")
        try store.setPasswordHash(try Credentials.hashPassword(Self.password, cost: 4), employee: "Léa")
        try store.addAPIToken(sha256: Credentials.digest(ofToken: adminToken), employee: "Administrator")
        try store.addAPIToken(sha256: Credentials.digest(ofToken: leaToken), employee: "Léa")
        var settings = ServerSettings(databasePath: folder.file("clients.sqlite"))
        settings.port = 0
        settings.searchPath = SearchPath(roots: [repositoryRoot])
        configure(&settings)
        self.settings = settings
    }

    var settings: ServerSettings

    func store() throws -> SQLiteClientStore { try SQLiteClientStore(path: databasePath) }

    /// Runs `body` against the real router (no sockets) or a live server on loopback.
    func test(_ setup: TestingSetup = .router, _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await ClientServer(settings: settings).application().test(setup, body)
    }

    func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }

    /// The French template's headers, in order, and a CSV row from field positions.
    static let frenchHeaders = frenchTemplateHeaders

    /// A French template CSV: name, phone, email and balance per row.
    static func csv(_ rows: [(name: String, phone: String, email: String, balance: String)]) -> String {
        var lines = [frenchHeaders.joined(separator: ";")]
        for row in rows {
            var cells = Array(repeating: "", count: frenchHeaders.count)
            cells[1] = row.name; cells[2] = row.phone; cells[4] = row.email; cells[17] = row.balance
            lines.append(cells.joined(separator: ";"))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static let boundary = "----clientimport-test-boundary"

    /// A multipart/form-data body with a file part and text fields.
    static func multipart(file: String, fileName: String = "clients.csv", fields: [String: String] = [:]) -> ByteBuffer {
        var text = ""
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            text += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
        }
        text += "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(fileName)\"\r\n"
        text += "Content-Type: text/csv\r\n\r\n\(file)\r\n--\(boundary)--\r\n"
        return ByteBuffer(string: text)
    }

    func uploadHeaders(_ token: String) -> HTTPFields {
        [.authorization: "Bearer \(token)", .contentType: "multipart/form-data; boundary=\(Self.boundary)"]
    }

    /// What the upload folder beside the base holds (nothing, once requests are answered).
    func leftoverUploads() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.file(".clientimport-uploads"))
    }
}

extension TestResponse {
    /// The body parsed as a JSON object.
    var object: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(String(buffer: body).utf8))) as? [String: Any] ?? [:]
    }

    var array: [[String: Any]] {
        (try? JSONSerialization.jsonObject(with: Data(String(buffer: body).utf8))) as? [[String: Any]] ?? []
    }

    var text: String { String(buffer: body) }
}
