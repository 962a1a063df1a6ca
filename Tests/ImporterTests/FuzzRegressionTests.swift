import Foundation
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
}
