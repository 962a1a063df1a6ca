import ClientBase

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
    /// Sets one field to the rule set's typed value; `.none` (an empty cell) clears it.
    mutating func set(_ field: ClientField, to value: TypedValue) {
        let text = value.textValue ?? ""
        switch field {
        case .name: name = text
        case .lastName: lastName = text
        case .phone: phones = value.phonesValue ?? []
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

    /// Sets the fields the file's columns carry from row `index` of a checked batch: `fields[c]`
    /// is the client field of the batch's column `c` (nil for id and balance, which the pipeline
    /// handles). A column the file lacks leaves its field as is; an empty cell clears its field.
    /// `customColumns` are the batch's custom columns to assign (a plugin's client assigns only
    /// those it gave a value).
    mutating func assign(_ batch: CheckedBatch, index: Int, fields: [ClientField?],
                         customColumns: [(column: Int, name: String)]) {
        for (column, field) in fields.enumerated() {
            if let field { set(field, to: batch.fields[column][index]) }
        }
        for (column, name) in customColumns {
            customFields[name] = batch.custom[column][index]
        }
    }
}
