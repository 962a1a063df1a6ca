#!/usr/bin/env python3
"""The import a developer would write instead of clientimport: the benchmark's peer (issue 18).

    python3 Benchmarks/peer_import.py FILE.xlsx|FILE.csv BASE.sqlite [--errors]

Reads the RemOnline template (XLSX with python-calamine, CSV with the csv module), checks every
row as the default rule set does (`rules/remonline/ruleset.lua` with `rules/lib/engine.lua`,
`phones.lua`, `emails.lua`, `money.lua`, `yesno.lua`, `text.lua`): name required, texts at most
255 characters where the rule set says so, Client ID digits, phones split and normalised, one
plausible email, yes/no words, percentages 0–100 and money exact (`decimal.Decimal`, at most four
decimals and 15 digits), marketing sources and price types the base knows, the custom fields'
types; then, for each new client, probes the base for a client with the same phone or email (one
SELECT each, as `--on-duplicate create` does: a warning), and writes everything in one
transaction into a SQLite base with the same tables and indexes as clientimport's schema
(clients, phones, custom values, balance ledger, batch journal), a ledger row where the balance
is not zero. Any error rejects the whole file and writes nothing, as clientimport does.

BASE is created when missing, knowing the marketing sources, price types and custom fields of
`generate.py`'s TEMPLATE_SETTINGS (what `Benchmarks/run.sh` adds to our base with `clientimport
settings`). Prints `rows R created C updated U rejected-rows E warnings W`; with --errors, then one
line per error: `row COLUMN-HEADER message-key`.

Faithful rather than clever, but not a strawman: rows are written with executemany in chunks of
1,000 (prepared once through sqlite3's statement cache), lookups of the catalog are dictionaries,
and the probes of a chunk not yet written look in that chunk's dictionaries.
"""
import csv
import datetime
import os
import re
import sqlite3
import sys
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import generate  # noqa: E402  (the catalog the benchmark's files use)

# clientimport's schema as of migration 5, the tables an import writes (Sources/ClientBase/Schema.swift).
SCHEMA = """
CREATE TABLE marketing_sources(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE price_types(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE custom_fields(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL CHECK (type IN ('text', 'number', 'date', 'yes-no')));
CREATE TABLE employees(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE batches(id INTEGER PRIMARY KEY, file_name TEXT NOT NULL, rows INTEGER NOT NULL DEFAULT 0,
    created INTEGER NOT NULL DEFAULT 0, updated INTEGER NOT NULL DEFAULT 0,
    balance_corrections INTEGER NOT NULL DEFAULT 0, started_at TEXT NOT NULL, finished_at TEXT);
CREATE TABLE clients(
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, last_name TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '', address TEXT NOT NULL DEFAULT '',
    juridical INTEGER NOT NULL DEFAULT 0, supplier INTEGER NOT NULL DEFAULT 0,
    conflicted INTEGER NOT NULL DEFAULT 0, notes TEXT NOT NULL DEFAULT '',
    marketing_source_id INTEGER REFERENCES marketing_sources(id), discount_card TEXT NOT NULL DEFAULT '',
    discount_goods INTEGER, discount_services INTEGER, discount_materials INTEGER,
    price_type_sales_id INTEGER REFERENCES price_types(id), price_type_orders_id INTEGER REFERENCES price_types(id),
    created_batch INTEGER REFERENCES batches(id), deleted_batch INTEGER REFERENCES batches(id));
CREATE INDEX clients_email_nocase ON clients(email COLLATE NOCASE) WHERE email <> '';
CREATE TABLE client_phones(client_id INTEGER NOT NULL REFERENCES clients(id), position INTEGER NOT NULL,
    number TEXT NOT NULL, PRIMARY KEY (client_id, position)) WITHOUT ROWID;
CREATE INDEX client_phones_number ON client_phones(number);
CREATE TABLE client_custom_values(client_id INTEGER NOT NULL REFERENCES clients(id),
    field_id INTEGER NOT NULL REFERENCES custom_fields(id), value TEXT NOT NULL,
    PRIMARY KEY (client_id, field_id)) WITHOUT ROWID;
CREATE TABLE balance_ledger(id INTEGER PRIMARY KEY, client_id INTEGER NOT NULL REFERENCES clients(id),
    amount INTEGER NOT NULL, comment TEXT NOT NULL, batch_id INTEGER REFERENCES batches(id),
    employee_id INTEGER REFERENCES employees(id), at TEXT NOT NULL);
CREATE INDEX balance_ledger_client ON balance_ledger(client_id);
CREATE TABLE batch_created_clients(batch_id INTEGER NOT NULL REFERENCES batches(id),
    first_client_id INTEGER NOT NULL REFERENCES clients(id), last_client_id INTEGER NOT NULL REFERENCES clients(id),
    PRIMARY KEY (batch_id, first_client_id)) WITHOUT ROWID;
INSERT INTO employees(name) VALUES ('Administrator');
"""

# Template columns: English header → (key, type, required, max length); after Balance, custom fields.
COLUMNS = {
    "client id": ("id", "id", False, None), "name": ("name", "text", True, 255),
    "phone number": ("phone", "phones", False, None), "address": ("address", "text", False, None),
    "email": ("email", "email", False, None), "last name": ("last_name", "text", False, 255),
    "company": ("juridical", "yes-no", False, None), "supplier": ("supplier", "yes-no", False, None),
    "conflicted": ("conflicted", "yes-no", False, None), "notes": ("notes", "text", False, None),
    "marketing source": ("marketing_source", "marketing-source", False, None),
    "discount card": ("discount_card", "text", False, None),
    "discount on goods in sales": ("discount_goods", "percent", False, None),
    "discount on services in orders and invoices": ("discount_services", "percent", False, None),
    "discount on goods/materials in orders and invoices": ("discount_materials", "percent", False, None),
    "price type in sales": ("price_type_sales", "price-type", False, None),
    "price type in orders and invoices": ("price_type_orders", "price-type", False, None),
    "balance": ("balance", "money", False, None),
}
BALANCE_COMMENT = "Balance correction by import"
MAX_CELL = 32_767  # Excel's longest text, which an export must be able to write back

YES = {"oui", "yes", "y", "o", "true", "vrai", "1", "да", "д", "так", "т", "x"}
NO = {"non", "no", "n", "false", "faux", "0", "нет", "ні", "-"}
SPACE = " \t\n\v\f\r"  # what Lua's %s matches (the C locale)

DIGITS = re.compile(r"[0-9]+")
PHONE_CHARS = re.compile(r"[0-9 \t\n\v\f\r+\-.()/]*")
FLOAT_PHONE = re.compile(r"([0-9]+)[.,]0+")
SCIENTIFIC = re.compile(r"[+-]?[0-9][.,]?[0-9]*[eE]\+?[0-9]+")
SCIENTIFIC_PARTS = re.compile(r"([+-]?)([0-9])[.,]?([0-9]*)[eE]\+?([0-9]+)")
EMAIL = re.compile(r"[A-Za-z0-9.%+\-_!#$&'*/=?^`{|}~]+@[A-Za-z0-9\-]+\.[A-Za-z0-9.\-]+")
NUMBER = re.compile(r"([+-]?)([0-9]*)[.,]?([0-9]*)")
NUMBER_EXPONENT = re.compile(r"([+-]?)([0-9]+)\.?([0-9]*)[eE]([+-]?)([0-9]+)")
NUMBER_NOISE = re.compile("[ \t\n\v\f\r\u00a0']")
ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(.*)", re.S)
ISO_TIME = re.compile(r"[T ][0-9]{2}:[0-9]{2}(?:|:[0-9]{2}[.,]?[0-9]*Z?)")
DAY_FIRST = [re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})"),
             re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})"),
             re.compile(r"([0-9]{1,2})-([0-9]{1,2})-([0-9]{4})")]


class Invalid(Exception):
    """A cell the rules refuse: its message key (the rule set's catalog names the text)."""

    def __init__(self, key):
        super().__init__(key)
        self.key = key


def trim(s):
    if not s or (s[0] not in SPACE and s[-1] not in SPACE and "\u00a0" not in s):
        return s  # most cells: nothing to trim, no new string
    if "\u00a0" in s:
        s = s.replace("\u00a0", " ")
    return s.strip(SPACE)


def as_text(value):
    """A cell as text, as clientimport's reader hands it to the rules."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ") if value.time() != datetime.time() else value.date().isoformat()
    if isinstance(value, (datetime.date, datetime.time, datetime.timedelta)):
        return value.isoformat() if not isinstance(value, datetime.timedelta) else str(value)
    return str(value)


def complete(digits, international, country_code=None):
    if not international and digits.startswith("00") and len(digits) > 10:
        digits, international = digits[2:], True
    if not international and country_code and len(digits) > 1 and digits[0] == "0" and digits[1] in "123456789":
        digits = country_code + digits[1:]
    if not 3 <= len(digits) <= 15:
        raise Invalid("phone_length")
    return digits


def phone(s):
    """One trimmed number → its digits (a country code kept when written)."""
    if DIGITS.fullmatch(s):
        return complete(s, False)
    if PHONE_CHARS.fullmatch(s):
        m = FLOAT_PHONE.fullmatch(s) if "." in s else None
        if m:
            return complete(m.group(1), False)  # 380501234567.0 from a float cell
        return complete("".join(c for c in s if "0" <= c <= "9"), s[0] == "+")
    if ("e" in s or "E" in s) and SCIENTIFIC.fullmatch(s):
        sign, whole, fraction, exponent = SCIENTIFIC_PARTS.fullmatch(s).groups()
        exponent = exponent.lstrip("0")
        if sign == "-" or len(exponent) > len(fraction) + 1 or len(fraction) != int(exponent or "0"):
            raise Invalid("phone_scientific")
        return whole + fraction
    m = FLOAT_PHONE.fullmatch(s)
    if not m:
        raise Invalid("phone_characters")
    return complete(m.group(1), False)


def phones(s):
    parts = (trim(p) for p in re.split("[,;\n]", s))
    return [phone(p) for p in parts if p]


def email(s):
    if EMAIL.fullmatch(s) and s[0] != "." and ".." not in s and ".@" not in s:
        return s
    if any(c in s for c in ",;" + SPACE) and len([p for p in (trim(p) for p in re.split("[,; ]", s)) if p]) > 1:
        raise Invalid("email_several")
    raise Invalid("email_invalid")


def yes_no(s):
    word = " ".join(s.split()).lower()
    if word == "" or word in NO:
        return False
    if word in YES:
        return True
    raise Invalid("yes_no_invalid")


def number(raw, allow_percent=False):
    """money.parse: an exact Decimal with at most 4 decimals, 14 whole and 15 significant digits."""
    m = NUMBER.fullmatch(raw)
    if not m or not (m.group(2) or m.group(3)):
        s = NUMBER_NOISE.sub("", trim(raw))
        if allow_percent and s.endswith("%"):
            s = s[:-1]
        m = NUMBER.fullmatch(s)
        if m and (m.group(2) or m.group(3)):
            sign, whole, fraction = m.groups()
        else:
            e = NUMBER_EXPONENT.fullmatch(s)
            if not e:
                raise Invalid("number_invalid")
            sign, m_whole, m_fraction, e_sign, e_digits = e.groups()
            e_digits = e_digits.lstrip("0")
            digits = m_whole + m_fraction
            if len(e_digits) > 2 or int(e_digits or "0") > 40:
                if not digits.strip("0"):
                    return Decimal(0)
                raise Invalid("number_decimals" if e_sign == "-" else "number_too_large")
            point = len(m_whole) + (-1 if e_sign == "-" else 1) * int(e_digits or "0")
            if point <= 0:
                whole, fraction = "0", "0" * -point + digits
            elif point >= len(digits):
                whole, fraction = digits + "0" * (point - len(digits)), ""
            else:
                whole, fraction = digits[:point], digits[point:]
    else:
        sign, whole, fraction = m.groups()
    fraction = fraction.rstrip("0")
    if len(fraction) > 4:
        raise Invalid("number_decimals")
    whole = whole.lstrip("0") or "0"
    if len(whole) > 14:
        raise Invalid("number_too_large")
    if len(whole) + len(fraction) > 15 and len((whole + fraction).lstrip("0")) > 15:
        raise Invalid("number_too_precise")
    value = Decimal(f"{sign}{whole}.{fraction or '0'}")
    return value if value else Decimal(0)  # -0 is 0


def ten_thousandths(value):
    return int(value.scaleb(4))


def date(s):
    m = ISO_DATE.fullmatch(s)
    if m:
        y, mo, d, rest = m.groups()
        if rest and not ISO_TIME.fullmatch(rest):
            raise Invalid("custom_date_invalid")
    else:
        for pattern in DAY_FIRST:
            m = pattern.fullmatch(s)
            if m:
                d, mo, y = m.groups()
                break
        else:
            raise Invalid("custom_date_invalid")
    year, month, day = int(y), int(mo), int(d)
    if year < 1 or not 1 <= month <= 12:
        raise Invalid("custom_date_invalid")
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        raise Invalid("custom_date_impossible") from None


def custom_value(kind, s):
    """A custom field's stored text ("" stores nothing)."""
    if kind == "text":
        return s
    if kind == "date":
        return date(s)
    if kind == "number":
        try:
            return str(number(s))
        except Invalid:
            raise Invalid("custom_number_invalid") from None
    return "1" if yes_no(s) else ""


class Catalog:
    """The base's marketing sources, price types and custom fields, by name."""

    def __init__(self, db):
        self.sources = dict(db.execute("SELECT name, id FROM marketing_sources"))
        self.prices = dict(db.execute("SELECT name, id FROM price_types"))
        self.custom = {name: (i, kind) for i, name, kind in db.execute("SELECT id, name, type FROM custom_fields")}


def converter(kind, max_length, catalog):
    """The check of one column type: cell text (trimmed, not empty) → typed value, or Invalid."""
    if kind == "text":
        def text(raw):
            if max_length and len(raw) > max_length:
                raise Invalid("text_too_long")
            if len(raw) > MAX_CELL:
                raise Invalid("cell_too_long")
            return raw
        return text
    if kind == "id":
        def client_id(raw):
            if len(raw) > 18 or not DIGITS.fullmatch(raw):
                raise Invalid("id_invalid")
            return int(raw)
        return client_id
    if kind == "percent":
        def percent(raw):
            try:
                value = number(raw, allow_percent=True)
            except Invalid:
                raise Invalid("percent_invalid") from None
            if not 0 <= value <= 100:
                raise Invalid("percent_range")
            return ten_thousandths(value)
        return percent
    if kind == "money":
        def money(raw):
            try:
                return number(raw)
            except Invalid as problem:
                raise Invalid("money_invalid" if problem.key == "number_invalid" else problem.key) from None
        return money
    if kind in ("marketing-source", "price-type"):
        known = catalog.sources if kind == "marketing-source" else catalog.prices
        problem = "marketing_source_unknown" if kind == "marketing-source" else "price_type_unknown"

        def reference(raw):
            if raw not in known:
                raise Invalid(problem)
            return raw
        return reference
    return {"phones": phones, "email": email, "yes-no": yes_no}[kind]


# Types whose values repeat down a column: their results are kept per column (as the rule
# engine's memo does), up to MEMO_LIMIT distinct texts each.
MEMOISED = {"text", "yes-no", "percent", "money", "marketing-source", "price-type"}
MEMO_LIMIT = 10_000
EMPTY = {"phones": None, "yes-no": False, "id": None, "percent": None, "money": None}


class RowChecker:
    """The checks of a file's columns, made once: `check(cells)` → (fields, custom, errors)."""

    def __init__(self, columns, custom_columns, catalog):
        self.plan = []
        for index, (key, kind, required, max_length) in columns:
            memo = {} if kind in MEMOISED else None
            self.plan.append((index, key, converter(kind, max_length, catalog), EMPTY.get(kind, ""), required,
                              kind == "phones", memo))
        self.custom_plan = []
        for index, name in custom_columns:
            field = catalog.custom.get(name)
            self.custom_plan.append((index, field, {} if field and field[1] != "text" else None))

    def check(self, cells):
        fields, custom, errors = {}, {}, []
        width = len(cells)
        for index, key, convert, empty, required, is_phones, memo in self.plan:
            cell = cells[index] if index < width else None
            # Keyed by the cell as read (a str, or a float or date from calamine).
            if memo is not None and cell is not None:
                known = memo.get(cell)
                if known is not None:
                    if type(known) is Invalid:
                        errors.append((index, known.key))
                    else:
                        fields[key] = known
                    continue
            raw = trim(as_text(cell))
            if raw == "":
                if required:
                    errors.append((index, "required"))
                fields[key] = [] if is_phones else empty
                continue
            try:
                value = convert(raw)
            except Invalid as problem:
                errors.append((index, problem.key))
                value = problem
            else:
                fields[key] = value
            if memo is not None and cell is not None and len(memo) < MEMO_LIMIT:
                memo[cell] = value
        for index, field, memo in self.custom_plan:
            cell = cells[index] if index < width else None
            if field is None:
                errors.append((index, "custom_field_unknown"))
                continue
            raw = trim(as_text(cell))
            if not raw:
                continue
            if len(raw) > MAX_CELL:
                errors.append((index, "cell_too_long"))
                continue
            try:
                value = memo.get(raw) if memo is not None else None
                if value is None:
                    value = custom_value(field[1], raw)
                    if memo is not None and len(memo) < MEMO_LIMIT:
                        memo[raw] = value
                if value:
                    custom[field[0]] = value
            except Invalid as problem:
                errors.append((index, problem.key))
        return fields, custom, errors


def read_rows(path):
    """The file's rows as lists of cell values (the first row: the headers)."""
    if path.lower().endswith(".csv"):
        with open(path, newline="", encoding="utf-8-sig") as f:
            yield from csv.reader(f)
    else:
        from python_calamine import CalamineWorkbook
        yield from CalamineWorkbook.from_path(path).get_sheet_by_index(0).iter_rows()


def open_base(path):
    new = not os.path.exists(path)
    db = sqlite3.connect(path, isolation_level=None, cached_statements=64)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA cache_size = -16384")  # the 16 MiB page cache clientimport uses
    if new:
        db.executescript(SCHEMA)
        settings = generate.TEMPLATE_SETTINGS
        db.executemany("INSERT INTO marketing_sources(name) VALUES (?)", [(s,) for s in settings["marketing_sources"]])
        db.executemany("INSERT INTO price_types(name) VALUES (?)", [(p,) for p in settings["price_types"]])
        db.executemany("INSERT INTO custom_fields(name, type) VALUES (?, ?)", settings["custom_fields"])
    return db


INSERT_CLIENT = """INSERT INTO clients(id, name, last_name, email, address, juridical, supplier, conflicted, notes,
    marketing_source_id, discount_card, discount_goods, discount_services, discount_materials,
    price_type_sales_id, price_type_orders_id, created_batch) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"""
FIRST_WITH_PHONE = """SELECT p.client_id FROM client_phones p JOIN clients c ON c.id = p.client_id
    WHERE p.number = ? AND c.deleted_batch IS NULL ORDER BY p.client_id LIMIT 1"""
FIRST_WITH_EMAIL = """SELECT id FROM clients WHERE email = ? COLLATE NOCASE AND email <> ''
    AND deleted_batch IS NULL ORDER BY id LIMIT 1"""


class Writer:
    """A batch's new clients, written 1,000 at a time with executemany."""

    CHUNK = 1000

    def __init__(self, db, batch, employee):
        self.db, self.batch, self.employee = db, batch, employee
        self.next_id = db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM clients").fetchone()[0]
        self.first_id = self.next_id
        self.now = datetime.datetime.now(datetime.timezone.utc).isoformat()
        self.clients, self.phones, self.custom, self.ledger = [], [], [], []
        self.pending_phones, self.pending_emails = {}, {}
        self.created = self.corrections = self.warnings = 0

    def duplicates(self, fields):
        """Probes the base (and the chunk not yet written) for each phone and the email: warnings."""
        found = set()
        for number_ in fields["phone"]:
            row = self.db.execute(FIRST_WITH_PHONE, (number_,)).fetchone()
            other = row[0] if row else self.pending_phones.get(number_)
            if other is not None and other not in found:
                found.add(other)
        if fields["email"]:
            row = self.db.execute(FIRST_WITH_EMAIL, (fields["email"],)).fetchone()
            other = row[0] if row else self.pending_emails.get(fields["email"].lower())
            if other is not None and other not in found:
                found.add(other)
        self.warnings += len(found)

    def add(self, fields, custom, catalog):
        self.duplicates(fields)
        client = self.next_id
        self.next_id += 1
        f = fields
        self.clients.append((client, f["name"], f["last_name"], f["email"], f["address"], f["juridical"],
                             f["supplier"], f["conflicted"], f["notes"], catalog.sources.get(f["marketing_source"]),
                             f["discount_card"], f["discount_goods"], f["discount_services"], f["discount_materials"],
                             catalog.prices.get(f["price_type_sales"]), catalog.prices.get(f["price_type_orders"]),
                             self.batch))
        for position, number_ in enumerate(f["phone"]):
            self.phones.append((client, position, number_))
            self.pending_phones.setdefault(number_, client)
        if f["email"]:
            self.pending_emails.setdefault(f["email"].lower(), client)
        self.custom.extend((client, field, value) for field, value in sorted(custom.items()))
        if f["balance"]:  # a new client's correction is its whole balance; 0 or empty: none
            self.ledger.append((client, ten_thousandths(f["balance"]), BALANCE_COMMENT, self.batch, self.employee,
                                self.now))
            self.corrections += 1
        self.created += 1
        if len(self.clients) >= self.CHUNK:
            self.flush()

    def flush(self):
        db = self.db
        db.executemany(INSERT_CLIENT, self.clients)
        db.executemany("INSERT INTO client_phones(client_id, position, number) VALUES (?, ?, ?)", self.phones)
        db.executemany("INSERT INTO client_custom_values(client_id, field_id, value) VALUES (?, ?, ?)", self.custom)
        db.executemany("INSERT INTO balance_ledger(client_id, amount, comment, batch_id, employee_id, at)"
                       " VALUES (?, ?, ?, ?, ?, ?)", self.ledger)
        for pending in (self.clients, self.phones, self.custom, self.ledger, self.pending_phones, self.pending_emails):
            pending.clear()

    def finish(self, rows):
        self.flush()
        if self.created:
            self.db.execute("INSERT INTO batch_created_clients VALUES (?, ?, ?)",
                            (self.batch, self.first_id, self.next_id - 1))
        self.db.execute("UPDATE batches SET rows = ?, created = ?, balance_corrections = ?, finished_at = ? WHERE id = ?",
                        (rows, self.created, self.corrections, datetime.datetime.now(datetime.timezone.utc).isoformat(),
                         self.batch))


def run(path, base):
    """Imports `path` into `base`: (rows, created, errors as (row, header, key), warnings)."""
    rows = read_rows(path)
    headers = [trim(as_text(h)) for h in next(rows)]
    columns, custom_columns, after_balance = [], [], False
    for index, header in enumerate(headers):
        known = COLUMNS.get(header.lower())
        if known and not after_balance:
            columns.append((index, known))
            after_balance = known[0] == "balance"
        elif after_balance and header:
            custom_columns.append((index, header))
        elif header:
            sys.exit(f"peer_import.py: {path}: unknown column {header!r} before Balance")
    keys = {key for _, (key, *_rest) in columns}
    if "name" not in keys:
        sys.exit(f"peer_import.py: {path}: no Name column")
    defaults = {key: ([] if kind == "phones" else False if kind == "yes-no" else None if kind in ("id", "percent", "money")
                      else "") for key, kind, _, _ in COLUMNS.values() if key not in keys}
    id_index = next((i for i, (k, *_r) in columns if k == "id"), None)

    db = open_base(base)
    catalog = Catalog(db)
    checker = RowChecker(columns, custom_columns, catalog)
    employee = db.execute("SELECT id FROM employees WHERE name = 'Administrator'").fetchone()[0]
    db.execute("BEGIN IMMEDIATE")
    batch = db.execute("INSERT INTO batches(file_name, started_at) VALUES (?, ?)",
                       (os.path.basename(path), datetime.datetime.now(datetime.timezone.utc).isoformat())).lastrowid
    writer = Writer(db, batch, employee)
    errors, seen_ids, count = [], {}, 0
    for number_, cells in enumerate(rows, start=2):
        if not any(cells) and all(c is None or c == "" for c in cells):
            continue  # a blank row
        count += 1
        fields, custom, problems = checker.check(cells)
        client_id = fields.get("id")
        if client_id is not None:
            if client_id in seen_ids:
                problems.append((id_index, "id_repeated"))
            seen_ids.setdefault(client_id, number_)
        if not problems:
            if defaults:
                fields = {**defaults, **fields}
            numbers = fields["phone"]
            if len(numbers) > 1 and sum(map(len, numbers)) + 2 * (len(numbers) - 1) > MAX_CELL:
                problems.append((0, "cell_too_long"))  # the phones as one cell of an export
        if problems:
            errors.extend((number_, headers[index], key) for index, key in problems)
        elif not errors:
            # Only new clients here: the benchmark's files have no Client IDs (a file with
            # IDs is an update of exported clients, which this peer does not model).
            if client_id is not None:
                sys.exit(f"peer_import.py: row {number_}: Client IDs are not supported by this peer")
            writer.add(fields, custom, catalog)
    if errors:
        db.execute("ROLLBACK")
        return count, 0, errors, writer.warnings
    writer.finish(count)
    db.execute("COMMIT")
    db.close()
    return count, writer.created, errors, writer.warnings


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 2:
        sys.exit(__doc__.split("\n\n")[1])
    rows, created, errors, warnings = run(args[0], args[1])
    print(f"rows {rows} created {created} updated 0 rejected-rows {len({e[0] for e in errors})} warnings {warnings}")
    if "--errors" in sys.argv:
        for row, header, key in errors:
            print(row, header, key, sep="\t")


if __name__ == "__main__":
    main()
