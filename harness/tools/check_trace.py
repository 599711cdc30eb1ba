#!/usr/bin/env python3
"""Run chapter 04's demo on the simulated clock with AWAITLINGS_TRACE set, and check the trace
file the way a viewer reads it: valid JSON in Chrome's Trace Event Format, a named track per
task, each download's wait as a span of its duration, the prints as instants.

    check_trace.py <ch04_demo> <scratch directory>

Standard library only: the point is that a tool other than ours can read the file."""
import json
import os
import subprocess
import sys


def fail(message: str) -> None:
    print("trace check failed: " + message)
    sys.exit(1)


def main() -> None:
    demo, scratch = sys.argv[1], sys.argv[2]
    os.makedirs(scratch, exist_ok=True)
    path = os.path.join(scratch, "ch04_demo_trace.json")
    if os.path.exists(path):
        os.remove(path)
    env = dict(os.environ, AWAITLINGS_TRACE=path)
    subprocess.run([demo, "--virtual"], env=env, check=True, capture_output=True)
    with open(path, encoding="utf-8") as f:
        trace = json.load(f)
    events = trace["traceEvents"]
    for e in events:
        for key in ("ph", "pid", "name"):
            if key not in e:
                fail(f"event without {key!r}: {e}")
        if e["ph"] in ("X", "i") and not isinstance(e.get("ts"), (int, float)):
            fail(f"event without a numeric ts: {e}")
    tracks = {e["tid"]: e["args"]["name"] for e in events
              if e["ph"] == "M" and e["name"] == "thread_name"}
    if "main" not in tracks.values():
        fail(f"no track for the main task: {sorted(tracks.values())}")
    # The tutorial's three downloads take 2 s, 3 s and 1 s: three waits of those lengths, each
    # on a track of its own (gather runs every download as a task).
    waits = sorted((e["dur"], e["tid"]) for e in events
                   if e["ph"] == "X" and e["name"].startswith("wait: a timer"))
    durations = [d for d, _ in waits]
    for expected in (1e6, 2e6, 3e6):
        if expected not in durations:
            fail(f"no {expected / 1e6:.0f} s sleep among the waits {durations}")
    if len({tid for d, tid in waits if d in (1e6, 2e6, 3e6)}) < 3:
        fail("the three downloads' sleeps are not on three tracks")
    prints = [e for e in events if e["ph"] == "i" and e.get("cat") == "print"]
    if not any(e["name"].startswith("Finished") and e["ts"] == 3e6 for e in prints):
        fail("no print at 3 s starting with 'Finished'")
    print(f"trace ok: {len(events)} events, {len(tracks)} tracks, {len(waits)} timer waits")


if __name__ == "__main__":
    main()
