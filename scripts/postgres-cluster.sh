#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the tests and CI: initdb + pg_ctl on a free loopback port
# in a fresh temporary folder, as an unprivileged user (as root: the system user clientimport-pg,
# created when missing; PostgreSQL refuses to run as root).
#
#   scripts/postgres-cluster.sh start   starts one (or finds the one running) and prints its URL,
#                                       postgresql://clientimport:PASSWORD@127.0.0.1:PORT/clientimport
#   scripts/postgres-cluster.sh url     prints the URL of the running cluster
#   scripts/postgres-cluster.sh stop    stops it and removes its folder (nothing running: no-op)
#
# The tests read the URL from $CLIENTIMPORT_TEST_POSTGRES:
#   export CLIENTIMPORT_TEST_POSTGRES="$(scripts/postgres-cluster.sh start)"
# The cluster's superuser `clientimport` signs in over TCP with a random password (scram-sha-256,
# so a wrong password is refused as on a real server); the URL carries it. The state (the URL and
# the folder) is kept in $CLIENTIMPORT_PG_STATE (default .build/postgres-cluster of this checkout),
# so each checkout, or each test that wants a cluster of its own, has its own.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
state="${CLIENTIMPORT_PG_STATE:-$root/.build/postgres-cluster}"
pg_user=clientimport-pg
database=clientimport
role=clientimport

usage() {
    echo "usage: $0 start|url|stop" >&2
    exit 64
}

# The server's programs: $PG_BINDIR, else initdb on PATH, else Debian's newest version.
bindir() {
    if [[ -n "${PG_BINDIR:-}" ]]; then echo "$PG_BINDIR"; return; fi
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        # Debian links only some programs into /usr/local/bin or /usr/bin: the real folder has createdb too.
        dirname "$(readlink -f "$(command -v initdb)")"; return
    fi
    local newest
    newest="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    if [[ -z "$newest" ]]; then
        echo "postgres-cluster: no PostgreSQL server programs (initdb, pg_ctl) found; install Debian's postgresql (scripts/setup.sh) or set PG_BINDIR" >&2
        exit 69
    fi
    echo "$newest"
}

# Runs a server program as the unprivileged user (as ourselves when we are not root).
as_pg() {
    # From / : the caller's folder may be closed to that user, and the programs complain.
    if [[ $EUID -eq 0 ]]; then (cd / && runuser -u "$pg_user" -- "$@"); else "$@"; fi
}

# The user exists afterwards, even when another start created it at the same moment.
ensure_user() {
    [[ $EUID -eq 0 ]] || return 0
    id -u "$pg_user" >/dev/null 2>&1 && return 0
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$pg_user" 2>/dev/null \
        || id -u "$pg_user" >/dev/null 2>&1 \
        || { echo "postgres-cluster: cannot create the system user $pg_user" >&2; exit 71; }
}

# A loopback port nobody listens on now (the kernel's choice; start retries if it is taken meanwhile).
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

running() {
    [[ -f "$state/folder" ]] || return 1
    local folder
    folder="$(cat "$state/folder")"
    [[ -d "$folder/data" ]] && as_pg "$(bindir)/pg_ctl" status -D "$folder/data" >/dev/null 2>&1
}

# Half a cluster is no use to anyone: a failed start removes what it made.
failed() {
    echo "postgres-cluster: $1" >&2
    stop >/dev/null 2>&1 || true
    exit 70
}

start() {
    if running; then cat "$state/url"; return; fi
    # A folder left by a cluster that is gone (a reboot, a killed run): remove it first.
    stop >/dev/null 2>&1 || true
    local bin folder password port attempt
    bin="$(bindir)"
    ensure_user
    folder="$(mktemp -d "${TMPDIR:-/tmp}/clientimport-pg.XXXXXX")"
    mkdir -p "$state"
    echo "$folder" >"$state/folder"
    [[ $EUID -eq 0 ]] && chown "$pg_user" "$folder"
    password="$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
    printf '%s\n' "$password" >"$folder/password"
    [[ $EUID -eq 0 ]] && chown "$pg_user" "$folder/password"
    chmod 600 "$folder/password"
    as_pg "$bin/initdb" -D "$folder/data" -U "$role" --pwfile="$folder/password" --encoding=UTF8 --locale=C --no-sync \
        --auth-local=trust --auth-host=scram-sha-256 >"$folder/initdb.log" 2>&1 \
        || { cat "$folder/initdb.log" >&2; failed "initdb failed (its log above)"; }
    rm -f "$folder/password"
    for attempt in 1 2 3 4 5; do
        port="$(free_port)"
        # The socket lives in the cluster's own folder, so no system folder needs to be writable.
        if as_pg "$bin/pg_ctl" start -w -t 60 -D "$folder/data" -l "$folder/server.log" \
            -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories='$folder'" >/dev/null; then
            break
        fi
        port=""
        sleep 0.2
    done
    if [[ -z "$port" ]]; then
        cat "$folder/server.log" >&2 || true
        failed "the server did not start (its log above)"
    fi
    as_pg "$bin/createdb" -h "$folder" -p "$port" -U "$role" "$database" || failed "createdb failed"
    local url="postgresql://$role:$password@127.0.0.1:$port/$database"
    (umask 077 && printf '%s\n' "$url" >"$state/url")
    echo "$url"
}

url() {
    if running; then cat "$state/url"; return; fi
    echo "postgres-cluster: no cluster is running for $state; start one with: $0 start" >&2
    exit 69
}

stop() {
    [[ -f "$state/folder" ]] || return 0
    local folder
    folder="$(cat "$state/folder")"
    if [[ -d "$folder/data" ]]; then
        as_pg "$(bindir)/pg_ctl" stop -w -m fast -D "$folder/data" >/dev/null 2>&1 || true
    fi
    # Only a folder this script made: never whatever a damaged state file names.
    case "$folder" in
        */clientimport-pg.*) rm -rf "$folder" ;;
    esac
    rm -f "$state/folder" "$state/url"
}

[[ $# -eq 1 ]] || usage
case "$1" in
    start) start ;;
    url) url ;;
    stop) stop ;;
    *) usage ;;
esac
