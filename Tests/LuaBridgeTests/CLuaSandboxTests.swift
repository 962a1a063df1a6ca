import CLua
import CLuaLimits
import CLuaSandbox
import Foundation
import Testing
@testable import LuaBridge

/// CLuaSandbox through its C API (`ci_lua_open_sandbox`, `ci_lua_push_print`, the hardening): what
/// the opened state offers and refuses, and `require` confined to its directories. SandboxTests
/// checks the same promises through `LuaState`.
@Suite struct CLuaSandboxTests {
    @Test func theSandboxOffersOnlyTheSafeLibraries() throws {
        let fixture = try CStateFixture(.sandbox(moduleDirectories: []))
        let absent = fixture.run("return io, debug, package, dofile, loadfile, string.dump, os.execute, os.getenv, os.remove")
        #expect(absent.values == Array(repeating: "nil", count: 9), "\(absent)")
        let present = fixture.run("return type(string.find), type(table.concat), type(math.floor), type(utf8.char), type(coroutine.wrap), type(os.time), type(os.date), type(os.clock)")
        #expect(present.values == Array(repeating: "function", count: 8), "\(present)")
        #expect(fixture.run("local n = 0 for _ in pairs(os) do n = n + 1 end return n").values == ["3"])
        #expect(fixture.run("return getmetatable('')").values == ["the string metatable is protected"])
        #expect(fixture.run("return getmetatable(_G)").values == ["the globals table is protected"])
    }

    @Test func theRestrictedFunctionsRefuseWhatWouldEscape() throws {
        let fixture = try CStateFixture(.sandbox(moduleDirectories: []))
        #expect(fixture.run("answer = 42", chunk: "rule").message
            .hasPrefix("rule:1: assignment to undeclared global 'answer' (use a local, or return it in the file's table)"))
        #expect(fixture.run("rawset(_G, 'answer', 42)", chunk: "rule").message
            .hasPrefix("rule:1: rawset on the globals table is not allowed in the sandbox"))
        #expect(fixture.run("collectgarbage('stop')", chunk: "rule").message
            .hasPrefix("rule:1: collectgarbage('stop') is not allowed in the sandbox"))
        #expect(fixture.run("return collectgarbage('count') > 0").values == ["true"])
        let binary = fixture.run("return load('\\27Lua')")
        #expect(binary.values == ["nil", "binary (precompiled) chunks are not allowed in the sandbox; load Lua source text"])
        #expect(fixture.run("return load('return 1 + 1')()").values == ["2"])
        #expect(fixture.run("local t = rawset({}, 'k', 'v') return t.k").values == ["v"])
    }

    @Test func aFullCollectionIsChargedToTheBudget() throws {
        let fixture = try CStateFixture(.sandbox(moduleDirectories: []), budgetTicks: 1_000_000)
        let before = fixture.limits.pointee.budget_ticks
        #expect(fixture.run("collectgarbage()").ok)
        let spent = before - fixture.limits.pointee.budget_ticks
        // A tick, plus one per 4 KiB in use (the opened libraries hold some tens of KiB).
        #expect(spent >= 1 + Int64(fixture.limits.pointee.used_bytes / 4096) - 2, "spent \(spent)")
        let endless = fixture.run("while true do collectgarbage() end", chunk: "gc")
        #expect(endless.message.hasPrefix("gc:1: exceeded its time budget"), "\(endless.message)")
    }

    /// Collects the lines `print` hands to the host in the box (an array of strings).
    private static let collectLine: ci_lua_host_function = { L, box in
        var length = 0
        let line = lua_tolstring(L, 1, &length).map { String(decoding: UnsafeRawBufferPointer(start: $0, count: length), as: UTF8.self) }
            ?? "(not a string: \(lua_gettop(L)) arguments)"
        box!.assumingMemoryBound(to: [String].self).pointee.append(line)
        return 0
    }

    @Test func printFormatsItsArgumentsAsLuaDoesAndHandsTheLineToTheHost() throws {
        let fixture = try CStateFixture(.sandbox(moduleDirectories: []))
        let lines = UnsafeMutablePointer<[String]>.allocate(capacity: 1)
        lines.initialize(to: [])
        defer { lines.deinitialize(count: 1); lines.deallocate() }
        ci_lua_push_print(fixture.L, Self.collectLine, lines)
        fixture.setGlobal("print")
        #expect(fixture.run("print(1, 'a', nil, true, 2.5) print() print(setmetatable({}, {__tostring = function() return 'T' end}))").ok)
        #expect(lines.pointee == ["1\ta\tnil\ttrue\t2.5", "", "T"])
    }

    // MARK: - require

    @Test func requireLoadsFromTheFirstDirectoryThatHasTheModuleAndCachesIt() throws {
        let first = try TemporaryDirectory(), second = try TemporaryDirectory()
        try first.write("lib/phones.lua", "return { from = 'first' }")
        try second.write("lib/phones.lua", "return { from = 'second' }")
        try second.write("lib/only_second.lua", "return { from = 'second', name = ... }")
        try second.write("lib/nothing.lua", "local x = 1")
        let fixture = try CStateFixture(.sandbox(moduleDirectories: [first.path, second.path]))
        #expect(fixture.run("return require('lib.phones').from").values == ["first"])
        #expect(fixture.run("local m = require('lib.only_second') return m.from, m.name").values == ["second", "lib.only_second"])
        #expect(fixture.run("return require('lib.phones') == require('lib.phones')").values == ["true"])
        #expect(fixture.run("return require('lib.nothing')").values == ["true"])
        // Cached: changing the file afterwards changes nothing for this state.
        try first.write("lib/phones.lua", "return { from = 'edited' }")
        #expect(fixture.run("return require('lib.phones').from").values == ["first"])
    }

    @Test(arguments: ["../secret", "lib/phones", "lib\\phones", ".hidden", "lib.", "lib..phones", "", "lib.phones.lua/", "lib phones"])
    func requireRefusesNamesThatCouldLeaveItsDirectories(name: String) throws {
        let root = try TemporaryDirectory()
        try root.write("modules/lib/phones.lua", "return {}")
        try root.write("secret.lua", "return 'escaped'")
        let fixture = try CStateFixture(.sandbox(moduleDirectories: [root.path + "/modules"]))
        let literal = name.replacingOccurrences(of: "\\", with: "\\\\")
        let outcome = fixture.run("return require('\(literal)')", chunk: "rule")
        #expect(outcome.status == LUA_ERRRUN)
        #expect(outcome.message.hasPrefix("rule:1: module name '\(name)' is not allowed: use dotted names such as 'lib.phones'"), "\(outcome.message)")
    }

    @Test func aMissingModuleNamesEveryPathSearched() throws {
        let first = try TemporaryDirectory(), second = try TemporaryDirectory()
        let fixture = try CStateFixture(.sandbox(moduleDirectories: [first.path, second.path]))
        let outcome = fixture.run("require('lib.absent')", chunk: "rule")
        #expect(outcome.message.hasPrefix("rule:1: module 'lib.absent' not found; searched:\n\t\(first.path)/lib/absent.lua\n\t\(second.path)/lib/absent.lua\n"), "\(outcome.message)")
        let none = try CStateFixture(.sandbox(moduleDirectories: []))
        #expect(none.run("require('lib.absent')", chunk: "rule").message
            .hasPrefix("rule:1: module 'lib.absent' not found; searched: (no module paths are configured)"))
    }

    /// A module file that is there but cannot be read is named with the reason, not reported as
    /// missing (nor skipped for a same-named module further down the path).
    @Test func aModuleThatIsThereButCannotBeReadIsNotCalledMissing() throws {
        let first = try TemporaryDirectory(), second = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: first.path + "/lib/broken.lua", withIntermediateDirectories: true)
        try second.write("lib/broken.lua", "return 'second'")
        let fixture = try CStateFixture(.sandbox(moduleDirectories: [first.path, second.path]))
        let outcome = fixture.run("return require('lib.broken')", chunk: "rule")
        #expect(outcome.status != LUA_OK)
        #expect(outcome.message.contains("cannot read \(first.path)/lib/broken.lua"), "\(outcome.message)")
        #expect(!outcome.message.contains("not found"), "\(outcome.message)")
    }

    @Test func requireRefusesCyclesBinaryModulesAndForgetsAModuleThatFailed() throws {
        let root = try TemporaryDirectory()
        try root.write("a.lua", "return require('b')")
        try root.write("b.lua", "return require('a')")
        try root.write("broken.lua", "error('not yet')")
        let dump = try CStateFixture()
        #expect(luaL_loadstring(dump.L, "return string.dump(function() return 1 end)") == LUA_OK)
        #expect(lua_pcallk(dump.L, 0, 1, 0, 0, nil) == LUA_OK)
        var length = 0
        let bytes = try #require(lua_tolstring(dump.L, -1, &length))
        try Data(bytes: bytes, count: length).write(to: URL(fileURLWithPath: root.path + "/compiled.lua"))
        let fixture = try CStateFixture(.sandbox(moduleDirectories: [root.path]))
        #expect(fixture.run("require('a')").message.contains("module 'a' requires itself (circular require)"))
        #expect(fixture.run("require('compiled')").message.contains("attempt to load a binary chunk"))
        #expect(fixture.run("require('broken')").message.contains("broken.lua:1: not yet"))
        try root.write("broken.lua", "return 'fixed'")
        #expect(fixture.run("return require('broken')").values == ["fixed"])
    }

    @Test func modulesRunInTheSandboxUnderTheCallersLimits() throws {
        let root = try TemporaryDirectory()
        try root.write("spin.lua", "while true do end")
        try root.write("escape.lua", "return io")
        let fixture = try CStateFixture(.sandbox(moduleDirectories: [root.path]), budgetTicks: 100)
        #expect(fixture.run("return require('escape')").values == ["true"])   // `io` is nil: the module returned nothing
        let outcome = fixture.run("require('spin')")
        #expect(outcome.message.contains("spin.lua:1: exceeded its time budget"), "\(outcome.message)")
    }

    // MARK: - Hardening

    @Test func hardeningMakesTheLibrariesReadOnlyViews() throws {
        let fixture = try CStateFixture(.sandbox(moduleDirectories: []))
        ci_sandbox_harden(fixture.L)
        #expect(fixture.run("string.upper = nil", chunk: "rule").message.contains("read-only"))
        #expect(fixture.run("string = {}", chunk: "rule").message
            .hasPrefix("rule:1: 'string' cannot be assigned: the standard libraries and built-in globals are read-only in the sandbox"))
        #expect(fixture.run("return string.upper('a')").values == ["A"])
        let base = lua_gettop(fixture.L)
        ci_lua_push_globals(fixture.L)
        lua_getfield(fixture.L, -1, "string")
        #expect(ci_sandbox_push_view_target(fixture.L, -1) == 1)
        #expect(lua_type(fixture.L, -1) == LUA_TTABLE)
        lua_settop(fixture.L, base)
        lua_pushinteger(fixture.L, 1)
        #expect(ci_sandbox_push_view_target(fixture.L, -1) == 0)
        lua_settop(fixture.L, base)
    }
}
