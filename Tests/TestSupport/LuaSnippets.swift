/// Lua source built from arbitrary bytes by a small grammar, for the `lua` and `luavalue` fuzz
/// targets (scripts/fuzz.sh compiles this file into them) and for the regression tests that
/// replay their corpus (`Fuzz/Corpus/lua`, `Fuzz/Corpus/luavalue`).
///
/// Every byte string makes valid Lua text; what it does may fail (a Lua error is a fine outcome),
/// but no input may crash, hang or escape the sandbox's limits.
public struct LuaSnippets {
    private var bytes: [UInt8]
    private var position = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    private mutating func byte() -> Int {
        guard position < bytes.count else { return 0 }
        defer { position += 1 }
        return Int(bytes[position])
    }

    private var exhausted: Bool { position >= bytes.count }

    /// A slot of the script's four variables.
    private mutating func slot() -> String { "V[\(1 + byte() % 4)]" }

    private mutating func number() -> String {
        let edges = ["0", "1", "-1", "2", "3", "7", "10", "100", "1000", "1e5", "2^31", "2^53", "1e15", "math.maxinteger",
                     "math.mininteger", "-1e15", "0.5", "(1/0)", "(-1/0)", "2^63", "255", "65535", "0x10FFFF"]
        return edges[byte() % edges.count]
    }

    /// A string literal of up to 15 bytes, every byte escaped.
    private mutating func text() -> String {
        let length = byte() % 16
        return "\"" + (0..<length).map { _ in "\\\(byte())" }.joined() + "\""
    }

    /// A pattern: mostly pattern syntax, so the matcher's paths are reached.
    private mutating func pattern() -> String {
        let pieces = ["a", ".", "%a", "%d", "%s", "-", "*", "+", "?", "[a-z]", "[^%s]", "(", ")", "()", "%1", "%b()",
                      "%f[%w]", "^", "$", "%", "[", "]", "x", "%z", ".-", "(.-)", "a*", "%2"]
        let count = byte() % 10
        return "\"" + (0..<count).map { _ in pieces[byte() % pieces.count] }.joined() + "\""
    }

    private mutating func replacement() -> String {
        switch byte() % 5 {
        case 0: return "\"%0-%1\""
        case 1: return "function(...) return select('#', ...) .. (...) end"
        case 2: return "{ a = 1, b = false }"
        case 3: return text()
        default: return "function(s) return string.gsub(s, '.', '%0%0') end"
        }
    }

    /// A value expression: literals, the variables, tables sharing or containing each other.
    private mutating func expression(_ depth: Int = 0) -> String {
        switch depth > 3 ? byte() % 4 : byte() % 10 {
        case 0: return number()
        case 1: return text()
        case 2: return slot()
        case 3: return byte() % 2 == 0 ? "true" : "nil"
        case 4: return "{ \(expression(depth + 1)), \(expression(depth + 1)), k = \(expression(depth + 1)) }"
        case 5: return "setmetatable({}, { __index = \(expression(depth + 1)) })"
        case 6: return "tostring(\(expression(depth + 1)))"
        case 7: return "(function() local t = { \(expression(depth + 1)) } t.self = t return t end)()"
        case 8: return "string.rep(\(text()), \(number()))"
        default: return "{ [\(expression(depth + 1))] = \(expression(depth + 1)) }"
        }
    }

    private mutating func statement() -> String {
        let s = slot(), t = slot()
        switch byte() % 34 {
        case 0: return "\(s) = \(expression())"
        case 1: return "pcall(string.find, tostring(\(s)), \(pattern()), \(number()))"
        case 2: return "pcall(string.match, tostring(\(s)), \(pattern()))"
        case 3: return "pcall(function() for a, b in string.gmatch(tostring(\(s)), \(pattern())) do \(t) = a end end)"
        case 4: return "pcall(string.gsub, tostring(\(s)), \(pattern()), \(replacement()), \(number()))"
        case 5: return "pcall(string.rep, \(text()), \(number()), \(text()))"
        case 6: return "pcall(table.concat, \(s), \(text()), \(number()), \(number()))"
        case 7: return "pcall(table.insert, \(s), \(expression()))"
        case 8: return "pcall(table.insert, \(s), \(number()), \(expression()))"
        case 9: return "pcall(table.remove, \(s), \(number()))"
        case 10: return "pcall(table.sort, \(s), function(a, b) return tostring(a) < tostring(b) end)"
        case 11: return "pcall(table.move, \(s), \(number()), \(number()), \(number()), \(t))"
        case 12: return "pcall(table.unpack, \(s), 1, \(number()))"
        case 13: return "for k, v in pairs(\(["string", "table", "math", "utf8", "coroutine", "os", s][byte() % 7])) do \(t) = v end"
        case 14: return "pcall(function() \(s).x = \(expression()) end)"
        case 15: return "pcall(rawset, \(s), \(text()), \(expression()))"
        case 16: return "pcall(setmetatable, \(s), { __gc = function() while true do end end })"
        case 17: return "pcall(setmetatable, \(s), { __index = function(t, k) return \(t) end, __len = function() return \(number()) end })"
        case 18: return "\(s) = coroutine.create(function() local c <close> = setmetatable({}, { __close = function() \(t) = \(expression()) end }) coroutine.yield(\(expression())) end)"
        case 19: return "pcall(coroutine.resume, \(s))"
        case 20: return "pcall(coroutine.close, \(s))"
        case 21: return "pcall(coroutine.wrap(function() \(t) = \(expression()) error(\(text())) end))"
        case 22: return "pcall(string.format, \"%q %s %d\", \(s), \(t), \(number()))"
        case 23: return "pcall(load, \(text()), \"=fuzz\", \"t\", { x = \(s) })"
        case 24: return "pcall(utf8.char, \(number()), \(number()))"
        case 25: return "pcall(string.pack, \(text()), \(number()), \(number()))"
        case 26: return "pcall(string.byte, tostring(\(s)), 1, \(number()))"
        case 27: return "for i = 1, math.min(tonumber(\(number())) or 0, 2^31) do \(s) = i end"
        case 28: return "\(s) = pcall(require, \"lib.text\") and require(\"lib.text\") or \(s)"
        case 29: return "pcall(function() local d <close> = setmetatable({}, { __close = function() \(s) = \(expression()) end }) error(\(text())) end)"
        case 30: return "pcall(collectgarbage, \(["\"collect\"", "\"step\"", "\"count\"", "\"stop\""][byte() % 4]))"
        case 31: return "pcall(tostring, setmetatable({}, { __tostring = function(x) return tostring(x) end }))"
        case 32: return "pcall(next, \(s), \(expression()))"
        default: return "pcall(utf8.len, tostring(\(s)), \(number()), \(number()))"
        }
    }

    /// A script of up to 24 statements over four variables, returning them.
    public static func script(_ bytes: [UInt8]) -> String {
        var builder = LuaSnippets(bytes)
        var lines = ["local V = {}"]
        while !builder.exhausted && lines.count < 25 { lines.append(builder.statement()) }
        lines.append("return V[1], V[2], V[3], V[4]")
        return lines.joined(separator: "\n")
    }

    /// A script that builds one value (shared and cyclic tables, deep nesting, odd keys) and
    /// returns it, for the Lua → Swift copy.
    public static func value(_ bytes: [UInt8]) -> String {
        var builder = LuaSnippets(bytes)
        var lines = ["local V = {}"]
        while !builder.exhausted && lines.count < 12 {
            switch builder.byte() % 4 {
            case 0: lines.append("\(builder.slot()) = \(builder.expression())")
            case 1: lines.append("local t = {} for i = 1, \(1 + builder.byte() * 40) do t[i] = \(builder.slot()) end \(builder.slot()) = t")
            case 2: lines.append("local t = {} for i = 1, \(1 + builder.byte()) do t = { t, \(builder.slot()) } end \(builder.slot()) = t")
            default: lines.append("\(builder.slot()) = { [\(builder.number())] = \(builder.slot()), [\(builder.text())] = \(builder.slot()) }")
            }
        }
        lines.append("return V[1], V[2], V[3], V[4]")
        return lines.joined(separator: "\n")
    }
}
