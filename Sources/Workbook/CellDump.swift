#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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

    /// Same output as `tsv(_:to:)` with flat memory, for large sheets: `open` is called once.
    /// Pass `{ try workbook.rows(sheet: selector) }`.
    public static func tsv(opening open: () throws -> any RowReader, to sink: (String) -> Void) throws {
        try tsv(try open()) { chunk in sink(String(decoding: chunk, as: UTF8.self)) }
    }

    /// Text spooled in memory before it goes to a temporary file.
    public static let spoolMemory = 8 << 20

    /// The `tsv(_:to:)` grid in one pass over the rows, handed to `write` in chunks of whole
    /// lines (each about 1 MiB).
    ///
    /// The width is only known at the end, so each row is first written without its padding —
    /// in memory up to `spoolMemory`, then to an unlinked temporary file (`SpillFile`) — and
    /// padded on the way out. Reading the sheet twice instead (once for the width), with a
    /// `String` per line, held `inspect` to 27 MB/s of sheet.
    public static func tsv(_ reader: any RowReader, spoolMemory: Int = CellDump.spoolMemory,
                           write: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        var pending: [UInt8] = []
        pending.reserveCapacity(spoolMemory + (64 << 10))
        var spill: SpillFile?
        var segments: [Int] = []   // sizes of the spilled blocks, each of whole lines
        var width = 0
        var next = 1
        while let row = try reader.nextRow() {
            width = max(width, row.cells.count)
            while next < row.number {
                pending.append(0x0A)
                next += 1
            }
            for (index, cell) in row.cells.enumerated() {
                if index > 0 { pending.append(0x09) }
                appendEscaped(cell, to: &pending)
            }
            pending.append(0x0A)
            next = row.number + 1
            if pending.count >= spoolMemory {
                if spill == nil { spill = try SpillFile(contents: "the sheet's text being printed") }
                try spill?.append(pending)
                segments.append(pending.count)
                pending.removeAll(keepingCapacity: true)
            }
        }
        var output: [UInt8] = []
        output.reserveCapacity((1 << 20) + (64 << 10))
        if let spill {
            var offset = 0
            var block = [UInt8](repeating: 0, count: spoolMemory + (64 << 10))
            for size in segments {
                if block.count < size { block = [UInt8](repeating: 0, count: size) }
                let read = block.withUnsafeMutableBytes { spill.read(into: $0.baseAddress!, offset: offset, count: size) }
                guard read else {
                    throw WorkbookError(.unreadable, file: "TMPDIR", "cannot read back the sheet's text from its temporary file (\(String(cString: strerror(errno)))); check the disk holding TMPDIR")
                }
                try block.withUnsafeBufferPointer { try pad(UnsafeBufferPointer(rebasing: $0[..<size]), width: width, into: &output, write: write) }
                offset += size
            }
        }
        try pending.withUnsafeBufferPointer { try pad($0, width: width, into: &output, write: write) }
        if !output.isEmpty { try output.withUnsafeBufferPointer { try write($0) } }
    }

    /// Copies whole lines to `output`, each followed by the tabs that bring it to `width` cells
    /// (a line's tabs are all separators: a tab in a cell is written `\t`).
    private static func pad(_ lines: UnsafeBufferPointer<UInt8>, width: Int, into output: inout [UInt8],
                            write: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        var lineStart = 0
        var tabs = 0
        for index in 0..<lines.count {
            switch lines[index] {
            case 0x09:
                tabs += 1
            case 0x0A:
                output.append(contentsOf: UnsafeBufferPointer(rebasing: lines[lineStart..<index]))
                let missing = width - 1 - tabs
                if missing > 0 { output.append(contentsOf: repeatElement(0x09, count: missing)) }
                output.append(0x0A)
                lineStart = index + 1
                tabs = 0
                if output.count >= 1 << 20 {
                    try output.withUnsafeBufferPointer { try write($0) }
                    output.removeAll(keepingCapacity: true)
                }
            default:
                break
            }
        }
    }

    /// `displayText` as UTF-8 with `\` → `\\`, tab → `\t`, newline → `\n`, CR → `\r`.
    @inline(__always)
    private static func appendEscaped(_ cell: Cell, to line: inout [UInt8]) {
        var text: String
        switch cell {
        case .empty: return
        case .text(let s): text = s
        default: text = cell.displayText
        }
        text.withUTF8 { bytes in
            var start = 0
            for index in 0..<bytes.count {
                let escaped: UInt8
                switch bytes[index] {
                case 0x5C: escaped = 0x5C
                case 0x09: escaped = UInt8(ascii: "t")
                case 0x0A: escaped = UInt8(ascii: "n")
                case 0x0D: escaped = UInt8(ascii: "r")
                default: continue
                }
                line.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                line.append(0x5C)
                line.append(escaped)
                start = index + 1
            }
            line.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
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
