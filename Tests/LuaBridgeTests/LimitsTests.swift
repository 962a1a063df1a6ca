import Testing
@testable import LuaBridge

@Suite struct LimitsTests {
    private let quick = LuaLimits(instructionBudget: 2_000_000, memoryLimitBytes: 32 << 20)

    private func expectTimeBudget(_ source: String, line: Int, in lua: LuaState,
                                  sourceLocation: SourceLocation = #_sourceLocation) throws {
        let error = try #require(throws: LuaError.self, sourceLocation: sourceLocation) {
            try lua.run(string: source, chunkName: "rules/loop.lua")
        }
        #expect(error.kind == .timeBudget, sourceLocation: sourceLocation)
        #expect(error.chunk == "rules/loop.lua", sourceLocation: sourceLocation)
        #expect(error.line == line, sourceLocation: sourceLocation)
        #expect(error.description.hasPrefix("rules/loop.lua:\(line): exceeded its time budget"), sourceLocation: sourceLocation)
        #expect(try lua.run(string: "local n = 0 for i = 1, 1000 do n = n + i end return n", chunkName: "after") == [.integer(500_500)],
                sourceLocation: sourceLocation)
    }

    @Test func endlessLoopStops() throws {
        let lua = try LuaState(limits: quick)
        try expectTimeBudget("local x = 0\nwhile true do end", line: 2, in: lua)
    }

    @Test func endlessLoopInsidePcallCannotSwallowTheBudget() throws {
        let lua = try LuaState(limits: quick)
        try expectTimeBudget("""
            local caught = 0
            while true do
              pcall(function() while true do end end)
              caught = caught + 1
            end
            """, line: 3, in: lua)
        // Even a script that catches the error and returns normally is reported.
        let error = try #require(throws: LuaError.self) {
            try lua.run(string: "local ok = pcall(function() while true do end end)\nreturn ok", chunkName: "rules/loop.lua")
        }
        #expect(error.kind == .timeBudget)
    }

    @Test func endlessLoopInsideACoroutineStops() throws {
        let lua = try LuaState(limits: quick)
        try expectTimeBudget("coroutine.wrap(function()\n  while true do end\nend)()", line: 2, in: lua)
        try expectTimeBudget("""
            local co = coroutine.create(function() while true do end end)
            while true do coroutine.resume(co) end
            """, line: 1, in: lua)
    }

    @Test func budgetIsPerCall() throws {
        let lua = try LuaState(limits: quick)
        let spin = try #require(try lua.run(string: "return function(n) local s = 0 for i = 1, n do s = s + i end return s end", chunkName: "spin").first?.functionValue)
        for _ in 0..<5 {
            #expect(try lua.call(spin, [.integer(200_000)]) == [.integer(20_000_100_000)])
        }
        let error = try #require(throws: LuaError.self) { try lua.call(spin, [.integer(100_000_000)]) }
        #expect(error.kind == .timeBudget)
        #expect(try lua.call(spin, [.integer(10)]) == [.integer(55)])
    }

    /// The default budget is finite: an endless loop ends as a budget error, not a hang (how
    /// long it takes is the benchmark's business, not a test's).
    @Test func theDefaultBudgetStopsAnEndlessLoop() throws {
        let lua = try LuaState()
        let error = try #require(throws: LuaError.self) { try lua.run(string: "while true do end", chunkName: "rules/loop.lua") }
        #expect(error.kind == .timeBudget)
        #expect(error.line == 1)
    }

    @Test func memoryBombStops() throws {
        let lua = try LuaState(limits: quick)
        let error = try #require(throws: LuaError.self) {
            try lua.run(string: #"local t = {} for i = 1, 1e9 do t[i] = string.rep("x", 1000) .. i end"#, chunkName: "rules/bomb.lua")
        }
        #expect(error.kind == .memoryLimit)
        #expect(error.description == "rules/bomb.lua:1: exceeded its memory limit of 32 MiB")
        #expect(try lua.run(string: "local t = {} for i = 1, 1000 do t[i] = string.rep('y', 100) end return #t", chunkName: "after") == [.integer(1000)])
        #expect(lua.memoryInUseBytes < 32 << 20)
    }

    @Test func giganticStringStops() throws {
        let lua = try LuaState(limits: quick)
        let error = try #require(throws: LuaError.self) {
            try lua.run(string: #"local s = string.rep("x", 1e10) return #s"#, chunkName: "rules/bomb.lua")
        }
        #expect(error.kind == .memoryLimit, "\(error)")
        #expect(try lua.run(string: "return #string.rep('x', 1000)", chunkName: "after") == [.integer(1000)])
        // Below Lua's own 2 GiB cap the allocator refuses the buffer.
        let buffer = try #require(throws: LuaError.self) {
            try lua.run(string: #"local parts = {} for i = 1, 40 do parts[i] = string.rep("x", 1e6) end return #table.concat(parts)"#, chunkName: "rules/bomb.lua")
        }
        #expect(buffer.kind == .memoryLimit)
        #expect(try lua.run(string: "return #string.rep('x', 1000)", chunkName: "after") == [.integer(1000)])
    }

    @Test func caughtMemoryErrorIsStillReported() throws {
        let lua = try LuaState(limits: quick)
        let error = try #require(throws: LuaError.self) {
            try lua.run(string: #"local ok = pcall(string.rep, "x", 1e10) return ok"#, chunkName: "rules/bomb.lua")
        }
        #expect(error.kind == .memoryLimit)
        let fresh = try LuaState(limits: quick)
        #expect(try fresh.run(string: "return 'fine'", chunkName: "fresh") == [.string("fine")])
    }

    @Test func hostValuesAreNotRefused() throws {
        // Host code is trusted: a large argument pushed from Swift is not cut by the limit.
        let lua = try LuaState(limits: LuaLimits(memoryLimitBytes: 4 << 20))
        let length = try #require(try lua.run(string: "return function(t) return #t end", chunkName: "len").first?.functionValue)
        let big = LuaTable(array: Array(repeating: .string(String(repeating: "z", count: 100)), count: 50_000))
        let result = try? lua.call(length, [.table(big)])
        // Lua code may fail once it allocates, but pushing itself never crashes.
        #expect(result == nil || result == [.integer(50_000)])
    }
}
