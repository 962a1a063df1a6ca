import ClientBase
import Foundation
import Importer
import TestSupport
import Testing

@Suite struct RuleOptionsTests {
    let fixture: ImportFixture

    init() throws {
        fixture = try ImportFixture()
    }

    @Test func unmappedColumnsBecomeNewTextCustomFieldsOnlyWhenAsked() throws {
        let odoo = "\(repositoryRoot)/examples/odoo.csv"
        let plain = try fixture.run(odoo) { $0.dryRun = true }
        #expect(plain.status == .checked)
        #expect(try fixture.store.catalog().customFields.isEmpty)

        let kept = try fixture.run(odoo) { $0.rules.keepUnmappedAsCustomFields = true }
        #expect(kept.status == .imported, "\(kept.errors)")
        let fields = try fixture.store.catalog().customFields
        #expect(fields.contains(CustomFieldDefinition(name: "Tax ID", type: .text)))
        #expect(fields.contains(CustomFieldDefinition(name: "Job Position", type: .text)))
        #expect(kept.warnings.contains { $0.message.contains("\"Tax ID\" is kept as a new text custom field") })
        let bakery = try #require(try fixture.allClients().first { $0.name == "Boulangerie Hélène" })
        #expect(bakery.customFields["Tax ID"] == "FR40303265045")
    }

    @Test func aCountryCodeIsPutBeforeNationalNumbersWhenGiven() throws {
        let path = try fixture.workbook(rows: [ImportFixture.row(["name": "Jean", "phone": "06 12 34 56 78, +44 20 7123 4567"])])
        #expect(try fixture.run(path) { $0.rules.phoneCountryCode = "33" }.status == .imported)
        #expect(try fixture.store.client(id: 1)?.phones == ["33612345678", "442071234567"])
    }
}
