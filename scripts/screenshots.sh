#!/usr/bin/env bash
# Remakes docs/images/ (the README's screenshots of the Clients page) from a run of the browser
# test: `scripts/screenshots.sh` after `swift build`. Needs chromium, chromium-driver, selenium.
set -euo pipefail
cd "$(dirname "$0")/.."
shots=$(mktemp -d "${TMPDIR:-/tmp}/clientimport-shots.XXXXXX")
trap 'rm -rf "$shots"' EXIT
SCREENSHOTS="$shots" python3 Tests/browser/test_clients_page.py .build/debug/clientimport
mkdir -p docs/images
cp "$shots"/*-two-errors.png docs/images/import-check.png
cp "$shots"/*-client-card.png docs/images/client-card.png
cp "$shots"/*-clients-375px.png docs/images/clients-375px.png
ls -l docs/images
