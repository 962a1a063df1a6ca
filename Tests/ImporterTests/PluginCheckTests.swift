import Foundation
import Importer
import TestSupport
import Testing

/// `plugins test` checks a plugin against its sample in a scratch base: prepared with what the
/// sample needs, or with the user's base's settings (`--db`, `$CLIENTIMPORT_DB`), and removed
/// afterwards.
@Suite struct PluginCheckTests {
    /// A root holding a plugin whose sample names a custom field, a marketing source and a price type.
    static func root() throws -> TemporaryDirectory {
        let folder = try TemporaryDirectory()
        try folder.write("plugins/shop.lua", """
            return {
              name = "shop",
              detect = function(headers) return headers[1] == "Client" and 1 or 0 end,
              map = function(row)
                return { name = row["Client"], marketing_source = row["Source"], price_type_sales = row["Price"],
                         custom = { Device = row["Device"] } }
              end,
            }
            """)
        try folder.write("examples/shop.csv", "Client,Source,Price,Device\nJean,Flyer,Retail,iPhone\nMarie,Flyer,Retail,Pixel\n")
        return folder
    }

    func run(_ arguments: [String], root: TemporaryDirectory, temporary: TemporaryDirectory, environment: [String: String] = [:]) throws -> ProcessResult {
        var environment = environment
        environment["CLIENTIMPORT_PATH"] = root.path
        environment["TMPDIR"] = temporary.path
        if environment["CLIENTIMPORT_DB"] == nil { environment["CLIENTIMPORT_DB"] = "" }
        return try runProcess(clientimportBinary(), ["plugins", "test"] + arguments, environment: environment)
    }

    func leftovers(_ temporary: TemporaryDirectory) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: temporary.path)
    }

    @Test func withoutABaseTheScratchBaseGetsWhatTheSampleNamesAndIsRemoved() throws {
        let root = try Self.root(), temporary = try TemporaryDirectory()
        let result = try run(["shop"], root: root, temporary: temporary)
        #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
        #expect(result.standardOutput.contains("ok   shop: 2 rows: 2 clients"), "\(result.standardOutput)")
        #expect(result.standardOutput.contains("scratch base given custom fields Device; marketing sources Flyer; price types Retail"))
        #expect(try leftovers(temporary) == [])
    }

    @Test func theInProcessCheckSaysWhatItPrepared() throws {
        let root = try Self.root()
        let check = try PluginCheck.run("shop", searchPath: SearchPath(roots: [root.path, repositoryRoot]))
        #expect(check.passed, "\(check.failure ?? "")")
        #expect(check.prepared.customFields.map(\.name) == ["Device"])
        #expect(check.prepared.marketingSources == ["Flyer"])
        #expect(check.prepared.priceTypes == ["Retail"])
    }

    @Test func withDbTheBasesOwnSettingsAreUsedAndTheBaseIsNotChanged() throws {
        let root = try Self.root(), temporary = try TemporaryDirectory(), bases = try TemporaryDirectory()
        let base = bases.file("shop.sqlite")
        for arguments in [["settings", "add-marketing-source", "Flyer"], ["settings", "add-price-type", "Retail"]] {
            let made = try runProcess(clientimportBinary(), arguments + ["--db", base])
            try #require(made.status == 0, "\(made.standardError)")
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: base))
        // The base lacks the custom field the sample fills: the plugin fails, naming it.
        let lacking = try run(["shop", "--db", base], root: root, temporary: temporary)
        #expect(lacking.status == 1)
        #expect(lacking.standardOutput.contains("FAIL shop: its sample is rejected"), "\(lacking.standardOutput)")
        #expect(lacking.standardOutput.contains("Device"))
        #expect(!lacking.standardOutput.contains("scratch base given"))
        #expect(try leftovers(temporary) == [])
        #expect(try Data(contentsOf: URL(fileURLWithPath: base)) == before)

        let added = try runProcess(clientimportBinary(), ["settings", "add-custom-field", "Device", "--type", "text", "--db", base])
        try #require(added.status == 0, "\(added.standardError)")
        let flag = try run(["shop", "--db", base], root: root, temporary: temporary)
        #expect(flag.status == 0, "\(flag.standardOutput)")
        let environment = try run(["shop"], root: root, temporary: temporary, environment: ["CLIENTIMPORT_DB": base])
        #expect(environment.status == 0, "\(environment.standardOutput)")
        #expect(!environment.standardOutput.contains("scratch base given"))
        #expect(try leftovers(temporary) == [])
    }

    @Test func aMissingBaseIsAnErrorNotANewBase() throws {
        let root = try Self.root(), temporary = try TemporaryDirectory(), bases = try TemporaryDirectory()
        let result = try run(["shop", "--db", bases.file("typo.sqlite")], root: root, temporary: temporary)
        #expect(result.status == 74, "\(result.standardError)")
        #expect(!FileManager.default.fileExists(atPath: bases.file("typo.sqlite")))
    }

    @Test func aPluginWithoutASampleIsToldWhereToPutIt() throws {
        let root = try TemporaryDirectory()
        try root.write("plugins/bare.lua", "return { name = \"bare\", map = function(row) return { name = \"x\" } end }")
        let check = try PluginCheck.run("bare", searchPath: SearchPath(roots: [root.path, repositoryRoot]))
        let failure = try #require(check.failure)
        #expect(failure.contains("examples/bare.csv"))
        #expect(failure.contains("\(root.path)/examples"))
    }
}
