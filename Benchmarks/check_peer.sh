#!/usr/bin/env bash
# Checks that Benchmarks/peer_import.py does the work our import does, so that run.sh compares
# like with like:
#
#   Benchmarks/check_peer.sh [SIZE]      (default 5000; run.sh's sizes are 5000 100000 1000000)
#
# On template-SIZE.{xlsx,csv} (every row valid) both must create SIZE clients and leave the same
# data: the same phones in the same order, custom values, discounts, flags, references and the
# same ledger (count and exact sum). On template-SIZE-faults.{xlsx,csv} (generate.py --faults:
# every 50th row holds one mistake) both must reject the file, create nothing, and report the
# same cells (row and column); the peer must also name the mistake generate.py put there.
# Exit 0 when all of that holds; otherwise what differs. SKIP_BUILD=1 uses the release build.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-5000}
data=Benchmarks/data
work=$(mktemp -d "${TMPDIR:-/tmp}/clientimport-check-peer.XXXXXX")
trap 'rm -rf "$work"' EXIT
[ "${SKIP_BUILD:-0}" = 1 ] || swift build -c release --product clientimport >&2
ci=.build/release/clientimport
[ -f "$data/template-$n.xlsx" ] && [ -f "$data/template-$n.csv" ] \
    || python3 Benchmarks/generate.py "$n" "$data" --layout template >&2
[ -f "$data/template-$n-faults.xlsx" ] && [ -f "$data/template-$n-faults.csv" ] \
    || python3 Benchmarks/generate.py "$n" "$data" --layout template --faults >&2

# The same settings as run.sh's new_base (and peer_import.py's new base: generate.TEMPLATE_SETTINGS).
new_base() {
    rm -f "$1" "$1-wal" "$1-shm"
    "$ci" settings add-marketing-source Instagram Google Recommendation Walk-in Facebook Flyer --db "$1" >/dev/null
    "$ci" settings add-price-type Retail Wholesale VIP --db "$1" >/dev/null
    "$ci" settings add-custom-field "Car model" --type text --db "$1" >/dev/null
    "$ci" settings add-custom-field Birthday --type date --db "$1" >/dev/null
}

failed=0
for file in "$data/template-$n.xlsx" "$data/template-$n.csv" "$data/template-$n-faults.xlsx" "$data/template-$n-faults.csv"; do
    new_base "$work/ours.sqlite"
    rm -f "$work/peer.sqlite" "$work/peer.sqlite-wal" "$work/peer.sqlite-shm"
    "$ci" import "$file" --max-rows unlimited --quiet --format json --db "$work/ours.sqlite" >"$work/ours.json" 2>/dev/null || true
    python3 Benchmarks/peer_import.py "$file" "$work/peer.sqlite" --errors >"$work/peer.txt"
    python3 - "$file" "$work" <<'PY' || failed=1
import json, sqlite3, sys
sys.path.insert(0, "Benchmarks")
import generate

path, work = sys.argv[1], sys.argv[2]
ours = json.load(open(f"{work}/ours.json"))
lines = open(f"{work}/peer.txt").read().splitlines()
counts = lines[0].split()
peer_created = int(counts[counts.index("created") + 1])
peer_errors = [line.split("\t") for line in lines[1:]]
problems = []
if ours["created"] != peer_created:
    problems.append(f"created: ours {ours['created']}, peer {peer_created}")
ours_cells = sorted((e["row"], e.get("column")) for e in ours.get("errors", []))
peer_cells = sorted((int(row), header) for row, header, _ in peer_errors)
if ours_cells != peer_cells:
    only_ours = sorted(set(ours_cells) - set(peer_cells))[:5]
    only_peer = sorted(set(peer_cells) - set(ours_cells))[:5]
    problems.append(f"rejected cells differ: {len(ours_cells)} ours, {len(peer_cells)} peer; "
                    f"only ours {only_ours}, only the peer's {only_peer}")
if "-faults." in path:
    if not peer_errors:
        problems.append("the faults file was not rejected")
    for row, header, key in peer_errors:
        i = int(row) - 1  # the data row's number in generate.py
        expected = generate.FAULTS[(i // 50) % len(generate.FAULTS)][2] if i % 50 == 0 else None
        if key != expected:
            problems.append(f"row {row} ({header}): the peer says {key}, generate.py put {expected}")
            break
else:
    queries = [
        "SELECT COUNT(*), SUM(juridical), SUM(supplier), SUM(conflicted), SUM(discount_goods), "
        "SUM(discount_services), SUM(discount_materials), COUNT(marketing_source_id), COUNT(price_type_sales_id), "
        "COUNT(price_type_orders_id), SUM(LENGTH(name) + LENGTH(last_name) + LENGTH(email) + LENGTH(address) "
        "+ LENGTH(notes) + LENGTH(discount_card)) FROM clients",
        "SELECT COUNT(*), SUM(LENGTH(number)), SUM(position * LENGTH(number)) FROM client_phones",
        "SELECT COUNT(*), SUM(LENGTH(value)), SUM(field_id * LENGTH(value)) FROM client_custom_values",
        "SELECT COUNT(*), SUM(amount), SUM(amount * (client_id % 97)) FROM balance_ledger",
    ]
    for query in queries:
        a = sqlite3.connect(f"{work}/ours.sqlite").execute(query).fetchone()
        b = sqlite3.connect(f"{work}/peer.sqlite").execute(query).fetchone()
        if a != b:
            problems.append(f"{query.split(' FROM ')[1]}: ours {a}, peer {b}")
name = path.rsplit("/", 1)[-1]
if problems:
    print(f"{name}: DIFFERS\n  " + "\n  ".join(problems))
    sys.exit(1)
print(f"{name}: same (created {peer_created}, rejected cells {len(peer_cells)})")
PY
done
exit $failed
