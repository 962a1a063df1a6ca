import Foundation
import Testing
import TestSupport
@testable import Workbook

// Workbooks as other programs write them, read as the best readers (python-calamine, openpyxl)
// read them: the same file goes through calamine and through us, and every cell must agree.

/// Every cell of the first sheet as `displayText`, and the reader's warnings.
func readSheet(_ path: String) throws -> (cells: [[String]], warnings: [WorkbookWarning]) {
    let rows = try XLSXReader(path: path).rows()
    var cells: [[String]] = []
    while let row = try rows.nextRow() {
        while cells.count < row.number - 1 { cells.append([]) }
        cells.append(row.cells.map(\.displayText))
    }
    return (cells, rows.warnings)
}

/// python-calamine's reading of the first sheet (trailing empty cells dropped); dates as ISO
/// 8601 with milliseconds, trailing zeros dropped (what `displayText` shows). A missing
/// python-calamine is a failure with the install hint, never a skip.
func calamineCells(_ path: String, sheet: String? = nil) throws -> [[String]] {
    let script = #"""
        import sys, datetime, json
        try:
            from python_calamine import CalamineWorkbook
        except ImportError:
            sys.exit("python-calamine is missing; install it with `pip install python-calamine`")
        def show(v):
            if isinstance(v, datetime.datetime):
                s = v.strftime("%Y-%m-%dT%H:%M:%S")
                ms = round(v.microsecond / 1000)
                return s + ("." + ("%03d" % ms).rstrip("0") if ms else "")
            if isinstance(v, datetime.date): return v.isoformat()
            if isinstance(v, datetime.time): return v.strftime("%H:%M:%S")
            if isinstance(v, float) and v.is_integer() and abs(v) < 1e15: return str(int(v))
            if isinstance(v, bool): return "TRUE" if v else "FALSE"
            return str(v)
        book = CalamineWorkbook.from_path(sys.argv[1])
        sheet = book.get_sheet_by_name(sys.argv[2]) if len(sys.argv) > 2 else book.get_sheet_by_index(0)
        rows = sheet.to_python(skip_empty_area=False)
        out = []
        for row in rows:
            cells = [show(v) for v in row]
            while cells and cells[-1] == "": cells.pop()
            out.append(cells)
        print(json.dumps(out))
        """#
    let json = try Interop.python(script, [path] + (sheet.map { [$0] } ?? []))
    return try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String]])
}

/// Our cells with trailing empty cells dropped, to compare with calamine's lines.
func trimmed(_ cells: [[String]]) -> [[String]] {
    cells.map { row in
        var row = row
        while row.last == "" { row.removeLast() }
        return row
    }
}

@Suite struct CalamineInteropTests {
    /// Every cell of the real writers' fixtures as calamine reads it. Where the two disagree,
    /// ours follows the cell's number format and calamine the value: each such cell is listed.
    @Test(arguments: ["openpyxl", "xlsxwriter", "libreoffice", "date1904", "edge"])
    func realWritersFixturesAgreeWithCalamine(name: String) throws {
        let path = fixture(name + ".xlsx")
        let explained: [String: (ours: String, calamine: String)] = [
            // A date-time format on midnight: calamine gives a date because the time is zero.
            "openpyxl.xlsx E2": ("2023-03-15T00:00:00", "2023-03-15"),
            // Serial 0 in a date format (1904 system): calamine gives a time because it is below 1.
            "date1904.xlsx A1": ("1904-01-01", "00:00:00"),
            // A date-only format on 10:30: the format shows no time (issue 17), calamine's value does.
            "xlsxwriter.xlsx E3": ("2024-01-02", "2024-01-02T10:30:00"),
        ]
        let ours = trimmed(try readSheet(path).cells)
        let visible = try #require(try XLSXReader(path: path).sheets.first { !$0.isHidden })
        let theirs = try calamineCells(path, sheet: visible.name)
        var differences: [String] = []
        for r in 0..<max(ours.count, theirs.count) {
            let a = r < ours.count ? ours[r] : [], b = r < theirs.count ? theirs[r] : []
            for c in 0..<max(a.count, b.count) {
                let mine = c < a.count ? a[c] : "", calamine = c < b.count ? b[c] : ""
                guard mine != calamine else { continue }
                let cell = "\(name).xlsx \(ColumnLetters.letters(ofIndex: c))\(r + 1)"
                if let known = explained[cell], known == (mine, calamine) { continue }
                // Error values: ours as stored (`#N/A`), calamine's to_python gives an empty cell.
                if mine.hasPrefix("#") && calamine.isEmpty { continue }
                differences.append("\(cell): ours \(mine.debugDescription), calamine \(calamine.debugDescription)")
            }
        }
        #expect(differences.isEmpty, "\(differences)")
    }
}

@Suite struct DateFidelityTests {
    /// openpyxl writes the workbook in the given date system, with dates, date-times with and
    /// without fractions of a second, and times.
    func writeDates(epoch1904: Bool, in folder: TemporaryDirectory) throws -> String {
        let path = folder.file(epoch1904 ? "mac1904.xlsx" : "win1900.xlsx")
        let script = #"""
            import sys, datetime, openpyxl
            from openpyxl.utils.datetime import CALENDAR_MAC_1904
            wb = openpyxl.Workbook()
            if sys.argv[2] == "1904": wb.epoch = CALENDAR_MAC_1904
            ws = wb.active
            ws.append(["date", "date-time", "fraction", "time"])
            ws.append([datetime.date(2024, 3, 1), datetime.datetime(2024, 3, 1, 10, 20, 30),
                       datetime.datetime(2001, 1, 2, 3, 4, 5, 500000), datetime.time(7, 8, 9)])
            ws.append([datetime.date(1904, 1, 2), datetime.datetime(1999, 12, 31, 23, 59, 59, 125000),
                       datetime.datetime(2030, 6, 15, 0, 0, 0, 5000), datetime.time(23, 59, 58)])
            ws.append([datetime.date(1990, 12, 31), datetime.datetime(2024, 2, 29, 12, 0, 0),
                       datetime.datetime(1970, 1, 1, 0, 0, 1, 250000), datetime.time(0, 0, 1)])
            ws["A2"].number_format = "dd/mm/yyyy"
            ws["B2"].number_format = "yyyy-mm-dd hh:mm:ss"
            ws["C2"].number_format = "yyyy-mm-dd hh:mm:ss.000"
            wb.save(sys.argv[1])
            """#
        _ = try Interop.python(script, [path, epoch1904 ? "1904" : "1900"])
        return path
    }

    @Test(arguments: [true, false])
    func everyDateCellAgreesWithCalamine(epoch1904: Bool) throws {
        let folder = try TemporaryDirectory()
        let path = try writeDates(epoch1904: epoch1904, in: folder)
        let ours = try readSheet(path)
        #expect(try XLSXReader(path: path).date1904 == epoch1904)
        #expect(trimmed(ours.cells) == (try calamineCells(path)))
        // Spelled out, so a shared mistake of both readers would show too.
        #expect(ours.cells[1] == ["2024-03-01", "2024-03-01T10:20:30", "2001-01-02T03:04:05.5", "07:08:09"])
        #expect(ours.cells[2] == ["1904-01-02", "1999-12-31T23:59:59.125", "2030-06-15T00:00:00.005", "23:59:58"])
        #expect(ours.warnings.isEmpty)
    }

    @Test func serialFractionsAreKeptToTheMillisecond() throws {
        func show(_ serial: Double, date1904: Bool = false) -> String? {
            DateSystem.date(serial: serial, date1904: date1904, hasDate: true, hasTime: true)?.isoText
        }
        #expect(show(45352.5) == "2024-03-01T12:00:00")
        #expect(show(45352.5 + 0.25 / 86_400) == "2024-03-01T12:00:00.25")
        #expect(show(45352.5 + 0.001 / 86_400) == "2024-03-01T12:00:00.001")
        // 23:59:59.9996 rounds to the next day, never to "24:00:00".
        #expect(show(45352 + 86_399.9996 / 86_400) == "2024-03-02T00:00:00")
        // The 1904 system: serial 0 is 1904-01-01; the same serial is 1,462 days later than in 1900.
        #expect(show(0, date1904: true) == "1904-01-01T00:00:00")
        #expect(show(43890.75, date1904: true) == "2024-03-01T18:00:00")
    }

    @Test func isoDateCellsKeepTheirText() throws {
        let folder = try TemporaryDirectory()
        let values = ["2024-03-01T10:20:30.125Z", "2024-03-01", "2024-03-01T10:20:30+02:00", "10:20:30.5", "1999-12-31T23:59:59"]
        let cells = values.enumerated().map { #"<c r="\#(ColumnLetters.letters(ofIndex: $0.offset))1" t="d"><v>\#($0.element)</v></c>"# }.joined()
        let path = try HostileZip.workbook(sheet: HostileZip.sheet(#"<row r="1">\#(cells)</row>"#)).write(in: folder)
        let rows = try XLSXReader(path: path).rows()
        let row = try #require(try rows.nextRow())
        #expect(row.cells.map(\.displayText) == values)
        guard case .date(let date) = row.cells[0] else { Issue.record("not a date: \(row.cells[0])"); return }
        #expect(date.year == 2024 && date.hour == 10 && date.second == 30 && date.hasDate && date.hasTime)
    }
}

@Suite struct PartDiscoveryTests {
    /// A workbook laid out as a non-Excel writer might: the workbook part at `book/main.xml`,
    /// a sheet named with a space (percent-encoded in its relationship), strings at an
    /// absolute target, nothing at Excel's usual names.
    func relocatedWorkbook(in folder: TemporaryDirectory, packageRels: Bool = true) throws -> String {
        var zip = HostileZip()
        zip.add("[Content_Types].xml", #"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>"#)
        if packageRels {
            zip.add("_rels/.rels", #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="book/main.xml"/></Relationships>"#)
        }
        zip.add("book/main.xml", #"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><workbookPr date1904="1"/><sheets><sheet name="Hidden" sheetId="1" state="hidden" r:id="rId7"/><sheet name="Data" sheetId="2" r:id="rId3"/></sheets></workbook>"#)
        zip.add("book/_rels/main.xml.rels", #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="tabs/first%20tab.xml"/><Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="tabs/other.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="/book/strings.xml"/><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="look.xml"/></Relationships>"#)
        zip.add("book/tabs/first tab.xml", HostileZip.sheet(#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" s="1"><v>43890</v></c></row>"#))
        zip.add("book/tabs/other.xml", HostileZip.sheet(#"<row r="1"><c r="A1" t="s"><v>1</v></c></row>"#))
        zip.add("book/strings.xml", #"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>hello</t></si><si><t>hidden</t></si></sst>"#)
        zip.add("book/look.xml", #"<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs></styleSheet>"#)
        return try zip.write(in: folder, "relocated.xlsx")
    }

    @Test func partsAreFoundThroughTheRelationships() throws {
        let folder = try TemporaryDirectory()
        let path = try relocatedWorkbook(in: folder)
        let reader = try XLSXReader(path: path)
        #expect(reader.sheets.map(\.name) == ["Hidden", "Data"])
        let data = try readSheet(path)
        // Serial 43890 in the 1904 system is 2024-03-01 (it would be 2020-02-28 in 1900's).
        #expect(data.cells == [["hello", "2024-03-01"]])
        #expect(data.warnings.isEmpty, "\(data.warnings)")
        let hidden = try reader.rows(sheet: .name("Hidden"))
        #expect(try hidden.nextRow()?.cells == [.text("hidden")])
    }

    @Test func aPackageWithoutItsRelationshipsIsReadWithAWarning() throws {
        let folder = try TemporaryDirectory()
        // Without `_rels/.rels` nothing names book/main.xml: the reader says what it looked for.
        let path = try relocatedWorkbook(in: folder, packageRels: false)
        let error = #expect(throws: WorkbookError.self) { try XLSXReader(path: path) }
        #expect(error?.kind == .notAWorkbook)
        #expect(error?.description.contains("xl/workbook.xml") == true)

        // Excel's own layout without `_rels/.rels` (some zip tools drop dot-folders) reads, and says so.
        let plain = try HostileZip.workbook(sheet: HostileZip.sheet(#"<row r="1"><c r="A1"><v>1</v></c></row>"#),
                                            packageRelationships: false).write(in: folder)
        let read = try readSheet(plain)
        #expect(read.cells == [["1"]])
        #expect(read.warnings.count == 1)
        #expect(read.warnings.first?.description.contains("_rels/.rels") == true)
    }

    @Test func aSheetWithoutARelationshipIsGuessedWithAWarning() throws {
        let folder = try TemporaryDirectory()
        var zip = HostileZip.workbook(sheet: HostileZip.sheet(#"<row r="1"><c r="A1"><v>5</v></c></row>"#))
        zip.members[1].data = Array(#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>"#.utf8)
        let read = try readSheet(try zip.write(in: folder))
        #expect(read.cells == [["5"]])
        #expect(read.warnings.map(\.message).contains { $0.contains("Clients") && $0.contains("xl/worksheets/sheet1.xml") })
    }

    @Test func aMemberStoredUnderItsEncodedNameIsFoundToo() throws {
        // OPC's own mapping keeps the escape in the zip member's name.
        let folder = try TemporaryDirectory()
        var zip = HostileZip.workbook(sheet: HostileZip.sheet(#"<row r="1"><c r="A1"><v>9</v></c></row>"#), sheetTarget: "worksheets/my%20sheet.xml")
        zip.members[2].name = "xl/worksheets/my%20sheet.xml"
        #expect(try readSheet(try zip.write(in: folder)).cells == [["9"]])
    }

    @Test func percentEscapesInTargetsAreDecoded() {
        #expect(XLSXReader.resolve("tabs/first%20tab.xml", against: "book/") == "book/tabs/first tab.xml")
        #expect(XLSXReader.resolve("/xl/%D0%9B%D0%B8%D1%81%D1%82.xml", against: "book/") == "xl/Лист.xml")
        // Not an escape, or not UTF-8 once decoded: kept as written.
        #expect(XLSXReader.resolve("a%zz.xml", against: "") == "a%zz.xml")
        #expect(XLSXReader.resolve("a%FF.xml", against: "") == "a%FF.xml")
    }
}

@Suite struct ToleratedDamageTests {
    /// A workbook whose relationships list `xl/sharedStrings.xml`, which the archive lacks.
    func missingSharedStrings(sheet: String, in folder: TemporaryDirectory) throws -> String {
        var zip = HostileZip.workbook(sheet: HostileZip.sheet(sheet))
        zip.members[1].data = Array(String(decoding: zip.members[1].data, as: UTF8.self)
            .replacingOccurrences(of: "</Relationships>", with: HostileZip.sharedStringsRelationship + "</Relationships>").utf8)
        zip.add("[Content_Types].xml", #"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#)
        return try zip.write(in: folder)
    }

    @Test func listedButAbsentSharedStringsAreToleratedWhenNoCellUsesThem() throws {
        let folder = try TemporaryDirectory()
        let path = try missingSharedStrings(sheet: #"<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c><c r="B1"><v>42</v></c></row>"#, in: folder)
        let read = try readSheet(path)
        #expect(read.cells == [["Name", "42"]])
        #expect(trimmed(read.cells) == (try calamineCells(path)))
        #expect(read.warnings.count == 1)
        #expect(read.warnings.first?.description.contains("xl/sharedStrings.xml") == true)
        #expect(read.warnings.first?.description.contains("missing") == true)
    }

    @Test func aCellPointingIntoAbsentSharedStringsNamesThePart() throws {
        let folder = try TemporaryDirectory()
        let path = try missingSharedStrings(sheet: #"<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c></row><row r="2"><c r="C2" t="s"><v>0</v></c></row>"#, in: folder)
        let error = #expect(throws: WorkbookError.self) { try readSheet(path) }
        #expect(error?.kind == .corrupt)
        #expect(error?.description.contains("C2") == true)
        #expect(error?.description.contains("xl/sharedStrings.xml is missing") == true, "\(String(describing: error))")
    }

    @Test func loneSurrogatesBecomeReplacementCharactersWithAWarning() throws {
        let folder = try TemporaryDirectory()
        // In a sheet's inline string, in a formula's cached string and in a shared string; a
        // proper pair still decodes; on the scanner's path and on libxml2's (the `<r>` run).
        let path = try HostileZip.workbook(
            sheet: HostileZip.sheet(#"<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" t="inlineStr"><is><t>Jo_xD800_hn</t></is></c><c r="C2" t="str"><f>A2</f><v>_xDC00_x</v></c><c r="D2" t="inlineStr"><is><t>_xD83D__xDE00_</t></is></c></row><row r="3"><c r="A3" t="inlineStr"><is><r><t>a_xDBFF_</t></r></is></c></row>"#),
            sharedStrings: "<sst><si><t>x_xDC00__xD800_</t></si></sst>").write(in: folder)
        let read = try readSheet(path)
        #expect(read.cells == [[], ["x\u{FFFD}\u{FFFD}", "Jo\u{FFFD}hn", "\u{FFFD}x", "😀"], ["a\u{FFFD}"]])
        let places = read.warnings.map { "\($0.part ?? "") \($0.row.map(String.init) ?? "-")" }
        #expect(places == ["xl/sharedStrings.xml -", "xl/worksheets/sheet1.xml 2", "xl/worksheets/sheet1.xml 2", "xl/worksheets/sheet1.xml 3"], "\(read.warnings)")
        #expect(read.warnings.allSatisfy { $0.message.contains("surrogate") && $0.message.contains("U+FFFD") })
        #expect(read.warnings[1].message.contains("B2") && read.warnings[2].message.contains("C2"))
    }

    @Test func warningsAreBoundedWhenEveryCellIsDamaged() throws {
        let folder = try TemporaryDirectory()
        let rows = (1...500).map { #"<row r="\#($0)"><c r="A\#($0)" t="inlineStr"><is><t>_xD800_</t></is></c></row>"# }.joined()
        let read = try readSheet(try HostileZip.workbook(sheet: HostileZip.sheet(rows)).write(in: folder))
        #expect(read.cells.count == 500)
        #expect(read.warnings.count == WorkbookWarning.limit)
    }

    @Test func warningsSurviveTheReadAheadThread() throws {
        let folder = try TemporaryDirectory()
        let rows = (1...3_000).map { #"<row r="\#($0)"><c r="A\#($0)" t="inlineStr"><is><t>\#($0 == 2_500 ? "_xD800_" : "ok")</t></is></c></row>"# }.joined()
        let path = try HostileZip.workbook(sheet: HostileZip.sheet(rows)).write(in: folder)
        let reader = ReadAheadRows(try XLSXReader(path: path).rows(), chunkRows: 100)
        var count = 0
        while try reader.nextRow() != nil { count += 1 }
        #expect(count == 3_000)
        #expect(reader.warnings.map(\.row) == [2_500])
    }
}

@Suite struct CellLimitTests {
    /// Inline strings, formula strings and shared strings all hold at most 32,767 characters
    /// (UTF-16 code units, as Excel counts), whatever the bytes.
    @Test(arguments: [("x", 32_767, true), ("x", 32_768, false), ("é", 32_767, true), ("é", 32_768, false),
                      ("😀", 16_383, true), ("😀", 16_384, false), ("_x0041_", 32_767, true), ("_x0041_", 32_768, false)])
    func everyKindOfStringHasExcelsLimit(unit: String, count: Int, fits: Bool) throws {
        let folder = try TemporaryDirectory()
        let text = String(repeating: unit, count: count)
        let kinds = [
            ("inline", HostileZip.workbook(sheet: HostileZip.sheet(#"<row r="1"><c r="A1" t="inlineStr"><is><t>\#(text)</t></is></c></row>"#))),
            ("rich inline", HostileZip.workbook(sheet: HostileZip.sheet(#"<row r="1"><c r="A1" t="inlineStr"><is><r><t>\#(text)</t></r></is></c></row>"#))),
            ("formula", HostileZip.workbook(sheet: HostileZip.sheet(#"<row r="1"><c r="A1" t="str"><f>B1</f><v>\#(text)</v></c></row>"#))),
            ("shared", HostileZip.workbook(sheet: HostileZip.sheet(#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#),
                                           sharedStrings: "<sst><si><t>\(text)</t></si></sst>")),
        ]
        for (kind, zip) in kinds {
            let path = try zip.write(in: folder, "\(kind).xlsx")
            if fits {
                let read = try readSheet(path)
                #expect(read.cells.first?.first?.utf16.count == count * (unit == "😀" ? 2 : 1), "\(kind)")
            } else {
                let error = #expect(throws: WorkbookError.self, "\(kind)") { try readSheet(path) }
                #expect(error?.description.contains("32,767 characters") == true, "\(kind): \(String(describing: error))")
                #expect(error?.description.contains(kind == "shared" ? "shared string 0" : "A1") == true, "\(kind): \(String(describing: error))")
            }
        }
    }
}

@Suite struct SpooledDumpTests {
    /// The one-pass dump (rows spooled without padding, padded on the way out) must print what
    /// the buffered one does, whether the spool stays in memory or goes to its temporary file
    /// after every line.
    @Test(arguments: [1, 100, CellDump.spoolMemory])
    func spooledDumpEqualsTheBufferedOne(spoolMemory: Int) throws {
        let folder = try TemporaryDirectory()
        // Rows of changing widths, gaps, text that needs escaping, a wide row late on.
        var rows = ""
        for r in stride(from: 2, through: 400, by: 3) {
            let width = r == 397 ? 30 : 1 + r % 7
            let cells = (0..<width).map { c in
                #"<c r="\#(ColumnLetters.letters(ofIndex: c * (r % 2 + 1)))\#(r)" t="inlineStr"><is><t xml:space="preserve">r\#(r)\#t\#(c)\\é&#10;x</t></is></c>"#
            }.joined()
            rows += #"<row r="\#(r)">\#(cells)</row>"#
        }
        let generated = try HostileZip.workbook(sheet: HostileZip.sheet(rows)).write(in: folder)
        for (path, sheet) in [(generated, SheetSelector.firstVisible), (fixture("edge.xlsx"), .firstVisible),
                              (fixture("edge.xlsx"), .name("Dates")), (fixture("edge.xlsx"), .name("Empty"))] {
            var buffered = ""
            try CellDump.tsv(XLSXReader(path: path).rows(sheet: sheet), to: { buffered += $0 })
            var spooled: [UInt8] = []
            try CellDump.tsv(XLSXReader(path: path).rows(sheet: sheet), spoolMemory: spoolMemory) { spooled += $0 }
            #expect(String(decoding: spooled, as: UTF8.self) == buffered, "\(path) \(sheet)")
        }
    }

    /// `<dimension>` is not read for the width: one narrower than the rows or wider than any
    /// of them, and none at all, give the grid of the rows themselves.
    @Test(arguments: [#"<dimension ref="A1:B2"/>"#, #"<dimension ref="A1:Z9"/>"#, ""])
    func theWidthComesFromTheRowsNotDimension(dimension: String) throws {
        let folder = try TemporaryDirectory()
        let rows = #"<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c><c r="B1" t="inlineStr"><is><t>b</t></is></c></row><row r="3"><c r="E3" t="inlineStr"><is><t>e</t></is></c></row>"#
        let sheet = #"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\#(dimension)<sheetData>\#(rows)</sheetData></worksheet>"#
        let path = try HostileZip.workbook(sheet: sheet).write(in: folder)
        var spooled: [UInt8] = []
        try CellDump.tsv(XLSXReader(path: path).rows(), spoolMemory: 1) { spooled += $0 }
        #expect(String(decoding: spooled, as: UTF8.self) == "a\tb\t\t\t\n\t\t\t\t\n\t\t\t\te\n")
    }

    /// Lines are held padded to the widest row so far; rows before a wider one are padded
    /// again on the way out. Widths that grow row after row (each spooled batch to its own
    /// width), the widest row first, last, or after the spool went to its file, and rows
    /// narrower than the first: always the buffered dump, handed out in whole lines.
    @Test(arguments: [1, 64, 4096, CellDump.spoolMemory])
    func rowsBeforeAWiderRowArePaddedAgain(spoolMemory: Int) throws {
        let folder = try TemporaryDirectory()
        let shapes: [[Int]] = [
            Array(1...300),                                   // wider on every row
            [40] + Array(repeating: 3, count: 300),           // the widest first
            Array(repeating: 2, count: 300) + [5, 1, 60],     // the widest last, after narrower
            Array(repeating: 7, count: 150) + [2] + Array(repeating: 9, count: 150),
        ]
        for widths in shapes {
            // Rows r = 2, 4, 6…: gaps become blank lines, padded like any other.
            let rows = widths.enumerated().map { index, width in
                let r = 2 * index + 2
                let cells = (0..<width).map { c in
                    #"<c r="\#(ColumnLetters.letters(ofIndex: c))\#(r)" t="inlineStr"><is><t>\#(c == width - 1 ? "e\\" + String(r) : String(c))</t></is></c>"#
                }.joined()
                return #"<row r="\#(r)">\#(cells)</row>"#
            }.joined()
            let path = try HostileZip.workbook(sheet: HostileZip.sheet(rows)).write(in: folder)
            var buffered = ""
            try CellDump.tsv(XLSXReader(path: path).rows(), to: { buffered += $0 })
            var chunks: [[UInt8]] = []
            try CellDump.tsv(XLSXReader(path: path).rows(), spoolMemory: spoolMemory) { chunks.append(Array($0)) }
            #expect(String(decoding: chunks.joined(), as: UTF8.self) == buffered, "widths \(widths.prefix(3))…")
            #expect(chunks.allSatisfy { $0.last == 0x0A }, "whole lines")
            // The same through the generic path (rows as `Cell`s, not the sheet's bytes).
            var generic: [UInt8] = []
            try CellDump.tsv(ReadAheadRows(XLSXReader(path: path).rows()), spoolMemory: spoolMemory) { generic += $0 }
            #expect(String(decoding: generic, as: UTF8.self) == buffered, "generic path, widths \(widths.prefix(3))…")
        }
    }
}
