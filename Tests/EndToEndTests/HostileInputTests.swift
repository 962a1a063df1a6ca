import Foundation
import TestSupport
import Testing

/// The real binary against hostile inputs: exit 65 with one clear line; and what it writes about
/// a client and where it keeps the base stays private.
@Suite struct HostileInputTests: BinaryInFolder {
    let folder: TemporaryDirectory

    init() throws {
        folder = try TemporaryDirectory()
    }

    static let fixtures = "\(repositoryRoot)/Tests/WorkbookTests/Fixtures"

    @Test(arguments: [("zip-bomb-declared.xlsx", "zip bomb"), ("zip-bomb-lying.xlsx", "zip bomb"),
                      ("billion-laughs.xlsx", "DOCTYPE"), ("xxe.xlsx", "DOCTYPE"), ("sst-out-of-range.xlsx", "shared string")])
    func hostileWorkbookExits65WithOneLine(file: String, fragment: String) throws {
        for command in [["import", "\(Self.fixtures)/\(file)"], ["inspect", "\(Self.fixtures)/\(file)"]] {
            let result = try clientimport(command)
            #expect(result.status == 65, "\(command) \(result.standardError)")
            let lines = result.standardError.split(separator: "\n")
            #expect(lines.count == 1, "only our own message, nothing from libxml2 or zlib: \(result.standardError)")
            #expect(result.standardError.hasPrefix("clientimport: ") && result.standardError.contains(fragment), "\(result.standardError)")
        }
    }

    @Test func badEncodingDeclarationExits65WithoutLibraryNoise() throws {
        // libxml2 itself printed "encoding error : … bytes 0xC3 0xA9 …" (a client's data) to stderr.
        for encoding in ["ISO-2022-JP", "SHIFT_JIS", "UTF-32", "UCS-4"] {
            let script = """
                import sys, zipfile
                with zipfile.ZipFile(sys.argv[1], "w") as z:
                    z.writestr("xl/workbook.xml", '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets><sheet name="S" sheetId="1"/></sheets></workbook>')
                    z.writestr("xl/worksheets/sheet1.xml", ('<?xml version="1.0" encoding="%s"?><worksheet><sheetData><row><c t="inlineStr"><is><t>\\xff\\xfeSecret\\x80</t></is></c></row></sheetData></worksheet>' % sys.argv[2]).encode("latin-1"))
                """
            let path = folder.file("\(encoding).xlsx")
            _ = try Interop.python(script, [path, encoding])
            let result = try clientimport(["import", path])
            #expect(result.status == 65, "\(encoding): \(result.standardError)")
            #expect(result.standardError.split(separator: "\n").count == 1, "\(encoding): \(result.standardError)")
            #expect(!result.standardError.contains("encoding error") && !result.standardError.contains("0xFF"), "\(result.standardError)")
        }
    }

    @Test func rejectedRowShowsOnlyTheCellsAtFault() throws {
        let header = "Client ID,Name,Phone number,Address,Email,Last name,Company,Supplier,Conflicted,Notes,Marketing source,Discount card,Discount on goods in sales,Discount on services in orders and invoices,Discount on goods/materials in orders and invoices,Price type in sales,Price type in orders and invoices,Balance"
        let file = try folder.write("clients.csv", """
            \(header)
            ,Jean,0612345678,12 rue Discrète Paris,jean@example.fr,Dupont,,,,Private note A,,CARD-998877,,,,,,
            ,Marie,not-a-phone,7 avenue Privée Lyon,marie@example.fr,Curie,,,,Private note B,,CARD-112233,,,,,,12.5
            """)
        for format in ["text", "json"] {
            let result = try clientimport(["import", file, "--format", format])
            #expect(result.status == 1)
            let output = result.standardOutput + result.standardError
            #expect(output.contains("not-a-phone"))
            for secret in ["Discrète", "Privée", "Private note", "CARD-", "marie@example.fr", "Curie", "0612345678"] {
                #expect(!output.contains(secret), "\(format) output shows \(secret): \(output)")
            }
        }
    }

    @Test func baseAndItsJournalFilesAreOwnerOnly() throws {
        // Under a permissive umask, so a default mode would show.
        let created = try runProcess("/bin/sh", ["-c", "umask 000; exec \"$0\" import \"$1\"", clientimportBinary(), "\(repositoryRoot)/examples/clients.fr.xlsx"],
                                     environment: ["CLIENTIMPORT_DB": database], currentDirectory: folder.path)
        #expect(created.status == 0, "\(created.standardError)")
        // A reader holding the base open keeps -wal and -shm on disk while the CLI writes again.
        let script = """
            import os, sqlite3, subprocess, sys
            os.umask(0)
            reader = sqlite3.connect(sys.argv[1])
            reader.execute("select count(*) from sqlite_master").fetchall()
            subprocess.run([sys.argv[2], "settings", "add-marketing-source", "Radio"], check=True,
                           env=dict(os.environ, CLIENTIMPORT_DB=sys.argv[1]))
            for suffix in ["", "-wal", "-shm"]:
                print(suffix or "db", oct(os.stat(sys.argv[1] + suffix).st_mode & 0o777))
            """
        let modes = try Interop.python(script, [database, clientimportBinary()])
        #expect(modes.split(separator: "\n").map(String.init) == ["db 0o600", "-wal 0o600", "-shm 0o600"], "\(modes)")
    }
}
