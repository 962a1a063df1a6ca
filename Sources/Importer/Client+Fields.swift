import ClientBase
import LuaBridge

extension Client {
    /// Sets the fields the file's columns carry; a column the file lacks leaves its field as is.
    /// An empty cell clears its field (except Balance, which the pipeline handles).
    mutating func assign(_ fields: LuaTable, keys: [String], customFieldNames: [String]) {
        for key in keys {
            let value = fields[key]
            let text = value.stringValue ?? ""
            switch key {
            case "name": name = text
            case "last_name": lastName = text
            case "phone": phones = value.tableValue?.array.compactMap(\.stringValue) ?? []
            case "email": email = text
            case "address": address = text
            case "juridical": juridical = value.boolValue ?? false
            case "supplier": supplier = value.boolValue ?? false
            case "conflicted": conflicted = value.boolValue ?? false
            case "notes": notes = text
            case "marketing_source": marketingSource = text
            case "discount_card": discountCard = text
            case "discount_goods": discountGoods = ExactDecimal(text)
            case "discount_services": discountServices = ExactDecimal(text)
            case "discount_materials": discountMaterials = ExactDecimal(text)
            case "price_type_sales": priceTypeSales = text
            case "price_type_orders": priceTypeOrders = text
            default: break // id and balance are not fields of the card
            }
        }
        let custom = fields["custom"].tableValue
        for name in customFieldNames {
            customFields[name] = custom?[name].stringValue
        }
    }
}
