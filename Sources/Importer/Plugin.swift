import Foundation
import LuaBridge
import Workbook

/// A migration plugin loaded from Lua: it recognises a foreign export by its headers
/// (`detect`), maps each of its rows onto the rule set's fields (`map`), and may read a format
/// the core does not (`read`, bytes in, rows out — vCard, say).
///
/// Each plugin runs alone in a Lua state of its own, which no rule set and no other plugin ever
/// runs in: whatever its file does to `lib.phones`, `clientimport`, globals or any table it can
/// reach changes only its own copies. What it produces crosses to the rule set's state as Swift
/// values (`LuaValue` copies, without metatables or functions).
public struct Plugin {
    public var name: String
    public var title: String
    public var file: String
    /// File extensions the plugin reads itself through `read` (`["vcf"]`).
    public var extensions: [String]
    /// Whether the plugin declares `parallel = true`: its `map` is a function of its row and
    /// `ctx` (caches aside), so batches of rows may be mapped in two states of it at once.
    public var parallel: Bool
    /// The plugin's own state: its file, `detect`, `read` and `map` run here and nowhere else.
    let lua: LuaState
    let table: LuaTable
    public let detect: LuaFunction?
    let map: LuaFunction
    public let read: LuaFunction?

    /// Loads and checks the plugin file `file` in a new Lua state of its own.
    static func load(file: String, searchPath: SearchPath, limits: LuaLimits = .init()) throws -> Plugin {
        let lua: LuaState
        do {
            lua = try LuaState(limits: limits, modulePaths: searchPath.moduleFolders)
            try RuleEngine.prepare(lua)
        } catch let error as LuaError {
            throw RuleError(error, during: "starting the plugin's Lua state", file: file)
        }
        let table = try DeclarationCheck.runDeclarations(file: file, in: lua, what: "plugin")
        var check = DeclarationCheck(file: file)
        check.knownFields(of: table, LuaAPIReference.plugin)
        let name = check.string(table["name"], "name")
        let mapMessage = "`map` must be a function(row, ctx) returning a client table"
        if table["map"].functionValue == nil { check.fail(mapMessage) }
        for callback in ["detect", "read"] where !table[callback].isNil && table[callback].functionValue == nil {
            check.fail("`\(callback)` must be a function")
        }
        if !table["parallel"].isNil && table["parallel"].boolValue == nil {
            check.fail("`parallel` must be true or false (it is \(typeName(table["parallel"])))")
        }
        try check.finish()
        guard let map = table["map"].functionValue else { throw RuleError(file: file, mapMessage) }
        return Plugin(name: name, title: table["title"].stringValue ?? name, file: file,
                      extensions: table["extensions"].tableValue?.array.compactMap { $0.stringValue?.lowercased() } ?? [],
                      parallel: table["parallel"].boolValue ?? false, lua: lua, table: table, detect: table["detect"].functionValue, map: map, read: table["read"].functionValue)
    }

    /// How sure the plugin is that `headers` are its export's (0…1), and why.
    func confidence(for headers: [String]) throws -> (score: Double, reason: String) {
        let found = try detection(for: headers)
        return (found.score, found.reason)
    }

    /// What `detect` says of `headers`: how sure (0…1), why, and the headers' language when the
    /// plugin tells it (its third result, e.g. "de" for a German Outlook's export).
    func detection(for headers: [String]) throws -> (score: Double, reason: String, language: String?) {
        guard let detect else { return (0, "the plugin has no detect function", nil) }
        do {
            let results = try lua.call(detect, [.table(LuaTable(array: headers.map(LuaValue.string)))])
            let score = results.first?.doubleValue ?? 0
            let language = results.dropFirst(2).first?.stringValue.map { $0.lowercased() }
            // NaN (0/0) would sort anywhere: it is no confidence at all.
            return (score.isNaN ? 0 : min(max(score, 0), 1), results.dropFirst().first?.stringValue ?? "", language)
        } catch let error as LuaError {
            throw RuleError(error, during: "plugin \(name)'s detect", file: file)
        }
    }
}

/// What `--plugin auto` learnt of one plugin file: plain Swift values, read in a Lua state that
/// was thrown away afterwards, so that nothing a plugin's file or `detect` did can reach the
/// plugin chosen, the rule set, or a later import.
struct PluginCandidate: Sendable {
    var name: String
    var file: String
    var extensions: [String]
    var reads: Bool
    var score: Double
    var reason: String
}

extension Plugin {
    /// Every plugin on the search path, each loaded in a throw-away state (and, given `headers`,
    /// asked by its `detect` how sure it is), best first. A plugin that cannot load or whose
    /// `detect` fails stops the choice: it may be the very plugin meant for the file, and
    /// choosing the next best in its place would map the data with the wrong plugin.
    static func candidates(on searchPath: SearchPath, headers: [String]?) throws -> [PluginCandidate] {
        var found: [PluginCandidate] = []
        for file in searchPath.pluginNames().map({ try? searchPath.pluginFile($0) }).compactMap({ $0 }) {
            do {
                let plugin = try Plugin.load(file: file, searchPath: searchPath)
                let (score, reason) = try headers.map(plugin.confidence(for:)) ?? (0, "")
                found.append(PluginCandidate(name: plugin.name, file: file, extensions: plugin.extensions,
                                             reads: plugin.read != nil, score: score, reason: reason))
            } catch let error as RuleError {
                throw error.advising("--plugin auto tries every plugin on the search path; fix or remove \(file), or choose the plugin for this file with --plugin NAME (or --plugin template)")
            }
        }
        // A stable sort: equal scores keep the search path's order.
        return found.enumerated().sorted { ($0.element.score, -$0.offset) > ($1.element.score, -$1.offset) }.map(\.element)
    }

    /// Loads the plugin `candidate` names afresh, in a clean state of its own: its `detect` ran in
    /// a state now gone, and it maps rows with nothing left of it.
    static func load(_ candidate: PluginCandidate, searchPath: SearchPath) throws -> Plugin {
        let plugin = try Plugin.load(file: candidate.file, searchPath: searchPath)
        guard plugin.name == candidate.name else {
            throw RuleError(file: candidate.file, "the plugin was called \"\(candidate.name)\" when it was detected and is now \"\(plugin.name)\": the file changed during the import; run it again")
        }
        return plugin
    }
}

extension Plugin {
    /// The plugin loaded afresh from its file into a new state of its own: a second mapping
    /// thread's (`RuleEngine.mappers`), which must be the same plugin, still declaring `parallel`.
    func loadedAgain(searchPath: SearchPath) throws -> Plugin {
        let plugin = try Plugin.load(file: file, searchPath: searchPath)
        guard plugin.name == name, plugin.parallel == parallel else {
            throw RuleError(file: file, "the plugin \"\(name)\" changed while the import was starting (it is now \"\(plugin.name)\"\(plugin.parallel == parallel ? "" : ", `parallel` \(plugin.parallel)")); run the import again")
        }
        return plugin
    }
}

/// Rows a plugin's `read` produced from a format the core does not parse: the header row is
/// row 1, data rows follow in order.
final class PluginRowReader: RowReader {
    let sheetName: String
    private var rows: [Row]
    private var next = 0

    /// With no `rows` and `blank` (a file of white space), there is no header row either: the
    /// file is empty.
    init(sheetName: String, headers: [String], rows: [[String]], blank: Bool = false) {
        self.sheetName = sheetName
        self.rows = blank && rows.isEmpty ? [] : [Row(number: 1, cells: headers.map { .text($0) })]
            + rows.enumerated().map { Row(number: $0.offset + 2, cells: $0.element.map { $0.isEmpty ? .empty : .text($0) }) }
    }

    func nextRow() throws -> Row? {
        guard next < rows.count else { return nil }
        defer { next += 1 }
        return rows[next]
    }
}

extension Plugin {
    /// White space and byte-order-mark bytes: a file of nothing else is empty, not unreadable.
    static let blankBytes: Set<UInt8> = [0x09, 0x0A, 0x0D, 0x20, 0x00, 0xEF, 0xBB, 0xBF, 0xFE, 0xFF]

    /// Runs the plugin's `read` on the file's text (`read(source, file)`): decoded by
    /// `PluginSourceText`, with `file = { name =, encoding =, eight_bit = }`.
    func readRows(path: String) throws -> PluginRowReader {
        guard let read else { throw RuleError(file: file, "plugin \(name) has no read function, so it cannot read \(path)") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw WorkbookError(.notFound, file: path, "the file does not exist or cannot be read")
        }
        let source = try PluginSourceText(bytes: [UInt8](data), file: path)
        let fileInfo = LuaValue.table(LuaTable(fields: [
            .string("name"): .string((path as NSString).lastPathComponent),
            .string("encoding"): .string(source.encoding),
            .string("eight_bit"): .bool(source.eightBit),
        ]))
        let result: LuaValue
        do {
            result = try lua.call(read, [.string(source.text), fileInfo]).first ?? .nil
        } catch let error as LuaError {
            throw RuleError(error, during: "plugin \(name)'s read", file: file)
        }
        guard let headers = result["headers"].tableValue?.array.compactMap(\.stringValue),
              let rows = result["rows"].tableValue?.array else {
            throw RuleError(file: file, "read must return { headers = { \"…\" }, rows = { { \"…\" }, … } }, got \(typeName(result))")
        }
        // A file with something in it that gave no row is not an empty import: it is a file the
        // plugin could not read (a vCard in an encoding it did not decode, another format).
        let blank = !data.contains { !Self.blankBytes.contains($0) }
        if rows.isEmpty && !blank {
            throw WorkbookError(.unreadable, file: path, "plugin \(name) read no row from the \(data.count) bytes of the file (read as \(source.eightBit ? "8-bit text, \(source.encoding) by the look of it" : source.encoding)), so nothing would be imported; check that the file is the export this plugin reads (\(title)), or choose another with --plugin NAME")
        }
        return PluginRowReader(sheetName: (path as NSString).lastPathComponent, headers: headers,
                               rows: rows.map { $0.tableValue?.array.map { $0.stringValue ?? "" } ?? [] }, blank: blank)
    }
}
