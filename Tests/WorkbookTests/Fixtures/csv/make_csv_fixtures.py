#!/usr/bin/env python3
"""Writes the CSV fixtures of CSVReaderTests byte for byte (run from this folder).

Each file is one case: a delimiter to sniff, an encoding to detect, a quoting edge case.
"""

FILES = {
    "comma.csv": ("Name,Phone,Email\r\nIvan,123,ivan@example.com\r\n", "utf-8"),
    # Commas inside quotes must not make the sniffer pick ','.
    "semicolon.csv": ('Nom;Téléphone;Notes\nÉlodie;0601020304;"a, b, c"\nLuc;0611;"d, e"\n', "utf-8"),
    "tab.csv": ("Name\tPhone\tNotes\nIvan\t1\ta;b\nPetr\t2\tc,d\n", "utf-8"),
    "pipe.csv": ("Name|Phone|Notes\nIvan|1|x, y\nPetr|2|z; w\n", "utf-8"),
    # Quoted line breaks (CRLF and LF), doubled quotes, empty records, an all-empty record.
    "quoted.csv": ('Name,Notes,Phone\r\n'
                   '"Dupont, Élodie","line one\r\nline two",1\r\n'
                   '\r\n'
                   '"Say ""hi""","multi\nline\nnote",2\r\n'
                   ',,\r\n'
                   'Luc,"",3\r\n'
                   'Last,no newline at end,4', "utf-8"),
    "cr.csv": ('Name,Notes\r"A","x\ry"\rB,z\r', "utf-8"),
    "bom-utf8.csv": ("\ufeffИмя;Телефон\r\nІван;+380501234567\r\n", "utf-8"),
    "utf16le.csv": ("\ufeffName\tPhone\r\nÉlodie 😀\t1\r\nИван\t2\r\n", "utf-16-le"),
    "utf16be.csv": ("\ufeffName,Phone\r\nÉlodie 😀,1\r\nИван,2\r\n", "utf-16-be"),
    "windows1251.csv": ("Имя;Телефон;Город\r\nИван Петров;+380501234567;Київ\r\nОльга;0441234567;Львів\r\n", "cp1251"),
    "windows1252.csv": ("Nom;Prénom;Ville\r\nDupont;Élodie;Besançon\r\nLefèvre;Zoë;Orléans\r\n", "cp1252"),
    "sep.csv": ("sep=;\r\nName;Notes\r\nIvan;a,b\r\n", "utf-8"),
    "unterminated.csv": ('Name,Notes\nIvan,ok\nPetr,"never closed\nmore text\n', "utf-8"),
}

for name, (text, encoding) in FILES.items():
    with open(name, "wb") as f:
        f.write(text.encode(encoding))
