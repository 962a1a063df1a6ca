import Foundation
import Workbook

/// Writes an import report next to the user's file: JSON, the user's own rows as XLSX with the
/// bad cells highlighted, or the bad rows as CSV with the reasons.
public enum ReportWriter {
    /// Writes `report` to `path` in the format its extension names (.json, .xlsx or .csv).
    /// `source` is the imported file, read again for the XLSX and CSV forms.
    public static func write(_ report: ImportReport, to path: String, source: String, sheet: SheetSelector = .firstVisible) throws {
        switch (path as NSString).pathExtension.lowercased() {
        case "json":
            try AtomicFile.write((report.json.rendered + "\n").utf8, to: path)
        case "xlsx":
            try writeWorkbook(report, to: path, source: source, sheet: sheet)
        case "csv":
            try writeCSV(report, to: path, source: source, sheet: sheet)
        default:
            throw ImportError("a report is written as .json, .xlsx or .csv, not \(path)")
        }
    }

    /// Problems by row; within a row, by the column letter of their cell.
    private static func problemsByRow(_ report: ImportReport) -> [Int: [ImportIssue]] {
        Dictionary(grouping: report.errors + report.warnings, by: \.row)
    }

    private static func columnLetter(of cell: String?) -> String? {
        cell.map { String($0.prefix { $0.isLetter }) }
    }

    /// "Errors" column text: each problem, its column named when it has one.
    private static func reasons(_ issues: [ImportIssue], errorsOnly: Bool, report: ImportReport) -> String {
        issues.filter { !errorsOnly || report.errors.contains($0) }
            .map { issue in issue.column.map { "\($0): \(issue.message)" } ?? issue.message }
            .joined(separator: "\n")
    }

    private static func writeWorkbook(_ report: ImportReport, to path: String, source: String, sheet: SheetSelector) throws {
        let problems = problemsByRow(report)
        let rows = try WorkbookFile.openRows(path: source, sheet: sheet)
        let writer = try XLSXWriter(path: path, properties: DocumentProperties(title: "Import report: \(report.file)", creator: "clientimport"))
        // The "Errors" column goes after the widest row; the header tells the width well enough.
        let header = try rows.nextRow()
        let width = header?.cells.count ?? 0
        try writer.beginSheet(SheetLayout(name: String(rows.sheetName.prefix(31)), columns: Array(repeating: ColumnLayout(width: 18), count: width) + [ColumnLayout(width: 60)], frozenHeaderRows: 1))
        var isHeader = true
        func emit(_ row: Row) throws {
            let issues = problems[row.number] ?? []
            var cells = row.cells.map { OutputCell($0, style: isHeader ? .header : .plain) }
            while cells.count < width { cells.append(OutputCell(.empty)) }
            for issue in issues {
                guard let letter = columnLetter(of: issue.cell), let index = ColumnLetters.index(of: letter) else { continue }
                while cells.count <= index { cells.append(OutputCell(.empty)) }
                cells[index].style = .highlighted
                cells[index].comment = [cells[index].comment, issue.message].compactMap { $0 }.joined(separator: "\n")
            }
            let text = isHeader ? "Errors" : reasons(issues, errorsOnly: false, report: report)
            cells.append(OutputCell(text.isEmpty ? .empty : .text(text), style: isHeader ? .header : .plain))
            try writer.write(row: cells)
            isHeader = false
        }
        var next = 1
        if let header { try emitPadded(header, next: &next, emit) }
        while let row = try rows.nextRow() { try emitPadded(row, next: &next, emit) }
        try writer.endSheet()
        try writer.close()
    }

    /// Keeps the user's row numbers: empty rows the reader skipped are written back as empty.
    private static func emitPadded(_ row: Row, next: inout Int, _ emit: (Row) throws -> Void) throws {
        while next < row.number {
            try emit(Row(number: next, cells: []))
            next += 1
        }
        try emit(row)
        next = row.number + 1
    }

    private static func writeCSV(_ report: ImportReport, to path: String, source: String, sheet: SheetSelector) throws {
        let problems = problemsByRow(report)
        let rows = try WorkbookFile.openRows(path: source, sheet: sheet)
        let writer = try CSVWriter(path: path)
        var width = 0
        // Trailing empty cells are absent from a row: pad so Row and Errors stay in their columns.
        func padded(_ cells: [Cell]) -> [Cell] { cells + Array(repeating: .empty, count: max(0, width - cells.count)) }
        if let header = try rows.nextRow() {
            width = header.cells.count
            try writer.write(row: header.cells + [.text("Row"), .text("Errors")])
            if let issues = problems[header.number], !issues.filter({ report.errors.contains($0) }).isEmpty {
                try writer.write(row: header.cells + [.number(NumberCell(literal: String(header.number))),
                                                     .text(reasons(issues, errorsOnly: true, report: report))])
            }
        }
        while let row = try rows.nextRow() {
            guard let issues = problems[row.number], issues.contains(where: { report.errors.contains($0) }) else { continue }
            try writer.write(row: padded(row.cells) + [.number(NumberCell(literal: String(row.number))),
                                              .text(reasons(issues, errorsOnly: true, report: report))])
        }
        try writer.close()
    }
}
