/// Which worksheet to read.
public enum SheetSelector: Sendable, Equatable {
    /// The first sheet that is not hidden (what Excel shows on opening).
    case firstVisible
    /// The sheet with this name (exact, else ignoring case).
    case name(String)
    /// The sheet at this 1-based position in workbook order; hidden sheets count.
    case index(Int)
}

/// A worksheet as the workbook lists it.
public struct SheetInfo: Sendable, Equatable {
    /// The tab name.
    public var name: String
    /// 1-based position in workbook order (hidden sheets count).
    public var number: Int
    /// `state="hidden"` or `state="veryHidden"`.
    public var isHidden: Bool

    public init(name: String, number: Int, isHidden: Bool) {
        self.name = name; self.number = number; self.isHidden = isHidden
    }
}

/// Reads an `.xlsx` workbook: the sheet list at once, each sheet's rows streamed on demand.
///
/// ```swift
/// let reader = try XLSXReader(path: "clients.xlsx")
/// let rows = try reader.rows(sheet: .name("Clients"))
/// while let row = try rows.nextRow() { … }
/// ```
/// Memory stays flat with the row count: a sheet is inflated and parsed chunk by chunk. The
/// shared-string table is read once (on the first `rows` call) and kept.
public final class XLSXReader {
    public let path: String
    /// The worksheets in workbook order.
    public private(set) var sheets: [SheetInfo] = []
    /// Whether dates count from 1904-01-01 (old Mac Excel) instead of 1900.
    public private(set) var date1904 = false

    private let archive: ZipArchive
    private var sheetParts: [String] = []
    private var sharedStringsPart: String?
    private var sharedStrings: SharedStrings?
    private var formats = NumberFormats.empty
    /// Damage tolerated in the workbook's own parts; every sheet's reader reports them too.
    public private(set) var warnings: [WorkbookWarning] = []

    public init(path: String) throws {
        self.path = path
        archive = try ZipArchive(path: path)
        let workbookPart = try officeDocumentPart()
        guard let workbookEntry = archive.entry(named: workbookPart) else {
            throw WorkbookError(.notAWorkbook, file: path, part: workbookPart,
                "the archive has no \(workbookPart), so it is not an Excel workbook; save it from your spreadsheet program as \"Excel Workbook (.xlsx)\"")
        }
        let workbook = WorkbookHandler()
        try XMLPushParser(handler: workbook, file: path, part: workbookPart).parse(archive.readAll(workbookEntry))
        date1904 = workbook.date1904

        let folder = Self.folder(of: workbookPart)
        let relsPart = folder + "_rels/" + Self.fileName(of: workbookPart) + ".rels"
        var relationships: [String: (type: String, target: String)] = [:]
        if let relsEntry = archive.entry(named: relsPart) {
            let rels = RelationshipsHandler()
            try XMLPushParser(handler: rels, file: path, part: relsPart).parse(archive.readAll(relsEntry))
            for r in rels.relationships {
                relationships[r.id] = (r.type, partName(r.target, against: folder))
            }
        }
        for (i, sheet) in workbook.sheets.enumerated() {
            var part = relationships[sheet.relationshipID]?.target
            if part == nil {
                // What Excel would have named it; said, since the guess may be another sheet.
                part = "\(folder)worksheets/sheet\(i + 1).xml"
                warnings.append(WorkbookWarning(file: path, part: relsPart,
                    "sheet \"\(sheet.name)\" has no relationship \"\(sheet.relationshipID)\" to its part; reading \(part!), where Excel puts sheet \(i + 1)"))
            }
            sheets.append(SheetInfo(name: sheet.name, number: i + 1, isHidden: sheet.hidden))
            sheetParts.append(part!)
        }
        let byType = { (suffix: String) in relationships.values.first { $0.type.hasSuffix(suffix) }?.target }
        sharedStringsPart = byType("/sharedStrings")
        if sharedStringsPart == nil, archive.entry(named: folder + "sharedStrings.xml") != nil {
            sharedStringsPart = folder + "sharedStrings.xml"
            warnings.append(WorkbookWarning(file: path, part: relsPart,
                "no relationship names the shared strings; reading \(folder)sharedStrings.xml, where Excel puts them"))
        }
        let stylesPart = byType("/styles") ?? folder + "styles.xml"
        if let stylesEntry = archive.entry(named: stylesPart) {
            formats = try NumberFormats.parse(archive.readAll(stylesEntry), file: path, part: stylesPart)
        }
    }

    /// Streams the rows of one sheet; each call starts a fresh pass from the top.
    public func rows(sheet: SheetSelector = .firstVisible) throws -> any RowReader {
        try rows(sheet: sheet, inflating: .automatic)
    }

    /// `rows(sheet:)` with the sheet inflated where `inflating` says (tests choose).
    func rows(sheet: SheetSelector, inflating: InflateAhead.Placement) throws -> any RowReader {
        let number: Int
        switch sheet {
        case .firstVisible:
            guard let first = sheets.first(where: { !$0.isHidden }) ?? sheets.first else {
                throw WorkbookError(.noSuchSheet, file: path, "the workbook has no worksheet")
            }
            number = first.number
        case .name(let name):
            guard let found = sheets.first(where: { $0.name == name })
                ?? sheets.first(where: { $0.name.lowercased() == name.lowercased() }) else {
                throw WorkbookError(.noSuchSheet, file: path, part: name,
                    "no sheet named \"\(name)\"; the workbook has \(sheetList)")
            }
            number = found.number
        case .index(let index):
            guard index >= 1 && index <= sheets.count else {
                throw WorkbookError(.noSuchSheet, file: path,
                    "no sheet number \(index); the workbook has \(sheets.count) (\(sheetList))")
            }
            number = index
        }
        let part = sheetParts[number - 1]
        guard let entry = archive.entry(named: part) else {
            throw WorkbookError(.corrupt, file: path, part: part,
                "sheet \"\(sheets[number - 1].name)\" is listed but its part \(part) is missing from the archive; the file is damaged — open and re-save it in your spreadsheet program")
        }
        let strings = try loadSharedStrings()
        return SheetRowReader(sheetName: sheets[number - 1].name, stream: try archive.open(entry, maximumSize: ZipArchive.maxSheetSize), file: path,
                              sharedStrings: strings, formats: formats, date1904: date1904,
                              warnings: warnings + strings.warnings, inflating: inflating)
    }

    private var sheetList: String {
        sheets.map { "\"\($0.name)\"" + ($0.isHidden ? " (hidden)" : "") }.joined(separator: ", ")
    }

    private func loadSharedStrings() throws -> SharedStrings {
        if let sharedStrings { return sharedStrings }
        var strings = SharedStrings()
        if let part = sharedStringsPart {
            if let entry = archive.entry(named: part) {
                strings = try SharedStrings.read(archive.open(entry), file: path)
            } else {
                // Some exporters list the part and never write it. Excel and calamine open such
                // a file; only a cell that points into the table is an error (naming the part).
                strings.missingPart = part
                strings.warnings.append(WorkbookWarning(file: path, part: part,
                    "the shared-string part \(part) is listed but missing from the archive; read as an empty table"))
            }
        }
        sharedStrings = strings
        return strings
    }

    /// The workbook part, found as the package's `_rels/.rels` names it (Excel writes
    /// `xl/workbook.xml`, other programs other names). Only a package without that
    /// relationship falls back to `xl/workbook.xml`, with a warning.
    private func officeDocumentPart() throws -> String {
        let fallback = "xl/workbook.xml"
        guard let entry = archive.entry(named: "_rels/.rels") else {
            warnings.append(WorkbookWarning(file: path, part: "_rels/.rels",
                "the package has no _rels/.rels naming its workbook part; reading \(fallback), where Excel puts it"))
            return fallback
        }
        let rels = RelationshipsHandler()
        try XMLPushParser(handler: rels, file: path, part: "_rels/.rels").parse(archive.readAll(entry))
        guard let r = rels.relationships.first(where: { $0.type.hasSuffix("/officeDocument") }) else {
            warnings.append(WorkbookWarning(file: path, part: "_rels/.rels",
                "_rels/.rels has no officeDocument relationship; reading \(fallback), where Excel puts the workbook"))
            return fallback
        }
        let part = partName(r.target, against: "")
        if archive.entry(named: part) == nil, archive.entry(named: fallback) != nil {
            warnings.append(WorkbookWarning(file: path, part: "_rels/.rels",
                "the workbook part \(part) named by _rels/.rels is missing; reading \(fallback) instead"))
            return fallback
        }
        return part
    }

    /// `%XX` escapes decoded as UTF-8; text that is not a valid escape is kept as is.
    static func percentDecoded(_ text: String) -> String {
        guard text.contains("%") else { return text }
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count,
               let byte = UInt8(String(decoding: bytes[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) {
                out.append(byte)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(validating: out, as: UTF8.self) ?? text
    }

    static func folder(of part: String) -> String {
        guard let slash = part.lastIndex(of: "/") else { return "" }
        return String(part[...slash])
    }

    static func fileName(of part: String) -> String {
        guard let slash = part.lastIndex(of: "/") else { return part }
        return String(part[part.index(after: slash)...])
    }

    /// The archive member a relationship target names. OPC stores a part under its
    /// percent-encoded name (`first%20tab.xml`), while most writers store the plain name
    /// (`first tab.xml`) and encode only the target: the member as written wins, else the
    /// decoded one.
    private func partName(_ target: String, against folder: String) -> String {
        let written = Self.resolve(target, against: folder, decoding: false)
        if archive.entry(named: written) != nil { return written }
        return Self.resolve(target, against: folder)
    }

    /// Resolves a relationship target (relative to `folder`, or absolute from the root). A
    /// target is a URI: `%20` in it is a space in the part name (unless `decoding` is false).
    static func resolve(_ target: String, against folder: String, decoding: Bool = true) -> String {
        let target = decoding ? percentDecoded(target) : target
        var path = target.hasPrefix("/") ? String(target.dropFirst()) : folder + target
        path = path.replacingBackslashes()
        var parts: [Substring] = []
        for piece in path.split(separator: "/", omittingEmptySubsequences: true) {
            if piece == "." { continue }
            if piece == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(piece)
        }
        return parts.joined(separator: "/")
    }
}

extension String {
    fileprivate func replacingBackslashes() -> String {
        String(map { $0 == "\\" ? "/" : $0 })
    }
}

private final class WorkbookHandler: SAXHandler {
    struct Sheet { var name: String; var relationshipID: String; var hidden: Bool }
    var sheets: [Sheet] = []
    var date1904 = false

    func startElement(_ name: UnsafePointer<UInt8>, _ attributes: UnsafeMutablePointer<UnsafePointer<UInt8>?>?, _ count: Int) {
        if XMLBytes.equals(name, "sheet") {
            let a = XMLBytes.attributeMap(attributes, count)
            let state = a["state"] ?? "visible"
            sheets.append(Sheet(name: a["name"] ?? "Sheet\(sheets.count + 1)", relationshipID: a["id"] ?? "",
                                hidden: state == "hidden" || state == "veryHidden"))
        } else if XMLBytes.equals(name, "workbookPr") {
            let value = XMLBytes.attributeMap(attributes, count)["date1904"]
            date1904 = value == "1" || value == "true"
        }
    }
    func endElement(_ name: UnsafePointer<UInt8>) {}
    func characters(_ bytes: UnsafePointer<UInt8>, _ count: Int) {}
}

private final class RelationshipsHandler: SAXHandler {
    struct Relationship { var id: String; var type: String; var target: String }
    var relationships: [Relationship] = []

    func startElement(_ name: UnsafePointer<UInt8>, _ attributes: UnsafeMutablePointer<UnsafePointer<UInt8>?>?, _ count: Int) {
        guard XMLBytes.equals(name, "Relationship") else { return }
        let a = XMLBytes.attributeMap(attributes, count)
        if a["TargetMode"] == "External" { return }
        relationships.append(Relationship(id: a["Id"] ?? "", type: a["Type"] ?? "", target: a["Target"] ?? ""))
    }
    func endElement(_ name: UnsafePointer<UInt8>) {}
    func characters(_ bytes: UnsafePointer<UInt8>, _ count: Int) {}
}
