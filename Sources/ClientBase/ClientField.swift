/// One field of the client card, described once: the rule set's column key (also the field's
/// name in Lua), the column it fills in RemOnline's template, its name in RemOnline's API, its
/// kind, where it lives on `Client`, and the lines that document it.
///
/// `ClientField.all` is the one list of client fields. The importer derives from it the keys a
/// rule set's column may take and the types each accepts, `Client.set`, the template and export
/// cells and the Lua API reference's "Client fields"; the JSON of a client (the CLI's
/// `clients --format json`, the server's API) and the texts that show a client (`clients show`,
/// the server's client page) walk it too. It lives here, beside `Client`, because that is all it
/// needs: `Importer`, `Server` and the CLI all sit above `ClientBase`, so each reads it without
/// a new dependency. Adding a field: a property of `Client`, its column in the store, an entry
/// here, and the column in the rule set (`docs/architecture.md`, "Adding a client field").
public struct ClientField: Sendable {
    /// What the field holds, named after the stock column type whose values it takes (the type
    /// its column has in the `remonline` rule set).
    public enum Kind: String, Sendable, CaseIterable {
        case id, text, phones, email
        case yesNo = "yes-no"
        case percent, money
        case marketingSource = "marketing-source"
        case priceType = "price-type"
    }

    /// Where the field lives on `Client`, by the Swift type it has there.
    public enum Storage: Sendable {
        /// `Client.id`: the base gives it; an import matches rows to clients by it.
        case id
        /// `Client.balance`: derived from the ledger; an import corrects it with a ledger entry.
        case balance
        /// Text, `""` when empty.
        case text(WritableKeyPath<Client, String> & Sendable)
        /// Phone numbers as digits, in the order given.
        case phones(WritableKeyPath<Client, [String]> & Sendable)
        /// Yes or no.
        case flag(WritableKeyPath<Client, Bool> & Sendable)
        /// An exact decimal, `nil` when not set (the discounts).
        case decimal(WritableKeyPath<Client, ExactDecimal?> & Sendable)
    }

    /// The rule set's column key and the field's name in Lua (`last_name`).
    public let key: String
    /// The column's place in RemOnline's template, from 1: the order of `RuleSet.fieldKeys` and
    /// of the Lua reference.
    public let templateColumn: Int
    /// The name in RemOnline's API and in the JSON of a client (`ad_campaign` for
    /// `marketing_source`).
    public let apiName: String
    public let kind: Kind
    public let storage: Storage
    /// The English label of `clients show` ("Discount on goods").
    public let label: String
    /// What Lua code meets in the field, as a LuaLS type (`string[]|string` for phones).
    public let luaType: String
    /// One line for the Lua API reference.
    public let summary: String

    init(_ key: String, column templateColumn: Int, api apiName: String? = nil, _ kind: Kind, _ storage: Storage,
         label: String, lua luaType: String = "string", _ summary: String) {
        self.key = key
        self.templateColumn = templateColumn
        self.apiName = apiName ?? key
        self.kind = kind
        self.storage = storage
        self.label = label
        self.luaType = luaType
        self.summary = summary
    }

    /// Every client field, in the order of RemOnline's API (the JSON of a client).
    public static let all: [ClientField] = [
        .init("id", column: 1, .id, .id, label: "ID", "The client ID of an exported client (empty: a new client)."),
        .init("name", column: 2, .text, .text(\.name), label: "Name", "The name; every client needs one."),
        .init("last_name", column: 6, .text, .text(\.lastName), label: "Last name",
              "The last name (RemOnline's French template calls it `Prénom`)."),
        .init("phone", column: 3, .phones, .phones(\.phones), label: "Phones", lua: "string[]|string",
              "Phone numbers: a plugin may give a list or one text with commas; `validate_row` gets the list of digits."),
        .init("email", column: 5, .email, .text(\.email), label: "Email", "One email address."),
        .init("address", column: 4, .text, .text(\.address), label: "Address", "The postal address, on one line."),
        .init("juridical", column: 7, .yesNo, .flag(\.juridical), label: "Company", lua: "boolean", "A company rather than a person."),
        .init("supplier", column: 8, .yesNo, .flag(\.supplier), label: "Supplier", lua: "boolean", "A supplier rather than a buyer."),
        .init("conflicted", column: 9, .yesNo, .flag(\.conflicted), label: "Conflicted", lua: "boolean", "A difficult client."),
        .init("notes", column: 10, .text, .text(\.notes), label: "Notes", "Free notes; plugins put what has no field here."),
        .init("marketing_source", column: 11, api: "ad_campaign", .marketingSource, .text(\.marketingSource),
              label: "Marketing source", "The marketing source's exact name."),
        .init("discount_card", column: 12, api: "discount_code", .text, .text(\.discountCard), label: "Discount card",
              "The discount card's number."),
        .init("discount_goods", column: 13, .percent, .decimal(\.discountGoods), label: "Discount on goods",
              "Discount on goods in sales, a percentage."),
        .init("discount_services", column: 14, .percent, .decimal(\.discountServices), label: "Discount on services",
              "Discount on services in orders and invoices, a percentage."),
        .init("discount_materials", column: 15, .percent, .decimal(\.discountMaterials), label: "Discount on materials",
              "Discount on goods/materials in orders and invoices, a percentage."),
        .init("price_type_sales", column: 16, api: "price_sales", .priceType, .text(\.priceTypeSales),
              label: "Price type in sales", "The price type in sales."),
        .init("price_type_orders", column: 17, api: "price_orders", .priceType, .text(\.priceTypeOrders),
              label: "Price type in orders", "The price type in orders and invoices."),
        .init("balance", column: 18, .money, .balance, label: "Balance",
              "The target balance as a decimal text: + the client owes you, − you owe the client."),
    ]

    /// Every client field in the order of the template's columns.
    public static let inTemplateOrder: [ClientField] = all.sorted { $0.templateColumn < $1.templateColumn }

    private static let byKey = Dictionary(uniqueKeysWithValues: all.map { ($0.key, $0) })

    /// The field whose column key is `key`, or nil.
    public static func named(_ key: String) -> ClientField? { byKey[key] }

    /// Whether an import sets the field from its cell: not the ID (which names the client) nor
    /// the balance (which a ledger entry corrects).
    public var isAssigned: Bool {
        switch storage {
        case .id, .balance: false
        case .text, .phones, .flag, .decimal: true
        }
    }
}
