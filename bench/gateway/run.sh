#!/usr/bin/env bash
# Gateway overhead, every case in the same run, alternating, each at least 3 times after a warm-up:
#   direct      wrk -> TinyBackend                                   GET /rides/ping
#   yarp        wrk -> bare YARP (one route, nothing else) -> backend  GET /rides/ping
#   gw-anon     wrk -> Fleet's gateway, anonymous route /auth/...    GET /auth/ping
#   gw-token    wrk -> Fleet's gateway, one bearer token (its check cached after the first request)
#   gw-newtoken wrk -> Fleet's gateway, a token not seen before on nearly every request
# The gateway runs as ./fleet run runs it (Development settings), with its real routes, token check and
# rate limiter (limits raised so that nothing is refused). Two loads:
#   saturated: wrk -t2 -c64 (throughput; wrk, proxy and backend share the machine's cores)
#   unloaded:  wrk -t1 -c1  (latency each hop adds when nothing queues)
# Writes bench/results/gateway-overhead-<date>.md with the median and the spread (min-max) of each case.
# Usage: bench/gateway/run.sh [rounds, default 3] [seconds per saturated run, default 10]
# Only against 127.0.0.1.
set -euo pipefail

ROUNDS="${1:-3}"
SECONDS_SATURATED="${2:-10}"
SECONDS_UNLOADED=5
WARMUP_ROUNDS="${WARMUP_ROUNDS:-2}"
CONNECTIONS=64
TOKENS="${TOKENS:-120000}"
CASES=(direct yarp gw-anon gw-token gw-newtoken)

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BENCH="$ROOT/bench/gateway"
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

wait_until_up() { # url [curl args]
  local url="$1"; shift
  for _ in $(seq 1 150); do
    curl -fs -o /dev/null "$@" "$url" && return 0
    sleep 0.2
  done
  echo "not up: $url (logs: $WORK)" >&2
  KEEP_LOGS=1
  return 1
}

echo "building (Release)..."
for project in Gateway/Gateway.csproj bench/gateway/TinyBackend/TinyBackend.csproj \
               bench/gateway/BareYarp/BareYarp.csproj bench/gateway/BenchAuth/BenchAuth.csproj; do
  dotnet build "$ROOT/$project" -c Release -v quiet -nologo >/dev/null
done

BACKEND="http://127.0.0.1:$(free_port)"
YARP="http://127.0.0.1:$(free_port)"
AUTH="http://127.0.0.1:$(free_port)"
GATEWAY_PORT="$(free_port)"
GATEWAY="http://127.0.0.1:$GATEWAY_PORT"
ISSUER="$GATEWAY/auth"

# start NAME DIR DLL [VAR=value ...]: runs from its build output (the content root with its appsettings.json);
# exec keeps $! the app's own PID.
start() {
  local name="$1" dir="$2" dll="$3"; shift 3
  (cd "$dir" && exec env "$@" dotnet "$dll") >"$WORK/$name.log" 2>&1 &
  PIDS+=("$!")
  eval "PID_${name//-/_}=$!"
}

start backend "$BENCH/TinyBackend/bin/Release/net10.0" Fleet.TinyBackend.dll \
  ASPNETCORE_URLS="$BACKEND" ASPNETCORE_ENVIRONMENT=Production
start auth "$BENCH/BenchAuth/bin/Release/net10.0" Fleet.BenchAuth.dll \
  ASPNETCORE_URLS="$AUTH" ASPNETCORE_ENVIRONMENT=Production Issuer="$ISSUER"
start yarp "$BENCH/BareYarp/bin/Release/net10.0" Fleet.BareYarp.dll \
  ASPNETCORE_URLS="$YARP" ASPNETCORE_ENVIRONMENT=Production \
  ReverseProxy__Routes__rides__ClusterId=rides \
  'ReverseProxy__Routes__rides__Match__Path=/rides/{**catch-all}' \
  ReverseProxy__Clusters__rides__Destinations__rides__Address="$BACKEND"
# Every service behind the gateway is the tiny backend; its token check asks the bench AuthService for keys.
start gateway "$ROOT/Gateway/bin/Release/net10.0" Fleet.Gateway.dll \
  ASPNETCORE_URLS="$GATEWAY" ASPNETCORE_ENVIRONMENT=Development \
  services__auth__http__0="$BACKEND" services__ingest__http__0="$BACKEND" services__files__http__0="$BACKEND" \
  services__audit__http__0="$BACKEND" services__scheduler__http__0="$BACKEND" \
  Auth__Issuer="$ISSUER" Auth__AuthServiceUrl="$AUTH" \
  Gateway__RateLimits__Authenticated__PermitsPerSecond=100000000 Gateway__RateLimits__Authenticated__Burst=100000000 \
  Gateway__RateLimits__Anonymous__PermitsPerSecond=100000000 Gateway__RateLimits__Anonymous__Burst=100000000

wait_until_up "$BACKEND/rides/ping"
wait_until_up "$AUTH/auth/.well-known/jwks.json"
wait_until_up "$YARP/rides/ping"
wait_until_up "$GATEWAY/auth/ping"

echo "minting $TOKENS tokens..."
curl -fs "$AUTH/bench/tokens?count=$TOKENS" >"$WORK/tokens.txt"
echo >>"$WORK/tokens.txt"
TOKEN="$(head -n1 "$WORK/tokens.txt")"
wait_until_up "$GATEWAY/rides/ping" -H "Authorization: Bearer $TOKEN"

# Each wrk thread walks its own share of the tokens, so nearly every request brings one not seen before.
cat >"$WORK/newtoken.lua" <<'LUA'
local tokens = {}
for line in io.lines(os.getenv("TOKENS_FILE")) do
  if #line > 0 then tokens[#tokens + 1] = line end
end
local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end
local next_index = 0
function init(args)
  next_index = id * 60000
end
function request()
  next_index = next_index + 1
  local token = tokens[(next_index % #tokens) + 1]
  return wrk.format("GET", "/rides/ping", { ["Authorization"] = "Bearer " .. token })
end
LUA

url_of() { # case
  case "$1" in
    direct) echo "$BACKEND/rides/ping" ;;
    yarp) echo "$YARP/rides/ping" ;;
    gw-anon) echo "$GATEWAY/auth/ping" ;;
    gw-token|gw-newtoken) echo "$GATEWAY/rides/ping" ;;
  esac
}

proxy_pid_of() { # case: the process that forwards, whose CPU time is counted
  case "$1" in
    direct) echo "$PID_backend" ;;
    yarp) echo "$PID_yarp" ;;
    *) echo "$PID_gateway" ;;
  esac
}

TICK="$(getconf CLK_TCK)"
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; } # user + system time of a process

# run CASE THREADS CONNECTIONS SECONDS OUT: wrk output in OUT.txt, proxy CPU ticks in OUT.cpu
run() {
  local name="$1" threads="$2" connections="$3" seconds="$4" out="$5" pid before
  pid="$(proxy_pid_of "$name")"
  before="$(cpu_ticks "$pid")"
  case "$name" in
    gw-token) wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency -H "Authorization: Bearer $TOKEN" "$(url_of "$name")" >"$out.txt" ;;
    gw-newtoken) TOKENS_FILE="$WORK/tokens.txt" wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency -s "$WORK/newtoken.lua" "$(url_of "$name")" >"$out.txt" ;;
    *) wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency "$(url_of "$name")" >"$out.txt" ;;
  esac
  echo "$(( $(cpu_ticks "$pid") - before ))" >"$out.cpu"
}

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 1 "$WARMUP_ROUNDS"); do
  echo "warm-up round $round/$WARMUP_ROUNDS: ${SECONDS_SATURATED}s saturated per case"
  for name in "${CASES[@]}"; do run "$name" 2 "$CONNECTIONS" "$SECONDS_SATURATED" "$WORK/warmup-$round-$name"; done
done
for round in $(seq 1 "$ROUNDS"); do
  echo "round $round/$ROUNDS: saturated ${SECONDS_SATURATED}s, then unloaded ${SECONDS_UNLOADED}s, per case"
  for name in "${CASES[@]}"; do run "$name" 2 "$CONNECTIONS" "$SECONDS_SATURATED" "$WORK/sat-$round-$name"; done
  for name in "${CASES[@]}"; do run "$name" 1 1 "$SECONDS_UNLOADED" "$WORK/one-$round-$name"; done
done
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

rps() { awk '/^Requests\/sec:/ { print $2 }' "$1.txt"; }
requests() { awk '/requests in/ { print $1 }' "$1.txt"; }
non2xx() { awk '/Non-2xx|Socket errors/' "$1.txt" | tr '\n' ' '; }
# wrk prints latency as e.g. 812.00us, 1.21ms or 1.02s; normalise to milliseconds.
percentile_ms() { # file-stem percentile
  awk -v p="$2%" '$1 == p {
    v = $2
    if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v) }
    else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 }
    printf "%.3f", v
  }' "$1.txt"
}
cpu_us() { awk -v n="$(requests "$1")" -v t="$TICK" '{ printf "%.1f", $1 * 1e6 / t / n }' "$1.cpu"; }

# stats VALUES...: "median (min–max)"
stats() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
  m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
  printf "%.6g (%.6g–%.6g)", m, v[1], v[NR] }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.4g", m }'; }

collect() { # kind case metric-function [args]: one value per round
  local kind="$1" name="$2" fn="$3"; shift 3
  for round in $(seq 1 "$ROUNDS"); do "$fn" "$WORK/$kind-$round-$name" "$@"; echo; done
}

# ratio_per_round CASE BASE: CASE's saturated throughput over BASE's, round by round (each pair ran back to back)
ratio_per_round() {
  for round in $(seq 1 "$ROUNDS"); do
    awk -v a="$(rps "$WORK/sat-$round-$1")" -v b="$(rps "$WORK/sat-$round-$2")" 'BEGIN { printf "%.3f\n", a / b }'
  done
}
# added_p50_per_round CASE BASE: unloaded p50 difference in ms, round by round
added_p50_per_round() {
  for round in $(seq 1 "$ROUNDS"); do
    awk -v a="$(percentile_ms "$WORK/one-$round-$1" 50)" -v b="$(percentile_ms "$WORK/one-$round-$2" 50)" 'BEGIN { printf "%.3f\n", a - b }'
  done
}

RATIO_ANON="$(median $(ratio_per_round gw-anon yarp))"
RATIO_TOKEN="$(median $(ratio_per_round gw-token yarp))"
ADDED_ANON="$(median $(added_p50_per_round gw-anon direct))"
ADDED_TOKEN="$(median $(added_p50_per_round gw-token direct))"
verdict() { awk -v v="$1" -v aim="$2" -v dir="$3" 'BEGIN { ok = (dir == "ge") ? v >= aim : v < aim; print (ok ? "met" : "missed") }'; }

mkdir -p "$RESULTS"
{
  echo "# Gateway overhead — $(date '+%F %T %Z')"
  echo
  echo "\`bench/gateway/run.sh $ROUNDS $SECONDS_SATURATED\`: wrk against \`bench/gateway/TinyBackend\` (a bare Kestrel app answering"
  echo "a 4-byte text) directly, through a bare YARP route (\`bench/gateway/BareYarp\`: one route, no auth, no limits,"
  echo "no extra middleware) and through Fleet's gateway as \`./fleet run\` runs it (Development settings, the real"
  echo "routes, token check and rate limiter with limits raised so nothing is refused): anonymous (\`/auth/ping\`,"
  echo "the anonymous route), with one bearer token (its check cached after the first request) and with a token not"
  echo "seen before on nearly every request (ES256 verification each time). Release builds; wrk, proxy and backend"
  echo "share the machine's cores. $WARMUP_ROUNDS warm-up rounds of ${SECONDS_SATURATED} s per case, then $ROUNDS rounds, each running every"
  echo "case in turn (saturated, then unloaded). Figures are the median over the rounds, with the spread (min–max)."
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
  echo "| commit | $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" status --porcelain -- Gateway bench/gateway 2>/dev/null | grep -q . && echo ' + uncommitted changes') |"
  echo
  echo "## Saturated (wrk -t2 -c$CONNECTIONS, ${SECONDS_SATURATED} s)"
  echo
  echo "| case | requests/s | p50 (ms) | p99 (ms) | CPU per request in the forwarding process (µs) |"
  echo "|---|---:|---:|---:|---:|"
  for name in "${CASES[@]}"; do
    echo "| $name | $(stats $(collect sat "$name" rps)) | $(stats $(collect sat "$name" percentile_ms 50)) | $(stats $(collect sat "$name" percentile_ms 99)) | $(stats $(collect sat "$name" cpu_us)) |"
  done
  echo
  echo "## Unloaded (wrk -t1 -c1, ${SECONDS_UNLOADED} s)"
  echo
  echo "| case | requests/s | p50 (ms) | p99 (ms) |"
  echo "|---|---:|---:|---:|"
  for name in "${CASES[@]}"; do
    echo "| $name | $(stats $(collect one "$name" rps)) | $(stats $(collect one "$name" percentile_ms 50)) | $(stats $(collect one "$name" percentile_ms 99)) |"
  done
  echo
  echo "## Against the aims"
  echo
  echo "Ratios and differences are taken round by round (the cases of a round ran back to back), then the median."
  echo
  echo "- gateway anonymous ÷ bare YARP, throughput: **$RATIO_ANON** (rounds: $(ratio_per_round gw-anon yarp | tr '\n' ' ')) — aim ≥ 0.8: $(verdict "$RATIO_ANON" 0.8 ge)"
  echo "- gateway with a token ÷ bare YARP, throughput: **$RATIO_TOKEN** (rounds: $(ratio_per_round gw-token yarp | tr '\n' ' ')) — aim ≥ 0.8: $(verdict "$RATIO_TOKEN" 0.8 ge)"
  echo "- gateway with a new token each request ÷ bare YARP: $(median $(ratio_per_round gw-newtoken yarp))"
  echo "- bare YARP ÷ direct: $(median $(ratio_per_round yarp direct))"
  echo "- p50 the gateway adds unloaded, anonymous: **$ADDED_ANON ms** (rounds: $(added_p50_per_round gw-anon direct | tr '\n' ' ')) — aim < 0.5 ms: $(verdict "$ADDED_ANON" 0.5 lt)"
  echo "- p50 the gateway adds unloaded, with a token: **$ADDED_TOKEN ms** (rounds: $(added_p50_per_round gw-token direct | tr '\n' ' ')) — aim < 0.5 ms: $(verdict "$ADDED_TOKEN" 0.5 lt)"
  echo "- p50 bare YARP adds unloaded: $(median $(added_p50_per_round yarp direct)) ms"
  for kind in sat one; do
    for round in $(seq 1 "$ROUNDS"); do
      for name in "${CASES[@]}"; do
        errors="$(non2xx "$WORK/$kind-$round-$name")"
        if [ -n "$errors" ]; then echo "- $kind round $round, $name: $errors"; fi
      done
    done
  done
  echo
  echo "The hand-written proxy this replaced measured 31.2k requests/s against 135k direct, 0.046 ms added at p50"
  echo "unloaded, on 2026-11-22 (\`gateway-overhead-2026-11-22.md\`, another method: one run each, Production settings)."
  echo
  echo "## Raw wrk output, last round"
  for name in "${CASES[@]}"; do
    echo
    echo "### $name, saturated"
    echo
    echo '```'
    cat "$WORK/sat-$ROUNDS-$name.txt"
    echo '```'
  done
} >"$REPORT"

cat "$REPORT"
echo
echo "written: $REPORT"
