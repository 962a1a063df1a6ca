import Foundation
import Testing
import TestSupport
@testable import Workbook

/// Every input a fuzzer crashed on (`Fuzz/Corpus/TARGET/crash-*`, kept after the fix) must now
/// read to the end or stop with a `WorkbookError`; a regression traps and fails the run.
@Suite struct FuzzRegressionTests {
    static func crashes(_ target: String) -> [String] {
        let folder = "\(repositoryRoot)/Fuzz/Corpus/\(target)"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasPrefix("crash-") }.sorted().map { "\(folder)/\($0)" }
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
        for path in Self.crashes("csv") {
            do {
                let reader = try CSVReader(path: path)
                while try reader.nextRow() != nil {}
            } catch is WorkbookError {}
        }
        for path in Self.crashes("sheet") + Self.crashes("sharedstrings") {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            let handler = SheetHandler(file: "fuzz.xlsx", part: "sheet1.xml", sharedStrings: try SharedStrings(["a"]), formats: .empty, date1904: false)
            let parser = XMLPushParser(handler: handler, file: "fuzz.xlsx", part: "sheet1.xml")
            _ = try? parser.parse(bytes)
            withExtendedLifetime(handler) {}
        }
    }
}
