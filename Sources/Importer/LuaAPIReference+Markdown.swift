extension LuaAPIReference {
    /// The command that regenerates `docs/lua-api.md`.
    public static let markdownCommand = "swift run clientimport rules reference -o docs/lua-api.md"

    /// `docs/lua-api.md`: every name of the Lua API, rendered from the registry.
    public static func markdown() -> String {
        var out: [String] = [
            "# The Lua API of rule sets and plugins",
            "",
            "<!-- Generated from Sources/Importer/LuaAPIReference.swift by `\(markdownCommand)`; do not edit by hand. -->",
            "",
            "API version \(RuleEngine.apiVersion). This is the reference of every name Lua code meets or provides:",
            "the tables a rule set (`rules/<name>/ruleset.lua`) and a plugin (`plugins/<name>.lua`) return, what the",
            "host hands to their callbacks, and the helpers of `rules/lib/`. The loaders check declarations against the",
            "same list, so a field not listed here is refused when the file is loaded. Guides:",
            "[writing a rule set](writing-a-rule-set.md), [writing a plugin](writing-a-plugin.md).",
            "",
            "Editor support: `.luarc.json` at the repository's root points a Lua language server (LuaLS) at the stub",
            "`rules/types/clientimport.lua`, generated from the same list. Annotate a file's returned table with",
            "`---@type clientimport.RuleSet` or `---@type clientimport.Plugin` to complete fields, `row` and `ctx`.",
            "",
            "Rule files run in a sandbox: Lua 5.4's base library (`load` of text only, no `dofile`/`loadfile`), `string`,",
            "`table`, `math`, `utf8`, `coroutine` and `os.time`/`os.date`/`os.clock`; no `io`, `debug` or `package`;",
            "assigning a global is an error; `require` finds modules only in the search path's `rules/` folders, and a",
            "plugin's also in its `plugins/` folders (`require(\"lib.text\")` is `rules/lib/text.lua`; the first folder",
            "that has the file wins, and a file there that cannot be read is an error, not skipped); each call has a",
            "time and a memory budget. Each plugin runs in a Lua state of its own, apart from the rule set and the",
            "other plugins: what it changes in a module's table changes its own copy only.",
            "",
            "Nothing shared can be changed: the standard libraries, the `clientimport` namespace and every table `require` returns are read-only, nested",
            "tables included, by every path (`t.x = …`, `rawset`, `table.insert`, `pairs`, `setmetatable`); copy what you",
            "want to change into a table of your own. A module keeps private state in its own locals and tables, which its",
            "functions change as before. `setmetatable` refuses `__gc` (finalizers; use a `<close>` variable). Pattern",
            "matching (`find`, `match`, `gmatch`, `gsub`) and the loops of `table.concat/insert/remove/sort/move` count",
            "against the time budget like Lua code; `table.insert/remove/sort` refuse a table with a `__len` metamethod. A",
            "value handed to the host (a returned table, a mapped row) may be at most 100 tables deep, 4 million values",
            "and 256 MiB, a table counted each time it appears; a table that contains itself is refused.",
            "",
            "## Contents",
            "",
        ]
        out += sections.map { "- \($0.title)" }
        for section in sections {
            out += ["", "## \(section.title)", "", section.introduction]
            if let module = section.module {
                out += ["", "```lua", "local \(variable(module)) = require(\"\(module)\")", "```"]
            }
            if let definition = section.definition {
                out += ["", "Type: `\(definition)`."]
            }
            guard !section.entries.isEmpty else { continue }
            out.append("")
            switch section.kind {
            case .module:
                for entry in section.entries {
                    out += ["- `\(signature(entry, owner: variable(section.module ?? "")))`", "  \(entry.summary)"]
                }
            case .declaration:
                out += ["| Field | Type | Required | Description |", "|---|---|---|---|"]
                out += section.entries.map {
                    "| `\($0.name)` | \(code($0.luaType)) | \($0.isRequired ? "yes" : "no") | \(cell($0.summary)) |"
                }
            case .names:
                out += ["| Name | Value | Description |", "|---|---|---|"]
                out += section.entries.map { "| `\($0.name)` | \(code($0.luaType)) | \(cell($0.summary)) |" }
            case .context:
                out += ["| Name | Type | Description |", "|---|---|---|"]
                out += section.entries.map { entry in
                    let name = section.luaClass == namespace.luaClass ? "clientimport.\(entry.name)" : entry.name
                    return "| \(code(name)) | \(code(entry.luaType)) | \(cell(entry.summary)) |"
                }
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// `text.trim(s: any): string` from the entry `trim` of type `fun(s: any): string`.
    static func signature(_ entry: LuaAPIEntry, owner: String) -> String {
        guard entry.luaType.hasPrefix("fun(") else { return "\(owner).\(entry.name)" }
        return "\(owner).\(entry.name)\(entry.luaType.dropFirst(3))"
    }

    /// The local a module is usually bound to: `text` for `lib.text`.
    static func variable(_ module: String) -> String {
        String(module.split(separator: ".").last ?? "")
    }

    /// A code span inside a table cell: GitHub needs `|` escaped even there.
    private static func code(_ text: String) -> String { "`\(text.replacingOccurrences(of: "|", with: "\\|"))`" }

    private static func cell(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }
}
