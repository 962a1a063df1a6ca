#!/usr/bin/env bash
# The long crash-safety run: SIGKILL a 100,000-row import at 20 random points and check after
# each that the base passes PRAGMA integrity_check and holds exactly its state before (or after).
# CI runs the same test with 3 kills of a 15,000-row import.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests
CLIENTIMPORT_KILL_ROUNDS="${1:-20}" CLIENTIMPORT_KILL_ROWS="${2:-100000}" \
    swift test --skip-build --filter CrashSafetyTests
