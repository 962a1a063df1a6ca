#!/usr/bin/env python3
"""Times Python readers on one XLSX file, reading every cell of the first sheet.

    python3 Benchmarks/reader.py FILE [--repeat N] [--only NAME]

Prints one line per reader: `name seconds rows cells peak-rss-mib` (best of N runs; the peak
is the whole process's, so run one reader per process with `--only` for a fair figure).
openpyxl (read-only) runs only for files of at most 100k rows.
"""
import resource
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
    # load_sheet alone may defer decoding; to_arrow() makes fastexcel build every column, so
    # every cell is really decoded (this needs pyarrow installed).
    sheet = fastexcel.read_excel(path).load_sheet(0, header_row=None)
    table = sheet.to_arrow()
    cells = sum(len(column) - column.null_count for column in table.columns)
    return table.num_rows, cells


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
    # Import the libraries before timing: their import cost is not reading.
    for module in ("python_calamine", "fastexcel", "pyarrow", "openpyxl"):
        try:
            __import__(module)
        except ImportError:
            pass
    path = sys.argv[1]
    repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 1
    readers = [("python-calamine", calamine), ("fastexcel", fastexcel_read)]
    first = None
    only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else None
    for name, fn in readers + [("openpyxl-read-only", openpyxl_read)]:
        if only is not None and name != only:
            continue
        if name.startswith("openpyxl"):
            if first is None:
                first = calamine(path)
            if first[0] > 100_001:
                print(f"{name} skipped (more than 100k rows)")
                continue
        best = None
        for _ in range(repeat):
            t = time.perf_counter()
            rows, cells = fn(path)
            elapsed = time.perf_counter() - t
            best = elapsed if best is None else min(best, elapsed)
        first = first or (rows, cells)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        print(f"{name} {best:.3f} {rows} {cells} {peak:.1f}", flush=True)


if __name__ == "__main__":
    main()
