import Testing
@testable import LuaBridge

@Suite struct SandboxTests {
    /// Runs `source`, expects a runtime failure whose description contains `fragment`, then checks
    /// the state still works.
    private func expectRefusal(_ source: String, _ fragment: String, in lua: LuaState,
                               sourceLocation: SourceLocation = #_sourceLocation) throws {
        let error = try #require(throws: LuaError.self, sourceLocation: sourceLocation) {
            try lua.run(string: source, chunkName: "rules/sandbox.lua")
        }
        #expect(error.description.contains(fragment), "\(error.description)", sourceLocation: sourceLocation)
        #expect(try lua.run(string: "return 1 + 1", chunkName: "after") == [.integer(2)], sourceLocation: sourceLocation)
    }

    @Test func dangerousLibrariesAreAbsent() throws {
        let lua = try LuaState()
        try expectRefusal("os.execute('true')", "attempt to call a nil value (field 'execute')", in: lua)
        try expectRefusal("os.exit(1)", "field 'exit'", in: lua)
        try expectRefusal("os.remove('x')", "field 'remove'", in: lua)
        try expectRefusal("return os.getenv('HOME')", "field 'getenv'", in: lua)
        try expectRefusal("io.open('/etc/passwd')", "attempt to index a nil value (global 'io')", in: lua)
        try expectRefusal("debug.sethook()", "global 'debug'", in: lua)
        try expectRefusal("package.loadlib('x', 'y')", "global 'package'", in: lua)
        try expectRefusal("dofile('/etc/passwd')", "global 'dofile'", in: lua)
        try expectRefusal("loadfile('/etc/passwd')", "global 'loadfile'", in: lua)
        try expectRefusal("collectgarbage('stop')", "not allowed in the sandbox", in: lua)
        #expect(try lua.run(string: "return type(os.time()), type(os.date('%Y')), type(os.clock())", chunkName: "os")
            == [.string("number"), .string("string"), .string("number")])
        #expect(try lua.run(string: "return type(collectgarbage('count'))", chunkName: "gc") == [.string("number")])
    }

    @Test func binaryChunksAreRefused() throws {
        let lua = try LuaState()
        #expect(try lua.run(string: "return string.dump", chunkName: "dump") == [.nil])
        let results = try lua.run(string: #"return load("\27Lua\84\0\25\147\13\10\26\10")"#, chunkName: "bytecode")
        #expect(results.first == .nil)
        #expect(results.last?.stringValue?.contains("binary (precompiled) chunks are not allowed") == true)
        // A reader function handing out bytecode is refused by mode "t".
        let viaReader = try lua.run(string: #"local done = false return load(function() if done then return nil end done = true return "\27Lua" end)"#, chunkName: "reader")
        #expect(viaReader.last?.stringValue?.contains("binary chunk") == true)
        #expect(try lua.run(string: "return load('return 1 + 2')()", chunkName: "text") == [.integer(3)])
    }

    @Test func newGlobalsAreRefused() throws {
        let lua = try LuaState()
        try expectRefusal("x = 1", "rules/sandbox.lua:1: assignment to undeclared global 'x'", in: lua)
        try expectRefusal("rawset(_G, 'x', 1)", "rawset on the globals table is not allowed", in: lua)
        try expectRefusal("setmetatable(_G, nil)", "cannot change a protected metatable", in: lua)
        try expectRefusal("getmetatable('').__index = {}", "attempt to index a string value", in: lua)
        lua.set("api_version", in: "clientimport", to: .integer(1))
        // Host namespaces are read-only to scripts (a plugin could otherwise replace a host
        // function the rule set's engine calls); the host still adds to them.
        try expectRefusal("clientimport.extra = 2", "read-only", in: lua)
        try expectRefusal("clientimport.api_version = 2", "read-only", in: lua)
        try expectRefusal("clientimport = {}", "'clientimport' cannot be assigned", in: lua)
        try expectRefusal("local _, raw = pairs(clientimport) raw.api_version = 2", "read-only", in: lua)
        lua.set("extra", in: "clientimport", to: .integer(2))
        lua.register("twice", in: "") { [.integer(($0.first?.intValue ?? 0) * 2)] }
        try expectRefusal("twice = nil", "'twice' cannot be assigned", in: lua)
        #expect(try lua.run(string: "local n = clientimport.api_version return n, clientimport.extra, twice(21)", chunkName: "ns")
            == [.integer(1), .integer(2), .integer(42)])
        #expect(try lua.run(string: "return rawset({}, 'a', 1).a", chunkName: "rawset") == [.integer(1)])
    }

    /// A table whose metatable has `__whole` (engine.lua's lazy rows) is made whole — metatable
    /// removed, then `__whole(t)` called once — before each base function that reads or writes
    /// it raw, so a script never sees it half made; other tables and other functions are left
    /// as they are, and `__whole` runs under the same limits as any code.
    @Test func tablesWithWholeAreFilledInBeforeRawAccess() throws {
        let lua = try LuaState(limits: LuaLimits(instructionBudget: 2_000_000, memoryLimitBytes: 32 << 20))
        let lazy = """
            local calls = 0
            local function lazy()
              return setmetatable({}, {
                __index = function(_, key) return key == "name" and "lazy" or nil end,
                __whole = function(t) calls = calls + 1; t.name = "whole"; t.count = 2 end,
              })
            end
            """
        for (use, expected) in [
            ("local k, v = next(t) return next(t, k) ~= nil or k ~= nil", "whole"),
            ("local n = 0 for _ in pairs(t) do n = n + 1 end return n == 2", "whole"),
            ("return rawget(t, 'count') == 2", "whole"),
            ("rawset(t, 'extra', 1) return t.extra == 1", "whole"),
            ("return getmetatable(t) == nil", "whole"),
            ("setmetatable(t, { __index = function() return 'other' end }) return t.missing == 'other'", "whole"),
            ("return #t == 0 and t.count == nil and tostring(t):find('^table: ') ~= nil", "lazy"),
        ] {
            let results = try lua.run(string: lazy + "\n" + """
                local t = lazy()
                local ok = (function() \(use) end)()
                local name, before = t.name, calls
                local after = rawget(t, 'name')
                return ok, name, before, after, calls
                """, chunkName: "lazy")
            let made = expected == "whole"
            #expect(results == [.bool(true), .string(expected), .integer(made ? 1 : 0), .string("whole"), .integer(1)], "\(use)")
        }
        // A plain table with a metatable, and `__whole` that is not a function, stay as they are.
        #expect(try lua.run(string: """
            local t = setmetatable({ a = 1 }, { __index = { b = 2 } })
            local odd = setmetatable({}, { __whole = true })
            return next(t), rawget(t, 'b'), getmetatable(t) ~= nil, getmetatable(odd) ~= nil
            """, chunkName: "plain") == [.string("a"), .nil, .bool(true), .bool(true)])
        // `__whole` errors and loops are the script's: reported, and stopped by the budget.
        try expectRefusal("next(setmetatable({}, { __whole = function() error('cannot fill') end }))", "cannot fill", in: lua)
        try expectRefusal("pairs(setmetatable({}, { __whole = function() while true do end end }))", "exceeded its time budget", in: lua)
    }

    @Test func requireIsConfinedToTheModulePaths() throws {
        let user = try TemporaryDirectory()
        let builtIn = try TemporaryDirectory()
        try user.write("lib/phones.lua", "return { digits = function(s) return (s:gsub('%D', '')) end, origin = 'user' }")
        try builtIn.write("lib/phones.lua", "return { origin = 'built-in' }")
        try builtIn.write("lib/emails.lua", "local count = 0 return { loaded = function() count = count + 1 return count end }")
        try builtIn.write("lib/broken.lua", "return {")
        let lua = try LuaState(modulePaths: [user.path, builtIn.path + "/"])

        let results = try lua.run(string: """
            local phones = require("lib.phones")
            local a = require("lib.emails")
            local b = require("lib.emails")
            return phones.origin, phones.digits("+380 (44) 123"), a == b, a.loaded(), b.loaded()
            """, chunkName: "rules/uses.lua")
        #expect(results == [.string("user"), .string("38044123"), .bool(true), .integer(1), .integer(2)])

        try expectRefusal("require('../secrets')", "module name '../secrets' is not allowed", in: lua)
        try expectRefusal("require('lib/phones')", "is not allowed", in: lua)
        try expectRefusal("require('lib..phones')", "is not allowed", in: lua)
        let missing = try #require(throws: LuaError.self) {
            try lua.run(string: "return require('lib.nope')", chunkName: "rules/uses.lua")
        }
        #expect(missing.message.contains("module 'lib.nope' not found; searched:"))
        #expect(missing.message.contains(user.path + "/lib/nope.lua"))
        #expect(missing.message.contains(builtIn.path + "/lib/nope.lua"))
        let broken = try #require(throws: LuaError.self) {
            try lua.run(string: "return require('lib.broken')", chunkName: "rules/uses.lua")
        }
        #expect(broken.kind == .runtime)
        #expect(broken.chunk?.hasSuffix("lib/broken.lua") == true && broken.line == 1)

        let none = try LuaState()
        let unconfigured = try #require(throws: LuaError.self) { try none.run(string: "return require('lib.phones')", chunkName: "x") }
        #expect(unconfigured.message.contains("no module paths are configured"))
    }

    @Test func requiredModulesRunInTheSandbox() throws {
        let directory = try TemporaryDirectory()
        try directory.write("lib/sneaky.lua", "leak = true return {}")
        let lua = try LuaState(modulePaths: [directory.path])
        let error = try #require(throws: LuaError.self) { try lua.run(string: "return require('lib.sneaky')", chunkName: "x") }
        #expect(error.description.contains("assignment to undeclared global 'leak'"))
    }
}
