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
    /// lines (each 1 MiB or more).
    ///
    /// The width is only known at the end, so the text is held — in memory up to
    /// `spoolMemory`, then in an unlinked temporary file (`SpillFile`) — padded to the widest
    /// row so far, and only rows that came before a wider one are padded again on the way out
    /// (see `LineSpool`). Reading the sheet twice instead (once for the width), with a
    /// `String` per line, held `inspect` to 27 MB/s of sheet.
    ///
    /// An XLSX sheet's reader (`WorkbookFile.openRows`) is read as TSV text on a thread of its
    /// own, straight from the sheet's bytes (no `Cell` or `String` per cell: see `TSVLines`);
    /// pass it as it came, not wrapped in `ReadAheadRows`.
    public static func tsv(_ reader: any RowReader, spoolMemory: Int = CellDump.spoolMemory,
                           write: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        var spool = LineSpool(memory: spoolMemory)
        if let sheet = reader as? SheetRowReader {
            let chunks = ReadAhead(capacity: 4) { try sheet.nextTSVChunk() }
            while let chunk = try chunks.next() {
                try chunk.bytes.withUnsafeBufferPointer { try spool.append($0, tabs: chunk.tabs) }
            }
            return try spool.finish(write: write)
        }
        var line: [UInt8] = []
        var tabs: [UInt32] = []
        line.reserveCapacity(64 << 10)
        var next = 1
        while let row = try reader.nextRow() {
            while next < row.number {
                line.append(0x0A)
                tabs.append(0)
                next += 1
            }
            for (index, cell) in row.cells.enumerated() {
                if index > 0 { line.append(0x09) }
                appendEscaped(cell, to: &line)
            }
            line.append(0x0A)
            tabs.append(UInt32(max(row.cells.count - 1, 0)))
            next = row.number + 1
            if line.count >= 64 << 10 {
                try line.withUnsafeBufferPointer { try spool.append($0, tabs: tabs) }
                line.removeAll(keepingCapacity: true)
                tabs.removeAll(keepingCapacity: true)
            }
        }
        try line.withUnsafeBufferPointer { try spool.append($0, tabs: tabs) }
        try spool.finish(write: write)
    }

    /// Whether `tsv(_:spoolMemory:write:)` reads `reader` as bytes on a thread of its own (an
    /// XLSX sheet); other readers are best handed to it inside `ReadAheadRows`.
    public static func readsTSVDirectly(_ reader: any RowReader) -> Bool {
        reader is SheetRowReader
    }

    /// TSV lines held until the sheet's width is known: in memory up to `memory` bytes, then in
    /// an unlinked temporary file.
    ///
    /// Each batch of lines is padded on arrival to the widest line so far (`maxTabs`), which
    /// only grows: nearly always the first rows (a header) are already the widest, so the text
    /// held is the text to print, and `finish` copies it out as it is. Only the pieces padded
    /// before a wider line came get the missing tabs added on the way out — the same count for
    /// every line of a piece, since all of them were padded to that piece's width. Before,
    /// every line was padded at the end, after the whole sheet was read: a pass over all the
    /// text that nothing overlapped.
    private struct LineSpool {
        let memory: Int
        var pending: [UInt8] = []
        /// Runs of lines in the order written, each padded to `tabs` tabs: `bytes` of them.
        var pieces: [(bytes: Int, tabs: Int)] = []
        /// Pieces (from the first) and bytes already in `spill`.
        var spilledPieces = 0
        var spill: SpillFile?
        var maxTabs = -1

        init(memory: Int) {
            self.memory = memory
            pending.reserveCapacity(memory + 2 * (1 << 20) + (64 << 10))
        }

        mutating func append(_ lines: UnsafeBufferPointer<UInt8>, tabs lineTabs: [UInt32]) throws {
            guard lines.baseAddress != nil, !lineTabs.isEmpty else { return }
            for t in lineTabs where Int(t) > maxTabs { maxTabs = Int(t) }
            let width = maxTabs
            let before = pending.count
            if lineTabs.allSatisfy({ Int($0) == width }) {
                // Every line as wide as the widest so far: nothing to add.
                pending.append(contentsOf: lines)
            } else {
                pad(lines, tabs: lineTabs, to: width)
            }
            if let last = pieces.last, last.tabs == width, pieces.count > spilledPieces {
                pieces[pieces.count - 1].bytes += pending.count - before
            } else {
                pieces.append((pending.count - before, width))
            }
            if pending.count >= memory {
                if spill == nil { spill = try SpillFile(contents: "the sheet's text being printed") }
                try spill?.append(pending)
                spilledPieces = pieces.count
                pending.removeAll(keepingCapacity: true)
            }
        }

        /// Appends `lines` to `pending`, each with the tabs that bring it to `width` tabs.
        private mutating func pad(_ lines: UnsafeBufferPointer<UInt8>, tabs lineTabs: [UInt32], to width: Int) {
            let base = lines.baseAddress!
            var lineStart = 0
            for t in lineTabs {
                let newline = memchr(base + lineStart, 0x0A, lines.count - lineStart)!
                let end = UnsafeRawPointer(newline) - UnsafeRawPointer(base)
                let missing = width - Int(t)
                if missing == 0 {
                    pending.append(contentsOf: UnsafeBufferPointer(rebasing: lines[lineStart...end]))
                } else {
                    pending.append(contentsOf: UnsafeBufferPointer(rebasing: lines[lineStart..<end]))
                    pending.append(contentsOf: repeatElement(0x09, count: missing))
                    pending.append(0x0A)
                }
                lineStart = end + 1
            }
        }

        /// Writes every line padded to the widest, in chunks of about 1 MiB or more.
        func finish(write: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
            var output: [UInt8] = []
            var block: [UInt8] = []
            var offset = 0   // in the spill file, then in `pending`
            for (index, piece) in pieces.enumerated() {
                if index == spilledPieces { offset = 0 }
                if index < spilledPieces, let spill {
                    // Read back in slices of at most 8 MiB.
                    var done = 0
                    while done < piece.bytes {
                        let size = min(piece.bytes - done, 8 << 20)
                        if block.count < size { block = [UInt8](repeating: 0, count: size) }
                        let read = block.withUnsafeMutableBytes { spill.read(into: $0.baseAddress!, offset: offset + done, count: size) }
                        guard read else {
                            throw WorkbookError(.unreadable, file: "TMPDIR", "cannot read back the sheet's text from its temporary file (\(String(cString: strerror(errno)))); check the disk holding TMPDIR")
                        }
                        // Whole lines only, so `write` gets whole lines (a line longer than a
                        // slice is the exception).
                        let whole = block.withUnsafeBufferPointer { bytes in
                            UnsafeBufferPointer(rebasing: bytes[..<size]).lastIndex(of: 0x0A).map { $0 + 1 } ?? size
                        }
                        try block.withUnsafeBufferPointer {
                            try copy(UnsafeBufferPointer(rebasing: $0[..<whole]), adding: maxTabs - piece.tabs, into: &output, write: write)
                        }
                        done += whole
                    }
                } else {
                    try pending.withUnsafeBufferPointer {
                        try copy(UnsafeBufferPointer(rebasing: $0[offset..<(offset + piece.bytes)]), adding: maxTabs - piece.tabs,
                                 into: &output, write: write)
                    }
                }
                offset += piece.bytes
            }
            if !output.isEmpty { try output.withUnsafeBufferPointer { try write($0) } }
        }

        /// Hands `lines` on, with `missing` tabs added before each newline; text already
        /// padded (`missing` 0) goes to `write` directly.
        private func copy(_ lines: UnsafeBufferPointer<UInt8>, adding missing: Int, into output: inout [UInt8],
                          write: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
            guard let base = lines.baseAddress, !lines.isEmpty else { return }
            if missing == 0 {
                if !output.isEmpty {
                    try output.withUnsafeBufferPointer { try write($0) }
                    output.removeAll(keepingCapacity: true)
                }
                return try write(lines)
            }
            var lineStart = 0
            while lineStart < lines.count {
                guard let newline = memchr(base + lineStart, 0x0A, lines.count - lineStart) else {
                    output.append(contentsOf: UnsafeBufferPointer(rebasing: lines[lineStart...]))
                    break
                }
                let end = UnsafeRawPointer(newline) - UnsafeRawPointer(base)
                output.append(contentsOf: UnsafeBufferPointer(rebasing: lines[lineStart..<end]))
                output.append(contentsOf: repeatElement(0x09, count: missing))
                output.append(0x0A)
                lineStart = end + 1
                if output.count >= 1 << 20 {
                    try output.withUnsafeBufferPointer { try write($0) }
                    output.removeAll(keepingCapacity: true)
                }
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
        text.withUTF8 { TSVEscaping.append($0, to: &line) }
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
