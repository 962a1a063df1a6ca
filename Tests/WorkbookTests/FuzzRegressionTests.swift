import Foundation
import Testing
import TestSupport
@testable import Workbook

/// Every input a fuzzer crashed on (`Fuzz/Corpus/TARGET/crash-*`, kept after the fix) must now
/// read to the end or stop with a `WorkbookError`; a regression traps and fails the run. The
/// CSV and worksheet seeds are replayed too (they are small), and a target whose folder holds no
/// input fails: a wrong path must not make these tests pass by finding nothing.
@Suite struct FuzzRegressionTests {
    /// Every input of a target's corpus (seeds and crashes), sorted.
    static func corpus(_ target: String) -> [String] {
        let folder = "\(repositoryRoot)/Fuzz/Corpus/\(target)"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { "\(folder)/\($0)" }
    }

    static func crashes(_ target: String) -> [String] {
        corpus(target).filter { ($0 as NSString).lastPathComponent.hasPrefix("crash-") }
    }

    @Test(arguments: ["zip", "sheet", "sharedstrings", "csv", "vcard"])
    func everyTargetHasACorpus(target: String) {
        #expect(Self.corpus(target).count >= 5, "Fuzz/Corpus/\(target) under \(repositoryRoot) holds no inputs")
    }

    @Test func zipCrashesNowReadOrFail() throws {
        let inputs = Self.crashes("zip")
        #expect(!inputs.isEmpty)
        for path in inputs {
            do {
                let rows = try XLSXReader(path: path).rows()
                while try rows.nextRow() != nil {}
            } catch let error as WorkbookError {
                #expect(!error.message.isEmpty)
            }
        }
    }

    @Test func csvAndSheetCrashesNowReadOrFail() throws {
        let csv = Self.corpus("csv"), sheets = Self.corpus("sheet") + Self.crashes("sharedstrings")
        #expect(!csv.isEmpty && !sheets.isEmpty)
        for path in csv {
            do {
                let reader = try CSVReader(path: path)
                while try reader.nextRow() != nil {}
            } catch is WorkbookError {}
        }
        for path in sheets {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            let handler = SheetHandler(file: "fuzz.xlsx", part: "sheet1.xml", sharedStrings: try SharedStrings(["a"]), formats: .empty, date1904: false)
            let parser = XMLPushParser(handler: handler, file: "fuzz.xlsx", part: "sheet1.xml")
            _ = try? parser.parse(bytes)
            withExtendedLifetime(handler) {}
        }
    }
}
