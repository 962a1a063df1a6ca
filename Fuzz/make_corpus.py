#!/usr/bin/env python3
"""Builds the fuzzers' seed corpus (Fuzz/Corpus/TARGET) from the test fixtures and examples.

Run from the repository root: python3 Fuzz/make_corpus.py. Crash inputs that were fixed live
in Fuzz/Corpus/TARGET too (named crash-*); this script never deletes them.
"""
import glob, hashlib, os, shutil, zipfile

def put(target, name, data):
    folder = os.path.join("Fuzz", "Corpus", target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)

workbooks = sorted(glob.glob("Tests/WorkbookTests/Fixtures/*.xlsx") + glob.glob("examples/*.xlsx"))
for path in workbooks:
    base = os.path.splitext(os.path.basename(path))[0]
    with open(path, "rb") as f:
        put("zip", base + ".xlsx", f.read())
    try:
        archive = zipfile.ZipFile(path)
        names = archive.namelist()
    except Exception:
        continue
    for name in names:
        try:
            data = archive.read(name)
        except Exception:
            continue
        if len(data) > 1 << 20:
            continue
        if "worksheets/" in name and name.endswith(".xml"):
            put("sheet", base + "-" + os.path.basename(name), data)
        elif name.lower().endswith("sharedstrings.xml"):
            put("sharedstrings", base + ".xml", data)

for path in sorted(glob.glob("Tests/WorkbookTests/Fixtures/csv/*.csv") + glob.glob("examples/*.csv")):
    shutil.copy(path, os.path.join("Fuzz", "Corpus", "csv", os.path.basename(path))) if os.path.isdir("Fuzz/Corpus/csv") else (os.makedirs("Fuzz/Corpus/csv"), shutil.copy(path, "Fuzz/Corpus/csv/"))

for path in sorted(glob.glob("examples/*.vcf")):
    with open(path, "rb") as f:
        data = f.read()
    put("vcard", os.path.basename(path), data)
    # One seed per card, so the fuzzer starts from small inputs too.
    for i, card in enumerate(data.split(b"BEGIN:VCARD")[1:]):
        put("vcard", "card-%d.vcf" % (i + 1), b"BEGIN:VCARD" + card)
