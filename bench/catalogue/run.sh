#!/usr/bin/env bash
# The provider-events job's time to take in a document of 5,000 plans x 100 zones, on the whole system as ./fleet run
# starts it (Release, Development settings, two SchedulerService replicas), the provider being a plain HTTP server.
# Beside it, in the same run: the time to download the same document from the same server (what the job cannot go under).
# Runs alternate two documents whose prices all differ, so that every run changes every plan; the first is a warm-up.
# Each run is a POST /jobs/provider-events/run; its time is what job_runs records (start to end).
# Then the search index at scale: 2,000,000 more plans inserted straight into scheduler.plans, and a month's search
# (EXPLAIN ANALYZE in PostgreSQL, and uncached through the gateway) beside the same search before they were added.
# Writes bench/results/catalogue-<date>.md. Usage: bench/catalogue/run.sh [rounds, default 3]
set -euo pipefail

ROUNDS="${1:-3}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
REPORT="$ROOT/bench/results/catalogue-$(date -u +%F).md"
WORK="$(mktemp -d)"; chmod 755 "$WORK"
PIDS=()
APPHOST_PID=""
cleanup() {
  [ -n "$APPHOST_PID" ] && { kill -TERM "$APPHOST_PID" 2>/dev/null || true; wait "$APPHOST_PID" 2>/dev/null || true; }
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  if [ -n "${KEEP_LOGS:-}" ]; then echo "logs in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT INT TERM
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

echo "building (Release) and writing the documents..."
dotnet build "$ROOT/Fleet.sln" -c Release -v quiet -nologo >/dev/null
mkdir -p "$WORK/feed"
python3 "$ROOT/bench/catalogue/make_document.py" 5000 100 0 "$WORK/a.xml"
python3 "$ROOT/bench/catalogue/make_document.py" 5000 100 1 "$WORK/b.xml"
cp "$WORK/a.xml" "$WORK/feed/events.xml"
FEED_PORT="$(free_port)"
(cd "$WORK/feed" && exec python3 -m http.server "$FEED_PORT" --bind 127.0.0.1) >"$WORK/feed.log" 2>&1 &
PIDS+=("$!")

GATEWAY_PORT="$(free_port)"
GATEWAY="http://127.0.0.1:$GATEWAY_PORT"
# Services inherit the AppHost's environment: the job runs only when asked (and once at start, catching up).
(cd "$ROOT/AppHost" && exec env DOTNET_ENVIRONMENT=Development Scheduler__Jobs__provider-events__Cron="0 0 1 1 *" \
    dotnet bin/Release/net10.0/Fleet.AppHost.dll \
    --DataDirectory "$WORK/data" --GatewayPort "$GATEWAY_PORT" --ASPNETCORE_URLS "http://127.0.0.1:$(free_port)" \
    --ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL "http://127.0.0.1:$(free_port)" \
    --Provider:Url "http://127.0.0.1:$FEED_PORT/events.xml") >"$WORK/apphost.log" 2>&1 &
APPHOST_PID=$!
for _ in $(seq 1 180); do grep -q "Fleet is ready" "$WORK/apphost.log" && break; sleep 1; done
grep -q "Fleet is ready" "$WORK/apphost.log" || { echo "the system did not start" >&2; KEEP_LOGS=1; exit 1; }

secret() { python3 -c "import json; print(json.load(open('$WORK/data/secrets.json'))['$1'])"; }
TOKEN="$(curl -fs -u "fleet-cli:$(secret fleet-cli-client-secret)" -d grant_type=password -d username=admin \
  --data-urlencode "password=$(secret admin-password)" -d scope=jobs:admin "$GATEWAY/auth/connect/token" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')"

run_job() { # -> seconds the run took, as job_runs says
  local id
  for _ in $(seq 1 600); do # the catch-up run at start may still hold the job
    id="$(curl -s -X POST -H "Authorization: Bearer $TOKEN" "$GATEWAY/jobs/provider-events/run" \
      | python3 -c 'import json,sys; print(json.load(sys.stdin).get("run_id",""))' 2>/dev/null || true)"
    [ -n "$id" ] && break
    sleep 1
  done
  for _ in $(seq 1 600); do
    local answer
    answer="$(curl -fs -H "Authorization: Bearer $TOKEN" "$GATEWAY/jobs/provider-events/runs" | python3 -c "
import json, sys, datetime
run = next(r for r in json.load(sys.stdin) if r['id'] == '$id')
if run['outcome'] != 'running':
    t = lambda s: datetime.datetime.fromisoformat(s)
    print(run['outcome'], run['items'], (t(run['ended_at']) - t(run['started_at'])).total_seconds())")"
    if [ -n "$answer" ]; then
      read -r outcome items seconds <<<"$answer"
      [ "$outcome" = succeeded ] || { echo "run $id: $answer" >&2; KEEP_LOGS=1; exit 1; }
      echo "$seconds"
      return
    fi
    sleep 0.5
  done
  echo "run $id did not finish" >&2; exit 1
}

download() { curl -fs -o /dev/null -w '%{time_total}' "http://127.0.0.1:$FEED_PORT/events.xml"; }

echo "warm-up..."
cp "$WORK/b.xml" "$WORK/feed/events.xml"; run_job >/dev/null; download >/dev/null
: >"$WORK/figures"
for round in $(seq 1 "$ROUNDS"); do
  if (( round % 2 == 1 )); then cp "$WORK/a.xml" "$WORK/feed/events.xml"; else cp "$WORK/b.xml" "$WORK/feed/events.xml"; fi
  if (( round % 2 == 1 )); then d="$(download)"; j="$(run_job)"; else j="$(run_job)"; d="$(download)"; fi
  echo "round $round: job ${j}s, download ${d}s"
  echo "$j $d" >>"$WORK/figures"
done

# The search index at scale. PostgreSQL's port is in its postmaster.pid; the password in the secrets.
PGPORT="$(sed -n 4p "$(find "$WORK/data/postgres" -name postmaster.pid | head -1)")"
psql_events() { PGPASSWORD="$(secret postgres-password)" psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d eventsdb -qAt "$@"; }
SEARCH_SQL="SELECT id, title, starts_at, ends_at, min_price, max_price FROM scheduler.plans WHERE starts_at >= '2028-03-01' AND starts_at <= '2028-03-31' AND ends_at <= '2028-03-31' ORDER BY starts_at, title"
explain() { psql_events -c "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) $SEARCH_SQL" | python3 "$ROOT/bench/catalogue/plan_summary.py"; }
uncached_search() { # minute: median of 20 searches of the month, each a range not asked before (a cache miss)
  for i in $(seq 1 20); do
    curl -fs -o /dev/null -w '%{time_total}\n' "$GATEWAY/search?starts_at=2028-03-01T00:$1:$(printf %02d "$i")&ends_at=2028-03-31T00:00:00"
  done | sort -n | sed -n 10p
}
read -r small_ms small_rows small_plan <<<"$(explain)"
small_http="$(uncached_search 01)"
echo "inserting 2,000,000 plans..."
psql_events -c "INSERT INTO scheduler.plans (id, base_plan_id, plan_id, title, online, starts_at, ends_at, sold_out, min_price, max_price, zones, first_seen_at, changed_at, in_feed)
  SELECT gen_random_uuid(), 900000000 + g / 5, g, 'Scale event ' || g, true,
         timestamp '2020-01-01' + (g % 3650) * interval '1 day' + (g % 24) * interval '1 hour',
         timestamp '2020-01-01' + (g % 3650) * interval '1 day' + (g % 24) * interval '1 hour' + interval '2 hours',
         false, 10, 50, '[]', now(), now(), true
  FROM generate_series(1, 2000000) AS g; ANALYZE scheduler.plans;"
read -r large_ms large_rows large_plan <<<"$(explain)"
large_http="$(uncached_search 02)" # other ranges: the insert went round the cache
echo "index: $small_ms ms ($small_rows rows) -> $large_ms ms ($large_rows rows); http $small_http -> $large_http"
printf '%s\n' "$small_ms $small_rows $small_http" "$large_ms $large_rows $large_http" "$large_plan" >"$WORK/index"

python3 - "$REPORT" "$WORK/figures" "$(stat -c %s "$WORK/a.xml")" "$ROUNDS" "$WORK/index" <<'PY'
import sys, statistics, os, datetime
report, figures, size, rounds, index = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
small, large, plan = [l.strip() for l in open(index)][:3]
(sms, srows, shttp), (lms, lrows, lhttp) = small.split(), large.split()
rows = [tuple(map(float, l.split())) for l in open(figures)]
job, dl = [r[0] for r in rows], [r[1] for r in rows]
cell = lambda xs: f"{statistics.median(xs):.2f} ({min(xs):.2f}–{max(xs):.2f})"
text = f"""# Provider-events job: a document of 5,000 plans × 100 zones — {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC

Machine: {os.cpu_count()} cores, load average at the end {' '.join(open('/proc/loadavg').read().split()[:3])}. `bench/catalogue/run.sh {rounds}`:
the whole system (Release, Development settings, two SchedulerService replicas), the provider a plain HTTP server on this
machine serving a {size / 1e6:.1f} MB document. Each round swaps in a document whose prices all differ, so every run changes
all 5,000 plans (parse, COPY, upsert, cache invalidation); one warm-up run first. Job time is what `job_runs` records.
Cells: median (min–max) over {len(rows)} rounds.

| | seconds |
|---|---|
| job run: fetch, parse, apply 5,000 changed plans, invalidate | {cell(job)} |
| baseline: downloading the document alone (curl, same server) | {cell(dl)} |

A month's search (plans of March 2028), before and after 2,000,000 more plans (ten years of them) were inserted
straight into `scheduler.plans`: PostgreSQL's execution time (EXPLAIN ANALYZE) and the median of 20 uncached
searches through the gateway (each a range not asked before).

| catalogue | plans found | PostgreSQL, ms | through the gateway, uncached, s |
|---|---|---|---|
| 5,000 plans | {srows} | {sms} | {shttp} |
| 2,005,000 plans | {lrows} | {lms} | {lhttp} |

Plan at 2,005,000: {plan}.

Rerun: `bench/catalogue/run.sh [rounds]`.
"""
open(report, "w").write(text)
print(text)
PY
