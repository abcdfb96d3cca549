#!/usr/bin/env bash
# Two copies of a service behind a gateway, the two ways Aspire can run them, in one app model and one run:
#   A  proxied:   wrk -> bare YARP -> DCP's proxy -> TinyBackend WithReplicas(2)   (the gateway knows one address)
#   B  addressed: wrk -> bare YARP -> tiny-1 | tiny-2, each isProxied: false        (two destinations, round robin)
# bench/replicas/ReplicaHost is the AppHost (Aspire 13.6, no dashboard); its gateways are bench/gateway/BareYarp,
# its service bench/gateway/TinyBackend. Cases alternate A, B, after a warm-up that lasts until both are steady.
# Two loads: wrk -t2 -c64 (throughput; wrk, gateways, DCP and replicas share the cores) and wrk -t1 -c1
# (latency when nothing queues). For each run it records the CPU time each replica process used
# (/proc/<pid>/stat utime+stime), to show how the load spread over the two copies.
# Writes bench/results/replicas-<date>.md. Usage: bench/replicas/run.sh [rounds, default 3] [seconds, default 10]
# Only against 127.0.0.1/localhost.
set -euo pipefail

ROUNDS="${1:-3}"
SECONDS_SATURATED="${2:-10}"
SECONDS_UNLOADED=5
CONNECTIONS=64
MIN_WARMUP_ROUNDS=2
MAX_WARMUP_ROUNDS="${MAX_WARMUP_ROUNDS:-6}"
STEADY_WITHIN=0.05 # warm-up ends when each case's last two rounds differ by less than this fraction
CASES=(A B)

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HOST_BIN="$ROOT/bench/replicas/ReplicaHost/bin/Release/net10.0"
RESULTS="$ROOT/bench/results"
REPORT="$RESULTS/replicas-$(date -u +%F).md"
WORK="$(mktemp -d /tmp/fleet-bench-replicas-XXXXXX)"
APPHOST_PID=""

# Every process the AppHost started: the AppHost, the dcp processes that monitor it (DCP runs them detached,
# with --monitor <its pid>), and all their descendants. Recorded as "pid starttime" so a reused PID is not taken
# for one of ours.
stat_field() { # pid field (as numbered in proc(5)); empty if the process is gone
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 0
  awk -v i="$(($2 - 2))" '{ sub(/^.*\) /, ""); print $i }' <<<"$stat"
}
tree_pids() {
  ps -eo pid=,ppid=,args= | awk -v root="$APPHOST_PID" '
    { pid[NR] = $1; ppid[NR] = $2; line[NR] = $0 }
    END {
      mark[root] = 1
      for (i = 1; i <= NR; i++) if (line[i] ~ ("--monitor " root "( |$)")) mark[pid[i]] = 1
      do {
        changed = 0
        for (i = 1; i <= NR; i++) if (!(pid[i] in mark) && (ppid[i] in mark)) { mark[pid[i]] = 1; changed = 1 }
      } while (changed)
      for (p in mark) print p
    }'
}
record_tree() {
  local pid start
  for pid in $(tree_pids); do
    start="$(stat_field "$pid" 22)"
    [ -n "$start" ] && echo "$pid $start"
  done >>"$WORK/tree"
  sort -u -o "$WORK/tree" "$WORK/tree"
}
still_running() { # the recorded processes that are still alive (same PID, same start time)
  [ -f "$WORK/tree" ] || return 0
  local pid start
  while read -r pid start; do
    [ "$(stat_field "$pid" 22)" = "$start" ] && echo "$pid"
  done <"$WORK/tree"
  return 0
}

# stop_all: SIGTERM to the AppHost (it stops what it started), then anything of its tree still there, by PID.
# Prints the seconds the AppHost took to exit and the processes that had to be ended by hand.
stop_all() {
  local t0 left pid
  [ -n "$APPHOST_PID" ] || return 0
  record_tree
  t0="$(date +%s.%N)"
  kill -TERM "$APPHOST_PID" 2>/dev/null || true
  for _ in $(seq 1 300); do kill -0 "$APPHOST_PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$APPHOST_PID" 2>/dev/null || true
  wait "$APPHOST_PID" 2>/dev/null || true
  STOP_SECONDS="$(echo "$(date +%s.%N) - $t0" | bc | xargs printf '%.1f')"
  APPHOST_PID=""
  for _ in $(seq 1 50); do [ -z "$(still_running)" ] && break; sleep 0.2; done
  GONE_SECONDS="$(echo "$(date +%s.%N) - $t0" | bc | xargs printf '%.1f')"
  left="$(still_running)"
  LEFT_BEHIND=""
  for pid in $left; do
    LEFT_BEHIND+="$pid ($( { tr '\0' ' ' </proc/"$pid"/cmdline | cut -c1-120; } 2>/dev/null || true)); "
    kill -TERM "$pid" 2>/dev/null || true
  done
  if [ -n "$left" ]; then
    sleep 2
    for pid in $(still_running); do kill -KILL "$pid" 2>/dev/null || true; done
  fi
}
cleanup() {
  stop_all
  if [ -n "${KEEP_LOGS:-}" ]; then echo "logs in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! command -v wrk >/dev/null; then
  apt-get install -y wrk >/dev/null || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

echo "building (Release)..."
dotnet build "$ROOT/bench/replicas/ReplicaHost/ReplicaHost.csproj" -c Release -v quiet -nologo -clp:ErrorsOnly >/dev/null

PORT_A="$(free_port)"
PORT_B="$(free_port)"
while [ "$PORT_B" = "$PORT_A" ]; do PORT_B="$(free_port)"; done
URL_A="http://127.0.0.1:$PORT_A/rides/ping"
URL_B="http://127.0.0.1:$PORT_B/rides/ping"
HOST_COMMAND="cd bench/replicas/ReplicaHost/bin/Release/net10.0 && dotnet Fleet.ReplicaHost.dll --GatewayAPort $PORT_A --GatewayBPort $PORT_B"

LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "starting the ReplicaHost (gateways on $PORT_A and $PORT_B)..."
T_START="$(date +%s.%N)"
(cd "$HOST_BIN" && exec dotnet Fleet.ReplicaHost.dll --GatewayAPort "$PORT_A" --GatewayBPort "$PORT_B") >"$WORK/apphost.log" 2>&1 &
APPHOST_PID=$!

wait_until_up() { # url
  for _ in $(seq 1 900); do
    kill -0 "$APPHOST_PID" 2>/dev/null || { cat "$WORK/apphost.log" >&2; echo "the ReplicaHost exited" >&2; exit 1; }
    curl -fs -m 2 -o /dev/null "$1" && return 0
    record_tree
    sleep 0.2
  done
  echo "not up: $1" >&2; cat "$WORK/apphost.log" >&2
  exit 1
}
wait_until_up "$URL_A"
wait_until_up "$URL_B"
UP_SECONDS="$(echo "$(date +%s.%N) - $T_START" | bc | xargs printf '%.1f')"
record_tree

# The processes to watch, told apart by the resource name Aspire gives each (OTEL_SERVICE_NAME).
service_of() { tr '\0' '\n' <"/proc/$1/environ" 2>/dev/null | sed -n 's/^OTEL_SERVICE_NAME=//p'; }
exe_of() { tr '\0' '\n' <"/proc/$1/cmdline" 2>/dev/null | head -n1; }
apps_named() { # assembly service: the app processes (not their `dotnet run` wrappers) of that resource
  local pid
  for pid in $(still_running); do
    case "$(exe_of "$pid")" in
      */Fleet."$1"|*/Fleet."$1".dll) [ "$(service_of "$pid")" = "$2" ] && echo "$pid" ;;
    esac
  done
  return 0
}
dcp_pids() { local pid; for pid in $(still_running); do [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dcp ] && echo "$pid"; done; return 0; }

read -r -a REPLICAS_A <<<"$(apps_named TinyBackend tiny-proxied | sort -n | tr '\n' ' ')"
REPLICAS_B=("$(apps_named TinyBackend tiny-1)" "$(apps_named TinyBackend tiny-2)")
GATEWAY_A="$(apps_named BareYarp gateway-a)"
GATEWAY_B="$(apps_named BareYarp gateway-b)"
read -r -a DCP <<<"$(dcp_pids | sort -n | tr '\n' ' ')"
if [ "${#REPLICAS_A[@]}" -ne 2 ] || [ -z "${REPLICAS_B[0]}" ] || [ -z "${REPLICAS_B[1]}" ] || [ -z "$GATEWAY_A" ] || [ -z "$GATEWAY_B" ]; then
  echo "could not find the replica and gateway processes (A: ${REPLICAS_A[*]}; B: ${REPLICAS_B[*]}; gateways: $GATEWAY_A $GATEWAY_B)" >&2
  exit 1
fi
echo "A: replicas ${REPLICAS_A[*]} gateway $GATEWAY_A; B: replicas ${REPLICAS_B[*]} gateway $GATEWAY_B; dcp: ${DCP[*]}"

TICK="$(getconf CLK_TCK)"
ticks() { local sum=0 pid t u; for pid in "$@"; do t="$(stat_field "$pid" 14)"; u="$(stat_field "$pid" 15)"; sum=$((sum + ${t:-0} + ${u:-0})); done; echo "$sum"; }
url_of() { if [ "$1" = A ]; then echo "$URL_A"; else echo "$URL_B"; fi; }

# run CASE THREADS CONNECTIONS SECONDS OUT: wrk output in OUT.txt; CPU ticks in OUT.cpu as
# "replica1 replica2 gateway dcp" (dcp: every dcp process of this AppHost, DCP's proxy among them)
run() {
  local name="$1" threads="$2" connections="$3" seconds="$4" out="$5" r1 r2 gw b1 b2 bg bd
  if [ "$name" = A ]; then r1="${REPLICAS_A[0]}"; r2="${REPLICAS_A[1]}"; gw="$GATEWAY_A"
  else r1="${REPLICAS_B[0]}"; r2="${REPLICAS_B[1]}"; gw="$GATEWAY_B"; fi
  b1="$(ticks "$r1")"; b2="$(ticks "$r2")"; bg="$(ticks "$gw")"; bd="$(ticks "${DCP[@]}")"
  wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency "$(url_of "$name")" >"$out.txt"
  echo "$(($(ticks "$r1") - b1)) $(($(ticks "$r2") - b2)) $(($(ticks "$gw") - bg)) $(($(ticks "${DCP[@]}") - bd))" >"$out.cpu"
}

rps() { awk '/^Requests\/sec:/ { print $2 }' "$1.txt"; }
requests() { awk '/requests in/ { print $1 }' "$1.txt"; }
problems() { awk '/Non-2xx|Socket errors/' "$1.txt" | tr '\n' ' '; }
percentile_ms() { # file-stem percentile; wrk prints 812.00us, 1.21ms or 1.02s
  awk -v p="$2%" '$1 == p {
    v = $2
    if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v) }
    else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 }
    printf "%.3f", v
  }' "$1.txt"
}
busier_share() { awk '{ s = $1 + $2; printf "%.1f", s ? 100 * ($1 > $2 ? $1 : $2) / s : 0 }' "$1.cpu"; }
replica_cpu() { awk -v t="$TICK" '{ printf "%.2f/%.2f", $1 / t, $2 / t }' "$1.cpu"; } # seconds, each replica
cpu_us() { # file-stem column: µs of CPU per request (column 1+2: both replicas, 3: gateway, 4: dcp)
  awk -v n="$(requests "$1")" -v t="$TICK" -v c="$2" '{ v = (c == "r") ? $1 + $2 : $c; printf "%.1f", v * 1e6 / t / n }' "$1.cpu"
}
stats() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
  m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
  printf "%.6g (%.6g–%.6g)", m, v[1], v[NR] }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.4g", m }'; }
collect() { # kind case function [args]: one value per round
  local kind="$1" name="$2" fn="$3"; shift 3
  for round in $(seq 1 "$ROUNDS"); do "$fn" "$WORK/$kind-$round-$name" "$@"; echo; done
}

# Warm-up: saturated rounds of A then B until each case's throughput is within STEADY_WITHIN of its previous round.
WARMUP_LOG=""
steady=no
for round in $(seq 1 "$MAX_WARMUP_ROUNDS"); do
  line="warm-up $round:"
  for name in "${CASES[@]}"; do
    run "$name" 2 "$CONNECTIONS" "$SECONDS_SATURATED" "$WORK/warmup-$round-$name"
    line+=" $name $(rps "$WORK/warmup-$round-$name") req/s;"
  done
  echo "$line"; WARMUP_LOG+="- $line"$'\n'
  WARMUP_ROUNDS_DONE="$round"
  if [ "$round" -ge "$MIN_WARMUP_ROUNDS" ]; then
    steady=yes
    for name in "${CASES[@]}"; do
      awk -v a="$(rps "$WORK/warmup-$round-$name")" -v b="$(rps "$WORK/warmup-$((round - 1))-$name")" -v w="$STEADY_WITHIN" \
        'BEGIN { d = (a - b) / b; if (d < 0) d = -d; exit !(d < w) }' || steady=no
    done
    [ "$steady" = yes ] && break
  fi
done

LOAD_MEASURE="$(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 1 "$ROUNDS"); do
  echo "round $round/$ROUNDS: saturated ${SECONDS_SATURATED}s, then unloaded ${SECONDS_UNLOADED}s, A then B"
  for name in "${CASES[@]}"; do run "$name" 2 "$CONNECTIONS" "$SECONDS_SATURATED" "$WORK/sat-$round-$name"; done
  for name in "${CASES[@]}"; do run "$name" 1 1 "$SECONDS_UNLOADED" "$WORK/one-$round-$name"; done
done
LOAD_END="$(cut -d' ' -f1-3 /proc/loadavg)"
# Every process still the one found at the start (no copy restarted during the runs)?
RESTARTED=""
for pid in "${REPLICAS_A[@]}" "${REPLICAS_B[@]}" "$GATEWAY_A" "$GATEWAY_B"; do
  grep -q "^$pid " "$WORK/tree" && [ -n "$(still_running | grep -x "$pid")" ] || RESTARTED+="$pid "
done

stop_all
trap - EXIT
STOP_LINE="the ReplicaHost exited ${STOP_SECONDS} s after SIGTERM, every process of its tree ($(wc -l <"$WORK/tree") recorded) was gone ${GONE_SECONDS} s after the SIGTERM (checked for up to 10 s); left behind: ${LEFT_BEHIND:-none}"
echo "$STOP_LINE"

ratio_per_round() { # kind: B's throughput over A's, round by round (each pair ran back to back)
  for round in $(seq 1 "$ROUNDS"); do
    awk -v b="$(rps "$WORK/$1-$round-B")" -v a="$(rps "$WORK/$1-$round-A")" 'BEGIN { printf "%.3f\n", b / a }'
  done
}
p50_diff_per_round() { # A's unloaded p50 minus B's, ms
  for round in $(seq 1 "$ROUNDS"); do
    awk -v a="$(percentile_ms "$WORK/one-$round-A" 50)" -v b="$(percentile_ms "$WORK/one-$round-B" 50)" 'BEGIN { printf "%.3f\n", a - b }'
  done
}
RATIO="$(median $(ratio_per_round sat))"
LABEL_A="A: DCP's proxy, WithReplicas(2)"
LABEL_B="B: two addressed copies, YARP round robin"
label() { if [ "$1" = A ]; then echo "$LABEL_A"; else echo "$LABEL_B"; fi; }

mkdir -p "$RESULTS"
{
  echo "# Replicas: DCP's proxy or each copy addressed — $(date -u '+%F %H:%M UTC')"
  echo
  echo "\`bench/replicas/run.sh $ROUNDS $SECONDS_SATURATED\`. One Aspire AppHost (\`bench/replicas/ReplicaHost\`, Aspire 13.6.5, no"
  echo "dashboard) runs both cases side by side; each has a bare YARP gateway (\`bench/gateway/BareYarp\`: one route,"
  echo "destinations from service discovery, nothing else) on a fixed port, \`isProxied: false\`, in front of two copies"
  echo "of \`bench/gateway/TinyBackend\` (Kestrel answering a 4-byte text):"
  echo
  echo "- **A**: \`AddProject<TinyBackend>(\"tiny-proxied\").WithHttpEndpoint().WithReplicas(2)\`. The gateway gets one"
  echo "  address, \`services__tiny-proxied__http__0\`, DCP's proxy, which picks a copy per connection."
  echo "- **B**: \`tiny-1\` and \`tiny-2\`, each \`WithHttpEndpoint(isProxied: false)\` (as \`AddFleetServiceReplicas\` in"
  echo "  AppHost does). The gateway gets \`services__tiny__http__0\` and \`__1\`; service discovery makes them two YARP"
  echo "  destinations, \`LoadBalancingPolicy: RoundRobin\`."
  echo
  echo "Release builds; wrk, gateways, DCP and the copies share the machine's cores. A warm-up of saturated rounds"
  echo "(A, B) until each case is within $(awk -v w="$STEADY_WITHIN" 'BEGIN { print w * 100 }') % of its previous round, then $ROUNDS rounds, each running A and B"
  echo "saturated, then A and B unloaded. Figures: median over the rounds, spread (min–max) in brackets. \"CPU\" is"
  echo "utime+stime from \`/proc/<pid>/stat\` over the run, of the app processes (not their \`dotnet run\` wrappers);"
  echo "\"busier copy's share\" is the larger of the two copies' CPU over their sum (50 % = even, 100 % = one copy did"
  echo "all the work). \"dcp\" sums every dcp process of this AppHost, DCP's proxy among them."
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
  echo "| load average (1, 5, 15 min) at start / before the measured rounds / at the end | $LOAD_START / $LOAD_MEASURE / $LOAD_END |"
  echo "| commit | $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" status --porcelain -- bench/replicas bench/gateway 2>/dev/null | grep -q . && echo ' + uncommitted changes') |"
  echo
  echo "The machine is shared: other work ran during the measurement (see the load average). Compare A and B"
  echo "within this run — the B/A ratio, taken round by round from runs back to back — not the absolute figures."
  echo
  echo "## Commands"
  echo
  echo '```'
  echo "$HOST_COMMAND"
  for name in "${CASES[@]}"; do
    echo "wrk -t2 -c$CONNECTIONS -d${SECONDS_SATURATED}s --latency $(url_of "$name")   # $name, saturated"
    echo "wrk -t1 -c1 -d${SECONDS_UNLOADED}s --latency $(url_of "$name")   # $name, unloaded"
  done
  echo '```'
  echo
  echo "Both gateways answered ${UP_SECONDS} s after the ReplicaHost was started. Warm-up ($WARMUP_ROUNDS_DONE rounds, steady: $steady):"
  echo
  printf '%s' "$WARMUP_LOG"
  echo
  echo "## Result"
  echo
  echo "- **B/A throughput, saturated: $RATIO** (rounds: $(ratio_per_round sat | paste -sd' '))"
  echo "- B/A throughput, unloaded: $(median $(ratio_per_round one)) (rounds: $(ratio_per_round one | paste -sd' '))"
  echo "- unloaded p50, A minus B: $(median $(p50_diff_per_round)) ms (rounds: $(p50_diff_per_round | paste -sd' '))"
  echo "- busier copy's share of the CPU, saturated: A $(stats $(collect sat A busier_share)) %, B $(stats $(collect sat B busier_share)) %"
  echo
  echo "## Saturated (wrk -t2 -c$CONNECTIONS, ${SECONDS_SATURATED} s)"
  echo
  echo "| case | requests/s | p50 (ms) | p99 (ms) | busier copy's share of CPU (%) | CPU µs/request: copies | gateway | dcp |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  for name in "${CASES[@]}"; do
    echo "| $(label "$name") | $(stats $(collect sat "$name" rps)) | $(stats $(collect sat "$name" percentile_ms 50)) | $(stats $(collect sat "$name" percentile_ms 99)) | $(stats $(collect sat "$name" busier_share)) | $(stats $(collect sat "$name" cpu_us r)) | $(stats $(collect sat "$name" cpu_us 3)) | $(stats $(collect sat "$name" cpu_us 4)) |"
  done
  echo
  echo "## Unloaded (wrk -t1 -c1, ${SECONDS_UNLOADED} s)"
  echo
  echo "| case | requests/s | p50 (ms) | p99 (ms) | busier copy's share of CPU (%) |"
  echo "|---|---:|---:|---:|---:|"
  for name in "${CASES[@]}"; do
    echo "| $(label "$name") | $(stats $(collect one "$name" rps)) | $(stats $(collect one "$name" percentile_ms 50)) | $(stats $(collect one "$name" percentile_ms 99)) | $(stats $(collect one "$name" busier_share)) |"
  done
  echo
  echo "## Every run"
  echo
  echo "| round | load | case | requests/s | p50 (ms) | p99 (ms) | CPU s, copy 1 / copy 2 | busier share (%) | errors |"
  echo "|---:|---|---|---:|---:|---:|---:|---:|---|"
  for round in $(seq 1 "$ROUNDS"); do
    for kind in sat one; do
      for name in "${CASES[@]}"; do
        f="$WORK/$kind-$round-$name"
        echo "| $round | $([ "$kind" = sat ] && echo "-c$CONNECTIONS" || echo "-c1") | $name | $(rps "$f") | $(percentile_ms "$f" 50) | $(percentile_ms "$f" 99) | $(replica_cpu "$f") | $(busier_share "$f") | $(problems "$f") |"
      done
    done
  done
  echo
  echo "Processes: A's copies ${REPLICAS_A[*]}, B's copies ${REPLICAS_B[*]}, gateways $GATEWAY_A (A) and $GATEWAY_B (B);"
  echo "restarted during the runs: ${RESTARTED:-none}. Stop: $STOP_LINE."
  echo
  echo "## Raw wrk output, last round, saturated"
  for name in "${CASES[@]}"; do
    echo
    echo "### $(label "$name")"
    echo
    echo '```'
    cat "$WORK/sat-$ROUNDS-$name.txt"
    echo '```'
  done
} >"$REPORT"

[ -n "${KEEP_LOGS:-}" ] && echo "logs in $WORK" || rm -rf "$WORK"
cat "$REPORT"
echo
echo "written: $REPORT"
