"""Writes examples/clients.fr.xlsx: a filled RemOnline template in French, as a shop would send it.

Run: python3 examples/make_examples.py  (needs openpyxl). The file is committed; this script
documents how it was made.
"""
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

HEADERS = [
    "ID client", "Nom", "Numéro de téléphone", "Adresse", "Email", "Prénom", "Entreprise", "Fournisseur",
    "Déçu", "Notes", "Source marketing", "Carte de réduction", "Réduction sur les produits dans les ventes",
    "Réduction sur les services dans les commandes et factures",
    "Remise sur les produits/matériaux dans la commande et la facture",
    "Réduction sur les services en ventes (type de prix)",
    "Réduction sur les services dans les commandes et factures (type de prix)", "Solde",
]

ROWS = [
    [None, "Jean", "+33 6 12 34 56 78", "12 rue de la Paix, 75002 Paris", "jean.dupont@example.fr", "Dupont",
     None, None, None, "Client depuis 2019", None, "CARTE-0001", 10, None, None, None, None, 0],
    [None, "Réparations Lefèvre SARL", "33145678901, 33612340000", "3 avenue Foch, Lyon", "contact@lefevre.example.fr",
     None, "Oui", "Oui", None, "Fournisseur d'écrans", None, None, None, None, None, None, None, -250.5],
    [None, "Amélie", "0612345678", "Marseille", "amelie.martin@example.fr", "Martin", None, None, "Oui",
     "A contesté une facture", None, None, None, "5,5", None, None, None, 120],
    [None, "Noël", 33698765432, None, None, "Bernard", None, None, None, None, None, None, None, None, 15, None, None, None],
    [None, "Société Générale Réparation", "33 1 40 00 00 00", "Paris La Défense", "achats@sgr.example.fr", None, "Oui",
     None, None, None, None, "CARTE-0042", 15, 10, 10, None, None, "+1500.75"],
]


def main() -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Clients"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in ROWS:
        sheet.append(row)
    target = Path(__file__).with_name("clients.fr.xlsx")
    workbook.save(target)
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
