import CLua
import CLuaLimits
import Testing
@testable import LuaBridge

/// CLuaLimits through its C API: the counting allocator and its ceiling, the instruction budget
/// (count hook, charges for allocation and for work done in C), and the calls between host and
/// Lua that switch the limits on and off.
@Suite struct CLuaLimitsTests {
    // MARK: - Allocator

    @Test func theAllocatorCountsEveryByteItHandsOut() {
        var limits = ci_lua_limits()
        limits.limit_bytes = 100   // not enforcing: host code is never refused
        let block = ci_lua_allocate(&limits, nil, 0, 1000)
        #expect(block != nil)
        #expect(limits.used_bytes == 1000)
        let grown = ci_lua_allocate(&limits, block, 1000, 3000)
        #expect(grown != nil)
        #expect(limits.used_bytes == 3000)
        let shrunk = ci_lua_allocate(&limits, grown, 3000, 10)
        #expect(limits.used_bytes == 10)
        #expect(ci_lua_allocate(&limits, shrunk, 10, 0) == nil)
        #expect(limits.used_bytes == 0)
        #expect(limits.memory_exceeded == 0)
    }

    @Test func theAllocatorRefusesPastTheCeilingAndKeepsRefusingUntilReset() {
        var limits = ci_lua_limits()
        limits.limit_bytes = 4096
        limits.enforcing = 1
        limits.budget_ticks = 1_000
        let block = ci_lua_allocate(&limits, nil, 0, 4000)
        #expect(block != nil)
        // Growing past the ceiling: refused, the old block untouched and still counted.
        #expect(ci_lua_allocate(&limits, block, 4000, 4097) == nil)
        #expect(limits.memory_exceeded == 1)
        #expect(limits.used_bytes == 4000)
        // Sticky: even a small new block is refused now, so Lua code cannot catch its way on...
        #expect(ci_lua_allocate(&limits, nil, 0, 16) == nil)
        // ...but shrinking and freeing still work (Lua must be able to unwind).
        let shrunk = ci_lua_allocate(&limits, block, 4000, 100)
        #expect(shrunk != nil)
        #expect(limits.used_bytes == 100)
        // The host resets the flag before its next call.
        limits.memory_exceeded = 0
        let small = ci_lua_allocate(&limits, nil, 0, 16)
        #expect(small != nil)
        #expect(limits.used_bytes == 116)
        _ = ci_lua_allocate(&limits, small, 16, 0)
        _ = ci_lua_allocate(&limits, shrunk, 100, 0)
        #expect(limits.used_bytes == 0)
    }

    @Test func allocatingUnderEnforcementChargesTheBudget() {
        var limits = ci_lua_limits()
        limits.limit_bytes = 64 << 20
        limits.enforcing = 1
        limits.budget_ticks = 10
        let perTick = Int(CI_LUA_BYTES_PER_INSTRUCTION) * Int(CI_LUA_HOOK_INTERVAL)
        let block = ci_lua_allocate(&limits, nil, 0, 3 * perTick + 5)
        #expect(limits.budget_ticks == 7)
        #expect(limits.allocated_uncharged == 5)
        // Growing charges only the growth; shrinking and host allocations charge nothing.
        let grown = ci_lua_allocate(&limits, block, 3 * perTick + 5, 4 * perTick)
        #expect(limits.budget_ticks == 6)
        #expect(limits.allocated_uncharged == 0)
        let shrunk = ci_lua_allocate(&limits, grown, 4 * perTick, 10)
        limits.enforcing = 0
        let host = ci_lua_allocate(&limits, nil, 0, 2 * perTick)
        #expect(limits.budget_ticks == 6)
        _ = ci_lua_allocate(&limits, host, 2 * perTick, 0)
        _ = ci_lua_allocate(&limits, shrunk, 10, 0)
    }

    @Test func theCollectThresholdIsThreeQuartersOfTheCeilingOrAnEighthPastWhatIsInUse() {
        var limits = ci_lua_limits()
        limits.limit_bytes = 800
        ci_lua_update_collect_threshold(&limits)
        #expect(limits.collect_threshold == 600)
        limits.used_bytes = 700
        ci_lua_update_collect_threshold(&limits)
        #expect(limits.collect_threshold == 800)
    }

    @Test func aStateMadeByNewstateCountsIntoItsLimitsAndFindsThemFromEveryThread() throws {
        let fixture = try CStateFixture()
        #expect(ci_lua_limits_of(fixture.L) == fixture.limits)
        #expect(fixture.limits.pointee.used_bytes > 0)
        let before = fixture.limits.pointee.used_bytes
        let thread = try #require(lua_newthread(fixture.L))
        #expect(ci_lua_limits_of(thread) == fixture.limits)
        #expect(fixture.limits.pointee.used_bytes > before)
        ci_lua_pop(fixture.L, 1)
    }

    @Test func luaCodeIsStoppedAtTheCeilingAndTheHookNamesWhereItRan() throws {
        let fixture = try CStateFixture(limitBytes: 8 << 20)
        let outcome = fixture.run("local t = {}\nfor i = 1, 1e8 do t[i] = i end", chunk: "bomb")
        #expect(outcome.status == LUA_ERRMEM || outcome.message.contains("not enough memory"), "\(outcome)")
        #expect(fixture.limits.pointee.memory_exceeded == 1)
        #expect(fixture.limits.pointee.used_bytes <= 8 << 20)
        #expect(fixture.limits.pointee.memory_line == 2)
        #expect(withUnsafeBytes(of: fixture.limits.pointee.memory_source) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) } == "bomb")
    }

    @Test func hostCodeIsNeverRefused() throws {
        let fixture = try CStateFixture(limitBytes: 1 << 20)
        // A plain protected call, not ci_lua_pcall: enforcement stays off.
        #expect(luaL_loadstring(fixture.L, "return #string.rep('x', 4 * 1024 * 1024)") == LUA_OK)
        #expect(lua_pcallk(fixture.L, 0, 1, 0, 0, nil) == LUA_OK)
        #expect(lua_tointegerx(fixture.L, -1, nil) == 4 << 20)
        #expect(fixture.limits.pointee.memory_exceeded == 0)
        ci_lua_pop(fixture.L, 1)
    }

    // MARK: - Instruction budget

    @Test func theCountHookTakesATickPerThousandInstructions() throws {
        let fixture = try CStateFixture(budgetTicks: 10_000)
        // A numeric `for` with an empty body runs one instruction (FORLOOP) per iteration.
        let outcome = fixture.run("for i = 1, 200000 do end")
        #expect(outcome.ok, "\(outcome)")
        let spent = 10_000 - fixture.limits.pointee.budget_ticks
        #expect((195...205).contains(spent), "spent \(spent) ticks")
        #expect(fixture.limits.pointee.budget_exhausted == 0)
    }

    @Test func theCountHookEndsALoopAtTheBudgetAndEveryLaterInstructionUntilReset() throws {
        let fixture = try CStateFixture(budgetTicks: 150)
        let outcome = fixture.run("local n = 0\nwhile true do n = n + 1 end", chunk: "loop")
        #expect(outcome.status == LUA_ERRRUN)
        #expect(outcome.message.hasPrefix("loop:2: exceeded its time budget\nstack traceback:"), "\(outcome.message)")
        #expect(fixture.limits.pointee.budget_exhausted == 1)
        #expect(fixture.limits.pointee.budget_line == 2)
        #expect(withUnsafeBytes(of: fixture.limits.pointee.budget_source) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) } == "loop")
        // Spent: the hook now fires on every instruction, so even a `pcall` that caught it is
        // stopped at its next instruction.
        let caught = fixture.run("local ok = pcall(function() end)\nreturn ok", chunk: "after")
        #expect(caught.status == LUA_ERRRUN)
        #expect(caught.message.hasPrefix("after:1: exceeded its time budget"), "\(caught.message)")
        // The host resets the budget as LuaState does before each outermost call.
        fixture.limits.pointee.budget_exhausted = 0
        fixture.limits.pointee.budget_ticks = 150
        ci_lua_install_count_hook(fixture.L)
        #expect(fixture.run("for i = 1, 100000 do end return 'done'").values == ["done"])
        // 150 ticks are 150 000 instructions: a loop of 200 000 does not fit.
        fixture.limits.pointee.budget_ticks = 150
        #expect(fixture.run("for i = 1, 200000 do end").status == LUA_ERRRUN)
    }

    @Test func theBudgetIsNotSpentWhileHostCodeRuns() throws {
        let fixture = try CStateFixture(budgetTicks: 1)
        #expect(luaL_loadstring(fixture.L, "for i = 1, 100000 do end") == LUA_OK)
        #expect(lua_pcallk(fixture.L, 0, 0, 0, 0, nil) == LUA_OK)
        #expect(fixture.limits.pointee.budget_ticks == 1)
        #expect(fixture.limits.pointee.budget_exhausted == 0)
    }

    @Test func workInCIsChargedInWholeTicks() throws {
        let fixture = try CStateFixture(budgetTicks: 10)
        // Not enforcing (host code): nothing is charged.
        ci_lua_charge_steps(fixture.L, 5_000)
        #expect(fixture.limits.pointee.budget_ticks == 10)
        // Enforcing, within the budget (so it does not raise, which must not cross Swift).
        fixture.limits.pointee.enforcing = 1
        ci_lua_charge_steps(fixture.L, 2_500)
        #expect(fixture.limits.pointee.budget_ticks == 8)
        #expect(fixture.limits.pointee.pending_steps == 500)
        ci_lua_charge_steps(fixture.L, 600)
        #expect(fixture.limits.pointee.budget_ticks == 7)
        #expect(fixture.limits.pointee.pending_steps == 100)
        ci_lua_charge_steps(fixture.L, -50)   // a negative count charges nothing
        #expect(fixture.limits.pointee.pending_steps == 100)
        fixture.limits.pointee.enforcing = 0
    }

    // MARK: - Calls from the host

    @Test func protectedCallsEnforceAndRestoreThePreviousEnforcement() throws {
        let fixture = try CStateFixture()
        for before: Int32 in [0, 1] {
            fixture.limits.pointee.enforcing = before
            #expect(fixture.run("return 1").values == ["1"])
            #expect(fixture.limits.pointee.enforcing == before)
        }
        fixture.limits.pointee.enforcing = 0
    }

    @Test func theMessageHandlerAddsATracebackAndNamesNonStringErrors() throws {
        let fixture = try CStateFixture()
        let text = fixture.run("local function f() error('boom') end\nf()", chunk: "chunk")
        #expect(text.status == LUA_ERRRUN)
        #expect(text.message.hasPrefix("chunk:1: boom\nstack traceback:"), "\(text.message)")
        #expect(text.message.contains("chunk:2:"))
        let table = fixture.run("error({})")
        #expect(table.message.hasPrefix("(error object is a table value)\nstack traceback:"), "\(table.message)")
    }

    @Test func loadsTakeTextOnlyAndReportMissingFiles() throws {
        let fixture = try CStateFixture()
        let base = lua_gettop(fixture.L)
        #expect(luaL_loadstring(fixture.L, "return string.dump(function() return 1 end)") == LUA_OK)
        #expect(lua_pcallk(fixture.L, 0, 1, 0, 0, nil) == LUA_OK)
        var length = 0
        let dumped = try #require(lua_tolstring(fixture.L, -1, &length))
        let binary = Array(UnsafeRawBufferPointer(start: dumped, count: length))
        lua_settop(fixture.L, base)
        let status = binary.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { ci_lua_load_buffer(fixture.L, $0.baseAddress, $0.count, "=binary") }
        }
        #expect(status == LUA_ERRSYNTAX)
        #expect(fixture.describe(-1).contains("attempt to load a binary chunk"))
        lua_settop(fixture.L, base)
        #expect(ci_lua_load_file(fixture.L, "/nonexistent/clientimport/rules.lua") == LUA_ERRFILE)
        #expect(fixture.describe(-1).contains("cannot open /nonexistent/clientimport/rules.lua"))
        lua_settop(fixture.L, base)
        #expect(fixture.limits.pointee.enforcing == 0)
    }

    // MARK: - Host functions

    /// Pushes what the limits say while it runs (`enforcing`), and counts its calls in its box.
    private static let reportEnforcing: ci_lua_host_function = { L, box in
        box!.assumingMemoryBound(to: Int.self).pointee += 1
        lua_pushinteger(L, lua_Integer(ci_lua_limits_of(L).pointee.enforcing))
        return 1
    }

    /// Fails as host functions do: pushes a message and returns -1.
    private static let failing: ci_lua_host_function = { L, _ in
        let message = "no such client"
        lua_pushlstring(L, message, message.utf8.count)
        return -1
    }

    @Test func hostFunctionsRunWithTheLimitsOffAndGetTheirBox() throws {
        let fixture = try CStateFixture()
        let calls = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        defer { calls.deallocate() }
        calls.initialize(to: 0)
        ci_lua_push_host_function(fixture.L, Self.reportEnforcing, calls)
        fixture.setGlobal("host")
        #expect(fixture.run("local inside = host()\nreturn inside, host()").values == ["0", "0"])
        #expect(calls.pointee == 2)
        #expect(fixture.limits.pointee.enforcing == 0)
    }

    @Test func aFailingHostFunctionRaisesAtTheLuaLineThatCalledIt() throws {
        let fixture = try CStateFixture()
        ci_lua_push_host_function(fixture.L, Self.failing, nil)
        fixture.setGlobal("lookup")
        let outcome = fixture.run("local x = 1\nlocal y = lookup(x)", chunk: "plugin")
        #expect(outcome.status == LUA_ERRRUN)
        #expect(outcome.message.hasPrefix("plugin:2: no such client\n"), "\(outcome.message)")
        // Catchable like any Lua error (called from `pcall`, a C function, it names no line).
        let caught = fixture.run("local ok, message = pcall(lookup, 1)\nreturn ok, message", chunk: "plugin")
        #expect(caught.values == ["false", "no such client"])
        #expect(fixture.limits.pointee.enforcing == 0)
    }
}
