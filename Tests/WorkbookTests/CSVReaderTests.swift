import Foundation
import TestSupport
import Testing
@testable import Workbook

/// A fixture under `Fixtures/csv/` (made by `make_csv_fixtures.py` there).
func csvFixture(_ name: String) throws -> String {
    let base = try #require(Bundle.module.resourceURL)
    return base.appendingPathComponent("Fixtures/csv/\(name)").path
}

/// Every row of a reader as (number, texts), `.empty` shown as "".
func readAllCSVRows(_ reader: CSVReader) throws -> [(Int, [String])] {
    var rows: [(Int, [String])] = []
    while let row = try reader.nextRow() {
        rows.append((row.number, row.cells.map { cell in
            switch cell {
            case .empty: return ""
            case .text(let text): return text
            default: return "<unexpected \(cell)>"
            }
        }))
    }
    return rows
}

private func numbers(_ rows: [(Int, [String])]) -> [Int] { rows.map(\.0) }
private func texts(_ rows: [(Int, [String])]) -> [[String]] { rows.map(\.1) }

@Suite struct CSVReaderTests {
    @Test(arguments: [
        ("comma.csv", ","), ("semicolon.csv", ";"), ("tab.csv", "\t"), ("pipe.csv", "|"),
    ])
    func sniffsTheDelimiter(file: String, expected: String) throws {
        let reader = try CSVReader(path: try csvFixture(file))
        #expect(reader.delimiter == UInt8(ascii: Unicode.Scalar(expected)!))
        #expect(reader.encoding == .utf8)
        let rows = try readAllCSVRows(reader)
        #expect(rows.allSatisfy { $0.1.count == 3 }, "\(rows)")
    }

    @Test func keepsDelimitersInsideQuotes() throws {
        let rows = try readAllCSVRows(CSVReader(path: try csvFixture("semicolon.csv")))
        #expect(texts(rows) == [["Nom", "Téléphone", "Notes"], ["Élodie", "0601020304", "a, b, c"], ["Luc", "0611", "d, e"]])
        #expect(try CSVReader(path: try csvFixture("semicolon.csv")).sheetName == "semicolon")
    }

    @Test func quotedLineBreaksDoubledQuotesAndRowNumbers() throws {
        let rows = try readAllCSVRows(CSVReader(path: try csvFixture("quoted.csv")))
        #expect(texts(rows) == [
            ["Name", "Notes", "Phone"],
            ["Dupont, Élodie", "line one\nline two", "1"],
            ["Say \"hi\"", "multi\nline\nnote", "2"],
            ["Luc", "", "3"],
            ["Last", "no newline at end", "4"],
        ])
        // Record 3 is an empty line and record 5 is ",,": skipped, but they keep their numbers.
        #expect(numbers(rows) == [1, 2, 4, 6, 7])
        let luc = try CSVReader(path: try csvFixture("quoted.csv"))
        _ = try luc.nextRow(); _ = try luc.nextRow(); _ = try luc.nextRow()
        #expect(try luc.nextRow()?.cells == [.text("Luc"), .empty, .text("3")])
    }

    @Test func carriageReturnLineEnds() throws {
        let rows = try readAllCSVRows(CSVReader(path: try csvFixture("cr.csv")))
        #expect(texts(rows) == [["Name", "Notes"], ["A", "x\ny"], ["B", "z"]])
        #expect(numbers(rows) == [1, 2, 3])
    }

    @Test func utf8ByteOrderMarkIsDropped() throws {
        let reader = try CSVReader(path: try csvFixture("bom-utf8.csv"))
        #expect(reader.encoding == .utf8)
        #expect(texts(try readAllCSVRows(reader)) == [["Имя", "Телефон"], ["Іван", "+380501234567"]])
    }

    @Test(arguments: [("utf16le.csv", TextEncoding.utf16LE, "\t"), ("utf16be.csv", .utf16BE, ",")])
    func utf16WithByteOrderMark(file: String, encoding: TextEncoding, delimiter: String) throws {
        let reader = try CSVReader(path: try csvFixture(file))
        #expect(reader.encoding == encoding)
        #expect(reader.delimiter == UInt8(ascii: Unicode.Scalar(delimiter)!))
        #expect(texts(try readAllCSVRows(reader)) == [["Name", "Phone"], ["Élodie 😀", "1"], ["Иван", "2"]])
    }

    @Test func detectsWindows1251Cyrillic() throws {
        let reader = try CSVReader(path: try csvFixture("windows1251.csv"))
        #expect(reader.encoding == .windows1251)
        #expect(reader.delimiter == UInt8(ascii: ";"))
        #expect(texts(try readAllCSVRows(reader)) == [
            ["Имя", "Телефон", "Город"], ["Иван Петров", "+380501234567", "Київ"], ["Ольга", "0441234567", "Львів"],
        ])
    }

    @Test func detectsWindows1252French() throws {
        let reader = try CSVReader(path: try csvFixture("windows1252.csv"))
        #expect(reader.encoding == .windows1252)
        #expect(texts(try readAllCSVRows(reader)) == [
            ["Nom", "Prénom", "Ville"], ["Dupont", "Élodie", "Besançon"], ["Lefèvre", "Zoë", "Orléans"],
        ])
    }

    @Test func optionsOverrideDetection() throws {
        let reader = try CSVReader(path: try csvFixture("windows1251.csv"),
                                   options: CSVOptions(delimiter: UInt8(ascii: ","), encoding: .windows1251))
        #expect(reader.delimiter == UInt8(ascii: ","))
        #expect(try reader.nextRow()?.cells == [.text("Имя;Телефон;Город")])
        #expect(TextEncoding(name: "UTF-8") == .utf8)
        #expect(TextEncoding(name: "cp1251") == .windows1251)
        #expect(TextEncoding(name: "koi8-r") == nil)
    }

    @Test func excelSepLineSetsTheDelimiterAndIsNotARow() throws {
        let reader = try CSVReader(path: try csvFixture("sep.csv"))
        #expect(reader.delimiter == UInt8(ascii: ";"))
        let rows = try readAllCSVRows(reader)
        #expect(texts(rows) == [["Name", "Notes"], ["Ivan", "a,b"]])
        // Excel hides the line: its header is row 1, and so is ours (was 2).
        #expect(numbers(rows) == [1, 2])
    }

    @Test func unterminatedQuoteNamesItsStartingRow() throws {
        let reader = try CSVReader(path: try csvFixture("unterminated.csv"))
        #expect(try reader.nextRow()?.number == 1)
        #expect(try reader.nextRow()?.number == 2)
        let error = #expect(throws: WorkbookError.self) { try reader.nextRow() }
        #expect(error?.row == 3)
        #expect(error?.kind == .corrupt)
        #expect(error?.description.contains("unterminated.csv, row 3") == true)
    }

    @Test func missingFileIsNotFound() {
        let error = #expect(throws: WorkbookError.self) { try CSVReader(path: "/nonexistent/clients.csv") }
        #expect(error?.kind == .notFound)
    }

    /// Fields and code units that straddle the 64 KiB chunks must come out whole.
    @Test(arguments: [TextEncoding.utf8, .utf16LE, .windows1251])
    func recordsAcrossChunkBoundaries(encoding: TextEncoding) throws {
        let directory = try Interop.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = "\(directory)/big.csv"
        var text = "Name;Notes\r\n"
        for index in 1...20_000 {
            text += "Клиент \(index);\"строка\r\n\"\"\(index)\"\"; ok\"\r\n"
        }
        var data: Data
        switch encoding {
        case .utf16LE: data = Data([0xFF, 0xFE]) + text.data(using: .utf16LittleEndian)!
        case .windows1251: data = text.data(using: .windowsCP1251)!
        default: data = Data(text.utf8)
        }
        try data.write(to: URL(fileURLWithPath: path))
        let reader = try CSVReader(path: path)
        #expect(reader.encoding == encoding)
        #expect(reader.delimiter == UInt8(ascii: ";"))
        var count = 0
        while let row = try reader.nextRow() {
            count += 1
            if count > 1 {
                let index = count - 1
                #expect(row.number == count)
                #expect(row.cells == [.text("Клиент \(index)"), .text("строка\n\"\(index)\"; ok")])
                if row.cells.count != 2 { break }
            }
        }
        #expect(count == 20_001)
    }
}
