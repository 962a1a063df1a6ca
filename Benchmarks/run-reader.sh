#!/usr/bin/env bash
# Reader benchmark: our `bench read` against python-calamine, fastexcel and openpyxl (read-only,
# up to 100k rows) on the same files in the same run, one process per reader (so each peak RSS
# is its own), and a table with the ratios ours/fastexcel and ours/calamine.
#
#   Benchmarks/run-reader.sh [SIZES...]     (default: 5000 100000 1000000)
#
# REPEAT=N takes the best of N runs of each reader (default 1); SKIP_OPENPYXL=1 skips openpyxl
# (it needs over a minute at 100k rows); XLSXWRITER=1 also reads, at each size, a file written
# by xlsxwriter (`generate.py --layout xlsxwriter`: shared strings in order of first use, most text
# Cyrillic; a few minutes and ~5 GB to write at 1M rows), in the same run. Needs
# python-calamine, fastexcel, pyarrow, openpyxl (and xlsxwriter for XLSXWRITER=1).
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(5000 100000 1000000)
repeat=${REPEAT:-1}
data=Benchmarks/data

swift build -c release --product bench >&2
bench=$(swift build -c release --product bench --show-bin-path)/bench
mkdir -p "$data"
for n in "${sizes[@]}"; do
    [ -f "$data/clients-$n.xlsx" ] || python3 Benchmarks/generate.py "$n" "$data" >&2
    if [ "${XLSXWRITER:-0}" = 1 ] && [ ! -f "$data/xlsxwriter-$n.xlsx" ]; then
        python3 Benchmarks/generate.py "$n" "$data" --layout xlsxwriter >&2
    fi
done

# ours FILE → "seconds rows peak-mib" (best time of $repeat runs, peak of that run)
ours() {
    local best="" line
    for _ in $(seq "$repeat"); do
        line=$("$bench" read "$1")
        # rows R cells C seconds S rows/s X peak-rss-mib P …
        set -- "$1" $line
        local s=${7} rows=${3} peak=${11}
        if [ -z "$best" ] || awk "BEGIN{exit !($s < ${best%% *})}"; then best="$s $rows $peak"; fi
        set -- "$1"
    done
    echo "$best"
}

# theirs NAME FILE → "seconds rows peak-mib", or "" when skipped
theirs() {
    python3 Benchmarks/reader.py "$2" --repeat "$repeat" --only "$1" 2>/dev/null \
        | awk -v n="$1" '$1 == n && $2 != "skipped" { print $2, $3, $5 }'
}

printf '%-8s %-6s %-19s %9s %11s %9s %10s %10s\n' rows format reader seconds rows/s peak-MiB ours/fast ours/cal
for n in "${sizes[@]}"; do
    kinds=(xlsx csv)
    [ "${XLSXWRITER:-0}" = 1 ] && kinds+=(xlsxwriter)
    for format in "${kinds[@]}"; do
        file="$data/clients-$n.$format"
        [ "$format" = xlsxwriter ] && file="$data/xlsxwriter-$n.xlsx"
        read -r os orows opeak <<<"$(ours "$file")"
        if [ "$format" = csv ]; then
            printf '%-8s %-6s %-19s %9.3f %11.0f %9.1f\n' "$n" csv ours "$os" "$(awk "BEGIN{print $orows/$os}")" "$opeak"
            continue
        fi
        read -r fs frows fpeak <<<"$(theirs fastexcel "$file")"
        read -r cs crows cpeak <<<"$(theirs python-calamine "$file")"
        ps="" prows="" ppeak=""
        if [ "${SKIP_OPENPYXL:-0}" != 1 ]; then
            read -r ps prows ppeak <<<"$(theirs openpyxl-read-only "$file")" || true
        fi
        printf '%-8s %-6s %-19s %9.3f %11.0f %9.1f %10.2f %10.2f\n' "$n" "${format:0:6}" ours "$os" \
            "$(awk "BEGIN{print $orows/$os}")" "$opeak" "$(awk "BEGIN{print $os/$fs}")" "$(awk "BEGIN{print $os/$cs}")"
        printf '%-8s %-6s %-19s %9.3f %11.0f %9.1f\n' "$n" "${format:0:6}" fastexcel "$fs" "$(awk "BEGIN{print $frows/$fs}")" "$fpeak"
        printf '%-8s %-6s %-19s %9.3f %11.0f %9.1f\n' "$n" "${format:0:6}" python-calamine "$cs" "$(awk "BEGIN{print $crows/$cs}")" "$cpeak"
        if [ -n "$ps" ]; then
            printf '%-8s %-6s %-19s %9.3f %11.0f %9.1f\n' "$n" "${format:0:6}" openpyxl-read-only "$ps" "$(awk "BEGIN{print $prows/$ps}")" "$ppeak"
        fi
    done
done
