#!/usr/bin/env python3
"""Drive `planck lsp` over stdio as an editor does and time re-checks after edits.

    python3 benches/lsp_drive.py PLANCK PLAN [EDITS]

Opens PLAN, waits for its first diagnostics, then makes EDITS edits (default 30), each
changing one digit of a goal's target in place (the plan stays valid), and measures
from sending `didChange` to receiving the `publishDiagnostics` of that version: the
debounce, the whole re-check (parse, resolve, checks, allocation) and the framing.
It also reports the server's CPU time per edit (user + system, from /proc): on a
machine shared with other work, wall time includes waiting for a core. Then it types 20
characters in a burst, 1 ms apart, and reports how many diagnostics
were published for the burst (stale work superseded: ideally one) and the time from the
last keystroke to them. Last, ten times, it edits, waits half a re-check and edits again:
the time from the second edit to its diagnostics (the first edit's check is stopped, not
finished), how many diagnostics of the first were published (ideally none), and the
server's CPU time per pair of edits, in re-checks (two if the first check is finished, one
and a part if it is stopped). Prints one line per figure.
"""
import json
import os
import statistics
import subprocess
import sys
import time


def main() -> None:
    planck, plan = sys.argv[1], os.path.abspath(sys.argv[2])
    edits = int(sys.argv[3]) if len(sys.argv) > 3 else 30
    text = open(plan, encoding="utf-8").read()
    uri = "file://" + plan
    proc = subprocess.Popen([planck, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def send(message):
        body = json.dumps(message).encode()
        proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        proc.stdin.flush()

    def read():
        length = None
        while True:
            line = proc.stdout.readline()
            if not line:
                raise SystemExit("the server closed the connection")
            line = line.strip()
            if not line:
                break
            if line.startswith(b"Content-Length:"):
                length = int(line.split(b":")[1])
        return json.loads(proc.stdout.read(length))

    def diagnostics(version):
        while True:
            m = read()
            if m.get("method") == "textDocument/publishDiagnostics" and m["params"].get("version") == version:
                return m["params"]["diagnostics"]

    send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}})
    read()
    send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    start = time.perf_counter()
    send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
        "textDocument": {"uri": uri, "languageId": "plan", "version": 1, "text": text}}})
    first = diagnostics(1)
    print(f"lines: {text.count(chr(10))}")
    print(f"first check: {(time.perf_counter() - start) * 1000:.1f} ms, {len(first)} diagnostics")

    # The line of every `target 12M CNY`: edit its first digit between 1 and 2.
    lines = text.split("\n")
    targets = [i for i, l in enumerate(lines) if l.startswith("  target ")]
    def cpu_seconds():
        # utime and stime, fields 14 and 15 of /proc/PID/stat, in clock ticks.
        with open(f"/proc/{proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    times = []
    version = 1
    cpu_before = cpu_seconds()
    for n in range(edits):
        line = targets[(n * 7) % len(targets)]
        col = len("  target ")
        digit = "2" if n % 2 == 0 else "1"
        version += 1
        t0 = time.perf_counter()
        send({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"range": {"start": {"line": line, "character": col},
                                          "end": {"line": line, "character": col + 1}},
                                "text": digit}]}})
        diagnostics(version)
        times.append((time.perf_counter() - t0) * 1000)
    cpu = (cpu_seconds() - cpu_before) * 1000 / edits
    print(f"re-check after an edit: median {statistics.median(times):.1f} ms, "
          f"max {max(times):.1f} ms over {edits} edits (wall, edit sent to diagnostics read)")
    print(f"server CPU time per edit: {cpu:.1f} ms (mean over {edits} edits)")
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

    # A burst of keystrokes: a comment typed at the end of the file.
    end_line = len(lines) - 1
    published = 0
    t_last = 0.0
    for k in range(20):
        version += 1
        send({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"range": {"start": {"line": end_line, "character": k},
                                          "end": {"line": end_line, "character": k}},
                                "text": "#" if k == 0 else "x"}]}})
        t_last = time.perf_counter()
        time.sleep(0.001)
    while True:
        m = read()
        if m.get("method") == "textDocument/publishDiagnostics":
            published += 1
            if m["params"].get("version") == version:
                break
    print(f"burst of 20 keystrokes: {published} publication(s), "
          f"last {(time.perf_counter() - t_last) * 1000:.1f} ms after the last keystroke")

    # An edit made while the check of the one before runs (half a re-check after it):
    # the time from it to its diagnostics, and how many stale results were published.
    half = statistics.median(times) / 2000
    overtaken = []
    stale = 0
    cpu_before = cpu_seconds()
    for n in range(10):
        line = targets[(n * 11) % len(targets)]
        col = len("  target ")
        for step in range(2):
            version += 1
            digit = "2" if (n + step) % 2 == 0 else "1"
            send({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"range": {"start": {"line": line, "character": col},
                                              "end": {"line": line, "character": col + 1}},
                                    "text": digit}]}})
            if step == 0:
                time.sleep(half)
        t0 = time.perf_counter()
        while True:
            m = read()
            if m.get("method") == "textDocument/publishDiagnostics":
                if m["params"].get("version") == version:
                    break
                stale += 1
        overtaken.append((time.perf_counter() - t0) * 1000)
    pair_cpu = (cpu_seconds() - cpu_before) * 1000 / 10
    print(f"edit made mid-check: median {statistics.median(overtaken):.1f} ms from it to its "
          f"diagnostics over 10 edits, {stale} stale publication(s); server CPU time "
          f"{pair_cpu:.1f} ms per pair of edits ({pair_cpu / cpu:.2f} re-checks)")
    send({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": None})
    while read().get("id") != 2:
        pass
    send({"jsonrpc": "2.0", "method": "exit", "params": None})
    proc.wait(timeout=10)


if __name__ == "__main__":
    main()
