/// The TSV text of a sheet's rows, written by `SheetHandler` straight from the parsed bytes —
/// no `Cell` and no `String` per cell — for `CellDump.tsv`: each cell is its `displayText`
/// escaped as the dump escapes it, so the lines are byte for byte the ones the `Cell` path
/// makes. Lines end in `"\n"` and are not yet padded (the sheet's width is known only at its
/// end); `tabs` holds each line's tab count so the dump pads them without reading the text.
///
/// One object serves every handler of a reader: after a fallback to libxml2, the new handler
/// re-reads the sheet from the top and `skip` drops the rows already written.
final class TSVLines {
    /// Whole lines (through `committed`), then the row being written.
    @exclusivity(unchecked) private(set) var bytes: [UInt8] = []
    /// The tab count of each whole line (a blank line for a missing row has none).
    @exclusivity(unchecked) private(set) var tabs: [UInt32] = []
    /// `bytes[..<committed]` are whole lines.
    @exclusivity(unchecked) private(set) var committed = 0
    /// Non-empty rows written so far, by every handler.
    private(set) var rowsWritten = 0
    /// Rows still to read past (set after a fallback to the rows already written).
    var skip = 0
    /// The row number after the last line (a gap before the next row becomes blank lines).
    private var next = 1

    // The row being written.
    /// The column of the row's last cell with text (0: none yet).
    @exclusivity(unchecked) private var rowColumn = 0
    /// A cell came at or before a column already written: the row is rebuilt at its end.
    @exclusivity(unchecked) private var disordered = false
    /// Each cell with text: its column and where its text lies in `bytes`.
    @exclusivity(unchecked) private var cells: [(column: Int, start: Int, end: Int)] = []

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
        cells.reserveCapacity(32)
    }

    /// A row starts: what an abandoned one (a scanner restarting a row) wrote is dropped.
    @inline(__always)
    func rowStarted() {
        if bytes.count > committed { bytes.removeSubrange(committed...) }
        cells.removeAll(keepingCapacity: true)
        rowColumn = 0
        disordered = false
    }

    /// A cell of the current row at `column` (1-based): `write` appends its escaped text; a
    /// cell that writes nothing is empty and leaves no trace.
    @inline(__always)
    func cell(column: Int, write: (inout [UInt8]) -> Void) {
        let mark = bytes.count
        if !disordered {
            if column > rowColumn {
                for _ in 0..<(column - max(rowColumn, 1)) { bytes.append(0x09) }
            } else {
                disordered = true
            }
        }
        let start = bytes.count
        write(&bytes)
        guard bytes.count > start else {
            bytes.removeSubrange(mark...)
            return
        }
        cells.append((column, start, bytes.count))
        rowColumn = max(rowColumn, column)
    }

    /// The row numbered `number` ends: it becomes a line when it has a cell with text.
    @inline(__always)
    func rowEnded(number: Int) {
        guard !cells.isEmpty else { return }
        if skip > 0 {
            skip -= 1
            rowStarted()
            return
        }
        if disordered { rebuildRow() }
        if next < number {
            // Missing rows are blank lines before this one.
            bytes.insert(contentsOf: repeatElement(0x0A, count: number - next), at: committed)
            tabs.append(contentsOf: repeatElement(0, count: number - next))
        }
        bytes.append(0x0A)
        tabs.append(UInt32(rowColumn - 1))
        next = number + 1
        committed = bytes.count
        rowsWritten += 1
        cells.removeAll(keepingCapacity: true)
        rowColumn = 0
    }

    /// Cells out of column order (or a column twice): as the `Cell` path does, each column
    /// keeps its last cell with text, and the line is written again in column order.
    private func rebuildRow() {
        let text = Array(bytes[committed...])
        bytes.removeSubrange(committed...)
        let ordered = cells.enumerated().sorted { ($0.element.column, $0.offset) < ($1.element.column, $1.offset) }
        var column = 1
        for (index, cell) in ordered.enumerated() {
            if index + 1 < ordered.count && ordered[index + 1].element.column == cell.element.column { continue }
            for _ in 0..<(cell.element.column - column) { bytes.append(0x09) }
            bytes.append(contentsOf: text[(cell.element.start - committed)..<(cell.element.end - committed)])
            column = cell.element.column
        }
    }

    /// Takes the whole lines written so far (the row in progress stays).
    func takeLines() -> TSVChunk {
        let chunk = TSVChunk(bytes: Array(bytes[..<committed]), tabs: tabs)
        bytes.removeSubrange(..<committed)
        for i in cells.indices {
            cells[i].start -= committed
            cells[i].end -= committed
        }
        committed = 0
        tabs.removeAll(keepingCapacity: true)
        return chunk
    }
}

/// Whole TSV lines of a sheet, not yet padded, and each line's tab count.
struct TSVChunk: Sendable {
    var bytes: [UInt8]
    var tabs: [UInt32]
}

enum TSVEscaping {
    /// Appends `text` with `\` → `\\`, tab → `\t`, newline → `\n`, CR → `\r`.
    @inline(__always)
    static func append(_ text: UnsafeBufferPointer<UInt8>, to line: inout [UInt8]) {
        var start = 0
        for index in 0..<text.count {
            let escaped: UInt8
            switch text[index] {
            case 0x5C: escaped = 0x5C
            case 0x09: escaped = UInt8(ascii: "t")
            case 0x0A: escaped = UInt8(ascii: "n")
            case 0x0D: escaped = UInt8(ascii: "r")
            default: continue
            }
            line.append(contentsOf: UnsafeBufferPointer(rebasing: text[start..<index]))
            line.append(0x5C)
            line.append(escaped)
            start = index + 1
        }
        line.append(contentsOf: UnsafeBufferPointer(rebasing: text[start...]))
    }
}
