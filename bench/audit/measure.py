#!/usr/bin/env python3
"""The measuring half of bench/audit/run.sh: it expects the system running and GATEWAY, WORK, REPORT, PG* and PGBENCH set."""
import base64, datetime, json, os, platform, random, re, statistics, subprocess, sys, time, urllib.parse, urllib.request, uuid

ROUNDS, SECONDS = int(sys.argv[1]), int(sys.argv[2])
GATEWAY, WORK, REPORT = os.environ["GATEWAY"], os.environ["WORK"], os.environ["REPORT"]
SECRETS = json.load(open(f"{WORK}/data/secrets.json"))
BATCH = 1_000
QUERY_EVENTS = 10_000_000
COLUMNS = "id, occurred_at, received_at, application, environment, category, action, outcome, level, actor_type, actor_id, tags, details, submitted_by"


def psql(sql):
    return subprocess.run(["psql", "-qAtX", "-v", "ON_ERROR_STOP=1", "-c", sql], capture_output=True, text=True, check=True).stdout.strip()


def token():
    form = urllib.parse.urlencode({"grant_type": "password", "username": "admin", "password": SECRETS["admin-password"],
                                   "scope": "audit:write audit:read admin"}).encode()
    request = urllib.request.Request(f"{GATEWAY}/auth/connect/token", data=form)
    basic = base64.b64encode(f"fleet-cli:{urllib.parse.quote(SECRETS['fleet-cli-client-secret'], safe='')}".encode()).decode()
    request.add_header("Authorization", f"Basic {basic}")
    return json.load(urllib.request.urlopen(request))["access_token"]


def wrk(script, url, seconds, connections):
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script, url],
                         capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in out:
        sys.exit(f"answers that were not 2xx:\n{out}")
    requests, elapsed = re.search(r"(\d+) requests in ([\d.]+)(m?s)", out).groups()[:2]
    unit = re.search(r"\d+ requests in [\d.]+(m?s)", out).group(1)
    elapsed = float(elapsed) / (1000 if unit == "ms" else 1)
    percentiles = dict(re.findall(r"^p(\d+) ([\d.]+)$", out, re.M))
    return int(requests), elapsed, {k: float(v) for k, v in percentiles.items()}


LATENCY = """
done = function(summary, latency, requests)
  for _, p in ipairs({50, 95, 99}) do io.write(string.format("p%d %.3f\\n", p, latency:percentile(p) / 1000)) end
end
"""


def write_script(bearer):
    events = [{"occurred_at": datetime.datetime.now(datetime.timezone.utc).isoformat(), "application": "bench",
               "category": f"cat{i % 8}", "action": f"thing.done{i % 20}", "outcome": "success",
               "actor": {"type": "user", "id": f"user-{i % 1000}", "origin": "10.0.0.1"},
               "resource": {"type": "thing", "id": f"t-{i}"}, "tags": {"region": f"r{i % 5}", "plan": "pro"},
               "metrics": {"amount": i * 1.5}, "details": {"n": i, "note": "benchmark event"}} for i in range(BATCH)]
    body = json.dumps(events)
    open(f"{WORK}/events.json", "w").write(body)
    path = f"{WORK}/write.lua"
    open(path, "w").write(f"""
local f = io.open("{WORK}/events.json"); wrk.body = f:read("*a"); f:close()
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {bearer}"
""" + LATENCY)
    return path


def stored_count():
    return int(psql("SELECT count(*) FROM audit.events WHERE application = 'bench'"))


def fleet_write(script):
    before, started = stored_count(), time.monotonic()
    requests, elapsed, latency = wrk(script, f"{GATEWAY}/audit/events", SECONDS, 8)
    accepted = requests * BATCH
    while stored_count() < before + accepted:
        time.sleep(0.2)
    stored_after = time.monotonic() - started
    return {"accepted": accepted / elapsed, "stored": accepted / stored_after, "p99": latency.get("99"), "events": accepted}


def copy_write(events):
    now = datetime.datetime.now(datetime.timezone.utc).isoformat()
    path = f"{WORK}/copy.csv"
    with open(path, "w") as f:
        for i in range(events):
            f.write(f'{uuid.uuid4()},{now},{now},bench-copy,production,cat{i % 8},thing.done{i % 20},success,info,user,user-{i % 1000},'
                    f'"{{""region"": ""r{i % 5}"", ""plan"": ""pro""}}","{{""n"": {i}, ""note"": ""benchmark event""}}",admin,'
                    f'10.0.0.1,thing,t-{i},"{{""amount"": {i * 1.5}}}"\n')
    started = time.monotonic()
    subprocess.run(["psql", "-qX", "-v", "ON_ERROR_STOP=1", "-c",
                    f"\\copy audit.events ({COLUMNS}, actor_origin, resource_type, resource_id, metrics) FROM '{path}' WITH (FORMAT csv)"], check=True)
    return {"copy": events / (time.monotonic() - started)}


def fill_for_queries():
    have = int(psql("SELECT count(*) FROM audit.events WHERE application LIKE 'app%'"))
    chunk = 1_000_000
    for start in range(have, QUERY_EVENTS, chunk):
        print(f"  writing events {start:,}–{min(start + chunk, QUERY_EVENTS):,} of {QUERY_EVENTS:,}", flush=True)
        psql(f"""
            INSERT INTO audit.events ({COLUMNS})
            SELECT gen_random_uuid(), t, t, 'app' || (i % 10), 'production', 'cat' || ((i / 10) % 8), 'action.' || (i % 50),
                   (ARRAY['success','failure','unknown'])[1 + i % 3], 'info', 'user', 'user-' || (i % 10000),
                   jsonb_build_object('region', 'r' || (i % 5)), jsonb_build_object('n', i), 'user-' || (i % 10000)
            FROM generate_series({start}, {min(start + chunk, QUERY_EVENTS) - 1}) i,
                 LATERAL (SELECT date_trunc('hour', now()) - interval '7 days' + i * (interval '7 days' / {QUERY_EVENTS})) w(t)""")
    psql("ANALYZE audit.events")


def query_script(bearer, fixed):
    path = f"{WORK}/query-{'fixed' if fixed else 'moving'}.lua"
    open(path, "w").write(f"""
local base = os.time() - 7 * 24 * 3600
local threads = 0
function setup(thread) thread:set("seed", threads); threads = threads + 1 end
function init() math.randomseed(os.time() + seed * 7919) end
wrk.headers["Authorization"] = "Bearer {bearer}"
function request()
  local h = {"80" if fixed else "math.random(2, 166)"}
  local from = base + h * 3600
  return wrk.format("GET", "/audit/events?from=" .. os.date("!%Y-%m-%dT%H:%M:%SZ", from) .. "&to=" .. os.date("!%Y-%m-%dT%H:%M:%SZ", from + 3600) .. "&application=app3&category=cat5")
end
""" + LATENCY)
    return path


def pgbench(fixed, seconds):
    script = f"{WORK}/query-{'fixed' if fixed else 'moving'}.sql"
    hour = "80" if fixed else "random(2, 166)"
    open(script, "w").write(f"""\\set h {hour}
SELECT {COLUMNS.replace('tags, details', 'tags::text, details::text')} FROM audit.events
WHERE occurred_at >= now() - interval '7 days' + :h * interval '1 hour' AND occurred_at < now() - interval '7 days' + (:h + 1) * interval '1 hour'
  AND application = 'app3' AND category = 'cat5' ORDER BY occurred_at DESC, id DESC LIMIT 101;
""")
    logs = f"{WORK}/pgbench-{time.monotonic_ns()}"
    os.makedirs(logs)
    out = subprocess.run([os.environ["PGBENCH"], "-n", "-c4", "-j2", f"-T{seconds}", "-f", script, "-l", "--log-prefix", f"{logs}/log"],
                         capture_output=True, text=True, check=True, cwd=logs).stdout
    latencies = sorted(int(line.split()[2]) / 1000 for name in os.listdir(logs) for line in open(f"{logs}/{name}"))
    tps = float(re.search(r"tps = ([\d.]+)", out).group(1))
    pick = lambda p: latencies[min(len(latencies) - 1, int(len(latencies) * p / 100))]
    return {"rps": tps, "p50": pick(50), "p95": pick(95), "p99": pick(99)}


def cell(values):
    return f"{statistics.median(values):,.1f} ({min(values):,.1f}–{max(values):,.1f})"


def main():
    bearer = token()
    load = open("/proc/loadavg").read().split()[:3]
    writes = write_script(bearer)
    print("warm-up: writes")
    fleet_write(writes)
    copy_write(20_000)
    fleet_runs, copy_runs = [], []
    for round in range(ROUNDS):
        order = ["fleet", "copy"] if round % 2 == 0 else ["copy", "fleet"]
        for case in order:
            if case == "fleet":
                fleet_runs.append(fleet_write(writes))
                print(f"fleet: accepted {fleet_runs[-1]['accepted']:,.0f}/s, stored {fleet_runs[-1]['stored']:,.0f}/s")
            else:
                copy_runs.append(copy_write(fleet_runs[-1]["events"] if fleet_runs else 100_000))
                print(f"copy: {copy_runs[-1]['copy']:,.0f}/s")
    ratios = [f["stored"] / c["copy"] for f, c in zip(fleet_runs, copy_runs)]

    print("ten million events for the queries...")
    filled = time.monotonic()
    fill_for_queries()
    filled = time.monotonic() - filled
    query_runs = {name: [] for name in ["gateway, a new window each request", "gateway, one window", "pgbench, a new window", "pgbench, one window"]}
    scripts = {False: query_script(bearer, False), True: query_script(bearer, True)}
    print("warm-up: queries")
    wrk(scripts[False], GATEWAY, 5, 4)
    pgbench(False, 5)
    for round in range(ROUNDS):
        for fixed in ([False, True] if round % 2 == 0 else [True, False]):
            requests, elapsed, latency = wrk(scripts[fixed], GATEWAY, SECONDS, 4)
            query_runs[f"gateway, {'one window' if fixed else 'a new window each request'}"].append(
                {"rps": requests / elapsed, "p50": latency["50"], "p95": latency["95"], "p99": latency["99"]})
            query_runs[f"pgbench, {'one window' if fixed else 'a new window'}"].append(pgbench(fixed, SECONDS))
    plan = psql("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT id FROM audit.events WHERE occurred_at >= now() - interval '80 hours' "
                "AND occurred_at < now() - interval '79 hours' AND application = 'app3' AND category = 'cat5' "
                "ORDER BY occurred_at DESC, id DESC LIMIT 101")

    lines = [f"# AuditService under load — {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC", "",
             f"Machine: {os.cpu_count()} cores, {platform.machine()}, load average at the start {load}. `bench/audit/run.sh {ROUNDS} {SECONDS}`:",
             "the whole system (Release, Development settings), through the gateway with the seeded admin's token (its rate limit",
             "raised). Cells: median (min–max) over the rounds, which alternate the order of the cases after a warm-up.", "",
             "## Writes", "",
             f"wrk -t2 -c8 for {SECONDS} s, each request a batch of {BATCH:,} events (the format's example fields, tags, metrics",
             "and details): `accepted` is events answered 202 per second; `stored` is the same events over the time until the last",
             "of them was in PostgreSQL. `COPY` is psql's \\copy of as many events (CSV) straight into `audit.events`: what the",
             "database takes with nothing in front of it.", "",
             "| case | events/s |", "|---|---|",
             f"| accepted through the gateway | {cell([r['accepted'] for r in fleet_runs])} |",
             f"| stored (accepted → in PostgreSQL) | {cell([r['stored'] for r in fleet_runs])} |",
             f"| COPY into audit.events | {cell([r['copy'] for r in copy_runs])} |",
             f"| **stored ÷ COPY** | **{statistics.median(ratios):.2f}** ({min(ratios):.2f}–{max(ratios):.2f}) |", "",
             f"p99 of a 1,000-event POST: {cell([r['p99'] for r in fleet_runs])} ms.", "",
             "## Queries", "",
             f"{QUERY_EVENTS:,} events over the last seven days (written by SQL in {filled:,.0f} s), ten applications, eight categories:",
             "a one-hour window with `application` and `category` (about 740 matches), a page of 100. Through the gateway: wrk -t2",
             f"-c4 for {SECONDS} s. In the database: the same SQL by pgbench -c4. A new window each request touches pages the",
             "last did not (PostgreSQL's buffers mostly miss; the OS may still cache them); one window over and over stays in",
             "PostgreSQL's buffers. The caller is the admin, who sees every event (no tenancy condition).", "",
             "| case | requests/s | p50 ms | p95 ms | p99 ms |", "|---|---|---|---|---|"]
    for name, runs in query_runs.items():
        lines.append(f"| {name} | {cell([r['rps'] for r in runs])} | {cell([r['p50'] for r in runs])} | {cell([r['p95'] for r in runs])} | {cell([r['p99'] for r in runs])} |")
    gateway_p95 = [r["p95"] for r in query_runs["gateway, a new window each request"]]
    database_p95 = [r["p95"] for r in query_runs["pgbench, a new window"]]
    lines += ["", f"p95 through the gateway ÷ p95 in the database, a new window each request: "
              f"**{statistics.median([g / d for g, d in zip(gateway_p95, database_p95)]):.1f}**.", "",
              "The plan of one such query:", "", "```", plan, "```", "", "Rerun: `bench/audit/run.sh [rounds] [seconds]`."]
    open(REPORT, "w").write("\n".join(lines) + "\n")
    print("\n".join(lines))


main()
