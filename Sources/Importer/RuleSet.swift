import ClientBase
import Foundation
import LuaBridge

/// A rule set loaded from Lua: the template's columns and the row checker behind them.
///
/// The declarations are checked here at load time, so a typo in a rule file is reported with
/// the file and column before any row is read.
public struct RuleSet {
    public var name: String
    public var title: String
    public var file: String
    /// At most this many data rows per file (`nil`: no limit).
    public var maxRows: Int?
    /// Template languages, the first being the default.
    public var languages: [String]
    public var columns: [ColumnDeclaration]
    /// The comment written with each balance correction, per language.
    public var balanceComment: [String: String]
    public var undoComment: [String: String]
    /// The word a yes/no column holds for "yes", per language ("Oui").
    public var yesWord: [String: String]
    /// The example row of the template, by column key, per language.
    public var example: [String: [String: String]]
    /// Message templates by key, per language (`{name}` marks a value).
    public var messages: [String: [String: String]] = [:]
    /// The rule set's Lua table, handed back to the engine to check rows.
    let table: LuaValue

    /// Client fields a column may fill, in the order of RemOnline's template (`ClientField`).
    public static let fieldKeys = ClientField.inTemplateOrder.map(\.key)

    public func column(_ key: String) -> ColumnDeclaration? { columns.first { $0.key == key } }

    /// The message `key` in `language` (else English), its `{name}`s replaced by `values`; the
    /// key itself when the rule set has no such message.
    public func message(_ key: String, language: String, _ values: [String: String]) -> String {
        var text = messages[language]?[key] ?? messages["en"]?[key] ?? key
        for (name, value) in values { text = text.replacingOccurrences(of: "{\(name)}", with: value) }
        return text
    }

    /// The text for `language`, falling back to English then to the first language given.
    static func localized(_ texts: [String: String], _ language: String) -> String {
        texts[language] ?? texts["en"] ?? texts.values.sorted().first ?? ""
    }
}

/// One template column as the rule set declares it.
public struct ColumnDeclaration: Sendable, Equatable {
    public var key: String
    public var type: String
    public var required: Bool
    /// The header per language.
    public var headers: [String: String]
    /// Other headers accepted for this column in any language.
    public var aliases: [String]
    /// The rule shown to users as the header cell's comment, per language.
    public var help: [String: String]
    public var width: Double?
    /// For a `text` column: at most this many characters (`max_length`).
    public var maxLength: Int? = nil

    public func header(_ language: String) -> String { RuleSet.localized(headers, language) }
}

extension RuleSet {
    /// Runs a rule set file in `lua` and checks its declarations.
    static func load(file: String, in lua: LuaState, knownTypes: Set<String>) throws -> RuleSet {
        let table = try DeclarationCheck.runDeclarations(file: file, in: lua, what: "rule set")
        var check = DeclarationCheck(file: file)
        check.knownFields(of: table, LuaAPIReference.ruleSet)
        check.requiredFields(of: table, LuaAPIReference.ruleSet)
        check.apiVersion(table["api_version"])
        let name = check.string(table["name"], "name")
        let languages = check.stringList(table["languages"], "languages")
        var ruleSet = RuleSet(
            name: name, title: table["title"].stringValue ?? name, file: file,
            maxRows: table["max_rows"].intValue.map(Int.init),
            languages: languages,
            columns: [],
            balanceComment: check.texts(table["balance_comment"], "balance_comment", languages),
            undoComment: check.texts(table["undo_comment"], "undo_comment", []),
            yesWord: check.texts(table["yes_word"], "yes_word", languages),
            example: [:],
            table: .table(table))
        guard let columns = table["columns"].tableValue, !columns.array.isEmpty else {
            check.fail("the rule set declares no `columns` (a list of column tables)")
            throw check.failure
        }
        var seen = Set<String>()
        for (index, value) in columns.array.enumerated() {
            guard let column = value.tableValue else {
                check.fail("columns[\(index + 1)] must be a table")
                continue
            }
            let key = column["key"].stringValue ?? ""
            let label = key.isEmpty ? "columns[\(index + 1)]" : "column '\(key)'"
            check.knownFields(of: column, LuaAPIReference.column, label: label)
            check.requiredFields(of: column, LuaAPIReference.column, label: label)
            if !Self.fieldKeys.contains(key) {
                check.fail("\(label): unknown key '\(key)' (client fields: \(Self.fieldKeys.joined(separator: ", ")))")
            }
            if !seen.insert(key).inserted { check.fail("\(label) is declared twice") }
            let type = column["type"].stringValue ?? ""
            if !knownTypes.contains(type) {
                let suggestion = closest(to: type, in: Array(knownTypes)).map { "; did you mean '\($0)'?" } ?? ""
                check.fail("\(label): unknown type '\(type)' (types: \(knownTypes.sorted().joined(separator: ", ")))\(suggestion)")
            } else if let field = ClientField.named(key), !field.accepts(type: type) {
                check.fail("\(label): a '\(type)' column cannot fill the field '\(key)', which holds \(field.kind.rawValue) values; "
                    + "give it the type \(field.acceptedTypes.map { "'\($0)'" }.joined(separator: " or "))")
            }
            ruleSet.columns.append(ColumnDeclaration(
                key: key, type: type, required: column["required"].boolValue ?? false,
                headers: check.texts(column["headers"], "\(label) headers", languages),
                aliases: column["aliases"].tableValue?.array.compactMap(\.stringValue) ?? [],
                help: check.texts(column["help"], "\(label) help", []),
                width: column["width"].doubleValue,
                maxLength: column["max_length"].intValue.map(Int.init)))
        }
        if ruleSet.column("name") == nil { check.fail("the rule set has no 'name' column, which every client needs") }
        ruleSet.messages = check.messageCatalogs(table["messages"])
        if let example = table["example"].tableValue {
            for (language, row) in example.fields {
                guard case .string(let language) = language, let row = row.tableValue else { continue }
                var values: [String: String] = [:]
                for (key, value) in row.fields { if case .string(let key) = key { values[key] = value.stringValue } }
                ruleSet.example[language] = values
            }
        }
        try check.finish()
        return ruleSet
    }
}

/// Collects every problem of a rule set's declarations, so the author sees them all at once.
struct DeclarationCheck {
    let file: String
    var problems: [String] = []

    /// Runs a rule set or plugin file, which must return its declarations as a table.
    static func runDeclarations(file: String, in lua: LuaState, what: String) throws -> LuaTable {
        let results: [LuaValue]
        do {
            results = try lua.run(file: file)
        } catch let error as LuaError {
            throw RuleError(error, during: "loading the \(what)", file: file)
        }
        guard let table = results.first?.tableValue else {
            throw RuleError(file: file, "a \(what) file must return a table (it returned \(results.first.map(typeName) ?? "nothing"))")
        }
        return table
    }

    mutating func fail(_ problem: String) { problems.append(problem) }

    mutating func string(_ value: LuaValue, _ field: String) -> String {
        guard let text = value.stringValue, !text.isEmpty else {
            fail("`\(field)` must be a non-empty string")
            return ""
        }
        return text
    }

    mutating func stringList(_ value: LuaValue, _ field: String) -> [String] {
        let list = value.tableValue?.array.compactMap(\.stringValue) ?? []
        if list.isEmpty { fail("`\(field)` must be a list of language codes such as { \"fr\", \"en\" }") }
        return list
    }

    /// A `{ fr = "…", en = "…" }` table; `required` languages must all be there.
    mutating func texts(_ value: LuaValue, _ field: String, _ required: [String]) -> [String: String] {
        var result: [String: String] = [:]
        if case .table(let table) = value {
            for (key, text) in table.fields {
                if case .string(let language) = key, let text = text.stringValue { result[language] = text }
            }
        } else if !value.isNil || !required.isEmpty {
            fail("`\(field)` must be a table of texts per language, such as { fr = \"…\", en = \"…\" }")
            return result
        }
        let missing = required.filter { result[$0] == nil }
        if !missing.isEmpty { fail("`\(field)` lacks the language(s) \(missing.joined(separator: ", "))") }
        return result
    }

    func finish() throws {
        guard !problems.isEmpty else { return }
        throw RuleError(file: file, problems.joined(separator: "; "))
    }
}

func typeName(_ value: LuaValue) -> String {
    switch value {
    case .nil: "nil"
    case .bool: "a boolean"
    case .integer, .number: "a number"
    case .string: "a string"
    case .table: "a table"
    case .function: "a function"
    }
}
