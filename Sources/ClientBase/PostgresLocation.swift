/// Where a PostgreSQL client base lives, read from a URL:
/// `postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE?schema=NAME` (also `postgres://`).
///
/// Every part is percent-decoded. `schema` (default `public`) names the base: one schema per
/// base, so many shops share one server. Any other query parameter (`sslmode=require`,
/// `connect_timeout=5`) is handed to libpq as a connection keyword of the same name.
struct PostgresLocation: Equatable {
    var user: String?
    var password: String?
    var host: String?
    var port: String?
    var database: String?
    var schema = "public"
    /// libpq keywords from the query, in URL order.
    var options: [Option] = []

    struct Option: Equatable {
        var key: String
        var value: String
    }

    /// Whether `text` names a PostgreSQL base rather than a SQLite file.
    static func isPostgresURL(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower.hasPrefix("postgresql://") || lower.hasPrefix("postgres://")
    }

    init(url: String) throws {
        let lower = url.lowercased()
        let prefix = lower.hasPrefix("postgresql://") ? "postgresql://" : lower.hasPrefix("postgres://") ? "postgres://" : nil
        guard let prefix else {
            throw Self.invalid("a PostgreSQL base is named by a URL that starts with postgresql:// or postgres://")
        }
        var rest = Substring(url.dropFirst(prefix.count))
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        var path: Substring = ""
        if let slash = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        // The user part ends at the last `@`: a password may hold one when it is not encoded.
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = userInfo.firstIndex(of: ":") {
                user = try Self.decode(userInfo[..<colon], "the user name")
                password = try Self.decode(userInfo[userInfo.index(after: colon)...], "the password")
            } else {
                user = try Self.decode(userInfo, "the user name")
            }
        }
        var portText: Substring?
        if rest.hasPrefix("[") {
            // An IPv6 address: [::1]:5432.
            guard let close = rest.firstIndex(of: "]") else { throw Self.invalid("the IPv6 address in the URL lacks its closing ]") }
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty {
                throw Self.invalid("unexpected \"\(after)\" after the IPv6 address")
            }
        } else if let colon = rest.lastIndex(of: ":") {
            host = try Self.decode(rest[..<colon], "the host")
            portText = rest[rest.index(after: colon)...]
        } else if !rest.isEmpty {
            host = try Self.decode(rest, "the host")
        }
        if host == "" { host = nil }
        if let portText, !portText.isEmpty {
            guard portText.allSatisfy(\.isASCII), let number = Int(portText), (1...65_535).contains(number) else {
                throw Self.invalid("the port \"\(portText)\" is not a number from 1 to 65535")
            }
            port = String(number)
        }
        let name = try Self.decode(path, "the database name")
        database = name.isEmpty ? nil : name
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = try Self.decode(parts[0], "a query parameter")
            let value = try Self.decode(parts.count > 1 ? parts[1] : "", "the value of \(key)")
            if key == "schema" {
                guard !value.isEmpty else { throw Self.invalid("schema= needs a name (the default is public)") }
                guard value.utf8.count <= 63 else {
                    throw Self.invalid("the schema name \"\(value)\" is longer than PostgreSQL's 63 bytes; choose a shorter one")
                }
                schema = value
            } else {
                options.append(Option(key: key, value: value))
            }
        }
    }

    /// The URL without its password: what messages show.
    var redacted: String {
        var text = "postgresql://"
        if let user { text += user + (password == nil ? "" : ":***") + "@" }
        if let host { text += host.contains(":") ? "[\(host)]" : host }
        if let port { text += ":\(port)" }
        text += "/" + (database ?? "")
        text += "?schema=\(schema)"
        for option in options { text += "&\(option.key)=" + (option.key.contains("password") ? "***" : option.value) }
        return text
    }

    /// The keywords and values for `PQconnectdbParams`.
    var connectionKeywords: [(String, String)] {
        var pairs: [(String, String)] = []
        if let host { pairs.append(("host", host)) }
        if let port { pairs.append(("port", port)) }
        if let user { pairs.append(("user", user)) }
        if let password { pairs.append(("password", password)) }
        if let database { pairs.append(("dbname", database)) }
        pairs += options.map { ($0.key, $0.value) }
        // Text is UTF-8 both ways, whatever the server's or the client's locale says.
        pairs.append(("client_encoding", "UTF8"))
        // `clientimport` names its sessions in `pg_stat_activity`, unless the URL names them
        // itself (`application_name=serve-a`: which of several processes on one base a session is).
        if !options.contains(where: { $0.key == "application_name" }) {
            pairs.append(("application_name", "clientimport"))
        }
        return pairs
    }

    private static func invalid(_ reason: String) -> StoreError {
        StoreError(.cannotOpen, "cannot read the PostgreSQL URL: \(reason); the form is postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE?schema=NAME")
    }

    /// `%41` → `A`; a `%` not followed by two hex digits, invalid UTF-8 or a NUL is an error.
    private static func decode(_ text: Substring, _ what: String) throws -> String {
        guard text.contains("%") else {
            guard !text.contains("\0") else { throw invalid("\(what) contains a NUL character") }
            return String(text)
        }
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            guard byte == UInt8(ascii: "%") else { bytes.append(byte); continue }
            guard iterator.count >= 2, let high = hexValue(iterator.popFirst()!), let low = hexValue(iterator.popFirst()!) else {
                throw invalid("\(what) has a % that is not followed by two hexadecimal digits (write %25 for a % sign)")
            }
            bytes.append(high << 4 | low)
        }
        guard !bytes.contains(0), let decoded = String(validating: bytes, as: UTF8.self) else {
            throw invalid("\(what) does not decode to UTF-8 text")
        }
        return decoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
