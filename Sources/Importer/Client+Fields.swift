import ClientBase
import LuaBridge

/// A field of the client card that a template column or a plugin fills, by the rule set's key.
/// `id` and `balance` are not among them: the pipeline handles those itself.
enum ClientField: String {
    case name, lastName = "last_name", phone, email, address, juridical, supplier, conflicted, notes
    case marketingSource = "marketing_source", discountCard = "discount_card"
    case discountGoods = "discount_goods", discountServices = "discount_services"
    case discountMaterials = "discount_materials"
    case priceTypeSales = "price_type_sales", priceTypeOrders = "price_type_orders"
}

extension Client {
    /// Sets one field to the rule set's typed value; `.nil` (an empty cell) clears it.
    mutating func set(_ field: ClientField, to value: LuaValue) {
        let text = value.stringValue ?? ""
        switch field {
        case .name: name = text
        case .lastName: lastName = text
        case .phone: phones = value.tableValue?.array.compactMap(\.stringValue) ?? []
        case .email: email = text
        case .address: address = text
        case .juridical: juridical = value.boolValue ?? false
        case .supplier: supplier = value.boolValue ?? false
        case .conflicted: conflicted = value.boolValue ?? false
        case .notes: notes = text
        case .marketingSource: marketingSource = text
        case .discountCard: discountCard = text
        case .discountGoods: discountGoods = ExactDecimal(text)
        case .discountServices: discountServices = ExactDecimal(text)
        case .discountMaterials: discountMaterials = ExactDecimal(text)
        case .priceTypeSales: priceTypeSales = text
        case .priceTypeOrders: priceTypeOrders = text
        }
    }

    /// Sets the fields the file's columns carry; a column the file lacks leaves its field as is.
    /// An empty cell clears its field (except Balance, which the pipeline handles).
    mutating func assign(_ fields: LuaTable, keys: [String], customFieldNames: [String]) {
        for key in keys {
            if let field = ClientField(rawValue: key) { set(field, to: fields[key]) }
        }
        let custom = fields["custom"].tableValue
        for name in customFieldNames {
            customFields[name] = custom?[name].stringValue
        }
    }

    /// `assign` from row `index` of a checked batch.
    mutating func assign(_ batch: CheckedBatch, index: Int, fields: [ClientField?], customFieldNames: [String]) {
        for (column, field) in fields.enumerated() {
            if let field { set(field, to: batch.fields[column][index]) }
        }
        for (column, name) in customFieldNames.enumerated() {
            customFields[name] = batch.custom[column][index]
        }
    }
}
