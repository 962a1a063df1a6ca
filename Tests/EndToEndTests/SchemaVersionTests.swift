import Foundation
import TestSupport
import Testing

/// A base written by a newer build is refused by every command that opens a base: exit 74,
/// both versions named, and the file and its WAL byte for byte as they were.
@Suite struct SchemaVersionTests: BinaryInFolder {
    let folder: TemporaryDirectory

    init() throws {
        folder = try TemporaryDirectory()
    }

    /// Every command that opens the base, with arguments that would otherwise succeed or write.
    func commands(file: String) -> [[String]] {
        [
            ["import", file], ["import", file, "--dry-run"], ["export", "-o", "out.xlsx"], ["export", "-o", "out.csv"],
            ["convert", file, "-o", "converted.xlsx"], ["template", "-o", "template.xlsx"],
            ["clients", "list"], ["clients", "show", "1"], ["history"], ["undo", "1"],
            ["settings", "add-marketing-source", "Radio"], ["settings", "add-price-type", "Gros"],
            ["settings", "add-custom-field", "Passeport"], ["settings", "list"],
            ["roles", "add", "Accueil"], ["roles", "list"], ["employees", "add", "Léa", "--role", "Administrator"],
            ["employees", "list"],
        ]
    }

    @Test func everyCommandRefusesANewerBaseAndLeavesItsBytesAndItsWALAlone() throws {
        let file = "\(repositoryRoot)/examples/clients.fr.xlsx"
        #expect(try clientimport(["import", file]).status == 0)
        let current = Int(try Interop.python("import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('PRAGMA user_version').fetchone()[0])", [database])
            .trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        #expect(current > 0)
        // A newer build's write, left in the WAL as a crashed or still-running process leaves
        // it: the last connection to close would copy it into the file (a checkpoint).
        _ = try Interop.python("""
            import os, sqlite3, sys
            c = sqlite3.connect(sys.argv[1], isolation_level=None)
            c.execute('PRAGMA wal_autocheckpoint = 0')
            c.execute('PRAGMA user_version = \(current + 1)')
            c.execute("INSERT INTO marketing_sources(name) VALUES ('written by a newer build')")
            os._exit(0)
            """, [database])
        let wal = database + "-wal"
        let before = try Data(contentsOf: URL(fileURLWithPath: database))
        let walBefore = try Data(contentsOf: URL(fileURLWithPath: wal))
        #expect(!walBefore.isEmpty)

        for command in commands(file: file) {
            let result = try clientimport(command)
            #expect(result.status == 74, "\(command): \(result.standardOutput)\(result.standardError)")
            #expect(result.standardError.contains("schema version \(current + 1)"), "\(command): \(result.standardError)")
            #expect(result.standardError.contains("(version \(current))"), "\(command): \(result.standardError)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: database)) == before, "\(command) changed the base")
            #expect(try Data(contentsOf: URL(fileURLWithPath: wal)) == walBefore, "\(command) changed the WAL")
        }
        for output in ["out.xlsx", "out.csv", "converted.xlsx", "template.xlsx"] {
            #expect(!FileManager.default.fileExists(atPath: folder.file(output)), "\(output) was written")
        }
    }
}
