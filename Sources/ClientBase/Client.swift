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

/// The journal keeps a client's earlier state as this JSON, and undo reads it back, possibly after
/// an upgrade that added a field: a key the JSON lacks takes the field's default, so a batch
/// recorded by an older version can still be undone. `id` and `name` were always written.
extension Client {
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(id: try container.decode(Int64.self, forKey: .id), name: try container.decode(String.self, forKey: .name))
        func read<Value: Decodable>(_ key: CodingKeys, into value: inout Value) throws {
            if let present = try container.decodeIfPresent(Value.self, forKey: key) { value = present }
        }
        try read(.lastName, into: &lastName)
        try read(.phones, into: &phones)
        try read(.email, into: &email)
        try read(.address, into: &address)
        try read(.juridical, into: &juridical)
        try read(.supplier, into: &supplier)
        try read(.conflicted, into: &conflicted)
        try read(.notes, into: &notes)
        try read(.marketingSource, into: &marketingSource)
        try read(.discountCard, into: &discountCard)
        discountGoods = try container.decodeIfPresent(ExactDecimal.self, forKey: .discountGoods)
        discountServices = try container.decodeIfPresent(ExactDecimal.self, forKey: .discountServices)
        discountMaterials = try container.decodeIfPresent(ExactDecimal.self, forKey: .discountMaterials)
        try read(.priceTypeSales, into: &priceTypeSales)
        try read(.priceTypeOrders, into: &priceTypeOrders)
        try read(.balance, into: &balance)
        try read(.customFields, into: &customFields)
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
