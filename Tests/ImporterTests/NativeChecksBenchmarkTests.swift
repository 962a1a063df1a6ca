import ClientBase
@_spi(Benchmark) import Importer
import TestSupport
import Testing

/// `bench native` counts what it checked: every row, every mapped cell, and the rows the native
/// checks refuse (no timing is asserted).
@Suite struct NativeChecksBenchmarkTests {
    @Test func countsRowsCellsAndRefusedRows() throws {
        let folder = try TemporaryDirectory()
        // The English template's headers in order, then a custom field; cells by header.
        let headers = ["Client ID", "Name", "Phone number", "Address", "Email", "Last name", "Company", "Supplier", "Conflicted",
                       "Notes", "Marketing source", "Discount card", "Discount on goods in sales",
                       "Discount on services in orders and invoices", "Discount on goods/materials in orders and invoices",
                       "Price type in sales", "Price type in orders and invoices", "Balance", "Birthday"]
        let rows: [[String: String]] = [
            ["Name": "Anna", "Phone number": "+33 6 12 34 56 78", "Email": "anna@example.fr", "Company": "Oui", "Balance": "12.50", "Birthday": "1990-02-28"],
            ["Phone number": "0612345678", "Email": "anna@", "Company": "maybe", "Balance": "1e99", "Birthday": "1990-02-30"],
            ["Name": "Boris"],
        ]
        let lines = [headers.joined(separator: ",")] + rows.map { row in headers.map { row[$0] ?? "" }.joined(separator: ",") }
        let file = try folder.write("template.csv", lines.joined(separator: "\n") + "\n")
        let catalog = Catalog(customFields: [CustomFieldDefinition(name: "Birthday", type: .date)])
        let result = try NativeChecksBenchmark.run(path: file, catalog: catalog, searchPath: SearchPath(roots: [repositoryRoot]), passes: 2)
        #expect(result.rows == 3)
        #expect(result.cells == 3 * headers.count)
        // Row 2: no name, a bad email, yes-no, amount and date.
        #expect(result.rowsWithErrors == 1)
        #expect(result.firstError?.contains("name: required") == true)
        #expect(result.seconds >= 0)
    }
}
