import LuaBridge

extension DeclarationCheck {
    /// Refuses the fields of `table` that `section` of the Lua API does not declare, naming the
    /// nearest known one: a misspelt `colums` would otherwise be ignored without a word.
    /// `label` names a nested table in the author's vocabulary ("column 'phone'"); the file
    /// already names the top-level one.
    mutating func knownFields(of table: LuaTable, _ section: LuaAPISection, label: String? = nil) {
        let known = section.names
        let unknown = table.fields.keys.compactMap { key -> String? in
            guard case .string(let name) = key, !known.contains(name) else { return nil }
            return name
        }
        for name in unknown.sorted() {
            let hint = closest(to: name, in: known).map { "; did you mean '\($0)'?" }
                ?? " (known fields: \(known.joined(separator: ", ")))"
            fail("\(label.map { "\($0): " } ?? "")unknown field '\(name)'\(hint)")
        }
    }

    /// Refuses a table that lacks a field `section` marks required, so the reference and the
    /// check cannot disagree (a rule set without `messages` used to load and fail on its first
    /// bad cell).
    mutating func requiredFields(of table: LuaTable, _ section: LuaAPISection, label: String? = nil) {
        for entry in section.entries where entry.isRequired && table[entry.name].isNil {
            fail("\(label.map { "\($0): " } ?? "")`\(entry.name)` is required (\(entry.luaType)): \(entry.summary)")
        }
    }

    /// Refuses an `api_version` this build does not speak: a rule set written for a newer API
    /// would otherwise load and misbehave on a field this build ignores.
    mutating func apiVersion(_ value: LuaValue) {
        guard !value.isNil else { return }
        guard let version = value.intValue else {
            fail("`api_version` must be an integer such as \(RuleEngine.apiVersion) (it is \(typeName(value)))")
            return
        }
        if version < 1 || version > RuleEngine.apiVersion {
            fail("`api_version` is \(version) but this clientimport speaks version \(RuleEngine.apiVersion) of the Lua API; "
                + (version > RuleEngine.apiVersion ? "update clientimport, or write the rule set against version \(RuleEngine.apiVersion)" : "set it to \(RuleEngine.apiVersion)"))
        }
    }

    /// The `messages` table: a catalog of texts per language, `en` among them (the fallback
    /// every message falls back to).
    mutating func messageCatalogs(_ value: LuaValue) -> [String: [String: String]] {
        guard let table = value.tableValue else {
            if !value.isNil { fail("`messages` must be a table of catalogs per language, such as { en = { required = \"…\" } } (it is \(typeName(value)))") }
            return [:]
        }
        var catalogs: [String: [String: String]] = [:]
        for (language, catalog) in table.fields {
            guard case .string(let language) = language else { continue }
            guard let catalog = catalog.tableValue else {
                fail("`messages.\(language)` must be a table of message texts by key (it is \(typeName(catalog)))")
                continue
            }
            var texts: [String: String] = [:]
            for (key, text) in catalog.fields {
                guard case .string(let key) = key else { continue }
                guard let text = text.stringValue else {
                    fail("`messages.\(language).\(key)` must be a string (it is \(typeName(text)))")
                    continue
                }
                texts[key] = text
            }
            catalogs[language] = texts
        }
        if catalogs["en"] == nil {
            fail("`messages` has no `en` catalog; English is the fallback of every message, so it is required")
        }
        return catalogs
    }

    /// Every problem found so far, as one error (a misspelt `colums` and the missing `columns`).
    var failure: RuleError { RuleError(file: file, problems.joined(separator: "; ")) }
}
