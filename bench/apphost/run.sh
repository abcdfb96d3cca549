#!/usr/bin/env bash
# AppHost: the own orchestrator at its last commit (old) against the AppHost on .NET Aspire (new, this checkout),
# measured alternately in one run on this machine. For each, per run:
#   - start to all-healthy: launch until the "Fleet is ready" line, cold (fresh empty data folder) and warm
#     (the same folder again); GET <gateway>/health must answer 200 at that moment;
#   - idle memory: after the ready line and IDLE_SECONDS (20) of idling, the RSS sum of the AppHost and every
#     process it started;
#   - stop: SIGINT to the AppHost until it and every process it started are gone, and whether any was left.
# "Every process it started" is tracked from /proc by procs.py (descendants, DCP's `--monitor <pid>` processes,
# anything naming the run's data folder). One warm-up round, then RUNS (3) rounds; each round runs old cold,
# new cold, old warm, new warm, and every other round starts with new.
# Writes bench/results/apphost-<date>.md (or $OUT). Needs: git, dotnet, curl, python3, and for the new AppHost Debian's
# postgresql, rabbitmq-server and redis-server.
#   bench/apphost/run.sh                  RUNS=5 IDLE_SECONDS=20 OLD_COMMIT=040cb03 bench/apphost/run.sh
# KEEP_LOGS=<folder> keeps every AppHost's output there (the rest of the run's folder is deleted).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
runs=${RUNS:-3}
idle=${IDLE_SECONDS:-20}
old_commit=${OLD_COMMIT:-040cb03}
ready_timeout=180 # seconds to wait for the ready line
stop_timeout=60   # seconds to wait for everything to be gone after SIGINT

now() { date +%s.%N; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
procs() { python3 "$repo/bench/apphost/procs.py" "$@"; }
say() { echo "[$(date -u +%T)] $*" >&2; }

machine="$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -m | awk '/Mem:/ {printf "%.1f GiB", $2/1024}') memory, kernel $(uname -r)"
load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u '+%Y-%m-%d %H:%M UTC')

# Everything of this run lives in $work: the old checkout, the data folders, the logs. PostgreSQL runs as
# the postgres user, so every folder on the way to a data folder must let others through.
work=$(mktemp -d /tmp/fleet-bench-XXXXXX)
chmod 755 "$work"
pid=""       # the AppHost running now, if any
state=""     # its procs.py state file
data=""      # its data folder
killed=()    # "pid:name (run)" of every process this script had to kill
cleanup() {
  if [[ -n $pid ]]; then
    kill -INT "$pid" 2>/dev/null || true
    stop_leftovers "$(procs wait-gone "$state" "$pid" "$data" "$(now)" 15 | cut -d' ' -f2)" "interrupted"
  fi
  [[ -n ${KEEP_LOGS:-} ]] && mkdir -p "$KEEP_LOGS" && cp "$work"/*.log "$work/runs.tsv" "$KEEP_LOGS"/ 2>/dev/null
  git -C "$repo" worktree remove --force "$work/old" 2>/dev/null || true
  git -C "$repo" worktree prune
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Kills by PID what procs.py reported as still alive ("none" or "pid:name,...").
stop_leftovers() {
  local survivors=$1 what=$2 entry
  [[ $survivors == none ]] && return
  for entry in ${survivors//,/ }; do
    kill -KILL "${entry%%:*}" 2>/dev/null || true
    killed+=("$entry ($what)")
  done
}

# --- build ---------------------------------------------------------------------------------------------------
old_error=""
say "building old ($old_commit) in $work/old"
if ! git worktree add --detach "$work/old" "$old_commit" >"$work/old-worktree.log" 2>&1; then
  old_error="git worktree add $old_commit failed: $(tail -1 "$work/old-worktree.log")"
elif ! (cd "$work/old" && dotnet build Fleet.sln -c Release -nologo -v:q -clp:ErrorsOnly) >"$work/old-build.log" 2>&1; then
  old_error="Release build of $old_commit failed: $(grep -m3 -E 'error' "$work/old-build.log" | tr '\n' ' ')"
fi
say "building new ($(git rev-parse --short HEAD))"
dotnet build Fleet.sln -c Release -nologo -v:q -clp:ErrorsOnly >"$work/new-build.log" 2>&1 \
  || { cat "$work/new-build.log" >&2; echo "the current checkout does not build" >&2; exit 1; }
load_before_runs=$(cut -d' ' -f1-3 /proc/loadavg)

# --- one run ---------------------------------------------------------------------------------------------------
# The commands, as a person would type them (ports and folders are filled in per run).
old_command='cd <old worktree> && dotnet AppHost/bin/Release/net10.0/Fleet.AppHost.dll --DataDirectory <dir> --GatewayPort <port>'
new_command='cd AppHost && DOTNET_ENVIRONMENT=Development dotnet bin/Release/net10.0/Fleet.AppHost.dll --DataDirectory <dir> --GatewayPort <port> --ASPNETCORE_URLS http://localhost:<free> --ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL http://localhost:<free>'

# A background job of a non-interactive shell starts with SIGINT ignored, and .NET keeps it ignored:
# `env --default-signal=INT` gives the AppHost the Ctrl+C a person's terminal would deliver.
launch() {
  local kind=$1 port=$2 log=$3
  if [[ $kind == old ]]; then
    (cd "$work/old" && exec env --default-signal=INT dotnet AppHost/bin/Release/net10.0/Fleet.AppHost.dll \
      --DataDirectory "$data" --GatewayPort "$port") </dev/null >"$log" 2>&1 &
  else
    (cd "$repo/AppHost" && DOTNET_ENVIRONMENT=Development exec env --default-signal=INT dotnet bin/Release/net10.0/Fleet.AppHost.dll \
      --DataDirectory "$data" --GatewayPort "$port" \
      --ASPNETCORE_URLS "http://localhost:$(free_port)" --ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL "http://localhost:$(free_port)") \
      </dev/null >"$log" 2>&1 &
  fi
  pid=$!
}

# One run of $kind (old|new) on data folder $data; appends a row to $work/runs.tsv:
# round kind phase start_s reported_s health rss_kib processes stop_s left_behind last_to_exit top_rss
run_once() {
  local round=$1 kind=$2 phase=$3 port log t0 t1 reported health rss n top tint stop left last
  port=$(free_port)
  log="$work/$kind-$phase-$round.log"
  state="$work/$kind-$phase-$round.procs.json"
  : >"$log"
  t0=$(now)
  launch "$kind" "$port" "$log"
  until grep -q 'Fleet is ready' "$log"; do
    if ! kill -0 "$pid" 2>/dev/null || (($(date +%s) - ${t0%.*} > ready_timeout)); then
      say "$kind $phase: no ready line; last lines of $log:"; tail -20 "$log" >&2
      kill -INT "$pid" 2>/dev/null || true
      stop_leftovers "$(procs wait-gone "$state" "$pid" "$data" "$(now)" "$stop_timeout" | cut -d' ' -f2)" "$kind $phase $round, failed start"
      wait "$pid" 2>/dev/null || true
      pid=""
      printf '%s\t%s\t%s\tfailed\t-\t-\t-\t-\t-\t-\t-\t%s\n' "$round" "$kind" "$phase" "$(tail -3 "$log" | tr '\t\n' '  ' | cut -c1-300)" >>"$work/runs.tsv"
      return 1
    fi
    sleep 0.05
  done
  t1=$(now)
  health=$(curl -s -o /dev/null -m 5 -w '%{http_code}' "http://localhost:$port/health" || true)
  reported=$(grep -m1 -o 'Fleet is ready in [0-9.]* s' "$log" | grep -o '[0-9.]*' | head -1)
  procs track "$state" "$pid" "$data" >/dev/null
  for ((s = 0; s < idle; s += 5)); do sleep 5; procs track "$state" "$pid" "$data" >/dev/null; done
  read -r rss n top < <(procs rss "$state" "$pid" "$data")
  tint=$(now)
  kill -INT "$pid"
  read -r stop left last < <(procs wait-gone "$state" "$pid" "$data" "$tint" "$stop_timeout")
  stop_leftovers "$left" "$kind $phase $round"
  wait "$pid" 2>/dev/null || true
  pid=""
  printf '%s\t%s\t%s\t%.2f\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$kind" "$phase" "$(echo "$t1 - $t0" | bc)" \
    "$reported" "$health" "$rss" "$n" "$stop" "$left" "$last" "$top" >>"$work/runs.tsv"
  say "$kind $phase $round: ready $(echo "$t1 - $t0" | bc | cut -c1-5) s, health $health, $((rss / 1024)) MiB in $n processes, stop $stop s, left: $left, last: $last"
}

# --- the rounds ------------------------------------------------------------------------------------------------
: >"$work/runs.tsv"
kinds=(new)
[[ -z $old_error ]] && kinds=(old new)
for ((round = 0; round <= runs; round++)); do # round 0 is the warm-up
  order=("${kinds[@]}")
  ((round % 2 == 0)) && ((${#kinds[@]} == 2)) && order=(new old)
  declare -A folder=()
  for kind in "${order[@]}"; do
    folder[$kind]=$(mktemp -d "$work/$kind-data-XXXXXX"); chmod 755 "${folder[$kind]}"
  done
  for phase in cold warm; do
    for kind in "${order[@]}"; do
      data=${folder[$kind]}
      if ! run_once "$round" "$kind" "$phase"; then
        if [[ $kind == old ]]; then
          old_error="the old AppHost did not start ($phase, round $round): $(tail -1 "$work/runs.tsv" | cut -f12)"
          kinds=(new)
        else
          exit 1
        fi
      fi
    done
  done
  rm -rf "${folder[@]}"
  unset folder
done

# Anything still naming this run's folders (cmdline or environment) was left behind: kill it by PID.
for entry in $(procs scan "$work"); do
  kill -KILL "${entry%%:*}" 2>/dev/null && killed+=("$entry (after the last run)")
done

# --- the report ------------------------------------------------------------------------------------------------
# "median (min–max)" of column $3 over the measured rounds of kind $1, phase $2 (scale: divide by $4).
summary() {
  awk -F'\t' -v k="$1" -v p="$2" -v c="$3" -v d="${4:-1}" '$1 > 0 && $2 == k && $3 == p && $4 != "failed" {print $c / d}' "$work/runs.tsv" |
    sort -g | awk '{a[NR] = $1} END {
      if (NR == 0) { print "–"; exit }
      m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
      printf "%.2f (%.2f–%.2f)", m, a[1], a[NR] }'
}
ratio() { # new/old of two "median (…)" cells
  awk -v n="${1%% *}" -v o="${2%% *}" 'BEGIN { if (o + 0 > 0 && n + 0 > 0) printf "%.2f", n / o; else print "–" }'
}
row() { # label column phase [scale]
  local o n
  o=$(summary old "$3" "$2" "${4:-1}"); n=$(summary new "$3" "$2" "${4:-1}")
  echo "| $1 | $o | $n | $(ratio "$n" "$o") |"
}
count() { awk -F'\t' -v k="$1" -v c="$2" -v v="$3" '$1 > 0 && $2 == k && $c != "failed" && $c '"$4"' v' "$work/runs.tsv" | wc -l; }
measured() { awk -F'\t' -v k="$1" '$1 > 0 && $2 == k && $4 != "failed"' "$work/runs.tsv" | wc -l; }

out=${OUT:-bench/results/apphost-$(date -u +%Y-%m-%d).md}
{
  echo "# AppHost: own orchestrator ($old_commit) against .NET Aspire ($(git rev-parse --short HEAD)) — $started"
  echo
  echo "Machine: $machine. Load average at start: $load_at_start (after the builds: $load_before_runs)."
  echo "One warm-up round, then $runs measured rounds; each round: old cold, new cold, old warm, new warm (every other round new first)."
  echo "Idle memory is read ${idle} s after the ready line. Cells: median (min–max) over the measured runs."
  echo
  [[ -n $old_error ]] && { echo "**The old AppHost could not be measured:** $old_error"; echo; }
  echo "| what | old (own AppHost) | new (Aspire) | new/old |"
  echo "|---|---|---|---|"
  row "cold start to ready, s (launch to the ready line, fresh data folder)" 4 cold
  row "warm start to ready, s (same data folder again)" 4 warm
  row "idle memory after cold start, MiB (RSS sum)" 7 cold 1024
  row "idle memory after warm start, MiB (RSS sum)" 7 warm 1024
  row "processes in that sum" 8 warm
  row "stop after cold start, s (SIGINT until every process is gone)" 9 cold
  row "stop after warm start, s" 9 warm
  echo
  for kind in old new; do
    echo "- $kind: $(measured "$kind") measured runs; /health answered 200 at the ready line in $(count "$kind" 6 200 '==') of them;" \
      "processes left behind after the stop in $(count "$kind" 10 none '!=') of them."
  done
  echo "- Processes this script had to kill by PID: ${killed[*]:-none}."
  echo
  echo "## Commands"
  echo
  echo "- Old build: \`git worktree add --detach <tmp> $old_commit && cd <tmp> && dotnet build Fleet.sln -c Release\`; new build: \`dotnet build Fleet.sln -c Release\`."
  echo "- Old run: \`$old_command\`"
  echo "- New run: \`$new_command\`"
  echo "- Each is started with SIGINT at its default (\`env --default-signal=INT\`), stopped with \`kill -INT <apphost pid>\`; ports come free from the OS per run; data folders are fresh under /tmp and deleted after each round."
  echo "- Rerun: \`bench/apphost/run.sh\` (\`RUNS=\`, \`IDLE_SECONDS=\`, \`OLD_COMMIT=\`)."
  echo
  echo "## Every run"
  echo
  echo "Round 0 is the warm-up. ready: seconds from launch to the ready line (the AppHost's own figure in brackets). last to exit: the processes alive on the last poll before everything was gone."
  echo
  echo "| round | AppHost | start | ready, s | /health | idle RSS, MiB | processes | stop, s | left behind | last to exit | largest RSS |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  awk -F'\t' 'BEGIN { OFS = " | " } {
    rss = $7 ~ /^[0-9]+$/ ? sprintf("%.0f", $7 / 1024) : $7
    print "| " $1, $2, $3, $4 " (" $5 ")", $6, rss, $8, $9, $10, $11, $12 " |" }' "$work/runs.tsv"
} >"$out"
cat "$out"
