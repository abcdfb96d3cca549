#!/usr/bin/env bash
# The token server: the hand-written one at its last commit (OLD_REV) against the OpenIddict one (this tree), each as
# the whole system started by its own AppHost, ROUNDS rounds alternating which goes first. In every start:
#   1. tokens per second, client_credentials (xrides, 16 connections) and password (the seeded admin through fleet-cli,
#      4 connections: one source may have 5 password checks of one account under way), straight at AuthService;
#   2. the same through a gateway with its rate limiter off (the gateway's cost), and through one with the limits as
#      shipped (anonymous /auth: 20 requests/s per IP, burst 50 — the path a user takes; only 2xx answers are counted);
#   3. the gateway's token check on a route to a tiny backend: the route anonymous (baseline), one token presented on
#      every request (validated once, then cached), and a fresh token on every request (an ES256 check each time,
#      5 seconds, with at least 90,000 tokens this server issued in 1 and after it).
# Usage: bench/auth/run.sh [ROUNDS]   (DURATION=10s per measurement, OLD_REV=fc29149)
# Writes bench/results/tokens-<date>-<time>.md; the ratio OpenIddict ÷ hand-written of each round is the figure.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
ROUNDS=${1:-3}
DURATION=${DURATION:-10s}
OLD_REV=${OLD_REV:-fc29149}
command -v wrk >/dev/null || { apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }; }

WORK=$(mktemp -d /tmp/fleet-bench-tokens-XXXXXX); chmod 755 "$WORK"
PIDS=(); BACKEND_PID=""
stop_all() { for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done; PIDS=(); }
cleanup() {
  stop_all
  [[ -n $BACKEND_PID ]] && { kill -TERM "$BACKEND_PID" 2>/dev/null || true; wait "$BACKEND_PID" 2>/dev/null || true; }
  git worktree remove --force "$WORK/old" 2>/dev/null || true; rm -rf "$WORK"
}
trap cleanup EXIT

echo "building this tree and $OLD_REV" >&2
git worktree add --detach "$WORK/old" "$OLD_REV" >/dev/null 2>&1
dotnet build Fleet.sln -c Release -nologo -v:q -clp:ErrorsOnly >/dev/null
dotnet build bench/gateway/TinyBackend -c Release -nologo -v:q -clp:ErrorsOnly >/dev/null
(cd "$WORK/old" && dotnet build AppHost -c Release -nologo -v:q -clp:ErrorsOnly >/dev/null)
declare -A TREE=([handwritten]="$WORK/old" [openiddict]="$ROOT")

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 1 300); do curl -fs -o /dev/null "$1" && return 0; sleep 0.1; done; echo "$1 did not come up" >&2; exit 1; }
# The port a process listens on: AuthService's own address, not the gateway's.
port_of() { ss -ltnpH | grep "pid=$1," | awk '{print $4}' | sed 's/.*://' | head -1; }

BACKEND="http://127.0.0.1:$(free_port)"
(cd bench/gateway/TinyBackend/bin/Release/net10.0 && ASPNETCORE_URLS="$BACKEND" ASPNETCORE_ENVIRONMENT=Production exec dotnet Fleet.TinyBackend.dll) >"$WORK/backend.log" 2>&1 &
BACKEND_PID=$!
wait_up "$BACKEND/rides/ping"

start_system() { # variant
  local data="$WORK/$1-data" gateway_port
  rm -rf "$data"; gateway_port=$(free_port)
  (cd "${TREE[$1]}/AppHost" && DOTNET_ENVIRONMENT=Development Gateway__RateLimits__Enabled=false exec dotnet bin/Release/net10.0/Fleet.AppHost.dll \
    --DataDirectory "$data" --GatewayPort "$gateway_port" \
    --ASPNETCORE_URLS "http://localhost:$(free_port)" --ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL "http://localhost:$(free_port)") >"$WORK/$1-apphost.log" 2>&1 &
  PIDS+=($!)
  until grep -q "Fleet is ready" "$WORK/$1-apphost.log"; do
    grep -q "Unhandled exception" "$WORK/$1-apphost.log" && { cat "$WORK/$1-apphost.log" >&2; exit 1; }
    sleep 0.5
  done
  SYSTEM_GATEWAY="http://localhost:$gateway_port"
  local auth_pid; auth_pid=$(pgrep -f "${TREE[$1]}/AuthService/bin/Release/net10.0/Fleet.AuthService" | head -1)
  AUTH="http://127.0.0.1:$(port_of "$auth_pid")"
  SECRETS="$data/secrets.json"
}

start_gateway() { # url policy rate-limits-enabled
  (cd Gateway/bin/Release/net10.0 && ASPNETCORE_URLS="$1" ASPNETCORE_ENVIRONMENT=Production \
    services__ingest__http__0="$BACKEND" services__auth__http__0="$AUTH" Auth__Issuer="$ISSUER" \
    ReverseProxy__Routes__rides__AuthorizationPolicy="$2" Gateway__RateLimits__Enabled="$3" \
    exec dotnet Fleet.Gateway.dll) >"$WORK/gateway-$(basename "$1").log" 2>&1 &
  PIDS+=($!)
}

rate() { grep 'Requests/sec' <<<"$1" | awk '{print $2}'; }
ok_rate() { # requests/s that were 2xx
  python3 - "$1" <<'PY'
import re, sys
text = sys.argv[1]
total = int(re.search(r'(\d+) requests in', text).group(1))
bad = re.search(r'Non-2xx or 3xx responses: (\d+)', text)
seconds = float(re.search(r'requests in ([\d.]+)(m?s)', text).group(1)) / (1000 if re.search(r'requests in [\d.]+ms', text) else 1)
print(f"{(total - (int(bad.group(1)) if bad else 0)) / seconds:.1f}")
PY
}
run() { wrk -t2 -c"$1" -d"$DURATION" --latency "${@:2}"; }
record() { echo -e "$ROUND\t$VARIANT\t$1\t$2" >>"$WORK/figures.tsv"; echo "  $VARIANT $1: $2" >&2; }

measure() { # variant
  VARIANT=$1
  start_system "$1"
  ISSUER="$SYSTEM_GATEWAY/auth"
  local xrides admin cli
  xrides=$(python3 -c "import json;print(json.load(open('$SECRETS'))['xrides-client-secret'])")
  admin=$(python3 -c "import json;print(json.load(open('$SECRETS'))['admin-password'])")
  cli=$(python3 -c "import json;print(json.load(open('$SECRETS'))['fleet-cli-client-secret'])")
  local enc_admin; enc_admin=$(python3 -c "import urllib.parse,sys;print(urllib.parse.quote(sys.argv[1], safe=''))" "$admin")
  cat >"$WORK/cc.lua" <<LUA
wrk.method = "POST"
wrk.body = "grant_type=client_credentials&scope=rides%3Aread"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic $(printf 'xrides:%s' "$xrides" | base64 -w0)"
LUA
  cat >"$WORK/password.lua" <<LUA
wrk.method = "POST"
wrk.body = "grant_type=password&username=admin&password=$enc_admin&scope=rides%3Aread"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic $(printf 'fleet-cli:%s' "$cli" | base64 -w0)"
LUA
  # The client_credentials run keeps every token it gets: the fresh tokens of part 3.
  cat "$WORK/cc.lua" - >"$WORK/cc-keep.lua" <<'LUA'
local threads = 0
function setup(thread) threads = threads + 1; thread:set("tid", threads) end
function init(args) out = io.open(os.getenv("TOKENS") .. "." .. tid, "w") end
function response(status, headers, body)
  local token = body:match('"access_token"%s*:%s*"([^"]+)"')
  if token then out:write(token, "\n") end
end
LUA

  local LIMITED OPEN CHECKED
  LIMITED="http://127.0.0.1:$(free_port)"; OPEN="http://127.0.0.1:$(free_port)"; CHECKED="http://127.0.0.1:$(free_port)"
  start_gateway "$LIMITED" rides:read true
  start_gateway "$OPEN" Anonymous false
  start_gateway "$CHECKED" rides:read false
  wait_up "$OPEN/rides/ping"; wait_up "$AUTH/alive"; sleep 1

  # Warm up until steady: 5-second client_credentials runs, at least 12 of them (JIT tiering took both servers 40 to 60
  # seconds of load to reach their rate, rising by 3 to 4 times, with false plateaus on the way), then until two in a
  # row agree within 5 %, at most 24; then a password run.
  local previous=0 current run
  for run in $(seq 1 24); do
    current=$(rate "$(wrk -t2 -c16 -d5s -s "$WORK/cc.lua" "$AUTH/auth/connect/token")")
    (( run >= 12 )) && python3 -c "import sys; sys.exit(0 if $previous > 0 and abs($current - $previous) / $previous < 0.05 else 1)" && break
    previous=$current
  done
  echo "  $VARIANT warmed up in $run runs of 5 s, last $current/s" >&2
  wrk -t2 -c4 -d3s -s "$WORK/password.lua" "$AUTH/auth/connect/token" >/dev/null
  rm -f "$WORK"/tokens.*
  local out
  out=$(TOKENS="$WORK/tokens" run 16 -s "$WORK/cc-keep.lua" "$AUTH/auth/connect/token"); record "client_credentials, straight" "$(ok_rate "$out")"
  out=$(run 4 -s "$WORK/password.lua" "$AUTH/auth/connect/token"); record "password, straight" "$(ok_rate "$out")"
  out=$(run 16 -s "$WORK/cc.lua" "$SYSTEM_GATEWAY/auth/connect/token"); record "client_credentials, gateway (limits off)" "$(ok_rate "$out")"
  out=$(run 4 -s "$WORK/password.lua" "$SYSTEM_GATEWAY/auth/connect/token"); record "password, gateway (limits off)" "$(ok_rate "$out")"
  out=$(run 16 -s "$WORK/cc.lua" "$LIMITED/auth/connect/token"); record "client_credentials, gateway (limits as shipped)" "$(ok_rate "$out")"
  out=$(run 4 -s "$WORK/password.lua" "$LIMITED/auth/connect/token"); record "password, gateway (limits as shipped)" "$(ok_rate "$out")"

  # Enough fresh tokens that none repeats in the fresh-token run: more client_credentials, 10 seconds at a time.
  for _ in $(seq 1 6); do
    (( $(cat "$WORK"/tokens.* | wc -l) >= 90000 )) && break
    TOKENS="$WORK/more-$RANDOM" wrk -t2 -c16 -d10s -s "$WORK/cc-keep.lua" "$AUTH/auth/connect/token" >/dev/null
    cat "$WORK"/more-*.* >>"$WORK/tokens.0" 2>/dev/null || true; rm -f "$WORK"/more-*
  done
  # Whole ES256 tokens only: a file wrk did not close may end in half a line.
  cat "$WORK"/tokens.* | grep -E '^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{86}$' | shuf >"$WORK/fresh.txt"
  local token; token=$(head -1 "$WORK/fresh.txt")
  curl -fs -o /dev/null -H "Authorization: Bearer $token" "$CHECKED/rides/ping" || { echo "the gateway refused a token of $VARIANT" >&2; exit 1; }
  [[ $(curl -s -o /dev/null -w '%{http_code}' "$CHECKED/rides/ping") == 401 ]] || { echo "the checked route let a call without a token through" >&2; exit 1; }
  cat >"$WORK/fresh.lua" <<LUA
local tokens, next, threads = {}, 1, 0
function setup(thread) threads = threads + 1; thread:set("tid", threads) end
function init(args)
  local i = 0
  for line in io.lines("$WORK/fresh.txt") do i = i + 1; if i % 2 == tid - 1 then tokens[#tokens + 1] = line end end
end
function request()
  local token = tokens[next]; next = next + 1; if next > #tokens then next = 1 end
  return wrk.format("GET", "/rides/ping", { ["Authorization"] = "Bearer " .. token })
end
LUA
  run 64 -d3s "$OPEN/rides/ping" >/dev/null; run 64 -d3s -H "Authorization: Bearer $token" "$CHECKED/rides/ping" >/dev/null
  out=$(run 64 "$OPEN/rides/ping"); record "gateway check: route anonymous (baseline)" "$(ok_rate "$out")"
  out=$(run 64 -H "Authorization: Bearer $token" "$CHECKED/rides/ping"); record "gateway check: one token, cached" "$(ok_rate "$out")"
  out=$(wrk -t2 -c64 -d5s --latency -s "$WORK/fresh.lua" "$CHECKED/rides/ping"); record "gateway check: a fresh token each request" "$(ok_rate "$out")"
  local issued sent; issued=$(wc -l <"$WORK/fresh.txt"); sent=$(grep -oE '[0-9]+ requests in' <<<"$out" | awk '{print $1}')
  record "gateway check: fresh tokens issued / requests sent" "$(python3 -c "print(round($issued/$sent, 2))")"
  stop_all
}

rm -f "$WORK/figures.tsv"
for ROUND in $(seq 1 "$ROUNDS"); do
  echo "round $ROUND" >&2
  if (( ROUND % 2 )); then measure handwritten; measure openiddict; else measure openiddict; measure handwritten; fi
done

OUT="bench/results/tokens-$(date -u +%F-%H%M).md" # a second run the same day keeps the first
python3 - "$WORK/figures.tsv" "$OUT" "$OLD_REV" "$ROUNDS" "$DURATION" <<'PY'
import statistics, subprocess, sys, collections, datetime, os
path, out, old, rounds, duration = sys.argv[1:]
rows = collections.OrderedDict()
for line in open(path):
    r, variant, case, value = line.rstrip("\n").split("\t")
    rows.setdefault(case, {}).setdefault(variant, {})[int(r)] = float(value)
# The gateway check as a share of the same system's anonymous route: the same gateway in both, so this takes out
# what else made one start of the machine faster than another.
baseline = rows.get("gateway check: route anonymous (baseline)", {})
for case in ["gateway check: one token, cached", "gateway check: a fresh token each request"]:
    for variant, by_round in list(rows.get(case, {}).items()):
        for r, value in by_round.items():
            if baseline.get(variant, {}).get(r):
                rows.setdefault(f"{case}, ÷ route anonymous", {}).setdefault(variant, {})[r] = value / baseline[variant][r]
def spread(values):
    f = ",.0f" if max(values) >= 10 else ".2f"
    return f"{statistics.median(values):{f}} ({min(values):{f}}–{max(values):{f}})"
cpu = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
mem = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30)
lines = [f"# The token server: hand-written ({old}) against OpenIddict — {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC", "",
         f"Machine: {os.cpu_count()} cores, {cpu}, {mem} GiB. {rounds} rounds, alternating which server goes first; wrk -t2, {duration} per",
         "measurement after a warm-up (client_credentials for at least 60 s, then until two 5-second runs agree within 5 %);",
         "Release builds; each server as the whole system started by its own AppHost.",
         "Figures are requests/s answered 2xx: median (min–max) of the rounds. The ratio is OpenIddict ÷ hand-written within each round.", "",
         "| measurement | hand-written | OpenIddict | ratio (median, min–max) |", "|---|---:|---:|---:|"]
for case, by in rows.items():
    old_v, new_v = by.get("handwritten", {}), by.get("openiddict", {})
    ratios = [new_v[r] / old_v[r] for r in old_v if r in new_v and old_v[r]]
    ratio = f"{statistics.median(ratios):.2f} ({min(ratios):.2f}–{max(ratios):.2f})" if ratios else ""
    if case.startswith("gateway check: fresh tokens issued"):
        lines.append(f"| {case} | {statistics.median(old_v.values()):.2f} | {statistics.median(new_v.values()):.2f} | |")
    else:
        lines.append(f"| {case} | {spread(list(old_v.values()))} | {spread(list(new_v.values()))} | {ratio} |")
lines += ["", "- Straight: at AuthService's own address. Gateway (limits off): the system's gateway, rate limiter off.",
          "- Gateway (limits as shipped): anonymous calls to /auth may make 20 requests/s per IP (burst 50); every run here comes",
          "  from one IP, so both servers are held to the limit and the figure is the limit, not the server.",
          "- Password grants are bound by the PBKDF2 hash of the user's password (ASP.NET Core Identity, the same in both).",
          "- Gateway check: the gateway in front of a tiny backend; its token cache answers a token it validated before, so",
          "  'one token' is the cached path and 'a fresh token each request' the uncached one (if fewer tokens were issued",
          "  than requests sent, the ratio in the 'issued / requests sent' row says so: tokens then repeat and some checks are cached).",
          "- '÷ route anonymous': the check's rate as a share of the same start's anonymous route. Both starts run this tree's",
          "  gateway, so the anonymous route differs between them only by how fast that start of the machine was.",
          "", f"Rerun: `bench/auth/run.sh {rounds}` (DURATION, OLD_REV)."]
open(out, "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
