import Foundation
import TestSupport
import Testing

/// Numeric options, numeric arguments and `$CLIENTIMPORT_BUSY_TIMEOUT` through the real binary:
/// every bad value is a usage error (exit 64) naming the option and its range — never a trap,
/// never a silent clamp — and a file name that starts with "-" is never read as options.
@Suite struct ArgumentTests {
    let folder: TemporaryDirectory
    var database: String { folder.file("clients.sqlite") }

    init() throws {
        folder = try TemporaryDirectory()
    }

    @discardableResult
    func clientimport(_ arguments: [String], environment: [String: String] = [:]) throws -> ProcessResult {
        try runProcess(clientimportBinary(), arguments, environment: ["CLIENTIMPORT_DB": database].merging(environment) { $1 },
                       currentDirectory: folder.path)
    }

    /// A valid one-client template file.
    func csv(_ name: String) throws -> String {
        try folder.write(name, """
            ID client;Nom;Numéro de téléphone;Adresse;Email;Prénom;Entreprise;Fournisseur;Déçu;Notes;Source marketing;Carte de réduction;Réduction sur les produits dans les ventes;Réduction sur les services dans les commandes et factures;Remise sur les produits/matériaux dans la commande et la facture;Réduction sur les services en ventes (type de prix);Réduction sur les services dans les commandes et factures (type de prix);Solde
            ;Paul;33600000001;;;;;;;;;;;;;;;

            """)
    }

    /// Values no numeric option accepts.
    static let badNumbers = ["99999999999999999999", "-1", "inf", "nan", "-inf", "1e3", " 5", "5 ", "", "+5", "5.0", "0x10", "٥"]

    /// Each option or argument, the command line with `VALUE` where the value goes, what the
    /// message must name, and values that are meaningless for it only (such as 0).
    static let numericArguments: [(command: [String], name: String, alsoBad: [String])] = [
        (["import", "--max-rows", "VALUE", "f.csv"], "--max-rows", ["0", "1000000001"]),
        (["import", "--phone-country-code", "VALUE", "f.csv"], "--phone-country-code", ["0", "1000", "033"]),
        (["import", "--sheet", "VALUE", "f.csv"], "--sheet", ["0", "10001"]),
        (["inspect", "f.csv", "--sheet", "VALUE"], "--sheet", ["0"]),
        (["convert", "f.csv", "-o", "out.xlsx", "--rows-per-file", "VALUE"], "--rows-per-file", ["0", "1048576"]),
        (["undo", "VALUE"], "the batch number", ["0", "9223372036854775808"]),
        (["clients", "show", "VALUE"], "the client ID", ["0", "9223372036854775808"]),
    ]

    @Test(arguments: numericArguments.indices)
    func everyNumericOptionRefusesBadValuesWithItsNameAndRange(_ index: Int) throws {
        _ = try csv("f.csv")
        let (command, name, alsoBad) = Self.numericArguments[index]
        // `--sheet` takes names too: a value that is not a number is a (missing) sheet's name.
        let values = name == "--sheet" ? ["99999999999999999999", "-1", "+5", "-0"] + alsoBad : Self.badNumbers + alsoBad
        for value in values {
            let result = try clientimport(command.map { $0 == "VALUE" ? value : $0 })
            #expect(result.status == 64, "\(command) with \"\(value)\": \(result.standardError)")
            #expect(result.standardError.contains(name) && result.standardError.contains(" from "),
                    "\(command) with \"\(value)\" should name \(name) and its range: \(result.standardError)")
            #expect(!result.standardError.contains("Fatal error"), "\(result.standardError)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder.file("out.xlsx")))
    }

    @Test func numericOptionsTakeTheirWholeRange() throws {
        let file = try csv("f.csv")
        #expect(try clientimport(["import", "--max-rows", "1", "--phone-country-code", "999", file]).status == 0)
        #expect(try clientimport(["import", "--max-rows", "1000000000", "--sheet", "1", file]).status == 0)
        #expect(try clientimport(["undo", "2"]).status == 0)
        #expect(try clientimport(["clients", "show", "1"]).status == 0)
        let missing = try clientimport(["clients", "show", "9223372036854775807"])
        #expect(missing.status == 1 && missing.standardError.contains("no client with ID 9223372036854775807"))
        let convert = try clientimport(["convert", file, "-o", "out.xlsx", "--rows-per-file", "1048575"])
        #expect(convert.status == 0, "\(convert.standardError)")
    }

    @Test func theBusyTimeoutVariableIsCheckedBeforeTheBaseOpens() throws {
        let file = try csv("f.csv")
        for value in ["99999999999999999999", "-1", "inf", "nan", "1e3", " 5", "0x10", "86401", "1.", ".5", "1e-3", ""] {
            for command in [["import", file], ["clients", "list"], ["history"]] {
                let result = try clientimport(command, environment: ["CLIENTIMPORT_BUSY_TIMEOUT": value])
                #expect(result.status == 64, "\(command) with CLIENTIMPORT_BUSY_TIMEOUT=\"\(value)\": \(result.standardError)")
                #expect(result.standardError.contains("$CLIENTIMPORT_BUSY_TIMEOUT") && result.standardError.contains("0 to 86400"))
            }
        }
        #expect(!FileManager.default.fileExists(atPath: database), "a refused timeout must not create the base")
        let empty = try clientimport(["history"], environment: ["CLIENTIMPORT_BUSY_TIMEOUT": ""])
        #expect(empty.standardError.contains("unset it for the default, 10"))
        // A command that only reads needs a base (it never creates one).
        #expect(try clientimport(["settings", "add-price-type", "Détail"]).status == 0)
        for value in ["0", "0.25", "86400"] {
            let result = try clientimport(["clients", "list"], environment: ["CLIENTIMPORT_BUSY_TIMEOUT": value])
            #expect(result.status == 0, "CLIENTIMPORT_BUSY_TIMEOUT=\"\(value)\": \(result.standardError)")
        }
    }

    /// `-dash.csv` held an `h`: the parser read it as `-d -a -s -h …`, printed the help and
    /// exited 0 having imported nothing.
    @Test func aFileNameStartingWithADashIsImportedOrRefusedNeverReadAsOptions() throws {
        let missing = try clientimport(["import", "-dash.csv"])
        #expect(missing.status == 64)
        #expect(missing.standardError.contains("./-dash.csv") && missing.standardError.contains("-- -dash.csv"))
        #expect(!missing.standardOutput.contains("USAGE"))
        for command in [["inspect", "-h.csv"], ["convert", "-help.csv", "-o", "x.xlsx"], ["import", "--dry-run", "-x.csv"]] {
            let result = try clientimport(command)
            #expect(result.status == 64, "\(command): \(result.standardOutput)")
            #expect(!result.standardOutput.contains("USAGE"), "\(command) printed the help")
        }

        _ = try csv("-dash.csv")
        let imported = try clientimport(["import", "-dash.csv", "--format", "json"])
        #expect(imported.status == 0, "\(imported.standardError)")
        #expect(imported.standardOutput.contains("\"created\":1"), "\(imported.standardOutput)")
        let separated = try clientimport(["import", "--dry-run", "--", "-dash.csv"])
        #expect(separated.status == 0, "\(separated.standardError)")
        #expect(separated.standardOutput.contains("Checked -dash.csv"))
        let inspected = try clientimport(["inspect", "-dash.csv"])
        #expect(inspected.status == 0 && inspected.standardOutput.contains("Paul"))
        let converted = try clientimport(["convert", "-dash.csv", "-o", "out.xlsx"])
        #expect(converted.status == 0, "\(converted.standardError)")
        // The help still answers to -h and --help.
        #expect(try clientimport(["import", "-h"]).standardOutput.contains("USAGE"))
    }
}
