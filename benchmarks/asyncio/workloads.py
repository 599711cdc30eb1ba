#!/usr/bin/env python3
"""The aio_workloads program's workloads, written with Python's asyncio (standard library only).

    python3 workloads.py --workload W1

prints exactly one line (W5: two, W5_http_seq and W5_http_conc; W5 also needs aiohttp and
--port, the port of http_server.py) in the same format as aio_workloads:

    workload=W1 runtime=asyncio n=100000 total_s=0.612 per_op_ns=6120 rss_kb=41000

so that compare.py can put the two side by side. Like aio_workloads, W1-W4 run once untimed
first (a warm-up), then once timed; --cold times the first pass. Each workload does the same work as its C++
twin in ../workloads.cpp; the comments say what is measured.
"""
import argparse
import asyncio
import resource
import sys
import time


def rss_kb() -> int:
    """Current resident set size in KiB (Linux: /proc; elsewhere: the peak from getrusage)."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
        return pages * resource.getpagesize() // 1024
    except OSError:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak // 1024 if sys.platform == "darwin" else peak


WARMING_UP = False  # set during the untimed first pass: the workload runs but prints nothing


def report(workload: str, n: int, total_s: float, per_op_ns: float, kb: int) -> None:
    if WARMING_UP:
        return
    print(f"workload={workload} runtime=asyncio n={n} total_s={total_s:.6f} "
          f"per_op_ns={per_op_ns:.1f} rss_kb={kb}")


async def noop() -> None:
    return None


async def w1(n: int) -> None:
    """Create and gather n no-op coroutines; time per task."""
    start = time.perf_counter()
    await asyncio.gather(*(noop() for _ in range(n)))
    total = time.perf_counter() - start
    report("W1", n, total, total / n * 1e9, rss_kb())


async def w2(n: int) -> None:
    """n tasks each sleep 50 ms of real time, concurrently; the interesting number is how much
    the whole run takes beyond 50 ms (per_op_ns is that overhead divided by n)."""
    start = time.perf_counter()
    await asyncio.gather(*(asyncio.sleep(0.050) for _ in range(n)))
    total = time.perf_counter() - start
    report("W2", n, total, max(total - 0.050, 0.0) / n * 1e9, rss_kb())


async def w3(n: int) -> None:
    """Two tasks exchange n messages through a queue of capacity 1; time per message."""
    queue: asyncio.Queue = asyncio.Queue(maxsize=1)

    async def producer() -> None:
        for i in range(n):
            await queue.put(i)

    async def consumer() -> None:
        for _ in range(n):
            await queue.get()

    start = time.perf_counter()
    await asyncio.gather(producer(), consumer())
    total = time.perf_counter() - start
    report("W3", n, total, total / n * 1e9, rss_kb())


async def w4(n: int) -> None:
    """n tasks each acquire a Semaphore(100), yield once (sleep 0), release; time per task."""
    semaphore = asyncio.Semaphore(100)

    async def worker() -> None:
        async with semaphore:
            await asyncio.sleep(0)

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(n)))
    total = time.perf_counter() - start
    report("W4", n, total, total / n * 1e9, rss_kb())


async def w6(n: int) -> None:
    """Resident memory growth with n tasks suspended on a sleep; rss_kb is the growth, so
    bytes per task = rss_kb * 1024 / n. per_op_ns is the time to create one task."""
    before = rss_kb()
    start = time.perf_counter()
    tasks = [asyncio.create_task(asyncio.sleep(3600)) for _ in range(n)]
    await asyncio.sleep(0)  # let every task start and suspend on its sleep
    created = time.perf_counter() - start
    growth = rss_kb() - before
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    report("W6", n, created, created / n * 1e9, growth)


async def in_time(i: int) -> int:
    return i


async def w7(n: int) -> None:
    """n wait_for calls in a row, each on an operation that finishes long before its timeout;
    rss_kb_at_10k is the resident size after the first 10,000 calls, rss_kb after all."""
    total_sum = 0
    at_10k = rss_kb()
    start = time.perf_counter()
    for i in range(n):
        total_sum += await asyncio.wait_for(in_time(i), 3600)
        if i + 1 == 10_000:
            at_10k = rss_kb()
    total = time.perf_counter() - start
    assert total_sum == n * (n - 1) // 2
    if WARMING_UP:
        return
    print(f"workload=W7 runtime=asyncio n={n} total_s={total:.6f} "
          f"per_op_ns={total / n * 1e9:.1f} rss_kb={rss_kb()} rss_kb_at_10k={at_10k}")


def empty_job(i: int) -> int:
    return i


async def w8(n: int) -> None:
    """n to_thread round trips in a row, each an empty job: the cost of handing a job to the
    default thread pool and getting its result back on the loop, not of any work."""
    total_sum = 0
    start = time.perf_counter()
    for i in range(n):
        total_sum += await asyncio.to_thread(empty_job, i)
    total = time.perf_counter() - start
    assert total_sum == n * (n - 1) // 2
    report("W8", n, total, total / n * 1e9, rss_kb())


async def w5(n: int, port: int) -> None:
    """n GETs of /users/u<i> against the server on --port (http_server.py), first one after
    another, then all at once with gather, each with a fresh aiohttp ClientSession. Two lines:
    W5_http_seq and W5_http_conc (total_s is the whole batch)."""
    import aiohttp
    base = f"http://127.0.0.1:{port}"
    wrong = 0

    async def get_user(session, i):
        login = f"u{i}"
        async with session.get(f"{base}/users/{login}") as response:
            body = await response.json()
            return response.status == 200 and body["login"] == login

    async with aiohttp.ClientSession() as session:
        start = time.perf_counter()
        for i in range(n):
            wrong += not await get_user(session, i)
        total = time.perf_counter() - start
        report("W5_http_seq", n, total, total / n * 1e9, rss_kb())
    async with aiohttp.ClientSession() as session:
        start = time.perf_counter()
        answers = await asyncio.gather(*(get_user(session, i) for i in range(n)))
        wrong += answers.count(False)
        total = time.perf_counter() - start
        report("W5_http_conc", n, total, total / n * 1e9, rss_kb())
    if wrong:
        raise RuntimeError(f"W5: {wrong} wrong answers from the server")


WORKLOADS = {"W1": (w1, 100_000), "W2": (w2, 10_000), "W3": (w3, 1_000_000),
             "W4": (w4, 100_000), "W6": (w6, 100_000), "W7": (w7, 1_000_000),
             "W8": (w8, 100_000)}


def keep_freed_memory() -> None:
    """Like aio_workloads: ask glibc to keep freed memory in the process between the warm-up
    and the timed pass instead of handing large blocks back to the kernel (and faulting them in
    again). Does nothing where glibc's mallopt is not available."""
    try:
        import ctypes
        libc = ctypes.CDLL("libc.so.6")
        m_trim_threshold, m_mmap_threshold = -1, -3
        libc.mallopt(m_mmap_threshold, 256 << 20)
        libc.mallopt(m_trim_threshold, 256 << 20)
    except (OSError, AttributeError):
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workload", required=True, choices=sorted([*WORKLOADS, "W5"]))
    parser.add_argument("--n", type=int, help="override the workload's size")
    parser.add_argument("--port", type=int, help="W5: port of the local HTTP server")
    parser.add_argument("--cold", action="store_true",
                        help="time the first pass (default: an untimed warm-up pass first, "
                             "like aio_workloads; W6 always measures a first pass)")
    args = parser.parse_args()
    keep_freed_memory()
    if args.workload == "W5":
        try:
            import aiohttp  # noqa: F401
        except ImportError:
            print("workload=W5 runtime=asyncio skipped (aiohttp is not installed for this python)")
            return 0
        if not args.port:
            print("workload=W5 runtime=asyncio skipped (W5 needs --port: see http_server.py)")
            return 0
        port = args.port

        async def function(n):
            await w5(n, port)
        default_n = 100
    else:
        function, default_n = WORKLOADS[args.workload]
    n = args.n or default_n
    if not args.cold and args.workload != "W6":
        global WARMING_UP
        WARMING_UP = True
        asyncio.run(function(n))
        WARMING_UP = False
    asyncio.run(function(n))
    return 0


if __name__ == "__main__":
    sys.exit(main())
