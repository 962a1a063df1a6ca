#!/usr/bin/env bash
# `inspect --format tsv` throughput: MB/s of the sheet's XML — the worksheet part's inflated
# size, the input, not the TSV written (about a third of it) — next to `bench read` (the reader
# alone, no output) on the same file in the same run, so the part of the time that is the
# reader's is visible. Also CPU seconds (user + sys) and MB per CPU-second, the steadier
# figure when the machine is shared.
#
#   Benchmarks/run-inspect.sh [ROWS...]        (default: 200000 1000000)
#
# CLIENTIMPORT=path compares another build (e.g. an older one) on the same files; REPEAT=N
# takes the best of N runs (default 2). Output goes to /dev/null.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(200000 1000000)
repeat=${REPEAT:-2}
data=Benchmarks/data

swift build -c release --product clientimport >&2
swift build -c release --product bench >&2
bin=$(swift build -c release --show-bin-path)
clientimport=${CLIENTIMPORT:-$bin/clientimport}
mkdir -p "$data"

best() {  # "wall cpu" seconds of the fastest of $repeat runs of "$@" (stdout to /dev/null)
    local best="" s cpu times
    times=$(mktemp)
    for _ in $(seq "$repeat"); do
        /usr/bin/time -f "%e %U %S" -o "$times" "$@" > /dev/null 2>/dev/null
        read -r s user sys < <(tail -1 "$times")
        cpu=$(awk "BEGIN{print $user + $sys}")
        if [ -z "$best" ] || awk "BEGIN{exit !($s < ${best%% *})}"; then best="$s $cpu"; fi
    done
    rm -f "$times"
    echo "$best"
}

printf '%-8s %12s %-14s %9s %9s %9s %11s\n' rows sheet-MB what seconds MB/s cpu-s MB/cpu-s
for n in "${sizes[@]}"; do
    file="$data/clients-$n.xlsx"
    [ -f "$file" ] || python3 Benchmarks/generate.py "$n" "$data" >&2
    bytes=$(python3 -c "import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).getinfo('xl/worksheets/sheet1.xml').file_size)" "$file")
    mb=$(awk "BEGIN{print $bytes/1e6}")
    read -r s cpu <<<"$(best "$clientimport" inspect "$file" --format tsv)"
    printf '%-8s %12.1f %-14s %9.2f %9.1f %9.2f %11.1f\n' "$n" "$mb" "inspect tsv" "$s" "$(awk "BEGIN{print $mb/$s}")" "$cpu" "$(awk "BEGIN{print $mb/$cpu}")"
    read -r s cpu <<<"$(best "$bin/bench" read "$file")"
    printf '%-8s %12.1f %-14s %9.2f %9.1f %9.2f %11.1f\n' "$n" "$mb" "bench read" "$s" "$(awk "BEGIN{print $mb/$s}")" "$cpu" "$(awk "BEGIN{print $mb/$cpu}")"
done
