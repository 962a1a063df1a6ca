@testable import ClientBase
import Foundation
import TestSupport
import Testing

/// What `serve` keeps in the base: passwords, API tokens, sessions, failed sign-ins, and the
/// "can manage settings" right — and the upgrade of a base made before them.
@Suite struct AccessStoreTests {
    let folder: TemporaryDirectory
    let store: SQLiteClientStore

    init() throws {
        folder = try TemporaryDirectory()
        store = try SQLiteClientStore(path: folder.file("base.sqlite"))
    }

    @Test func aVersion4BaseIsUpgradedWithItsRolesEmployeesAndClients() throws {
        let path = folder.file("v4.sqlite")
        let raw = try SQLiteRaw(path: path)
        // A base exactly as schema version 4 made it, with data of its own.
        for migration in Schema.migrations.prefix(4) { #expect(raw.execute(migration) == "") }
        #expect(raw.execute("""
            PRAGMA user_version = 4;
            INSERT INTO roles(name, can_adjust_balance) VALUES ('Accueil', 0);
            INSERT INTO employees(name, role_id) VALUES ('Léa', 2);
            INSERT INTO clients(name) VALUES ('Marie');
            """) == "")

        let upgraded = try SQLiteClientStore(path: path)
        #expect(raw.rows("PRAGMA user_version") == [["\(Schema.migrations.count)"]])
        let catalog = try upgraded.catalog()
        #expect(catalog.roles == [
            Role(name: "Administrator", canAdjustBalance: true, canManageSettings: true),
            Role(name: "Accueil", canAdjustBalance: false, canManageSettings: false),
        ])
        #expect(catalog.employees.map(\.hasPassword) == [false, false])
        #expect(try upgraded.anyEmployeeHasPassword() == false)
        #expect(try upgraded.client(id: 1)?.name == "Marie")
        #expect(raw.rows("PRAGMA integrity_check") == [["ok"]])
        #expect(raw.rows("PRAGMA foreign_key_check") == [])
    }

    @Test(arguments: Backend.all)
    func aPasswordHashIsStoredAndEndsTheOldSessions(_ backend: Backend) throws {
        let store = try BackendBase(backend).store
        #expect(try store.anyEmployeeHasPassword() == false)
        try store.createSession(tokenSHA256: "s1", employeeID: 1, csrfToken: "c", expiresAt: 200, now: 100)
        try store.setPasswordHash("$2b$12$hash", employee: "Administrator")
        #expect(try store.anyEmployeeHasPassword())
        let record = try #require(try store.passwordHash(employee: "Administrator"))
        #expect(record.hash == "$2b$12$hash")
        #expect(record.employee.canManageSettings && record.employee.hasPassword)
        #expect(try store.session(tokenSHA256: "s1", now: 150) == nil)
    }

    @Test(arguments: Backend.all)
    func anUnknownEmployeeGetsNoPasswordOrTokenAndChangesNothing(_ backend: Backend) throws {
        let store = try BackendBase(backend).store
        #expect(throws: StoreError.self) { try store.setPasswordHash("x", employee: "Nobody") }
        #expect(throws: StoreError.self) { try store.addAPIToken(sha256: "t", employee: "Nobody") }
        #expect(try store.passwordHash(employee: "Nobody") == nil)
        #expect(try store.passwordHash(employee: "Administrator") == nil)
        #expect(try store.employee(apiTokenSHA256: "t") == nil)
    }

    @Test(arguments: Backend.all)
    func tokensFindTheirEmployeeUntilRevoked(_ backend: Backend) throws {
        let store = try BackendBase(backend).store
        try store.addRole(Role(name: "Accueil", canAdjustBalance: false))
        try store.addEmployee(name: "Léa", role: "Accueil")
        try store.addAPIToken(sha256: "a", employee: "Léa")
        try store.addAPIToken(sha256: "b", employee: "Léa")
        try store.addAPIToken(sha256: "c", employee: "Administrator")
        let lea = try #require(try store.employee(apiTokenSHA256: "b"))
        #expect(lea.name == "Léa" && !lea.canAdjustBalance && !lea.canManageSettings)
        #expect(try store.revokeAPITokens(employee: "Léa") == 2)
        #expect(try store.employee(apiTokenSHA256: "a") == nil)
        #expect(try store.employee(apiTokenSHA256: "c")?.name == "Administrator")
    }

    @Test(arguments: Backend.all)
    func sessionsExpireAndAreSharedByEveryConnection(_ backend: Backend) throws {
        let base = try BackendBase(backend), store = base.store
        try store.createSession(tokenSHA256: "s1", employeeID: 1, csrfToken: "csrf1", expiresAt: 200, now: 100)
        let other = try base.reopen()
        #expect(try other.session(tokenSHA256: "s1", now: 150)?.csrfToken == "csrf1")
        #expect(try other.session(tokenSHA256: "s1", now: 200) == nil)
        #expect(try other.session(tokenSHA256: "unknown", now: 150) == nil)
        // A new session sweeps the expired ones out of the base.
        try other.createSession(tokenSHA256: "s2", employeeID: 1, csrfToken: "csrf2", expiresAt: 400, now: 300)
        #expect(try base.rows("SELECT token_sha256 FROM sessions") == [["s2"]])
        try store.deleteSession(tokenSHA256: "s2")
        #expect(try other.session(tokenSHA256: "s2", now: 300) == nil)
    }

    @Test(arguments: Backend.all)
    func failedSignInsAreCountedPerNameAndForgotten(_ backend: Backend) throws {
        let store = try BackendBase(backend).store
        for at: Int64 in [10, 20, 30] { try store.recordFailedSignIn(employeeName: "Léa", at: at, forgetBefore: 0) }
        try store.recordFailedSignIn(employeeName: "Max", at: 30, forgetBefore: 0)
        #expect(try store.failedSignIns(employeeName: "Léa", since: 15) == [20, 30])
        try store.recordFailedSignIn(employeeName: "Max", at: 40, forgetBefore: 25)
        #expect(try store.failedSignIns(employeeName: "Léa", since: 0) == [30])
        try store.clearFailedSignIns(employeeName: "Léa")
        #expect(try store.failedSignIns(employeeName: "Léa", since: 0) == [])
        #expect(try store.failedSignIns(employeeName: "Max", since: 0) == [30, 40])
    }

    @Test(arguments: Backend.all)
    func aRoleMayBeGivenTheSettingsRight(_ backend: Backend) throws {
        let store = try BackendBase(backend).store
        try store.addRole(Role(name: "Gérant", canAdjustBalance: true, canManageSettings: true))
        try store.addEmployee(name: "Paul", role: "Gérant")
        #expect(try store.employee(named: "Paul")?.canManageSettings == true)
        try store.addRole(Role(name: "Gérant", canAdjustBalance: true, canManageSettings: false))
        #expect(try store.employee(named: "Paul")?.canManageSettings == false)
    }
}

/// The Clients page's search, alike on both backends.
@Suite struct ClientSearchTests {
    func searchable(_ backend: Backend) throws -> any ClientBaseStore {
        let store = try BackendBase(backend).store
        try store.transaction {
            let batch = try store.beginBatch(BatchSource(fileName: "f", fileSHA256: "", ruleSet: "r", plugin: "", employeeID: 1))
            for (name, phone, email) in [("Marie Dupont", "33612345678", "marie@example.fr"), ("Jean 100%", "33798765432", ""),
                                         ("Anna_B", "", "ANNA@EXAMPLE.COM"), ("Émile Zoé", "", "")] {
                var client = Client(id: 0, name: name)
                client.phones = phone.isEmpty ? [] : [phone]
                client.email = email
                _ = try store.insertClient(client, batch: batch, sourceRow: 2)
            }
        }
        return store
    }

    @Test(arguments: Backend.all)
    func findsByNamePhoneDigitsOrEmailInAnyCase(_ backend: Backend) throws {
        let store = try searchable(backend)
        #expect(try store.searchClients(query: "dupont", offset: 0, limit: 10).clients.map(\.id) == [1])
        #expect(try store.searchClients(query: "+33 6 12", offset: 0, limit: 10).clients.map(\.id) == [1])
        #expect(try store.searchClients(query: "anna@example", offset: 0, limit: 10).clients.map(\.id) == [3])
        #expect(try store.searchClients(query: "", offset: 0, limit: 10).total == 4)
    }

    @Test(arguments: Backend.all)
    func wildcardsInTheQueryMatchThemselves(_ backend: Backend) throws {
        let store = try searchable(backend)
        #expect(try store.searchClients(query: "%", offset: 0, limit: 10).clients.map(\.id) == [2])
        #expect(try store.searchClients(query: "_", offset: 0, limit: 10).clients.map(\.id) == [3])
    }

    @Test(arguments: Backend.all)
    func pagesCountTheWholeMatch(_ backend: Backend) throws {
        let store = try searchable(backend)
        let page = try store.searchClients(query: "", offset: 1, limit: 1)
        #expect(page.total == 4 && page.clients.map(\.id) == [2])
        #expect(try store.searchClients(query: "", offset: 5, limit: 10).clients.isEmpty)
    }
}

extension ClientSearchTests {
    /// Both backends fold A-Z only, as SQLite's LIKE does: "émile" does not find "Émile".
    @Test(arguments: Backend.all)
    func onlyASCIILettersAreFoldedAndAnUndoneClientIsNotFound(_ backend: Backend) throws {
        let store = try searchable(backend)
        #expect(try store.searchClients(query: "ZOÉ", offset: 0, limit: 10).clients.map(\.id) == [])
        #expect(try store.searchClients(query: "mile z", offset: 0, limit: 10).clients.map(\.id) == [4])
        #expect(try store.searchClients(query: "émile", offset: 0, limit: 10).clients.map(\.id) == [])
        #expect(try store.searchClients(query: "marie dupont", offset: 0, limit: 10).clients.map(\.id) == [1])
        #expect(try store.searchClients(query: "12 345", offset: 0, limit: 10).clients.map(\.id) == [1])
        _ = try store.undo(batch: 1, employeeID: 1, comment: "u")
        #expect(try store.searchClients(query: "", offset: 0, limit: 10).total == 0)
    }

    @Test(arguments: Backend.all)
    func pendingUploadsBelongToTheirEmployeeAndExpire(_ backend: Backend) throws {
        let store = try BackendBase(backend).store
        try store.addRole(Role(name: "Accueil", canAdjustBalance: false))
        try store.addEmployee(name: "Léa", role: "Accueil")
        let lea = try #require(try store.employee(named: "Léa"))
        #expect(try store.employee(id: lea.id)?.name == "Léa")
        #expect(throws: StoreError.self) { try store.addEmployee(name: "Léa", role: "Accueil") }
        #expect(throws: StoreError.self) { try store.addEmployee(name: "Max", role: "Nobody") }
        let old = PendingImport(id: "aa", employeeID: lea.id, fileName: "a.xlsx", fileExtension: "xlsx", optionsJSON: "{}", createdAt: 10)
        #expect(try store.addPendingImport(old, forgetBefore: 0) == [])
        #expect(try store.pendingImport(id: "aa", employeeID: lea.id) == old)
        #expect(try store.pendingImport(id: "aa", employeeID: 1) == nil)
        try store.setPendingImportExtension(id: "aa", fileExtension: "csv")
        #expect(try store.pendingImport(id: "aa", employeeID: lea.id)?.fileExtension == "csv")
        let new = PendingImport(id: "bb", employeeID: 1, fileName: "b.csv", fileExtension: "csv", optionsJSON: "{}", createdAt: 100)
        #expect(try store.addPendingImport(new, forgetBefore: 50) == ["aa"])
        #expect(try store.pendingImport(id: "aa", employeeID: lea.id) == nil)
        try store.removePendingImport(id: "bb")
        #expect(try store.pendingImport(id: "bb", employeeID: 1) == nil)
        #expect(try store.catalog().employees.map(\.name) == [ClientStores.administratorName, "Léa"])
    }
}
