#!/usr/bin/env python3
"""Run the W1-W8 workloads in C++ (aio_workloads) and in Python (asyncio/workloads.py) and
print them side by side: medians of several runs, and how many times slower asyncio is.

    python3 benchmarks/compare.py --aio build/bench/benchmarks/aio_workloads [--runs 5]

Standard library only. Each run is a fresh process, so memory numbers do not leak between runs.
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
}


def parse(line: str) -> dict:
    fields = dict(part.split("=", 1) for part in line.split() if "=" in part)
    for key in ("n", "rss_kb", "rss_kb_at_10k"):
        if key in fields:
            fields[key] = int(fields[key])
    for key in ("total_s", "per_op_ns"):
        if key in fields:
            fields[key] = float(fields[key])
    return fields


def run(command: list) -> dict:
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    lines = [line for line in output.splitlines() if line.startswith("workload=")]
    if len(lines) != 1:
        raise RuntimeError(f"{' '.join(command)} printed {len(lines)} workload lines")
    return parse(lines[0])


def median_headline(command: list, workload: str, runs: int):
    """The median headline, and the median second line (None where there is none)."""
    values, seconds = [], []
    for _ in range(runs):
        record = run(command)
        if "skipped" in record.get("runtime", "") or "n" not in record:
            return None, None
        values.append(HEADLINES[workload][2](record))
        if workload in SECOND_LINES:
            seconds.append(SECOND_LINES[workload][2](record))
    return statistics.median(values), (statistics.median(seconds) if seconds else None)


def number(value) -> str:
    return f"{value:>9.1f}" if value is not None else f"{'-':>9}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--aio", required=True, help="path to the aio_workloads executable")
    parser.add_argument("--python", default=sys.executable, help="python3 to run asyncio with")
    parser.add_argument("--runs", type=int, default=5, help="runs per workload (median)")
    parser.add_argument("--workloads", default="W1,W2,W3,W4,W5,W6,W7,W8")
    parser.add_argument("--n", type=int, help="override every workload's size (quick runs)")
    args = parser.parse_args()
    size = ["--n", str(args.n)] if args.n else []

    script = os.path.join(HERE, "asyncio", "workloads.py")
    print(f"{'workload':<9}{'measure':<31}{'aio':>12}{'asyncio':>12}{'asyncio/aio':>13}")
    for workload in args.workloads.split(","):
        if workload not in HEADLINES:
            print(f"{workload:<9}{'skipped (HTTP: chapter 08)':<31}")
            continue
        what, unit, _ = HEADLINES[workload]
        aio, aio_second = median_headline([args.aio, "--workload", workload, *size], workload,
                                          args.runs)
        py, py_second = median_headline([args.python, script, "--workload", workload, *size],
                                        workload, args.runs)
        ratio = f"{py / aio:.1f}x" if aio and py else "-"
        print(f"{workload:<9}{what:<31}{number(aio)} {unit:<2}{number(py)} {unit:<2}{ratio:>11}")
        if workload in SECOND_LINES:
            what, unit, _ = SECOND_LINES[workload]
            print(f"{'':<9}{what:<31}{number(aio_second)} {unit:<2}{number(py_second)} {unit:<2}")
    print(f"(medians of {args.runs} runs; W2 overhead is the time above the 50 ms every task "
          "sleeps; W6 is resident memory growth / tasks; W7 also checks that memory stays flat)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
