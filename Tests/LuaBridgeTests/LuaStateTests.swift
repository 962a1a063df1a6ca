import Testing
@testable import LuaBridge

@Suite struct LuaStateTests {
    @Test func swiftClosureCalledFromLuaWithArgumentsAndResults() throws {
        let lua = try LuaState()
        var seen: [[LuaValue]] = []
        lua.register("describe", in: "clientimport") { arguments in
            seen.append(arguments)
            let name = arguments.first?.stringValue ?? "?"
            return [.string("client " + name), .integer(Int64(arguments.count)), .table(LuaTable(fields: [.string("ok"): .bool(true)]))]
        }
        lua.set("api_version", in: "clientimport", to: .integer(1))
        let results = try lua.run(string: """
            local text, count, extra = clientimport.describe("Ada", 7, {1, 2})
            return text, count, extra.ok, clientimport.api_version
            """, chunkName: "closure.lua")
        #expect(results == [.string("client Ada"), .integer(3), .bool(true), .integer(1)])
        #expect(seen == [[.string("Ada"), .integer(7), .table(LuaTable(array: [.integer(1), .integer(2)]))]])
    }

    @Test func swiftErrorsBecomeLuaErrorsThatPcallCatches() throws {
        struct Refusal: Error, CustomStringConvertible { var description: String { "phone is not valid" } }
        let lua = try LuaState()
        lua.register("check", in: "clientimport") { _ in throw Refusal() }
        let caught = try lua.run(string: """
            local ok, message = pcall(function() local r = clientimport.check("x") return r end)
            local direct_ok, direct_message = pcall(clientimport.check, "x")
            return ok, message, direct_ok, direct_message
            """, chunkName: "rules/caught.lua")
        // Called directly by pcall (a C function) there is no Lua line to name.
        #expect(caught == [.bool(false), .string("rules/caught.lua:1: phone is not valid"), .bool(false), .string("phone is not valid")])

        let error = try #require(throws: LuaError.self) {
            try lua.run(string: "local x = 1\nclientimport.check()\nreturn x", chunkName: "rules/uncaught.lua")
        }
        #expect(error.kind == .runtime)
        #expect(error.chunk == "rules/uncaught.lua")
        #expect(error.line == 2)
        #expect(error.message == "phone is not valid")
        #expect(error.description == "rules/uncaught.lua:2: phone is not valid")
    }

    @Test func closuresCanCallBackIntoLua() throws {
        let lua = try LuaState()
        lua.register("apply", in: "host") { [unowned lua] arguments in
            guard let function = arguments.first?.functionValue else { return [] }
            defer { lua.release(function) }
            return try lua.call(function, Array(arguments.dropFirst()))
        }
        #expect(try lua.run(string: "return host.apply(function(a, b) return a * b end, 6, 7)", chunkName: "nested") == [.integer(42)])
        let error = try #require(throws: LuaError.self) {
            try lua.run(string: "return host.apply(function() error('inner failure') end)", chunkName: "nested.lua")
        }
        #expect(error.message.contains("inner failure"))
    }

    @Test func closuresWorkInsideCoroutinesAndAsGlobals() throws {
        let lua = try LuaState()
        lua.register("double", in: "") { arguments in [.integer((arguments.first?.intValue ?? 0) * 2)] }
        let results = try lua.run(string: """
            local co = coroutine.wrap(function(x) local y = double(x) coroutine.yield(y) return double(y) end)
            return co(5), co()
            """, chunkName: "co.lua")
        #expect(results == [.integer(10), .integer(20)])
    }

    @Test func setAddsNamespaceValuesAndRefusesForeignFunctions() throws {
        let lua = try LuaState()
        let other = try LuaState()
        let foreign = try #require(try other.run(string: "return function() end", chunkName: "f").first?.functionValue)
        lua.set("api_version", in: "clientimport", to: .integer(1))
        lua.set("handler", in: "clientimport", to: .function(foreign))
        lua.set("limits", in: "clientimport", to: .table(LuaTable(fields: [.string("rows"): .integer(5000)])))
        #expect(try lua.run(string: "return clientimport.api_version, clientimport.handler, clientimport.limits.rows", chunkName: "s")
            == [.integer(1), .nil, .integer(5000)])
    }

    @Test func syntaxErrorNamesTheLine() throws {
        let lua = try LuaState()
        let error = try #require(throws: LuaError.self) {
            try lua.run(string: "local a = 1\nlocal b = = 2\nreturn a", chunkName: "rules/broken.lua")
        }
        #expect(error.kind == .syntax)
        #expect(error.chunk == "rules/broken.lua")
        #expect(error.line == 2)
        #expect(error.message.contains("unexpected symbol"))
    }

    @Test func runtimeErrorCarriesATraceback() throws {
        let lua = try LuaState()
        let error = try #require(throws: LuaError.self) {
            try lua.run(string: """
                local function inner(t) local v = t.missing.field return v end
                local function outer() local v = inner({}) return v end
                local v = outer()
                return v
                """, chunkName: "rules/runtime.lua")
        }
        #expect(error.kind == .runtime)
        #expect(error.chunk == "rules/runtime.lua")
        #expect(error.line == 1)
        #expect(error.message.contains("attempt to index a nil value (field 'missing')"))
        let traceback = try #require(error.traceback)
        #expect(traceback.hasPrefix("stack traceback:"))
        #expect(traceback.contains("rules/runtime.lua:2: in"))
        #expect(traceback.contains("inner"))
    }

    @Test func errorWithoutLocationAndNonStringErrors() throws {
        let lua = try LuaState()
        let plain = try #require(throws: LuaError.self) { try lua.run(string: "error('bare', 0)", chunkName: "x") }
        #expect(plain.chunk == nil && plain.line == nil && plain.message == "bare")
        let table = try #require(throws: LuaError.self) { try lua.run(string: "error({code = 1})", chunkName: "x") }
        #expect(table.message == "(error object is a table value)")
    }

    @Test func runFileLoadsTextAndReportsMissingFiles() throws {
        let directory = try TemporaryDirectory()
        try directory.write("rules/ok.lua", "return { name = 'ok', n = 3 }")
        try directory.write("rules/bad.lua", "return {\n  name = \n")
        let lua = try LuaState()
        let ok = try lua.run(file: directory.path + "/rules/ok.lua")
        #expect(ok.first?["name"] == .string("ok"))

        let bad = try #require(throws: LuaError.self) { try lua.run(file: directory.path + "/rules/bad.lua") }
        #expect(bad.kind == .syntax)
        #expect(bad.chunk == directory.path + "/rules/bad.lua")
        #expect(bad.line == 3)

        let missing = try #require(throws: LuaError.self) { try lua.run(file: directory.path + "/nope.lua") }
        #expect(missing.kind == .notFound)
        #expect(missing.chunk == directory.path + "/nope.lua")
    }

    @Test func printGoesToTheHandler() throws {
        let lua = try LuaState()
        _ = try lua.run(string: "print('discarded')", chunkName: "p")
        var lines: [String] = []
        lua.printHandler = { lines.append($0) }
        _ = try lua.run(string: "print('a', 1, nil, true, 2.5)", chunkName: "p")
        #expect(lines == ["a\t1\tnil\ttrue\t2.5"])
    }

    @Test func printWithoutArgumentsWritesAnEmptyLine() throws {
        let lua = try LuaState()
        var lines: [String] = []
        lua.printHandler = { lines.append($0) }
        _ = try lua.run(string: "print() print('after')", chunkName: "p")
        #expect(lines == ["", "after"])
    }

    @Test func deinitFreesTheState() throws {
        var lua: LuaState? = try LuaState()
        let baseline = lua!.memoryInUseBytes
        #expect(baseline > 0 && baseline < 1 << 20)
        _ = try lua!.run(string: "local t = {} for i = 1, 100000 do t[i] = 'x' .. i end return #t", chunkName: "fill")
        lua!.register("f", in: "ns") { _ in [] }
        lua = nil
        let fresh = try LuaState()
        #expect(fresh.memoryInUseBytes < 1 << 20)
    }
}
