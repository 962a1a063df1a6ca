#!/usr/bin/env python3
"""Writes realistic client sheets for the benchmarks.

    python3 Benchmarks/generate.py ROWS OUTDIR [--layout reader|template|google|xlsxwriter] [--faults]

`reader` (the default) produces OUTDIR/clients-ROWS.xlsx (20 columns, text in a shared-string
table as Excel writes it, numbers and dates as numbers) and OUTDIR/clients-ROWS.csv with the
same data, for the reader benchmark.

`template` produces OUTDIR/template-ROWS.xlsx and OUTDIR/template-ROWS.csv in the import
template's layout: the RemOnline English headers in template order (empty Client IDs), then two
custom fields, "Car model" (text) and "Birthday" (date), with values the default rule set
accepts once the base knows the marketing sources, price types and custom fields listed in
`TEMPLATE_SETTINGS` (`Benchmarks/run.sh` adds them with `clientimport settings …`). The XLSX is
written as raw XML through zipfile (xlsxwriter's constant-memory mode would drop shared
strings, and its normal mode needs the whole sheet in memory at 1M rows).

With `--faults` the template files are OUTDIR/template-ROWS-faults.{xlsx,csv}: the same rows, but
every 50th holds one mistake the default rule set refuses (`FAULTS`, one kind after another), for
`Benchmarks/check_peer.sh`, which compares the rows peer_import.py and clientimport reject.

`google` produces OUTDIR/google-ROWS.csv: a Google Contacts export ("Google CSV", the headers of
`examples/google-contacts.csv`) that `--plugin auto` hands to the google-contacts plugin, for
the plugin path's benchmark (each row mapped in the plugin's Lua state, checked in the rule
set's).

`xlsxwriter` produces OUTDIR/xlsxwriter-ROWS.xlsx: the reader layout's 20 columns written by
xlsxwriter's normal mode, as other programs write workbooks — shared strings numbered in the order
the rows first use them, most text Cyrillic, every row's address and email distinct, phones as
text. The normal mode keeps the whole sheet in memory (about 5 GB at 1M rows; constant_memory
mode would write inline strings instead, which is not what is measured here).
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


TEMPLATE_HEADERS = ["Client ID", "Name", "Phone number", "Address", "Email", "Last name", "Company",
                    "Supplier", "Conflicted", "Notes", "Marketing source", "Discount card",
                    "Discount on goods in sales", "Discount on services in orders and invoices",
                    "Discount on goods/materials in orders and invoices", "Price type in sales",
                    "Price type in orders and invoices", "Balance", "Car model", "Birthday"]

# What the base must know before a template file imports: `settings add-marketing-source`,
# `add-price-type` and `add-custom-field NAME --type TYPE`.
TEMPLATE_SETTINGS = {
    "marketing_sources": [s for s in SOURCES if s],
    "price_types": [p for p in PRICES if p],
    "custom_fields": [("Car model", "text"), ("Birthday", "date")],
}
TEMPLATE_YES = ["Yes", "", "", "", "yes", "Так", "Да", "Oui", "no", "Non"]


def template_client(rnd, i):
    """One row in the template's order; numbers stay numbers (phones typed as numbers too)."""
    phones = [phone(rnd) for _ in range(rnd.choice([1, 1, 1, 2, 3]))]
    ph = phones[0] if len(phones) == 1 else ", ".join(str(p) for p in phones)
    first, last = rnd.choice(FIRST), rnd.choice(LAST)
    return [
        "", first, ph,
        f"{rnd.randrange(1, 200)} {rnd.choice(STREETS)}, {rnd.choice(CITIES)}",
        f"{first.lower()}.{i}@example.com" if first.isascii() else f"client{i}@example.com",
        last, rnd.choice(TEMPLATE_YES), rnd.choice(TEMPLATE_YES), rnd.choice(TEMPLATE_YES),
        rnd.choice(NOTES), rnd.choice(SOURCES),
        f"DC-{rnd.randrange(10**6):06d}" if rnd.random() < 0.4 else "",
        rnd.choice([0, 0, 5, 10, 15, 2.5, 100]), rnd.choice([0, 0, 5, 10]), rnd.choice([0, 0, 3, 7.5]),
        rnd.choice(PRICES), rnd.choice(PRICES),
        round(rnd.uniform(-5000, 5000), 2) if rnd.random() < 0.7 else 0,
        rnd.choice(CARS), 20000 + rnd.randrange(20000),
    ]


# The mistakes of `--faults`: (column, value, the message key the default rule set gives).
FAULTS = [
    (1, "", "required"),
    (2, "12", "phone_length"),
    (4, "jean@@example.com", "email_invalid"),
    (4, "a@example.com, b@example.com", "email_several"),
    (6, "peut-être", "yes_no_invalid"),
    (12, 150, "percent_range"),
    (17, "12.345678", "number_decimals"),
    (10, "TikTok", "marketing_source_unknown"),
    (15, "Gold", "price_type_unknown"),
    (19, "31.02.1990", "custom_date_impossible"),
    (5, "Ж" * 256, "text_too_long"),
    (2, "06 12 AB 34", "phone_characters"),
    (17, "12 euros", "money_invalid"),
    (0, "12a", "id_invalid"),
]


def template_client_with_faults(rnd, i):
    """template_client's row, with every 50th row holding one of FAULTS."""
    row = template_client(rnd, i)
    if i % 50 == 0:
        column, value, _ = FAULTS[(i // 50) % len(FAULTS)]
        row[column] = value
    return row


def excel_date(serial):
    """An Excel date serial as YYYY-MM-DD (for the CSV: a date typed in a CSV is text)."""
    import datetime
    return (datetime.date(1899, 12, 30) + datetime.timedelta(days=serial)).isoformat()


def col(n):
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def write(rows, xlsx, csv_path, headers, make_row, date_column, money_column, csv_dates=False):
    """Writes `rows` data rows of `make_row(rnd, i)` under `headers` as XLSX and CSV (dates as
    YYYY-MM-DD text in the CSV with `csv_dates`, else as their serial numbers)."""
    rnd = random.Random(42)
    letters = [col(i + 1) for i in range(len(headers))]
    strings, order = {}, []

    def sst(s):
        k = strings.get(s)
        if k is None:
            k = strings[s] = len(order)
            order.append(s)
        return k

    with zipfile.ZipFile(xlsx, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z, \
            open(csv_path, "w", newline="", encoding="utf-8") as cf:
        out = csv.writer(cf)
        out.writerow(headers)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    b'<dimension ref="A1:%s%d"/><sheetData>' % (letters[-1].encode(), rows + 1))
            buf = []
            for r in range(1, rows + 2):
                values = headers if r == 1 else make_row(rnd, r - 1)
                if r > 1:
                    out.writerow([excel_date(v) if csv_dates and c == date_column and isinstance(v, int) else v for c, v in enumerate(values)])
                cells = []
                for c, v in enumerate(values):
                    ref = f"{letters[c]}{r}"
                    if v == "":
                        continue
                    if isinstance(v, str):
                        cells.append(f'<c r="{ref}" t="s"><v>{sst(v)}</v></c>')
                    elif c == date_column:
                        cells.append(f'<c r="{ref}" s="1"><v>{v}</v></c>')
                    elif c == money_column:
                        cells.append(f'<c r="{ref}" s="2"><v>{v}</v></c>')
                    else:
                        cells.append(f'<c r="{ref}"><v>{v}</v></c>')
                buf.append(f'<row r="{r}" spans="1:{len(headers)}">{"".join(cells)}</row>')
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


GOOGLE_HEADERS = ["First Name", "Middle Name", "Last Name", "Phonetic First Name", "Phonetic Middle Name",
                  "Phonetic Last Name", "Name Prefix", "Name Suffix", "Nickname", "File As", "Organization Name",
                  "Organization Title", "Organization Department", "Birthday", "Notes", "Photo", "Labels",
                  "E-mail 1 - Label", "E-mail 1 - Value", "E-mail 2 - Label", "E-mail 2 - Value",
                  "Phone 1 - Label", "Phone 1 - Value", "Phone 2 - Label", "Phone 2 - Value",
                  "Address 1 - Label", "Address 1 - Formatted", "Address 1 - Street", "Address 1 - City",
                  "Address 1 - PO Box", "Address 1 - Region", "Address 1 - Postal Code", "Address 1 - Country",
                  "Address 1 - Extended Address", "Website 1 - Label", "Website 1 - Value"]


def write_google(rows, path):
    rng = random.Random(7)
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(GOOGLE_HEADERS)
        for n in range(rows):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            street, city = rng.choice(STREETS), rng.choice(CITIES)
            phone = f"+33 6 {n // 10000 % 100:02d} {n // 100 % 100:02d} {n % 100:02d} {rng.randrange(100):02d}"
            second = f"+33 1 40 {rng.randrange(100):02d} {rng.randrange(100):02d} {rng.randrange(100):02d}" \
                if rng.random() < 0.3 else ""
            email = f"client.{n}@example.com" if rng.random() < 0.8 else ""
            # Some contacts have a second address, or two mobiles in one cell (" ::: ").
            email2 = f"{first.lower() if first.isascii() else 'perso'}.{n}@example.org" if email and rng.random() < 0.15 else ""
            if rng.random() < 0.1:
                phone += f" ::: +33 7 {rng.randrange(100):02d} {rng.randrange(100):02d} {rng.randrange(100):02d} {rng.randrange(100):02d}"
            organization = rng.choice(["", "", "", "Atelier Émile", "Garage Central", "ТОВ Ромашка"])
            notes = rng.choice(["", "", "Écran cassé, rappeler", "Постійний клієнт"])
            labels = rng.choice(["* myContacts", "* myContacts ::: Fidèles", "* myContacts ::: Pros"])
            formatted = f"{rng.randrange(1, 200)} {street}\n{rng.randrange(10000, 99999)} {city}"
            writer.writerow([first, "", last, "", "", "", "", "", "", "", organization, "", "", "", notes, "",
                             labels, "* Work" if email else "", email, "Home" if email2 else "", email2, "Mobile", phone,
                             "Work" if second else "", second, "Home", formatted, "", city, "", "", "", "",
                             "", "", ""])


XW_FIRST = ["Катерина", "Олег", "Мария", "Сергій", "Наталья", "Юрій", "Олександр", "Анна", "Дмитрий",
            "Ірина", "Володимир", "Світлана", "Андрей", "Ольга", "Максим", "Тетяна", "Léa", "Hugo"]
XW_LAST = ["Шевченко", "Коваленко", "Бондаренко", "Іваненко", "Смирнов", "Кузнецов", "Попова",
           "Ткаченко", "Кравченко", "Соколов", "Морозова", "Лисенко", "Martin", "Dubois"]
XW_STREETS = ["вул. Хрещатик", "пр. Миру", "вул. Шевченка", "ул. Ленина", "вул. Франка", "ул. Пушкина",
              "просп. Перемоги", "вул. Лесі Українки"]
XW_CITIES = ["Київ", "Львів", "Одеса", "Харків", "Дніпро", "Москва", "Казань", "Запоріжжя"]
XW_NOTES = ["", "", "звонить после 18:00", "предпочитает почту", "экран менял дважды", "Постійний клієнт",
            "", "должен за батарею", "VIP — обращаться бережно", ""]


def write_xlsxwriter(rows, path):
    """The reader layout written by xlsxwriter (normal mode: a shared-string table)."""
    import xlsxwriter
    rnd = random.Random(42)
    workbook = xlsxwriter.Workbook(path, {"strings_to_numbers": False})
    sheet = workbook.add_worksheet("Клиенты")
    date = workbook.add_format({"num_format": "dd.mm.yyyy"})
    money = workbook.add_format({"num_format": "#,##0.00"})
    sheet.write_row(0, 0, HEADERS)
    for r in range(1, rows + 1):
        values = client(rnd, r)
        # Mostly Cyrillic text, each address distinct (as real client lists are), phones as text.
        values[1], values[2] = rnd.choice(XW_FIRST), rnd.choice(XW_LAST)
        values[3] = str(values[3])
        values[4] = f"{rnd.choice(XW_STREETS)}, {rnd.randrange(1, 200)}, кв. {rnd.randrange(1, 300)}, {rnd.choice(XW_CITIES)}"
        values[5] = f"client{r}@example.com"
        values[9] = rnd.choice(XW_NOTES)
        for c, v in enumerate(values):
            if v == "":
                continue
            if c == 19:
                sheet.write_number(r, c, v, date)
            elif c == 17:
                sheet.write_number(r, c, v, money)
            elif isinstance(v, str):
                sheet.write_string(r, c, v)
            else:
                sheet.write_number(r, c, v)
    workbook.close()


def main():
    rows, outdir = int(sys.argv[1]), sys.argv[2]
    layout = sys.argv[sys.argv.index("--layout") + 1] if "--layout" in sys.argv else "reader"
    os.makedirs(outdir, exist_ok=True)
    if layout == "template":
        suffix = "-faults" if "--faults" in sys.argv else ""
        xlsx, csv_path = (os.path.join(outdir, f"template-{rows}{suffix}.{e}") for e in ("xlsx", "csv"))
        write(rows, xlsx, csv_path, TEMPLATE_HEADERS, template_client_with_faults if suffix else template_client,
              date_column=19, money_column=17, csv_dates=True)
    elif layout == "reader":
        xlsx, csv_path = (os.path.join(outdir, f"clients-{rows}.{e}") for e in ("xlsx", "csv"))
        write(rows, xlsx, csv_path, HEADERS, client, date_column=19, money_column=17)
    elif layout == "google":
        csv_path = os.path.join(outdir, f"google-{rows}.csv")
        write_google(rows, csv_path)
        print(csv_path)
        return
    elif layout == "xlsxwriter":
        xlsx = os.path.join(outdir, f"xlsxwriter-{rows}.xlsx")
        write_xlsxwriter(rows, xlsx)
        print(xlsx)
        return
    else:
        sys.exit(f"generate.py: unknown layout {layout!r} (reader, template, google or xlsxwriter)")
    print(xlsx)
    print(csv_path)


if __name__ == "__main__":
    main()
