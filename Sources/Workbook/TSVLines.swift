/// The TSV text of a sheet's rows, written by `SheetHandler` straight from the parsed bytes —
/// no `Cell` and no `String` per cell — for `CellDump.tsv`: each cell is its `displayText`
/// escaped as the dump escapes it, so the lines are byte for byte the ones the `Cell` path
/// makes. Lines end in `"\n"` and are not yet padded (the sheet's width is known only at its
/// end); `tabs` holds each line's tab count so the dump pads them without reading the text.
///
/// One object serves every handler of a reader: after a fallback to libxml2, the new handler
/// re-reads the sheet from the top and `skip` drops the rows already written.
final class TSVLines {
    // The text is in a buffer of our own, not an `[UInt8]`: every append to an array held by a
    // class checked its uniqueness and went through a call, ~15% of the dump's scanning thread.
    /// Whole lines (through `committed`), then the row being written, in `base[..<count]`.
    @exclusivity(unchecked) private var base: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var capacity: Int
    @exclusivity(unchecked) private(set) var count = 0
    /// The tab count of each whole line (a blank line for a missing row has none).
    @exclusivity(unchecked) private(set) var tabs: [UInt32] = []
    /// `base[..<committed]` are whole lines.
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
    /// Once the row is out of order, each cell with text: its column and where its text lies
    /// in the buffer. Rows in order (nearly all) need none: their text is the cells in column
    /// order between tabs, which `recoverCells` reads back when a row turns out of order.
    @exclusivity(unchecked) private var cells: [(column: Int, start: Int, end: Int)] = []

    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
        cells.reserveCapacity(32)
    }

    deinit { base.deallocate() }

    /// The text written so far: whole lines, then the row in progress.
    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    /// Room for `extra` more bytes.
    @inline(__always)
    func reserve(_ extra: Int) {
        if capacity - count < extra { grow(to: count + extra) }
    }

    private func grow(to needed: Int) {
        var bigger = capacity * 2
        while bigger < needed { bigger *= 2 }
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: bigger)
        moved.update(from: base, count: count)
        base.deallocate()
        base = moved
        capacity = bigger
    }

    @inline(__always)
    func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    @inline(__always)
    func append(_ text: UnsafeBufferPointer<UInt8>) {
        guard let start = text.baseAddress, !text.isEmpty else { return }
        reserve(text.count)
        (base + count).update(from: start, count: text.count)
        count += text.count
    }

    /// Appends `text` escaped as the dump escapes it (see `TSVEscaping`).
    @inline(__always)
    func appendEscaped(_ text: UnsafeBufferPointer<UInt8>) {
        // At most two bytes out for each byte in.
        reserve(2 * text.count)
        count += TSVEscaping.write(text, to: base + count)
    }

    /// Lets `write` fill up to `limit` bytes at the end of the text; it returns how many it wrote.
    @inline(__always)
    func appendWriting(atMost limit: Int, _ write: (UnsafeMutableBufferPointer<UInt8>) -> Int) {
        reserve(limit)
        count += write(UnsafeMutableBufferPointer(start: base + count, count: limit))
    }

    /// Appends `tabs` tab characters.
    @inline(__always)
    private func appendTabs(_ tabs: Int) {
        guard tabs > 0 else { return }
        reserve(tabs)
        (base + count).initialize(repeating: 0x09, count: tabs)
        count += tabs
    }

    /// A row starts: what an abandoned one (a scanner restarting a row) wrote is dropped.
    @inline(__always)
    func rowStarted() {
        count = committed
        if !cells.isEmpty { cells.removeAll(keepingCapacity: true) }
        rowColumn = 0
        disordered = false
    }

    /// A cell of the current row at `column` (1-based): `write` appends its text to the lines
    /// (`append`, `appendEscaped`); a cell that writes nothing is empty and leaves no trace.
    @inline(__always)
    func cell(column: Int, write: (TSVLines) -> Void) {
        let mark = count
        if !disordered {
            if column > rowColumn {
                appendTabs(column - max(rowColumn, 1))
            } else {
                recoverCells()
            }
        }
        let start = count
        write(self)
        guard count > start else {
            count = mark
            return
        }
        closeCell(column: column, start: start)
    }

    /// The row turns out of order: the cells written so far, in column order, are read back
    /// from its text (fields between tabs, from column 1; a cell with text is never empty).
    private func recoverCells() {
        disordered = true
        cells.removeAll(keepingCapacity: true)
        var column = 1
        var start = committed
        for index in committed...count {
            if index == count || base[index] == 0x09 {
                if index > start { cells.append((column, start, index)) }
                column += 1
                start = index + 1
            }
        }
    }

    /// A cell of the current row at `column` (1-based) whose text is `text` as it is (digits,
    /// a date: nothing to escape); empty text leaves no trace. The same as `cell(column:write:)`
    /// without a closure, whose context retained and released these lines once per cell.
    @inline(__always)
    func cell(column: Int, plain text: UnsafeBufferPointer<UInt8>) {
        guard let source = text.baseAddress, !text.isEmpty else { return }
        let start = openCell(column: column, room: text.count)
        TSVEscaping.copy(source, to: base + count, count: text.count)
        count += text.count
        closeCell(column: column, start: start)
    }

    /// A cell at `column` whose text is `text` escaped (see `TSVEscaping`); empty text leaves
    /// no trace.
    @inline(__always)
    func cell(column: Int, escaping text: UnsafeBufferPointer<UInt8>) {
        guard !text.isEmpty else { return }
        // At most two bytes out for each byte in.
        let start = openCell(column: column, room: 2 * text.count)
        count += TSVEscaping.write(text, to: base + count)
        closeCell(column: column, start: start)
    }

    /// The tabs before a cell at `column` (unless the row is out of order), and room for
    /// `room` bytes of its text; returns where the text starts.
    @inline(__always)
    private func openCell(column: Int, room: Int) -> Int {
        let tabs = !disordered && column > rowColumn ? column - max(rowColumn, 1) : 0
        if !disordered && column <= rowColumn { recoverCells() }
        reserve(tabs + room)
        if tabs == 1 {
            // Nearly always: the next column.
            base[count] = 0x09
            count += 1
        } else if tabs > 1 {
            (base + count).initialize(repeating: 0x09, count: tabs)
            count += tabs
        }
        return count
    }

    /// A cell's text, from `start` to the end, is written.
    @inline(__always)
    private func closeCell(column: Int, start: Int) {
        if disordered { cells.append((column, start, count)) }
        if column > rowColumn { rowColumn = column }
    }

    /// The row numbered `number` ends: it becomes a line when it has a cell with text.
    @inline(__always)
    func rowEnded(number: Int) {
        // A cell with text was written (`rowColumn` is its column, or the highest one).
        guard rowColumn > 0 else { return }
        if skip > 0 {
            skip -= 1
            rowStarted()
            return
        }
        if disordered { rebuildRow() }
        if next < number {
            // Missing rows are blank lines before this one.
            let gap = number - next
            reserve(gap)
            (base + committed + gap).update(from: base + committed, count: count - committed)
            (base + committed).initialize(repeating: 0x0A, count: gap)
            count += gap
            tabs.append(contentsOf: repeatElement(0, count: gap))
        }
        append(0x0A)
        tabs.append(UInt32(rowColumn - 1))
        next = number + 1
        committed = count
        rowsWritten += 1
        if !cells.isEmpty { cells.removeAll(keepingCapacity: true) }
        rowColumn = 0
    }

    /// Cells out of column order (or a column twice): as the `Cell` path does, each column
    /// keeps its last cell with text, and the line is written again in column order.
    private func rebuildRow() {
        let text = Array(UnsafeBufferPointer(start: base + committed, count: count - committed))
        count = committed
        let ordered = cells.enumerated().sorted { ($0.element.column, $0.offset) < ($1.element.column, $1.offset) }
        var column = 1
        for (index, cell) in ordered.enumerated() {
            if index + 1 < ordered.count && ordered[index + 1].element.column == cell.element.column { continue }
            appendTabs(cell.element.column - column)
            text.withUnsafeBufferPointer {
                append(UnsafeBufferPointer(rebasing: $0[(cell.element.start - committed)..<(cell.element.end - committed)]))
            }
            column = cell.element.column
        }
    }

    /// Takes the whole lines written so far (the row in progress stays).
    func takeLines() -> TSVChunk {
        let chunk = TSVChunk(bytes: Array(UnsafeBufferPointer(start: base, count: committed)), tabs: tabs)
        base.update(from: base + committed, count: count - committed)
        count -= committed
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
        let start = line.count
        line.append(contentsOf: repeatElement(0, count: 2 * text.count))
        let written = line.withUnsafeMutableBufferPointer { write(text, to: $0.baseAddress! + start) }
        line.removeLast(2 * text.count - written)
    }

    /// Writes `text` escaped to `out`, which has room for twice its bytes; returns the bytes
    /// written. Runs without a byte to escape — nearly all text — are copied whole, found
    /// eight bytes at a time.
    @inline(__always)
    static func write(_ text: UnsafeBufferPointer<UInt8>, to out: UnsafeMutablePointer<UInt8>) -> Int {
        guard let input = text.baseAddress else { return 0 }
        let n = text.count
        var written = 0
        var runStart = 0
        var index = 0
        while index < n {
            // Skip eight bytes at once while none of them needs escaping.
            if n - index >= 8 {
                let word = UnsafeRawPointer(input + index).loadUnaligned(as: UInt64.self)
                if !mayNeedEscaping(word) {
                    index += 8
                    continue
                }
            } else if n >= 8 && index > 0 {
                // The last few bytes: the word ending the text (its first bytes already passed).
                let word = UnsafeRawPointer(input + n - 8).loadUnaligned(as: UInt64.self)
                if !mayNeedEscaping(word) { break }
            }
            let escaped: UInt8
            switch input[index] {
            case 0x5C: escaped = 0x5C
            case 0x09: escaped = UInt8(ascii: "t")
            case 0x0A: escaped = UInt8(ascii: "n")
            case 0x0D: escaped = UInt8(ascii: "r")
            default:
                index += 1
                continue
            }
            copy(input + runStart, to: out + written, count: index - runStart)
            written += index - runStart
            out[written] = 0x5C
            out[written + 1] = escaped
            written += 2
            index += 1
            runStart = index
        }
        copy(input + runStart, to: out + written, count: n - runStart)
        return written + n - runStart
    }

    /// `count` bytes from `source` to `target` (not overlapping). Most cell texts are short, and
    /// a call to `memmove` for each cost more than the copy: up to 32 bytes are moved as
    /// overlapping words (or halves, or single bytes), read and written only within the bounds.
    @inline(__always)
    static func copy(_ source: UnsafePointer<UInt8>, to target: UnsafeMutablePointer<UInt8>, count: Int) {
        let from = UnsafeRawPointer(source), to = UnsafeMutableRawPointer(target)
        switch count {
        case 17...32:
            let a = from.loadUnaligned(as: UInt64.self), b = from.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            let c = from.loadUnaligned(fromByteOffset: count - 16, as: UInt64.self)
            let d = from.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
            to.storeBytes(of: a, as: UInt64.self)
            to.storeBytes(of: b, toByteOffset: 8, as: UInt64.self)
            to.storeBytes(of: c, toByteOffset: count - 16, as: UInt64.self)
            to.storeBytes(of: d, toByteOffset: count - 8, as: UInt64.self)
        case 8...16:
            let head = from.loadUnaligned(as: UInt64.self), tail = from.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
            to.storeBytes(of: head, as: UInt64.self)
            to.storeBytes(of: tail, toByteOffset: count - 8, as: UInt64.self)
        case 4..<8:
            let head = from.loadUnaligned(as: UInt32.self), tail = from.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
            to.storeBytes(of: head, as: UInt32.self)
            to.storeBytes(of: tail, toByteOffset: count - 4, as: UInt32.self)
        case 1..<4:
            for i in 0..<count { target[i] = source[i] }
        case 0:
            break
        default:
            target.update(from: source, count: count)
        }
    }

    /// Whether one of the eight bytes of `word` may be a backslash, tab, newline or CR: any byte
    /// below 0x10, or equal to 0x5C (false positives only cost the byte-by-byte check).
    @inline(__always)
    private static func mayNeedEscaping(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        // A byte below 0x10: (b - 0x10) borrows into its high bit while b's own is clear.
        let low = (word &- ones &* 0x10) & ~word & highs
        let x = word ^ (ones &* 0x5C)
        let backslash = (x &- ones) & ~x & highs
        return (low | backslash) != 0
    }
}
