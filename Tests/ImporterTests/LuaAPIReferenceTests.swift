import Foundation
@testable import Importer
import LuaBridge
import TestSupport
import Testing

/// The registry of the Lua API against the generated files, the engine and `rules/lib/`: what
/// the docs say is what Lua code gets.
@Suite struct LuaAPIReferenceTests {
    let builtIn = SearchPath(roots: [repositoryRoot])

    @Test func theCommittedReferenceIsTheRenderedOne() throws {
        let committed = try String(contentsOfFile: "\(repositoryRoot)/docs/lua-api.md", encoding: .utf8)
        #expect(committed == LuaAPIReference.markdown(),
                "docs/lua-api.md is out of date: run `\(LuaAPIReference.markdownCommand)`")
    }

    @Test func theCommittedLuaLSStubIsTheRenderedOne() throws {
        let committed = try String(contentsOfFile: "\(repositoryRoot)/rules/types/clientimport.lua", encoding: .utf8)
        #expect(committed == LuaAPIReference.luaLSStub(),
                "rules/types/clientimport.lua is out of date: run `\(LuaAPIReference.luaLSCommand)`")
        #expect(committed.hasPrefix("---@meta\n"))
        for luaClass in ["clientimport", "clientimport.RuleSet", "clientimport.Column", "clientimport.Plugin",
                         "clientimport.MapContext", "clientimport.CheckContext", "clientimport.Client", "clientimport.lib.text"] {
            #expect(committed.contains("---@class \(luaClass)\n"), "no class \(luaClass)")
        }
        #expect(committed.contains("---@alias clientimport.Row table<string, string>"))
    }

    @Test func theColumnTypesAreTheEnginesTypes() throws {
        let engine = try RuleEngine(ruleSet: "remonline", searchPath: builtIn)
        let types = try #require(try engine.lua.run(string: "return require('lib.engine').types", chunkName: "=test").first?.tableValue)
        let names = Set(types.fields.keys.compactMap { key -> String? in
            if case .string(let name) = key { return name }
            return nil
        })
        #expect(Set(LuaAPIReference.columnTypes.names) == names)
    }

    @Test func theNamespaceIsTheOneLuaSees() throws {
        let engine = try RuleEngine(ruleSet: "remonline", searchPath: builtIn)
        let namespace = try #require(try engine.lua.run(string: "return clientimport", chunkName: "=test").first?.tableValue)
        let names = Set(namespace.fields.keys.compactMap { key -> String? in
            if case .string(let name) = key { return name }
            return nil
        })
        #expect(Set(LuaAPIReference.namespace.names) == names)
        #expect(namespace["api_version"].intValue == RuleEngine.apiVersion)
    }

    @Test func theClientFieldsAreTheRuleSetsFieldKeys() {
        let keys = LuaAPIReference.client.entries.filter { $0.kind == .name }.map(\.name)
        #expect(keys == RuleSet.fieldKeys)
    }

    /// Every module of `rules/lib/` but the engine's own: the functions of the table `require`
    /// returns are exactly those documented.
    static let helperModules: [String] = {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: "\(repositoryRoot)/rules/lib")) ?? []
        return files.filter { $0.hasSuffix(".lua") }.map { "lib." + $0.dropLast(4) }
            .filter { !LuaAPIReference.internalModules.contains($0) }.sorted()
    }()

    @Test func everyHelperModuleIsDocumented() {
        #expect(Self.helperModules.count >= 7)
        #expect(Set(LuaAPIReference.modules.compactMap(\.module)) == Set(Self.helperModules))
    }

    @Test(arguments: helperModules)
    func aHelperModulesFunctionsAreExactlyTheDocumentedOnes(_ module: String) throws {
        let lua = try LuaState(modulePaths: ["\(repositoryRoot)/rules"])
        let table = try #require(try lua.run(string: "return require('\(module)')", chunkName: "=test").first?.tableValue)
        let functions = Set(table.fields.compactMap { key, value -> String? in
            guard case .string(let name) = key, value.functionValue != nil else { return nil }
            return name
        })
        let section = try #require(LuaAPIReference.modules.first { $0.module == module })
        let documented = Set(section.names)
        #expect(functions.subtracting(documented).isEmpty, "\(module): not documented: \(functions.subtracting(documented).sorted())")
        #expect(documented.subtracting(functions).isEmpty, "\(module): documented but missing: \(documented.subtracting(functions).sorted())")
    }

    /// What the engine hands to `map`, `validate` and `validate_row` is what the reference lists.
    @Test func theContextsAreTheOnesTheEngineBuilds() throws {
        let folder = try TemporaryDirectory()
        try folder.write("rules/probe/ruleset.lua", """
            local base = require("remonline.ruleset")
            local rules = {}
            for k, v in pairs(base) do rules[k] = v end
            rules.name = "probe"
            rules.validate_row = function(fields, ctx)
              local keys = {}
              for key in pairs(ctx) do keys[#keys + 1] = key end
              table.sort(keys)
              ctx.warn("name", "{keys}", { keys = table.concat(keys, " ") })
            end
            return rules
            """)
        try folder.write("plugins/probe.lua", """
            return {
              name = "probe",
              map = function(row, ctx)
                local keys = {}
                for key in pairs(ctx) do keys[#keys + 1] = key end
                table.sort(keys)
                ctx.warn(table.concat(keys, " "))
                return { name = row.Name }
              end,
            }
            """)
        let fixture = try ImportFixture()
        let path = try fixture.folder.write("probe.csv", "Name\nJean\n")
        var options = ImportOptions()
        options.plugin = .named("probe")
        options.ruleSet = "probe"
        options.dryRun = true
        let report = try ImportPipeline(store: fixture.store, searchPath: SearchPath(roots: [folder.path, repositoryRoot]),
                                        options: options).run(path: path)
        let messages = report.warnings.map(\.message)
        #expect(messages.contains(LuaAPIReference.mapContext.names.sorted().joined(separator: " ")), "\(messages)")
        #expect(messages.contains { $0.contains(LuaAPIReference.checkContext.names.sorted().joined(separator: " ")) }, "\(messages)")
    }

    @Test func aMisspeltRuleSetFieldIsRefusedWithTheNearestName() throws {
        let folder = try TemporaryDirectory()
        let file = try folder.write("rules/typo/ruleset.lua", """
            return {
              name = "typo", languages = { "en" }, balance_comment = { en = "x" }, yes_word = { en = "Yes" },
              colums = {
                { key = "name", type = "text", headers = { en = "Name" } },
              },
            }
            """)
        let error = try #require(throws: RuleError.self) {
            try RuleEngine(ruleSet: file, searchPath: SearchPath(roots: [folder.path, repositoryRoot]))
        }
        #expect(error.file == file)
        #expect(error.message.contains("unknown field 'colums'; did you mean 'columns'?"), "\(error.message)")
    }

    @Test func aMisspeltColumnFieldIsRefusedWithTheNearestName() throws {
        let folder = try TemporaryDirectory()
        let file = try folder.write("rules/typo/ruleset.lua", """
            return {
              name = "typo", languages = { "en" }, balance_comment = { en = "x" }, yes_word = { en = "Yes" }, messages = { en = {} },
              columns = {
                { key = "name", type = "text", headers = { en = "Name" }, requird = true, colour = "red" },
              },
            }
            """)
        let error = try #require(throws: RuleError.self) {
            try RuleEngine(ruleSet: file, searchPath: SearchPath(roots: [folder.path, repositoryRoot]))
        }
        #expect(error.message.contains("column 'name': unknown field 'requird'; did you mean 'required'?"), "\(error.message)")
        #expect(error.message.contains("column 'name': unknown field 'colour' (known fields: key, type, required"), "\(error.message)")
    }

    @Test func aMisspeltPluginFieldIsRefusedWithTheNearestName() throws {
        let folder = try TemporaryDirectory()
        try folder.write("plugins/typo.lua", "return { name = 'typo', detcet = function() return 1 end, map = function(row) return row end }")
        let engine = try RuleEngine(ruleSet: "remonline", searchPath: SearchPath(roots: [folder.path, repositoryRoot]))
        let error = try #require(throws: RuleError.self) { try engine.plugin("typo") }
        #expect(error.message.contains("unknown field 'detcet'; did you mean 'detect'?"), "\(error.message)")
    }

    @Test func theBuiltInRuleSetAndPluginsUseOnlyDocumentedFields() throws {
        let engine = try RuleEngine(ruleSet: "remonline", searchPath: builtIn)
        #expect(engine.ruleSet.columns.count == 18)
        let plugins = try engine.allPlugins()
        #expect(plugins.count == builtIn.pluginNames().count)
        #expect(plugins.count >= 8)
    }
}
