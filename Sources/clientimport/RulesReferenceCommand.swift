import ArgumentParser
import Foundation
import Importer
import Workbook

extension RulesCommand {
    /// Renders the Lua API registry (`LuaAPIReference`) as `docs/lua-api.md` or as the LuaLS stub.
    struct Reference: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the reference of the Lua API for rule sets and plugins (Markdown), or its LuaLS stub.",
            discussion: """
                Regenerate the committed copies with `\(LuaAPIReference.markdownCommand)` and \
                `\(LuaAPIReference.luaLSCommand)`.
                """)

        @Flag(help: "Render the LuaLS stub (rules/types/clientimport.lua) instead of the Markdown reference.")
        var luals = false

        @Option(name: .shortAndLong, help: ArgumentHelp("Write to this file instead of standard output.", valueName: "FILE"))
        var output: String?

        func run() throws {
            let text = luals ? LuaAPIReference.luaLSStub() : LuaAPIReference.markdown()
            guard let output else {
                print(text, terminator: "")
                return
            }
            try reportingFailures { try AtomicFile.write(text.utf8, to: output) }
        }
    }
}
