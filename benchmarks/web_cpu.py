"""CPU per request of the web app itself, in-process: no server, no sockets, no load generator.

``benchmarks/web.py`` measures what clients see; on a shared machine its latencies move
with everyone else's load. This script answers the question the latencies depend on,
how much CPU one request costs the app, with little noise: it calls the ASGI app directly
(the scope uvicorn would build, a ``receive`` with no body, a ``send`` that keeps the
response), over the same distinct URLs as the load benchmark, and divides
``time.process_time`` by the requests. uvicorn's own HTTP parsing and socket work (about
0.1-0.2 ms a request) is not included. ``--profile`` prints cProfile's top functions.

Usage:
    .venv/bin/python benchmarks/web_cpu.py [--db .benchmarks/web.db] [--requests 400]
        [--only search] [--profile 25] [--repeat 3]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from storyline.config import load_settings
from storyline.store import Store
from storyline.web.app import create_app

sys.path.insert(0, str(Path(__file__).resolve().parent))
import web_targets  # noqa: E402 (benchmarks/ is not a package)

ROOT = Path(__file__).resolve().parents[1]
WARM_UP = 20


async def call(app: Any, path: str) -> tuple[int, int]:
    """One GET through the ASGI app, as uvicorn would send it; (status, body bytes)."""
    raw_path, _, query = path.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": raw_path,
        "raw_path": raw_path.encode(),
        "root_path": "",
        "query_string": query.encode(),
        "headers": [(b"host", b"127.0.0.1:8000"), (b"accept", b"*/*")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    status, size = 0, 0

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status, size
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            size += len(message.get("body", b""))

    await app(scope, receive, send)
    return status, size


async def _lifespan(app: Any, event: str) -> None:
    """Send the app one lifespan event (startup sets its thread limit), as the server does."""
    done = asyncio.Event()
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": f"lifespan.{event}"}
        await asyncio.Event().wait()  # the server keeps the lifespan open
        return {}

    async def send(message: dict[str, Any]) -> None:
        if message["type"].startswith(f"lifespan.{event}."):
            done.set()

    task = asyncio.get_running_loop().create_task(app({"type": "lifespan"}, receive, send))
    await done.wait()
    task.cancel()


def measure(
    app: Any, paths: list[str], profiler: cProfile.Profile | None = None
) -> tuple[float, int]:
    """CPU ms per request over ``paths`` (each once, in order), and the errors seen."""

    async def run() -> tuple[float, int]:
        await _lifespan(app, "startup")
        for path in paths[:WARM_UP]:  # imports, templates, the pool's connections
            await call(app, path)
        errors = 0
        if profiler:
            profiler.enable()
        started = time.process_time()
        for path in paths[WARM_UP:]:
            status, _ = await call(app, path)
            errors += status >= 400
        spent = time.process_time() - started
        if profiler:
            profiler.disable()
        return spent * 1000 / max(1, len(paths) - WARM_UP), errors

    return asyncio.run(run())


def _paths(make: Callable[[random.Random], str], count: int) -> list[str]:
    """``count`` URLs, all different where the target has that many (home: one URL)."""
    rng = random.Random(11)
    found: dict[str, None] = {}
    for _ in range(count * 4):
        found[make(rng)] = None
        if len(found) >= count:
            break
    distinct = list(found)
    return (distinct * (count // len(distinct) + 1))[:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=ROOT / ".benchmarks" / "web.db")
    parser.add_argument("--requests", type=int, default=400, help="per target")
    parser.add_argument("--only", default="", help="targets whose name contains this")
    parser.add_argument("--profile", type=int, default=0, help="print the top N functions")
    parser.add_argument("--repeat", type=int, default=3, help="runs per target (best kept)")
    args = parser.parse_args()
    counts = web_targets.database_counts(args.db)
    store = Store.open(args.db, load_settings())
    app = create_app(store, load_settings(), read_only=True)
    found = web_targets.targets(counts["pages"], counts.get("stories", 0), web_targets.words())
    print("| target | requests | errors | app CPU ms/req (best of runs) | all runs |")
    print("|---|---|---|---|---|")
    for target in found:
        if args.only and args.only not in target.name:
            continue
        paths = _paths(target.path, args.requests + WARM_UP)
        profiler = cProfile.Profile() if args.profile else None
        runs = [measure(app, paths, profiler) for _ in range(args.repeat)]
        best = min(ms for ms, _ in runs)
        every = " / ".join(f"{ms:.2f}" for ms, _ in runs)
        print(f"| {target.name} | {len(paths) - WARM_UP} | {runs[0][1]} | {best:.2f} | {every} |")
        if profiler:
            pstats.Stats(profiler).sort_stats("tottime").print_stats(args.profile)
    store.close()


if __name__ == "__main__":
    main()
