// libFuzzer target: Lua scripts built from the input by a small grammar (Tests/TestSupport/
// LuaSnippets.swift: libraries, patterns, metatables, coroutines, finalizers, to-be-closed
// variables) run in a fresh sandboxed LuaState with small limits, and their results copied to
// Swift. A Lua error is a fine outcome; a crash, a hang (-timeout) or an ASan report is a bug.
// Set CLIENTIMPORT_ROOT to the checkout (for `require("lib.text")`).
#if canImport(Glibc)
import Glibc
#endif

private let root = getenv("CLIENTIMPORT_ROOT").map { String(cString: $0) } ?? "."
private let limits = LuaLimits(instructionBudget: 300_000, memoryLimitBytes: 8 << 20,
                               maximumCopyDepth: 20, maximumCopyElements: 10_000, maximumCopyBytes: 1 << 20)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLua(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let source = LuaSnippets.script(Array(UnsafeBufferPointer(start: data, count: size)))
    do {
        let lua = try LuaState(limits: limits, modulePaths: [root + "/rules"])
        _ = try? lua.run(string: source, chunkName: "fuzz.lua")
        // The state must still work after whatever the script did.
        guard try lua.run(string: "return ('Ab'):lower() .. #string.rep('x', 3)", chunkName: "after") == [.string("ab3")] else {
            fputs("the state changed for the next script:\n\(source)\n", stderr)
            abort()
        }
    } catch {
        fputs("\(error)\n\(source)\n", stderr)
        abort()
    }
    return 0
}
