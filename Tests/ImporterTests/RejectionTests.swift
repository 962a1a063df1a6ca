import ClientBase
import Foundation
import Importer
import Testing
import Workbook

/// Each rejection case of RemOnline's help rejects the whole file, names the row and column,
/// and leaves the base byte for byte as it was.
@Suite struct RejectionTests {
    let fixture: ImportFixture

    init() throws {
        fixture = try ImportFixture()
        try fixture.store.addMarketingSources(["Google"])
        try fixture.store.addPriceTypes(["Détail"])
        try fixture.store.addCustomField(CustomFieldDefinition(name: "Passeport", type: .text))
        try fixture.store.addRole(Role(name: "Réceptionniste", canAdjustBalance: false))
        try fixture.store.addEmployee(name: "Léa", role: "Réceptionniste")
        _ = try fixture.run(try fixture.workbook("seed.xlsx", rows: [ImportFixture.row(["name": "Existing", "balance": "10"])]))
    }

    private func expectRejected(_ rows: [[String]], extraHeaders: [String] = [], employee: String? = nil,
                                cell: String?, message: String) throws {
        let path = try fixture.workbook("bad.xlsx", rows: rows, extraHeaders: extraHeaders)
        let before = try fixture.databaseBytes()
        let report = try fixture.run(path) { $0.employee = employee }
        #expect(report.status == .rejected)
        let error = try #require(report.errors.first)
        #expect(error.cell == cell)
        #expect(error.message.contains(message), "\(error.message)")
        #expect(try fixture.databaseBytes() == before)
        #expect(try fixture.store.clientCount() == 1)
        #expect(try fixture.store.history().count == 1)
    }

    @Test func aMissingName() throws {
        try expectRejected([ImportFixture.row(["name": "Ok"]), ImportFixture.row(["phone": "33612345678"])],
                           cell: "B3", message: "obligatoire")
    }

    @Test func twoEmails() throws {
        try expectRejected([ImportFixture.row(["name": "Jean", "email": "a@x.fr, b@y.fr"])], cell: "E2", message: "plusieurs adresses")
    }

    @Test func aDiscountOver100() throws {
        try expectRejected([ImportFixture.row(["name": "Jean", "discount_services": "101"])], cell: "N2", message: "entre 0 et 100")
    }

    @Test func anUnknownMarketingSource() throws {
        try expectRejected([ImportFixture.row(["name": "Jean", "marketing_source": "Facebook"])], cell: "K2", message: "source marketing")
    }

    @Test func anUnknownPriceType() throws {
        try expectRejected([ImportFixture.row(["name": "Jean", "price_type_orders": "Gros"])], cell: "Q2", message: "type de prix")
    }

    @Test func anUnknownCustomFieldColumn() throws {
        try expectRejected([ImportFixture.row(["name": "Jean"], custom: ["x"])], extraHeaders: ["Passport"],
                           cell: "S1", message: "did you mean \"Passeport\"")
    }

    @Test func moreThan5000Rows() throws {
        let rows = (1...5001).map { ImportFixture.row(["name": "Client \($0)"]) }
        try expectRejected(rows, cell: nil, message: "5001 lignes de données et 5000 au plus")
    }

    @Test func aBalanceChangeByAnEmployeeWithoutThePermission() throws {
        try expectRejected([ImportFixture.row(["id": "1", "name": "Existing", "balance": "25"])], employee: "Léa",
                           cell: "R2", message: "« peut ajuster le solde du client »")
    }

    @Test func aReorderedHeaderSaysWhereTheColumnBelongs() throws {
        var headers = ImportFixture.frenchHeaders
        headers.swapAt(1, 5)
        let path = try fixture.workbook("swapped.xlsx", rows: [ImportFixture.row(["name": "Jean"])], headers: headers)
        let report = try fixture.run(path)
        #expect(report.status == .rejected)
        #expect(report.errors.first?.cell == "B1")
        #expect(report.errors.first?.message.contains("belongs in column F") == true)
    }

    @Test func anEmployeeWithoutThePermissionMayStillImportWithoutBalances() throws {
        let report = try fixture.run(try fixture.workbook(rows: [ImportFixture.row(["name": "Jean"])])) { $0.employee = "Léa" }
        #expect(report.status == .imported)
    }

    /// A pipe with no writer would block any reader, and a folder is not a file: both are refused
    /// before anything opens them, with the base untouched.
    @Test(.timeLimit(.minutes(1))) func aPipeOrAFolderIsRefused() throws {
        let pipe = fixture.folder.file("clients.csv")
        #expect(mkfifo(pipe, 0o600) == 0)
        let folder = fixture.folder.file("clients.xlsx")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        let before = try fixture.databaseBytes()
        for path in [pipe, folder] {
            let error = #expect(throws: WorkbookError.self) { try fixture.run(path) }
            #expect(error?.kind == .unreadable)
            #expect(error?.message.contains("not a regular file") == true)
        }
        #expect(try fixture.databaseBytes() == before)
    }
}

