#!/usr/bin/env bash
# Issue 15's benchmark: one import into PostgreSQL against the same import into SQLite and
# against the floor, `psql \copy` of the same rows as CSV into a plain table, in one run:
#
#   Benchmarks/run-postgres.sh [ROWS]      (default 1000000)
#
# On Benchmarks/data/template-ROWS.csv (and .xlsx; generate.py --layout template makes them when
# missing): (1) import the CSV into a new SQLite base; (2) import it into a new PostgreSQL schema;
# (3) `psql -c "\copy plain FROM 'template-ROWS.csv' CSV HEADER"` into a new table with the
# file's columns as text (no checks, no indexes: what the server takes at best); (4) and (5) the
# XLSX into a new SQLite base and a new schema (SKIP_XLSX=1 skips them). Both bases get the
# settings the files use first (run.sh's new_base), and each import must create ROWS clients.
#
# The server: $CLIENTIMPORT_DB_BENCH (a URL without ?schema=, as $CLIENTIMPORT_TEST_POSTGRES),
# else a throw-away cluster from scripts/postgres-cluster.sh, stopped at the end. Every step
# gets wall time, CPU time (user + system, all threads) and peak RSS from /usr/bin/time; for
# PostgreSQL steps also the server's CPU seconds, read from /proc (the postmaster's own and
# reaped children's times plus its live children's) before and after, so only when the
# cluster runs on this machine and /proc shows it ("-" otherwise). Ratios: PG/SQLite and
# PG/psql-copy of wall time and of CPU (ours plus the server's). BIN=DIR runs another build's
# clientimport (default .build/release, built first unless SKIP_BUILD=1).
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
data=Benchmarks/data
csv="$data/template-$rows.csv" xlsx="$data/template-$rows.xlsx"
work=$(mktemp -d "${TMPDIR:-/tmp}/clientimport-pgbench.XXXXXX")
cluster_state="$work/cluster"
cleanup() {
    [ -z "${CLIENTIMPORT_DB_BENCH:-}" ] && CLIENTIMPORT_PG_STATE="$cluster_state" scripts/postgres-cluster.sh stop >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

[ -x /usr/bin/time ] || { echo "run-postgres.sh: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
command -v psql >/dev/null || { echo "run-postgres.sh: needs psql (apt-get install postgresql-client)" >&2; exit 1; }
if [ -z "${BIN:-}" ] && [ "${SKIP_BUILD:-0}" != 1 ]; then
    swift build -c release --product clientimport >&2
fi
ci="${BIN:-.build/release}/clientimport"
mkdir -p "$data"
[ -f "$csv" ] && { [ "${SKIP_XLSX:-0}" = 1 ] || [ -f "$xlsx" ]; } \
    || python3 Benchmarks/generate.py "$rows" "$data" --layout template >&2

if [ -n "${CLIENTIMPORT_DB_BENCH:-}" ]; then
    server="$CLIENTIMPORT_DB_BENCH"
else
    server=$(CLIENTIMPORT_PG_STATE="$cluster_state" scripts/postgres-cluster.sh start)
fi
# A schema of this run's own, so an earlier run's tables never count.
run_id="bench_$$_$(date +%s)"

# The server's CPU seconds so far: its postmaster (with the backends it reaped) and the live
# backends; "-" when the server is not a process of this machine.
postmaster=""
data_directory=$(psql "$server" -Atc "SHOW data_directory" 2>/dev/null || true)
if [ -n "$data_directory" ] && [ -r "$data_directory/postmaster.pid" ]; then
    postmaster=$(head -n 1 "$data_directory/postmaster.pid")
elif [ -z "${CLIENTIMPORT_DB_BENCH:-}" ]; then
    postmaster=$(head -n 1 "$(cat "$cluster_state/folder")/data/postmaster.pid")
fi
server_cpu() {
    [ -n "$postmaster" ] && [ -r "/proc/$postmaster/stat" ] || { echo "-"; return; }
    local ticks children
    ticks=$(getconf CLK_TCK)
    children=$(ps -o pid= --ppid "$postmaster" | tr -d ' ' | tr '\n' ' ')
    # Fields after the command's closing parenthesis: utime is the 12th, stime, cutime, cstime follow.
    { sed 's/^.*) //' "/proc/$postmaster/stat" | awk '{ print $12 + $13 + $14 + $15 }'
      for pid in $children; do [ -r "/proc/$pid/stat" ] && sed 's/^.*) //' "/proc/$pid/stat" | awk '{ print $12 + $13 }'; done
    } | awk -v t="$ticks" '{ s += $1 } END { printf "%.2f\n", s / t }'
}

# timed OUT CMD... → runs CMD under /usr/bin/time, stdout to OUT; prints "wall cpu peak-MiB server-cpu"
timed() {
    local out=$1 before after; shift
    before=$(server_cpu)
    /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" >"$out" 2>"$work/stderr" \
        || { echo "run-postgres.sh: failed: $*" >&2; cat "$work/stderr" "$out" >&2; exit 1; }
    after=$(server_cpu)
    local server_seconds="-"
    [ "$before" = "-" ] || [ "$after" = "-" ] || server_seconds=$(awk -v a="$after" -v b="$before" 'BEGIN { printf "%.2f", a - b }')
    awk -v s="$server_seconds" '{ printf "%s %.2f %.1f %s\n", $1, $2 + $3, $4 / 1024, s }' "$work/time"
}

# A base (SQLite path or PostgreSQL URL) that knows the marketing sources, price types and
# custom fields the files use, as run.sh's new_base.
new_base() {
    local base=$1
    "$ci" settings add-marketing-source Instagram Google Recommendation Walk-in Facebook Flyer --db "$base" >/dev/null
    "$ci" settings add-price-type Retail Wholesale VIP --db "$base" >/dev/null
    "$ci" settings add-custom-field "Car model" --type text --db "$base" >/dev/null
    "$ci" settings add-custom-field Birthday --type date --db "$base" >/dev/null
}

# import FILE BASE → timed figures of one import that must create every row
import_into() {
    local file=$1 base=$2 figures
    figures=$(timed "$work/out" "$ci" import "$file" --max-rows unlimited --quiet --db "$base")
    grep -q "$rows created" "$work/out" || { echo "run-postgres.sh: the import into $base did not create $rows clients:" >&2; cat "$work/out" >&2; exit 1; }
    echo "$figures"
}

sum() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == "-") print "-"; else printf "%.2f", a + b }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "-" && b != "-" && b > 0) printf "%.2f", a / b; else printf "-" }'; }
row() { # step wall cpu peak server-cpu [notes]
    printf '%-8s %-30s %8.2f %8.2f %10.0f %9.1f %9s %s\n' "$rows" "$1" "$2" "$3" \
        "$(awk -v n="$rows" -v s="$2" 'BEGIN{print (s > 0 ? n / s : 0)}')" "$4" "$5" "${6:-}"
}

# (1) and (2): the CSV into SQLite and into PostgreSQL.
new_base "$work/csv.sqlite"
read -r s_s s_c s_m _ <<<"$(import_into "$csv" "$work/csv.sqlite")"
pg_csv="$server?schema=${run_id}_csv"
new_base "$pg_csv"
read -r p_s p_c p_m p_srv <<<"$(import_into "$csv" "$pg_csv")"

# (3) The floor: the same file into a plain table of text columns, by psql's \copy.
columns=$(head -n 1 "$csv" | python3 -c 'import csv, sys; print(len(next(csv.reader(sys.stdin))))')
definition=$(seq 1 "$columns" | sed 's/^/c/; s/$/ text/' | paste -sd, -)
psql "$server" -q -v ON_ERROR_STOP=1 -c "CREATE SCHEMA ${run_id}_copy" -c "CREATE TABLE ${run_id}_copy.plain($definition)"
read -r c_s c_c c_m c_srv <<<"$(timed "$work/out" psql "$server" -v ON_ERROR_STOP=1 \
    -c "\\copy ${run_id}_copy.plain FROM '$csv' CSV HEADER")"
grep -q "COPY $rows" "$work/out" || { echo "run-postgres.sh: psql did not copy $rows rows:" >&2; cat "$work/out" >&2; exit 1; }

# (4) and (5): the XLSX.
if [ "${SKIP_XLSX:-0}" != 1 ]; then
    new_base "$work/xlsx.sqlite"
    read -r sx_s sx_c sx_m _ <<<"$(import_into "$xlsx" "$work/xlsx.sqlite")"
    pg_xlsx="$server?schema=${run_id}_xlsx"
    new_base "$pg_xlsx"
    read -r px_s px_c px_m px_srv <<<"$(import_into "$xlsx" "$pg_xlsx")"
fi
for schema in csv xlsx copy; do psql "$server" -q -c "DROP SCHEMA IF EXISTS ${run_id}_$schema CASCADE" >/dev/null 2>&1 || true; done

printf '%-8s %-30s %8s %8s %10s %9s %9s %s\n' rows step wall-s cpu-s rows/s peak-MiB server-s "ratios (this run; cpu = ours + the server's)"
row "(1) import csv: SQLite" "$s_s" "$s_c" "$s_m" "-"
row "(2) import csv: PostgreSQL" "$p_s" "$p_c" "$p_m" "$p_srv" \
    "PG/SQLite wall $(ratio "$p_s" "$s_s"), cpu $(ratio "$(sum "$p_c" "$p_srv")" "$s_c"); PG/psql-copy wall $(ratio "$p_s" "$c_s"), cpu $(ratio "$(sum "$p_c" "$p_srv")" "$(sum "$c_c" "$c_srv")")"
row "(3) psql \\copy csv, plain" "$c_s" "$c_c" "$c_m" "$c_srv"
if [ "${SKIP_XLSX:-0}" != 1 ]; then
    row "(4) import xlsx: SQLite" "$sx_s" "$sx_c" "$sx_m" "-"
    row "(5) import xlsx: PostgreSQL" "$px_s" "$px_c" "$px_m" "$px_srv" \
        "PG/SQLite wall $(ratio "$px_s" "$sx_s"), cpu $(ratio "$(sum "$px_c" "$px_srv")" "$sx_c"); PG/psql-copy wall $(ratio "$px_s" "$c_s")"
fi
