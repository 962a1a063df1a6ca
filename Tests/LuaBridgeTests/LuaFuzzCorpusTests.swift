import Foundation
import TestSupport
import Testing
@testable import LuaBridge

/// Replays the `lua` and `luavalue` fuzz corpora (`Fuzz/Corpus/lua`, `Fuzz/Corpus/luavalue`: the
/// seeds and every input a fuzzer once crashed or hung on, kept after the fix) through the same
/// grammar and limits as the targets in `Fuzz/Targets/`: each ends, and the state still works.
@Suite struct LuaFuzzCorpusTests {
    private func inputs(_ target: String) throws -> [(String, [UInt8])] {
        let folder = "\(repositoryRoot)/Fuzz/Corpus/\(target)"
        return try FileManager.default.contentsOfDirectory(atPath: folder).sorted().map { name in
            (name, Array(try Data(contentsOf: URL(fileURLWithPath: "\(folder)/\(name)"))))
        }
    }

    @Test(.timeLimit(.minutes(2))) func luaCorpusRunsWithinTheLimits() throws {
        let limits = LuaLimits(instructionBudget: 300_000, memoryLimitBytes: 8 << 20,
                               maximumCopyDepth: 20, maximumCopyElements: 10_000, maximumCopyBytes: 1 << 20)
        let corpus = try inputs("lua")
        #expect(!corpus.isEmpty)
        for (name, bytes) in corpus {
            let lua = try LuaState(limits: limits, modulePaths: ["\(repositoryRoot)/rules"])
            _ = try? lua.run(string: LuaSnippets.script(bytes), chunkName: "fuzz.lua")
            #expect(try lua.run(string: "return ('Ab'):lower() .. #string.rep('x', 3)", chunkName: "after") == [.string("ab3")], "\(name)")
        }
    }

    @Test(.timeLimit(.minutes(2))) func luaValueCorpusCopiesOrRefuses() throws {
        let limits = LuaLimits(instructionBudget: 2_000_000, memoryLimitBytes: 16 << 20,
                               maximumCopyDepth: 30, maximumCopyElements: 20_000, maximumCopyBytes: 1 << 20)
        let lua = try LuaState(limits: limits)
        let echo = try #require(try lua.run(string: "return function(...) return ... end", chunkName: "echo").first?.functionValue)
        let corpus = try inputs("luavalue")
        #expect(!corpus.isEmpty)
        for (name, bytes) in corpus {
            guard let values = try? lua.run(string: LuaSnippets.value(bytes), chunkName: "value.lua") else { continue }
            do {
                #expect(try lua.call(echo, values) == values, "\(name)")
            } catch let error as LuaError {
                #expect(error.message.contains("cannot copy") || error.kind != .runtime, "\(name): \(error)")
            }
        }
    }
}
