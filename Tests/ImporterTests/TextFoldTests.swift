@testable import Importer
import LuaBridge
import TestSupport
import Testing

/// Swift's header fold gives every pair of the table Lua's `text.fold` is tested on
/// (`rules/lib/tests/fold_cases.lua`), so a header that matches in a plugin's `detect` matches in
/// the host too.
@Suite struct TextFoldTests {
    static func cases() throws -> [(input: String, folded: String)] {
        let lua = try LuaState(modulePaths: ["\(repositoryRoot)/rules"])
        let table = try #require(try lua.run(file: "\(repositoryRoot)/rules/lib/tests/fold_cases.lua").first?.tableValue)
        return try table.array.map { pair in
            let pair = try #require(pair.tableValue)
            return (try #require(pair[1].stringValue), try #require(pair[2].stringValue))
        }
    }

    @Test func swiftFoldsAsTheSharedTableSays() throws {
        let cases = try Self.cases()
        try #require(cases.count >= 20)
        for (input, folded) in cases {
            #expect(foldedHeader(input) == folded, "\(input.debugDescription)")
        }
    }

    @Test func luaFoldsAsTheSharedTableSays() throws {
        let lua = try LuaState(modulePaths: ["\(repositoryRoot)/rules"])
        try RuleEngine.prepare(lua)
        let fold = try #require(try lua.run(string: "return require('lib.text').fold", chunkName: "=test").first?.functionValue)
        for (input, folded) in try Self.cases() {
            let result = try lua.call(fold, [.string(input)])
            #expect(result.first?.stringValue == folded, "\(input.debugDescription)")
        }
    }
}
