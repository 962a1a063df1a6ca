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

# The encodings CSVReader detects or refuses without a byte-order mark (its NUL-byte sniffing):
# UTF-16 LE and BE with Latin and Cyrillic text, a lone last byte, an unpaired surrogate, UTF-32
# with and without its mark, NUL bytes alone and in no pattern.
TEXT = "Name;Phone;City\r\nÉlodie 😀;+33 6 12;Besançon\r\nИван Петрович;+380501234567;Київ\r\n"
CYRILLIC = "Жовтоблакитний\nОльга;Львів\n"
for order in ("le", "be"):
    put("csv", "utf16%s-no-bom.csv" % order, TEXT.encode("utf-16-" + order))
    put("csv", "utf16%s-no-bom-cyrillic.csv" % order, CYRILLIC.encode("utf-16-" + order))
    put("csv", "utf16%s-odd-byte.csv" % order, TEXT.encode("utf-16-" + order) + b"A")
    put("csv", "utf32%s.csv" % order, TEXT.encode("utf-32-" + order))
    put("csv", "utf32%s-bom.csv" % order, ("\ufeff" + TEXT).encode("utf-32-" + order))
put("csv", "utf16le-unpaired-surrogate.csv", "Na".encode("utf-16-le") + b"\x00\xdc" + TEXT.encode("utf-16-le"))
put("csv", "nul-bytes.csv", b"\x00" * 64)
put("csv", "nul-no-pattern.csv", b"PK\x00\x00\x00\x00\x07\x08\x01\x00\x00\x00ABCD")

# The vCard shapes the parser must read in linear time and keep: a value folded over many lines,
# a soft line break before END:VCARD and on the last line (CRLF, LF, CR), a folded base64 PHOTO,
# a vCard 4.0 data: PHOTO, a head folded before its colon, grouped phones with labels, a card cut
# short.
for eol, tag in ((b"\r\n", "crlf"), (b"\n", "lf"), (b"\r", "cr")):
    put("vcard", "soft-break-before-end-%s.vcf" % tag, eol.join([
        b"BEGIN:VCARD", b"VERSION:2.1", b"FN:Jean",
        b"NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Caf=C3=A9 =", b"END:VCARD", b""]))
    put("vcard", "soft-break-at-end-of-file-%s.vcf" % tag, eol.join([
        b"BEGIN:VCARD", b"FN:Marie", b"N;QUOTED-PRINTABLE;CHARSET=UTF-8:=D0=9F=D0=B5=", b"=D1=82=D1=80="]))
put("vcard", "folded-note.vcf", b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jean\r\nNOTE:start\r\n"
    + b" abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijxyz\r\n" * 200
    + b"TEL:+33 6 12\r\nEND:VCARD\r\n")
put("vcard", "photo.vcf", b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jean\r\nPHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQ\r\n"
    + b" QUJDQUJDQUJDQUJDQUJDQUJDQUJDQUJDQUJDQUJDQUJDQUJDQUJDQUJDQUJDQUJDQUJDQUJDQU\r\n" * 200
    + b"TEL:+33 6 12\r\nEND:VCARD\r\n")
put("vcard", "photo-data-uri.vcf", b"BEGIN:VCARD\nVERSION:4.0\nFN:Jean\nPHOTO:data:image/png;base64,"
    + b"iVBORw0KGgo" * 100 + b"\nLOGO;ENCODING=BASE64:QUJD\nKEY:MIIB\nTEL:+33 6 12\nEND:VCARD\n")
put("vcard", "folded-head.vcf", b"BEGIN:VCARD\nTEL;TYPE=CE\n LL:+33\n 6\nitem1.EMAIL;type=INTERNET:a@b.fr\n"
    b"item1.X-ABLabel:_$!<Atelier>!$_\nitem2.TEL:1\nitem2.X-ABLabel:Maison\nADR:;;1 rue\\; B;Lille;;59000;France\n"
    b"END:VCARD\n")
put("vcard", "cut-short.vcf", b"BEGIN:VCARD\nFN:Jean\nBEGIN:VCARD\nFN:Marie\nTEL:1")
