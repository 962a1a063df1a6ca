import ClientBase
import Foundation
import Importer
import TestSupport
import Testing

@Suite struct ConverterTests {
    let fixture: ImportFixture

    init() throws {
        fixture = try ImportFixture()
    }

    @Test func aForeignExportBecomesTemplatePartsWithoutIDsThatImportBack() throws {
        var options = ImportOptions()
        options.plugin = .auto
        let converter = Converter(options: options, searchPath: SearchPath(roots: [repositoryRoot]), language: "fr", rowsPerFile: 2)
        let output = fixture.folder.file("remonline.xlsx")
        let (report, parts) = try converter.convert("\(repositoryRoot)/examples/google-contacts.csv", to: output, settingsFrom: nil)
        #expect(report.status == .imported)
        #expect(report.plugin == "google-contacts")
        #expect(parts.map(\.clients) == [2, 1])
        #expect(parts.map { ($0.path as NSString).lastPathComponent } == ["remonline-1.xlsx", "remonline-2.xlsx"])
        let first = try fixture.cells(of: parts[0].path)
        #expect(first[0].prefix(2) == ["ID client", "Nom"])
        #expect(first.dropFirst().allSatisfy { $0.first == "" })
        #expect(try fixture.store.clientCount() == 0)

        for part in parts {
            let imported = try fixture.run(part.path) { $0.plugin = .templateOnly }
            #expect(imported.status == .imported, "\(imported.errors)")
        }
        #expect(try fixture.store.clientCount() == 3)
    }

    @Test func aFileWithErrorsWritesNothing() throws {
        let source = try fixture.workbook(rows: [ImportFixture.row(["email": "x"])])
        let converter = Converter(options: ImportOptions(), searchPath: SearchPath(roots: [repositoryRoot]), language: "fr", rowsPerFile: 5000)
        let output = fixture.folder.file("out.xlsx")
        let (report, parts) = try converter.convert(source, to: output, settingsFrom: nil)
        #expect(report.status == .rejected)
        #expect(parts.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: output))
    }
}
