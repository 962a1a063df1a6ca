#!/usr/bin/env python3
"""Writes a realistic client sheet for reader benchmarks.

    python3 Benchmarks/generate.py ROWS OUTDIR

Produces OUTDIR/clients-ROWS.xlsx (20 columns, text in a shared-string table as Excel writes
it, numbers and dates as numbers) and OUTDIR/clients-ROWS.csv with the same data. The XLSX is
written as raw XML through zipfile (xlsxwriter's constant-memory mode would drop shared
strings, and its normal mode needs the whole sheet in memory at 1M rows).
"""
import csv
import os
import random
import sys
import zipfile
from xml.sax.saxutils import escape

HEADERS = ["Client ID", "Name", "Last name", "Phone", "Address", "Email", "Legal entity", "Supplier",
           "Conflicted", "Notes", "Marketing source", "Discount card", "Discount on goods",
           "Discount on services", "Discount on materials", "Price type for sales",
           "Price type for orders", "Balance", "Car model", "Birthday"]

FIRST = ["Anna", "Boris", "Chloé", "Dmytro", "Eva", "Fedir", "Gabriel", "Hanna", "Ivan", "Jules",
         "Катерина", "Олег", "Мария", "Сергій", "Наталья", "Юрій", "Léa", "Hugo", "Zoé", "Олександр"]
LAST = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Petit", "Шевченко", "Коваленко",
        "Бондаренко", "Іваненко", "Смирнов", "Кузнецов", "Durand", "Leroy", "Moreau", "Simon"]
STREETS = ["rue de la Paix", "avenue Victor Hugo", "вул. Хрещатик", "пр. Миру", "boulevard Voltaire",
           "вул. Шевченка", "rue Nationale", "ул. Ленина"]
CITIES = ["Paris", "Lyon", "Київ", "Львів", "Marseille", "Одеса", "Nantes", "Харків"]
SOURCES = ["Instagram", "Google", "Recommendation", "Walk-in", "Facebook", "Flyer", ""]
PRICES = ["Retail", "Wholesale", "VIP", ""]
CARS = ["Renault Clio", "Peugeot 208", "Škoda Octavia", "VW Golf", "Toyota Corolla", ""]
YES = ["Yes", "", "", "", "Oui", "Так"]
NOTES = ["", "", "calls after 18:00", "prefers email", "screen replaced twice", "VIP — handle with care",
         "", "owes for the battery", "Постійний клієнт", ""]


def phone(rnd):
    n = rnd.randrange(10**8, 10**9)
    style = rnd.randrange(5)
    if style == 0:
        return f"+380 {n // 10**7:02d} {n // 10**4 % 1000:03d} {n // 100 % 100:02d} {n % 100:02d}"
    if style == 1:
        return f"0{n}"
    if style == 2:
        return f"+33 6 {n // 10**6 % 100:02d} {n // 10**4 % 100:02d} {n // 100 % 100:02d} {n % 100:02d}"
    if style == 3:
        return 380000000000 + n  # a number, as Excel makes of a typed phone
    return f"(0{n // 10**6 % 100}) {n % 10**6}"


def client(rnd, i):
    phones = [phone(rnd) for _ in range(rnd.choice([1, 1, 1, 2, 3]))]
    ph = phones[0] if len(phones) == 1 else ", ".join(str(p) for p in phones)
    first, last = rnd.choice(FIRST), rnd.choice(LAST)
    return [
        i, first, last, ph,
        f"{rnd.randrange(1, 200)} {rnd.choice(STREETS)}, {rnd.choice(CITIES)}",
        f"{first.lower()}.{i}@example.com" if first.isascii() else f"client{i}@example.com",
        rnd.choice(YES), rnd.choice(YES), rnd.choice(YES), rnd.choice(NOTES), rnd.choice(SOURCES),
        f"DC-{rnd.randrange(10**6):06d}" if rnd.random() < 0.4 else "",
        rnd.choice([0, 0, 5, 10, 15, 2.5]), rnd.choice([0, 0, 5, 10]), rnd.choice([0, 0, 3, 7.5]),
        rnd.choice(PRICES), rnd.choice(PRICES),
        round(rnd.uniform(-5000, 5000), 2) if rnd.random() < 0.7 else 0,
        rnd.choice(CARS), 25000 + rnd.randrange(20000),
    ]


def col(n):
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def main():
    rows, outdir = int(sys.argv[1]), sys.argv[2]
    os.makedirs(outdir, exist_ok=True)
    rnd = random.Random(42)
    letters = [col(i + 1) for i in range(len(HEADERS))]
    strings, order = {}, []

    def sst(s):
        k = strings.get(s)
        if k is None:
            k = strings[s] = len(order)
            order.append(s)
        return k

    xlsx = os.path.join(outdir, f"clients-{rows}.xlsx")
    csv_path = os.path.join(outdir, f"clients-{rows}.csv")
    with zipfile.ZipFile(xlsx, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z, \
            open(csv_path, "w", newline="", encoding="utf-8") as cf:
        out = csv.writer(cf)
        out.writerow(HEADERS)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    b'<dimension ref="A1:T%d"/><sheetData>' % (rows + 1))
            buf = []
            for r in range(1, rows + 2):
                values = HEADERS if r == 1 else client(rnd, r - 1)
                if r > 1:
                    out.writerow(values)
                cells = []
                for c, v in enumerate(values):
                    ref = f"{letters[c]}{r}"
                    if v == "":
                        continue
                    if isinstance(v, str):
                        cells.append(f'<c r="{ref}" t="s"><v>{sst(v)}</v></c>')
                    elif c == 19:
                        cells.append(f'<c r="{ref}" s="1"><v>{v}</v></c>')
                    elif c == 17:
                        cells.append(f'<c r="{ref}" s="2"><v>{v}</v></c>')
                    else:
                        cells.append(f'<c r="{ref}"><v>{v}</v></c>')
                buf.append(f'<row r="{r}" spans="1:20">{"".join(cells)}</row>')
                if len(buf) >= 2000:
                    f.write("".join(buf).encode())
                    buf.clear()
            f.write("".join(buf).encode())
            f.write(b"</sheetData></worksheet>")
        si = "".join(f'<si><t xml:space="preserve">{escape(s)}</t></si>' for s in order)
        z.writestr("xl/sharedStrings.xml",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{len(order)}" '
                   f'uniqueCount="{len(order)}">{si}</sst>')
        z.writestr("xl/styles.xml",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                   '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd.mm.yyyy"/></numFmts>'
                   '<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/>'
                   '<xf numFmtId="4" applyNumberFormat="1"/></cellXfs></styleSheet>')
        z.writestr("xl/workbook.xml",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                   'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                   '<sheets><sheet name="Clients" sheetId="1" r:id="rId1"/></sheets></workbook>')
        rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        z.writestr("xl/_rels/workbook.xml.rels",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
                   f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
                   f'<Relationship Id="rId3" Type="{rel}/styles" Target="styles.xml"/></Relationships>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                   '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                   '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                   '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
                   '</Types>')
    print(xlsx)
    print(csv_path)


if __name__ == "__main__":
    main()
