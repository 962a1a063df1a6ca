import Foundation

/// Title and author stored in `docProps/core.xml`.
public struct DocumentProperties: Sendable {
    public var title: String?
    /// The author; also the author of cell comments (default "clientimport").
    public var creator: String?

    public init(title: String? = nil, creator: String? = nil) {
        self.title = title
        self.creator = creator
    }
}

/// Width and drop-down list of one column.
public struct ColumnLayout: Sendable {
    /// Width in Excel's character units; `nil` keeps the default.
    public var width: Double?
    /// A drop-down list applied to the data rows (below the frozen header rows, to the last row).
    public var validationList: [String]?

    public init(width: Double? = nil, validationList: [String]? = nil) {
        self.width = width
        self.validationList = validationList
    }
}

/// How a sheet is laid out: its tab name, columns from A on, and frozen header rows.
public struct SheetLayout: Sendable {
    /// The tab name: at most 31 characters, none of `[ ] : * ? / \`, unique in the workbook.
    public var name: String
    public var columns: [ColumnLayout]
    /// Rows kept visible when scrolling; data-validation lists start below them.
    public var frozenHeaderRows: Int

    public init(name: String, columns: [ColumnLayout] = [], frozenHeaderRows: Int = 0) {
        self.name = name
        self.columns = columns
        self.frozenHeaderRows = frozenHeaderRows
    }
}

/// The look of a written cell.
public enum CellStyle: Sendable, Hashable {
    case plain
    /// Bold text, for header rows.
    case header
    /// A light red fill (`FFFFC7CE`, Excel's "Bad" colour), for cells with errors in a report.
    case highlighted
}

/// One cell to write: its value, its style and an optional comment (a note in Excel).
public struct OutputCell: Sendable, Hashable {
    public var value: Cell
    public var style: CellStyle
    public var comment: String?

    public init(_ value: Cell, style: CellStyle = .plain, comment: String? = nil) {
        self.value = value
        self.style = style
        self.comment = comment
    }
}

/// Writes an XLSX workbook row by row, in constant memory.
///
/// Each worksheet is deflated into the archive while its rows arrive; text is written as inline
/// strings so no shared-string table grows. Comments are spooled to an anonymous temporary file
/// and added when the sheet ends. The workbook goes to a temporary file beside `path` and is
/// renamed onto it by `close()`; dropping the writer without `close()` removes the temporary.
///
/// ```swift
/// let writer = try XLSXWriter(path: "template.xlsx")
/// try writer.beginSheet(SheetLayout(name: "Clients", frozenHeaderRows: 1))
/// try writer.write(row: [OutputCell(.text("Name"), style: .header)])
/// try writer.endSheet()
/// try writer.close()
/// ```
public final class XLSXWriter {
    /// The hidden sheet that holds drop-down lists too long for an inline list (> 255 characters).
    public static let listSheetName = "_lists"
    static let maxRows = 1_048_576
    static let maxColumns = 16_384

    private struct SheetRecord {
        var name: String
        var index: Int            // 1-based, also the number in part names
        var hasComments: Bool
        var hidden: Bool
    }

    private struct FormatKey: Hashable {
        var style: CellStyle
        var numberFormatID: Int
    }

    private struct OpenSheet {
        var layout: SheetLayout
        var index: Int
        var rowNumber = 0
        var commentCount = 0
        var firstShapeID = 0
        var comments: Spool?
        var shapes: Spool?
    }

    private let path: String
    private let properties: DocumentProperties
    private var file: AtomicFile?
    private let zip: ZipWriter
    private var sheets: [SheetRecord] = []
    private var open: OpenSheet?
    private var formats: [FormatKey: Int] = [FormatKey(style: .plain, numberFormatID: 0): 0]
    private var formatOrder: [FormatKey] = [FormatKey(style: .plain, numberFormatID: 0)]
    private var numberFormats: [String: Int] = [:]
    private var numberFormatOrder: [String] = []
    private var longLists: [[String]] = []
    private var nextShapeID = 1024
    private var columnNames: [[UInt8]] = []
    private var failed = false
    private var closed = false

    private static let dateFormat = "yyyy-mm-dd"
    private static let dateTimeFormat = "yyyy-mm-dd hh:mm:ss"
    private static let timeFormat = "hh:mm:ss"

    /// Starts a workbook at `path` (written to a temporary beside it until `close()`).
    public init(path: String, properties: DocumentProperties = .init()) throws {
        self.path = path
        self.properties = properties
        let file = try AtomicFile(targetPath: path)
        self.file = file
        zip = ZipWriter(file: file.releaseHandle()!, displayPath: path)
    }

    deinit {
        zip.abandon()
        // `file` going away unlinks the temporary unless it was committed.
    }

    /// Starts a worksheet; the previous one must have been ended.
    public func beginSheet(_ layout: SheetLayout) throws {
        try checkUsable()
        guard open == nil else {
            throw misuse("beginSheet(\"\(layout.name)\") called before endSheet() of \"\(open!.layout.name)\"")
        }
        try validate(sheetName: layout.name)
        guard layout.frozenHeaderRows >= 0, layout.frozenHeaderRows < Self.maxRows,
              layout.columns.count <= Self.maxColumns else {
            throw misuse("sheet \"\(layout.name)\" has an impossible layout (frozen rows or too many columns)")
        }
        let index = sheets.count + 1
        sheets.append(SheetRecord(name: layout.name, index: index, hasComments: false, hidden: false))
        open = OpenSheet(layout: layout, index: index)
        try guarded {
            try zip.beginEntry("xl/worksheets/sheet\(index).xml")
            try zip.write(sheetHead(layout, selected: index == 1))
        }
    }

    /// Writes the next row (rows are numbered 1, 2, … in order of calls); empty plain cells are skipped.
    public func write(row: [OutputCell]) throws {
        try checkUsable()
        guard var sheet = open else { throw misuse("write(row:) called outside beginSheet()/endSheet()") }
        guard sheet.rowNumber < Self.maxRows else {
            throw WorkbookError(.tooLarge, file: path, part: sheet.layout.name, row: sheet.rowNumber + 1,
                                "a sheet holds at most 1,048,576 rows; split the rows into several sheets or files")
        }
        guard row.count <= Self.maxColumns else {
            throw WorkbookError(.tooLarge, file: path, part: sheet.layout.name, row: sheet.rowNumber + 1,
                                "a row holds at most 16,384 cells, this one has \(row.count)")
        }
        if let column = row.firstIndex(where: { Self.exceedsCellLimit($0.value) }) {
            throw WorkbookError(.tooLarge, file: path, part: sheet.layout.name, row: sheet.rowNumber + 1,
                                "the text for column \(column + 1) is longer than the 32,767 characters an Excel cell holds; shorten it")
        }
        sheet.rowNumber += 1
        let rowNumber = sheet.rowNumber
        ensureColumnNames(row.count)
        var commented: [(column: Int, text: String)] = []
        let styles = row.map { styleIndex(for: $0) }
        try guarded {
            try zip.withBuffer { buffer in
                buffer.append(contentsOf: "<row r=\"".utf8)
                appendDecimal(rowNumber, to: &buffer)
                buffer.append(contentsOf: "\">".utf8)
                for (column, cell) in row.enumerated() {
                    if let comment = cell.comment { commented.append((column, comment)) }
                    appendCell(cell, style: styles[column], column: column, row: rowNumber, to: &buffer)
                }
                buffer.append(contentsOf: "</row>".utf8)
            }
            for (column, text) in commented {
                try addComment(text, column: column, row: rowNumber, sheet: &sheet)
            }
        }
        open = sheet
    }

    /// Ends the current worksheet: writes its validation lists and comments.
    public func endSheet() throws {
        try checkUsable()
        guard let sheet = open else { throw misuse("endSheet() called without beginSheet()") }
        open = nil
        try guarded {
            try zip.write(sheetTail(sheet))
            try zip.endEntry()
            if sheet.commentCount > 0 {
                sheets[sheet.index - 1].hasComments = true
                try writeComments(sheet)
            }
        }
    }

    /// Finishes the workbook and moves it onto the target path.
    public func close() throws {
        try checkUsable()
        if open != nil { try endSheet() }
        guard !sheets.isEmpty else { throw misuse("a workbook needs at least one sheet; call beginSheet() before close()") }
        try guarded {
            if !longLists.isEmpty { try writeListSheet() }
            try writeEntry("xl/workbook.xml", workbookXML())
            try writeEntry("xl/_rels/workbook.xml.rels", workbookRelsXML())
            try writeEntry("xl/styles.xml", stylesXML())
            try writeEntry("docProps/core.xml", coreXML())
            try writeEntry("docProps/app.xml", appXML())
            try writeEntry("_rels/.rels", rootRelsXML())
            try writeEntry("[Content_Types].xml", contentTypesXML())
            try zip.finish()
            try file?.commit()
        }
        closed = true
        file = nil
    }

    // MARK: - Guards

    private func checkUsable() throws {
        if closed { throw misuse("the workbook is already closed") }
        if failed { throw WorkbookError(.writeFailed, file: path, "an earlier write failed; the workbook was abandoned") }
    }

    private func guarded(_ body: () throws -> Void) throws {
        do { try body() } catch {
            failed = true
            zip.abandon()
            throw error
        }
    }

    private func misuse(_ message: String) -> WorkbookError {
        WorkbookError(.writeFailed, file: path, message)
    }

    private func validate(sheetName name: String) throws {
        let forbidden: Set<Character> = ["[", "]", ":", "*", "?", "/", "\\"]
        if name.isEmpty || name.count > 31 || name.contains(where: forbidden.contains)
            || name.hasPrefix("'") || name.hasSuffix("'") {
            throw misuse("\"\(name)\" is not a valid sheet name: 1 to 31 characters, none of [ ] : * ? / \\, not starting or ending with '")
        }
        let taken = sheets.map { $0.name.lowercased() } + [Self.listSheetName.lowercased()]
        if taken.contains(name.lowercased()) {
            throw misuse("the workbook already has a sheet named \"\(name)\"")
        }
    }

    // MARK: - Sheet XML

    private func sheetHead(_ layout: SheetLayout, selected: Bool) -> [UInt8] {
        var xml = Array("""
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
        xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
        """.utf8)
        xml += Array("<sheetViews><sheetView workbookViewId=\"0\"\(selected ? " tabSelected=\"1\"" : "")>".utf8)
        if layout.frozenHeaderRows > 0 {
            let topLeft = "A\(layout.frozenHeaderRows + 1)"
            xml += Array("""
            <pane ySplit="\(layout.frozenHeaderRows)" topLeftCell="\(topLeft)" activePane="bottomLeft" state="frozen"/>\
            <selection pane="bottomLeft" activeCell="\(topLeft)" sqref="\(topLeft)"/>
            """.utf8)
        }
        xml += Array("</sheetView></sheetViews><sheetFormatPr defaultRowHeight=\"15\"/>".utf8)
        let widths = layout.columns.enumerated().compactMap { column, layout in
            layout.width.map { (column + 1, $0) }
        }
        if !widths.isEmpty {
            xml += Array("<cols>".utf8)
            for (column, width) in widths {
                let clamped = min(max(width, 0), 255)
                xml += Array("<col min=\"\(column)\" max=\"\(column)\" width=\"\(clamped)\" customWidth=\"1\"/>".utf8)
            }
            xml += Array("</cols>".utf8)
        }
        xml += Array("<sheetData>".utf8)
        return xml
    }

    private func sheetTail(_ sheet: OpenSheet) throws -> [UInt8] {
        var xml = Array("</sheetData>".utf8)
        let firstDataRow = sheet.layout.frozenHeaderRows + 1
        var validations: [String] = []
        for (column, layout) in sheet.layout.columns.enumerated() {
            guard let list = layout.validationList, !list.isEmpty else { continue }
            ensureColumnNames(column + 1)
            let letters = String(decoding: columnNames[column], as: UTF8.self)
            let formula: String
            let inline = list.joined(separator: ",")
            if inline.count <= 255, !list.contains(where: { $0.contains(",") || $0.contains("\"") }) {
                formula = "\"\(inline)\""
            } else {
                longLists.append(list)
                ensureColumnNames(longLists.count)
                let listColumn = String(decoding: columnNames[longLists.count - 1], as: UTF8.self)
                formula = "'\(Self.listSheetName)'!$\(listColumn)$1:$\(listColumn)$\(list.count)"
            }
            validations.append("""
            <dataValidation type="list" allowBlank="1" showInputMessage="1" showErrorMessage="1" \
            sqref="\(letters)\(firstDataRow):\(letters)\(Self.maxRows)"><formula1>\(XMLEscaping.escaped(formula))</formula1></dataValidation>
            """)
        }
        if !validations.isEmpty {
            xml += Array("<dataValidations count=\"\(validations.count)\">\(validations.joined())</dataValidations>".utf8)
        }
        xml += Array("<pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/>".utf8)
        if sheet.commentCount > 0 {
            xml += Array("<legacyDrawing r:id=\"rId1\"/>".utf8)
        }
        xml += Array("</worksheet>".utf8)
        return xml
    }

    private func ensureColumnNames(_ count: Int) {
        while columnNames.count < count {
            columnNames.append(Array(ColumnLetters.letters(ofIndex: columnNames.count).utf8))
        }
    }

    private func appendCell(_ cell: OutputCell, style: Int, column: Int, row: Int, to buffer: inout [UInt8]) {
        if case .empty = cell.value, style == 0 { return }
        buffer.append(contentsOf: "<c r=\"".utf8)
        buffer.append(contentsOf: columnNames[column])
        appendDecimal(row, to: &buffer)
        buffer.append(UInt8(ascii: "\""))
        if style != 0 {
            buffer.append(contentsOf: " s=\"".utf8)
            appendDecimal(style, to: &buffer)
            buffer.append(UInt8(ascii: "\""))
        }
        switch cell.value {
        case .empty:
            buffer.append(contentsOf: "/>".utf8)
        case .text(let text):
            appendInlineString(text, to: &buffer)
        case .number(let number):
            if Self.isXMLNumber(number.literal) {
                buffer.append(contentsOf: "><v>".utf8)
                buffer.append(contentsOf: number.literal.utf8)
                buffer.append(contentsOf: "</v></c>".utf8)
            } else {
                appendInlineString(number.literal, to: &buffer)
            }
        case .bool(let value):
            buffer.append(contentsOf: (value ? " t=\"b\"><v>1</v></c>" : " t=\"b\"><v>0</v></c>").utf8)
        case .error(let code):
            buffer.append(contentsOf: " t=\"e\"><v>".utf8)
            XMLEscaping.append(code, to: &buffer)
            buffer.append(contentsOf: "</v></c>".utf8)
        case .date(let date):
            if let serial = Self.serial(of: date) {
                buffer.append(contentsOf: "><v>".utf8)
                buffer.append(contentsOf: serial.utf8)
                buffer.append(contentsOf: "</v></c>".utf8)
            } else {
                appendInlineString(Self.isoText(date), to: &buffer)
            }
        }
    }

    private func appendInlineString(_ text: String, to buffer: inout [UInt8]) {
        buffer.append(contentsOf: " t=\"inlineStr\"><is><t xml:space=\"preserve\">".utf8)
        XMLEscaping.append(text, to: &buffer)
        buffer.append(contentsOf: "</t></is></c>".utf8)
    }

    private func appendDecimal(_ value: Int, to buffer: inout [UInt8]) {
        if value < 10 {
            buffer.append(UInt8(ascii: "0") + UInt8(value))
            return
        }
        appendDecimal(value / 10, to: &buffer)
        buffer.append(UInt8(ascii: "0") + UInt8(value % 10))
    }

    // MARK: - Values

    /// Excel refuses (with a repair prompt) cells longer than 32,767 UTF-16 code units.
    private static func exceedsCellLimit(_ value: Cell) -> Bool {
        guard case .text(let text) = value else { return false }
        return Cell.overlongLength(of: text) != nil
    }

    /// Whether a literal is an `xsd:double` Excel reads as written (`12.50`, `-0.01`, `3.8E11`).
    static func isXMLNumber(_ literal: String) -> Bool {
        var bytes = literal.utf8[...]
        if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
        let isDigit: (UInt8) -> Bool = { $0 >= 0x30 && $0 <= 0x39 }
        let integer = bytes.prefix(while: isDigit)
        bytes = bytes.dropFirst(integer.count)
        var fraction = 0
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            fraction = bytes.prefix(while: isDigit).count
            bytes = bytes.dropFirst(fraction)
        }
        guard integer.count + fraction > 0 else { return false }
        if let e = bytes.first, e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
            let exponent = bytes.prefix(while: isDigit).count
            guard exponent > 0 else { return false }
            bytes = bytes.dropFirst(exponent)
        }
        return bytes.isEmpty
    }

    /// The Excel serial number of a date in the 1900 date system, or `nil` before 1900-01-01.
    ///
    /// Excel counts 1900-02-29, which did not exist (Lotus 1-2-3's leap-year bug), so serials
    /// from 1900-03-01 on are days since 1899-12-30 and earlier ones days since 1899-12-31.
    static func serial(of date: CellDate) -> String? {
        var days = 0
        if date.hasDate {
            days = DateSystem.daysFromCivil(date.year, date.month, date.day) - DateSystem.daysFromCivil(1899, 12, 30)
            if days < 61 { days -= 1 }
            guard days >= 1 else { return nil }
        }
        let seconds = date.hasTime ? date.hour * 3600 + date.minute * 60 + date.second : 0
        if seconds == 0 { return String(days) }
        return String(Double(days) + Double(seconds) / 86_400)
    }

    /// `YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS` or `HH:MM:SS`, the text used where a serial cannot be.
    static func isoText(_ date: CellDate) -> String {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        func four(_ n: Int) -> String { String(repeating: "0", count: max(0, 4 - String(n).count)) + String(n) }
        let day = "\(four(date.year))-\(two(date.month))-\(two(date.day))"
        let time = "\(two(date.hour)):\(two(date.minute)):\(two(date.second))"
        switch (date.hasDate, date.hasTime) {
        case (true, true): return "\(day) \(time)"
        case (false, true): return time
        default: return day
        }
    }


    // MARK: - Styles

    private func styleIndex(for cell: OutputCell) -> Int {
        var numberFormatID = 0
        switch cell.value {
        case .number(let number):
            if let code = number.formatCode, code != "General", Self.isXMLNumber(number.literal) {
                numberFormatID = numberFormatIDFor(code)
            }
        case .date(let date):
            if Self.serial(of: date) != nil {
                let code = date.hasDate ? (date.hasTime ? Self.dateTimeFormat : Self.dateFormat) : Self.timeFormat
                numberFormatID = numberFormatIDFor(code)
            }
        default:
            break
        }
        let key = FormatKey(style: cell.style, numberFormatID: numberFormatID)
        if let index = formats[key] { return index }
        formats[key] = formatOrder.count
        formatOrder.append(key)
        return formatOrder.count - 1
    }

    private func numberFormatIDFor(_ code: String) -> Int {
        if let id = numberFormats[code] { return id }
        let id = 164 + numberFormatOrder.count
        numberFormats[code] = id
        numberFormatOrder.append(code)
        return id
    }

    private func stylesXML() -> String {
        var xml = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
        """
        if !numberFormatOrder.isEmpty {
            xml += "<numFmts count=\"\(numberFormatOrder.count)\">"
            for (offset, code) in numberFormatOrder.enumerated() {
                xml += "<numFmt numFmtId=\"\(164 + offset)\" formatCode=\"\(XMLEscaping.escaped(code))\"/>"
            }
            xml += "</numFmts>"
        }
        xml += """
        <fonts count="2">\
        <font><sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/><scheme val="minor"/></font>\
        <font><b/><sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/><scheme val="minor"/></font>\
        </fonts>\
        <fills count="3">\
        <fill><patternFill patternType="none"/></fill>\
        <fill><patternFill patternType="gray125"/></fill>\
        <fill><patternFill patternType="solid"><fgColor rgb="FFFFC7CE"/><bgColor indexed="64"/></patternFill></fill>\
        </fills>\
        <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
        <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
        """
        xml += "<cellXfs count=\"\(formatOrder.count)\">"
        for key in formatOrder {
            let font = key.style == .header ? 1 : 0
            let fill = key.style == .highlighted ? 2 : 0
            xml += "<xf numFmtId=\"\(key.numberFormatID)\" fontId=\"\(font)\" fillId=\"\(fill)\" borderId=\"0\" xfId=\"0\""
            if key.numberFormatID != 0 { xml += " applyNumberFormat=\"1\"" }
            if font != 0 { xml += " applyFont=\"1\"" }
            if fill != 0 { xml += " applyFill=\"1\"" }
            xml += "/>"
        }
        xml += """
        </cellXfs>\
        <cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
        <dxfs count="0"/><tableStyles count="0"/></styleSheet>
        """
        return xml
    }

    // MARK: - Comments

    private func addComment(_ text: String, column: Int, row: Int, sheet: inout OpenSheet) throws {
        if sheet.comments == nil {
            sheet.comments = try Spool(path: path)
            sheet.shapes = try Spool(path: path)
            // Each drawing claims whole blocks of 1,024 shape ids (`o:idmap`); start on a fresh one.
            nextShapeID = (nextShapeID / 1024 + 1) * 1024
            sheet.firstShapeID = nextShapeID + 1
        }
        nextShapeID += 1
        sheet.commentCount += 1
        let reference = String(decoding: columnNames[column], as: UTF8.self) + String(row)
        var xml: [UInt8] = Array("<comment ref=\"\(reference)\" authorId=\"0\"><text><r><rPr><sz val=\"9\"/><rFont val=\"Tahoma\"/><family val=\"2\"/></rPr><t xml:space=\"preserve\">".utf8)
        XMLEscaping.append(text, to: &xml)
        xml += Array("</t></r></text></comment>".utf8)
        try sheet.comments!.write(xml)
        // The anchor puts the note box to the right of the cell; rows and columns are 0-based here.
        let shape = """
        <v:shape id="_x0000_s\(nextShapeID)" type="#_x0000_t202" \
        style="position:absolute;margin-left:59.25pt;margin-top:1.5pt;width:144pt;height:60pt;z-index:\(sheet.commentCount);visibility:hidden" \
        fillcolor="#ffffe1" o:insetmode="auto"><v:fill color2="#ffffe1"/><v:shadow on="t" color="black" obscured="t"/>\
        <v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div></v:textbox>\
        <x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>\
        <x:Anchor>\(column + 1), 15, \(max(row - 2, 0)), 10, \(column + 3), 15, \(max(row - 2, 0) + 4), 4</x:Anchor>\
        <x:AutoFill>False</x:AutoFill><x:Row>\(row - 1)</x:Row><x:Column>\(column)</x:Column></x:ClientData></v:shape>
        """
        try sheet.shapes!.write(Array(shape.utf8))
    }

    private func writeComments(_ sheet: OpenSheet) throws {
        let n = sheet.index
        let author = XMLEscaping.escaped(properties.creator ?? "clientimport")
        try zip.beginEntry("xl/comments\(n).xml")
        try zip.write("""
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
        <authors><author>\(author)</author></authors><commentList>
        """)
        try sheet.comments!.copy(to: zip)
        try zip.write("</commentList></comments>")
        try zip.endEntry()

        let firstBlock = sheet.firstShapeID / 1024
        let lastBlock = (sheet.firstShapeID + sheet.commentCount - 1) / 1024
        let blocks = (firstBlock...lastBlock).map(String.init).joined(separator: ",")
        try zip.beginEntry("xl/drawings/vmlDrawing\(n).vml")
        try zip.write("""
        <xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" \
        xmlns:x="urn:schemas-microsoft-com:office:excel">\
        <o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="\(blocks)"/></o:shapelayout>\
        <v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe">\
        <v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>
        """)
        try sheet.shapes!.copy(to: zip)
        try zip.write("</xml>")
        try zip.endEntry()

        try writeEntry("xl/worksheets/_rels/sheet\(n).xml.rels", """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/vmlDrawing" Target="../drawings/vmlDrawing\(n).vml"/>\
        <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" Target="../comments\(n).xml"/>\
        </Relationships>
        """)
    }

    // MARK: - Workbook parts

    private func writeEntry(_ name: String, _ content: String) throws {
        try zip.beginEntry(name)
        try zip.write(content)
        try zip.endEntry()
    }

    private func writeListSheet() throws {
        let index = sheets.count + 1
        sheets.append(SheetRecord(name: Self.listSheetName, index: index, hasComments: false, hidden: true))
        try zip.beginEntry("xl/worksheets/sheet\(index).xml")
        try zip.write(sheetHead(SheetLayout(name: Self.listSheetName), selected: false))
        let longest = longLists.map(\.count).max() ?? 0
        ensureColumnNames(longLists.count)
        for row in 0..<longest {
            let cells = longLists.map { row < $0.count ? OutputCell(.text($0[row])) : OutputCell(.empty) }
            var buffer = Array("<row r=\"\(row + 1)\">".utf8)
            for (column, cell) in cells.enumerated() {
                appendCell(cell, style: 0, column: column, row: row + 1, to: &buffer)
            }
            buffer += Array("</row>".utf8)
            try zip.write(buffer)
        }
        try zip.write("</sheetData><pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/></worksheet>")
        try zip.endEntry()
    }

    private func workbookXML() -> String {
        let firstVisible = sheets.firstIndex { !$0.hidden } ?? 0
        var xml = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
        xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
        <workbookPr/><bookViews><workbookView activeTab="\(firstVisible)"/></bookViews><sheets>
        """
        for sheet in sheets {
            xml += "<sheet name=\"\(XMLEscaping.escaped(sheet.name))\" sheetId=\"\(sheet.index)\""
            if sheet.hidden { xml += " state=\"hidden\"" }
            xml += " r:id=\"rId\(sheet.index)\"/>"
        }
        xml += "</sheets></workbook>"
        return xml
    }

    private func workbookRelsXML() -> String {
        var xml = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
        """
        for sheet in sheets {
            xml += "<Relationship Id=\"rId\(sheet.index)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet\(sheet.index).xml\"/>"
        }
        xml += "<Relationship Id=\"rId\(sheets.count + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
        xml += "</Relationships>"
        return xml
    }

    private func rootRelsXML() -> String {
        """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>\
        <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>\
        <Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>\
        </Relationships>
        """
    }

    private func coreXML() -> String {
        let now = utcTimestamp()
        var xml = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" \
        xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" \
        xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
        """
        if let title = properties.title { xml += "<dc:title>\(XMLEscaping.escaped(title))</dc:title>" }
        if let creator = properties.creator {
            xml += "<dc:creator>\(XMLEscaping.escaped(creator))</dc:creator>"
            xml += "<cp:lastModifiedBy>\(XMLEscaping.escaped(creator))</cp:lastModifiedBy>"
        }
        xml += "<dcterms:created xsi:type=\"dcterms:W3CDTF\">\(now)</dcterms:created>"
        xml += "<dcterms:modified xsi:type=\"dcterms:W3CDTF\">\(now)</dcterms:modified>"
        xml += "</cp:coreProperties>"
        return xml
    }

    private func appXML() -> String {
        let visible = sheets.filter { !$0.hidden }
        var xml = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" \
        xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">\
        <Application>clientimport</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>\
        <HeadingPairs><vt:vector size="2" baseType="variant"><vt:variant><vt:lpstr>Worksheets</vt:lpstr></vt:variant>\
        <vt:variant><vt:i4>\(sheets.count)</vt:i4></vt:variant></vt:vector></HeadingPairs>\
        <TitlesOfParts><vt:vector size="\(sheets.count)" baseType="lpstr">
        """
        for sheet in visible + sheets.filter(\.hidden) {
            xml += "<vt:lpstr>\(XMLEscaping.escaped(sheet.name))</vt:lpstr>"
        }
        xml += "</vt:vector></TitlesOfParts><AppVersion>16.0300</AppVersion></Properties>"
        return xml
    }

    private func contentTypesXML() -> String {
        var xml = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
        <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
        <Default Extension="xml" ContentType="application/xml"/>\
        <Default Extension="vml" ContentType="application/vnd.openxmlformats-officedocument.vmlDrawing"/>\
        <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
        <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
        <Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>\
        <Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>
        """
        for sheet in sheets {
            xml += "<Override PartName=\"/xl/worksheets/sheet\(sheet.index).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
            if sheet.hasComments {
                xml += "<Override PartName=\"/xl/comments\(sheet.index).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml\"/>"
            }
        }
        xml += "</Types>"
        return xml
    }
}

/// An anonymous temporary file (gone when closed) that holds a part until it can be zipped.
final class Spool {
    private var handle: UnsafeMutablePointer<FILE>?
    private let path: String

    init(path: String) throws {
        self.path = path
        guard let handle = tmpfile() else {
            throw WorkbookError(.writeFailed, file: path, "cannot create a temporary file: \(String(cString: strerror(errno)))")
        }
        self.handle = handle
    }

    deinit {
        if let handle { fclose(handle) }
    }

    func write(_ bytes: [UInt8]) throws {
        let written = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, handle) }
        guard written == bytes.count else {
            throw WorkbookError(.writeFailed, file: path, "cannot write a temporary file: \(String(cString: strerror(errno)))")
        }
    }

    func copy(to zip: ZipWriter) throws {
        rewind(handle)
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBufferPointer { fread($0.baseAddress, 1, $0.count, handle) }
            if count > 0 { try zip.write(Array(chunk[0..<count])) }
            if count < chunk.count {
                guard ferror(handle) == 0 else {
                    throw WorkbookError(.writeFailed, file: path, "cannot read back a temporary file")
                }
                break
            }
        }
    }
}

/// The current time as `2026-12-01T03:40:00Z`. Built with `gmtime_r`: Foundation's
/// `ISO8601DateFormatter` crashed here when several writers ran at once.
func utcTimestamp() -> String {
    var seconds = time(nil)
    var parts = tm()
    gmtime_r(&seconds, &parts)
    return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                  Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
}
