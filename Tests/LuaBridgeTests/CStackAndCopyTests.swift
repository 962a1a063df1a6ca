import Testing
@testable import LuaBridge

/// Scripts that blow the C stack come back as errors naming the chunk and line; copies of Lua
/// values to Swift are bounded in depth, size and bytes, shared tables included.
@Suite struct CStackAndCopyTests {
    let limits = LuaLimits(instructionBudget: 20_000_000, memoryLimitBytes: 64 << 20)

    @Test(arguments: [
        ("local function f() return string.gsub('a', 'a', f) end\nf()", 1),
        ("local t = setmetatable({}, {})\ngetmetatable(t).__index = function(t, k) return t[k] end\nreturn t.x", 2),
        ("local t = setmetatable({}, { __tostring = function(s) return tostring(s) end })\nreturn tostring(t)", 1),
        ("local function loop() assert(pcall(loop)) end\nlocal ok, message = xpcall(loop, loop)\nerror(message)", 3),
        ("local function deep(n) return n == 0 and {} or setmetatable({}, { __index = deep(n - 1) }) end\nlocal t = deep(2500)\nreturn t.missing", 3),
        ("local s = ''\nfor i = 1, 300 do s = '(' .. s .. ')' end\nreturn load('return ' .. s)() or error('too deep')", 3),
        ("local co\nlocal function f() return coroutine.wrap(f)() end\nf()", 2),
    ])
    func cStackOverflowNamesTheChunkAndLine(source: String, line: Int) throws {
        let lua = try LuaState(limits: limits)
        let error = try #require(throws: LuaError.self) { try lua.run(string: source, chunkName: "plugins/deep.lua") }
        #expect(error.chunk == "plugins/deep.lua", "\(error)")
        #expect(error.line == line, "\(error)")
        #expect(try lua.run(string: "return 1 + 1", chunkName: "after") == [.integer(2)])
    }

    @Test func aSharedTableRepeatedAMillionTimesIsRefusedNotExpanded() throws {
        let lua = try LuaState()
        // 1,000 references to one table of 1,000 strings: 10^6 values once expanded, from a few KiB.
        let error = try #require(throws: LuaError.self) {
            try lua.run(string: """
                local shared = {} for i = 1, 1000 do shared[i] = 'phone number ' .. i end
                local rows = {} for i = 1, 1000 do rows[i] = { phones = shared } end
                local again = {} for i = 1, 100 do again[i] = rows end
                return { rows = again }
                """, chunkName: "plugins/dag.lua")
        }
        #expect(error.message.contains("LuaLimits.maximumCopyElements"), "\(error)")
        #expect(error.message.contains("at the value.rows["), "\(error)")
        #expect(error.message.contains("counts each time"), "\(error)")
    }

    @Test func eachCopyLimitNamesItselfAndWhere() throws {
        let lua = try LuaState(limits: LuaLimits(maximumCopyDepth: 5, maximumCopyElements: 50, maximumCopyBytes: 4096))
        let deep = try #require(throws: LuaError.self) {
            try lua.run(string: "return { a = { b = { c = { d = { e = { f = 1 } } } } } }", chunkName: "deep")
        }
        #expect(deep.message.contains("nested deeper than 5 levels (LuaLimits.maximumCopyDepth), at the value.a.b.c.d.e"), "\(deep)")
        let many = try #require(throws: LuaError.self) {
            try lua.run(string: "local t = {} for i = 1, 100 do t[i] = i end return { list = t }", chunkName: "many")
        }
        #expect(many.message.contains("more than 50 values (LuaLimits.maximumCopyElements), at the value.list[49]"), "\(many)")
        let big = try #require(throws: LuaError.self) {
            try lua.run(string: "return { text = { ['a key'] = string.rep('x', 5000) } }", chunkName: "big")
        }
        #expect(big.message.contains("(LuaLimits.maximumCopyBytes), at the value.text[\"a key\"]"), "\(big)")
        let cycle = try #require(throws: LuaError.self) {
            try lua.run(string: "local t = { inner = {} } t.inner.back = t return t", chunkName: "cycle")
        }
        #expect(cycle.message.contains("contains itself (a cycle), at the value.inner.back"), "\(cycle)")
        // Arguments of a Swift closure are bounded the same way.
        lua.register("take", in: "host") { _ in [] }
        let argument = try #require(throws: LuaError.self) {
            try lua.run(string: "local t = {} for i = 1, 100 do t[i] = i end host.take(t)", chunkName: "plugins/arg.lua")
        }
        #expect(argument.description.contains("plugins/arg.lua:1:"), "\(argument)")
        #expect(argument.message.contains("LuaLimits.maximumCopyElements"), "\(argument)")
        // Within the limits a shared table is copied in each place.
        #expect(try lua.run(string: "local s = { 1, 2 } return { s, s }", chunkName: "shared")
            == [.table(LuaTable(array: [.table(LuaTable(array: [.integer(1), .integer(2)])), .table(LuaTable(array: [.integer(1), .integer(2)]))]))])
    }

    @Test(.timeLimit(.minutes(1))) func libraryLoopsInCAreChargedToTheBudget() throws {
        let lua = try LuaState(limits: LuaLimits(instructionBudget: 5_000_000, memoryLimitBytes: 64 << 20))
        for source in [
            "table.move({}, 1, 1e15, 2)",
            "local t = setmetatable({}, { __index = table.concat }) return table.concat(t, '', 1, 1e15)",
            "local t = setmetatable({}, { __index = rawlen, __newindex = rawequal }) table.move(t, 1, 1e12, 2)",
        ] {
            let error = #expect(throws: LuaError.self, "\(source)") { try lua.run(string: source, chunkName: "plugins/loop.lua") }
            #expect(error?.kind == .timeBudget, "\(source): \(String(describing: error))")
            #expect(error?.description.hasPrefix("plugins/loop.lua:1:") == true, "\(String(describing: error))")
        }
        for source in [
            "local t = setmetatable({}, { __len = function() return 1e15 end }) table.insert(t, 1, 'x')",
            "local t = setmetatable({}, { __len = function() return 1e15 end }) table.remove(t, 1)",
            "local t = setmetatable({}, { __len = function() return 2^31 - 2 end, __index = rawlen, __newindex = rawequal }) table.sort(t)",
        ] {
            let error = #expect(throws: LuaError.self, "\(source)") { try lua.run(string: source, chunkName: "plugins/loop.lua") }
            #expect(error?.message.contains("__len metamethod is not allowed") == true, "\(source): \(String(describing: error))")
        }
        #expect(try lua.run(string: "return string.rep('', 1e15), ('').rep('', 1e15, '')", chunkName: "rep") == [.string(""), .string("")])
        // One instruction that copies a growing string: 10^5 appends copy 50 GB in all (minutes),
        // in a string never larger than 1 MB. Allocation is charged to the budget.
        let growing = #expect(throws: LuaError.self) {
            try lua.run(string: "local s = ''\nfor i = 1, 1e5 do s = s .. 'xxxxxxxxxx' end", chunkName: "plugins/concat.lua")
        }
        #expect(growing?.kind == .timeBudget && growing?.line == 2, "\(String(describing: growing))")
        #expect(try lua.run(string: """
            local t = { 3, 1, 2 } table.sort(t) table.insert(t, 1, 0) table.remove(t) local m = table.move(t, 1, 3, 2, {})
            return table.concat(t, ','), table.concat(m, ',', 2, 4)
            """, chunkName: "ordinary") == [.string("0,1,2"), .string("0,1,2")])
    }
}
