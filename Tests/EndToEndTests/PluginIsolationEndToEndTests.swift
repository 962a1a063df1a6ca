import ClientBase
import Foundation
import TestSupport
import Testing

/// The real binary with plugins on `CLIENTIMPORT_PATH`: a broken plugin under `--plugin auto` is
/// named by file and line with what to do; a plugin or rule set that fails leaves no base
/// behind (nor its -wal and -shm); a plugin nobody chose cannot change an import.
@Suite struct PluginIsolationEndToEndTests {
    let folder: TemporaryDirectory
    var newBase: String { folder.file("new.sqlite") }

    init() throws {
        folder = try TemporaryDirectory()
    }

    func clientimport(_ arguments: [String]) throws -> ProcessResult {
        try runProcess(clientimportBinary(), arguments, environment: ["CLIENTIMPORT_PATH": folder.file("path")],
                       currentDirectory: folder.path)
    }

    /// Neither the base nor SQLite's files beside it exist.
    func expectNoBase(_ base: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            #expect(!FileManager.default.fileExists(atPath: base + suffix), "\(base + suffix) was created", sourceLocation: sourceLocation)
        }
    }

    static let brokenPlugins: [(source: String, line: Int, fragment: String)] = [
        ("-- a plugin\nreturn { name = 'x', map = function(r) return {} end\n", 3, "expected"),
        ("-- a plugin\nlocal function f() return f() + 1 end f()\n", 2, "stack overflow"),
        ("-- a plugin\n\nlocal t = setmetatable({}, { __index = function(t, k) return t[k .. 'x'] end }) local _ = t.a\n", 3, "stack overflow"),
        ("return {\n  name = 'x', map = function() return {} end,\n  detect = function() error('cannot detect') end,\n}\n", 3, "cannot detect"),
        ("-- a plugin\nerror({})\n", 2, "error object is a table"),
    ]

    @Test(arguments: brokenPlugins.indices)
    func aBrokenPluginUnderAutoIsNamedAndLeavesNoBase(index: Int) throws {
        let broken = Self.brokenPlugins[index]
        let plugin = try folder.write("path/plugins/broken.lua", broken.source)
        let source = try folder.write("export.csv", "Full name,Phone\nJean,0612345678\n")
        for extra in [[], ["--dry-run"]] {
            let result = try clientimport(["import", source, "--db", newBase] + extra)
            #expect(result.status == 78, "\(result.standardError)")
            #expect(result.standardError.contains("\(plugin):\(broken.line):"), "\(result.standardError)")
            #expect(result.standardError.contains(broken.fragment), "\(result.standardError)")
            #expect(result.standardError.contains("fix or remove \(plugin)"), "\(result.standardError)")
            #expect(result.standardError.contains("--plugin NAME"), "\(result.standardError)")
            #expect(result.standardError.split(separator: "\n").count == 1, "\(result.standardError)")
            expectNoBase(newBase)
        }
        let converted = folder.file("out.xlsx")
        let convert = try clientimport(["convert", source, "-o", converted, "--db", newBase])
        #expect(convert.status == 78, "\(convert.standardError)")
        #expect(convert.standardError.contains("\(plugin):\(broken.line):"), "\(convert.standardError)")
        expectNoBase(newBase)
        #expect(!FileManager.default.fileExists(atPath: converted))
    }

    @Test func aRefusedPluginOrRuleSetLeavesNoBase() throws {
        let source = try folder.write("export.csv", "Full name,Phone\nJean,0612345678\n")
        let plugin = try folder.write("named.lua", "-- a plugin\nreturn { name = 'named', map = 42 }\n")
        let ruleSet = try folder.write("rules/broken/ruleset.lua", "-- a rule set\nlocal x = nil\nreturn x.columns\n")
        let attempts: [(arguments: [String], fragment: String)] = [
            (["import", source, "--plugin", plugin], "named.lua"),
            (["import", source, "--plugin", plugin, "--dry-run"], "named.lua"),
            (["import", source, "--rules", ruleSet], "ruleset.lua:3:"),
            (["import", source, "--rules", ruleSet, "--dry-run"], "ruleset.lua:3:"),
            (["convert", source, "--plugin", plugin, "-o", folder.file("out.xlsx")], "named.lua"),
            (["convert", source, "--rules", ruleSet, "-o", folder.file("out.xlsx")], "ruleset.lua:3:"),
        ]
        for attempt in attempts {
            let result = try clientimport(attempt.arguments + ["--db", newBase])
            #expect(result.status == 78, "\(attempt.arguments): \(result.standardError)")
            #expect(result.standardError.contains(attempt.fragment), "\(attempt.arguments): \(result.standardError)")
            expectNoBase(newBase)
        }
        // Nor does an unknown employee, or headers nothing recognises.
        #expect(try clientimport(["import", source, "--as", "Nobody", "--db", newBase]).status == 64)
        expectNoBase(newBase)
        let unknown = try folder.write("unknown.csv", "Colour,Size\nred,XL\n")
        #expect(try clientimport(["import", unknown, "--db", newBase]).status == 1)
        expectNoBase(newBase)
    }

    /// A plugin whose `map` fails on a later row, and a file rejected for its data, fail after the
    /// import began: the new base is built aside and appears only when an import commits.
    @Test func anImportThatFailsOrIsRejectedLeavesNoNewBase() throws {
        let source = try folder.write("export.csv", "Full name,Phone\nJean,0612345678\nBoom,0612345679\nLéa,not a phone\n")
        try folder.write("path/plugins/names.lua", """
            return {
              name = "names",
              detect = function(headers) return headers[1] == "Full name" and 1 or 0 end,
              map = function(row)
                if row["Full name"] == "Boom" then error("boom on a later row") end
                return { name = row["Full name"], phone = row.Phone }
              end,
            }
            """)
        let failed = try clientimport(["import", source, "--db", newBase])
        #expect(failed.status == 78, "\(failed.standardError)")
        #expect(failed.standardError.contains("boom on a later row"), "\(failed.standardError)")
        expectNoBase(newBase)

        try folder.write("path/plugins/names.lua", """
            return {
              name = "names",
              detect = function(headers) return headers[1] == "Full name" and 1 or 0 end,
              map = function(row) return { name = row["Full name"], phone = row.Phone } end,
            }
            """)
        let rejected = try clientimport(["import", source, "--db", newBase])
        #expect(rejected.status == 1, "\(rejected.standardError)")
        expectNoBase(newBase)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".new.sqlite") }
        #expect(leftovers.isEmpty, "temporary bases left behind: \(leftovers)")

        let good = try folder.write("good.csv", "Full name,Phone\nJean,0612345678\n")
        let imported = try clientimport(["import", good, "--db", newBase])
        #expect(imported.status == 0, "\(imported.standardError)")
        #expect(try SQLiteClientStore(path: newBase).clientCount() == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".new.sqlite") }.isEmpty)
    }

    @Test func aDryRunCreatesNoBase() throws {
        let source = try folder.write("export.csv", "Full name,Phone\nJean,0612345678\n")
        try folder.write("path/plugins/names.lua", """
            return {
              name = "names",
              detect = function(headers) return headers[1] == "Full name" and 1 or 0 end,
              map = function(row) return { name = row["Full name"], phone = row.Phone } end,
            }
            """)
        let result = try clientimport(["import", source, "--dry-run", "--db", newBase])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("1 created"), "\(result.standardOutput)")
        expectNoBase(newBase)
        let imported = try clientimport(["import", source, "--db", newBase])
        #expect(imported.status == 0, "\(imported.standardError)")
        #expect(try SQLiteClientStore(path: newBase).clientCount() == 1)
    }

    @Test func aPluginNobodyChoseCannotChangeTheImport() throws {
        let google = "\(repositoryRoot)/examples/google-contacts.csv"
        let clean = folder.file("clean.sqlite")
        #expect(try runProcess(clientimportBinary(), ["import", google, "--db", clean]).status == 0)
        try folder.write("path/plugins/aaa-evil.lua", """
            local function attack()
              pcall(function() require("lib.phones").parse_list = function() return { "380999999999" } end end)
              pcall(function() require("lib.emails").parse_trimmed = function(s) return s end end)
              pcall(function() require("lib.contacts").names = function() return "Mallory", "" end end)
            end
            attack()
            return { name = "aaa-evil", detect = function() attack() return 0 end, map = function() return {} end }
            """)
        let attacked = folder.file("attacked.sqlite")
        let result = try clientimport(["import", google, "--db", attacked])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("plugin google-contacts"), "\(result.standardOutput)")
        func clients(_ path: String) throws -> [Client] {
            var found: [Client] = []
            try SQLiteClientStore(path: path).forEachClient { found.append($0) }
            return found
        }
        #expect(try clients(attacked) == clients(clean))
        #expect(try clients(attacked).count == 3)
    }
}
