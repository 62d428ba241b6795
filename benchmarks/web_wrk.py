"""The load for benchmarks/web.py from ``wrk`` (Debian's ``wrk``), not from Python threads.

A Python load generator costs 3-4 ms of CPU per request; on a 2-core machine that CPU is
taken from the server it measures, which inflates the server's tail. wrk (C, epoll) costs
a few microseconds per request. It runs closed-loop like the httpx clients: C connections,
each sending its next request when the last answer arrives.

Each target is measured twice, so that a cache cannot make the figures trivially fast:

* **distinct URLs**: every request in the run asks for a URL not asked before (thousands
  of different articles, stories and search words; the list wraps only when used up);
* **hot URLs**: the same 50 URLs over and over, as when many readers follow one story.

``benchmarks/web_rotate.lua`` hands out the paths and prints the percentiles as JSON.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).resolve().with_name("web_rotate.lua")
HOT_URLS = 50
DISTINCT_URLS = 20_000


@dataclass
class WrkResult:
    """One wrk run: how many requests, errors, latency percentiles (ms) and throughput."""

    requests: int
    errors: int
    p50: float
    p95: float
    p99: float
    rate: float
    cpu_ms: float | None = None  # the server's CPU per request, when its pid is known


def available() -> bool:
    """Whether the ``wrk`` command is installed."""
    return shutil.which("wrk") is not None


def path_list(make: Callable[[random.Random], str], distinct: bool, seed: int = 1) -> list[str]:
    """Paths drawn from ``make``: up to DISTINCT_URLS different ones, or HOT_URLS."""
    rng = random.Random(seed)
    wanted = DISTINCT_URLS if distinct else HOT_URLS
    found: dict[str, None] = {}
    for _ in range(wanted * 4):
        found[make(rng)] = None
        if len(found) >= wanted:
            break
    return list(found)


def server_cpu(pid: int | None) -> float:
    """CPU seconds (user + system) the process ``pid`` and its running children (the
    workers of ``serve --workers N``) have used so far (Linux /proc)."""
    if pid is None:
        return 0.0
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return sum(_own_cpu(p) for p in [str(pid), *children])


def _own_cpu(pid: str) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except FileNotFoundError:  # a child that has just exited
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(
    base: str,
    paths: list[str],
    clients: int,
    seconds: float,
    threads: int = 2,
    server_pid: int | None = None,
) -> WrkResult:
    """``wrk`` with ``clients`` connections for ``seconds``, rotating through ``paths``."""
    threads = max(1, min(threads, clients))
    cpu_before = server_cpu(server_pid)
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as out:
        out.write("\n".join(paths) + "\n")
    try:
        done = subprocess.run(
            [
                "wrk",
                f"-t{threads}",
                f"-c{clients}",
                f"-d{seconds:g}s",
                "--timeout",
                "30s",
                "-s",
                str(SCRIPT),
                base,
                "--",
                out.name,
                str(threads),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        Path(out.name).unlink()
    cpu = server_cpu(server_pid) - cpu_before
    line = next(x for x in reversed(done.stdout.splitlines()) if x.startswith("{"))
    data = json.loads(line)
    errors = sum(data[k] for k in ("connect", "read", "write", "status", "timeout"))
    return WrkResult(
        requests=data["requests"],
        errors=errors,
        p50=data["p50_us"] / 1000,
        p95=data["p95_us"] / 1000,
        p99=data["p99_us"] / 1000,
        rate=data["requests"] / (data["duration_us"] / 1e6),
        cpu_ms=cpu * 1000 / data["requests"] if server_pid and data["requests"] else None,
    )


@dataclass
class Measured:
    """A target's figures: one client alone, then the concurrent load on distinct and hot URLs."""

    name: str
    kind: str
    distinct_urls: int
    alone: WrkResult
    cold: WrkResult
    hot: WrkResult


def measure(
    base: str,
    name: str,
    kind: str,
    make: Callable[[random.Random], str],
    clients: int,
    seconds: float,
    server_pid: int | None = None,
) -> Measured:
    """Warm up, then one client alone, then ``clients`` on distinct URLs and on hot URLs."""
    distinct = path_list(make, True)
    hot = path_list(make, False)
    run(base, hot, 2, 1)  # warm-up: imports, templates, the pool's connections
    alone = run(base, distinct[::-1], 1, min(3.0, seconds), threads=1)
    cold = run(base, distinct, clients, seconds, server_pid=server_pid)
    warm = run(base, hot, clients, seconds, server_pid=server_pid)
    return Measured(name, kind, len(distinct), alone, cold, warm)


def median_round(rounds: list[Measured]) -> Measured:
    """One target's figures over several rounds: each figure the median of the rounds'
    (on a shared machine one run's p95 moves by a fifth either way)."""

    def middle(results: list[WrkResult]) -> WrkResult:
        cpu = [r.cpu_ms for r in results if r.cpu_ms is not None]
        return WrkResult(
            requests=round(statistics.median(r.requests for r in results)),
            errors=sum(r.errors for r in results),
            p50=statistics.median(r.p50 for r in results),
            p95=statistics.median(r.p95 for r in results),
            p99=statistics.median(r.p99 for r in results),
            rate=statistics.median(r.rate for r in results),
            cpu_ms=statistics.median(cpu) if cpu else None,
        )

    first = rounds[0]
    return Measured(
        first.name,
        first.kind,
        first.distinct_urls,
        middle([m.alone for m in rounds]),
        middle([m.cold for m in rounds]),
        middle([m.hot for m in rounds]),
    )


def table(results: list[Measured], clients: int, rounds: list[list[Measured]] | None = None) -> str:
    """The wrk results as a markdown table, with the targets' pass/fail on distinct URLs;
    with ``rounds`` (each target's runs, medians in ``results``) also every run's p95."""
    spread = " | distinct URLs: p95 of each round" if rounds else ""
    lines = [
        f"| target | distinct URLs | 1 client p50 ms | {clients} clients, distinct URLs: "
        "requests | errors | p50 ms | p95 ms | p99 ms | req/s | server CPU ms/req "
        f"| hot URLs: p50 ms | p95 ms | req/s | goal p95{spread} |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|" + ("---|" if rounds else ""),
    ]
    for i, m in enumerate(results):
        goal = 100 if m.kind == "page" else 50
        worst = max(m.cold.p95, m.hot.p95)
        mark = "met" if worst < goal else "missed"
        each = " | " + " / ".join(f"{r.cold.p95:.1f}" for r in rounds[i]) if rounds else ""
        lines.append(
            f"| {m.name} | {m.distinct_urls:,} | {m.alone.p50:.1f} | {m.cold.requests:,} | "
            f"{m.cold.errors + m.hot.errors} | {m.cold.p50:.1f} | {m.cold.p95:.1f} | "
            f"{m.cold.p99:.1f} | {m.cold.rate:.0f} | {_ms(m.cold.cpu_ms)} | "
            f"{m.hot.p50:.1f} | {m.hot.p95:.1f} | "
            f"{m.hot.rate:.0f} | < {goal} ms ({mark}){each} |"
        )
    return "\n".join(lines)


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"
