#!/usr/bin/env bash
# The whole benchmark of issues 7 and 18, one run, ours and the Python peers on the same files:
#
#   Benchmarks/run.sh [SIZES...]      (default: 5000 100000 1000000)
#
# Per size, on Benchmarks/data/template-N.{xlsx,csv} (generate.py --layout template; made if
# missing): (a) reader only (`bench read`, every cell materialised), on our generator's file and
# on xlsxwriter-N.xlsx (generate.py --layout xlsxwriter: written by xlsxwriter, shared strings in
# order of first use, mostly Cyrillic); (b) rules only (`bench rules`: rows checked by the default
# rule set, typed fields back; reading is outside the clock), and again with
# Benchmarks/rules/lua-checks (one Lua `validate` and a `validate_row`) once `bench rules` takes
# `--rules` ("skipped" before); (c) full import into a new base; (d) re-import into the now-full
# base of the base's own export (every row "unchanged": the generated file has no client IDs, so
# importing it again would create duplicates); (e) export of the base; (f) peer_import.py, the
# Python script a developer would write instead (python-calamine, the same checks, a duplicate
# probe per phone and email, the same indexes, one transaction; Benchmarks/check_peer.sh shows it
# does the same work), which must create as many clients as ours; and python-calamine, fastexcel,
# openpyxl (read-only, at most 100k rows) reading the same XLSX, Python's csv module reading the
# CSV, xlsxwriter (constant_memory) writing the same rows. After the sizes: (g) a Google Contacts
# CSV of GOOGLE_ROWS contacts (default 100000; generate.py --layout google) imported through its
# plugin, against the template CSV of as many rows.
#
# Wall time, CPU time (user + system, all threads) and peak RSS come from /usr/bin/time (apt
# package `time`) for every process; (a) and (b) also print their own clock (the process's time
# less starting it and, for rules, reading). Ratios are ours/theirs in this run. The run ends with
# issue 18's targets, one line each with the ratio measured, the goal and "met" or "not met"
# (the goals are stated for 1M rows; smaller sizes are shown for the trend).
#
# Needs swift, python3 with pip (python-calamine fastexcel pyarrow openpyxl xlsxwriter are
# installed for the user when missing) and /usr/bin/time; hyperfine, when present, times the read
# of files up to 5,000 rows over 20 runs (as root on Debian, both are apt-installed when missing).
# SKIP_OPENPYXL=1 skips openpyxl; SKIP_PEER=1 skips peer_import.py (about a minute at 1M rows);
# SKIP_XLSXWRITER=1 skips the xlsxwriter-written file (making it takes xlsxwriter's normal mode
# about 5 GB and minutes at 1M rows; once made it is kept in Benchmarks/data); SKIP_GOOGLE=1
# skips (g); SKIP_BUILD=1 uses the release build as it is.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(5000 100000 1000000)
google_rows=${GOOGLE_ROWS:-100000}
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
    [ "${SKIP_XLSXWRITER:-0}" = 1 ] || [ -f "$data/xlsxwriter-$n.xlsx" ] \
        || python3 Benchmarks/generate.py "$n" "$data" --layout xlsxwriter >&2
done
# `bench rules --rules RULESET` (the typed-rules round adds the option): its usage names it.
lua_rules=Benchmarks/rules/lua-checks
rules_option=0
case "$("$bin/bench" 2>&1 || true)" in *--rules*) rules_option=1 ;; esac

# timed OUT CMD... → runs CMD with /usr/bin/time, stdout to OUT; prints "wall-seconds cpu-seconds
# peak-MiB" (cpu: user + system of every thread)
timed() {
    local out=$1; shift
    /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" >"$out" 2>"$work/stderr" \
        || { echo "run.sh: failed: $*" >&2; cat "$work/stderr" >&2; exit 1; }
    awk '{ printf "%s %.2f %.1f\n", $1, $2 + $3, $4 / 1024 }' "$work/time"
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
row() { # size step wall cpu peak [notes]
    printf '%-8s %-30s %8.2f %8.2f %10.0f %9.1f %s\n' "$1" "$2" "$3" "$4" \
        "$(awk -v n="$1" -v s="$3" 'BEGIN{print (s > 0 ? n / s : 0)}')" "$5" "${6:-}"
}
targets=()
# target SIZE WHAT VALUE GOAL-TEXT: one line of the summary; GOAL-TEXT is "<= X" or ">= X".
target() {
    local verdict
    verdict=$(awk -v v="$3" -v op="${4%% *}" -v g="${4##* }" 'BEGIN {
        if (v == "-" || v == "") { print "not measured"; exit }
        ok = (op == "<=") ? (v + 0 <= g + 0) : (v + 0 >= g + 0); print (ok ? "met" : "not met") }')
    targets+=("$(printf '%-8s %-44s %12s %12s   %s' "$1" "$2" "$3" "$4" "$verdict")")
}

printf '%-8s %-30s %8s %8s %10s %9s %s\n' rows step wall-s cpu-s rows/s peak-MiB "ratios (ours/theirs, this run)"
for n in "${sizes[@]}"; do
    xlsx="$data/template-$n.xlsx" csv="$data/template-$n.csv" xw="$data/xlsxwriter-$n.xlsx" base="$work/base.sqlite"
    # Python peers first, so our figures can be divided by theirs.
    read -r fast_s fast_c fast_m <<<"$(timed "$work/out" python3 Benchmarks/reader.py "$xlsx" --only fastexcel)"
    read -r cal_s cal_c cal_m <<<"$(timed "$work/out" python3 Benchmarks/reader.py "$xlsx" --only python-calamine)"
    opx_s="" opx_c="" opx_m=""
    if [ "${SKIP_OPENPYXL:-0}" != 1 ] && [ "$n" -le 100000 ]; then
        read -r opx_s opx_c opx_m <<<"$(timed "$work/out" python3 Benchmarks/reader.py "$xlsx" --only openpyxl-read-only)"
    fi
    read -r pcsv_s pcsv_c pcsv_m <<<"$(timed "$work/out" python3 Benchmarks/peers.py csv-read "$csv")"
    read -r xw_s xw_c xw_m <<<"$(timed "$work/out" python3 Benchmarks/peers.py xlsxwriter "$xlsx" "$work/xw.xlsx")"
    peer_s="" peer_c="" peer_m=""
    if [ "${SKIP_PEER:-0}" != 1 ]; then
        rm -f "$work/peer.sqlite" "$work/peer.sqlite-wal" "$work/peer.sqlite-shm"
        read -r peer_s peer_c peer_m <<<"$(timed "$work/out" python3 Benchmarks/peer_import.py "$xlsx" "$work/peer.sqlite")"
        grep -q "created $n " "$work/out" || { echo "run.sh: the peer did not create $n clients:" >&2; cat "$work/out" >&2; exit 1; }
        rm -f "$work/peer.sqlite" "$work/peer.sqlite-wal" "$work/peer.sqlite-shm"
    fi
    xwfast_s="" xwfast_c="" xwfast_m="" xwa_s="" xwa_c="" xwa_m=""
    if [ "${SKIP_XLSXWRITER:-0}" != 1 ]; then
        read -r xwfast_s xwfast_c xwfast_m <<<"$(timed "$work/out" python3 Benchmarks/reader.py "$xw" --only fastexcel)"
        read -r xwa_s xwa_c xwa_m <<<"$(timed "$work/xwread" "$bin/bench" read "$xw")"
    fi

    read -r a_s a_c a_m <<<"$(timed "$work/read" "$bin/bench" read "$xlsx")"
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
    read -r acsv_s acsv_c acsv_m <<<"$(timed "$work/out" "$bin/bench" read "$csv")"
    new_base "$base"
    read -r b_s b_c b_m <<<"$(timed "$work/rules" "$bin/bench" rules "$xlsx" --db "$base")"
    rules_clock=$(awk '{ print $4 }' "$work/rules") rules_rate=$(awk '{ print $6 }' "$work/rules")
    bl_s="" bl_c="" bl_m="" lua_clock="" lua_rate=""
    if [ "$rules_option" = 1 ]; then
        read -r bl_s bl_c bl_m <<<"$(timed "$work/rules" "$bin/bench" rules "$xlsx" --db "$base" --rules "$lua_rules")"
        lua_clock=$(awk '{ print $4 }' "$work/rules") lua_rate=$(awk '{ print $6 }' "$work/rules")
    fi
    read -r c_s c_c c_m <<<"$(timed "$work/out" "$bin/clientimport" import "$xlsx" --max-rows unlimited --quiet --db "$base")"
    grep -q "$n created" "$work/out" || { echo "run.sh: the import did not create $n clients:" >&2; cat "$work/out" >&2; exit 1; }
    read -r e_s e_c e_m <<<"$(timed "$work/out" "$bin/clientimport" export -o "$work/export.xlsx" --db "$base")"
    read -r d_s d_c d_m <<<"$(timed "$work/out" "$bin/clientimport" import "$work/export.xlsx" --max-rows unlimited --quiet --db "$base")"
    grep -q "$n unchanged" "$work/out" || { echo "run.sh: the re-import was not all unchanged:" >&2; cat "$work/out" >&2; exit 1; }
    new_base "$base"
    read -r ccsv_s ccsv_c ccsv_m <<<"$(timed "$work/out" "$bin/clientimport" import "$csv" --max-rows unlimited --quiet --db "$base")"

    row "$n" "(a) read xlsx: ours" "$a_s" "$a_c" "$a_m" "ours/fastexcel $(ratio "$a_s" "$fast_s"), ours/calamine $(ratio "$a_s" "$cal_s"); reading alone ${read_clock} s${read_runs}"
    row "$n" "(a) read xlsx: fastexcel" "$fast_s" "$fast_c" "$fast_m"
    row "$n" "(a) read xlsx: calamine" "$cal_s" "$cal_c" "$cal_m"
    [ -z "$opx_s" ] || row "$n" "(a) read xlsx: openpyxl r/o" "$opx_s" "$opx_c" "$opx_m"
    if [ -n "$xwa_s" ]; then
        row "$n" "(a) read xlsxwriter's: ours" "$xwa_s" "$xwa_c" "$xwa_m" "ours/fastexcel $(ratio "$xwa_s" "$xwfast_s"); reading alone $(awk '{ print $6 }' "$work/xwread") s"
        row "$n" "(a) read xlsxwriter's: fastex." "$xwfast_s" "$xwfast_c" "$xwfast_m"
    fi
    row "$n" "(a) read csv: ours" "$acsv_s" "$acsv_c" "$acsv_m" "ours/python-csv $(ratio "$acsv_s" "$pcsv_s")"
    row "$n" "(a) read csv: python csv" "$pcsv_s" "$pcsv_c" "$pcsv_m"
    row "$n" "(b) rules only (process)" "$b_s" "$b_c" "$b_m" "checks alone: ${rules_clock} s, ${rules_rate} rows/s"
    if [ -n "$bl_s" ]; then
        row "$n" "(b) rules + Lua validate" "$bl_s" "$bl_c" "$bl_m" "checks alone: ${lua_clock} s, ${lua_rate} rows/s ($lua_rules)"
    else
        printf '%-8s %-30s skipped: bench rules has no --rules option in this build\n' "$n" "(b) rules + Lua validate"
    fi
    row "$n" "(c) import xlsx, new base" "$c_s" "$c_c" "$c_m" "import/fastexcel-read $(ratio "$c_s" "$fast_s")${peer_s:+; import/peer wall $(ratio "$c_s" "$peer_s"), cpu $(ratio "$c_c" "$peer_c")}"
    [ -z "$peer_s" ] || row "$n" "(f) peer_import.py xlsx" "$peer_s" "$peer_c" "$peer_m"
    row "$n" "(c) import csv, new base" "$ccsv_s" "$ccsv_c" "$ccsv_m" "import/python-csv-read $(ratio "$ccsv_s" "$pcsv_s")"
    row "$n" "(d) re-import, unchanged" "$d_s" "$d_c" "$d_m" "re-import/import $(ratio "$d_s" "$c_s")"
    row "$n" "(e) export xlsx" "$e_s" "$e_c" "$e_m" "export/xlsxwriter $(ratio "$e_s" "$xw_s")"
    row "$n" "(e) write: xlsxwriter c_m" "$xw_s" "$xw_c" "$xw_m"

    target "$n" "import CPU / peer_import.py CPU" "$(ratio "$c_c" "$peer_c")" "<= 0.4"
    target "$n" "import wall / peer_import.py wall" "$(ratio "$c_s" "$peer_s")" "<= 0.5"
    target "$n" "import wall / fastexcel read wall" "$(ratio "$c_s" "$fast_s")" "<= 1.2"
    target "$n" "re-import wall / import wall" "$(ratio "$d_s" "$c_s")" "<= 1.0"
    target "$n" "import peak RSS, MiB" "$c_m" "<= 100"
    target "$n" "bench read / fastexcel (our generator's)" "$(ratio "$a_s" "$fast_s")" "<= 0.5"
    target "$n" "bench read / fastexcel (xlsxwriter's)" "$(ratio "$xwa_s" "$xwfast_s")" "<= 0.5"
    target "$n" "bench rules, default rule set, rows/s" "$rules_rate" ">= 250000"
    target "$n" "bench rules, Lua validate + validate_row" "$lua_rate" ">= 100000"
done

if [ "${SKIP_GOOGLE:-0}" != 1 ]; then
    g=$google_rows gcsv="$data/google-$google_rows.csv" tcsv="$data/template-$google_rows.csv" base="$work/base.sqlite"
    [ -f "$gcsv" ] || python3 Benchmarks/generate.py "$g" "$data" --layout google >&2
    [ -f "$tcsv" ] || python3 Benchmarks/generate.py "$g" "$data" --layout template >&2
    new_base "$base"
    read -r t_s t_c t_m <<<"$(timed "$work/out" "$bin/clientimport" import "$tcsv" --max-rows unlimited --quiet --db "$base")"
    grep -q "$g created" "$work/out" || { echo "run.sh: the template import did not create $g clients:" >&2; cat "$work/out" >&2; exit 1; }
    new_base "$base"
    read -r g_s g_c g_m <<<"$(timed "$work/out" "$bin/clientimport" import "$gcsv" --plugin google-contacts --max-rows unlimited --quiet --db "$base")"
    grep -q "$g created" "$work/out" || { echo "run.sh: the Google import did not create $g clients:" >&2; cat "$work/out" >&2; exit 1; }
    row "$g" "(g) import template csv" "$t_s" "$t_c" "$t_m"
    row "$g" "(g) import Google csv, plugin" "$g_s" "$g_c" "$g_m" "Google rows/s / template rows/s $(ratio "$t_s" "$g_s") (by CPU seconds $(ratio "$t_c" "$g_c"))"
    target "$g" "Google CSV rows/s / template CSV rows/s" "$(ratio "$t_s" "$g_s")" ">= 0.5"
fi

echo
echo "Issue 18's targets (goals for 1M rows; ratios from this run):"
printf '%-8s %-44s %12s %12s   %s\n' rows target measured goal verdict
printf '%s\n' "${targets[@]}"
