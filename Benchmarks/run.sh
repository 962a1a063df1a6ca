#!/usr/bin/env bash
# The whole benchmark of issue 7, one run, ours and the Python peers on the same files:
#
#   Benchmarks/run.sh [SIZES...]      (default: 5000 100000 1000000)
#
# Per size, on Benchmarks/data/template-N.{xlsx,csv} (generate.py --layout template; made if
# missing): (a) reader only (`bench read`, every cell materialised), (b) rules only (`bench
# rules`: rows handed to Lua, checked by the default rule set, typed fields back; reading is
# outside the clock), (c) full import into a new base, (d) re-import into the now-full base of
# the base's own export (every row "unchanged": the generated file has no client IDs, so
# importing it again would create duplicates), (e) export of the base; and python-calamine,
# fastexcel, openpyxl (read-only, at most 100k rows) reading the same XLSX, Python's csv module
# reading the CSV, xlsxwriter (constant_memory) writing the same rows. Wall time and peak RSS
# come from /usr/bin/time (apt package `time`) for every process; (a) and (b) also print their
# own clock (the process's time less starting it and, for rules, reading). Ratios are
# ours/theirs in this run.
#
# Needs swift, python3 with pip (python-calamine fastexcel pyarrow openpyxl xlsxwriter are
# installed for the user when missing) and /usr/bin/time; hyperfine, when present, times the read
# of files up to 5,000 rows over 20 runs (as root on Debian, both are apt-installed when missing).
# SKIP_OPENPYXL=1 skips openpyxl; SKIP_BUILD=1 uses the release build as it is.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(5000 100000 1000000)
data=Benchmarks/data
work=$(mktemp -d "${TMPDIR:-/tmp}/clientimport-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

if { [ ! -x /usr/bin/time ] || ! command -v hyperfine >/dev/null; } && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends time hyperfine >/dev/null 2>&1 \
        || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends time hyperfine >/dev/null; } || true
fi
[ -x /usr/bin/time ] || { echo "run.sh: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
python3 -c "import python_calamine, fastexcel, pyarrow, openpyxl, xlsxwriter" 2>/dev/null \
    || python3 -m pip install --user --quiet python-calamine fastexcel pyarrow openpyxl xlsxwriter >&2 \
    || python3 -m pip install --user --quiet --break-system-packages python-calamine fastexcel pyarrow openpyxl xlsxwriter >&2

if [ "${SKIP_BUILD:-0}" != 1 ]; then  # SKIP_BUILD=1: use the release build as it is
    swift build -c release --product clientimport >&2
    swift build -c release --product bench >&2
fi
bin=.build/release
mkdir -p "$data"
for n in "${sizes[@]}"; do
    [ -f "$data/template-$n.xlsx" ] && [ -f "$data/template-$n.csv" ] \
        || python3 Benchmarks/generate.py "$n" "$data" --layout template >&2
done

# timed OUT CMD... → runs CMD with /usr/bin/time, stdout to OUT; prints "seconds peak-MiB"
timed() {
    local out=$1; shift
    /usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$out" 2>"$work/stderr" \
        || { echo "run.sh: failed: $*" >&2; cat "$work/stderr" >&2; exit 1; }
    awk '{ printf "%s %.1f\n", $1, $2 / 1024 }' "$work/time"
}

# A base that knows the marketing sources, price types and custom fields the files use.
new_base() {
    local base=$1 ci="$bin/clientimport"
    rm -f "$base" "$base-wal" "$base-shm"
    "$ci" settings add-marketing-source Instagram Google Recommendation Walk-in Facebook Flyer --db "$base" >/dev/null
    "$ci" settings add-price-type Retail Wholesale VIP --db "$base" >/dev/null
    "$ci" settings add-custom-field "Car model" --type text --db "$base" >/dev/null
    "$ci" settings add-custom-field Birthday --type date --db "$base" >/dev/null
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "-" }'; }
row() { # size step who seconds peak [ratio-label ratio]
    printf '%-8s %-28s %9.2f %11.0f %9.1f %s\n' "$1" "$2" "$3" "$(awk -v n="$1" -v s="$3" 'BEGIN{print (s > 0 ? n / s : 0)}')" "$4" "${5:-}"
}

printf '%-8s %-28s %9s %11s %9s %s\n' rows step seconds rows/s peak-MiB "ratios (ours/theirs, this run)"
for n in "${sizes[@]}"; do
    xlsx="$data/template-$n.xlsx" csv="$data/template-$n.csv" base="$work/base.sqlite"
    # Python peers first, so our figures can be divided by theirs.
    read -r fast_s fast_m <<<"$(timed "$work/out" python3 Benchmarks/reader.py "$xlsx" --only fastexcel)"
    read -r cal_s cal_m <<<"$(timed "$work/out" python3 Benchmarks/reader.py "$xlsx" --only python-calamine)"
    opx_s="" opx_m=""
    if [ "${SKIP_OPENPYXL:-0}" != 1 ] && [ "$n" -le 100000 ]; then
        read -r opx_s opx_m <<<"$(timed "$work/out" python3 Benchmarks/reader.py "$xlsx" --only openpyxl-read-only)"
    fi
    read -r pcsv_s pcsv_m <<<"$(timed "$work/out" python3 Benchmarks/peers.py csv-read "$csv")"
    read -r xw_s xw_m <<<"$(timed "$work/out" python3 Benchmarks/peers.py xlsxwriter "$xlsx" "$work/xw.xlsx")"

    read -r a_s a_m <<<"$(timed "$work/read" "$bin/bench" read "$xlsx")"
    read_clock=$(awk '{ print $6 }' "$work/read")
    # One run of a small file is mostly process start-up and noise: the mean of 20 with hyperfine.
    read_runs=""
    if [ "$n" -le 5000 ] && command -v hyperfine >/dev/null; then
        hyperfine -N -w 3 -r 20 --export-json "$work/runs.json" "$bin/bench read $xlsx" >/dev/null 2>&1
        read_runs=$(python3 - "$work/runs.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(f"; whole process {r['mean'] * 1000:.1f} ± {r['stddev'] * 1000:.1f} ms over 20 runs")
PY
)
    fi
    read -r acsv_s acsv_m <<<"$(timed "$work/out" "$bin/bench" read "$csv")"
    new_base "$base"
    read -r b_s b_m <<<"$(timed "$work/rules" "$bin/bench" rules "$xlsx" --db "$base")"
    rules_clock=$(awk '{ print $4 }' "$work/rules") rules_rate=$(awk '{ print $6 }' "$work/rules")
    read -r c_s c_m <<<"$(timed "$work/out" "$bin/clientimport" import "$xlsx" --max-rows unlimited --quiet --db "$base")"
    grep -q "$n created" "$work/out" || { echo "run.sh: the import did not create $n clients:" >&2; cat "$work/out" >&2; exit 1; }
    read -r e_s e_m <<<"$(timed "$work/out" "$bin/clientimport" export -o "$work/export.xlsx" --db "$base")"
    read -r d_s d_m <<<"$(timed "$work/out" "$bin/clientimport" import "$work/export.xlsx" --max-rows unlimited --quiet --db "$base")"
    grep -q "$n unchanged" "$work/out" || { echo "run.sh: the re-import was not all unchanged:" >&2; cat "$work/out" >&2; exit 1; }
    new_base "$base"
    read -r ccsv_s ccsv_m <<<"$(timed "$work/out" "$bin/clientimport" import "$csv" --max-rows unlimited --quiet --db "$base")"

    row "$n" "(a) read xlsx: ours" "$a_s" "$a_m" "ours/fastexcel $(ratio "$a_s" "$fast_s"), ours/calamine $(ratio "$a_s" "$cal_s"); reading alone ${read_clock} s${read_runs}"
    row "$n" "(a) read xlsx: fastexcel" "$fast_s" "$fast_m"
    row "$n" "(a) read xlsx: calamine" "$cal_s" "$cal_m"
    [ -z "$opx_s" ] || row "$n" "(a) read xlsx: openpyxl r/o" "$opx_s" "$opx_m"
    row "$n" "(a) read csv: ours" "$acsv_s" "$acsv_m" "ours/python-csv $(ratio "$acsv_s" "$pcsv_s")"
    row "$n" "(a) read csv: python csv" "$pcsv_s" "$pcsv_m"
    row "$n" "(b) rules only (process)" "$b_s" "$b_m" "checks alone: ${rules_clock} s, ${rules_rate} rows/s"
    row "$n" "(c) import xlsx, new base" "$c_s" "$c_m" "import/fastexcel-read $(ratio "$c_s" "$fast_s")"
    row "$n" "(c) import csv, new base" "$ccsv_s" "$ccsv_m" "import/python-csv-read $(ratio "$ccsv_s" "$pcsv_s")"
    row "$n" "(d) re-import, unchanged" "$d_s" "$d_m" "re-import/import $(ratio "$d_s" "$c_s")"
    row "$n" "(e) export xlsx" "$e_s" "$e_m" "export/xlsxwriter $(ratio "$e_s" "$xw_s")"
    row "$n" "(e) write: xlsxwriter c_m" "$xw_s" "$xw_m"
done
