import ClientBase
import Foundation
import Importer
import TestSupport
import Testing

/// Each plugin runs in a Lua state of its own, the rule set in one no plugin file ever ran in:
/// attacks by a plugin on the search path that is not chosen, and by the chosen one, on what
/// another plugin maps and what the rule set accepts. Before, the rule set and every plugin file
/// shared one state, and each of these attacks changed the import.
@Suite struct PluginIsolationTests {
    /// Lua that rewrites everything a plugin can reach in its state; each step is in `pcall`, so
    /// a step the sandbox refuses does not stop the others (nor the plugin's loading).
    static let attack = """
        local function attack()
          local function try(f) pcall(f) end
          try(function()
            local emails = require("lib.emails")
            emails.parse_trimmed = function(s) return s end
            emails.parse = function(s) return s end
          end)
          try(function() require("lib.phones").parse_list = function() return { "380999999999" } end end)
          try(function()
            local contacts = require("lib.contacts")
            contacts.names = function() return "Mallory", "" end
            contacts.phones = function() return { "+380 99 999 99 99" }, {} end
          end)
          try(function() require("lib.text").trim = function() return "pwned" end end)
          try(function()
            local engine = require("lib.engine")
            engine.types.email = function(s) return s end
            engine.checker = function() return function(v) return { fields = v, errors = {}, warnings = {} } end end
          end)
          try(function()
            local rules = require("remonline.ruleset")
            rules.balance_comment = { fr = "pwned", en = "pwned" }
            for _, column in ipairs(rules.columns) do column.validate = nil; column.type = "text" end
          end)
          try(function() package.loaded["lib.emails"] = { parse_trimmed = function(s) return s end } end)
          try(function() clientimport.skip = function() return {} end end)
          try(function() getmetatable("").__index = { lower = function() return "pwned" end } end)
          try(function() setmetatable(_G, { __index = function() return "pwned" end }) end)
          try(function() string.lower = function() return "pwned" end end)
        end
        """

    /// A search path root holding `files` (relative paths), before the built-in root.
    static func searchPath(_ folder: TemporaryDirectory, _ files: [String: String]) throws -> SearchPath {
        for (name, text) in files { try folder.write(name, text) }
        return SearchPath(roots: [folder.path, repositoryRoot])
    }

    static func run(_ path: String, searchPath: SearchPath, store: SQLiteClientStore,
                    _ configure: (inout ImportOptions) -> Void = { _ in }) throws -> ImportReport {
        var options = ImportOptions()
        configure(&options)
        return try ImportPipeline(store: store, searchPath: searchPath, options: options).run(path: path)
    }

    /// The Google example with the first contact's email made invalid.
    static func googleWithBadEmail(in folder: TemporaryDirectory) throws -> String {
        let example = try String(contentsOfFile: "\(repositoryRoot)/examples/google-contacts.csv", encoding: .utf8)
        return try folder.write("bad-email.csv", example.replacingOccurrences(of: "elodie@atelier-emile.example.fr", with: "elodie at atelier"))
    }

    @Test func aPluginThatIsNotChosenCannotChangeAnotherImport() throws {
        let google = "\(repositoryRoot)/examples/google-contacts.csv"
        let clean = try ImportFixture()
        #expect(try clean.run(google).status == .imported)
        let expected = try clean.allClients()

        let folder = try TemporaryDirectory()
        // It loads first (the user's root comes first) and attacks again in `detect`; it also
        // tries to take over the mapping of rows (the shared engine's `mapper` ran every plugin's
        // `map`; now `lib.mapper` does, in each plugin's own state).
        let path = try Self.searchPath(folder, ["plugins/aaa-evil.lua": Self.attack + """

            local function hijack()
              local mapping = function()
                return function() return { results = {}, clients = { { name = "Mallory", email = "mallory@evil.example" } } } end
              end
              pcall(function() require("lib.engine").mapper = mapping end)
              pcall(function() require("lib.mapper").new = mapping end)
            end
            attack()
            hijack()
            return {
              name = "aaa-evil", title = "never chosen",
              detect = function() attack() hijack() return 0 end,
              map = function() attack() return { name = "evil" } end,
            }
            """])
        let fixture = try ImportFixture()
        let report = try Self.run(google, searchPath: path, store: fixture.store)
        #expect(report.status == .imported, "\(report.errors)")
        #expect(report.plugin == "google-contacts")
        #expect(try fixture.allClients() == expected)
        #expect(try fixture.allClients().allSatisfy { !$0.phones.contains("380999999999") && $0.name != "Mallory" })

        let rejected = try Self.run(try Self.googleWithBadEmail(in: folder), searchPath: path, store: fixture.store)
        #expect(rejected.status == .rejected)
        #expect(rejected.errors.contains { $0.row == 2 && $0.value == "elodie at atelier" }, "\(rejected.errors)")
    }

    /// A plugin that recognises `Full name,Mail,Money` for sure, attacks while loading and in
    /// `map`, and maps the row as it is.
    static let chosenAttacker = attack + """

        attack()
        return {
          name = "mallory", title = "chosen attacker",
          detect = function(headers) attack() return headers[1] == "Full name" and 1 or 0 end,
          map = function(row)
            attack()
            return { name = row["Full name"], email = row.Mail, balance = row.Money }
          end,
        }
        """

    @Test(arguments: [ImportOptions.PluginChoice.auto, .named("mallory")])
    func theChosenPluginCannotDisableTheRuleSetsChecks(choice: ImportOptions.PluginChoice) throws {
        let folder = try TemporaryDirectory()
        let path = try Self.searchPath(folder, ["plugins/mallory.lua": Self.chosenAttacker])
        let fixture = try ImportFixture()

        let invalid = try folder.write("invalid.csv", "Full name,Mail,Money\nJean,not an email,10\n")
        let rejected = try Self.run(invalid, searchPath: path, store: fixture.store) { $0.plugin = choice }
        #expect(rejected.plugin == "mallory")
        #expect(rejected.status == .rejected)
        #expect(rejected.errors.contains { $0.row == 2 && $0.value == "not an email" }, "\(rejected.errors)")
        #expect(try fixture.allClients().isEmpty)

        let valid = try folder.write("valid.csv", "Full name,Mail,Money\nJean,jean@example.fr,10\n")
        let imported = try Self.run(valid, searchPath: path, store: fixture.store) { $0.plugin = choice; $0.language = "fr" }
        #expect(imported.status == .imported, "\(imported.errors)")
        let client = try #require(try fixture.allClients().first)
        #expect(client.name == "Jean" && client.email == "jean@example.fr" && client.balance == ExactDecimal("10"))
        #expect(try fixture.store.balanceHistory(clientID: client.id).map(\.comment) == ["Correction de solde par importation"])

        // A later import in the same process, through the template, is checked as ever.
        let template = try fixture.workbook(rows: [ImportFixture.row(["name": "Marie", "email": "marie at example"])])
        let later = try Self.run(template, searchPath: path, store: fixture.store)
        #expect(later.status == .rejected)
        #expect(later.errors.contains { $0.value == "marie at example" }, "\(later.errors)")
    }

    @Test func aFileUnderPluginsNeverRunsInTheRuleSetsState() throws {
        // `require("lib.emails")` of the rule set used to search each root's plugins/ folder too.
        let folder = try TemporaryDirectory()
        let path = try Self.searchPath(folder, [
            "plugins/lib/emails.lua": "return { parse_trimmed = function(s) return s end, parse = function(s) return s end }",
        ])
        let fixture = try ImportFixture()
        let template = try fixture.workbook(rows: [ImportFixture.row(["name": "Marie", "email": "marie at example"])])
        let report = try Self.run(template, searchPath: path, store: fixture.store)
        #expect(report.status == .rejected)
        #expect(report.errors.contains { $0.value == "marie at example" }, "\(report.errors)")
    }

    @Test func aClientThatIsNotPlainDataIsRejectedNamingThePlugin() throws {
        let folder = try TemporaryDirectory()
        let path = try Self.searchPath(folder, ["plugins/odd.lua": """
            return {
              name = "odd",
              map = function(row)
                if row.Kind == "function" then return { name = "x", notes = function() return "y" end } end
                if row.Kind == "custom" then return { name = "x", custom = "Car: Clio" } end
                if row.Kind == "nested" then return { name = { { "Jean" } } } end
                if row.Kind == "nested custom" then return { name = "x", custom = { Car = { model = "Clio" } } } end
                if row.Kind == "list" then return { { name = "x" }, "not a client" } end
                return { name = "Jean", phone = { "0612345678", 33140000000 }, supplier = true, custom = { Car = "Clio" } }
              end,
            }
            """])
        let fixture = try ImportFixture()
        let file = try folder.write("odd.csv", "Kind\nfunction\nlist\ncustom\nnested\nnested custom\nfine\n")
        let report = try Self.run(file, searchPath: path, store: fixture.store) {
            $0.plugin = .named("odd")
            $0.rules.keepUnmappedAsCustomFields = true
        }
        #expect(report.status == .rejected)
        #expect(report.errors.contains { $0.row == 2 && $0.message.contains("plugin odd") && $0.message.contains("function") }, "\(report.errors)")
        #expect(report.errors.contains { $0.row == 3 && $0.message.contains("plugin odd") && $0.message.contains("each client must be a table") }, "\(report.errors)")
        #expect(report.errors.contains { $0.row == 4 && $0.message.contains("plugin odd") && $0.message.contains("`custom` as a string") }, "\(report.errors)")
        #expect(report.errors.contains { $0.row == 5 && $0.message.contains("plugin odd") && $0.message.contains("a table nested in `name`") }, "\(report.errors)")
        #expect(report.errors.contains { $0.row == 6 && $0.message.contains("plugin odd") && $0.message.contains("custom field \"Car\"") }, "\(report.errors)")
        // Lists of texts and numbers, booleans and custom values by name still go through.
        #expect(!report.errors.contains { $0.row == 7 }, "\(report.errors)")
        #expect(report.errors.count == 5, "\(report.errors)")
    }

    /// Broken plugin files, the line the message must name, and what it must say.
    static let brokenPlugins: [(name: String, source: String, line: Int, fragment: String)] = [
        ("syntax", "-- a plugin\nreturn { name = 'x', map = function(r) return {} end\n", 3, "expected"),
        ("load-error", "-- a plugin\nlocal t = nil\nreturn t.x\n", 3, "attempt to index"),
        ("level-zero", "-- a plugin\n\nerror('no place', 0)\n", 3, "no place"),
        ("table-error", "-- a plugin\nerror({})\n", 2, "error object is a table"),
        ("detect-error", "return {\n  name = 'x', map = function() return {} end,\n  detect = function() error('cannot detect') end,\n}\n", 3, "cannot detect"),
        ("stack", "-- a plugin\nlocal function f() return f() + 1 end f()\n", 2, "stack overflow"),
        ("metamethods", "-- a plugin\n\nlocal t = setmetatable({}, { __index = function(t, k) return t[k .. 'x'] end }) local _ = t.a\n", 3, "stack overflow"),
        ("gsub", "-- a plugin\nlocal function f(s) return (string.gsub(s, '.', f)) end\nf('ab')\n", 2, "stack overflow"),
        ("coroutines", "-- a plugin\nlocal function f() return coroutine.wrap(f)() end\nf()\n", 2, "stack overflow"),
        ("detect-budget", "return {\n  name = 'x', map = function() return {} end,\n  detect = function() while true do end end,\n}\n", 3, "time budget"),
        ("memory", "-- a plugin\nlocal t = {}\nfor i = 1, 1e9 do t[i] = { i } end\n", 3, "memory limit"),
    ]

    @Test(.timeLimit(.minutes(2)), arguments: brokenPlugins.indices)
    func aBrokenPluginStopsAutoNamingItsFileAndLine(index: Int) throws {
        let broken = Self.brokenPlugins[index]
        let folder = try TemporaryDirectory()
        let path = try Self.searchPath(folder, ["plugins/\(broken.name).lua": broken.source])
        let file = try folder.write("export.csv", "Full name,Phone\nJean,0612345678\n")
        let fixture = try ImportFixture()
        let error = try #require(throws: RuleError.self) { try Self.run(file, searchPath: path, store: fixture.store) }
        #expect(error.file == folder.file("plugins/\(broken.name).lua"), "\(error)")
        #expect(error.line == broken.line, "\(error)")
        #expect(error.message.contains(broken.fragment), "\(error)")
        #expect(error.message.contains("fix or remove \(folder.file("plugins/\(broken.name).lua"))"), "\(error)")
        #expect(error.message.contains("--plugin NAME"), "\(error)")
        // One place in the message, not one per nested coroutine.
        #expect(error.message.components(separatedBy: "\(broken.name).lua:").count <= 2, "\(error)")
        #expect(try fixture.allClients().isEmpty)
    }

    /// A rule set built on the default one whose `validate_row` runs `body` at line 6.
    static func ruleSet(validateRow body: String, top: String = "") -> String {
        """
        -- a rule set
        local base = require("remonline.ruleset")
        local rules = {} for key, value in pairs(base) do rules[key] = value end
        rules.name = "broken"
        \(top.isEmpty ? "-- top" : top)
        rules.validate_row = function(fields, ctx) \(body) end
        return rules
        """
    }

    static let brokenRuleSets: [(source: String, line: Int, fragment: String)] = [
        (ruleSet(validateRow: "", top: "local function f(s) return (string.gsub(s, '.', f)) end f('ab')"), 5, "stack overflow"),
        (ruleSet(validateRow: "", top: "error({})"), 5, "error object is a table"),
        (ruleSet(validateRow: "error('no place', 0)"), 6, "no place"),
        (ruleSet(validateRow: "local t = setmetatable({}, { __tostring = function(t) return tostring(t) end }) tostring(t)"), 6, "stack overflow"),
    ]

    @Test(arguments: brokenRuleSets.indices)
    func aBrokenRuleSetIsNamedByFileAndLine(index: Int) throws {
        let broken = Self.brokenRuleSets[index]
        let folder = try TemporaryDirectory()
        let file = try folder.write("rules/broken/ruleset.lua", broken.source)
        let fixture = try ImportFixture()
        let template = try fixture.workbook(rows: [ImportFixture.row(["name": "Marie"])])
        let error = try #require(throws: RuleError.self) {
            try Self.run(template, searchPath: SearchPath(roots: [folder.path, repositoryRoot]), store: fixture.store) { $0.ruleSet = "broken" }
        }
        #expect(error.file == file, "\(error)")
        #expect(error.line == broken.line, "\(error)")
        #expect(error.message.contains(broken.fragment), "\(error)")
        #expect(try fixture.allClients().isEmpty)
    }

    @Test func aBrokenPluginDoesNotStopATemplateImport() throws {
        let folder = try TemporaryDirectory()
        let path = try Self.searchPath(folder, ["plugins/broken.lua": "return {"])
        let fixture = try ImportFixture()
        let template = try fixture.workbook(rows: [ImportFixture.row(["name": "Marie"])])
        let report = try Self.run(template, searchPath: path, store: fixture.store)
        #expect(report.status == .imported, "\(report.errors)")
    }

    @Test func prepareNeedsNoBase() throws {
        // What the CLI runs before it opens (or creates) the base.
        let folder = try TemporaryDirectory()
        let path = try Self.searchPath(folder, ["plugins/broken.lua": "return {"])
        let csv = try folder.write("export.csv", "Full name,Phone\nJean,0612345678\n")
        let newBase = try SQLiteClientStore(path: ":memory:").catalog()
        #expect(throws: RuleError.self) {
            try ImportPipeline.prepare(path: csv, catalog: newBase, searchPath: path, options: ImportOptions())
        }
        var options = ImportOptions()
        options.employee = "Nobody"
        #expect(throws: ImportError.self) {
            try ImportPipeline.prepare(path: csv, catalog: newBase, searchPath: SearchPath(roots: [repositoryRoot]), options: options)
        }
    }
}
