#!/usr/bin/env bash
# AuthService and token checks, each against a baseline measured in the same run:
#   1. client_credentials tokens per second from AuthService (through the gateway), against GET of its JWKS (a trivial anonymous route
#      of the same process, so the ratio is what issuing a token costs over serving a request);
#   2. the gateway's cost of validating a token: the same proxied route (a tiny backend) on two gateways, one
#      with the route anonymous, one requiring a valid token, called with a real AuthService token.
# Rate limits are switched off on the gateways: this measures the work, not the limiter.
# Writes bench/results/auth-<date>.md.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
DURATION=${DURATION:-10s}
command -v wrk >/dev/null || { apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }; }

dotnet build Fleet.sln -c Release -nologo -v:q -clp:ErrorsOnly >/dev/null
dotnet build bench/gateway/TinyBackend -c Release -nologo -v:q -clp:ErrorsOnly >/dev/null

WORK=$(mktemp -d /tmp/fleet-bench-auth-XXXXXX); chmod 755 "$WORK"
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 1 200); do curl -fs -o /dev/null "$1" && return 0; sleep 0.05; done; echo "$1 did not come up" >&2; exit 1; }

# The whole system, for a real AuthService with its database, broker and cache. AuthService is reached through
# the system's gateway, whose rate limiter is off (every process the AppHost starts inherits its environment).
GATEWAY_PORT=$(free_port)
(cd AppHost && DOTNET_ENVIRONMENT=Development Gateway__RateLimits__Enabled=false exec dotnet bin/Release/net10.0/Fleet.AppHost.dll \
  --DataDirectory "$WORK/fleet" --GatewayPort "$GATEWAY_PORT" \
  --ASPNETCORE_URLS "http://localhost:$(free_port)" --ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL "http://localhost:$(free_port)") >"$WORK/apphost.log" 2>&1 &
PIDS+=($!)
until grep -q "Fleet is ready" "$WORK/apphost.log"; do
  grep -q "fail:\|Unhandled exception" "$WORK/apphost.log" && { cat "$WORK/apphost.log" >&2; exit 1; }
  sleep 0.2
done
AUTH="http://localhost:$GATEWAY_PORT"
ISSUER="$AUTH/auth"
SECRET=$(python3 -c "import json;print(json.load(open('$WORK/fleet/secrets.json'))['xrides-client-secret'])")
BASIC=$(printf 'xrides:%s' "$SECRET" | base64 -w0)

cat >"$WORK/token.lua" <<LUA
wrk.method = "POST"
wrk.body = "grant_type=client_credentials&scope=rides%3Aread"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic $BASIC"
LUA
TOKEN=$(curl -fs -u "xrides:$SECRET" -d grant_type=client_credentials -d scope=rides:read "$AUTH/auth/connect/token" | python3 -c 'import json,sys;print(json.load(sys.stdin)["access_token"])')

# Two gateways in front of one tiny backend: the route anonymous on one, token-checked on the other.
BACKEND="http://127.0.0.1:$(free_port)"
(cd bench/gateway/TinyBackend/bin/Release/net10.0 && ASPNETCORE_URLS="$BACKEND" ASPNETCORE_ENVIRONMENT=Production exec dotnet Fleet.TinyBackend.dll) >"$WORK/backend.log" 2>&1 &
PIDS+=($!)
start_gateway() { # url policy
  (cd Gateway/bin/Release/net10.0 && ASPNETCORE_URLS="$1" ASPNETCORE_ENVIRONMENT=Production \
    services__ingest__http__0="$BACKEND" services__auth__http__0="$AUTH" Auth__Issuer="$ISSUER" \
    ReverseProxy__Routes__rides__AuthorizationPolicy="$2" Gateway__RateLimits__Enabled=false \
    exec dotnet Fleet.Gateway.dll) >"$WORK/gateway-$2.log" 2>&1 &
  PIDS+=($!)
}
OPEN="http://127.0.0.1:$(free_port)"; CHECKED="http://127.0.0.1:$(free_port)"
start_gateway "$OPEN" Anonymous
start_gateway "$CHECKED" rides:read
wait_up "$BACKEND/rides/ping"; wait_up "$OPEN/rides/ping"
curl -fs -o /dev/null -H "Authorization: Bearer $TOKEN" "$CHECKED/rides/ping" || { echo "token refused by the gateway" >&2; cat "$WORK/gateway-rides:read.log" >&2; exit 1; }
[[ $(curl -s -o /dev/null -w '%{http_code}' "$CHECKED/rides/ping") == 401 ]] || { echo "the checked gateway let a call without a token through" >&2; exit 1; }

rate() { grep 'Requests/sec' <<<"$1" | awk '{print $2}'; }
p50() { grep -E '^ +50%' <<<"$1" | awk '{print $2}'; }
p99() { grep -E '^ +99%' <<<"$1" | awk '{print $2}'; }
run() { wrk -t2 -c"$1" -d"$DURATION" --latency "${@:2}"; }

wrk -t2 -c16 -d3s -s "$WORK/token.lua" "$AUTH/auth/connect/token" >/dev/null   # warm-up
jwks=$(run 16 "$AUTH/auth/.well-known/jwks.json")
tokens=$(run 16 -s "$WORK/token.lua" "$AUTH/auth/connect/token")
run 64 -d3s "$OPEN/rides/ping" >/dev/null; run 64 -d3s -H "Authorization: Bearer $TOKEN" "$CHECKED/rides/ping" >/dev/null
open=$(run 64 "$OPEN/rides/ping")
checked=$(run 64 -H "Authorization: Bearer $TOKEN" "$CHECKED/rides/ping")
errors=$(grep -h "Non-2xx" <<<"$tokens$checked" || true)

ratio() { python3 -c "print(f'{$1/$2*100:.1f} %')"; }
OUT="bench/results/auth-$(date -u +%F).md"
cat >"$OUT" <<REPORT
# AuthService tokens and the gateway's token check — $(date -u '+%F %H:%M UTC')

Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r).
wrk -t2, $DURATION per run after a warm-up; Release builds; Production environment for the gateways and backend,
Development for the AppHost's services. wrk, the services and the servers share the cores.

| run | requests/s | p50 | p99 |
|---|---:|---:|---:|
| baseline: GET /auth/.well-known/jwks.json, AuthService through the gateway (16 conn.) | $(rate "$jwks") | $(p50 "$jwks") | $(p99 "$jwks") |
| POST /auth/connect/token, client_credentials, Basic (16 conn.) | $(rate "$tokens") | $(p50 "$tokens") | $(p99 "$tokens") |
| baseline: gateway, route anonymous (64 conn.) | $(rate "$open") | $(p50 "$open") | $(p99 "$open") |
| gateway, route needs rides:read, valid ES256 token (64 conn.) | $(rate "$checked") | $(p50 "$checked") | $(p99 "$checked") |

- client_credentials tokens per second: **$(rate "$tokens")**, $(ratio "$(rate "$tokens")" "$(rate "$jwks")") of the JWKS baseline
  (each token: client lookup in authdb, secret hash check, ES256 signature, an audit event queued).
- the gateway keeps **$(ratio "$(rate "$checked")" "$(rate "$open")")** of its anonymous throughput when it validates a token on every request.
- non-2xx answers during the runs: ${errors:-none}

Rerun: \`bench/auth/run.sh\` (DURATION=30s for longer runs).
REPORT
cat "$OUT"
