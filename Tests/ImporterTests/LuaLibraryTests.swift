import Foundation
@testable import Importer
import LuaBridge
import TestSupport
import Testing

/// Runs the Lua unit tests of `rules/lib/tests/*_test.lua` in the same sandbox rules run in.
@Suite struct LuaLibraryTests {
    static let files: [String] = {
        let folder = "\(repositoryRoot)/rules/lib/tests"
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .filter { $0.hasSuffix("_test.lua") }.sorted()
    }()

    @Test func thereAreLuaTests() {
        #expect(Self.files.count >= 3)
    }

    @Test(arguments: files)
    func luaTestFilePasses(_ file: String) throws {
        let lua = try LuaState(modulePaths: ["\(repositoryRoot)/rules"])
        try RuleEngine.prepare(lua)
        let tests = try #require(try lua.run(file: "\(repositoryRoot)/rules/lib/tests/\(file)").first?.tableValue)
        #expect(!tests.fields.isEmpty)
        for (name, test) in tests.fields {
            let function = try #require(test.functionValue)
            do {
                _ = try lua.call(function, [])
            } catch let error as LuaError {
                Issue.record("\(file) \(name): \(error.description)")
            }
        }
    }
}
