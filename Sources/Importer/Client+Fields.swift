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
    mutating func set(_ field: ClientField, to value: TypedValue) { set(field.storage, to: value) }

    /// Sets the field stored at `storage` (one of `ClientField.all`'s) to the typed value.
    mutating func set(_ storage: ClientField.Storage, to value: TypedValue) {
        switch storage {
        case .text(let path): self[keyPath: path] = value.textValue ?? ""
        case .phones(let path): self[keyPath: path] = value.phonesValue ?? []
        case .flag(let path): self[keyPath: path] = value.boolValue ?? false
        case .decimal(let path): self[keyPath: path] = ExactDecimal(value.textValue ?? "")
        case .id, .balance: break
        }
    }

    /// Sets the fields the file's columns carry from row `index` of a checked batch: `fields[c]`
    /// is the storage of the client field of the batch's column `c` (nil for id and balance,
    /// which the pipeline handles). A column the file lacks leaves its field as is; an empty
    /// cell clears its field. `customColumns` are the batch's custom columns to assign (a
    /// plugin's client assigns only those it gave a value).
    ///
    /// Storages rather than whole `ClientField`s: copying a field (six strings) for each column
    /// of each row was half of this function's work.
    mutating func assign(_ batch: CheckedBatch, index: Int, fields: [ClientField.Storage?],
                         customColumns: [(column: Int, name: String)]) {
        for (column, storage) in fields.enumerated() {
            if let storage { set(storage, to: batch.fields[column][index]) }
        }
        // A new client's dictionary would otherwise grow (and rehash) once per value.
        if customFields.isEmpty { customFields.reserveCapacity(customColumns.count) }
        for (column, name) in customColumns {
            customFields[name] = batch.custom[column][index]
        }
    }

    /// A reader of the field at `path` that skips the key-path runtime: `client[keyPath:]`
    /// costs about 900 instructions a read (it copies the whole client to project from it), a
    /// closure about 180, and the overlong check reads ten fields a row. A path not known here
    /// (a field added since) is read through its key path: slower, never wrong.
    static func reader(_ path: KeyPath<Client, String> & Sendable) -> @Sendable (Client) -> String {
        let known: [(AnyKeyPath, @Sendable (Client) -> String)] = [
            (\Client.name, { $0.name }), (\Client.lastName, { $0.lastName }), (\Client.email, { $0.email }),
            (\Client.address, { $0.address }), (\Client.notes, { $0.notes }),
            (\Client.marketingSource, { $0.marketingSource }), (\Client.discountCard, { $0.discountCard }),
            (\Client.priceTypeSales, { $0.priceTypeSales }), (\Client.priceTypeOrders, { $0.priceTypeOrders }),
        ]
        let any: AnyKeyPath = path
        if let (_, read) = known.first(where: { $0.0 == any }) { return read }
        return { client in client[keyPath: path] }
    }

    /// `reader` for a list of phones.
    static func reader(_ path: KeyPath<Client, [String]> & Sendable) -> @Sendable (Client) -> [String] {
        let any: AnyKeyPath = path
        if any == \Client.phones as AnyKeyPath { return { client in client.phones } }
        return { client in client[keyPath: path] }
    }
}
