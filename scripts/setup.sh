#!/usr/bin/env bash
# Installs what clientimport needs to build (Lua 5.4, libxml2, zlib, SQLite) and what its tests
# use to check our files independently (openpyxl, python-calamine, LibreOffice). Debian/Ubuntu, as root.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
    liblua5.4-dev libxml2-dev zlib1g-dev libsqlite3-dev pkg-config \
    python3 python3-pip python3-openpyxl libreoffice-calc-nogui >/dev/null
# The python3 on PATH may not be Debian's (pyenv, venv): make sure it has openpyxl too.
if ! python3 -c 'import openpyxl' 2>/dev/null; then
    python3 -m pip install --quiet --disable-pip-version-check openpyxl \
        || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages openpyxl
fi
# python-calamine: the workbook reader's interop tests compare every cell with its reading.
if ! python3 -c 'import python_calamine' 2>/dev/null; then
    python3 -m pip install --quiet --disable-pip-version-check python-calamine \
        || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages python-calamine
fi
