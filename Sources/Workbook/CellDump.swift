/// Text dumps of a sheet as the reader sees it (`clientimport inspect`, fixture tests).
///
/// Every line is handed to `sink` **with** its trailing `"\n"`, so a sink can write it as is.
public enum CellDump {
    /// The grid anchored at A1, down to the last non-empty row and across to the widest row:
    /// one line per row, TAB between cells, missing rows as lines of empty cells. Cell text is
    /// `displayText` with `\` → `\\`, tab → `\t`, newline → `\n`, CR → `\r`.
    ///
    /// The width is only known at the end, so this variant buffers the sheet's rows: use
    /// `tsv(opening:to:)` for large sheets.
    public static func tsv(_ reader: any RowReader, to sink: (String) -> Void) throws {
        var rows: [Row] = []
        var width = 0
        while let row = try reader.nextRow() {
            width = max(width, row.cells.count)
            rows.append(row)
        }
        var next = 1
        for row in rows {
            writeTSV(row, width: width, next: &next, to: sink)
        }
    }

    /// Same output as `tsv(_:to:)` in two streaming passes with flat memory: `open` is called
    /// twice, the first reader measures the width, the second is printed. Pass
    /// `{ try workbook.rows(sheet: selector) }`.
    public static func tsv(opening open: () throws -> any RowReader, to sink: (String) -> Void) throws {
        let first = try open()
        var width = 0
        while let row = try first.nextRow() { width = max(width, row.cells.count) }
        let second = try open()
        var next = 1
        while let row = try second.nextRow() {
            writeTSV(row, width: width, next: &next, to: sink)
        }
    }

    private static func writeTSV(_ row: Row, width: Int, next: inout Int, to sink: (String) -> Void) {
        let blank = String(repeating: "\t", count: max(0, width - 1)) + "\n"
        while next < row.number {
            sink(blank)
            next += 1
        }
        var line = ""
        for column in 0..<width {
            if column > 0 { line.append("\t") }
            if column < row.cells.count { escapeTSV(row.cells[column].displayText, into: &line) }
        }
        line.append("\n")
        sink(line)
        next = row.number + 1
    }

    private static func escapeTSV(_ text: String, into line: inout String) {
        for ch in text.unicodeScalars {
            switch ch {
            case "\\": line.append("\\\\")
            case "\t": line.append("\\t")
            case "\n": line.append("\\n")
            case "\r": line.append("\\r")
            default: line.unicodeScalars.append(ch)
            }
        }
    }

    /// One JSON object per non-empty row: `{"row":7,"cells":{"A":"Anna","C":42,"D":true}}`.
    ///
    /// Empty cells are left out. Text and dates (as `displayText`) are JSON strings; numbers are
    /// JSON numbers written from the stored literal (so 64-bit IDs keep every digit); booleans
    /// are `true`/`false`; errors are `{"error":"#N/A"}`.
    public static func json(_ reader: any RowReader, to sink: (String) -> Void) throws {
        while let row = try reader.nextRow() {
            var line = "{\"row\":\(row.number),\"cells\":{"
            var first = true
            for (i, cell) in row.cells.enumerated() {
                if case .empty = cell { continue }
                if !first { line.append(",") }
                first = false
                line.append("\"\(ColumnLetters.letters(ofIndex: i))\":")
                switch cell {
                case .empty: break
                case .text(let s): appendJSONString(s, to: &line)
                case .date: appendJSONString(cell.displayText, to: &line)
                case .bool(let b): line.append(b ? "true" : "false")
                case .error(let e):
                    line.append("{\"error\":")
                    appendJSONString(e, to: &line)
                    line.append("}")
                case .number(let n):
                    if isJSONNumber(n.literal) { line.append(n.literal) }
                    else if let d = n.doubleValue, d.isFinite { line.append(n.displayText) }
                    else { appendJSONString(n.literal, to: &line) }
                }
            }
            line.append("}}\n")
            sink(line)
        }
    }

    static func appendJSONString(_ s: String, to line: inout String) {
        line.append("\"")
        for ch in s.unicodeScalars {
            switch ch {
            case "\"": line.append("\\\"")
            case "\\": line.append("\\\\")
            case "\n": line.append("\\n")
            case "\r": line.append("\\r")
            case "\t": line.append("\\t")
            default:
                if ch.value < 0x20 {
                    let hex = String(ch.value, radix: 16)
                    line.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
                } else {
                    line.unicodeScalars.append(ch)
                }
            }
        }
        line.append("\"")
    }

    /// RFC 8259 number grammar: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    static func isJSONNumber(_ s: String) -> Bool {
        let b = Array(s.utf8)
        var i = 0
        func digits() -> Int {
            let start = i
            while i < b.count && b[i] >= 0x30 && b[i] <= 0x39 { i += 1 }
            return i - start
        }
        if i < b.count && b[i] == UInt8(ascii: "-") { i += 1 }
        guard i < b.count else { return false }
        if b[i] == 0x30 { i += 1 } else if digits() == 0 { return false }
        if i < b.count && b[i] == UInt8(ascii: ".") { i += 1; if digits() == 0 { return false } }
        if i < b.count && (b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E")) {
            i += 1
            if i < b.count && (b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-")) { i += 1 }
            if digits() == 0 { return false }
        }
        return i == b.count
    }
}
