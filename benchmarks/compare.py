#!/usr/bin/env python3
"""Run the W1-W8 workloads in C++ (aio_workloads) and in Python (asyncio/workloads.py) and
print them side by side: medians of several runs, and how many times slower asyncio is.

    python3 benchmarks/compare.py --aio build/bench/benchmarks/aio_workloads [--runs 5]

Standard library only. Each run is a fresh process, so memory numbers do not leak between runs.
W5 (HTTP) needs aiohttp: compare.py starts asyncio/http_server.py (an aiohttp server) with a
python3 that has aiohttp (--server-python; Debian's /usr/bin/python3 with python3-aiohttp is
tried first) and points both programs at it, so that aio and asyncio fetch from the same server.
"""
import argparse
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# Second lines: a workload whose run also proves something else gets a row of its own, read off
# the same runs. W7: resident memory after all calls vs after the first 10,000 (flat = ~0 %).
SECOND_LINES = {
    "W7": ("  memory growth after 10k calls", "%",
           lambda r: (r["rss_kb"] - r["rss_kb_at_10k"]) * 100 / max(r["rss_kb_at_10k"], 1)),
}

# workload -> (what the headline number means, its unit, how to read it off a parsed line)
HEADLINES = {
    "W1": ("create + gather, per task", "ns", lambda r: r["per_op_ns"]),
    "W2": ("10k x sleep(50ms): overhead", "ms", lambda r: (r["total_s"] - 0.050) * 1e3),
    "W3": ("queue(1) ping-pong, per msg", "ns", lambda r: r["per_op_ns"]),
    "W4": ("Semaphore(100), per op", "ns", lambda r: r["per_op_ns"]),
    "W6": ("memory per suspended task", "B", lambda r: r["rss_kb"] * 1024 / r["n"]),
    "W7": ("wait_for in time, per call", "ns", lambda r: r["per_op_ns"]),
    "W8": ("to_thread round trip, per job", "ns", lambda r: r["per_op_ns"]),
    "W5_http_seq": ("GETs one by one, total", "ms", lambda r: r["total_s"] * 1e3),
    "W5_http_conc": ("GETs gathered, total", "ms", lambda r: r["total_s"] * 1e3),
}

# A workload that prints several lines: the line names, in the order of the table's rows.
LINES = {"W5": ["W5_http_seq", "W5_http_conc"]}


def parse(line: str) -> dict:
    fields = dict(part.split("=", 1) for part in line.split() if "=" in part)
    for key in ("n", "rss_kb", "rss_kb_at_10k"):
        if key in fields:
            fields[key] = int(fields[key])
    for key in ("total_s", "per_op_ns"):
        if key in fields:
            fields[key] = float(fields[key])
    return fields


def run(command: list, workload: str) -> dict:
    """The workload lines one run prints, by line name; {} if the workload was skipped."""
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    records = [parse(line) for line in output.splitlines() if line.startswith("workload=")]
    if len(records) == 1 and "n" not in records[0]:
        return {}  # "workload=W5 runtime=asyncio skipped (...)"
    names = LINES.get(workload, [workload])
    found = {record["workload"]: record for record in records}
    if sorted(found) != sorted(names) or len(records) != len(names):
        raise RuntimeError(f"{' '.join(command)} printed {[r.get('workload') for r in records]}, "
                           f"expected {names}")
    return found


def medians(command: list, workload: str, runs: int) -> dict:
    """Per row (a line name, or a line name + " second" for SECOND_LINES): the median."""
    values = {}
    for _ in range(runs):
        records = run(command, workload)
        if not records:
            return {}
        for name, record in records.items():
            values.setdefault(name, []).append(HEADLINES[name][2](record))
            if name in SECOND_LINES:
                values.setdefault(name + " second", []).append(SECOND_LINES[name][2](record))
    return {name: statistics.median(vs) for name, vs in values.items()}


def python_with_aiohttp(candidates: list):
    for python in candidates:
        if python and subprocess.run([python, "-c", "import aiohttp"],
                                     capture_output=True).returncode == 0:
            return python
    return None


def start_http_server(python: str):
    """Starts asyncio/http_server.py; returns the process and its port."""
    server = subprocess.Popen([python, os.path.join(HERE, "asyncio", "http_server.py"),
                               "--port", "0", "--latency-ms", "20"],
                              stdout=subprocess.PIPE, text=True)
    first = server.stdout.readline()
    if not first.startswith("listening on http://"):
        server.kill()
        raise RuntimeError(f"http_server.py did not start: {first!r}")
    return server, int(first.rsplit(":", 1)[1])


def number(value) -> str:
    return f"{value:>9.1f}" if value is not None else f"{'-':>9}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--aio", required=True, help="path to the aio_workloads executable")
    parser.add_argument("--python", default=sys.executable, help="python3 to run asyncio with")
    parser.add_argument("--runs", type=int, default=5, help="runs per workload (median)")
    parser.add_argument("--workloads", default="W1,W2,W3,W4,W5,W6,W7,W8")
    parser.add_argument("--n", type=int, help="override every workload's size but W5's (quick "
                        "runs)")
    parser.add_argument("--http-n", type=int, default=100, help="W5: GETs per batch (100)")
    parser.add_argument("--server-python", help="python3 with aiohttp, for W5's server "
                        "(default: /usr/bin/python3, then --python, if they have aiohttp)")
    args = parser.parse_args()
    size = ["--n", str(args.n)] if args.n else []
    workloads = args.workloads.split(",")

    server, port = None, None
    if "W5" in workloads:
        server_python = python_with_aiohttp([args.server_python, "/usr/bin/python3", args.python])
        if server_python:
            server, port = start_http_server(server_python)
    try:
        print_table(args, workloads, size, port)
    finally:
        if server:
            server.terminate()
            server.wait()
    return 0


def print_table(args, workloads: list, size: list, port) -> None:
    script = os.path.join(HERE, "asyncio", "workloads.py")
    print(f"{'workload':<9}{'measure':<31}{'aio':>12}{'asyncio':>12}{'asyncio/aio':>13}")
    for workload in workloads:
        names = LINES.get(workload, [workload])
        if any(name not in HEADLINES for name in names):
            print(f"{workload:<9}{'unknown workload':<31}")
            continue
        if workload == "W5" and port is None:
            print(f"{workload:<9}{'skipped (no python3 with aiohttp)':<31}")
            continue
        # W5's size is its own: 2,000 GETs one after another at 20 ms each would take 40 s.
        sized = ["--port", str(port), "--n", str(args.http_n)] if workload == "W5" else size
        aio = medians([args.aio, "--workload", workload, *sized], workload, args.runs)
        py = medians([args.python, script, "--workload", workload, *sized], workload, args.runs)
        label = workload
        for name in names:
            what, unit, _ = HEADLINES[name]
            a, p = aio.get(name), py.get(name)
            ratio = f"{p / a:.1f}x" if a and p else "-"
            print(f"{label:<9}{what:<31}{number(a)} {unit:<2}{number(p)} {unit:<2}{ratio:>11}")
            label = ""
            if name in SECOND_LINES:
                what, unit, _ = SECOND_LINES[name]
                print(f"{'':<9}{what:<31}{number(aio.get(name + ' second'))} {unit:<2}"
                      f"{number(py.get(name + ' second'))} {unit:<2}")
        if workload == "W5" and aio and py:
            a = aio["W5_http_seq"] / aio["W5_http_conc"]
            p = py["W5_http_seq"] / py["W5_http_conc"]
            print(f"{'':<9}{'  sequential / gathered':<31}{number(a)} x {number(p)} x")
    print(f"(medians of {args.runs} runs; W2 overhead is the time above the 50 ms every task "
          "sleeps; W5 fetches from one aiohttp server with 20 ms latency; W6 is resident memory "
          "growth / tasks; W7 also checks that memory stays flat)")


if __name__ == "__main__":
    sys.exit(main())
