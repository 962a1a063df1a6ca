import Testing
@testable import LuaBridge

// Scripts written to escape the sandbox or to stall the host. Each must fail with a `LuaError`
// naming the chunk and line, and leave the state usable (and unchanged) for the next script.
@Suite struct HostileScriptTests {
    let limits = LuaLimits(instructionBudget: 5_000_000, memoryLimitBytes: 32 << 20)

    private func expectStopped(_ source: String, _ fragment: String, line: Int, in lua: LuaState,
                               sourceLocation: SourceLocation = #_sourceLocation) throws {
        let error = try #require(throws: LuaError.self, sourceLocation: sourceLocation) {
            try lua.run(string: source, chunkName: "plugins/evil.lua")
        }
        #expect(error.description.contains(fragment), "\(error.description)", sourceLocation: sourceLocation)
        #expect(error.description.contains("plugins/evil.lua:\(line):"), "\(error.description)", sourceLocation: sourceLocation)
        #expect(try lua.run(string: "return ('Ab'):lower(), string.upper('x'), #('abc'):rep(3)", chunkName: "after")
            == [.string("ab"), .string("X"), .integer(9)], sourceLocation: sourceLocation)
    }

    @Test func standardLibrariesCannotBeChangedForOtherScripts() throws {
        let lua = try LuaState(limits: limits)
        try expectStopped("string.lower = function() return 'pwned' end", "read-only", line: 1, in: lua)
        try expectStopped("local s = string\ns.upper = nil", "read-only", line: 2, in: lua)
        try expectStopped("rawset(string, 'lower', print)", "rawset on a standard library", line: 1, in: lua)
        try expectStopped("table.insert = nil", "read-only", line: 1, in: lua)
        try expectStopped("math.floor = nil", "read-only", line: 1, in: lua)
        try expectStopped("string = { lower = function() return 'pwned' end }", "'string' cannot be assigned", line: 1, in: lua)
        try expectStopped("\n\npairs = nil", "'pairs' cannot be assigned", line: 3, in: lua)
        try expectStopped("_G.tostring = nil", "'tostring' cannot be assigned", line: 1, in: lua)
        try expectStopped("setmetatable(string, nil)", "cannot change a protected metatable", line: 1, in: lua)
        try expectStopped("getmetatable('').__index.rep = nil", "attempt to index", line: 1, in: lua)
        try expectStopped("local mt = getmetatable(string) mt.__index = nil", "attempt to index a string value", line: 1, in: lua)
        // Reading and iterating still work.
        #expect(try lua.run(string: "local n = 0 for k in pairs(string) do n = n + 1 end return n > 10, type(string.format)", chunkName: "read")
            == [.bool(true), .string("function")])
    }

    @Test func bytecodeCannotBeLoaded() throws {
        let lua = try LuaState(limits: limits)
        try expectStopped(#"assert(load("\27Lua\84\0\25\147\13\10\26\10\4\8\8\120\86"))()"#, "binary (precompiled) chunks are not allowed", line: 1, in: lua)
        try expectStopped(#"local parts = { "\27", "Lua" } local i = 0 assert(load(function() i = i + 1 return parts[i] end))()"#, "binary chunk", line: 1, in: lua)
        try expectStopped("return string.dump(print)", "field 'dump'", line: 1, in: lua)
    }

    @Test func collectgarbageCannotTurnTheCollectorOff() throws {
        let lua = try LuaState(limits: limits)
        for option in ["stop", "setpause", "setstepmul", "incremental", "generational", "restart"] {
            try expectStopped("collectgarbage('\(option)', 1000)", "not allowed in the sandbox", line: 1, in: lua)
        }
        // Collecting in a loop only spends the instruction budget.
        try expectStopped("while true do collectgarbage('step', 1 << 30) collectgarbage() end", "time budget", line: 1, in: lua)
    }

    @Test func coroutinesThatNeverEndAreStopped() throws {
        let lua = try LuaState(limits: limits)
        try expectStopped("""
            local co = coroutine.wrap(function() while true do coroutine.yield(1) end end)
            while true do co() end
            """, "time budget", line: 1, in: lua)
        try expectStopped("""
            local function nest(n) return coroutine.wrap(function() if n > 0 then nest(n - 1)() end while true do end end) end
            nest(150)()
            """, "plugins/evil.lua", line: 1, in: lua)
        // A coroutine left suspended forever holds nothing up.
        #expect(try lua.run(string: "local co = coroutine.create(function() coroutine.yield() end) coroutine.resume(co) return coroutine.status(co)",
                            chunkName: "suspended") == [.string("suspended")])
    }

    @Test(arguments: [
        #"string.find(string.rep("a", 1e5), ".-.-.-.-.-b")"#,
        #"string.match(string.rep("a", 1e5), "(.*)(.*)(.*)b")"#,
        #"for _ in string.gmatch(string.rep("a", 1e5), "a*a*a*b") do end"#,
        #"string.gsub(string.rep("a", 1e5), "%a+%a+%a+x", "")"#,
        #"local s = string.rep("a", 40) return s:match("^" .. string.rep("a?", 40) .. string.rep("a", 40) .. "$")"#,
        #"local s = string.rep("x", 5e4) .. "y" return s:find("[%w]-[%w]-[%w]-z")"#,
    ])
    func catastrophicPatternsAreStoppedByTheBudget(source: String) throws {
        // The sandbox's matcher charges every step to the instruction budget (it used to refuse
        // these up front with a heuristic that missed single `-` quantifiers and `%b`).
        let lua = try LuaState(limits: limits)
        try expectStopped(source, "exceeded its time budget", line: 1, in: lua)
    }

    @Test func ordinaryPatternsOnLongStringsStillRun() throws {
        let lua = try LuaState(limits: LuaLimits(instructionBudget: 50_000_000))
        let results = try lua.run(string: #"""
            local long = string.rep("word ", 20000)
            local lines = string.rep("BEGIN:VCARD\nFN:A\nEND:VCARD\n", 5000)
            local count = 0
            for _ in (lines):gmatch("([^\n]*)\n") do count = count + 1 end
            local trimmed = ("   " .. long .. "   "):match("^%s*(.-)%s*$")
            local key, value = ("item1.TEL;TYPE=CELL:+33 6 12"):match("^([^:]*):(.*)$")
            return count, #trimmed, key, select(2, long:gsub("%a+", "")), (long:find("word word", 1, true))
            """#, chunkName: "ordinary")
        #expect(results == [.integer(15_000), .integer(99_999), .string("item1.TEL;TYPE=CELL"), .integer(20_000), .integer(1)])
    }

    @Test func giganticStringsAreStopped() throws {
        let lua = try LuaState(limits: limits)
        try expectStopped("local s = string.rep('x', 1 << 40)", "exceeded its memory limit", line: 1, in: lua)
        try expectStopped("local s = ('x'):rep(1 << 20, ('y'):rep(1 << 10))", "exceeded its memory limit", line: 1, in: lua)
        try expectStopped("local t = {} for i = 1, 1e9 do t[i] = ('x'):rep(1000) .. i end", "exceeded its memory limit", line: 1, in: lua)
    }
}
