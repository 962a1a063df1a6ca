/// The French template's headers, in order, written out by hand: tests build files with them, so
/// a change to the rule set's headers shows up as a failing test rather than following silently.
public let frenchTemplateHeaders = [
    "ID client", "Nom", "Numéro de téléphone", "Adresse", "Email", "Prénom", "Entreprise", "Fournisseur",
    "Déçu", "Notes", "Source marketing", "Carte de réduction", "Réduction sur les produits dans les ventes",
    "Réduction sur les services dans les commandes et factures",
    "Remise sur les produits/matériaux dans la commande et la facture",
    "Réduction sur les services en ventes (type de prix)",
    "Réduction sur les services dans les commandes et factures (type de prix)", "Solde",
]
