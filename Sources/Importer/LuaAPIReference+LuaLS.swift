extension LuaAPIReference {
    /// The command that regenerates `rules/types/clientimport.lua`.
    public static let luaLSCommand = "swift run clientimport rules reference --luals -o rules/types/clientimport.lua"

    /// `rules/types/clientimport.lua`: the registry as LuaLS annotations (`---@meta`), so an editor
    /// completes the namespace, the rule set and plugin tables, `row`, `ctx` and the helpers.
    public static func luaLSStub() -> String {
        var out: [String] = [
            "---@meta",
            "-- The Lua API of clientimport rule sets and plugins (API version \(RuleEngine.apiVersion)), for Lua language",
            "-- servers (LuaLS): `.luarc.json` at the repository's root loads it. Annotate a rule set's returned table",
            "-- with `---@type clientimport.RuleSet` and a plugin's with `---@type clientimport.Plugin`.",
            "-- Generated from Sources/Importer/LuaAPIReference.swift by",
            "-- `\(luaLSCommand)`; do not edit by hand.",
        ]
        for section in sections {
            out.append("")
            out += comment(section.introduction + (section.module.map { " `require(\"\($0)\")`" } ?? ""))
            if section.kind == .names {
                if let definition = section.definition {
                    out.append("---@alias \(section.luaClass) \(definition)")
                } else {
                    out.append("---@alias \(section.luaClass)")
                    out += section.entries.map { "---| \"\($0.name)\" # \($0.summary)" }
                }
                continue
            }
            out.append("---@class \(section.luaClass)")
            for entry in section.entries {
                // A client table sets only some fields; a declaration may leave out what is not required.
                let optional = section.luaClass == client.luaClass || (section.kind == .declaration && !entry.isRequired)
                out.append("---@field \(entry.name)\(optional ? "?" : "") \(entry.luaType) \(entry.summary)")
            }
            if section.luaClass == namespace.luaClass { out.append("clientimport = {}") }
            if section.luaClass == client.luaClass {
                out += ["", "---A client field's key, as a column's `key`.", "---@alias clientimport.FieldKey"]
                out += section.entries.filter { $0.kind == .name }.map { "---| \"\($0.name)\" # \($0.summary)" }
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    private static func comment(_ text: String) -> [String] {
        var lines: [String] = []
        var line = "---"
        for word in text.split(separator: " ") {
            if line.count + word.count > 110, line != "---" {
                lines.append(line)
                line = "---"
            }
            line += (line == "---" ? "" : " ") + word
        }
        return lines + [line]
    }
}
