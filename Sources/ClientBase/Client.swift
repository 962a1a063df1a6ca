/// A client of the repair shop, with every column of the RemOnline template.
///
/// Text fields are `""` when empty (as in a spreadsheet); discounts are `nil` when not set.
public struct Client: Sendable, Hashable, Codable {
    public var id: Int64
    public var name: String
    public var lastName: String = ""
    /// Digits with the country code, in the order the user gave them.
    public var phones: [String] = []
    public var email: String = ""
    public var address: String = ""
    /// A company rather than an individual.
    public var juridical: Bool = false
    public var supplier: Bool = false
    /// Shown with a red smiley in RemOnline.
    public var conflicted: Bool = false
    public var notes: String = ""
    /// The marketing source (RemOnline's API calls it `ad_campaign`), by name.
    public var marketingSource: String = ""
    public var discountCard: String = ""
    public var discountGoods: ExactDecimal? = nil
    public var discountServices: ExactDecimal? = nil
    public var discountMaterials: ExactDecimal? = nil
    /// The price type applied in sales, by name.
    public var priceTypeSales: String = ""
    /// The price type applied in orders and invoices, by name.
    public var priceTypeOrders: String = ""
    /// Derived from the balance ledger: + the client owes the shop, − the shop owes the client.
    public var balance: ExactDecimal = .zero
    /// Values of custom fields by field name; a field without a value is absent.
    public var customFields: [String: String] = [:]

    public init(id: Int64, name: String) {
        self.id = id
        self.name = name
    }

    /// The same client with `id` and `balance` ignored: what an import can change directly.
    public func hasSameFields(as other: Client) -> Bool {
        var a = self, b = other
        a.id = 0; b.id = 0
        a.balance = .zero; b.balance = .zero
        return a == b
    }
}

extension ExactDecimal: Codable {
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        self.init(tenThousandths: try container.decode(Int64.self))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(tenThousandths)
    }
}

/// One entry of a client's append-only balance ledger.
public struct BalanceCorrection: Sendable, Hashable {
    public var amount: ExactDecimal
    public var comment: String
    public var batch: Int64?
    public var employee: String?
    /// ISO 8601 UTC time of the entry.
    public var at: String
}
