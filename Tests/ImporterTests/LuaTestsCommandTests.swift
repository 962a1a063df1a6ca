import Foundation
import Importer
import TestSupport
import Testing

/// `clientimport rules test [PATH]` runs `*_test.lua` files in the real sandbox: the helpers' own
/// tests and a plugin author's, without `swift test`.
@Suite struct LuaTestsCommandTests {
    @Test func theBuiltInHelperTestsAllPass() throws {
        let result = try runProcess(clientimportBinary(), ["rules", "test", "\(repositoryRoot)/rules/lib/tests"])
        #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
        let summary = try #require(result.standardOutput.split(separator: "\n").last)
        #expect(summary.hasSuffix("0 failed (\(LuaLibraryTests.files.count) files)"), "\(summary)")
        #expect(result.standardOutput.contains("ok   \(repositoryRoot)/rules/lib/tests/text_test.lua: fold_matches_the_shared_table"))
    }

    @Test func anAuthorsTestOfItsOwnHelperRunsInTheSandboxAndAFailureIsNamed() throws {
        let folder = try TemporaryDirectory()
        try folder.write("plugins/shoplib.lua", """
            local shoplib = {}
            function shoplib.card(s) return (s:gsub("%D", "")) end
            return shoplib
            """)
        let file = try folder.write("plugins/tests/shoplib_test.lua", """
            local shoplib = require("shoplib")
            local check = require("lib.tests.check")
            return {
              digits_only = function() check.equal(shoplib.card("C-12 34"), "1234") end,
              wrong_on_purpose = function() check.equal(shoplib.card("7"), "8") end,
              no_io_in_the_sandbox = function() check.equal(io, nil) end,
            }
            """)
        // A test file is not a plugin: `plugins list` leaves it out.
        try folder.write("plugins/other_test.lua", "return { passes = function() end }")
        let environment = ["CLIENTIMPORT_PATH": folder.path]
        let one = try runProcess(clientimportBinary(), ["rules", "test", file], environment: environment)
        #expect(one.status == 1, "\(one.standardError)")
        #expect(one.standardOutput.contains("ok   \(file): digits_only"))
        #expect(one.standardOutput.contains("ok   \(file): no_io_in_the_sandbox"))
        #expect(one.standardOutput.contains("FAIL \(file): wrong_on_purpose: "), "\(one.standardOutput)")
        // Lua shortens a long path in its messages ("...tests/shoplib_test.lua:5"); the line is what matters.
        #expect(one.standardOutput.contains("shoplib_test.lua:5: expected \"8\", got \"7\""), "\(one.standardOutput)")
        #expect(one.standardOutput.contains("2 passed, 1 failed (1 files)"))

        // Without PATH: the search path's rules/ and plugins/, the user's root and the built-in one.
        let all = try runProcess(clientimportBinary(), ["rules", "test"], environment: environment)
        #expect(all.status == 1)
        #expect(all.standardOutput.contains("\(folder.path)/plugins/other_test.lua: passes"))
        #expect(all.standardOutput.contains("rules/lib/tests/money_test.lua: percentages"))

        let list = try runProcess(clientimportBinary(), ["plugins", "list"], environment: environment)
        #expect(!list.standardOutput.contains("other_test"))
    }

    @Test func aFileThatDoesNotLoadOrReturnsNoTestsFails() throws {
        let folder = try TemporaryDirectory()
        let broken = try folder.write("broken_test.lua", "return {\n  oops = function() end\n")
        let empty = try folder.write("empty_test.lua", "return {}")
        let results = LuaTests.run(file: broken, searchPath: SearchPath(roots: [repositoryRoot]))
        #expect(results.count == 1)
        #expect(results.first?.failure?.contains("broken_test.lua:") == true, "\(results)")
        let none = LuaTests.run(file: empty, searchPath: SearchPath(roots: [repositoryRoot]))
        #expect(none.first?.failure?.contains("no test functions") == true)
        let missing = try runProcess(clientimportBinary(), ["rules", "test", folder.file("nosuch")])
        #expect(missing.status == 64)
        #expect(missing.standardError.contains("no such file or folder"))
        let nothing = try TemporaryDirectory()
        let noFiles = try runProcess(clientimportBinary(), ["rules", "test", nothing.path])
        #expect(noFiles.status == 64)
        #expect(noFiles.standardError.contains("no *_test.lua file"))
    }
}
