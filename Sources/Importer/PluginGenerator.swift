import Foundation
import Workbook

/// Writes a starting plugin for an export no plugin knows: it reads the headers and sample
/// values, proposes a mapping per column (header names in fr/en/ru/uk, the rule set's own
/// headers, values that look like phones or emails) and leaves a TODO where it is unsure.
public struct PluginGenerator {
    /// What a column becomes in the generated `map`.
    enum Role: String, CaseIterable {
        case first, last, full, organization, phone, email, street, city, postalCode = "postal_code", region, country,
             notes, balance, discountCard = "discount_card"
    }

    /// Header names per role, folded (lower case, single spaces).
    static let synonyms: [Role: [String]] = [
        .first: ["first name", "firstname", "given name", "prénom", "prenom", "имя", "ім'я", "імʼя", "nombre", "vorname"],
        .last: ["last name", "lastname", "surname", "family name", "nom", "nom de famille", "фамилия", "прізвище", "apellido", "nachname"],
        .full: ["name", "full name", "nom complet", "client", "customer", "contact", "фио", "піб", "клиент", "клієнт"],
        .organization: ["company", "company name", "organization", "organisation", "société", "societe", "entreprise",
                        "компания", "организация", "компанія", "організація", "firma", "empresa"],
        .phone: ["phone", "phone number", "telephone", "téléphone", "tel", "tél", "tel.", "mobile", "mobile phone", "cell",
                 "cell phone", "portable", "gsm", "fixe", "work phone", "home phone", "телефон", "мобильный", "мобільний",
                 "тел", "тел.", "номер телефона", "номер телефону"],
        .email: ["email", "e-mail", "mail", "courriel", "email address", "e-mail address", "почта", "эл. почта",
                 "электронная почта", "електронна пошта", "ел. пошта"],
        .street: ["address", "adresse", "street", "street address", "rue", "адрес", "адреса", "улица", "вулиця"],
        .city: ["city", "ville", "town", "город", "місто"],
        .postalCode: ["zip", "zip code", "postal code", "postcode", "code postal", "cp", "индекс", "індекс"],
        .region: ["state", "region", "région", "province", "область"],
        .country: ["country", "pays", "страна", "країна"],
        .notes: ["notes", "note", "comment", "comments", "remarque", "remarques", "commentaire", "commentaires",
                 "description", "примечание", "комментарий", "примітка", "коментар"],
        .balance: ["balance", "solde", "debt", "dette", "баланс", "долг", "борг", "solde dû", "solde du", "montant dû",
                   "amount due", "balance due", "outstanding", "outstanding balance", "owed", "amount owed",
                   "задолженность", "заборгованість", "остаток"],
        .discountCard: ["discount card", "loyalty card", "carte de réduction", "carte de fidélité", "дисконтная карта", "дисконтна картка"],
    ]

    /// The template's field keys that a column of the rule set's own headers maps to.
    static let roleOfField: [String: Role] = [
        "name": .first, "last_name": .last, "phone": .phone, "email": .email, "address": .street, "notes": .notes,
        "balance": .balance, "discount_card": .discountCard,
    ]

    /// Words of a header that say the column holds a balance ("Solde dû", "Balance (EUR)").
    static let balanceWords: Set<String> = ["balance", "solde", "debt", "dette", "due", "dû", "owed", "outstanding",
                                            "баланс", "долг", "борг", "задолженность", "заборгованість"]
    /// Words of a header that say the column holds no phone however its values look: dates,
    /// identifiers, amounts and counts (a birthday 1985-03-12, an ID 100234, a total 1234.50).
    static let notPhoneWords: Set<String> = [
        "date", "dob", "birthday", "born", "created", "updated", "modified", "id", "uid", "uuid", "code", "ref", "reference",
        "no", "nr", "n°", "№", "amount", "total", "sum", "price", "paid", "spent", "revenue", "count", "orders", "visits",
        "points", "balance", "solde", "montant", "prix", "naissance", "créé", "card", "carte", "iban", "siret", "siren", "vat", "tva",
        "дата", "рождения", "народження", "сумма", "сума", "цена", "ціна", "баланс", "код", "карта", "картка", "инн", "іпн",
    ]

    /// One column of the export and what the generator made of it.
    struct Column {
        var header: String
        var samples: [String]
        var role: Role?
        /// A template field the column fills as it is (the export is a RemOnline template, or
        /// holds one of its columns: "Remise sur les produits").
        var field: String? = nil
        /// Why the role was chosen, for the comment beside it.
        var reason: String
        /// A role the generator suspects but did not dare to use.
        var guess: Role?
    }

    public let name: String
    let columns: [Column]
    /// How many columns the export has, and how many the plugin maps.
    public var columnCount: Int { columns.count }
    public var mappedCount: Int { columns.filter { $0.role != nil || $0.field != nil }.count }
    let source: String

    /// Reads the header and up to `sampleRows` rows of `path`.
    public init(name: String, source path: String, ruleSet: RuleSet, sampleRows: Int = 50) throws {
        self.name = name
        self.source = (path as NSString).lastPathComponent
        let rows = try WorkbookFile.openRows(path: path)
        guard let header = try rows.nextRow() else {
            throw ImportError("\(path) is empty: the first row must hold the export's headers")
        }
        var samples = Array(repeating: [String](), count: header.cells.count)
        var read = 0
        while read < sampleRows, let row = try rows.nextRow() {
            for (index, cell) in row.cells.enumerated() where index < samples.count {
                let text = cell.displayText.trimmingCharacters(in: .whitespaces)
                if !text.isEmpty { samples[index].append(text) }
            }
            read += 1
        }
        let templateHeaders = Dictionary(
            ruleSet.columns.flatMap { column in (Array(column.headers.values) + column.aliases).map { (foldedHeader($0), column.key) } },
            uniquingKeysWith: { first, _ in first })
        let headers = header.cells.map { $0.displayText.trimmingCharacters(in: .whitespaces) }
        // A file most of whose headers are the template's (a RemOnline export, a filled template
        // in any language) means them as the template does: "Nom" is then the client's name,
        // not a family name as in other French exports.
        let templateMatches = headers.filter { templateHeaders[foldedHeader($0)] != nil }.count
        let templateFirst = templateMatches >= 3 && 2 * templateMatches >= headers.filter { !$0.isEmpty }.count
        columns = headers.enumerated().map { index, text in
            Self.classify(header: text, samples: samples[index], templateHeaders: templateHeaders, templateFirst: templateFirst)
        }.filter { !$0.header.isEmpty }
    }

    /// What one column becomes. `templateFirst`: the file is laid out as the template, so its
    /// headers win over the synonyms other exports use.
    static func classify(header: String, samples: [String], templateHeaders: [String: String], templateFirst: Bool) -> Column {
        var column = Column(header: header, samples: Array(samples.prefix(3)), role: nil, reason: "")
        let folded = foldedHeader(header)
        let words = Set(folded.split(whereSeparator: { !$0.isLetter && !$0.isNumber && $0 != "°" && $0 != "№" }).map(String.init))
        let synonym = Role.allCases.first(where: { synonyms[$0]?.contains(folded) == true })
        // Another system's "ID" is its own numbering, never a RemOnline client ID: only a file
        // laid out as the template maps it.
        if let key = templateHeaders[folded], templateFirst || (synonym == nil && key != "id") {
            column.reason = "the template's \(key) header"
            if let role = roleOfField[key] { column.role = role } else { column.field = key }
        } else if let synonym {
            column.role = synonym
            column.reason = "header"
        } else if !words.isDisjoint(with: balanceWords) {
            column.role = .balance
            column.reason = "its header names a balance"
        } else if words.isDisjoint(with: notPhoneWords), let role = sniff(samples) {
            column.role = role
            column.reason = "its values look like \(role == .email ? "email addresses" : "phone numbers")"
        } else {
            let all = Role.allCases.flatMap { role in (synonyms[role] ?? []).map { ($0, role) } }
            if let near = closest(to: header, in: all.map(\.0)), let role = all.first(where: { $0.0 == near })?.1 {
                column.guess = role
                column.reason = "its header is close to \"\(near)\""
            }
        }
        return column
    }

    /// A role the values prove: nearly all of them are email addresses, or phone numbers.
    static func sniff(_ samples: [String]) -> Role? {
        guard samples.count >= 2 else { return nil }
        let emails = samples.filter { $0.range(of: #"^[^@\s]+@[^@\s]+\.[^@\s]+$"#, options: .regularExpression) != nil }.count
        if Double(emails) >= 0.9 * Double(samples.count) { return .email }
        let phones = samples.filter(looksLikePhone).count
        if Double(phones) >= 0.9 * Double(samples.count) { return .phone }
        return nil
    }

    /// Whether a value may be a phone number: 7 to 15 digits with the usual separators, and not
    /// a date (2024-03-12, 12/03/2024, 12.03.2024), an amount (1234.50, -20, 1 234,5) or a
    /// time, which the same characters also write.
    static func looksLikePhone(_ value: String) -> Bool {
        guard value.range(of: #"^\+?\(?[0-9][0-9 ()./-]{5,19}$"#, options: .regularExpression) != nil else { return false }
        let digits = value.filter(\.isASCII).filter(\.isNumber).count
        guard (7...15).contains(digits) else { return false }
        let notPhones = [
            #"^[0-9]{4}[-/.][0-9]{1,2}[-/.][0-9]{1,2}"#,           // ISO date, maybe with a time
            #"^[0-9]{1,2}[-/.][0-9]{1,2}[-/.][0-9]{2,4}( |$)"#,    // day or month first
            #"^[0-9 ]+[.,][0-9]{1,2}$"#,                           // an amount with cents
            #"^[0-9]{1,3}( [0-9]{3})+([.,][0-9]+)?$"#,             // thousands grouped by spaces
        ]
        return !notPhones.contains { value.range(of: $0, options: .regularExpression) != nil }
    }
}
