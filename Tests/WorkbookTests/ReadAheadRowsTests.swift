import Foundation
import TestSupport
import Testing
@testable import Workbook

/// A source that hands out `count` rows, then fails with `failure` when given one.
private final class CountingRows: RowReader {
    let sheetName = "counting"
    let count: Int
    let failure: WorkbookError?
    private var next = 1

    init(count: Int, failure: WorkbookError? = nil) {
        self.count = count
        self.failure = failure
    }

    func nextRow() throws -> Row? {
        guard next <= count else {
            if let failure { throw failure }
            return nil
        }
        defer { next += 1 }
        return Row(number: next, cells: [.text("row \(next)")])
    }
}

@Suite struct ReadAheadRowsTests {
    @Test func aCSVFileReadAheadGivesTheRowsOfTheFileInOrder() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/rows.csv"
        let writer = try CSVWriter(path: path)
        for number in 1...5_003 { try writer.write(row: [.text("client \(number)"), .text(String(number * 7))]) }
        try writer.close()

        let direct = try CSVReader(path: path)
        let ahead = ReadAheadRows(try CSVReader(path: path), chunkRows: 100, chunksAhead: 2)
        #expect(ahead.sheetName == direct.sheetName)
        var count = 0
        while let expected = try direct.nextRow() {
            #expect(try ahead.nextRow() == expected)
            count += 1
        }
        #expect(count == 5_003)
        #expect(try ahead.nextRow() == nil)
        #expect(try ahead.nextRow() == nil)
    }

    @Test(arguments: [1, 7, 1_000])
    func aReadingErrorComesAfterTheRowsReadBeforeIt(chunkRows: Int) throws {
        let failure = WorkbookError(.corrupt, file: "broken.xlsx", "the sheet is damaged")
        let rows = ReadAheadRows(CountingRows(count: 250, failure: failure), chunkRows: chunkRows, chunksAhead: 3)
        for number in 1...250 { #expect(try rows.nextRow()?.number == number) }
        #expect(throws: WorkbookError.self) { try rows.nextRow() }
    }

    @Test func droppingTheReaderEarlyStopsItsThread() throws {
        // The reading thread waits for room in the queue; dropping the reader must end it
        // (deinit waits for it), not leave it blocked or reading on.
        for _ in 1...50 {
            let rows = ReadAheadRows(CountingRows(count: 1_000_000), chunkRows: 10, chunksAhead: 1)
            #expect(try rows.nextRow()?.number == 1)
        }
    }
}
