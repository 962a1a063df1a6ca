#!/usr/bin/env bash
# Installs what clientimport needs to build (Lua 5.4, libxml2, zlib, SQLite, libpq) and what its tests
# use to check our files independently (openpyxl, python-calamine, LibreOffice) and to drive the
# Clients page in a real browser (chromium, chromium-driver, selenium), and the PostgreSQL server the
# tests start a throw-away cluster of (scripts/postgres-cluster.sh). Debian/Ubuntu, as root.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
    liblua5.4-dev libxml2-dev zlib1g-dev libsqlite3-dev libpq-dev postgresql pkg-config \
    python3 python3-pip python3-openpyxl libreoffice-calc-nogui chromium chromium-driver >/dev/null
# The python3 on PATH may not be Debian's (pyenv, venv): make sure it has the modules the tests use
# (python-calamine: the workbook reader's interop tests compare every cell with its reading).
for module in openpyxl:openpyxl selenium:selenium python_calamine:python-calamine; do
    if ! python3 -c "import ${module%%:*}" 2>/dev/null; then
        python3 -m pip install --quiet --disable-pip-version-check "${module#*:}" \
            || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages "${module#*:}"
    fi
done
