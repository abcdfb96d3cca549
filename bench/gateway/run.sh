#!/usr/bin/env bash
# Gateway overhead: wrk against a tiny backend directly and through the gateway, in the same run.
#   1. saturated:  wrk -t2 -c64 (throughput kept through the gateway, CPU each process spends per request)
#   2. unloaded:   wrk -t1 -c1  (latency the extra hop adds when nothing queues)
# Writes bench/results/gateway-overhead-<date>.md.
# Usage: bench/gateway/run.sh [duration, default 15s] [connections, default 64]
set -euo pipefail

DURATION="${1:-15s}"
CONNECTIONS="${2:-64}"
THREADS=2
WARMUP=5s

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RESULTS="$ROOT/bench/results"
REPORT="$RESULTS/gateway-overhead-$(date +%F).md"
WORK="$(mktemp -d)"
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [ -n "${KEEP_LOGS:-}" ]; then echo "logs in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT INT TERM

if ! command -v wrk >/dev/null; then
  apt-get install -y wrk >/dev/null || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
fi

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_until_up() { # url
  for _ in $(seq 1 100); do
    curl -fs -o /dev/null "$1" && return 0
    sleep 0.1
  done
  echo "not up: $1 (logs: $WORK)" >&2
  KEEP_LOGS=1
  return 1
}

echo "building (Release)..."
dotnet build "$ROOT/Gateway/Gateway.csproj" -c Release -v quiet -nologo >/dev/null
dotnet build "$ROOT/bench/gateway/TinyBackend/TinyBackend.csproj" -c Release -v quiet -nologo >/dev/null

BACKEND_PORT="$(free_port)"
GATEWAY_PORT="$(free_port)"
BACKEND="http://127.0.0.1:$BACKEND_PORT"
GATEWAY="http://127.0.0.1:$GATEWAY_PORT"

# Each runs from its build output, the content root where its appsettings.json is
# (exec keeps $! the app's own PID).
(cd "$ROOT/bench/gateway/TinyBackend/bin/Release/net10.0" &&
  ASPNETCORE_URLS="$BACKEND" ASPNETCORE_ENVIRONMENT=Production \
  exec dotnet Fleet.TinyBackend.dll) >"$WORK/backend.log" 2>&1 &
BACKEND_PID=$!
PIDS+=("$BACKEND_PID")

# The proxy's own cost: the route anonymous and rate limits off (a token's cost is measured on its own).
(cd "$ROOT/Gateway/bin/Release/net10.0" &&
  ASPNETCORE_URLS="$GATEWAY" ASPNETCORE_ENVIRONMENT=Production \
  services__ingest__http__0="$BACKEND" \
  ReverseProxy__Routes__rides__AuthorizationPolicy=Anonymous \
  Gateway__RateLimits__Enabled=false \
  exec dotnet Fleet.Gateway.dll) >"$WORK/gateway.log" 2>&1 &
GATEWAY_PID=$!
PIDS+=("$GATEWAY_PID")

wait_until_up "$BACKEND/rides/ping"
wait_until_up "$GATEWAY/rides/ping"

TICK="$(getconf CLK_TCK)"
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; } # user + system time of a process

# run NAME URL THREADS CONNECTIONS DURATION: wrk output in $WORK/NAME.txt, CPU ticks used in $WORK/NAME.cpu
run() {
  local backend_before gateway_before
  backend_before="$(cpu_ticks "$BACKEND_PID")"
  gateway_before="$(cpu_ticks "$GATEWAY_PID")"
  wrk -t"$3" -c"$4" -d"$5" --latency "$2/rides/ping" >"$WORK/$1.txt"
  echo "$(( $(cpu_ticks "$BACKEND_PID") - backend_before )) $(( $(cpu_ticks "$GATEWAY_PID") - gateway_before ))" >"$WORK/$1.cpu"
}

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "saturated, direct:  warm-up $WARMUP, then $DURATION"
run warmup-direct "$BACKEND" "$THREADS" "$CONNECTIONS" "$WARMUP"
run direct "$BACKEND" "$THREADS" "$CONNECTIONS" "$DURATION"
echo "saturated, gateway: warm-up $WARMUP, then $DURATION"
run warmup-gateway "$GATEWAY" "$THREADS" "$CONNECTIONS" "$WARMUP"
run gateway "$GATEWAY" "$THREADS" "$CONNECTIONS" "$DURATION"
echo "unloaded (1 connection), direct then gateway: $DURATION each"
run direct-1 "$BACKEND" 1 1 "$DURATION"
run gateway-1 "$GATEWAY" 1 1 "$DURATION"
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

rps() { awk '/^Requests\/sec:/ { print $2 }' "$WORK/$1.txt"; }
requests() { awk '/requests in/ { print $1 }' "$WORK/$1.txt"; }
errors() { awk '/Non-2xx|Socket errors/' "$WORK/$1.txt"; }
# wrk prints latency as e.g. 812.00us, 1.21ms or 1.02s; normalise to milliseconds.
percentile_ms() { # name percentile
  awk -v p="$2%" '$1 == p {
    v = $2
    if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v) }
    else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 }
    printf "%.3f", v
  }' "$WORK/$1.txt"
}
# CPU microseconds per request: column 1 = backend, 2 = gateway
cpu_us() { # name column
  awk -v c="$2" -v n="$(requests "$1")" -v t="$TICK" '{ printf "%.1f", $c * 1e6 / t / n }' "$WORK/$1.cpu"
}
diff3() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a - b }'; }

RATIO="$(awk -v g="$(rps gateway)" -v d="$(rps direct)" 'BEGIN { printf "%.1f", 100 * g / d }')"
ADDED_P50_UNLOADED="$(diff3 "$(percentile_ms gateway-1 50)" "$(percentile_ms direct-1 50)")"
ADDED_P99_UNLOADED="$(diff3 "$(percentile_ms gateway-1 99)" "$(percentile_ms direct-1 99)")"
ADDED_P50_SATURATED="$(diff3 "$(percentile_ms gateway 50)" "$(percentile_ms direct 50)")"
ADDED_P99_SATURATED="$(diff3 "$(percentile_ms gateway 99)" "$(percentile_ms direct 99)")"
MEETS_RATIO="$(awk -v r="$RATIO" 'BEGIN { print (r >= 60 ? "met" : "missed") }')"
MEETS_P50="$(awk -v a="$ADDED_P50_UNLOADED" 'BEGIN { print (a < 0.5 ? "met" : "missed") }')"

row() { # label name
  echo "| $1 | $(rps "$2") | $(percentile_ms "$2" 50) | $(percentile_ms "$2" 99) | $(cpu_us "$2" 1) | $( [ "${2%%-*}" = gateway ] && cpu_us "$2" 2 || echo '–') |"
}

mkdir -p "$RESULTS"
{
  echo "# Gateway overhead — $(date '+%F %T %Z')"
  echo
  echo "\`bench/gateway/run.sh\`: wrk on \`GET /rides/ping\` (a 4-byte text answer from \`bench/gateway/TinyBackend\`,"
  echo "a bare Kestrel app), called directly and through the gateway (Release build, Production environment,"
  echo "one destination given as \`services__ingest__http__0\`). wrk, gateway and backend share the machine's cores."
  echo
  echo "## Machine"
  echo
  echo "| | |"
  echo "|---|---|"
  echo "| cores (nproc) | $(nproc) |"
  echo "| CPU | $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo) |"
  echo "| memory | $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) |"
  echo "| kernel | $(uname -sr) |"
  echo "| .NET | SDK $(dotnet --version) |"
  echo "| load average before / after | $LOAD_BEFORE / $LOAD_AFTER |"
  echo "| commit | $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" status --porcelain -- Gateway 2>/dev/null | grep -q . && echo ' + uncommitted Gateway changes') |"
  echo
  echo "## Figures"
  echo
  echo "| run | requests/s | p50 (ms) | p99 (ms) | backend CPU per request (µs) | gateway CPU per request (µs) |"
  echo "|---|---:|---:|---:|---:|---:|"
  row "saturated (-t$THREADS -c$CONNECTIONS, $DURATION, after a $WARMUP warm-up), direct" direct
  row "saturated, through gateway" gateway
  row "unloaded (-t1 -c1, $DURATION), direct" direct-1
  row "unloaded, through gateway" gateway-1
  echo
  echo "- throughput kept through the gateway (saturated): **$RATIO %** — aim ≥ 60 %: $MEETS_RATIO"
  echo "- latency the gateway adds, unloaded: **$ADDED_P50_UNLOADED ms at p50** — aim < 0.5 ms: $MEETS_P50; $ADDED_P99_UNLOADED ms at p99"
  echo "- latency added when saturated: $ADDED_P50_SATURATED ms at p50, $ADDED_P99_SATURATED ms at p99 (there it is mostly"
  echo "  queueing: with $CONNECTIONS connections always busy, latency ≈ connections ÷ throughput)"
  echo "- CPU per request is each process's user + system time over the run divided by the requests wrk"
  echo "  completed; it depends far less on what else the machine runs than requests/s do."
  for name in direct gateway direct-1 gateway-1; do
    if [ -n "$(errors "$name")" ]; then echo "- $name: $(errors "$name" | tr '\n' ' ')"; fi
  done
  echo
  echo "## Raw wrk output"
  for name in direct gateway direct-1 gateway-1; do
    echo
    echo "### $name"
    echo
    echo '```'
    cat "$WORK/$name.txt"
    echo '```'
  done
} >"$REPORT"

cat "$REPORT"
echo
echo "written: $REPORT"
