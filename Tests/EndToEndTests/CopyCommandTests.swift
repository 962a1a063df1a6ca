import Foundation
import TestSupport
import Testing

/// `clientimport copy --from --to` (issue 15) and `--db` read as a `BaseLocation`, through the
/// real binary.
@Suite struct CopyCommandTests: BinaryInFolder {
    let folder: TemporaryDirectory
    var copy: String { folder.file("copy.sqlite") }

    init() throws {
        folder = try TemporaryDirectory()
    }

    static let header = "ID client;Nom;Numéro de téléphone;Adresse;Email;Prénom;Entreprise;Fournisseur;Déçu;Notes;Source marketing;Carte de réduction;Réduction sur les produits dans les ventes;Réduction sur les services dans les commandes et factures;Remise sur les produits/matériaux dans la commande et la facture;Réduction sur les services en ventes (type de prix);Réduction sur les services dans les commandes et factures (type de prix);Solde;Passeport"

    /// A base with settings, a second employee with a password and a token, three imports
    /// (creations, an update, balance corrections by two employees) and an undone one: the
    /// suite's base, or the one at `db` (a file or a PostgreSQL URL).
    func fillTheBase(db: String? = nil) throws {
        func ok(_ arguments: String..., input: String? = nil) throws {
            let result = try clientimport(arguments, input: input, environment: db.map { ["CLIENTIMPORT_DB": $0] } ?? [:])
            #expect(result.status == 0, "\(arguments): \(result.standardError)")
        }
        try ok("settings", "add-marketing-source", "Google", "Bouche à oreille")
        try ok("settings", "add-price-type", "Détail")
        try ok("settings", "add-custom-field", "Passeport")
        try ok("roles", "add", "Accueil", "--can-adjust-balance")
        try ok("employees", "add", "Léa", "--role", "Accueil")
        try ok("employees", "password", "Léa", input: "correct horse battery\n")
        try ok("employees", "token", "Léa")
        try ok("import", "\(repositoryRoot)/examples/clients.fr.xlsx")
        let update = try folder.write("update.csv", Self.header + "\n1;Marie-Changée;33612345678;;;;;;;;Google;;;;;;;100;AB 123\n;Nouveau;33699999999;;;;;;;;;;;;;;;-12,5;\n")
        try ok("import", update, "--as", "Léa")
        let doomed = try folder.write("doomed.csv", Self.header + "\n;Éphémère;33688888888;;;;;;;;;;;;;;;7;\n")
        try ok("import", doomed)
        try ok("undo", "3", "--yes")
    }

    func output(_ arguments: String..., db: String) throws -> String {
        let result = try clientimport(arguments, environment: ["CLIENTIMPORT_DB": db])
        #expect(result.status == 0, "\(arguments) on \(db): \(result.standardError)")
        return result.standardOutput
    }

    /// What a person can ask of a base: export (the CSV file byte for byte; the XLSX file's
    /// cells, since its properties hold the time it was written), history, each client with
    /// its balance history, settings, roles and employees, and a file converted against it.
    func views(of db: String) throws -> [String: String] {
        var views: [String: String] = [:]
        for format in ["csv", "xlsx"] {
            let file = folder.file("view-\(UUID().uuidString).\(format)")
            _ = try output("export", "-o", file, db: db)
            views["export.\(format)"] = format == "csv"
                ? try Data(contentsOf: URL(fileURLWithPath: file)).base64EncodedString()
                : try output("inspect", file, "--format", "tsv", db: db)
            try FileManager.default.removeItem(atPath: file)
        }
        views["history"] = try output("history", "--format", "json", db: db)
        views["clients"] = try output("clients", "list", "--format", "json", db: db)
        for id in 1...8 {
            views["client \(id)"] = try clientimport(["clients", "show", "\(id)", "--format", "json"], environment: ["CLIENTIMPORT_DB": db]).standardOutput
        }
        views["settings"] = try output("settings", "list", "--format", "json", db: db)
        views["roles"] = try output("roles", "list", db: db)
        views["employees"] = try output("employees", "list", db: db)
        // `convert` checks against the base's marketing sources, price types and custom fields.
        let source = try folder.write("convert-\(UUID().uuidString).csv", Self.header + "\n;Converti;33677777777;;;;;;;;Google;;;;;Détail;;;CD 9\n")
        let converted = folder.file("converted-\(UUID().uuidString).xlsx")
        let conversion = try clientimport(["convert", source, "-o", converted], environment: ["CLIENTIMPORT_DB": db])
        #expect(conversion.status == 0 && conversion.standardOutput.contains("Wrote 1 client to "), "\(conversion.standardError)")
        views["convert"] = try output("inspect", converted, "--format", "tsv", db: db)
        return views
    }

    @Test func aCopyReadsTheSameAndUndoWorksOnIt() throws {
        try fillTheBase()
        let sourceBytes = try Data(contentsOf: URL(fileURLWithPath: database))
        let copied = try clientimport("copy", "--from", database, "--to", copy)
        #expect(copied.status == 0, "\(copied.standardError)")
        #expect(copied.standardOutput == "Copied \(database) to \(copy): 7 clients, 4 batches, 7 ledger entries.\n")
        // Only read: the source file is byte for byte what it was.
        #expect(try Data(contentsOf: URL(fileURLWithPath: database)) == sourceBytes)

        let sourceViews = try views(of: database), copyViews = try views(of: copy)
        #expect(sourceViews.count == copyViews.count)
        for (name, view) in sourceViews {
            #expect(copyViews[name] == view, "\(name) differs")
        }
        #expect(sourceViews["history"]?.contains("update.csv") == true)
        #expect(sourceViews["client 1"]?.contains("Marie-Chang") == true)

        // The last standing batch undone on both: still the same.
        for db in [database, copy] {
            let undo = try clientimport(["undo", "2", "--yes"], environment: ["CLIENTIMPORT_DB": db])
            #expect(undo.status == 0, "\(undo.standardError)")
        }
        let sourceAfter = try views(of: database), copyAfter = try views(of: copy)
        // (`clients show` and `history` now hold each undo's own time.)
        for name in ["export.csv", "export.xlsx", "clients"] {
            #expect(copyAfter[name] == sourceAfter[name], "\(name) differs after undo")
        }
        #expect(copyAfter["clients"] != copyViews["clients"])
        #expect(copyAfter["client 1"]?.contains("\"comment\":\"Annulation de l'importation 2\",\"batch\":5") == true)
    }

    @Test func aTargetThatIsNotNewIsRefusedWithExit73AndLeftAsItWas() throws {
        try fillTheBase()
        #expect(try clientimport("copy", "--from", database, "--to", copy).status == 0)
        let copyBytes = try Data(contentsOf: URL(fileURLWithPath: copy))
        let again = try clientimport("copy", "--from", database, "--to", copy)
        #expect(again.status == 73)
        #expect(again.standardError.contains("is not new (it holds 7 clients, 4 batches, settings)"), "\(again.standardError)")
        #expect(again.standardError.contains("choose a --to that does not exist yet"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: copy)) == copyBytes)

        // A base that exists but holds nothing takes a copy.
        let empty = folder.file("empty.sqlite")
        #expect(try clientimport(["settings", "list"], environment: ["CLIENTIMPORT_DB": empty]).status == 74)
        #expect(try clientimport(["employees", "token", "Administrator", "--revoke"], environment: ["CLIENTIMPORT_DB": empty]).status == 0)
        let intoEmpty = try clientimport("copy", "--from", database, "--to", empty)
        #expect(intoEmpty.status == 0, "\(intoEmpty.standardError)")

        let same = try clientimport("copy", "--from", database, "--to", "./" + URL(fileURLWithPath: database).lastPathComponent)
        #expect(same.status == 64)
        #expect(same.standardError.contains("name the same base"))
    }

    @Test func aCopyThatFailsLeavesNoTarget() throws {
        try fillTheBase()
        // The journal's earlier state of the updated client made unreadable.
        _ = try Interop.python("""
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            db.execute("UPDATE batch_changes SET before_json = 'not json' WHERE kind = 'updated'")
            db.commit()
            """, [database])
        let failed = try clientimport("copy", "--from", database, "--to", copy)
        #expect(failed.status == 74)
        #expect(failed.standardError.contains("unreadable earlier state of client 1"), "\(failed.standardError)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.contains("copy.sqlite") } == [])

        let missing = try clientimport("copy", "--from", folder.file("nothing.sqlite"), "--to", copy)
        #expect(missing.status == 74)
        #expect(!FileManager.default.fileExists(atPath: folder.file("nothing.sqlite")))
        #expect(!FileManager.default.fileExists(atPath: copy))
    }

    @Test func aPostgreSQLServerThatCannotBeReachedIsExit74AndItsPasswordIsNeverShown() throws {
        try fillTheBase()
        let url = "postgresql://lea:s3cret@127.0.0.1:1/shop?schema=paris"
        for arguments in [["clients", "list"], ["import", "\(repositoryRoot)/examples/clients.fr.xlsx"], ["history", "--format", "json"]] {
            let result = try clientimport(arguments + ["--db", url])
            #expect(result.status == 74, "\(arguments): \(result.standardError)")
            #expect(result.standardError.contains("cannot connect to the PostgreSQL base"), "\(result.standardError)")
            #expect(result.standardError.contains("postgresql://lea:***@127.0.0.1:1/shop?schema=paris"))
            #expect(!(result.standardError + result.standardOutput).contains("s3cret"))
        }
        let fromEnvironment = try clientimport(["roles", "list"], environment: ["CLIENTIMPORT_DB": "POSTGRES://x@127.0.0.1:1/d"])
        #expect(fromEnvironment.status == 74)
        let copyTo = try clientimport("copy", "--from", database, "--to", url)
        #expect(copyTo.status == 74)
        #expect(!copyTo.standardError.contains("s3cret"))
        // Nothing named after the URL appeared.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.contains("postgres") } == [])
    }

    @Test func aFileNamedPostgresIsASQLiteBase() throws {
        let imported = try clientimport(["import", "\(repositoryRoot)/examples/clients.fr.xlsx", "--db", "postgres"])
        #expect(imported.status == 0, "\(imported.standardError)")
        #expect(FileManager.default.fileExists(atPath: folder.file("postgres")))
        let colon = try clientimport(["import", "\(repositoryRoot)/examples/clients.fr.xlsx", "--db", "backup:2026.sqlite"])
        #expect(colon.status == 0, "\(colon.standardError)")
        #expect(FileManager.default.fileExists(atPath: folder.file("backup:2026.sqlite")))
    }
}
