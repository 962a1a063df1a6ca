import Foundation
import TestSupport
import Testing
@testable import Workbook

@Suite struct CSVWriterTests {
    @Test func writesExcelFriendlyUTF8WithBOMAndQuotesOnlyWhenNeeded() throws {
        let directory = try Interop.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = "\(directory)/out.csv"
        let writer = try CSVWriter(path: path)
        try writer.write(row: [.text("Name"), .text("Balance"), .text("Juridical"), .text("Since"), .text("Error"), .text("Notes")])
        try writer.write(row: [.text("Иван"), .number(NumberCell(literal: "12.50")), .bool(true),
                               .date(CellDate(year: 2024, month: 3, day: 5)), .error("#N/A"), .text("a, \"b\"\nc")])
        try writer.write(row: [.text("Élodie"), .number(NumberCell(literal: "-0.01")), .bool(false),
                               .date(CellDate(year: 2024, month: 3, day: 5, hour: 8, minute: 4, second: 0, hasTime: true)),
                               .empty, .date(CellDate(year: 0, month: 0, day: 0, hour: 23, minute: 5, second: 9, hasDate: false, hasTime: true))])
        try writer.close()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(String(decoding: bytes.dropFirst(3), as: UTF8.self) ==
            "Name,Balance,Juridical,Since,Error,Notes\r\n" +
            "Иван,12.50,TRUE,2024-03-05,#N/A,\"a, \"\"b\"\"\nc\"\r\n" +
            "Élodie,-0.01,FALSE,2024-03-05 08:04:00,,23:05:09\r\n")
    }

    @Test func semicolonWithoutBOM() throws {
        let directory = try Interop.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = "\(directory)/out.csv"
        let writer = try CSVWriter(path: path, delimiter: UInt8(ascii: ";"), byteOrderMark: false)
        try writer.write(row: [.text("a,b"), .text("c;d")])
        try writer.close()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "a,b;\"c;d\"\r\n")
    }

    @Test(arguments: [UInt8(ascii: ","), UInt8(ascii: ";"), 0x09, UInt8(ascii: "|")])
    func roundTripsThroughTheReader(delimiter: UInt8) throws {
        let directory = try Interop.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = "\(directory)/roundtrip.csv"
        let rows: [[String]] = [
            ["Name", "Phone", "Notes", "Email"],
            ["Dupont, Élodie", "+33 6 01 02 03 04", "says \"bonjour\"; twice", "e@example.fr"],
            ["Іван Петренко", "0501234567", "line 1\nline 2", ""],
            ["Tab\there", "|pipe|", "", "x"],
        ]
        let writer = try CSVWriter(path: path, delimiter: delimiter)
        for row in rows { try writer.write(row: row.map { $0.isEmpty ? .empty : .text($0) }) }
        try writer.close()

        let reader = try CSVReader(path: path)
        #expect(reader.delimiter == delimiter)
        #expect(reader.encoding == .utf8)
        let back = try readAllCSVRows(reader)
        #expect(back.map(\.1) == rows)
        #expect(back.map(\.0) == [1, 2, 3, 4])
    }

    @Test func droppingTheWriterWithoutCloseLeavesNoFile() throws {
        let directory = try Interop.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            let writer = try CSVWriter(path: "\(directory)/abandoned.csv")
            try writer.write(row: [.text("half")])
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
    }
}
