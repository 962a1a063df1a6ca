import Foundation
import TestSupport
import Testing

/// Plugins from the internet that try to escape the sandbox or stall the import, run through the
/// real CLI: each must stop with exit 78, a message naming the plugin file and line, and nothing
/// imported.
@Suite struct HostileScriptTests {
    let folder: TemporaryDirectory
    let source: String

    init() throws {
        folder = try TemporaryDirectory()
        source = try folder.write("export.csv", "Full name,Phone\nJean Dupont,0612345678\nMarie Curie,0698765432\n")
    }

    /// A plugin whose `map` runs `body` (at line 3 of the file) before mapping the row.
    func plugin(_ name: String, map body: String, top: String = "") throws -> String {
        try folder.write("\(name).lua", """
            local evil = "\(name)"
            \(top.isEmpty ? "-- top" : top)
            local function attack(row) \(body) end
            return {
              name = evil, title = "hostile",
              map = function(row, ctx) attack(row) return { name = row["Full name"], phone = row["Phone"] } end,
            }
            """)
    }

    func expectStopped(_ pluginPath: String, line: Int, mentioning fragment: String,
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        let database = folder.file("clients.sqlite")
        let result = try runProcess(clientimportBinary(), ["import", source, "--plugin", pluginPath, "--db", database],
                                    currentDirectory: folder.path)
        #expect(result.status == 78, "\(result.standardError)", sourceLocation: sourceLocation)
        let name = (pluginPath as NSString).lastPathComponent
        #expect(result.standardError.contains("\(name):\(line):"), "\(result.standardError)", sourceLocation: sourceLocation)
        #expect(result.standardError.contains(fragment), "\(result.standardError)", sourceLocation: sourceLocation)
        let clients = try runProcess(clientimportBinary(), ["clients", "list", "--db", database], currentDirectory: folder.path)
        #expect(!clients.standardOutput.contains("Jean"), sourceLocation: sourceLocation)
    }

    @Test func changingTheStringLibraryForTheRuleSetIsStopped() throws {
        try expectStopped(plugin("strings", map: "string.lower = function(s) return s end"), line: 3, mentioning: "read-only")
        try expectStopped(plugin("stringtop", map: "", top: "string.match = function() return 'ok' end"), line: 2, mentioning: "read-only")
        try expectStopped(plugin("metatable", map: "getmetatable('').__index.rep = nil"), line: 3, mentioning: "attempt to index")
        try expectStopped(plugin("global", map: "", top: "tostring = function() return '' end"), line: 2, mentioning: "cannot be assigned")
    }

    @Test func bytecodeIsStopped() throws {
        try expectStopped(plugin("bytecode", map: #"assert(load("\27Lua\84\0\25\147\13\10\26\10"))()"#), line: 3, mentioning: "binary (precompiled) chunks")
    }

    @Test func collectgarbageAbuseIsStopped() throws {
        try expectStopped(plugin("gc", map: "collectgarbage('stop')"), line: 3, mentioning: "not allowed in the sandbox")
        try expectStopped(plugin("gcloop", map: "while true do collectgarbage() end"), line: 3, mentioning: "time budget")
    }

    @Test func coroutineThatNeverEndsIsStopped() throws {
        try expectStopped(plugin("coroutine", map: "local co = coroutine.wrap(function() while true do coroutine.yield() end end) while true do co() end"),
                          line: 3, mentioning: "time budget")
    }

    @Test func catastrophicPatternIsStopped() throws {
        try expectStopped(plugin("pattern", map: #"string.find(string.rep("a", 1e5), ".-.-.-.-.-b")"#), line: 3, mentioning: "time budget")
    }

    @Test func giganticStringIsStopped() throws {
        try expectStopped(plugin("rep", map: "local s = string.rep('x', 1 << 40)"), line: 3, mentioning: "memory limit")
        try expectStopped(plugin("grow", map: "local t = {} for i = 1, 1e9 do t[i] = ('x'):rep(1000) .. i end"), line: 3, mentioning: "memory limit")
    }
}
