#!/usr/bin/env bash
# AppHost start-up: cold (empty data folder: initdb, RabbitMQ's first boot) and warm (same folder again),
# each until the ready line, and the stop after it. Baseline, measured in the same run: one service
# process alone (the gateway, no dependencies) from launch to its first healthy answer.
# Writes bench/results/apphost-startup-<date>.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${RUNS:-3}

dotnet build Fleet.sln -c Release -nologo -v:q -clp:ErrorsOnly >/dev/null
data=$(mktemp -d /tmp/fleet-bench-XXXXXX)
chmod 755 "$data"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
pid=""
cleanup() { [[ -n $pid ]] && kill "$pid" 2>/dev/null || true; rm -rf "$data"; }
trap cleanup EXIT

now() { date +%s.%N; }

# Prints "<seconds to ready> <seconds to stop>" for one AppHost run on $data.
apphost_once() {
  local log=$data/apphost.out start ready stop
  start=$(now)
  dotnet AppHost/bin/Release/net10.0/Fleet.AppHost.dll --DataDirectory "$data/fleet" --GatewayPort "$port" >"$log" 2>&1 &
  pid=$!
  until grep -q "Fleet is ready" "$log"; do
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; echo "AppHost exited before it was ready" >&2; exit 1; }
    sleep 0.05
  done
  ready=$(now)
  kill -TERM "$pid"
  wait "$pid" || true
  pid=""
  stop=$(now)
  printf '%.2f %.2f\n' "$(echo "$ready - $start" | bc)" "$(echo "$stop - $ready" | bc)"
}

baseline_once() {
  local start
  start=$(now)
  ASPNETCORE_URLS="http://127.0.0.1:$port" dotnet Gateway/bin/Release/net10.0/Fleet.Gateway.dll >/dev/null 2>&1 &
  pid=$!
  until curl -fs "http://127.0.0.1:$port/alive" >/dev/null; do sleep 0.02; done
  printf '%.3f\n' "$(echo "$(now) - $start" | bc)"
  kill -TERM "$pid"; wait "$pid" || true; pid=""
}

median() { sort -n | awk '{a[NR]=$1} END {printf "%.2f\n", (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

baselines=(); colds=(); cold_stops=(); warms=(); warm_stops=()
for ((i = 0; i < runs; i++)); do
  baselines+=("$(baseline_once)")
  rm -rf "$data/fleet"
  read -r ready stop < <(apphost_once); colds+=("$ready"); cold_stops+=("$stop")
  read -r ready stop < <(apphost_once); warms+=("$ready"); warm_stops+=("$stop")
done

baseline=$(printf '%s\n' "${baselines[@]}" | median)
cold=$(printf '%s\n' "${colds[@]}" | median)
warm=$(printf '%s\n' "${warms[@]}" | median)
cold_stop=$(printf '%s\n' "${cold_stops[@]}" | median)
warm_stop=$(printf '%s\n' "${warm_stops[@]}" | median)
leftovers=$(pgrep -f "$data" || true)

out=bench/results/apphost-startup-$(date -u +%Y-%m-%d).md
cat >"$out" <<REPORT
# AppHost start-up — $(date -u '+%Y-%m-%d %H:%M UTC')

Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r)
Runs: $runs (medians below; every run listed at the end)

| what | seconds | × baseline |
|---|---|---|
| baseline: one service alone, launch to healthy | $baseline | 1.0 |
| cold start to ready (empty data folder) | $cold | $(echo "scale=1; $cold / $baseline" | bc) |
| warm start to ready (data folder kept) | $warm | $(echo "scale=1; $warm / $baseline" | bc) |
| stop after cold start (Ctrl+C to exit) | $cold_stop | |
| stop after warm start | $warm_stop | |

Processes left behind after the last stop: ${leftovers:-none}

Raw: baseline ${baselines[*]}; cold ${colds[*]}; warm ${warms[*]}; stops ${cold_stops[*]} / ${warm_stops[*]}

Rerun: \`bench/apphost/run.sh\` (RUNS=n for more runs).
REPORT
cat "$out"
