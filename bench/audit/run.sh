#!/usr/bin/env bash
# AuditService under load, on the whole system as ./fleet run starts it (Release builds, Development settings), through
# the gateway with a real admin token (its rate limit raised so that nothing is refused). In one run:
#   writes    batches of 1,000 events POSTed to /audit/events by wrk; accepted/s, then stored/s (until every accepted
#             event is in PostgreSQL), against COPY of the same number of events straight into audit.events by psql
#             (what the database alone takes), alternating, after a warm-up round
#   queries   ten million events spread over the last seven days (written by SQL), then GET /audit/events for a
#             one-hour window with two filters (application, category): a new window on every request, and one window
#             over and over (then in PostgreSQL's cache), against the same SQL run by pgbench inside the database
# Writes bench/results/audit-<date>.md. Usage: bench/audit/run.sh [rounds, default 3] [seconds per write run, default 10]
set -euo pipefail

ROUNDS="${1:-3}"
SECONDS_PER_RUN="${2:-10}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export REPORT="$ROOT/bench/results/audit-$(date -u +%F).md"
export WORK="$(mktemp -d)"; chmod 755 "$WORK"
APPHOST_PID=""
cleanup() {
  if [ -n "$APPHOST_PID" ]; then kill -TERM "$APPHOST_PID" 2>/dev/null || true; wait "$APPHOST_PID" 2>/dev/null || true; fi
  if [ -n "${KEEP_LOGS:-}" ]; then echo "logs in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT INT TERM

command -v wrk >/dev/null || { apt-get install -y wrk >/dev/null || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

echo "building (Release)..."
dotnet build "$ROOT/Fleet.sln" -c Release -v quiet -nologo >/dev/null

export GATEWAY="http://127.0.0.1:$(free_port)"
echo "starting the system..."
(cd "$ROOT/AppHost" && exec env DOTNET_ENVIRONMENT=Development \
    Gateway__RateLimits__Authenticated__PermitsPerSecond=100000000 Gateway__RateLimits__Authenticated__Burst=100000000 \
    dotnet bin/Release/net10.0/Fleet.AppHost.dll --DataDirectory "$WORK/data" --GatewayPort "${GATEWAY##*:}" \
    --ASPNETCORE_URLS "http://127.0.0.1:$(free_port)" --ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL "http://127.0.0.1:$(free_port)") \
  >"$WORK/apphost.log" 2>&1 &
APPHOST_PID=$!
for _ in $(seq 1 180); do grep -q "Fleet is ready" "$WORK/apphost.log" && break; sleep 1; done
grep -q "Fleet is ready" "$WORK/apphost.log" || { echo "the system did not start (logs: $WORK)" >&2; KEEP_LOGS=1; exit 1; }

# PostgreSQL as the AppHost started it: its port from its command line, its password from the secrets file.
PG_PORT="$(ps -eo args | grep -o "postgres -D $WORK/data/postgres .*-c port=[0-9]*" | grep -o 'port=[0-9]*' | head -1 | cut -d= -f2)"
export PGHOST=127.0.0.1 PGPORT="$PG_PORT" PGUSER=postgres PGDATABASE=auditdb
export PGPASSWORD="$(python3 -c "import json; print(json.load(open('$WORK/data/secrets.json'))['postgres-password'])")"
export PGBENCH="$(ls /usr/lib/postgresql/*/bin/pgbench | sort -V | tail -1)"
python3 "$ROOT/bench/audit/measure.py" "$ROUNDS" "$SECONDS_PER_RUN"
