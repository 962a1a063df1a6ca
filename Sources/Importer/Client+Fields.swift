import ClientBase

extension ClientField {
    /// The field an import sets from the column `key`: nil for the ID and the balance, which the
    /// pipeline handles itself, and for a key that names no field.
    init?(assignedKey key: String) {
        guard let field = ClientField.named(key), field.isAssigned else { return nil }
        self = field
    }

    /// Whether a column of the stock `type` gives values this field can hold: a `text` column
    /// cannot fill a yes-no field (every cell would read as "no") nor `phones` a text one. A
    /// type that is not a stock one gives whatever its Lua makes, so it is not judged here.
    func accepts(type: String) -> Bool {
        guard let type = StockType(rawValue: type) else { return true }
        switch storage {
        case .id: return type == .id
        case .text: return type != .phones && type != .yesNo
        case .phones: return type == .phones
        case .flag: return type == .yesNo
        case .decimal, .balance: return type == .percent || type == .money
        }
    }

    /// The stock types whose values the field can hold, for messages.
    var acceptedTypes: [String] { StockType.allCases.map(\.rawValue).filter { accepts(type: $0) } }
}

extension Client {
    /// Sets one field to the rule set's typed value; `.none` (an empty cell) clears it. The ID
    /// and the balance are the pipeline's (`ClientField.isAssigned`): left as they are.
    mutating func set(_ field: ClientField, to value: TypedValue) {
        switch field.storage {
        case .text(let path): self[keyPath: path] = value.textValue ?? ""
        case .phones(let path): self[keyPath: path] = value.phonesValue ?? []
        case .flag(let path): self[keyPath: path] = value.boolValue ?? false
        case .decimal(let path): self[keyPath: path] = ExactDecimal(value.textValue ?? "")
        case .id, .balance: break
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
