/// One page of clients that match a search.
public struct ClientPage: Sendable {
    /// How many clients match in all.
    public var total: Int
    public var clients: [Client]
}

/// A client search as both backends run it: the query trimmed, its digits (a phone is found by
/// them, so "06 12" finds 0612…), and a LIKE pattern of each in which the query's wildcards
/// match themselves.
struct ClientSearch {
    let trimmed: String
    let digits: String

    init(_ query: String) {
        trimmed = query.trimmingCharacters(in: .whitespaces)
        digits = String(trimmed.unicodeScalars.filter { ("0"..."9").contains($0) }.map(Character.init))
    }

    /// The text, the pattern of text containing it, the digits, the pattern of a phone
    /// containing them: the four parameters of both backends' search.
    var parameters: [String] { [trimmed, Self.containing(trimmed), digits, Self.containing(digits)] }

    /// `%text%` with `\`, `%` and `_` escaped by `\`.
    static func containing(_ text: String) -> String {
        "%" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_") + "%"
    }
}

extension SQLiteClientStore {
    /// The clients whose name, last name, email or phone contains `query` (any case; a phone
    /// compared by its digits, so "06 12" finds 0612…), in ID order, `limit` from `offset`.
    /// An empty query lists every client.
    public func searchClients(query: String, offset: Int, limit: Int) throws -> ClientPage {
        let search = ClientSearch(query)
        // A phone is matched in the row's JSON array: a pattern of digits cannot span two
        // numbers, since the `","` between them is not digits.
        let condition = """
            c.deleted_batch IS NULL AND (?1 = '' OR c.name LIKE ?2 ESCAPE '\\' OR c.last_name LIKE ?2 ESCAPE '\\'
                OR (c.name || ' ' || c.last_name) LIKE ?2 ESCAPE '\\' OR c.email LIKE ?2 ESCAPE '\\'
                OR (?3 <> '' AND c.phones LIKE ?4))
            """
        let values: [SQLValue] = search.parameters.map { .text($0) }
        let count = try connection.statement("SELECT COUNT(*) FROM clients c WHERE \(condition)").bind(values)
        _ = try count.step()
        let total = Int(count.int(0))
        count.reset()
        let ids = try connection.statement("SELECT c.id FROM clients c WHERE \(condition) ORDER BY c.id LIMIT ?5 OFFSET ?6")
            .bind(values + [.integer(Int64(max(0, limit))), .integer(Int64(max(0, offset)))])
        var found: [Int64] = []
        while try ids.step() { found.append(ids.int(0)) }
        ids.reset()
        return ClientPage(total: total, clients: try found.compactMap { try client(id: $0) })
    }
}
