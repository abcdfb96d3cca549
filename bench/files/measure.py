#!/usr/bin/env python3
"""The measuring half of bench/files/run.sh: it expects the system running and GATEWAY, WORK and REPORT set."""
import base64, datetime, json, os, platform, random, re, statistics, subprocess, sys, time, urllib.parse, urllib.request

ROUNDS = int(sys.argv[1])
GATEWAY, WORK, REPORT = os.environ["GATEWAY"], os.environ["WORK"], os.environ["REPORT"]
SECRETS = json.load(open(f"{WORK}/data/secrets.json"))
UPLOAD_MIB, TEXT_MIB = 256, 64
EMAIL = r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24}"


def token():
    form = urllib.parse.urlencode({"grant_type": "password", "username": "admin", "password": SECRETS["admin-password"],
                                   "scope": "files:read files:write"}).encode()
    request = urllib.request.Request(f"{GATEWAY}/auth/connect/token", data=form)
    basic = base64.b64encode(f"fleet-cli:{urllib.parse.quote(SECRETS['fleet-cli-client-secret'], safe='')}".encode()).decode()
    request.add_header("Authorization", f"Basic {basic}")
    return json.load(urllib.request.urlopen(request))["access_token"]


def api(bearer, method, path):
    request = urllib.request.Request(f"{GATEWAY}{path}", method=method)
    request.add_header("Authorization", f"Bearer {bearer}")
    with urllib.request.urlopen(request) as response:
        body = response.read()
        return json.loads(body) if body else None


def upload(bearer, path, name):
    out = subprocess.run(["curl", "-s", "-X", "POST", "-T", path, "-H", f"Authorization: Bearer {bearer}",
                          "-H", "Content-Type: application/octet-stream", "-w", "\n%{http_code} %{time_total}",
                          f"{GATEWAY}/files?name={name}"], capture_output=True, text=True, check=True).stdout
    body, status_time = out.rsplit("\n", 1)
    status, seconds = status_time.split()
    if status != "201":
        sys.exit(f"upload answered {status}: {body}")
    return json.loads(body), float(seconds)


def dd(path):
    started = time.monotonic()
    subprocess.run(["dd", f"if={path}", f"of={WORK}/dd-out", "bs=1M", "conv=fsync", "status=none"], check=True)
    seconds = time.monotonic() - started
    os.remove(f"{WORK}/dd-out")
    return seconds


def make_text(path):
    words = ["fleet", "ride", "driver", "route", "invoice", "depot", "shift", "report", "booking", "city", "night", "fare"]
    rng = random.Random(7)
    with open(path, "w") as f:
        written = 0
        while written < TEXT_MIB << 20:
            line = " ".join(rng.choice(words) for _ in range(14))
            if rng.random() < 0.05:
                line += f" contact {rng.choice(words)}.{rng.randrange(1000)}@example.com"
            if rng.random() < 0.01:
                line += " card 4111 1111 1111 1111"
            f.write(line + "\n")
            written += len(line) + 1


def scan_seconds(bearer, file_id):
    for _ in range(1200):
        scan = api(bearer, "GET", f"/files/{file_id}/scan")
        if scan["status"] != "pending":
            return scan
        time.sleep(0.1)
    sys.exit("the scan did not finish")


def cell(values):
    return f"{statistics.median(values):,.1f} ({min(values):,.1f}–{max(values):,.1f})"


def main():
    bearer = token()
    load = open("/proc/loadavg").read().split()[:3]
    blob = f"{WORK}/upload.bin"
    with open(blob, "wb") as f:
        for _ in range(UPLOAD_MIB):
            f.write(os.urandom(1 << 20))
    text = f"{WORK}/text.txt"
    make_text(text)
    text_mb = os.path.getsize(text) / 1e6
    upload_mb = os.path.getsize(blob) / 1e6

    runs = {"new": [], "again": [], "dd": [], "scan": [], "grep": []}
    for round in range(ROUNDS + 1):
        order = ["fleet", "dd", "scan", "grep"] if round % 2 == 0 else ["grep", "scan", "dd", "fleet"]
        for case in order:
            if case == "fleet":
                first, new = upload(bearer, blob, f"bench-{round}-a.bin")
                second, again = upload(bearer, blob, f"bench-{round}-b.bin")
                api(bearer, "DELETE", f"/files/{first['id']}")
                api(bearer, "DELETE", f"/files/{second['id']}")
                result = {"new": upload_mb / new, "again": upload_mb / again}
            elif case == "dd":
                result = {"dd": upload_mb / dd(blob)}
            elif case == "scan":
                file, _ = upload(bearer, text, f"text-{round}.txt")
                scan = scan_seconds(bearer, file["id"])
                seconds = (datetime.datetime.fromisoformat(scan["scanned_at"]) - datetime.datetime.fromisoformat(file["uploaded_at"])).total_seconds()
                api(bearer, "DELETE", f"/files/{file['id']}")
                result = {"scan": text_mb / seconds}
            else:
                started = time.monotonic()
                subprocess.run(f"grep -oE '{EMAIL}' {text} | wc -l", shell=True, check=True, capture_output=True)
                result = {"grep": text_mb / (time.monotonic() - started)}
            if round > 0:
                for key, value in result.items():
                    runs[key].append(value)
                print(", ".join(f"{k} {v:,.0f} MB/s" for k, v in result.items()), flush=True)

    ratio = lambda a, b: [x / y for x, y in zip(runs[a], runs[b])]
    lines = [f"# FileService: uploads and scans — {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC", "",
             f"Machine: {os.cpu_count()} cores, {platform.machine()}, load average at the start {load}. `bench/files/run.sh {ROUNDS}`:",
             "the whole system (Release, Development settings), through the gateway with the seeded admin's token. Cells: median",
             f"(min–max) over {ROUNDS} rounds, which alternate the order of the cases after a warm-up round.", "",
             "## Uploads", "",
             f"A {UPLOAD_MIB} MiB file of random bytes POSTed raw by curl (`-T`): `new` when its content is not stored yet,",
             "`again` when the same content is (the staged copy is dropped). `dd` writes the same bytes to the same disk with",
             "`conv=fsync`, as FileService syncs each file before it answers.", "",
             "| case | MB/s |", "|---|---|",
             f"| upload, new content | {cell(runs['new'])} |",
             f"| upload, content already stored | {cell(runs['again'])} |",
             f"| dd, same bytes, same disk | {cell(runs['dd'])} |",
             f"| **new upload ÷ dd** | **{statistics.median(ratio('new', 'dd')):.2f}** ({min(ratio('new', 'dd')):.2f}–{max(ratio('new', 'dd')):.2f}) |", "",
             "## Scanner", "",
             f"A {text_mb:,.0f} MB text (words, an e-mail address on one line in twenty, a card number on one in a hundred), uploaded",
             "and scanned by every rule; MB/s from the file's `uploaded_at` to its `scanned_at` (the outbox, the queue and the scan).",
             "`grep` is `grep -oE` with the e-mail rule alone over the same file.", "",
             "| case | MB/s |", "|---|---|",
             f"| FileService's scanner, six rules | {cell(runs['scan'])} |",
             f"| grep -oE, one rule | {cell(runs['grep'])} |",
             f"| **scanner ÷ grep** | **{statistics.median(ratio('scan', 'grep')):.2f}** ({min(ratio('scan', 'grep')):.2f}–{max(ratio('scan', 'grep')):.2f}) |", "",
             "Rerun: `bench/files/run.sh [rounds]`."]
    open(REPORT, "w").write("\n".join(lines) + "\n")
    print("\n".join(lines))


main()
