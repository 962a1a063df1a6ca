import ClientBase

/// A JSON value whose numbers are written from exact decimal text, never through `Double`.
public indirect enum JSONText: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number literal such as `-12.5`.
    case number(String)
    case string(String)
    case array([JSONText])
    /// Keys keep their order.
    case object([(String, JSONText)])

    public static func == (lhs: JSONText, rhs: JSONText) -> Bool { lhs.rendered == rhs.rendered }

    static func integer<T: BinaryInteger>(_ value: T) -> JSONText { .number(String(value)) }
    static func decimal(_ value: ExactDecimal?) -> JSONText { value.map { .number($0.description) } ?? .null }

    /// Compact JSON text.
    public var rendered: String {
        var output = ""
        write(to: &output)
        return output
    }

    private func write(to output: inout String) {
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .number(let literal): output += literal
        case .string(let text): Self.quote(text, into: &output)
        case .array(let items):
            output += "["
            for (index, item) in items.enumerated() {
                if index > 0 { output += "," }
                item.write(to: &output)
            }
            output += "]"
        case .object(let members):
            output += "{"
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { output += "," }
                Self.quote(key, into: &output)
                output += ":"
                value.write(to: &output)
            }
            output += "}"
        }
    }

    private static func quote(_ text: String, into output: inout String) {
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case let s where s.value < 0x20:
                let hex = String(s.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}

extension Client {
    /// The client as RemOnline's public API names its fields: each of `ClientField.all` by its
    /// `apiName`, in that order, then `custom_fields` by name.
    public var json: JSONText {
        .object(ClientField.all.map { ($0.apiName, json(of: $0)) }
            + [("custom_fields", .object(customFields.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))])
    }

    /// One field's JSON value: text as a string, phones as an array of strings, yes-no as a
    /// boolean, the ID as an integer, amounts as exact decimal numbers (`null` when not set).
    public func json(of field: ClientField) -> JSONText {
        switch field.storage {
        case .id: .integer(id)
        case .balance: .decimal(balance)
        case .text(let path): .string(self[keyPath: path])
        case .phones(let path): .array(self[keyPath: path].map(JSONText.string))
        case .flag(let path): .bool(self[keyPath: path])
        case .decimal(let path): .decimal(self[keyPath: path])
        }
    }
}

extension BalanceCorrection {
    public var json: JSONText {
        .object([("amount", .decimal(amount)), ("comment", .string(comment)),
                 ("batch", batch.map(JSONText.integer) ?? .null), ("employee", employee.map(JSONText.string) ?? .null),
                 ("at", .string(at))])
    }
}

extension ImportIssue {
    public var json: JSONText {
        // `field` only when the column is not the template's (a plugin's source file).
        .object([("row", .integer(row)), ("cell", cell.map(JSONText.string) ?? .null),
                 ("column", column.map(JSONText.string) ?? .null)] + (field.map { [("field", JSONText.string($0))] } ?? [])
                + [("value", value.map(JSONText.string) ?? .null), ("message", .string(message))])
    }
}

extension ImportReport {
    /// The report as the design's JSON: status, batch, counts, errors and warnings. A rejected
    /// file changed nothing, so its `created`, `updated`, `unchanged`, `skipped` and
    /// `balance_corrections` are 0 and what the rows checked before the rollback would have done
    /// is under `would_create`, `would_update`, `would_leave_unchanged`, `would_skip` and
    /// `would_correct_balances`.
    public var json: JSONText {
        let rejected = status == .rejected
        let done = rejected ? BatchCounts(rows: counts.rows) : counts
        var fields: [(String, JSONText)] = [
            ("status", .string(status.rawValue)), ("batch", batch.map(JSONText.integer) ?? .null),
            ("file", .string(file)), ("rule_set", .string(ruleSet)), ("plugin", plugin.map(JSONText.string) ?? .null),
            ("plugin_choice", pluginChoice.map(JSONText.string) ?? .null), ("language", language.map(JSONText.string) ?? .null),
            ("rows", .integer(counts.rows)), ("created", .integer(done.created)), ("updated", .integer(done.updated)),
            ("unchanged", .integer(done.unchanged)), ("skipped", .integer(rejected ? 0 : skipped)),
            ("balance_corrections", .integer(done.balanceCorrections)),
        ]
        if rejected {
            fields += [
                ("would_create", .integer(counts.created)), ("would_update", .integer(counts.updated)),
                ("would_leave_unchanged", .integer(counts.unchanged)), ("would_skip", .integer(skipped)),
                ("would_correct_balances", .integer(counts.balanceCorrections)),
            ]
        }
        return .object(fields + [
            ("errors", .array(errors.map(\.json))), ("omitted_errors", .integer(omittedErrors)),
            ("warnings", .array(warnings.map(\.json))), ("omitted_warnings", .integer(omittedWarnings)),
        ])
    }
}

extension Batch {
    public var json: JSONText {
        .object([
            ("batch", .integer(id)), ("kind", .string(kind.rawValue)), ("state", .string(state.rawValue)),
            ("file", .string(fileName)), ("sha256", .string(fileSHA256)), ("rule_set", .string(ruleSet)),
            ("plugin", .string(plugin)), ("employee", employee.map(JSONText.string) ?? .null),
            ("rows", .integer(counts.rows)), ("created", .integer(counts.created)), ("updated", .integer(counts.updated)),
            ("unchanged", .integer(counts.unchanged)), ("balance_corrections", .integer(counts.balanceCorrections)),
            ("undoes_batch", undoesBatch.map(JSONText.integer) ?? .null),
            ("started_at", .string(startedAt)), ("finished_at", finishedAt.map(JSONText.string) ?? .null),
        ])
    }
}
