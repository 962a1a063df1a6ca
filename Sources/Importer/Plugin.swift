import Foundation
import LuaBridge
import Workbook

/// A migration plugin loaded from Lua: it recognises a foreign export by its headers
/// (`detect`), maps each of its rows onto the rule set's fields (`map`), and may read a format
/// the core does not (`read`, bytes in, rows out — vCard, say).
public struct Plugin {
    public var name: String
    public var title: String
    public var file: String
    /// File extensions the plugin reads itself through `read` (`["vcf"]`).
    public var extensions: [String]
    let table: LuaTable
    public let detect: LuaFunction?
    let map: LuaFunction
    public let read: LuaFunction?

    /// Loads and checks a plugin file in `lua`.
    static func load(file: String, in lua: LuaState) throws -> Plugin {
        let table = try DeclarationCheck.runDeclarations(file: file, in: lua, what: "plugin")
        var check = DeclarationCheck(file: file)
        check.knownFields(of: table, LuaAPIReference.plugin)
        let name = check.string(table["name"], "name")
        let mapMessage = "`map` must be a function(row, ctx) returning a client table"
        if table["map"].functionValue == nil { check.fail(mapMessage) }
        for callback in ["detect", "read"] where !table[callback].isNil && table[callback].functionValue == nil {
            check.fail("`\(callback)` must be a function")
        }
        try check.finish()
        guard let map = table["map"].functionValue else { throw RuleError(file: file, mapMessage) }
        return Plugin(name: name, title: table["title"].stringValue ?? name, file: file,
                      extensions: table["extensions"].tableValue?.array.compactMap { $0.stringValue?.lowercased() } ?? [],
                      table: table, detect: table["detect"].functionValue, map: map, read: table["read"].functionValue)
    }

    /// How sure the plugin is that `headers` are its export's (0…1), and why.
    func confidence(for headers: [String], in lua: LuaState) throws -> (score: Double, reason: String) {
        guard let detect else { return (0, "the plugin has no detect function") }
        do {
            let results = try lua.call(detect, [.table(LuaTable(array: headers.map(LuaValue.string)))])
            let score = results.first?.doubleValue ?? 0
            return (min(max(score, 0), 1), results.dropFirst().first?.stringValue ?? "")
        } catch let error as LuaError {
            throw RuleError(error, during: "plugin \(name)'s detect")
        }
    }
}

/// Rows a plugin's `read` produced from a format the core does not parse: the header row is
/// row 1, data rows follow in order.
final class PluginRowReader: RowReader {
    let sheetName: String
    private var rows: [Row]
    private var next = 0

    init(sheetName: String, headers: [String], rows: [[String]]) {
        self.sheetName = sheetName
        self.rows = [Row(number: 1, cells: headers.map { .text($0) })]
            + rows.enumerated().map { Row(number: $0.offset + 2, cells: $0.element.map { $0.isEmpty ? .empty : .text($0) }) }
    }

    func nextRow() throws -> Row? {
        guard next < rows.count else { return nil }
        defer { next += 1 }
        return rows[next]
    }
}

extension Plugin {
    /// Runs the plugin's `read` on the file's bytes.
    func readRows(path: String, in lua: LuaState) throws -> PluginRowReader {
        guard let read else { throw RuleError(file: file, "plugin \(name) has no read function, so it cannot read \(path)") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw WorkbookError(.notFound, file: path, "the file does not exist or cannot be read")
        }
        let result: LuaValue
        do {
            result = try lua.call(read, [.string(String(decoding: data, as: UTF8.self))]).first ?? .nil
        } catch let error as LuaError {
            throw RuleError(error, during: "plugin \(name)'s read")
        }
        guard let headers = result["headers"].tableValue?.array.compactMap(\.stringValue),
              let rows = result["rows"].tableValue?.array else {
            throw RuleError(file: file, "read must return { headers = { \"…\" }, rows = { { \"…\" }, … } }, got \(typeName(result))")
        }
        return PluginRowReader(sheetName: (path as NSString).lastPathComponent, headers: headers,
                               rows: rows.map { $0.tableValue?.array.map { $0.stringValue ?? "" } ?? [] })
    }
}
