import Foundation

extension PluginGenerator {
    /// The generated plugin's Lua source.
    public var luaSource: String {
        func quoted(_ text: String) -> String {
            var escaped = ""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\\": escaped += "\\\\"
                case "\"": escaped += "\\\""
                case "\n": escaped += "\\n"
                case "\r": escaped += "\\r"
                default: escaped.unicodeScalars.append(scalar)
                }
            }
            return "\"\(escaped)\""
        }
        func row(_ column: Column) -> String { "row[\(quoted(column.header))]" }
        func columns(_ role: Role) -> [Column] { self.columns.filter { $0.role == role } }
        func first(_ role: Role) -> String { columns(role).first.map(row) ?? "nil" }
        func comment(_ column: Column) -> String {
            "\(quoted(column.header)) ← \(column.reason)" + (column.samples.isEmpty ? "" : " (e.g. \(column.samples.map(quoted).joined(separator: ", ")))")
        }

        var lines: [String] = []
        lines.append("-- \(name): a plugin written by `clientimport plugins new \(name) --from \(source)`.")
        lines.append("-- Check each mapping below and resolve the TODOs, then try it with")
        lines.append("--   clientimport import \(source) --plugin path/to/\(name).lua --dry-run")
        lines.append("-- (in a plugins/ folder of $CLIENTIMPORT_PATH, --plugin auto finds it by its headers).")
        lines.append("local text = require(\"lib.text\")")
        lines.append("local contacts = require(\"lib.contacts\")")
        lines.append("")
        lines.append("-- The export's headers, as \(source) has them; detect looks for them.")
        lines.append("local HEADERS = {")
        for column in self.columns { lines.append("  \(quoted(column.header)),") }
        lines.append("}")
        lines.append("")
        lines.append("-- How each column was mapped:")
        for column in self.columns where column.role != nil || column.field != nil {
            lines.append("--   \(comment(column)) → \(column.role?.rawValue ?? column.field ?? "")")
        }
        lines.append("")
        // The annotation the guide asks for: a Lua language server then completes `row`, `ctx`
        // and the client's fields.
        lines.append("---@type clientimport.Plugin")
        lines.append("local plugin = {")
        lines.append("  name = \(quoted(name)),")
        lines.append("  title = \(quoted("\(name) export")),")
        lines.append("")
        lines.append("  detect = function(headers)")
        lines.append("    local present = {}")
        lines.append("    for _, header in ipairs(headers) do present[text.fold(header)] = true end")
        lines.append("    local hits = 0")
        lines.append("    for _, header in ipairs(HEADERS) do")
        lines.append("      if present[text.fold(header)] then hits = hits + 1 end")
        lines.append("    end")
        lines.append("    return hits / #HEADERS, hits .. \" of \" .. #HEADERS .. \" \(name) headers\"")
        lines.append("  end,")
        lines.append("")
        lines.append("  map = function(raw, ctx)")
        lines.append("    local row, used = contacts.track(raw)")
        lines.append("    local name, last_name, juridical, company = contacts.names({")
        lines.append("      first = \(first(.first)), last = \(first(.last)), full = \(first(.full)), organization = \(first(.organization)),")
        lines.append("    })")
        lines.append("    local phones, phone_note = contacts.phones({")
        for column in columns(.phone) { lines.append("      { value = \(row(column)), label = \(quoted(column.header)) },") }
        lines.append("    })")
        lines.append("    local email, email_note = contacts.primary_email({")
        for column in columns(.email) { lines.append("      { value = \(row(column)) },") }
        lines.append("    })")
        lines.append("    local client = {")
        lines.append("      name = name, last_name = last_name, juridical = juridical,")
        lines.append("      phone = phones, email = email,")
        lines.append("      address = contacts.address({ street = \(first(.street)), city = \(first(.city)), postal_code = \(first(.postalCode)),")
        lines.append("                                   region = \(first(.region)), country = \(first(.country)) }),")
        let notes = columns(.notes).map(row) + ["company", "phone_note", "email_note"]
        lines.append("      notes = contacts.notes({ \(notes.joined(separator: ", ")) }),")
        if let balance = columns(.balance).first { lines.append("      balance = \(row(balance)),") }
        if let card = columns(.discountCard).first { lines.append("      discount_card = \(row(card)),") }
        var filled = Set<String>()
        for column in self.columns {
            guard let field = column.field, filled.insert(field).inserted else { continue }
            lines.append("      \(field) = \(row(column)), -- the template's \(field) column")
        }
        lines.append("    }")
        for column in self.columns where column.role == nil && column.field == nil {
            let hint = column.guess.map { "; it may be \($0.rawValue) (\(column.reason))" } ?? ""
            let samples = column.samples.isEmpty ? "" : " (e.g. \(column.samples.map(quoted).joined(separator: ", ")))"
            lines.append("    -- TODO: \(quoted(column.header))\(samples) is not mapped\(hint); map it, or keep it with --keep-unmapped-as-custom-fields.")
        }
        lines.append("    local finished, why = contacts.finish(client, raw, used, ctx)")
        lines.append("    if not finished then return clientimport.skip(why) end")
        lines.append("    return finished")
        lines.append("  end,")
        lines.append("}")
        lines.append("")
        lines.append("return plugin")
        return lines.joined(separator: "\n") + "\n"
    }
}

extension PluginGenerator {
    /// A `.luarc.json` for a user's plugin folder: a Lua language server (LuaLS) then completes
    /// the API from the built-in stubs (`rules/types/clientimport.lua`), resolves
    /// `require("lib.contacts")` in the built-in `rules/`, and knows the sandbox's missing
    /// libraries and its one global.
    public static func languageServerConfig(searchPath: SearchPath) throws -> String {
        let builtIn = SearchPath.builtInRoot()
        let roots = searchPath.roots.contains(builtIn) ? searchPath.roots : searchPath.roots + [builtIn]
        let config: [String: Any] = [
            "runtime": [
                "version": "Lua 5.4",
                "path": ["?.lua", "rules/?.lua", "plugins/?.lua"],
                "builtin": ["io": "disable", "debug": "disable", "package": "disable", "ffi": "disable", "jit": "disable", "bit": "disable"],
            ],
            "workspace": [
                "library": ["\(builtIn)/rules/types"] + roots.flatMap { ["\($0)/rules", "\($0)/plugins"] },
                "checkThirdParty": false,
            ],
            "diagnostics": ["globals": ["clientimport"]],
        ]
        let data = try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
