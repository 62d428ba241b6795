"""The old load for benchmarks/web.py: client threads in the benchmark process (httpx).

Kept as ``--load httpx`` for machines without ``wrk``. Python clients cost 3-4 ms of CPU
per request, taken from the same cores as the server, and cannot ask for more than about
250 requests a second here: their figures measure the client as much as the server.
"""

from __future__ import annotations

import random
import statistics
import sys
import threading
import time

import httpx
from web_targets import Target


def run_target(base: str, target: Target, clients: int, requests: int, seconds: float) -> None:
    """``clients`` threads request ``target`` until ``requests`` are done or time is up."""
    lock = threading.Lock()
    remaining = [requests]
    deadline = time.monotonic() + seconds

    def worker(index: int) -> None:
        rng = random.Random(index)
        with httpx.Client(base_url=base, timeout=30) as client:
            while time.monotonic() < deadline:
                with lock:
                    if remaining[0] <= 0:
                        return
                    remaining[0] -= 1
                path = target.path(rng)
                start = time.perf_counter()
                try:
                    failed = client.get(path).status_code >= 400
                except httpx.HTTPError:
                    failed = True
                took = time.perf_counter() - start
                with lock:
                    target.latencies.append(took * 1000)
                    target.errors += failed

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    target.elapsed = time.perf_counter() - started


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def table(results: list[Target], clients: int) -> str:
    """The results as a markdown table, with the targets' pass/fail."""
    lines = [
        f"| target | 1 client p50 ms | {clients} clients: requests | errors | p50 ms "
        "| p95 ms | req/s | goal p95 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for t in results:
        goal = 100 if t.kind == "page" else 50
        p50, p95 = statistics.median(t.latencies), _percentile(t.latencies, 0.95)
        mark = "met" if p95 < goal else "missed"
        lines.append(
            f"| {t.name} | {t.alone_p50:.1f} | {len(t.latencies)} | {t.errors} | "
            f"{p50:.1f} | {p95:.1f} | "
            f"{len(t.latencies) / t.elapsed:.0f} | < {goal} ms ({mark}) |"
        )
    return "\n".join(lines)


def run_all(base: str, found: list[Target], clients: int, requests: int, seconds: float) -> str:
    """Each target: one client alone (after a warm-up), then ``clients``; the table."""
    for target in found:
        run_target(base, target, 1, 40, 20)  # warm up, then one client alone
        target.latencies.clear()
        run_target(base, target, 1, 60, 20)
        target.alone_p50 = statistics.median(target.latencies)
        target.latencies.clear()
        target.errors = 0
        run_target(base, target, clients, requests, seconds)
        print(f"{target.name}: done", file=sys.stderr)
    return table(found, clients)
