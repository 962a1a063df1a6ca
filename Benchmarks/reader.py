#!/usr/bin/env python3
"""Times Python readers on one XLSX file, reading every cell of the first sheet.

    python3 Benchmarks/reader.py FILE [--repeat N]

Prints one line per reader: `name seconds rows cells` (best of N runs). openpyxl (read-only)
runs only for files of at most 100k rows.
"""
import sys
import time


def calamine(path):
    from python_calamine import CalamineWorkbook
    wb = CalamineWorkbook.from_path(path)
    rows = cells = 0
    for row in wb.get_sheet_by_index(0).iter_rows():
        rows += 1
        cells += sum(1 for v in row if v != "")
    return rows, cells


def fastexcel_read(path):
    import fastexcel
    # load_sheet parses every cell into Arrow columns in Rust; converting them to pyarrow
    # would only add a copy (and pyarrow may be absent).
    sheet = fastexcel.read_excel(path).load_sheet(0, header_row=None)
    return sheet.height, sheet.height * sheet.width


def openpyxl_read(path):
    import openpyxl
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = cells = 0
    for row in wb.worksheets[0].iter_rows(values_only=True):
        rows += 1
        cells += sum(1 for v in row if v is not None)
    wb.close()
    return rows, cells


def main():
    path = sys.argv[1]
    repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 1
    readers = [("python-calamine", calamine), ("fastexcel", fastexcel_read)]
    first = None
    for name, fn in readers + [("openpyxl-read-only", openpyxl_read)]:
        if name.startswith("openpyxl"):
            if first is None or first[0] > 100_001:
                print(f"{name} skipped (more than 100k rows)")
                continue
        best = None
        for _ in range(repeat):
            t = time.perf_counter()
            rows, cells = fn(path)
            elapsed = time.perf_counter() - t
            best = elapsed if best is None else min(best, elapsed)
        first = first or (rows, cells)
        print(f"{name} {best:.3f} {rows} {cells}", flush=True)


if __name__ == "__main__":
    main()
