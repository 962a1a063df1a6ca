#!/usr/bin/env python3
"""Regenerates the WorkbookTests fixtures: `python3 make_fixtures.py` in this folder.

Good fixtures get an expected `NAME.tsv` written from the data below (never from our reader).
Real writers: openpyxl, xlsxwriter, LibreOffice (if `soffice` exists). Hand-made edge cases
are raw XML in zips written by `write_zip`, which controls data descriptors, stored entries,
ZIP64 fields and lies about sizes.
"""
import datetime as dt
import os
import shutil
import struct
import subprocess
import tempfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def esc(text):
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def write_tsv(name, rows):
    """rows: {row_number: [display texts from column A]}; written the way CellDump.tsv does."""
    width = max(len(r) for r in rows.values())
    last = max(rows)
    with open(os.path.join(HERE, name + ".tsv"), "w", encoding="utf-8", newline="") as f:
        for n in range(1, last + 1):
            cells = rows.get(n, [])
            cells = cells + [""] * (width - len(cells))
            f.write("\t".join(esc(c) for c in cells) + "\n")


# ---------------------------------------------------------------- raw zip writer

def write_zip(path, files, descriptor=False, stored=(), zip64=False, declared=None, bad_crc=(),
              comment=b"fixture"):
    """files: [(name, bytes)]. declared: {name: uncompressed size to claim}."""
    declared = declared or {}
    out = bytearray()
    central = bytearray()
    for name, data in files:
        raw = name.encode()
        method = 0 if name in stored else 8
        if method == 8:
            c = zlib.compressobj(9, zlib.DEFLATED, -15)
            comp = c.compress(data) + c.flush()
        else:
            comp = data
        crc = zlib.crc32(data) ^ (1 if name in bad_crc else 0)
        usize = declared.get(name, len(data))
        csize = len(comp)
        offset = len(out)
        flags = 0x800 | (0x08 if descriptor else 0)
        version = 45 if zip64 else 20
        if zip64:
            local_extra = struct.pack("<HHQQ", 1, 16, 0 if descriptor else usize, 0 if descriptor else csize)
            lc, lu = 0xFFFFFFFF, 0xFFFFFFFF
        else:
            local_extra = b""
            lc, lu = (0, 0) if descriptor else (csize, usize)
        lcrc = 0 if descriptor else crc
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, version, flags, method, 0, 0x21, lcrc, lc, lu,
                           len(raw), len(local_extra)) + raw + local_extra
        out += comp
        if descriptor:
            if zip64:
                out += struct.pack("<IIQQ", 0x08074B50, crc, csize, usize)
            else:
                out += struct.pack("<IIII", 0x08074B50, crc, csize, usize)
        if zip64:
            extra = struct.pack("<HHQQQ", 1, 24, usize, csize, offset)
            cc, cu, co = 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF
        else:
            extra = b""
            cc, cu, co = csize, usize, offset
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, version, version, flags, method, 0, 0x21,
                               crc, cc, cu, len(raw), len(extra), 0, 0, 0, 0, co) + raw + extra
    cd_offset = len(out)
    out += central
    count = len(files)
    if zip64:
        eocd64 = len(out)
        out += struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, count, count, len(central), cd_offset)
        out += struct.pack("<IIQI", 0x07064B50, 0, eocd64, 1)
        out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, len(comment))
    else:
        out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(central), cd_offset, len(comment))
    out += comment
    with open(path, "wb") as f:
        f.write(out)


# ---------------------------------------------------------------- hand-made parts

TRANS = {
    "main": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}
STRICT = {
    "main": "http://purl.oclc.org/ooxml/spreadsheetml/main",
    "r": "http://purl.oclc.org/ooxml/officeDocument/relationships",
    "rel": "http://purl.oclc.org/ooxml/officeDocument/relationships",
}
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def content_types():
    return (DECL + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/></Types>').encode()


def root_rels(ns):
    return (DECL + f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" '
            f'Type="{ns["rel"]}/officeDocument" Target="xl/workbook.xml"/></Relationships>').encode()


def workbook(ns, sheets, date1904=False):
    """sheets: [(name, state or None, target)]"""
    pr = '<workbookPr date1904="1"/>' if date1904 else "<workbookPr/>"
    body = "".join(
        f'<sheet name="{n}" sheetId="{i + 1}"{f" state={chr(34)}{s}{chr(34)}" if s else ""} r:id="rId{i + 1}"/>'
        for i, (n, s, _) in enumerate(sheets))
    wb = (DECL + f'<workbook xmlns="{ns["main"]}" xmlns:r="{ns["r"]}">{pr}<sheets>{body}</sheets></workbook>').encode()
    rels = "".join(f'<Relationship Id="rId{i + 1}" Type="{ns["rel"]}/worksheet" Target="{t}"/>'
                   for i, (_, _, t) in enumerate(sheets))
    n = len(sheets)
    rels += f'<Relationship Id="rId{n + 1}" Type="{ns["rel"]}/sharedStrings" Target="sharedStrings.xml"/>'
    rels += f'<Relationship Id="rId{n + 2}" Type="{ns["rel"]}/styles" Target="styles.xml"/>'
    return wb, (DECL + f'<Relationships xmlns="{PKG}">{rels}</Relationships>').encode()


def styles(ns):
    fmts = {164: "dd/mm/yyyy", 165: "[h]:mm", 166: "[$-409]mmmm d, yyyy;@", 167: "0.00;[Red]-0.00",
            169: "yyyy-mm-dd hh:mm:ss", 170: '"m" 0'}
    xfs = [0, 14, 164, 165, 166, 167, 20, 169, 49, 2, 170]
    nf = "".join(f'<numFmt numFmtId="{k}" formatCode="{v.replace(chr(34), "&quot;")}"/>' for k, v in fmts.items())
    xf = "".join(f'<xf numFmtId="{i}" fontId="0" fillId="0" borderId="0"/>' for i in xfs)
    return (DECL + f'<styleSheet xmlns="{ns["main"]}"><numFmts count="{len(fmts)}">{nf}</numFmts>'
            f'<cellStyleXfs count="1"><xf numFmtId="22"/></cellStyleXfs>'
            f'<cellXfs count="{len(xfs)}">{xf}</cellXfs></styleSheet>').encode()


def shared_strings(ns, items):
    body = "".join(f"<si>{x}</si>" for x in items)
    return (DECL + f'<sst xmlns="{ns["main"]}" count="{len(items)}" uniqueCount="{len(items)}">{body}</sst>').encode()


def sheet(ns, rows_xml, extra=""):
    return (DECL + f'<worksheet xmlns="{ns["main"]}" xmlns:r="{ns["r"]}"><sheetData>{rows_xml}</sheetData>'
            f'{extra}</worksheet>').encode()


SST = [
    "<t>Name</t>", "<t>Phone</t>",
    '<r><rPr><b/></rPr><t>An</t></r><r><t>na</t></r><rPh sb="0" eb="2"><t>アンナ</t></rPh>',
    "<t>Line1_x000D_\nLine2</t>", "<t>tab\there</t>", "<t>back\\slash</t>", "<t></t>",
    '<t xml:space="preserve">  spaced  </t>', "<t>Hidden secret</t>",
]

CLIENTS_ROWS = (
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
    '<c r="C1" t="inlineStr"><is><t>Notes</t></is></c><c r="D1" t="str"><f>"Formula"</f><v>Formula</v></c></row>'
    # no r attributes on the row or its cells
    '<row><c t="s"><v>2</v></c><c><v>3.80501234567E11</v></c>'
    '<c t="inlineStr"><is><r><t>x_x000D_</t></r><r><t>y</t></r></is></c><c t="str"><f>1+1</f><v>2</v></c></row>'
    # row 3 missing; cells out of order and sparse
    '<row r="4"><c r="C4" t="b"><v>1</v></c><c r="A4" t="e"><v>#N/A</v></c><c r="B4"><v>42.0</v></c>'
    '<c r="E4"><v>-12.5</v></c></row>'
    # a row of styled empty cells is no row at all
    '<row r="5"><c r="A5" s="1"/><c r="B5" s="2"/></row>'
    '<row r="6"><c r="A6" t="s"><v>3</v></c><c r="B6" t="s"><v>4</v></c><c r="C6" t="s"><v>5</v></c>'
    '<c r="D6" t="s"><v>6</v></c><c r="E6" t="s"><v>7</v></c><c r="F6" t="d"><v>2024-03-01T10:20:30</v></c>'
    '<c r="G6" t="b"><v>0</v></c></row>'
    '<row r="8"><c r="C8" t="inlineStr"><is><t>merged</t></is></c><c r="D8" s="1"/></row>'
    '<row r="9"><c r="A9"><v>0.1</v></c><c r="B9"><v>1E-5</v></c><c r="C9"><v>1.5E+20</v></c>'
    '<c r="D9"><v>12345678901234567890</v></c><c r="E9" s="9"><v>0.5</v></c><c r="F9" s="10"><v>7</v></c>'
    '<c r="G9" t="e"><v>#DIV/0!</v></c></row>'
)
CLIENTS_EXPECTED = {
    1: ["Name", "Phone", "Notes", "Formula"],
    2: ["Anna", "380501234567", "x\ry", "2"],
    4: ["#N/A", "42", "TRUE", "", "-12.5"],
    6: ["Line1\r\nLine2", "tab\there", "back\\slash", "", "  spaced  ", "2024-03-01T10:20:30", "FALSE"],
    8: ["", "", "merged"],
    9: ["0.1", "1e-05", "1.5e+20", "1.2345678901234567e+19", "0.5", "7", "#DIV/0!"],
}


def serial_1900(d):
    days = (d - dt.datetime(1899, 12, 30)).total_seconds() / 86400
    return days


# (serial literal, style, expected display)
DATES = [
    ("1", 1, "1900-01-01"), ("59", 1, "1900-02-28"), ("60", 1, "1900-02-28"), ("61", 1, "1900-03-01"),
    ("45000", 2, "2023-03-15"), ("45000.5", 7, "2023-03-15T12:00:00"), ("0.75", 6, "18:00:00"),
    ("1.5", 3, "12:00:00"), ("45000", 4, "2023-03-15"), ("45000", 5, "45000"), ("12.5", 9, "12.5"),
    ("45000", 8, "45000"),
]
assert (dt.datetime(1899, 12, 30) + dt.timedelta(days=45000)).date() == dt.date(2023, 3, 15)


def dates_sheet_xml():
    rows = '<row r="1"><c r="A1" t="inlineStr"><is><t>serial</t></is></c><c r="B1" t="inlineStr"><is><t>shown</t></is></c></row>'
    for i, (v, s, _) in enumerate(DATES):
        n = i + 2
        rows += f'<row r="{n}"><c r="A{n}"><v>{v}</v></c><c r="B{n}" s="{s}"><v>{v}</v></c></row>'
    return rows


def dates_expected():
    out = {1: ["serial", "shown"]}
    for i, (v, _, e) in enumerate(DATES):
        n = float(v)
        out[i + 2] = [str(int(n)) if n == int(n) else repr(n), e]
    return out


def edge_parts(ns, **wb_kwargs):
    sheets = [("Hidden", "hidden", "worksheets/sheet1.xml"), ("Clients", None, "/xl/worksheets/clients.xml"),
              ("Dates", None, "worksheets/dates.xml"), ("VeryHidden", "veryHidden", "worksheets/sheet4.xml"),
              ("Empty", None, "worksheets/empty.xml")]
    wb, rels = workbook(ns, sheets, **wb_kwargs)
    return [
        ("[Content_Types].xml", content_types()), ("_rels/.rels", root_rels(ns)),
        ("xl/workbook.xml", wb), ("xl/_rels/workbook.xml.rels", rels),
        ("xl/styles.xml", styles(ns)), ("xl/sharedStrings.xml", shared_strings(ns, SST)),
        ("xl/worksheets/sheet1.xml", sheet(ns, '<row r="2"><c r="B2" t="s"><v>8</v></c></row>')),
        ("xl/worksheets/clients.xml", sheet(ns, CLIENTS_ROWS, '<mergeCells count="1"><mergeCell ref="C8:D8"/></mergeCells>')),
        ("xl/worksheets/dates.xml", sheet(ns, dates_sheet_xml())),
        ("xl/worksheets/sheet4.xml", sheet(ns, '<row r="1"><c r="A1"><v>1</v></c></row>')),
        ("xl/worksheets/empty.xml", sheet(ns, "")),
    ]


def one_sheet_parts(sheet_xml, ns=TRANS, sst=None, date1904=False):
    wb, rels = workbook(ns, [("Sheet1", None, "worksheets/sheet1.xml")], date1904=date1904)
    return [
        ("[Content_Types].xml", content_types()), ("_rels/.rels", root_rels(ns)),
        ("xl/workbook.xml", wb), ("xl/_rels/workbook.xml.rels", rels),
        ("xl/styles.xml", styles(ns)), ("xl/sharedStrings.xml", shared_strings(ns, sst or ["<t>a</t>"])),
        ("xl/worksheets/sheet1.xml", sheet_xml),
    ]


def hand_made():
    p = lambda n: os.path.join(HERE, n)
    # Transitional namespaces, deflated with data descriptors, two parts stored.
    write_zip(p("edge.xlsx"), edge_parts(TRANS), descriptor=True, stored={"xl/workbook.xml", "xl/styles.xml"})
    # Strict OOXML namespaces, ZIP64 end records and extra fields.
    write_zip(p("strict-zip64.xlsx"), edge_parts(STRICT), zip64=True)
    write_zip(p("zip64-descriptor.xlsx"), edge_parts(TRANS), zip64=True, descriptor=True)
    for name in ("edge", "strict-zip64", "zip64-descriptor"):
        write_tsv(name + ".clients", CLIENTS_EXPECTED)
        write_tsv(name + ".dates", dates_expected())
        write_tsv(name + ".hidden", {2: ["", "Hidden secret"]})
    # 1904 date system.
    rows = ''.join(f'<row r="{i + 1}"><c r="A{i + 1}" s="1"><v>{v}</v></c></row>' for i, v in enumerate(["0", "1000", "45000"]))
    write_zip(p("date1904.xlsx"), one_sheet_parts(sheet(TRANS, rows), date1904=True))
    base = dt.date(1904, 1, 1)
    write_tsv("date1904", {i + 1: [(base + dt.timedelta(days=v)).isoformat()] for i, v in enumerate([0, 1000, 45000])})

    # ---- malformed inputs (no .tsv: each must fail with a WorkbookError)
    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
              + f']><worksheet xmlns="{TRANS["main"]}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>')
    write_zip(p("billion-laughs.xlsx"), one_sheet_parts(laughs.encode()))
    xxe = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
           f'<worksheet xmlns="{TRANS["main"]}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData></worksheet>')
    write_zip(p("xxe.xlsx"), one_sheet_parts(xxe.encode()))
    # A sheet that claims 2 GiB: refused before inflating.
    write_zip(p("zip-bomb-declared.xlsx"), one_sheet_parts(sheet(TRANS, '<row r="1"><c r="A1"><v>1</v></c></row>')),
              declared={"xl/worksheets/sheet1.xml": 2 << 30})
    # A sheet that inflates past what it declares: stopped at the declared size.
    big_rows = "".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>' for i in range(1, 3001))
    write_zip(p("zip-bomb-lying.xlsx"), one_sheet_parts(sheet(TRANS, big_rows)),
              declared={"xl/worksheets/sheet1.xml": 1000})
    write_zip(p("bad-crc.xlsx"), one_sheet_parts(sheet(TRANS, '<row r="1"><c r="A1"><v>1</v></c></row>')),
              bad_crc={"xl/worksheets/sheet1.xml"})
    write_zip(p("bad-xml.xlsx"), one_sheet_parts(
        (DECL + f'<worksheet xmlns="{TRANS["main"]}"><sheetData>\n<row r="1"><c r="A1"><v>1</v></c></row>\n'
         '<row r="2"><c r="A2"><v>2</v></row>\n</sheetData></worksheet>').encode()))
    write_zip(p("sst-out-of-range.xlsx"), one_sheet_parts(sheet(TRANS, '<row r="3"><c r="A3" t="s"><v>7</v></c></row>')))
    parts = [x for x in one_sheet_parts(sheet(TRANS, "")) if x[0] != "xl/worksheets/sheet1.xml"]
    write_zip(p("missing-sheet.xlsx"), parts)
    write_zip(p("no-workbook.xlsx"), [("hello.txt", b"not a workbook")])
    with open(p("edge.xlsx"), "rb") as f:
        data = f.read()
    with open(p("truncated.xlsx"), "wb") as f:
        f.write(data[: len(data) // 2])
    with open(p("not-a-zip.xlsx"), "w") as f:
        f.write("ID,Name\n1,Anna\n")
    with open(p("old-format.xlsx"), "wb") as f:
        f.write(bytes([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) + bytes(504))


# ---------------------------------------------------------------- real writers

REAL_ROWS = [
    ["ID", "Name", "Phone", "Balance", "Since", "Active", "Notes"],
    [1, "Anna", 380501234567, 12.5, dt.datetime(2023, 3, 15), True, "line1\nline2"],
    [2, "Борис", "+380 50 123 45 67", -3.75, dt.datetime(2024, 1, 2, 10, 30), False, None],
    [3, "Chloé", 3.80501234567e11, 0, None, None, "tab\there"],
]


def display(v, date_fmt="%Y-%m-%dT%H:%M:%S"):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, dt.datetime):
        return v.strftime(date_fmt)
    if isinstance(v, (int, float)):
        return str(int(v)) if float(v) == int(v) else repr(v)
    return v


def openpyxl_fixture():
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Clients"
    for r in REAL_ROWS:
        ws.append(r)
    ws.cell(row=7, column=9, value="far")
    hidden = wb.create_sheet("Hidden")
    hidden.sheet_state = "hidden"
    hidden["A1"] = "x"
    wb.save(os.path.join(HERE, "openpyxl.xlsx"))
    expected = {i + 1: [display(v) for v in r] for i, r in enumerate(REAL_ROWS)}
    expected[7] = [""] * 8 + ["far"]
    write_tsv("openpyxl", expected)


def xlsxwriter_fixture():
    import xlsxwriter
    wb = xlsxwriter.Workbook(os.path.join(HERE, "xlsxwriter.xlsx"))
    hidden = wb.add_worksheet("Secret")
    ws = wb.add_worksheet("Clients")
    hidden.write("A1", "hidden")
    ws.activate()
    hidden.hide()
    dfmt = wb.add_format({"num_format": "dd.mm.yyyy"})
    tfmt = wb.add_format({"num_format": "hh:mm"})
    money = wb.add_format({"num_format": "#,##0.00"})
    for r, row in enumerate(REAL_ROWS):
        for c, v in enumerate(row):
            if v is None:
                continue
            if isinstance(v, dt.datetime):
                ws.write_datetime(r, c, v, dfmt)
            elif isinstance(v, float) and c == 3:
                ws.write_number(r, c, v, money)
            else:
                ws.write(r, c, v)
    ws.write_datetime(5, 0, dt.datetime(1900, 1, 1, 9, 45), tfmt)
    ws.write_formula(5, 1, "=1/0", None, "#DIV/0!")
    ws.write_rich_string(5, 2, "plain ", wb.add_format({"bold": True}), "bold")
    ws.write_number(5, 3, 1e-5)
    wb.close()
    expected = {i + 1: [display(v, "%Y-%m-%d") for v in r] for i, r in enumerate(REAL_ROWS)}
    expected[6] = ["09:45:00", "#DIV/0!", "plain bold", "1e-05"]
    write_tsv("xlsxwriter", expected)


def libreoffice_fixture():
    soffice = shutil.which("soffice")
    if not soffice:
        print("soffice not found: libreoffice.xlsx left as it is")
        return
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "libreoffice.csv")
        with open(src, "w", encoding="utf-8") as f:
            f.write("ID,Name,Amount,Note\n1,Anna,12.5,hello\n2,Борис,-3,\n\n4,Chloé,1000000,end\n")
        subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp}/profile",
                        "--infilter=CSV:44,34,76,1", "--convert-to", "xlsx", "--outdir", tmp, src],
                       check=True, capture_output=True, timeout=180)
        shutil.copy(os.path.join(tmp, "libreoffice.xlsx"), os.path.join(HERE, "libreoffice.xlsx"))
    write_tsv("libreoffice", {1: ["ID", "Name", "Amount", "Note"], 2: ["1", "Anna", "12.5", "hello"],
                              3: ["2", "Борис", "-3"], 5: ["4", "Chloé", "1000000", "end"]})


if __name__ == "__main__":
    hand_made()
    openpyxl_fixture()
    xlsxwriter_fixture()
    libreoffice_fixture()
