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

    // MARK: UTF-16 without a byte-order mark, and what is not text

    /// Writes `data` to a fresh file and returns its path (the folder goes when the test ends).
    private func file(_ data: Data, _ name: String = "clients.csv") throws -> String {
        let directory = try Interop.temporaryDirectory()
        let path = "\(directory)/\(name)"
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Before, a UTF-16 file without a BOM was read as UTF-8: every other character a NUL.
    @Test(arguments: [
        (TextEncoding.utf16LE, "Name,Phone\r\nÉlodie 😀,1\r\nIvan,2\r\n", [["Name", "Phone"], ["Élodie 😀", "1"], ["Ivan", "2"]]),
        (.utf16BE, "Name,Phone\r\nÉlodie 😀,1\r\nIvan,2\r\n", [["Name", "Phone"], ["Élodie 😀", "1"], ["Ivan", "2"]]),
        (.utf16LE, "Имя;Город\nИван Петрович Сидоренко-Васильченко;Київ\nОльга;Львів\n",
         [["Имя", "Город"], ["Иван Петрович Сидоренко-Васильченко", "Київ"], ["Ольга", "Львів"]]),
        (.utf16BE, "Имя;Город\rИван Петрович Сидоренко-Васильченко;Київ\rОльга;Львів",
         [["Имя", "Город"], ["Иван Петрович Сидоренко-Васильченко", "Київ"], ["Ольга", "Львів"]]),
    ])
    func utf16WithoutByteOrderMarkIsDetectedFromItsNULBytes(encoding: TextEncoding, text: String, expected: [[String]]) throws {
        let data = text.data(using: encoding == .utf16LE ? .utf16LittleEndian : .utf16BigEndian)!
        let reader = try CSVReader(path: try file(data))
        #expect(reader.encoding == encoding)
        #expect(texts(try readAllCSVRows(reader)) == expected)
    }

    /// A line of Cyrillic is mostly non-NUL bytes: the line breaks decide.
    @Test func cyrillicUTF16WithFewASCIICharactersIsStillUTF16() throws {
        let line = String(repeating: "Жовтоблакитний", count: 20)
        let data = "\(line)\n\(line)\n".data(using: .utf16LittleEndian)!
        let reader = try CSVReader(path: try file(data))
        #expect(reader.encoding == .utf16LE)
        #expect(texts(try readAllCSVRows(reader)) == [[line], [line]])
    }

    @Test func utf16WithoutByteOrderMarkAcrossChunks() throws {
        var text = "Name;Notes\r\n"
        for index in 1...20_000 { text += "Клиент \(index);\"строка\r\n\(index)\"\r\n" }
        let reader = try CSVReader(path: try file(text.data(using: .utf16BigEndian)!))
        #expect(reader.encoding == .utf16BE)
        let rows = try readAllCSVRows(reader)
        #expect(rows.count == 20_001)
        #expect(rows.last?.1 == ["Клиент 20000", "строка\n20000"])
    }

    /// Each file and the words its refusal must hold.
    static let notText: [([UInt8], String)] = {
        let name = "Name,Phone\r\nIvan,1\r\n"
        var cases: [([UInt8], String)] = []
        cases.append(([0xFF, 0xFE, 0x00, 0x00] + utf32("Name,Phone\n1,2\n", bigEndian: false), "UTF-32 little-endian text with its byte-order mark"))
        cases.append(([0x00, 0x00, 0xFE, 0xFF] + utf32("Name,Phone\n1,2\n", bigEndian: true), "UTF-32 big-endian text with its byte-order mark"))
        cases.append((utf32("Name,Phone\nИван,2\n", bigEndian: false), "UTF-32 little-endian text without a byte-order mark"))
        cases.append((utf32("Name,Phone\nИван,2\n", bigEndian: true), "UTF-32 big-endian text without a byte-order mark"))
        cases.append(([UInt8](repeating: 0, count: 1000), "nothing but NUL bytes (all 1000)"))
        cases.append(([UInt8](repeating: 0, count: 100_000), "nothing but NUL bytes (the first 4096)"))
        // An unpaired low surrogate (DC00) after "Na"; a high one (D800) after "N" and no low one.
        let lowAlone: [UInt8] = utf16("Na", bigEndian: false) + [0x00, 0xDC] + utf16(name, bigEndian: false)
        cases.append((lowAlone, "UTF-16 little-endian text without a byte-order mark (NUL bytes in every other position), but the two bytes at offset 4 are an unpaired surrogate"))
        let highAlone: [UInt8] = utf16("N", bigEndian: true) + [0xD8, 0x00] + utf16(name, bigEndian: true)
        cases.append((highAlone, "UTF-16 big-endian text without a byte-order mark (NUL bytes in every other position), but the two bytes at offset 2 are an unpaired surrogate"))
        cases.append(([0x50, 0x4B, 0x00, 0x00, 0x00, 0x00, 0x07, 0x08, 0x01, 0x00, 0x00, 0x00, 0x41, 0x42, 0x43, 0x44],
                      "NUL bytes (7 of the first 16, the first at offset 2) in no pattern of UTF-16 or UTF-32 text"))
        return cases
    }()

    @Test(arguments: notText)
    func notTextIsRefusedNamingWhatItLooksLike(bytes: [UInt8], message: String) throws {
        let path = try file(Data(bytes))
        let error = #expect(throws: WorkbookError.self) { try CSVReader(path: path) }
        #expect(error?.kind == .unsupported)
        #expect(error?.description.contains(path) == true)
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
    }

    /// A lone last byte is half a UTF-16 character: refused when it could carry text, dropped
    /// when it is a newline a tool appended. Before, it was dropped silently either way.
    @Test(arguments: [true, false])
    func aLoneByteAtTheEndOfUTF16(withMark: Bool) throws {
        let text = Data((withMark ? [0xFF, 0xFE] : []) as [UInt8]) + "Name,Phone\r\nIvan,1\r\n".data(using: .utf16LittleEndian)!
        let cut = try file(text + Data([0x41]))
        let error = #expect(throws: WorkbookError.self) { try readAllCSVRows(CSVReader(path: cut)) }
        #expect(error?.kind == .corrupt)
        #expect(error?.message.contains("UTF-16LE text, two bytes a character, but it has an odd number of bytes: the last one (0x41)") == true, "\(error?.message ?? "")")
        let appended = try CSVReader(path: try file(text + Data([0x0A])))
        #expect(texts(try readAllCSVRows(appended)) == [["Name", "Phone"], ["Ivan", "1"]])
    }

    /// Found by the csv fuzzer: a file refused while the reader was being made kept its
    /// descriptor open (the reader's `deinit` never ran), until open() failed for every file.
    @Test func aRefusedFileLeavesNoDescriptorOpen() throws {
        let refused = [
            try file(Data(repeating: 0, count: 64), "nul.csv"),
            try file(Data([0xFF, 0xFE, 0x00, 0x00, 0x41, 0x00, 0x00, 0x00]), "utf32.csv"),
            try file(Data([0xFF, 0xFE, 0x41, 0x00, 0x42]), "odd.csv"),
            try file(Data(Self.notText.last!.0), "binary.csv"),
        ]
        func openDescriptors() -> Int { (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0 }
        let before = openDescriptors()
        for _ in 0..<100 {
            for path in refused { #expect(throws: WorkbookError.self) { try CSVReader(path: path) } }
        }
        // 400 refusals; other tests running at the same time may hold a few descriptors.
        #expect(openDescriptors() - before < 100)
    }

    /// A stray NUL in a UTF-8 or Windows-1252 file is no UTF-16 pattern: read as before.
    @Test func aStrayNULInEightBitTextKeepsTheEightBitDetection() throws {
        let utf8 = try CSVReader(path: try file(Data("Name,Notes\nIvan,a\u{0}b\nÉlodie,c\n".utf8)))
        #expect(utf8.encoding == .utf8)
        #expect(texts(try readAllCSVRows(utf8)) == [["Name", "Notes"], ["Ivan", "a\u{0}b"], ["Élodie", "c"]])
        let latin = try CSVReader(path: try file("Nom;Prénom\nDupont;Zoë\u{0}\n".data(using: .windowsCP1252)!))
        #expect(latin.encoding == .windows1252)
    }
}

/// `text` as UTF-32 code units, without a byte-order mark.
private func utf32(_ text: String, bigEndian: Bool) -> [UInt8] {
    text.unicodeScalars.flatMap { scalar -> [UInt8] in
        let v = scalar.value
        let little: [UInt8] = [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)]
        return bigEndian ? little.reversed() : little
    }
}

/// `text` as UTF-16 code units, without a byte-order mark.
private func utf16(_ text: String, bigEndian: Bool) -> [UInt8] {
    text.utf16.flatMap { unit -> [UInt8] in
        bigEndian ? [UInt8(unit >> 8), UInt8(unit & 0xFF)] : [UInt8(unit & 0xFF), UInt8(unit >> 8)]
    }
}
