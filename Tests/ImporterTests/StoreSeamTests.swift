import ClientBase
import Foundation
@testable import Importer
import TestSupport
import Testing

/// The importer and the exporter speak only `ClientStore` (issue 18), so a second backend
/// plugs in without touching them.
@Suite struct StoreSeamTests {
    @Test func noImporterSourceNamesTheSQLiteImplementation() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources/Importer").standardized
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".swift") }
        #expect(files.count > 10)
        for file in files {
            let text = try String(contentsOfFile: folder.appendingPathComponent(file).path, encoding: .utf8)
            #expect(!text.contains("SQLiteClientStore"), "\(file) names SQLiteClientStore")
        }
    }

    /// Issue 15: the command line and the server open bases through `ClientStores.open` and
    /// speak the protocols, so a second backend plugs in at that one place.
    @Test func noSourceOutsideClientBaseNamesTheSQLiteImplementation() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources").standardized.path
        let files = (FileManager.default.enumerator(atPath: sources)?.allObjects as? [String] ?? [])
            .filter { $0.hasSuffix(".swift") && !$0.hasPrefix("ClientBase/") }
        #expect(files.contains("clientimport/CommonOptions.swift") && files.contains("Server/BaseAccess.swift"))
        for file in files {
            let text = try String(contentsOfFile: sources + "/" + file, encoding: .utf8)
            #expect(!text.contains("SQLiteClientStore"), "\(file) names SQLiteClientStore")
        }
    }

    @Test func aScratchStoreIsANewBaseWithTheAdministrator() throws {
        let folder = try TemporaryDirectory()
        let store = try ClientStores.scratch(at: folder.file("scratch.sqlite"))
        #expect(try store.catalog().employee(named: ClientStores.administratorName)?.canAdjustBalance == true)
        #expect(try store.clientCount() == 0)
        #expect(FileManager.default.fileExists(atPath: folder.file("scratch.sqlite")))
    }
}
