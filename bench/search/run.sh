#!/usr/bin/env bash
# /search through the gateway, on the whole system as ./fleet run starts it (Release builds, Development settings, two
# SchedulerService replicas, the provider stand-in), against Kestrel alone answering the same bytes. In one run,
# alternating, after a warm-up round:
#   bare       wrk -> bench/gateway/TinyBackend answering the search's bytes      GET /search
#   proxied    wrk -> bench/gateway/BareYarp (one route, nothing else) -> the same  GET /search: what a proxy hop
#              alone allows on this machine, the ceiling of anything behind the gateway
#   cached     wrk -> gateway -> SchedulerService, one range (a cache hit)          GET /search?starts_at=&ends_at=
#   uncached   the same, a range not asked before on every request (a miss: PostgreSQL, then the cache filled)
# then the system restarted on the same data with the provider stalled (it accepts connections and never answers),
# and cached/uncached again. Anonymous, as users call it; the anonymous rate limit raised so that nothing is refused.
# Writes bench/results/search-<date>.md. Usage: bench/search/run.sh [rounds, default 3] [seconds per run, default 10]
set -euo pipefail

ROUNDS="${1:-3}"
SECONDS_PER_RUN="${2:-10}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
REPORT="$ROOT/bench/results/search-$(date -u +%F).md"
WORK="$(mktemp -d)"; chmod 755 "$WORK" # PostgreSQL runs as postgres: it must get through to its data
PIDS=()
APPHOST_PID=""

stop_apphost() {
  if [ -n "$APPHOST_PID" ]; then
    kill -TERM "$APPHOST_PID" 2>/dev/null || true
    wait "$APPHOST_PID" 2>/dev/null || true
    APPHOST_PID=""
  fi
}
cleanup() {
  stop_apphost
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  if [ -n "${KEEP_LOGS:-}" ]; then echo "logs in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT INT TERM

command -v wrk >/dev/null || { apt-get install -y wrk >/dev/null || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

echo "building (Release)..."
dotnet build "$ROOT/Fleet.sln" -c Release -v quiet -nologo >/dev/null
dotnet build "$ROOT/bench/gateway/TinyBackend/TinyBackend.csproj" -c Release -v quiet -nologo >/dev/null
dotnet build "$ROOT/bench/gateway/BareYarp/BareYarp.csproj" -c Release -v quiet -nologo >/dev/null

GATEWAY_PORT="$(free_port)"
GATEWAY="http://127.0.0.1:$GATEWAY_PORT"
QUERY="/search?starts_at=2027-01-01T00:00:00&ends_at=2027-12-31T23:59:59"

start_apphost() { # log [AppHost args...]
  local log="$1"; shift
  (cd "$ROOT/AppHost" && exec env DOTNET_ENVIRONMENT=Development \
      Gateway__RateLimits__Anonymous__PermitsPerSecond=100000000 Gateway__RateLimits__Anonymous__Burst=100000000 \
      dotnet bin/Release/net10.0/Fleet.AppHost.dll --DataDirectory "$WORK/data" --GatewayPort "$GATEWAY_PORT" \
      --ASPNETCORE_URLS "http://127.0.0.1:$(free_port)" --ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL "http://127.0.0.1:$(free_port)" "$@") \
    >"$WORK/$log" 2>&1 &
  APPHOST_PID=$!
  for _ in $(seq 1 180); do grep -q "Fleet is ready" "$WORK/$log" && return 0; sleep 1; done
  echo "the system did not start (logs: $WORK)" >&2; KEEP_LOGS=1; return 1
}

wait_for_plans() {
  for _ in $(seq 1 120); do
    curl -fs "$GATEWAY$QUERY" | grep -q '"title"' && return 0
    sleep 1
  done
  echo "no plans in the catalogue (logs: $WORK)" >&2; KEEP_LOGS=1; return 1
}

# A range not asked before on every request: the start moves by a second each time, per thread.
cat >"$WORK/uncached.lua" <<'LUA'
local threads = 0
function setup(thread) thread:set("id", threads); threads = threads + 1 end
local n = 0
function request()
  n = n + 1
  local t = os.time({year = 2026, month = 1, day = 1, hour = 0}) - (id * 10000000 + n)
  return wrk.format("GET", "/search?starts_at=" .. os.date("!%Y-%m-%dT%H:%M:%S", t) .. "&ends_at=2027-12-31T23:59:59")
end
LUA

FIGURES="$WORK/figures.txt"
measure() { # case url [lua]
  local name="$1" url="$2" script="${3:-}"
  local out
  out="$(wrk -t2 -c64 -d"${SECONDS_PER_RUN}s" --latency ${script:+-s "$script"} "$url")"
  local rps p50 p99 errors
  rps="$(awk '/Requests\/sec/ {print $2}' <<<"$out")"
  p50="$(awk '$1=="50%" {print $2}' <<<"$out")"
  p99="$(awk '$1=="99%" {print $2}' <<<"$out")"
  errors="$(awk '/Non-2xx/ {print $5}' <<<"$out")"
  [ -z "$errors" ] || { echo "$name: $errors answers were not 2xx" >&2; exit 1; }
  echo "$name: $rps req/s, p50 $p50, p99 $p99"
  echo "$name $rps $p50 $p99" >>"$FIGURES"
}

run_rounds() { # cases...
  local cases=("$@")
  for round in $(seq 0 "$ROUNDS"); do
    local order=("${cases[@]}")
    if (( round % 2 == 1 )); then order=($(printf '%s\n' "${cases[@]}" | tac)); fi
    for c in "${order[@]}"; do
      case "$c" in
        bare) url="$BARE/search" ;;
        proxied) url="$PROXY/search" ;;
        cached*) url="$GATEWAY$QUERY" ;;
        uncached*) url="$GATEWAY/search" ;;
      esac
      if (( round == 0 )); then
        echo "warm-up: $c"
        if [[ "$c" == uncached* ]]; then wrk -t2 -c64 -d5s -s "$WORK/uncached.lua" "$url" >/dev/null; else wrk -t2 -c64 -d5s "$url" >/dev/null; fi
        continue
      fi
      if [[ "$c" == uncached* ]]; then measure "$c" "$url" "$WORK/uncached.lua"; else measure "$c" "$url"; fi
    done
  done
}

echo "starting the system..."
start_apphost apphost.log
wait_for_plans
curl -fs "$GATEWAY$QUERY" >"$WORK/answer.json"
BARE="http://127.0.0.1:$(free_port)"
(cd "$ROOT/bench/gateway/TinyBackend/bin/Release/net10.0" && exec env ASPNETCORE_URLS="$BARE" Body__File="$WORK/answer.json" \
  dotnet Fleet.TinyBackend.dll) >"$WORK/bare.log" 2>&1 &
PIDS+=("$!")
for _ in $(seq 1 100); do curl -fs -o /dev/null "$BARE/search" && break; sleep 0.2; done
cmp -s <(curl -fs "$BARE/search") "$WORK/answer.json" || { echo "the bare endpoint does not answer the same bytes" >&2; exit 1; }
PROXY="http://127.0.0.1:$(free_port)"
(cd "$ROOT/bench/gateway/BareYarp/bin/Release/net10.0" && exec env ASPNETCORE_URLS="$PROXY" ASPNETCORE_ENVIRONMENT=Production \
  ReverseProxy__Routes__search__ClusterId=search ReverseProxy__Routes__search__Match__Path=/search \
  ReverseProxy__Clusters__search__Destinations__bare__Address="$BARE" dotnet Fleet.BareYarp.dll) >"$WORK/proxy.log" 2>&1 &
PIDS+=("$!")
for _ in $(seq 1 100); do curl -fs -o /dev/null "$PROXY/search" && break; sleep 0.2; done
cmp -s <(curl -fs "$PROXY/search") "$WORK/answer.json" || { echo "the proxied endpoint does not answer the same bytes" >&2; exit 1; }
run_rounds bare proxied cached uncached
stop_apphost

echo "restarting with the provider stalled..."
STALL_PORT="$(free_port)"
python3 -c "
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', $STALL_PORT)); s.listen(128)
held = []
while True: held.append(s.accept()[0])
" &
PIDS+=("$!")
start_apphost apphost-stalled.log --Provider:Url "http://127.0.0.1:$STALL_PORT/events.xml"
wait_for_plans
run_rounds bare proxied cached-stalled uncached-stalled
stop_apphost

python3 - "$REPORT" "$ROUNDS" "$SECONDS_PER_RUN" "$FIGURES" <<'PY'
import sys, statistics, os, datetime
report, rounds, seconds, figures = sys.argv[1:5]
def ms(v): return float(v[:-2]) if v.endswith('ms') else float(v[:-2]) / 1000 if v.endswith('us') else float(v[:-1]) * 1000
runs = {}
for line in open(figures):
    name, *values = line.split()
    runs.setdefault(name, []).append(values)
def cell(xs): return f"{statistics.median(xs):.1f} ({min(xs):.1f}–{max(xs):.1f})"
bare = [float(r[0]) for r in runs['bare']]
lines = [f"# /search through the gateway — {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC", "",
  f"Machine: {os.cpu_count()} cores, load average at the end {open('/proc/loadavg').read().split()[:3]}. `bench/search/run.sh {rounds} {seconds}`:",
  "the whole system (Release, Development settings, two SchedulerService replicas), anonymous requests through the gateway",
  f"with its anonymous rate limit raised; wrk -t2 -c64, {seconds} s per run, a warm-up round, then {rounds} rounds alternating the",
  "order. `bare` is Kestrel alone answering the same bytes; `proxied` is a bare YARP route in front of it, the most a",
  "proxy hop allows here. Cells: median (min–max); vs bare, vs proxied: the median of the per-round ratios (each against",
  "the baseline's run of the same round and half).", "",
  "| case | requests/s | p50 ms | p99 ms | vs bare | vs proxied |", "|---|---|---|---|---|---|"]
proxied = [float(r[0]) for r in runs['proxied']]
def ratio(rps, name, base):
    half = base[:len(rps)] if 'stalled' not in name else base[len(base) - len(rps):]
    return statistics.median([a / b for a, b in zip(rps, half)])
for name in ['bare', 'proxied', 'cached', 'uncached', 'cached-stalled', 'uncached-stalled']:
    r = runs[name]
    rps = [float(x[0]) for x in r]
    lines.append(f"| {name} | {cell(rps)} | {cell([ms(x[1]) for x in r])} | {cell([ms(x[2]) for x in r])} | {ratio(rps, name, bare):.2f} | {ratio(rps, name, proxied):.2f} |")
lines += ["", "Rerun: `bench/search/run.sh [rounds] [seconds]`."]
open(report, 'w').write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
