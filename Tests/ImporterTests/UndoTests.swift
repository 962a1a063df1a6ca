import ClientBase
import Foundation
import Importer
import Testing

@Suite struct UndoTests {
    let fixture: ImportFixture

    init() throws {
        fixture = try ImportFixture()
        try fixture.store.addCustomField(CustomFieldDefinition(name: "Appareil", type: .text))
    }

    @Test func undoingABatchRestoresTheEarlierExportExactly() throws {
        _ = try fixture.run(try fixture.workbook("first.xlsx", rows: [
            ImportFixture.row(["name": "Jean", "phone": "0612345678", "balance": "100"], custom: ["iPhone 12"]),
            ImportFixture.row(["name": "Amélie", "email": "amelie@example.fr"], custom: [""]),
        ], extraHeaders: ["Appareil"]))
        let before = try fixture.cells(of: try fixture.export("before.xlsx"))

        var edited = before
        let phone = ImportFixture.columnIndex["phone"]!, balance = ImportFixture.columnIndex["balance"]!
        edited[1][phone] = "0699999999"
        edited[1][balance] = "-20.5"
        edited[1][18] = "Pixel 8"
        edited.append(ImportFixture.row(["name": "Noël", "balance": "7"], custom: ["Galaxy"]))
        let second = try fixture.run(try fixture.workbook("edited.xlsx", rows: Array(edited.dropFirst()), extraHeaders: ["Appareil"]))
        #expect(second.counts == BatchCounts(rows: 3, created: 1, updated: 1, unchanged: 1, balanceCorrections: 2))

        try fixture.store.undo(batch: try #require(second.batch), employeeID: 1, comment: "Annulation de l'importation 2")
        let after = try fixture.cells(of: try fixture.export("after.xlsx"))
        #expect(after == before)
        let ledger = try fixture.store.balanceHistory(clientID: 1)
        #expect(ledger.map(\.amount.description) == ["100", "-120.5", "120.5"])
        #expect(ledger.last?.comment == "Annulation de l'importation 2")
    }
}
