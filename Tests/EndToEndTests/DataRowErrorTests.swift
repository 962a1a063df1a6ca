import Foundation
import TestSupport
import Testing

/// Through the real binary: a cell too long for Excel, an absurd exponent and a repeated Client
/// ID are each an error on its row and column (exit 1), never a rule-set failure (78), and the
/// base is left as it was.
@Suite struct DataRowErrorTests: BinaryInFolder {
    let folder: TemporaryDirectory

    init() throws {
        folder = try TemporaryDirectory()
    }

    static let header = "ID client;Nom;Numéro de téléphone;Adresse;Email;Prénom;Entreprise;Fournisseur;Déçu;Notes;Source marketing;Carte de réduction;Réduction sur les produits dans les ventes;Réduction sur les services dans les commandes et factures;Remise sur les produits/matériaux dans la commande et la facture;Réduction sur les services en ventes (type de prix);Réduction sur les services dans les commandes et factures (type de prix);Solde"

    @Test func eachIsARowErrorWithExitCode1AndTheBaseUnchanged() throws {
        #expect(try clientimport("import", "\(repositoryRoot)/examples/clients.fr.xlsx").status == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: database))
        let notes = String(repeating: "n", count: 32_768)
        let csv = try folder.write("bad.csv", [
            Self.header,
            ";Paul;33600000001;;;;;;;;;;;;;;;1e999999999",
            ";Anne;1E+400;;;;;;;;;;0x1p99999;;;;;",
            ";Marc;33600000003;;;;;;;\(notes);;;;;;;;",
            "1;Jean;;;;;;;;;;;;;;;;",
            "1;Jean bis;;;;;;;;;;;;;;;;",
        ].joined(separator: "\n") + "\n")
        let result = try clientimport("import", csv)
        #expect(result.status == 1, "\(result.standardError)")
        for expected in ["row 2, column \"Solde\" (R2)", "row 3, column \"Numéro de téléphone\" (C3)",
                         "row 3, column \"Réduction sur les produits dans les ventes\" (M3)", "row 4, column \"Notes\" (J4)",
                         "row 6, column \"ID client\" (A6)", "32768", "ligne 5"] {
            #expect(result.standardOutput.contains(expected), "missing \(expected) in \(result.standardOutput)")
        }
        #expect(!result.standardOutput.contains(notes), "the report must not repeat the whole cell")
        #expect(try Data(contentsOf: URL(fileURLWithPath: database)) == before)
    }
}
