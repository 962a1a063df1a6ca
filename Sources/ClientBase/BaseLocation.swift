/// Where a client base lives, as `--db` or `$CLIENTIMPORT_DB` names it: a SQLite file, or a
/// PostgreSQL server (`postgresql://USER@HOST:PORT/DB?schema=NAME`, issue 15). Parsed in one
/// place, `init(parsing:)`, so every command and the server read the text the same way.
public enum BaseLocation: Sendable, Hashable, CustomStringConvertible {
    /// A SQLite file (created by the first import into it).
    case sqlite(path: String)
    /// A PostgreSQL connection URL, as typed (with its password, if it has one: only
    /// `description` is for messages).
    case postgres(url: String)

    /// The base without `--db`: `clients.sqlite` in the current folder.
    public static let defaultPath = "clients.sqlite"

    /// `postgresql://…` or `postgres://…` (the scheme in any case, as libpq accepts it) is a
    /// PostgreSQL server; anything else is a file path — a relative file named `postgres`, a
    /// path with a `:` in it (`C:base.sqlite`, `backup:2026.sqlite`) or `./postgresql://x`.
    public init(parsing text: String) {
        if Self.schemeLength(of: text) != nil {
            self = .postgres(url: text)
        } else {
            self = .sqlite(path: text)
        }
    }

    /// The base a command uses: `--db` when given, else `$CLIENTIMPORT_DB` when set and not
    /// empty, else `clients.sqlite`.
    public init(option: String?, environment: [String: String]) {
        let text = option ?? environment["CLIENTIMPORT_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultPath
        self.init(parsing: text)
    }

    /// The SQLite file, or `nil` for a server.
    public var sqlitePath: String? {
        if case .sqlite(let path) = self { return path }
        return nil
    }

    /// The location for messages: a path as it is; a URL with its password, in the user part
    /// or as a `password=` parameter, replaced by `***`.
    public var description: String {
        switch self {
        case .sqlite(let path): path
        case .postgres(let url): Self.redacted(url)
        }
    }

    /// The length of the scheme and `://` when `text` starts with a PostgreSQL one.
    private static func schemeLength(of text: String) -> Int? {
        for scheme in ["postgresql://", "postgres://"] {
            let head = text.utf8.prefix(scheme.utf8.count)
            if head.count == scheme.utf8.count, String(decoding: head, as: UTF8.self).lowercased() == scheme {
                return scheme.utf8.count
            }
        }
        return nil
    }

    /// `postgresql://user:secret@host/db?password=x&schema=s` →
    /// `postgresql://user:***@host/db?password=***&schema=s`. Works on the bytes as typed, so
    /// nothing is decoded or re-encoded: what is shown is what was typed, less the secrets.
    static func redacted(_ url: String) -> String {
        guard let schemeLength = schemeLength(of: url) else { return url }
        let bytes = Array(url.utf8)
        let queryStart = bytes.firstIndex(of: UInt8(ascii: "?")) ?? bytes.count
        var shown = Array(bytes[..<schemeLength])
        // The user part ends at the last `@` before the query: a password may hold `@` or `/`
        // that were not percent-encoded, and hiding too much beats showing a secret.
        let rest = bytes[schemeLength..<queryStart]
        if let at = rest.lastIndex(of: UInt8(ascii: "@")) {
            let userInfo = bytes[schemeLength..<at]
            if let colon = userInfo.firstIndex(of: UInt8(ascii: ":")) {
                shown += bytes[schemeLength...colon] + Array("***".utf8)
            } else {
                shown += userInfo
            }
            shown += bytes[at..<queryStart]
        } else {
            shown += rest
        }
        if queryStart < bytes.count {
            shown.append(UInt8(ascii: "?"))
            let query = bytes[(queryStart + 1)...]
            let parameters = query.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: false).map { parameter -> [UInt8] in
                let name = parameter.prefix { $0 != UInt8(ascii: "=") }
                guard String(decoding: name, as: UTF8.self).lowercased() == "password", name.count < parameter.count else {
                    return Array(parameter)
                }
                return Array(name) + Array("=***".utf8)
            }
            shown += Array(parameters.joined(separator: [UInt8(ascii: "&")]))
        }
        return String(decoding: shown, as: UTF8.self)
    }
}
