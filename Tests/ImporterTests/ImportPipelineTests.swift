import ClientBase
import Foundation
import Importer
import Testing

@Suite struct ImportPipelineTests {
    let fixture: ImportFixture

    init() throws {
        fixture = try ImportFixture()
    }

    @Test func createsClientsWithTypedFieldsAndOneCorrectionPerBalance() throws {
        let path = try fixture.workbook(rows: [
            ImportFixture.row(["name": "Jean", "last_name": "Dupont", "phone": "+33 6 12 34 56 78, 33145678901",
                               "email": "jean@example.fr", "juridical": "Oui", "discount_goods": "10,5", "balance": "-250,50"]),
            ImportFixture.row(["name": "Amélie", "balance": "0"]),
        ])
        let report = try fixture.run(path)
        #expect(report.status == .imported)
        #expect(report.errors.isEmpty)
        #expect(report.counts == BatchCounts(rows: 2, created: 2, updated: 0, unchanged: 0, balanceCorrections: 1))
        let jean = try #require(try fixture.store.client(id: 1))
        #expect(jean.phones == ["33612345678", "33145678901"])
        #expect(jean.juridical && !jean.supplier)
        #expect(jean.discountGoods == ExactDecimal("10.5"))
        #expect(jean.balance == ExactDecimal("-250.5"))
        let ledger = try fixture.store.balanceHistory(clientID: 1)
        #expect(ledger.map(\.comment) == ["Correction de solde par importation"])
        #expect(try fixture.store.balanceHistory(clientID: 2).isEmpty)
    }

    /// Rows are checked a batch (`ImportPipeline.batchRows`) at a time: every row of a long file
    /// keeps its own values, errors and cells, on either side of a batch boundary.
    @Test func rowsAcrossBatchBoundariesKeepTheirOwnValuesAndErrors() throws {
        let rows = (1...2_500).map { n in
            ImportFixture.row(["name": "Client \(n)", "phone": "+33 6 \(String(10_000_000 + n))",
                               "juridical": n % 2 == 0 ? "Oui" : "", "balance": n % 3 == 0 ? "\(n),5" : ""])
        }
        let path = try fixture.workbook(rows: rows)
        let report = try fixture.run(path) { $0.rowLimit = .unlimited }
        #expect(report.status == .imported)
        #expect(report.counts == BatchCounts(rows: 2_500, created: 2_500, updated: 0, unchanged: 0, balanceCorrections: 833))
        for n in [1, 999, 1_000, 1_001, 2_000, 2_001, 2_500] {
            let client = try #require(try fixture.store.client(id: Int64(n)))
            #expect(client.name == "Client \(n)")
            #expect(client.phones == ["336\(10_000_000 + n)"])
            #expect(client.juridical == (n % 2 == 0))
            #expect(client.balance == (n % 3 == 0 ? ExactDecimal("\(n).5")! : .zero))
        }

        var bad = rows
        for n in [1, 1_000, 1_001, 2_500] { bad[n - 1] = ImportFixture.row(["name": "", "juridical": "peut-être"]) }
        let rejected = try ImportFixture().run(try fixture.workbook("bad.xlsx", rows: bad)) { $0.rowLimit = .unlimited }
        #expect(rejected.status == .rejected)
        // Row n of the data is row n + 1 of the sheet; Name is column B, Company column G.
        #expect(rejected.errors.map(\.cell) == ["B2", "G2", "B1001", "G1001", "B1002", "G1002", "B2501", "G2501"])
    }

    @Test func exportThenImportTheUnchangedFileChangesNothing() throws {
        try fixture.store.addMarketingSources(["Google"])
        try fixture.store.addCustomField(CustomFieldDefinition(name: "Passeport", type: .text))
        try fixture.store.addCustomField(CustomFieldDefinition(name: "VIP", type: .yesNo))
        let first = try fixture.workbook(rows: [
            ImportFixture.row(["name": "Jean", "phone": "0612345678", "marketing_source": "Google", "balance": "12.5",
                               "discount_services": "5"], custom: ["AB 123", "Oui"]),
            ImportFixture.row(["name": "Noël", "conflicted": "Oui"], custom: ["", ""]),
        ], extraHeaders: ["Passeport", "VIP"])
        #expect(try fixture.run(first).status == .imported)

        let export = try fixture.export()
        let again = try fixture.run(export)
        #expect(again.status == .imported)
        #expect(again.counts == BatchCounts(rows: 2, created: 0, updated: 0, unchanged: 2, balanceCorrections: 0))
        #expect(again.warnings.isEmpty)
    }

    @Test func editingAPhoneAndABalanceInAnExportUpdatesExactlyThatClient() throws {
        _ = try fixture.run(try fixture.workbook(rows: [
            ImportFixture.row(["name": "Jean", "phone": "33612345678", "balance": "100"]),
            ImportFixture.row(["name": "Amélie", "phone": "33698765432", "balance": "20"]),
        ]))
        var rows = try fixture.cells(of: try fixture.export())
        let phone = ImportFixture.columnIndex["phone"]!, balance = ImportFixture.columnIndex["balance"]!
        rows[1][phone] = "33611111111"
        rows[1][balance] = "75.25"
        let edited = try fixture.workbook("edited.xlsx", rows: Array(rows.dropFirst()))

        let report = try fixture.run(edited)
        #expect(report.counts == BatchCounts(rows: 2, created: 0, updated: 1, unchanged: 1, balanceCorrections: 1))
        let jean = try #require(try fixture.store.client(id: 1))
        #expect(jean.phones == ["33611111111"])
        #expect(jean.balance == ExactDecimal("75.25"))
        let last = try #require(try fixture.store.balanceHistory(clientID: 1).last)
        #expect(last.amount == ExactDecimal("-24.75"))
        #expect(last.comment == "Correction de solde par importation")
        #expect(try fixture.store.client(id: 2)?.balance == ExactDecimal(20))
    }

    @Test func anUnknownClientIDCreatesANewClientAndWarns() throws {
        let report = try fixture.run(try fixture.workbook(rows: [ImportFixture.row(["id": "999", "name": "Jean"])]))
        #expect(report.status == .imported)
        #expect(report.counts.created == 1)
        #expect(report.warnings.first?.cell == "A2")
        #expect(report.warnings.first?.message.contains("pas de client avec l'ID 999") == true)
        #expect(try fixture.store.client(id: 999) == nil)
    }

    @Test func aDryRunReportsWhatWouldChangeAndChangesNothing() throws {
        let before = try fixture.databaseBytes()
        let report = try fixture.run(try fixture.workbook(rows: [ImportFixture.row(["name": "Jean", "balance": "5"])])) {
            $0.dryRun = true
        }
        #expect(report.status == .checked)
        #expect(report.counts.created == 1 && report.counts.balanceCorrections == 1)
        #expect(report.batch == nil)
        #expect(try fixture.store.clientCount() == 0)
        #expect(try fixture.store.history().isEmpty)
        #expect(try fixture.databaseBytes() == before)
    }

    @Test(arguments: [DuplicateCase.create, .skip, .update])
    func duplicatesFollowTheChosenPolicy(_ policy: DuplicateCase) throws {
        _ = try fixture.run(try fixture.workbook(rows: [ImportFixture.row(["name": "Jean", "email": "jean@example.fr"])]))
        let report = try fixture.run(try fixture.workbook("again.xlsx", rows: [
            ImportFixture.row(["name": "Jean D.", "email": "JEAN@example.fr"]),
        ])) { $0.onDuplicate = policy.option }
        #expect(report.status == .imported)
        #expect(report.warnings.count == 1)
        #expect(report.warnings.first?.message.contains("appartient déjà au client 1") == true)
        let names = try fixture.allClients().map(\.name)
        #expect(names == policy.expectedNames)
    }

    /// Into a base without clients the probes of keys the import never stored are skipped
    /// (`StoredKeyFilter`): every duplicate among the file's own rows is still found, by email
    /// in another case, by phone, and by a phone that an earlier row gave its client by ID.
    @Test func duplicatesAmongTheRowsOfAnImportIntoAnEmptyBaseAreFound() throws {
        let report = try fixture.run(try fixture.workbook(rows: [
            ImportFixture.row(["name": "A", "email": "a.b@example.fr", "phone": "+33 6 11 11 11 11"]),
            ImportFixture.row(["name": "B", "email": "A.B@Example.FR"]),
            ImportFixture.row(["name": "C", "phone": "+33 6 11 11 11 11"]),
            ImportFixture.row(["id": "1", "name": "A", "email": "a.b@example.fr", "phone": "+33 6 22 22 22 22"]),
            ImportFixture.row(["name": "D", "phone": "+33 6 22 22 22 22"]),
            ImportFixture.row(["name": "E", "email": "e@example.fr", "phone": "+33 6 33 33 33 33"]),
        ]))
        #expect(report.status == .imported)
        #expect(report.counts.created == 5 && report.counts.updated == 1)
        let duplicates = report.warnings.filter { $0.message.contains("appartient déjà au client 1") }
        #expect(duplicates.map(\.row) == [3, 4, 6])
        #expect(report.warnings.filter { $0.message.contains("appartient déjà") }.count == 3)
    }

    @Test func everyErrorOfTheFileIsReportedInTheTemplateLanguage() throws {
        let report = try fixture.run(try fixture.workbook(rows: [
            ImportFixture.row(["email": "a@x.fr, b@y.fr"]),
            ImportFixture.row(["name": "Ok"]),
            ImportFixture.row(["name": "Jean", "discount_goods": "101", "juridical": "peut-être"]),
        ]))
        #expect(report.status == .rejected)
        #expect(report.errors.map(\.cell) == ["B2", "E2", "G4", "M4"])
        #expect(report.errors[0].message == "est obligatoire et vide")
        #expect(report.errors[0].column == "Nom")
        #expect(report.errors[1].value == "a@x.fr, b@y.fr")
        #expect(try fixture.store.clientCount() == 0)
    }

    @Test func customFieldValuesAreCheckedByTheirType() throws {
        try fixture.store.addCustomField(CustomFieldDefinition(name: "Date de naissance", type: .date))
        try fixture.store.addCustomField(CustomFieldDefinition(name: "Points", type: .number))
        let report = try fixture.run(try fixture.workbook(rows: [
            ImportFixture.row(["name": "Jean"], custom: ["14.07.1989", "12,5"]),
            ImportFixture.row(["name": "Amélie"], custom: ["demain", "beaucoup"]),
        ], extraHeaders: ["Date de naissance", "Points"]))
        #expect(report.status == .rejected)
        #expect(report.errors.map(\.cell) == ["S3", "T3"])
        #expect(report.errors.map(\.column) == ["Date de naissance", "Points"])
    }
}

enum DuplicateCase: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case create, skip, update
    var option: ImportOptions.DuplicatePolicy { ImportOptions.DuplicatePolicy(rawValue: rawValue)! }
    var expectedNames: [String] {
        switch self {
        case .create: ["Jean", "Jean D."]
        case .skip: ["Jean"]
        case .update: ["Jean D."]
        }
    }
    var testDescription: String { rawValue }
}

extension ImportPipelineTests {
    @Test func theImportsOwnMessagesFollowTheTemplatesLanguage() throws {
        try fixture.store.addRole(Role(name: "Прийом", canAdjustBalance: false))
        try fixture.store.addEmployee(name: "Оля", role: "Прийом")
        let ukrainian = ["ID клієнта", "Ім'я", "Телефон", "Адреса", "Email", "Прізвище", "Юр. особа", "Постачальник",
                         "Конфліктний", "Примітка", "Рекламна кампанія", "Дисконтна картка", "Знижка на товари в продажах",
                         "Знижка на послуги в замовленнях і рахунках", "Знижка на товари/матеріали в замовленнях і рахунках",
                         "Тип цін у продажах", "Тип цін у замовленнях і рахунках", "Баланс"]
        let path = try fixture.workbook(rows: [ImportFixture.row(["id": "77", "name": "Олена", "balance": "10"])], headers: ukrainian)
        let report = try fixture.run(path) { $0.employee = "Оля" }
        #expect(report.language == "uk")
        #expect(report.warnings.first?.message.hasPrefix("клієнта з ID 77 немає") == true)
        #expect(report.errors.first?.message.hasPrefix("зміна балансу потребує ролі") == true)
        #expect(report.errors.first?.column == "Баланс")
    }
}
