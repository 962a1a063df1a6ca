import Testing
@testable import LuaBridge

/// Nothing shared inside one state is writable: not the standard libraries, not the tables
/// `require` returns (deeply), through any path a script can take.
@Suite struct IsolationTests {
    let limits = LuaLimits(instructionBudget: 5_000_000, memoryLimitBytes: 32 << 20)

    /// A module with nested tables and functions that change them (its own private state).
    private func moduleDirectory() throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        try directory.write("lib/phones.lua", """
            local M = { codes = { fr = "33", ua = "380" }, list = { "a", "b" }, deep = { deeper = { value = 1 } } }
            local calls = 0
            function M.code(country) return M.codes[country] end
            function M.add(country, code) M.codes[country] = code end
            function M.count() calls = calls + 1 return calls end
            return setmetatable(M, { __call = function(self, x) return self, x end })
            """)
        return directory
    }

    private func expectRefused(_ source: String, in lua: LuaState, _ fragment: String = "read-only",
                               sourceLocation: SourceLocation = #_sourceLocation) {
        let error = #expect(throws: LuaError.self, "\(source)", sourceLocation: sourceLocation) {
            try lua.run(string: source, chunkName: "plugins/evil.lua")
        }
        if let error {
            #expect(error.description.contains(fragment), "\(error.description)", sourceLocation: sourceLocation)
            #expect(error.description.hasPrefix("plugins/evil.lua:"), "\(error.description)", sourceLocation: sourceLocation)
        }
    }

    @Test func pairsNextAndRawAccessNeverHandOutALibrary() throws {
        let lua = try LuaState(limits: limits)
        // `pairs(string)` used to return the real table as its second result.
        expectRefused("local _, raw = pairs(string) raw.lower = function() return 'pwned' end", in: lua)
        expectRefused("local _, raw = pairs(string) rawset(raw, 'lower', print)", in: lua, "rawset on a standard library")
        expectRefused("local iterate, raw = pairs(table) local k = iterate(raw, nil) raw[k] = nil", in: lua)
        for library in ["string", "table", "math", "utf8", "coroutine", "os"] {
            expectRefused("local _, raw = pairs(\(library)) raw.extra = 1", in: lua)
            expectRefused("for _, v in pairs(\(library)) do if type(v) == 'table' then v.x = 1 end end error('read-only: no table inside')", in: lua)
            #expect(try lua.run(string: "return next(\(library)), rawget(\(library), 'x'), rawlen(\(library))", chunkName: "raw")
                == [.nil, .nil, .integer(0)])
        }
        expectRefused("getmetatable('').__index.lower = nil", in: lua, "attempt to index")
        expectRefused("setmetatable(string, {})", in: lua, "protected metatable")
        expectRefused("local env = { s = string } load('s.lower = nil', '=plugins/evil.lua', 't', env)()", in: lua)
        expectRefused("_ENV.string.upper = nil", in: lua)
        expectRefused("table.insert(string, 1)", in: lua)
        expectRefused("table.move({ 1 }, 1, 1, 1, math)", in: lua)
        #expect(try lua.run(string: "return ('Ab'):lower(), string.upper('x'), math.floor(2.5), #('abc'):rep(2)", chunkName: "after")
            == [.string("ab"), .string("X"), .integer(2), .integer(6)])
        #expect(try lua.run(string: "local n = 0 for k, v in pairs(string) do n = n + 1 end return n > 10", chunkName: "iterate") == [.bool(true)])
    }

    @Test func requiredModulesAreReadOnlyAllTheWayDown() throws {
        let directory = try moduleDirectory()
        let lua = try LuaState(limits: limits, modulePaths: [directory.path])
        let attacks = [
            "require('lib.phones').codes.fr = '1'",
            "require('lib.phones').code = function() return '1' end",
            "local p = require('lib.phones') p.deep.deeper.value = 2",
            "local _, raw = pairs(require('lib.phones')) raw.codes = {}",
            "for k, v in pairs(require('lib.phones')) do if type(v) == 'table' then v.fr = 'x' end end",
            "local p = require('lib.phones') for _, v in pairs(p.deep) do v.value = 3 end",
            "for _, v in ipairs(require('lib.phones').list) do end require('lib.phones').list[1] = 'z'",
            "table.insert(require('lib.phones').list, 'c')",
            "table.remove(require('lib.phones').list)",
            "table.sort(require('lib.phones').list, function(a, b) return a > b end)",
        ]
        for attack in attacks { expectRefused(attack, in: lua) }
        expectRefused("rawset(require('lib.phones').codes, 'fr', '1')", in: lua, "rawset on a standard library or a table `require` returned")
        expectRefused("setmetatable(require('lib.phones').codes, nil)", in: lua, "protected metatable")
        // A `__call` returning `self` returns the view, not the module's table.
        expectRefused("local p = require('lib.phones') local self, x = p(7) assert(x == 7 and self == p) self.codes = {}", in: lua)

        // Reading works as before, views are stable, and the module still changes its own state.
        let results = try lua.run(string: """
            local p = require('lib.phones')
            local n = 0 for _ in pairs(p.codes) do n = n + 1 end
            p.add('de', '49')
            return p.code('fr'), p.codes.ua, #p.list, p.list[2], table.concat(p.list, ','), n, p == require('lib.phones'),
                   p.codes == p.codes, p.code('de'), p.count(), p.count(), type(getmetatable(p))
            """, chunkName: "rules/reader.lua")
        #expect(results == [.string("33"), .string("380"), .integer(2), .string("b"), .string("a,b"), .integer(2), .bool(true),
                            .bool(true), .string("49"), .integer(1), .integer(2), .string("string")])
        // A copy is the caller's own.
        #expect(try lua.run(string: "local c = {} for k, v in pairs(require('lib.phones').codes) do c[k] = v end c.fr = '1' return c.fr, require('lib.phones').code('fr')",
                            chunkName: "copy") == [.string("1"), .string("33")])
        // Swift sees the module's real contents.
        let module = try #require(try lua.run(string: "return require('lib.phones')", chunkName: "swift").first?.tableValue)
        #expect(module["codes"].tableValue?["fr"] == .string("33"))
        #expect(module["list"].tableValue?.array == [.string("a"), .string("b")])
        #expect(module["deep"].tableValue?["deeper"].tableValue?["value"] == .integer(1))
        let function = try #require(try lua.run(string: "return function() return require('lib.phones') end", chunkName: "view").first?.functionValue)
        try lua.call(function, building: []) { view, _ in
            let view = try #require(view)
            #expect(try view.value("codes").tableValue?["ua"] == .string("380"))
            let value = try view.table("deep") { deep in try deep.table("deeper") { try $0.value("value") } }
            #expect(value == .some(.some(.integer(1))))
        }
    }

    @Test func finalizersAreRefusedAndCannotBeAddedLater() throws {
        let lua = try LuaState(limits: limits)
        // Lua runs `__gc` with hooks off: from a collection in host code or in `lua_close` this
        // loop would hang the host (the state's deinit never returned).
        expectRefused("setmetatable({}, { __gc = function() while true do end end })", in: lua, "finalizers (__gc) are not allowed")
        expectRefused("setmetatable({}, { __gc = true })", in: lua, "finalizers (__gc) are not allowed")
        // A `__gc` set after `setmetatable` does not mark the object: collecting runs nothing.
        #expect(try lua.run(string: """
            local mt = {} local t = setmetatable({}, mt)
            mt.__gc = function() while true do end end
            t = nil collectgarbage() collectgarbage()
            return 'collected'
            """, chunkName: "late") == [.string("collected")])
    }

    @Test(.timeLimit(.minutes(1))) func closeMethodsRunUnderTheLimits() throws {
        let lua = try LuaState(limits: limits)
        let loop = "setmetatable({}, { __close = function() while true do end end })"
        for source in [
            "do local x <close> = \(loop) end",
            "local x <close> = \(loop) while true do end",
            "local x <close> = setmetatable({}, { __close = function() while true do pcall(function() while true do end end) end end }) error('boom')",
            "local co = coroutine.create(function() local x <close> = \(loop) coroutine.yield() end) coroutine.resume(co) coroutine.close(co) error('not stopped')",
        ] {
            let error = #expect(throws: LuaError.self, "\(source)") { try lua.run(string: source, chunkName: "plugins/close.lua") }
            #expect(error?.kind == .timeBudget, "\(source): \(String(describing: error))")
        }
        let memory = #expect(throws: LuaError.self) {
            try lua.run(string: "local x <close> = setmetatable({}, { __close = function() local t = {} for i = 1, 1e9 do t[i] = ('x'):rep(100) .. i end end })",
                        chunkName: "plugins/close.lua")
        }
        #expect(memory?.kind == .memoryLimit)
        #expect(try lua.run(string: "return 1 + 1", chunkName: "after") == [.integer(2)])
    }

    @Test func nestedCoroutineCloseIsBounded() throws {
        // Lua 5.4.4 counts no C calls in a close that closes another coroutine from `__close`:
        // 12,000 levels crash the process (see EndToEndTests' SandboxCrashTests for the child
        // process). Here a modest nesting shows the refusal and that ordinary closes still work.
        let lua = try LuaState(limits: LuaLimits(instructionBudget: 50_000_000, memoryLimitBytes: 64 << 20))
        let error = #expect(throws: LuaError.self) {
            try lua.run(string: Self.nestedClose(levels: 500), chunkName: "plugins/close.lua")
        }
        #expect(error?.description.contains("coroutine.close nested more than 100 deep") == true, "\(String(describing: error))")
        #expect(error?.chunk == "plugins/close.lua")
        #expect(try lua.run(string: Self.nestedClose(levels: 50), chunkName: "plugins/close.lua") == [.bool(true)])
        #expect(try lua.run(string: "local co = coroutine.create(function() coroutine.yield() end) coroutine.resume(co) return coroutine.close(co), coroutine.status(co)",
                            chunkName: "close") == [.bool(true), .string("dead")])
        expectRefused("coroutine.close(coroutine.running())", in: lua, "cannot close a running coroutine")
    }

    /// The reproduction of Lua 5.4.4's bug "C-stack overflow with deep nesting of coroutine.close".
    static func nestedClose(levels: Int) -> String {
        """
        local coro = false
        for i = 1, \(levels) do
          local previous = coro
          coro = coroutine.create(function()
            local cc <close> = setmetatable({}, { __close = function()
              if previous then assert(coroutine.close(previous)) end
            end })
            coroutine.yield()
          end)
          assert(coroutine.resume(coro))
        end
        return assert(coroutine.close(coro))
        """
    }
}
