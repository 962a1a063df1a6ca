import Foundation
import TestSupport
import Testing

/// Damage the reader tolerates is visible through the real binary: `inspect` prints the cells
/// and the warning on stderr (exit 0); an import reports it as a warning of its report.
@Suite struct WorkbookWarningTests: BinaryInFolder {
    let folder: TemporaryDirectory

    init() throws {
        folder = try TemporaryDirectory()
    }

    /// The English template's headers and one client whose name holds a lone surrogate escape,
    /// in a workbook whose relationships list a shared-string part the archive lacks.
    func damagedTemplate() throws -> String {
        let path = folder.file("damaged.xlsx")
        let script = #"""
            import sys, zipfile
            def inline(ref, text): return '<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref, text)
            headers = ["Client ID", "Name", "Phone number", "Address", "Email", "Last name", "Company", "Supplier",
                       "Conflicted", "Notes", "Marketing source", "Discount card", "Discount on goods in sales",
                       "Discount on services in orders and invoices", "Discount on goods/materials in orders and invoices",
                       "Price type in sales", "Price type in orders and invoices", "Balance"]
            sheet = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                     '<row r="1">' + "".join(inline(chr(65 + i) + "1", h) for i, h in enumerate(headers)) + '</row>'
                     '<row r="2">' + inline("B2", "Jo_xD800_hn") + inline("C2", "+380501234567") + '</row>'
                     '</sheetData></worksheet>')
            with zipfile.ZipFile(sys.argv[1], "w") as z:
                z.writestr("_rels/.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
                z.writestr("xl/workbook.xml", '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Clients" sheetId="1" r:id="rId1"/></sheets></workbook>')
                z.writestr("xl/_rels/workbook.xml.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
                z.writestr("xl/worksheets/sheet1.xml", sheet)
            """#
        _ = try Interop.python(script, [path])
        return path
    }

    @Test func inspectPrintsTheCellsAndTheWarningsOnStandardError() throws {
        let path = try damagedTemplate()
        for format in ["tsv", "json"] {
            let result = try clientimport(["inspect", path, "--format", format])
            #expect(result.status == 0, "\(result.standardError)")
            #expect(result.standardOutput.contains("Jo\u{FFFD}hn"))
            let lines = result.standardError.split(separator: "\n")
            #expect(lines.count == 2, "\(result.standardError)")
            #expect(lines.allSatisfy { $0.hasPrefix("clientimport: warning: ") })
            #expect(result.standardError.contains("xl/sharedStrings.xml is listed but missing"))
            #expect(result.standardError.contains("cell B2") && result.standardError.contains("U+FFFD"))
        }
        let tsv = try clientimport(["inspect", path])
        #expect(tsv.standardOutput.hasSuffix("\tBalance\n\tJo\u{FFFD}hn\t+380501234567" + String(repeating: "\t", count: 15) + "\n"))
    }

    @Test func importReportsTheWarnings() throws {
        let path = try damagedTemplate()
        let result = try clientimport(["import", path, "--dry-run", "--format", "json"])
        #expect(result.status == 0, "\(result.standardError)\(result.standardOutput)")
        let report = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
        let warnings = report?["warnings"] as? [[String: Any]] ?? []
        let messages = warnings.compactMap { $0["message"] as? String }
        #expect(messages.contains { $0.contains("xl/sharedStrings.xml") && $0.contains("missing") }, "\(warnings)")
        #expect(warnings.contains { ($0["row"] as? Int) == 2 && ($0["message"] as? String)?.contains("surrogate") == true }, "\(warnings)")
    }

    @Test func csvSepLineIsNotARow() throws {
        let path = folder.file("excel.csv")
        try Data("sep=;\r\nName;Phone\r\nAnna;+380501234567\r\n".utf8).write(to: URL(fileURLWithPath: path))
        let result = try clientimport(["inspect", path])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput == "Name\tPhone\nAnna\t+380501234567\n")
    }
}
