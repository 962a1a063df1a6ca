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

    /// Every problem found so far, as one error (a misspelt `colums` and the missing `columns`).
    var failure: RuleError { RuleError(file: file, problems.joined(separator: "; ")) }
}
