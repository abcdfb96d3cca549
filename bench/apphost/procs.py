#!/usr/bin/env python3
"""The processes one AppHost run started, read from /proc (used by run.sh).

The set of a run is kept in a JSON state file as (pid, start time) pairs, so a pid reused later is not
mistaken for ours. Every call adds what it finds now to what was found before:
  - the AppHost and its descendants;
  - DCP processes whose command line has `--monitor <apphost pid>` (they may leave the AppHost's tree),
    and their descendants;
  - any process whose command line or environment names the run's data folder (a server that
    daemonised out of the tree), and its descendants.
Descendants of every process already known are added too, so a child re-parented to init stays tracked.

  procs.py track     STATE APPHOST_PID DATA_DIR    add what runs now; print the number alive
  procs.py rss       STATE APPHOST_PID DATA_DIR    track, then print "<RSS sum in KiB> <processes> <top five>"
  procs.py scan      DIR                           print "pid:name" of every process naming DIR (cmdline or environment)
  procs.py wait-gone STATE APPHOST_PID DATA_DIR T0 TIMEOUT
                     track until none is alive; print "<seconds since T0> <survivors> <last to exit>"
                     (survivors: "none" or "pid:name,..." still alive after TIMEOUT s; the caller kills them)
"""
import json
import os
import sys
import time


def read(path, binary=False):
    try:
        with open(path, "rb" if binary else "r") as f:
            return f.read()
    except OSError:
        return None


def stat(pid):
    """(ppid, start time, state) of a process, or None if it is gone."""
    s = read(f"/proc/{pid}/stat")
    if s is None:
        return None
    rest = s[s.rindex(")") + 2:].split()  # the name may hold spaces and parentheses
    return int(rest[1]), int(rest[19]), rest[0]


def name(pid):
    cmd = read(f"/proc/{pid}/cmdline", binary=True) or b""
    parts = [p.decode(errors="replace") for p in cmd.split(b"\0") if p]
    if not parts:
        return (read(f"/proc/{pid}/comm") or "?").strip()
    # "dotnet Foo.dll" says more as "Foo.dll"; anything else by its program name.
    exe = os.path.basename(parts[0])
    if exe == "dotnet" and len(parts) > 1:
        return next((os.path.basename(p) for p in parts[1:] if p.endswith(".dll")), " ".join(parts[:3]))
    return exe


def table():
    """Every live (not zombie) process: pid -> (ppid, start time)."""
    procs = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            st = stat(int(entry))
            if st and st[2] != "Z":
                procs[int(entry)] = (st[0], st[1])
    return procs


def mentions(pid, needle):
    for part in ("cmdline", "environ"):
        blob = read(f"/proc/{pid}/{part}", binary=True)
        if blob and needle in blob:
            return True
    return False


def track(state_file, apphost, data_dir):
    known = {tuple(k) for k in json.loads(read(state_file) or "[]")}
    procs = table()
    me = os.getpid()
    roots = {pid for pid in procs if pid == apphost}
    monitor = f"--monitor\0{apphost}\0".encode()
    needle = data_dir.encode()
    for pid in procs:
        if pid == me or pid == os.getppid():
            continue
        cmd = read(f"/proc/{pid}/cmdline", binary=True) or b""
        if monitor in cmd + b"\0" or mentions(pid, needle):
            roots.add(pid)
    roots |= {pid for pid, (_, start) in procs.items() if (pid, start) in known}
    # Close over children.
    children = {}
    for pid, (ppid, _) in procs.items():
        children.setdefault(ppid, []).append(pid)
    todo, found = list(roots), set()
    while todo:
        pid = todo.pop()
        if pid in found or pid == me:
            continue
        found.add(pid)
        todo.extend(children.get(pid, []))
    known |= {(pid, procs[pid][1]) for pid in found}
    with open(state_file, "w") as f:
        json.dump(sorted(known), f)
    return [pid for pid, start in known if procs.get(pid, (None, None))[1] == start]


def rss_kib(pid):
    for line in (read(f"/proc/{pid}/status") or "").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def main():
    if sys.argv[1] == "scan":
        needle = sys.argv[2].encode()
        for pid in sorted(table()):
            if pid not in (os.getpid(), os.getppid()) and mentions(pid, needle):
                print(f"{pid}:{name(pid)}")
        return
    cmd, state_file, apphost, data_dir = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    if cmd == "track":
        print(len(track(state_file, apphost, data_dir)))
    elif cmd == "rss":
        alive = track(state_file, apphost, data_dir)
        sizes = sorted(((rss_kib(p), name(p)) for p in alive), reverse=True)
        top = ",".join(f"{n}={k // 1024}M" for k, n in sizes[:5])
        print(sum(k for k, _ in sizes), len(sizes), top)
    elif cmd == "wait-gone":
        t0, timeout = float(sys.argv[5]), float(sys.argv[6])
        alive, before = track(state_file, apphost, data_dir), {}
        while alive and time.time() - t0 < timeout:
            before = {p: name(p) for p in alive}
            time.sleep(0.02)
            alive = track(state_file, apphost, data_dir)
        # The processes still alive one poll before the end held the stop longest.
        last = ",".join(sorted(set(before.values()))) if before and not alive else "-"
        elapsed = time.time() - t0
        survivors = ",".join(f"{p}:{name(p)}" for p in sorted(alive)) or "none"
        print(f"{elapsed:.2f} {survivors} {last}")
    else:
        sys.exit(f"unknown command {cmd}")


if __name__ == "__main__":
    main()
