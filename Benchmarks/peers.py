#!/usr/bin/env python3
"""The Python peers of Benchmarks/run.sh that reader.py does not cover.

    python3 Benchmarks/peers.py csv-read FILE.csv
        reads every row with the csv module (each field materialised as a str)
    python3 Benchmarks/peers.py xlsxwriter TEMPLATE.xlsx OUT.xlsx
        writes as many rows as TEMPLATE.xlsx has (the same 20 template columns, values like the
        generator's) with xlsxwriter in constant_memory mode, as an export would

Prints `rows seconds` (timed inside; run.sh times the whole process too).
"""
import csv
import random
import sys
import time
import zipfile


def csv_read(path):
    rows = cells = 0
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.reader(f):
            rows += 1
            cells += sum(1 for v in row if v)
    return rows


def rows_of(xlsx):
    """Data rows of a generated file, from its <dimension ref="A1:T{n+1}"/>."""
    with zipfile.ZipFile(xlsx) as z, z.open("xl/worksheets/sheet1.xml") as f:
        head = f.read(4096).decode()
    ref = head.split('<dimension ref="', 1)[1].split('"', 1)[0]
    return int("".join(c for c in ref.split(":")[1] if c.isdigit())) - 1


def xlsxwriter_write(template, out):
    import xlsxwriter
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    import generate
    n = rows_of(template)
    # The values are made before the clock starts: only the writing is timed.
    rnd = random.Random(42)
    sample = [generate.template_client(rnd, i + 1) for i in range(min(n, 10_000))]
    start = time.perf_counter()
    wb = xlsxwriter.Workbook(out, {"constant_memory": True})
    ws = wb.add_worksheet("Clients")
    ws.write_row(0, 0, generate.TEMPLATE_HEADERS)
    for r in range(n):
        ws.write_row(r + 1, 0, sample[r % len(sample)])
    wb.close()
    return n, time.perf_counter() - start


def main():
    if sys.argv[1] == "csv-read":
        start = time.perf_counter()
        rows = csv_read(sys.argv[2])
        print(rows, f"{time.perf_counter() - start:.3f}")
    elif sys.argv[1] == "xlsxwriter":
        rows, seconds = xlsxwriter_write(sys.argv[2], sys.argv[3])
        print(rows, f"{seconds:.3f}")
    else:
        sys.exit("usage: peers.py csv-read FILE | xlsxwriter TEMPLATE.xlsx OUT.xlsx")


if __name__ == "__main__":
    main()
