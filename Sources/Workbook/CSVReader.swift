import Foundation

/// How to read a CSV file; `nil` fields are detected from the file.
public struct CSVOptions: Sendable {
    /// The field separator; `nil` sniffs among `,` `;` TAB `|` (or takes Excel's `sep=` line).
    public var delimiter: UInt8?
    /// The text encoding; `nil` detects it (BOM, then the NUL bytes of UTF-16, then valid UTF-8,
    /// then Windows-1251 or -1252).
    public var encoding: TextEncoding?

    public init(delimiter: UInt8? = nil, encoding: TextEncoding? = nil) {
        self.delimiter = delimiter
        self.encoding = encoding
    }
}

/// Reads a CSV file row by row in 64 KiB chunks (RFC 4180, plus what Excel writes).
///
/// - Quoted fields may hold delimiters, doubled quotes and line breaks (CRLF, LF or CR); a line
///   break inside quotes is returned as LF, the way a spreadsheet cell stores it.
/// - Every field becomes `.text` or, when empty, `.empty`; a leading `'` before `= + - @`, tab,
///   CR or another `'` is dropped (`FormulaProtection.unprotect`); records whose fields are all empty
///   are skipped.
/// - `Row.number` is the 1-based physical record number: a quoted line break does not start a
///   new number, skipped empty records still count. An Excel `sep=;` first line sets the
///   delimiter and is not a row: Excel hides it, so the header is row 1 as the user sees it.
public final class CSVReader: RowReader {
    public let sheetName: String
    /// The delimiter in use (given, from `sep=`, or sniffed).
    public private(set) var delimiter: UInt8
    /// The encoding in use (given, from the BOM, or detected).
    public let encoding: TextEncoding

    private let path: String
    private let file: OpenFile
    private var descriptor: Int32 { file.descriptor }
    // A reader is used by one thread at a time and its methods never overlap; the runtime's
    // exclusivity checks on these per-byte properties were half the time of reading a CSV.
    @exclusivity(unchecked) private var buffer: [UInt8] = []
    @exclusivity(unchecked) private var position = 0
    @exclusivity(unchecked) private var endOfFile = false
    private var recordCount = 0
    @exclusivity(unchecked) private var field: [UInt8] = []
    /// Set for UTF-16 files: their bytes become UTF-8 before the parser sees them.
    private var utf16: UTF16Decoder?

    static let chunkSize = 64 * 1024
    private static let quote = UInt8(ascii: "\"")
    private static let candidates: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), 0x09, UInt8(ascii: "|")]

    public init(path: String, options: CSVOptions = .init()) throws {
        self.path = path
        sheetName = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let descriptor = Foundation.open(path, O_RDONLY)
        guard descriptor >= 0 else {
            let kind: WorkbookError.Kind = errno == ENOENT ? .notFound : .unreadable
            throw WorkbookError(kind, file: path, "cannot open the file: \(String(cString: strerror(errno)))")
        }
        file = OpenFile(descriptor)
        delimiter = UInt8(ascii: ",")
        var raw = try Self.read(descriptor, path: path)
        var bomLength = 0
        if options.encoding == nil, case .refused(let message)? = EncodingSniff.utf32ByteOrderMark(raw[...]) {
            throw WorkbookError(.unsupported, file: path, message)
        }
        if let (fromMark, length) = TextEncoding.byteOrderMark(raw[...]) {
            bomLength = length
            encoding = options.encoding ?? fromMark
        } else if let chosen = options.encoding {
            encoding = chosen
        } else {
            switch EncodingSniff.sniff(raw[...], isWholeFile: raw.count < Self.chunkSize) {
            case .utf16(let found): encoding = found
            case .refused(let message): throw WorkbookError(.unsupported, file: path, message)
            case .noNULPattern: encoding = try Self.detectEncoding(descriptor, firstChunk: raw, path: path)
            }
        }
        if encoding == .utf16LE || encoding == .utf16BE {
            utf16 = UTF16Decoder(encoding == .utf16BE ? .bigEndian : .littleEndian)
        }
        raw.removeFirst(bomLength)
        buffer = try transcode(raw, final: raw.isEmpty)
        if raw.isEmpty { endOfFile = true }
        // Sniffing looks at whole lines; make sure the first chunk holds some.
        while !endOfFile && buffer.count < Self.chunkSize { try refillAppending() }

        if let separator = sepLine() {
            delimiter = options.delimiter ?? separator.delimiter
            position = separator.length
        } else {
            delimiter = options.delimiter ?? sniffDelimiter()
        }
    }

    /// The share of the file's bytes read so far (at most one chunk ahead of the rows).
    public var fractionRead: Double? {
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_size > 0 else { return nil }
        let offset = lseek(descriptor, 0, SEEK_CUR)
        return offset < 0 ? nil : min(1, Double(offset) / Double(status.st_size))
    }

    /// The next row with at least one non-empty field, or `nil` at the end of the file.
    public func nextRow() throws -> Row? {
        while let (number, cells) = try nextRecord() {
            if cells.contains(where: { $0 != .empty }) { return Row(number: number, cells: cells) }
        }
        return nil
    }

    // MARK: - Records

    private func nextRecord() throws -> (Int, [Cell])? {
        guard try available() else { return nil }
        recordCount += 1
        let number = recordCount
        var cells: [Cell] = []
        field.removeAll(keepingCapacity: true)
        var inQuotes = false
        var quoted = false
        let delimiter = self.delimiter
        while try available() {
            let byte = buffer[position]
            position += 1
            if inQuotes {
                switch byte {
                case Self.quote:
                    if try peek() == Self.quote {
                        position += 1
                        field.append(Self.quote)
                    } else {
                        inQuotes = false
                    }
                case 0x0D:
                    if try peek() == 0x0A { position += 1 }
                    field.append(0x0A)
                default:
                    field.append(byte)
                }
                continue
            }
            switch byte {
            case Self.quote where field.isEmpty && !quoted:
                inQuotes = true
                quoted = true
            case delimiter:
                cells.append(makeCell())
                quoted = false
            case 0x0A:
                cells.append(makeCell())
                return (number, cells)
            case 0x0D:
                if try peek() == 0x0A { position += 1 }
                cells.append(makeCell())
                return (number, cells)
            default:
                // Text after a closing quote (`"ab"c`) is kept, as Excel does.
                field.append(byte)
            }
        }
        if inQuotes {
            throw WorkbookError(.corrupt, file: path, row: number,
                                "a quoted field that starts in row \(number) is never closed; add the missing \" or remove the stray one")
        }
        cells.append(makeCell())
        return (number, cells)
    }

    private func makeCell() -> Cell {
        defer { field.removeAll(keepingCapacity: true) }
        guard !field.isEmpty else { return .empty }
        // A leading ' before a formula character is CSVWriter's protection (or a spreadsheet
        // user's): the cell's text is what follows it.
        return .text(FormulaProtection.unprotect(encoding.decodeField(field)))
    }

    /// Whether a byte is ready at `position`, reading the next chunk when needed.
    private func available() throws -> Bool {
        while position >= buffer.count {
            if endOfFile { return false }
            buffer.removeAll(keepingCapacity: true)
            position = 0
            try refillAppending()
        }
        return true
    }

    private func peek() throws -> UInt8? {
        try available() ? buffer[position] : nil
    }

    private func refillAppending() throws {
        let raw = try Self.read(descriptor, path: path)
        if raw.isEmpty { endOfFile = true }
        buffer.append(contentsOf: try transcode(raw, final: raw.isEmpty))
    }

    private static func read(_ descriptor: Int32, path: String) throws -> [UInt8] {
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        let count = chunk.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress, chunkSize) }
        guard count >= 0 else {
            throw WorkbookError(.unreadable, file: path, "cannot read the file: \(String(cString: strerror(errno)))")
        }
        chunk.removeLast(chunkSize - count)
        return chunk
    }

    // MARK: - Encoding

    /// Reads the whole file once (in chunks) to tell UTF-8 from the Windows code pages.
    private static func detectEncoding(_ descriptor: Int32, firstChunk: [UInt8], path: String) throws -> TextEncoding {
        var detector = EncodingDetector()
        detector.feed(firstChunk[...])
        if firstChunk.count == chunkSize {
            while true {
                let chunk = try read(descriptor, path: path)
                if chunk.isEmpty { break }
                detector.feed(chunk[...])
            }
            lseek(descriptor, off_t(firstChunk.count), SEEK_SET)
        }
        return detector.encoding
    }

    /// UTF-16 becomes UTF-8 so the parser sees one byte per ASCII character; others pass through.
    private func transcode(_ raw: [UInt8], final: Bool) throws -> [UInt8] {
        guard utf16 != nil else { return raw }
        do {
            return try utf16!.decode(raw, final: final)
        } catch let dangling as UTF16Decoder.DanglingByte {
            throw WorkbookError(.corrupt, file: path, "the file is \(encoding.rawValue.uppercased()) text, two bytes a character, but it has an odd number of bytes: the last one (0x\(String(dangling.byte, radix: 16, uppercase: true))) is half a character, so the file was cut short or something was appended to it; export it again")
        }
    }

    // MARK: - Delimiter

    /// Excel's `sep=X` first line: the delimiter and the line's length with its line break.
    private func sepLine() -> (delimiter: UInt8, length: Int)? {
        let head = Array(buffer.prefix(7))
        guard head.count >= 5,
              String(decoding: head[0..<4], as: UTF8.self).lowercased() == "sep=" else { return nil }
        let delimiter = head[4]
        guard delimiter != 0x0A, delimiter != 0x0D else { return nil }
        if head.count == 5 { return (delimiter, 5) }
        switch head[5] {
        case 0x0D: return (delimiter, head.count > 6 && head[6] == 0x0A ? 7 : 6)
        case 0x0A: return (delimiter, 6)
        default: return nil
        }
    }

    /// Picks the candidate that splits the first lines into the same number (> 0) of fields
    /// most consistently; ties go to the earlier candidate (`,` then `;` TAB `|`).
    private func sniffDelimiter() -> UInt8 {
        var counts: [[Int]] = []           // per line, per candidate
        var current = [Int](repeating: 0, count: Self.candidates.count)
        var inQuotes = false
        var lineHasContent = false
        var index = position
        let end = buffer.count
        while index < end, counts.count < 50 {
            let byte = buffer[index]
            index += 1
            if byte == Self.quote { inQuotes.toggle(); lineHasContent = true; continue }
            if inQuotes { continue }
            if byte == 0x0A || byte == 0x0D {
                if lineHasContent { counts.append(current) }
                current = [Int](repeating: 0, count: Self.candidates.count)
                lineHasContent = false
                continue
            }
            lineHasContent = true
            if let candidate = Self.candidates.firstIndex(of: byte) { current[candidate] += 1 }
        }
        // The last line counts only when the file ends there (otherwise it may be cut).
        if lineHasContent, endOfFile || index < end { counts.append(current) }

        var best: (candidate: Int, consistent: Int, fields: Int)?
        for candidate in Self.candidates.indices {
            var frequency: [Int: Int] = [:]
            for line in counts where line[candidate] > 0 { frequency[line[candidate], default: 0] += 1 }
            guard let (mode, lines) = frequency.max(by: { ($0.value, $0.key) < ($1.value, $1.key) }) else { continue }
            if best == nil || lines > best!.consistent || (lines == best!.consistent && mode > best!.fields) {
                best = (candidate, lines, mode)
            }
        }
        return best.map { Self.candidates[$0.candidate] } ?? UInt8(ascii: ",")
    }
}

/// An open file descriptor, closed when its owner goes — also when the owner's initializer throws
/// before the owner is complete (a `deinit` of the owner would not run then: each refused file
/// leaked a descriptor until the fuzzer ran out of them).
private final class OpenFile {
    let descriptor: Int32

    init(_ descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit {
        Foundation.close(descriptor)
    }
}
