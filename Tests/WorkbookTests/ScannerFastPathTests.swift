import Foundation
import Testing
import TestSupport
@testable import Workbook

/// The scanner's shortcuts — eight bytes of text at a time, a cell's usual attributes read
/// without the general loop, TSV escaping eight bytes at a time — decide exactly what the
/// byte-by-byte paths decide, wherever in a word or a tag the byte that matters falls.
@Suite struct ScannerFastPathTests {
    /// TSV escaping one byte at a time, as the dump's `Cell` path does it.
    static func escapedByteByByte(_ text: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        for byte in text {
            switch byte {
            case 0x5C: out += [0x5C, 0x5C]
            case 0x09: out += [0x5C, UInt8(ascii: "t")]
            case 0x0A: out += [0x5C, UInt8(ascii: "n")]
            case 0x0D: out += [0x5C, UInt8(ascii: "r")]
            default: out.append(byte)
            }
        }
        return out
    }

    @Test func escapingFindsEveryByteAtEveryOffset() {
        // The four bytes to escape and their near neighbours, among ASCII and Cyrillic filler.
        let bytes: [UInt8] = [0x5C, 0x09, 0x0A, 0x0D, 0x00, 0x08, 0x0B, 0x0C, 0x0E, 0x0F, 0x10, 0x1F, 0x5B, 0x5D, 0xDC, 0x7F, 0xFF]
        for filler in [Array("abcdefgh".utf8), Array("Жовтень".utf8)] {
            for length in 0...24 {
                let plain = (0..<length).map { filler[$0 % filler.count] }
                for position in 0..<max(length, 1) {
                    for byte in bytes {
                        var text = plain
                        if length > 0 { text[position] = byte }
                        var escaped: [UInt8] = []
                        text.withUnsafeBufferPointer { TSVEscaping.append($0, to: &escaped) }
                        #expect(escaped == Self.escapedByteByByte(text), "byte \(byte) at \(position) of \(length)")
                        let lines = TSVLines(capacity: 1)
                        lines.cell(column: 1) { out in text.withUnsafeBufferPointer { out.appendEscaped($0) } }
                        #expect(Array(lines.bytes) == Self.escapedByteByByte(text))
                    }
                }
            }
        }
    }

    /// Short copies are made of two overlapping words, halves or single bytes: every length
    /// from 0 to past the word cases, at every alignment, copies exactly its bytes and writes
    /// nothing around them; cells written as they are (`cell(column:plain:)`) and escaped
    /// (`cell(column:escaping:)`) come out as through the closure.
    @Test func shortCopiesMoveExactlyTheirBytes() {
        let source = (0..<64).map { UInt8(0x20 + $0) }
        for length in 0...40 {
            for offset in 0..<9 {
                var target = [UInt8](repeating: 0xEE, count: 80)
                source.withUnsafeBufferPointer { from in
                    target.withUnsafeMutableBufferPointer { to in
                        TSVEscaping.copy(from.baseAddress! + offset, to: to.baseAddress! + 8, count: length)
                    }
                }
                #expect(Array(target[8..<(8 + length)]) == Array(source[offset..<(offset + length)]), "\(length) at \(offset)")
                #expect(target[..<8].allSatisfy { $0 == 0xEE } && target[(8 + length)...].allSatisfy { $0 == 0xEE }, "\(length) at \(offset)")
            }
            let text = Array(source[..<length])
            let viaClosure = TSVLines(capacity: 1), direct = TSVLines(capacity: 1)
            for column in [2, 3, 7] {
                viaClosure.cell(column: column) { out in text.withUnsafeBufferPointer { out.append($0) } }
                text.withUnsafeBufferPointer { direct.cell(column: column, plain: $0) }
                viaClosure.cell(column: column + 10) { out in text.withUnsafeBufferPointer { out.appendEscaped($0) } }
                text.withUnsafeBufferPointer { direct.cell(column: column + 10, escaping: $0) }
            }
            viaClosure.rowEnded(number: 1)
            direct.rowEnded(number: 1)
            #expect(Array(direct.bytes) == Array(viaClosure.bytes) && direct.tabs == viaClosure.tabs, "\(length)")
        }
    }

    /// The word tests may answer yes for a word that holds no such byte, never no for one that does.
    @Test func wordTestsMissNoByte() {
        let fillers: [UInt8] = [0x41, 0x20, 0x7F, 0x80, 0xD0, 0xFF, 0x5D, 0x3D]
        for filler in fillers {
            for position in 0..<8 {
                for value in 0...255 {
                    var word = [UInt8](repeating: filler, count: 8)
                    word[position] = UInt8(value)
                    let packed = word.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
                    let forTSV = value == 0x5C || value == 0x09 || value == 0x0A || value == 0x0D
                    let forXML = value < 0x20 || value == 0x3C || value == 0x3E || value == 0x26
                    if forXML { #expect(XMLLexer.mayNeedAttention(packed), "byte \(value) at \(position)") }
                    if forTSV {
                        var escaped: [UInt8] = []
                        word.withUnsafeBufferPointer { TSVEscaping.append($0, to: &escaped) }
                        #expect(escaped == Self.escapedByteByByte(word), "byte \(value) at \(position)")
                    }
                }
                let plain = [UInt8](repeating: filler, count: 8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
                #expect(!XMLLexer.mayNeedAttention(plain), "filler \(filler)")
            }
        }
    }

    /// Entities, tabs and multi-byte characters at every offset of an inline string and of a
    /// shared string read as themselves; `]]>` and a control character, wherever they fall,
    /// are still refused.
    @Test func textWithEverySpecialAtEveryOffset() throws {
        let folder = try TemporaryDirectory()
        let specials: [(xml: String, text: String)] = [("&amp;", "&"), ("&lt;", "<"), ("&gt;", ">"), ("&#10;", "\n"),
                                                       ("\t", "\t"), ("Ж", "Ж"), ("😀", "😀"), ("]]", "]]"), ("_x0041_", "A")]
        var rows = "", strings: [String] = [], expected: [[String]] = []
        for special in specials {
            for offset in 0...17 {
                let prefix = String(repeating: "a", count: offset), suffix = String(repeating: "b", count: 17 - offset)
                let row = expected.count + 1
                let shared = strings.count
                strings.append("<si><t xml:space=\"preserve\">\(prefix)\(special.xml)\(suffix)</t></si>")
                rows += #"<row r="\#(row)"><c r="A\#(row)" t="inlineStr"><is><t xml:space="preserve">\#(prefix)\#(special.xml)\#(suffix)</t></is></c><c r="B\#(row)" t="s"><v>\#(shared)</v></c></row>"#
                expected.append([prefix + special.text + suffix, prefix + special.text + suffix])
            }
        }
        let path = try workbook(rows: rows, sharedStrings: strings, in: folder)
        #expect(try texts(readRows(path)) == expected)

        for offset in 0...17 {
            let prefix = String(repeating: "Ж", count: offset / 2) + String(repeating: "a", count: offset % 2)
            for bad in ["]]>", "\u{1}"] {
                let sheet = try workbook(rows: #"<row r="1"><c r="A1" t="inlineStr"><is><t>\#(prefix)\#(bad)xyz</t></is></c></row>"#, in: folder)
                #expect(throws: WorkbookError.self, "\(bad.unicodeScalars.map(\.value)) after \(offset) bytes") { try readRows(sheet) }
                let table = try workbook(rows: #"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#,
                                         sharedStrings: ["<si><t>\(prefix)\(bad)xyz</t></si>"], in: folder)
                #expect(throws: WorkbookError.self, "shared \(bad.unicodeScalars.map(\.value)) after \(offset) bytes") { try readRows(table) }
            }
        }
    }

    /// Cell attributes the usual way in every order the shortcut takes, and the ways it leaves
    /// to the general loop, read the same as rows and as TSV text; out-of-range references
    /// are still errors.
    @Test func cellAttributesReadAlikeEveryWay() throws {
        let folder = try TemporaryDirectory()
        let styles = ##"<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="2"/></cellXfs></styleSheet>"##
        func book(_ rows: String) throws -> String {
            var zip = HostileZip()
            zip.add("xl/workbook.xml", #"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>"#)
            zip.add("xl/_rels/workbook.xml.rels", #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>\#(HostileZip.sharedStringsRelationship)</Relationships>"#)
            zip.add("xl/worksheets/sheet1.xml", HostileZip.sheet(rows))
            zip.add("xl/sharedStrings.xml", #"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>zero</t></si><si><t>one\two</t></si></sst>"#)
            zip.add("xl/styles.xml", styles)
            zip.add("_rels/.rels", #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#)
            return try zip.write(in: folder, "cells-\(UUID().uuidString).xlsx")
        }
        let path = try book("""
            <row r="1"><c r="A1" s="1" t="s"><v>1</v></c><c r="B1" t="s" s="2"><v>0</v></c><c r="C1" s="1"><v>45000</v></c>\
            <c r="D1" s="2" t="n"><v>12.5</v></c><c r="E1" s="1"/><c r="F1" t="inlineStr"><is><t>in</t></is></c></row>\
            <row r="2"><c r="a2" t="s"><v>1</v></c><c r="B2" s="x"><v>7</v></c><c r="C2" cm="1"><v>8</v></c>\
            <c r="D2"  t="s"><v>0</v></c><c r="E2" t ="s"><v>1</v></c><c r="F02" t="s"><v>0</v></c><c r="G2" t="b"><v>1</v></c></row>\
            <row r="3"><c r="XFD3"><v>3</v></c><c r="AA3" t="e"><v>#N/A</v></c><c r="Z3" t="str"><v>s</v></c><c r="AB3" s="01"><v>2</v></c></row>\
            <row r="4"><c r="A1048576"><v>4</v></c><c r="B9" s="2"><v>-0.5</v></c><c t="s"><v>1</v></c><c r="D4" s="0" t="inlineStr"><is><t>x</t></is></c></row>
            """)
        let rows = try readRows(path)
        #expect(texts(rows).prefix(2) == [
            ["one\\two", "zero", "2023-03-15", "12.5", "", "in"],
            ["one\\two", "7", "8", "zero", "one\\two", "zero", "TRUE"],
        ])
        #expect(rows.count == 4 && rows[2].cells.count == 16_384 && rows[2].cells[16_383].displayText == "3")
        #expect(texts(rows)[3] == ["4", "-0.5", "one\\two", "x"])
        #expect(try TSVDumpPropertyTests.bytePath(path) == TSVDumpPropertyTests.cellPath(path))

        for bad in [#"<c r="XFE1"><v>1</v></c>"#, #"<c r="A1048577"><v>1</v></c>"#, #"<c r="A1" s="1" s="2"><v>1</v></c>"#,
                    #"<c r="A1" t="s" t="n"><v>1</v></c>"#, #"<c r="A1" r="B1"><v>1</v></c>"#] {
            let path = try book(#"<row r="1">\#(bad)</row>"#)
            #expect(throws: WorkbookError.self, "\(bad)") { try readRows(path) }
        }

        // A reference that repeats its row's `r` is compared whole; one that does not — a
        // prefix of it, longer, another row, a row written with a leading zero — is read digit
        // by digit, and gives the same cells.
        let repeats = try book("""
            <row r="12"><c r="A12" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C123"><v>3</v></c><c r="D13"><v>4</v></c>\
            <c r="E12"><v>5</v></c></row>\
            <row r="013"><c r="A013"><v>6</v></c><c r="B13"><v>7</v></c></row>\
            <row r="14"><c r="A14" t="s"><v>1</v></c><c r="B14" s="1"><v>45000</v></c><c r="C14" s="2"/><c r="D14" s="0"><v>7</v></c>\
            <c r="E14" t="s"/><c r="F14" s="1" t="s"><v>0</v></c><c r="G14" t="s" ><v>1</v></c></row>\
            <row r="1048576"><c r="A1048576"><v>8</v></c><c r="B104857"><v>9</v></c></row>
            """)
        let repeated = try readRows(repeats)
        #expect(texts(repeated) == [["zero", "one\\two", "3", "4", "5"], ["6", "7"],
                                    ["one\\two", "2023-03-15", "", "7", "", "zero", "one\\two"], ["8", "9"]])
        #expect(repeated.map(\.number) == [12, 13, 14, 1_048_576])
        #expect(try TSVDumpPropertyTests.bytePath(repeats) == TSVDumpPropertyTests.cellPath(repeats))
        let pastTheLastRow = try book(#"<row r="1048576"><c r="A10485760"><v>1</v></c></row>"#)
        #expect(throws: WorkbookError.self) { try readRows(pastTheLastRow) }
    }
}
