/// A rule set's message texts (`messages` in its Lua table: language → key → template), copied
/// once when the rule set is loaded, formatted exactly as engine.lua's `format_message` does.
public struct MessageCatalog: Sendable, Equatable {
    public let messages: [String: [String: String]]

    public init(_ messages: [String: [String: String]]) {
        self.messages = messages
    }

    /// The catalog of a loaded rule set (`RuleSet.messages` holds its Lua `messages` table).
    public init(_ ruleSet: RuleSet) {
        self.init(ruleSet.messages)
    }

    /// `format_message(rule_set, language, key, vars)`: the template of `key` in `language`'s
    /// catalog (the English one when the rule set has no such language), else in English, else
    /// the key itself; each `{name}` (ASCII letters and digits) replaced by `vars[name]`, or by
    /// nothing when `vars` has no such name.
    public func format(_ key: String, vars: [String: String], language: String) -> String {
        let english = messages["en"]
        let template = (messages[language] ?? english)?[key] ?? english?[key] ?? key
        return Self.substitute(template, vars)
    }

    /// A cell's message as engine.lua's `report` makes it: the problem's vars, with `value` (the
    /// trimmed cell) and `column` (the column key or custom field name) set over them.
    public func message(for problem: CellProblem, value: String, column: String, language: String) -> String {
        var vars = problem.vars
        vars["value"] = value
        vars["column"] = column
        return format(problem.key, vars: vars, language: language)
    }

    /// `template:gsub("{(%w+)}", …)`.
    static func substitute(_ template: String, _ vars: [String: String]) -> String {
        let bytes = Array(template.utf8)
        guard bytes.contains(UInt8(ascii: "{")) else { return template }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "{") {
                var end = index + 1
                while end < bytes.count && NativeText.isAlphanumeric(bytes[end]) { end += 1 }
                if end > index + 1 && end < bytes.count && bytes[end] == UInt8(ascii: "}") {
                    let name = String(decoding: bytes[(index + 1)..<end], as: UTF8.self)
                    out.append(contentsOf: (vars[name] ?? "").utf8)
                    index = end + 1
                    continue
                }
            }
            out.append(bytes[index])
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
