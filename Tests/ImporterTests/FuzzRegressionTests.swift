import Foundation
import LuaBridge
import TestSupport
import Testing

/// Every .vcf the vcard fuzzer crashed the plugin on (`Fuzz/Corpus/vcard/crash-*`) now reads:
/// a dry run may find errors in the data (exit 0 or 1) but never blames the plugin (78).
@Suite struct FuzzRegressionTests {
    @Test func vcardCrashesNowRead() throws {
        let folder = "\(repositoryRoot)/Fuzz/Corpus/vcard"
        let crashes = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix("crash-") }.sorted()
        // No inputs would make this test pass without testing anything: that is a failure.
        try #require(!crashes.isEmpty, "no crash-* inputs in \(folder): the fuzz corpus is missing or was renamed")
        let work = try TemporaryDirectory()
        for name in crashes {
            let input = work.file("\(name).vcf")
            try FileManager.default.copyItem(atPath: "\(folder)/\(name)", toPath: input)
            let result = try runProcess(clientimportBinary(), ["import", input, "--plugin", "vcard", "--dry-run", "--db", work.file("c.sqlite")])
            #expect(result.status == 0 || result.status == 1, "\(name): \(result.standardError)")
        }
    }

    /// Every vCard seed and crash through the plugin's `read`, in the sandbox and with the limits
    /// of the fuzz target (Fuzz/Targets/vcard.swift): rows, or a limit, never another error.
    @Test func everyVCardSeedReadsInTheSandbox() throws {
        let folder = "\(repositoryRoot)/Fuzz/Corpus/vcard"
        let inputs = try FileManager.default.contentsOfDirectory(atPath: folder).filter { !$0.hasPrefix(".") }.sorted()
        #expect(inputs.count >= 5, "\(folder) holds no inputs")
        let lua = try LuaState(limits: LuaLimits(instructionBudget: 20_000_000, memoryLimitBytes: 64 << 20),
                               modulePaths: ["\(repositoryRoot)/rules", "\(repositoryRoot)/plugins"])
        let read = try #require(try lua.run(file: "\(repositoryRoot)/plugins/vcard.lua").first?["read"].functionValue)
        for name in inputs {
            let source = String(decoding: try Data(contentsOf: URL(fileURLWithPath: "\(folder)/\(name)")), as: UTF8.self)
            do {
                let rows = try lua.call(read, [.string(source)]).first?["rows"].tableValue?.array
                #expect(rows != nil, "\(name): no rows")
            } catch let error as LuaError where error.kind == .timeBudget || error.kind == .memoryLimit {
                continue
            } catch {
                Issue.record("\(name): \(error)")
            }
        }
    }
}
