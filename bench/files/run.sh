#!/usr/bin/env bash
# FileService on the whole system as ./fleet run starts it (Release builds, Development settings), through the gateway
# with the seeded admin's token (its rate limit raised). In one run, alternating, after a warm-up round:
#   uploads   a 256 MiB file POSTed raw by curl (new content, then the same content again, which is stored once), against
#             dd writing the same bytes to the same disk with fsync (FileService syncs each file before it answers)
#   scanner   a 64 MiB text with findings sprinkled through it, uploaded and scanned (MB/s from the file's own upload and
#             scan times), against grep -E with the e-mail rule alone over the same file
# Writes bench/results/files-<date>.md. Usage: bench/files/run.sh [rounds, default 3]
set -euo pipefail

ROUNDS="${1:-3}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export REPORT="$ROOT/bench/results/files-$(date -u +%F).md"
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

python3 "$ROOT/bench/files/measure.py" "$ROUNDS"
