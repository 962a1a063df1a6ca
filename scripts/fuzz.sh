#!/usr/bin/env bash
# Builds one libFuzzer target and runs it for SECONDS on its seed corpus.
#   scripts/fuzz.sh TARGET SECONDS [extra libFuzzer options]
# TARGET: zip | sheet | sharedstrings | csv | vcard | lua | luavalue. Needs a Swift toolchain with libFuzzer
# (Linux) and the system libraries of Package.swift. New inputs go to .build/fuzz/corpus/TARGET
# (not committed); crashes to .build/fuzz/crashes/TARGET, and a summary line is printed at the
# end. Copy a crash into Fuzz/Corpus/TARGET once it is fixed and has a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TARGET=${1:?usage: scripts/fuzz.sh zip|sheet|sharedstrings|csv|vcard|lua|luavalue SECONDS}
SECONDS_TO_RUN=${2:?usage: scripts/fuzz.sh TARGET SECONDS}
shift 2

case "$TARGET" in
  zip|sheet|sharedstrings|csv) MODULE=Workbook; SOURCES=(Sources/Workbook/*.swift Fuzz/Targets/StoredZip.swift)
    FLAGS=(-I Sources/CLibXML2 -I Sources/CZlib $(pkg-config --cflags-only-I libxml-2.0 | sed 's/-I/-Xcc -I/g') -lxml2 -lz) ;;
  vcard|lua|luavalue) MODULE=LuaBridge; SOURCES=(Sources/LuaBridge/*.swift)
    # LuaBridge's compiled C (CLuaSandbox) is built with the same sanitizers and linked in; the
    # Lua targets take their grammar from Tests/TestSupport/LuaSnippets.swift.
    SANDBOX=$ROOT/.build/fuzz/CLuaSandbox
    mkdir -p "$SANDBOX"
    printf 'module CLuaSandbox {\n    header "%s"\n    export *\n}\n' "$ROOT/Sources/CLuaSandbox/include/ci_lua_sandbox.h" >"$SANDBOX/module.modulemap"
    for c in Sources/CLuaSandbox/*.c; do
      clang -c -fsanitize=fuzzer-no-link,address -O1 -g $(pkg-config --cflags lua5.4) -I Sources/CLuaSandbox/include \
        "$c" -o "$SANDBOX/$(basename "$c" .c).o"
    done
    [ "$TARGET" = vcard ] || SOURCES+=(Tests/TestSupport/LuaSnippets.swift)
    FLAGS=(-I Sources/CLua -I "$SANDBOX" $(pkg-config --cflags-only-I lua5.4 | sed 's/-I/-Xcc -I/g') "$SANDBOX"/*.o $(pkg-config --libs lua5.4)) ;;
  *) echo "unknown target $TARGET (zip, sheet, sharedstrings, csv, vcard, lua, luavalue)" >&2; exit 64 ;;
esac

OUT=$ROOT/.build/fuzz
mkdir -p "$OUT/bin" "$OUT/corpus/$TARGET" "$OUT/crashes/$TARGET"
BIN=$OUT/bin/fuzz-$TARGET
# The target file and FuzzSupport join the module's own sources, so internal types are visible.
swiftc -sanitize=fuzzer,address -parse-as-library -O -g -module-name "$MODULE" \
  "${SOURCES[@]}" Fuzz/Targets/FuzzSupport.swift "Fuzz/Targets/$TARGET.swift" \
  "${FLAGS[@]}" -o "$BIN" 2>&1 | { grep -v "Cannot export local symbol" || true; }

export CLIENTIMPORT_ROOT=$ROOT
# The Swift runtime's backtracer reads memory in a way ASan reports as its own crash; let
# libFuzzer see the trap instead.
export SWIFT_BACKTRACE=enable=no
# rss_limit_mb: a reader that needs more than this on any input is a bug (bounded memory).
status=0
"$BIN" -max_total_time="$SECONDS_TO_RUN" -rss_limit_mb=1024 -timeout=20 -max_len=1048576 \
  -artifact_prefix="$OUT/crashes/$TARGET/" -print_final_stats=1 \
  "$@" "$OUT/corpus/$TARGET" "Fuzz/Corpus/$TARGET" >"$OUT/$TARGET.log" 2>&1 || status=$?
# The last coverage line and the final statistics (executions, peak memory), then any crash.
grep -E '^#[0-9]+' "$OUT/$TARGET.log" | tail -1 || true
grep -E '^stat::|ERROR: |SUMMARY: |artifact_prefix|Test unit written' "$OUT/$TARGET.log" || true
echo "fuzz $TARGET: exit $status (log: $OUT/$TARGET.log)"
exit $status
