import ClientBase
import Foundation
import TestSupport
import Testing

/// `employees password` and `employees token`, run as the real binary.
@Suite struct EmployeeAccessTests {
    let folder: TemporaryDirectory
    var database: String { folder.file("clients.sqlite") }

    init() throws {
        folder = try TemporaryDirectory()
    }

    @discardableResult
    func clientimport(_ arguments: String..., input: String? = nil) throws -> ProcessResult {
        try runProcess(clientimportBinary(), arguments, environment: ["CLIENTIMPORT_DB": database],
                       currentDirectory: folder.path, input: input)
    }

    @Test func aPasswordFromStandardInputIsStoredAsABcryptHashOnly() throws {
        let result = try clientimport("employees", "password", "Administrator", input: "correct horse battery\n")
        #expect(result.status == 0, "\(result.standardError)")
        let store = try SQLiteClientStore(path: database)
        let hash = try #require(try store.passwordHash(employee: "Administrator")?.hash)
        #expect(hash.hasPrefix("$2b$12$") && hash.count == 60)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: database))
            + ((try? Data(contentsOf: URL(fileURLWithPath: database + "-wal"))) ?? Data())
        #expect(bytes.range(of: Data("correct horse".utf8)) == nil)
    }

    @Test(arguments: [("short\n", "too short"), ("\n", "no password"), ("", "no password"),
                      (String(repeating: "é", count: 40) + "\n", "too long")])
    func aPasswordThatCannotBeUsedIsRefusedAndNothingChanges(input: String, message: String) throws {
        let result = try clientimport("employees", "password", "Administrator", input: input)
        #expect(result.status == 64)
        #expect(result.standardError.contains(message), "\(result.standardError)")
        #expect(try SQLiteClientStore(path: database).anyEmployeeHasPassword() == false)
    }

    @Test func anUnknownEmployeeIsNamedWithTheFix() throws {
        let result = try clientimport("employees", "password", "Nobody", input: "long enough password\n")
        #expect(result.status == 1)
        #expect(result.standardError.contains("no employee \"Nobody\"") && result.standardError.contains("employees add"))
    }

    @Test func aTokenIsPrintedOnceStoredAsItsDigestAndRevoked() throws {
        let first = try clientimport("employees", "token", "Administrator")
        #expect(first.status == 0, "\(first.standardError)")
        let token = first.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.count == 64 && token.allSatisfy(\.isHexDigit))
        let second = try clientimport("employees", "token", "Administrator")
        #expect(second.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) != token)

        let store = try SQLiteClientStore(path: database)
        #expect(try store.employee(apiTokenSHA256: token) == nil, "the token itself is not stored")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: database))
            + ((try? Data(contentsOf: URL(fileURLWithPath: database + "-wal"))) ?? Data())
        #expect(bytes.range(of: Data(token.utf8)) == nil)

        let revoked = try clientimport("employees", "token", "Administrator", "--revoke")
        #expect(revoked.status == 0)
        #expect(revoked.standardOutput.contains("Revoked 2 API tokens"))
    }

    @Test func aRoleMayBeGivenTheSettingsRight() throws {
        #expect(try clientimport("roles", "add", "Gérant", "--can-manage-settings").status == 0)
        let roles = try SQLiteClientStore(path: database).catalog().roles
        #expect(roles.last == Role(name: "Gérant", canAdjustBalance: false, canManageSettings: true))
    }
}
