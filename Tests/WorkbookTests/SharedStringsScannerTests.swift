import Testing
import TestSupport
@testable import Workbook

/// The shared-string scanner against libxml2's SAX path on the same parts: both must make the
/// same table, and the scanner must decide the shapes writers produce rather than hand them on.
@Suite struct SharedStringsScannerTests {
    /// Both readings of a workbook whose shared-string part holds `items`: the scanner's (nil
    /// when it handed the part to libxml2) and libxml2's alone.
    func readings(_ items: [String], in folder: TemporaryDirectory) throws -> (scanned: [String]?, parsed: [String]) {
        let path = try workbook(rows: "", sharedStrings: items, in: folder)
        let archive = try ZipArchive(path: path)
        let entry = try #require(archive.entry(named: "xl/sharedStrings.xml"))
        let scanned = try SharedStrings.scan(archive.open(entry), file: path)
        let parsed = try SharedStrings.parse(archive.open(entry), file: path)
        func strings(_ table: SharedStrings) -> [String] {
            let cache = SharedStringsCache()
            return (0..<table.count).map { table.string(at: $0, cache: cache) ?? "<unreadable>" }
        }
        return (scanned.map(strings), strings(parsed))
    }

    @Test func writersShapesAreScannedAndMatchLibxml2() throws {
        let folder = try TemporaryDirectory()
        let items = [
            "<si><t>plain</t></si>",
            "<si><t/></si>",
            "<si/>",
            "<si><t></t></si>",
            "<si><t xml:space=\"preserve\">  spaced  </t></si>",
            "<si>\n  <t>indented</t>\n</si>",
            "<si><t>Олександр, вул. Хрещатик 1 — ✓ 😀</t></si>",
            "<si><t>a &amp; b &lt;c&gt; &quot;&apos; &#x41;&#66;</t></si>",
            "<si><t>line\nfeed\tand tab</t></si>",
            "<si><t>escaped_x000D_return _x005F_x0041_</t></si>",
            "<si><r><rPr><b/><sz val=\"11\"/><color theme=\"1\"/><rFont val=\"Calibri\"/></rPr><t>rich</t></r><r><t xml:space=\"preserve\"> text</t></r></si>",
            "<si><r><t>run without properties</t></r></si>",
            "<si><t>カタカナ</t><rPh sb=\"0\" eb=\"4\"><t>かたかな</t></rPh><phoneticPr fontId=\"1\"/></si>",
            "<si count=\"1\"><t>an attribute on si</t></si>",
        ]
        let (scanned, parsed) = try readings(items, in: folder)
        #expect(scanned == parsed)
        #expect(parsed == ["plain", "", "", "", "  spaced  ", "indented", "Олександр, вул. Хрещатик 1 — ✓ 😀",
                           "a & b <c> \"' AB", "line\nfeed\tand tab", "escaped\rreturn _x0041_", "rich text",
                           "run without properties", "カタカナ", "an attribute on si"])
    }

    /// Outside the subset, the scanner answers nil and libxml2 reads the whole part: the table
    /// is libxml2's, never a mixture.
    @Test(arguments: [
        "<si><!-- comment --><t>x</t></si>",
        "<si><t><![CDATA[cdata]]></t></si>",
        "<si><x:t xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">prefixed</x:t></si>",
        "<si><r><rPr><t>text in properties</t></rPr><t>run</t></r></si>",
        "<si><t>carriage\r\nreturn</t></si>",
        "<si><unknown/><t>x</t></si>",
        "<si><r><rPr><rFont val=\"A &amp; B\"/></rPr><t>entity in an attribute</t></r></si>",
        "<si>loose text<t>x</t></si>",
        "<?pi here?>",
    ])
    func oddPartsAreLeftToLibxml2(odd: String) throws {
        let folder = try TemporaryDirectory()
        let (scanned, parsed) = try readings(["<si><t>before</t></si>", odd, "<si><t>after</t></si>"], in: folder)
        #expect(scanned == nil)
        #expect(parsed.first == "before" && parsed.last == "after")
    }

    /// Thousands of items across many window refills, some split mid-character.
    @Test func aLargeTableAcrossRefillsMatchesLibxml2() throws {
        let folder = try TemporaryDirectory()
        let items = (0..<60_000).map { i in
            i % 7 == 0
                ? "<si><r><rPr><b/></rPr><t>Клієнт \(i)</t></r><r><t xml:space=\"preserve\"> №\(i) &amp; co</t></r></si>"
                : "<si><t>client \(i) — вул. Шевченка \(i % 300)</t></si>"
        }
        let (scanned, parsed) = try readings(items, in: folder)
        #expect(parsed.count == 60_000)
        #expect(scanned == parsed)
        #expect(parsed[7] == "Клієнт 7 №7 & co")
    }

    /// `<si><t>TEXT</t></si>` is read by literal matches; the shapes that start like it and
    /// are not it go the general way, and every split of the part between two inflated blocks
    /// (down to one byte) gives libxml2's table.
    @Test func thePlainItemShortcutMatchesLibxml2AtEveryBlockBoundary() throws {
        let folder = try TemporaryDirectory()
        let items = [
            "<si><t>plain</t></si>",
            "<si><t xml:space=\"preserve\"> kept </t></si>",
            "<si><t xml:space=\"preserve\"></t></si>",
            "<si><t></t></si>",
            "<si><t>then a run</t><r><t> run</t></r></si>",
            "<si><t>space before the end</t> </si>",
            "<si><t>space in the end tag</t ></si>",
            "<si><t xml:space=\"default\">another value</t></si>",
            "<si><t xml:space='preserve'>single quotes</t></si>",
            "<si><t>a &amp; b &#x41;_x0042_ Олександр 😀</t></si>",
            "<si><t>phonetic after</t><rPh sb=\"0\" eb=\"1\"><t>ふ</t></rPh></si>",
        ]
        let path = try workbook(rows: "", sharedStrings: items, in: folder)
        let archive = try ZipArchive(path: path)
        let entry = try #require(archive.entry(named: "xl/sharedStrings.xml"))
        let parsed = try SharedStrings.parse(archive.open(entry), file: path)
        let cache = SharedStringsCache()
        let expected = (0..<parsed.count).map { parsed.string(at: $0, cache: cache) }
        #expect(expected == ["plain", " kept ", "", "", "then a run run", "space before the end", "space in the end tag",
                             "another value", "single quotes", "a & b AB Олександр 😀", "phonetic after"])
        for blockSize in [1, 2, 3, 5, 7, 11, 28, 29, 64, 1 << 16] {
            let table = try #require(try SharedStrings.scan(InflateAhead(archive.open(entry), blockSize: blockSize), file: path),
                                     "block size \(blockSize)")
            #expect((0..<table.count).map { table.string(at: $0, cache: SharedStringsCache()) } == expected, "block size \(blockSize)")
        }
    }

    @Test func errorsAndWarningsAreTheSameOnBothPaths() throws {
        let folder = try TemporaryDirectory()
        // A lone surrogate was an error; it is now U+FFFD with a warning, on both paths.
        let items = ["<si><t>x_xD800_</t></si>", "<si><r><t>y_xDC00_</t></r></si>"]
        let (scanned, parsed) = try readings(items, in: folder)
        #expect(scanned == ["x\u{FFFD}", "y\u{FFFD}"])
        #expect(parsed == ["x\u{FFFD}", "y\u{FFFD}"])
        let surrogate = try workbook(rows: "", sharedStrings: items, in: folder)
        let archive = try ZipArchive(path: surrogate)
        let entry = try #require(archive.entry(named: "xl/sharedStrings.xml"))
        let scannedWarnings = try #require(try SharedStrings.scan(archive.open(entry), file: surrogate)).warnings
        let parsedWarnings = try SharedStrings.parse(archive.open(entry), file: surrogate).warnings
        #expect(scannedWarnings.count == 2 && scannedWarnings == parsedWarnings)
        #expect(try XLSXReader(path: surrogate).rows().warnings.filter { $0.message.contains("surrogate") }.count == 2)
        let long = try workbook(rows: "", sharedStrings: ["<si><t>\(String(repeating: "ab", count: 120_000))</t></si>"], in: folder)
        let error = try #require(throws: WorkbookError.self) { try XLSXReader(path: long).rows() }
        #expect(error.description.contains("32,767"))
    }
}
