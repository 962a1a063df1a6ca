import CLua
import CLuaLimits
import CLuaSandbox
import PropertyBased
import Testing
@testable import LuaBridge

/// The sandbox's pattern matcher (CLuaSandbox/pattern.c) against Lua's own: the same results on
/// generated patterns and subjects, and the budget error on patterns that backtrack for hours.
@Suite struct PatternMatcherTests {
    /// A plain Lua state, no sandbox, with Lua's string library and ours side by side (`ours`).
    final class PlainLua {
        let L: OpaquePointer
        private let counters: UnsafeMutablePointer<ci_lua_limits>

        init() throws {
            counters = .allocate(capacity: 1)
            counters.initialize(to: ci_lua_limits())
            counters.pointee.limit_bytes = 1 << 30       // `enforcing` stays 0: nothing is limited
            L = try #require(ci_lua_newstate(counters))
            luaL_openlibs(L)
            ci_sandbox_push_pattern_functions(L)
            lua_setglobal(L, "ours")
            try run(Self.harness)
        }

        deinit {
            lua_close(L)
            counters.deallocate()
        }

        func run(_ source: String) throws {
            let status = luaL_loadstring(L, source) == LUA_OK ? lua_pcallk(L, 0, 0, 0, 0, nil) : LUA_ERRSYNTAX
            if status != LUA_OK {
                throw LuaError(kind: .runtime, message: String(cString: lua_tolstring(L, -1, nil)))
            }
        }

        /// `compare(subject, pattern, init, mode)`: Lua's result and ours, serialized.
        func compare(_ subject: String, _ pattern: String, _ initial: Int, _ mode: Int) -> (String, String) {
            lua_settop(L, 0)
            lua_getglobal(L, "compare")
            lua_pushlstring(L, subject, subject.utf8.count)
            lua_pushlstring(L, pattern, pattern.utf8.count)
            lua_pushinteger(L, lua_Integer(initial))
            lua_pushinteger(L, lua_Integer(mode))
            guard lua_pcallk(L, 4, 2, 0, 0, nil) == LUA_OK else {
                return ("harness failed", String(cString: lua_tolstring(L, -1, nil)))
            }
            return (String(cString: lua_tolstring(L, 1, nil)), String(cString: lua_tolstring(L, 2, nil)))
        }

        static let harness = #"""
            local function ser(...)
              local parts = {}
              for i = 1, select('#', ...) do local v = select(i, ...) parts[#parts + 1] = type(v) .. ':' .. tostring(v) end
              return table.concat(parts, '|')
            end
            local function run(lib, s, p, init, mode)
              local ok, r = pcall(function()
                if mode == 1 then return ser(lib.find(s, p, init))
                elseif mode == 2 then return ser(lib.match(s, p, init))
                elseif mode == 3 then
                  local out, k = {}, 0
                  for a, b, c in lib.gmatch(s, p, init) do k = k + 1 out[k] = ser(a, b, c) if k > 60 then break end end
                  return table.concat(out, ';')
                elseif mode == 4 then return ser(lib.gsub(s, p, "<%0|%1>"))
                elseif mode == 5 then return ser(lib.gsub(s, p, function(...) return "[" .. ser(...) .. "]" end, init))
                elseif mode == 6 then return ser(lib.gsub(s, p, { a = "A", b = false, ["("] = 7 }))
                elseif mode == 7 then return ser(lib.gsub(s, p, "%%%0", init))
                else return ser(lib.find(s, p, init, true)) end
              end)
              if ok then return "ok " .. r end
              return "error"
            end
            function compare(s, p, init, mode) return run(string, s, p, init, mode), run(ours, s, p, init, mode) end
            """#
    }

    /// A pattern from a small grammar: classes, sets, quantifiers (few, so Lua's own matcher
    /// finishes), captures, back references, `%b`, `%f`, anchors, and now and then a malformed end.
    static func pattern(_ random: inout Xorshift) -> String {
        let atoms = ["a", "b", ".", "%a", "%d", "%s", "%W", "[ab]", "[^a]", "[a-c1]", "[%d(]", "[]a]", "[^]]", "(", "%(", "%%", " ", "1", "x"]
        let specials = ["%b()", "%bab", "%f[%a]", "%f[^%w]", "%1", "%2", "()", "(", ")", "$", "^"]
        let malformed = ["%", "[a", "[", "%b(", "%f", "%fa", "(()", ")", "%9", "[%"]
        var pattern = random.int(below: 4) == 0 ? "^" : ""
        var quantifiers = 0
        for _ in 0..<random.int(below: 7) {
            if random.int(below: 4) == 0 {
                pattern += specials[random.int(below: specials.count)]
            } else {
                pattern += atoms[random.int(below: atoms.count)]
                if quantifiers < 3, random.int(below: 2) == 0 {
                    pattern += ["*", "+", "-", "?"][random.int(below: 4)]
                    quantifiers += 1
                }
            }
        }
        if random.int(below: 6) == 0 { pattern += "$" }
        if random.int(below: 12) == 0 { pattern += malformed[random.int(below: malformed.count)] }
        return pattern
    }

    static func subject(_ random: inout Xorshift) -> String {
        let alphabet = Array("aab(1) xb]%")
        return String((0..<random.int(below: 17)).map { _ in alphabet[random.int(below: alphabet.count)] })
    }

    @Test func ourMatcherAgreesWithLuasOnGeneratedPatterns() async throws {
        await propertyCheck(count: 60, input: Gen.uint64(in: 1...UInt64.max)) { seed in
            do {
                let lua = try PlainLua()
                var random = Xorshift(seed: seed)
                for _ in 0..<150 {
                    let subject = Self.subject(&random), pattern = Self.pattern(&random)
                    let initial = random.int(below: 22) - 4, mode = 1 + random.int(below: 8)
                    let (theirs, ours) = lua.compare(subject, pattern, initial, mode)
                    #expect(theirs == ours, "seed \(seed): mode \(mode) subject \"\(subject)\" pattern \"\(pattern)\" init \(initial)")
                }
            } catch {
                Issue.record("seed \(seed): \(error)")
            }
        }
    }

    @Test func handPickedCasesAgree() throws {
        let lua = try PlainLua()
        let cases: [(String, String)] = [
            ("hello world", "(o)(r)"), ("  trim  ", "^%s*(.-)%s*$"), ("THE (quick) fox", "%f[%a]%a+"), ("x = (a(b)c) y", "%b()"),
            ("abcabc", "(abc)%1"), ("key=value", "(%w+)=(%w+)"), ("", ".-"), ("aaa", "a-"), ("aaa", "()a()"), ("a.b", "%."),
            ("[x]", "[]x[]+"), ("a]b", "[^]]+"), ("hello", ""), ("hello", "l*"), ("abc", "$"), ("a\0b", "%z"), ("a\0b", "[\0]"),
            ("2024-01-31", "^(%d%d%d%d)-(%d%d)-(%d%d)$"), ("THE END", "%u+$"), ("x", "%"), ("x", "[x"), ("x", "(x"), ("x", "x)"),
        ]
        for (subject, pattern) in cases {
            for mode in 1...8 {
                for initial in [1, -2, 0, 4] {
                    let (theirs, ours) = lua.compare(subject, pattern, initial, mode)
                    #expect(theirs == ours, "mode \(mode) subject \"\(subject)\" pattern \"\(pattern)\" init \(initial)")
                }
            }
        }
    }

    @Test(.timeLimit(.minutes(1)), arguments: [
        // Each ran for minutes to hours in Lua's matcher, out of the count hook's reach.
        #"string.find(string.rep("a", 1e5), "a-b")"#,                        // one '-' (the old guard let it through)
        #"string.find(string.rep("a", 1e5), ".-.-.-b")"#,
        #"string.find(string.rep("a", 5e4) .. "b", "(.-)%1%1c")"#,
        #"string.find(string.rep("(", 1e5), "%b()")"#,                       // '%b' (the old guard let it through)
        #"string.find(string.rep("(", 5e4), "%b()%b()")"#,
        #"string.match(string.rep("a", 1e5), "a-a-a-b")"#,
        #"string.match(string.rep("a", 3000) .. "b", "^a-a-a-$")"#,
        #"string.find(string.rep("a", 1e5), "%f[%a]a-a-b")"#,
        #"string.match(string.rep("a", 1e5), "(a*)(a*)(a*)b")"#,
        #"for _ in string.gmatch(string.rep("a", 1e5), "a-a-b") do end"#,
        #"string.gsub(string.rep("a", 1e5), ".-.-b", function(s) return s end)"#,
        #"string.gsub(string.rep("a", 1e5), "a-a-b", "%0%0")"#,
        #"string.find(string.rep("a", 2e5), string.rep("a", 1e5) .. "b", 1, true)"#,   // the plain search is quadratic too
        #"local s = string.rep("a", 1e5) return s:find(s:sub(1, 5e4) .. "b")"#,
    ])
    func adversarialPatternsEndWithTheBudgetError(source: String) throws {
        let lua = try LuaState(limits: LuaLimits(instructionBudget: 5_000_000, memoryLimitBytes: 64 << 20))
        let error = try #require(throws: LuaError.self) { try lua.run(string: source, chunkName: "plugins/pattern.lua") }
        #expect(error.kind == .timeBudget, "\(error)")
        #expect(error.description.hasPrefix("plugins/pattern.lua:1:"), "\(error)")
        #expect(try lua.run(string: #"return ("a,b"):match("(%a),(%a)")"#, chunkName: "after") == [.string("a"), .string("b")])
    }

    @Test func pcallCannotSwallowTheMatchersBudgetError() throws {
        let lua = try LuaState(limits: LuaLimits(instructionBudget: 5_000_000))
        let error = try #require(throws: LuaError.self) {
            try lua.run(string: #"""
                local s = string.rep("a", 1e5)
                while true do pcall(string.find, s, ".-.-b") end
                """#, chunkName: "plugins/pattern.lua")
        }
        #expect(error.kind == .timeBudget)
    }
}

/// A small deterministic generator (xorshift64*), seeded by the property test.
struct Xorshift {
    private var state: UInt64

    init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }

    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }

    mutating func int(below bound: Int) -> Int { bound <= 1 ? 0 : Int(next() % UInt64(bound)) }
}
