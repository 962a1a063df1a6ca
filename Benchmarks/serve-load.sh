#!/usr/bin/env bash
# Load on `clientimport serve`, loopback only, bounded in count and time (issue 14):
#
#   Benchmarks/serve-load.sh [UPLOADS] [LISTS] [ROWS]     (default: 20 50 5000)
#
# Starts the release build's `serve` on 127.0.0.1 (a free port) over a fresh base, then at once
# UPLOADS concurrent imports of ROWS-row template CSV files (each a different set of clients)
# and LISTS concurrent client-list requests. Checks that every answer is 200, or for an import
# 409 with Retry-After (the documented busy answer: imports into one base serialize and wait
# $CLIENTIMPORT_BUSY_TIMEOUT seconds, default 10), and that every import is whole or absent:
# the base holds exactly ROWS clients per import answered 200, one batch each. Prints
# requests/s, p50/p99 latency per kind and the server's peak RSS (VmHWM). Every request has a
# 300 s limit and the whole run 15 minutes. SKIP_BUILD=1 uses the release build as it is;
# BINARY=PATH another build (the debug one, say).
set -euo pipefail
cd "$(dirname "$0")/.."
uploads=${1:-20} lists=${2:-50} rows=${3:-5000}
work=$(mktemp -d "${TMPDIR:-/tmp}/clientimport-serve-load.XXXXXX")
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

binary=${BINARY:-.build/release/clientimport}
[ "${SKIP_BUILD:-0}" = 1 ] || [ -n "${BINARY:-}" ] || nice -n 5 swift build -c release --product clientimport >/dev/null
db="$work/clients.sqlite"
printf '%s\n' "load test password" | "$binary" employees password Administrator --db "$db" >/dev/null
token=$("$binary" employees token Administrator --db "$db")

"$binary" serve --db "$db" --host 127.0.0.1 --port 0 >"$work/serve.out" 2>"$work/serve.err" &
server=$!
for _ in $(seq 1 300); do grep -q '^Listening on' "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/^Listening on //p' "$work/serve.out")
[ -n "$url" ] || { echo "serve did not start: $(cat "$work/serve.err")" >&2; exit 1; }
case "$url" in http://127.0.0.1:*) ;; *) echo "refusing a non-loopback address: $url" >&2; exit 1 ;; esac

timeout 900 python3 - "$url" "$token" "$uploads" "$lists" "$rows" "$work" "$server" "$binary" "$db" <<'PY'
import concurrent.futures, json, subprocess, sys, time, urllib.error, urllib.request
url, token, uploads, lists, rows, work, pid, binary, db = sys.argv[1:]
uploads, lists, rows = int(uploads), int(lists), int(rows)
headers = ["ID client", "Nom", "Numéro de téléphone", "Adresse", "Email", "Prénom", "Entreprise", "Fournisseur", "Déçu",
           "Notes", "Source marketing", "Carte de réduction", "Réduction sur les produits dans les ventes",
           "Réduction sur les services dans les commandes et factures",
           "Remise sur les produits/matériaux dans la commande et la facture",
           "Réduction sur les services en ventes (type de prix)",
           "Réduction sur les services dans les commandes et factures (type de prix)", "Solde"]
files = []
for f in range(uploads):
    lines = [";".join(headers)]
    for r in range(rows):
        cells = [""] * len(headers)
        cells[1] = f"Client {f}-{r}"; cells[2] = f"33{6 + f % 3}{f:02d}{r:06d}"; cells[4] = f"c{f}-{r}@example.com"
        lines.append(";".join(cells))
    files.append(("\n".join(lines) + "\n").encode())

def post(index):
    boundary = "----load"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"load-{index}.csv\"\r\n"
            f"Content-Type: text/csv\r\n\r\n").encode() + files[index] + f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(url + "/api/v1/imports", data=body, method="POST", headers={
        "Authorization": f"Bearer {token}", "Content-Type": f"multipart/form-data; boundary={boundary}"})
    return call("import", request)

def get(index):
    request = urllib.request.Request(url + f"/api/v1/clients?page={index % 5 + 1}", headers={"Authorization": f"Bearer {token}"})
    return call("list", request)

def call(kind, request):
    start = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=300) as response:
            status, body, retry = response.status, response.read(), None
    except urllib.error.HTTPError as error:
        status, body, retry = error.code, error.read(), error.headers.get("Retry-After")
    return kind, status, time.monotonic() - start, body, retry

def peak_rss_kib():
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"): return int(line.split()[1])

start = time.monotonic()
with concurrent.futures.ThreadPoolExecutor(max_workers=uploads + lists) as pool:
    futures = [pool.submit(post, i) for i in range(uploads)] + [pool.submit(get, i) for i in range(lists)]
    results = [f.result() for f in futures]
elapsed = time.monotonic() - start

failures, imported = [], 0
for kind, status, _, body, retry in results:
    if status == 200:
        if kind == "import":
            report = json.loads(body)
            if report.get("status") != "imported" or report.get("created") != rows: failures.append((kind, status, report))
            imported += 1
    elif kind == "import" and status == 409 and retry:
        pass
    else:
        failures.append((kind, status, body[:300]))
clients = json.loads(subprocess.run([binary, "clients", "list", "--format", "json", "--db", db], capture_output=True, check=True).stdout)
history = json.loads(subprocess.run([binary, "history", "--format", "json", "--db", db], capture_output=True, check=True).stdout)
whole = len(clients) == imported * rows and len(history) == imported and all(b["created"] == rows for b in history)

def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else float("nan")

print(f"{uploads} uploads of {rows} rows and {lists} list requests at once, in {elapsed:.1f} s "
      f"({(uploads + lists) / elapsed:.1f} requests/s)")
for kind in ("import", "list"):
    times = [t for k, s, t, _, _ in results if k == kind]
    statuses = {}
    for k, s, *_ in results:
        if k == kind: statuses[s] = statuses.get(s, 0) + 1
    print(f"  {kind:6}: answers {dict(sorted(statuses.items()))}; p50 {percentile(times, 50) * 1000:.0f} ms, "
          f"p99 {percentile(times, 99) * 1000:.0f} ms")
print(f"  imports whole or absent: {'yes' if whole else 'NO'} ({imported} imported, {len(clients)} clients, {len(history)} batches)")
print(f"  server peak RSS: {peak_rss_kib() / 1024:.0f} MiB")
if failures or not whole:
    print("FAILED:", failures[:5], file=sys.stderr)
    sys.exit(1)
PY
