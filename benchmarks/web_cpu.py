"""CPU per request of the web app itself, in-process: no server, no sockets, no load generator.

``benchmarks/web.py`` measures what clients see; on a shared machine its latencies move
with everyone else's load. This script answers the question the latencies depend on,
how much CPU one request costs the app, with little noise: it calls the ASGI app directly
(the scope uvicorn would build, a ``receive`` with no body, a ``send`` that keeps the
response), over the same distinct URLs as the load benchmark, and divides
``time.process_time`` by the requests. uvicorn's own HTTP parsing and socket work (about
0.1-0.2 ms a request) is not included. ``--profile`` prints cProfile's top functions.

``--before COMMIT`` compares this code with the web area's code (``AREA``) at an older
commit, the rest of the tree as now (so today's migrations still open the database);
``--against OTHER/src`` with any other ``src`` folder. Two worker processes, one per
version, take turns round by round on the same URLs, so a busy machine slows both alike;
each round asks new URLs. The table gives each side's mean over all rounds (many short
rounds make the two sides share the machine's ups and downs) and its best round;
``--write`` puts it into the "## Web" section of docs/benchmarks.md (block ``web-cpu``).

Usage:
    .venv/bin/python benchmarks/web_cpu.py [--db .benchmarks/web.db] [--requests 400]
        [--only search] [--profile 25] [--repeat 3] [--against /tmp/old/src | --before COMMIT]
        [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import pstats
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from storyline.config import load_settings
from storyline.store import Store
from storyline.web.app import create_app

sys.path.insert(0, str(Path(__file__).resolve().parent))
import web_targets  # noqa: E402 (benchmarks/ is not a package)
from web_report import write_block  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
WARM_UP = 20
AREA = (
    "src/storyline/web",
    "src/storyline/read",
    "src/storyline/store/search.py",
    "src/storyline/store/snippets.py",
)


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


class Runner:
    """The app over the benchmark database, and each target's URLs, in this process."""

    def __init__(self, db: Path, requests: int, rounds: int):
        counts = web_targets.database_counts(db)
        self.store = Store.open(db, load_settings())
        self.app = create_app(self.store, load_settings(), read_only=True)
        words = web_targets.words()
        self.targets = web_targets.targets(counts["pages"], counts.get("stories", 0), words)
        self.requests = requests
        self.urls = {t.name: _paths(t.path, WARM_UP + requests * rounds) for t in self.targets}

    def run(
        self, name: str, round_: int, profiler: cProfile.Profile | None = None
    ) -> tuple[float, int]:
        """CPU ms per request and errors for round ``round_`` of target ``name`` (each round
        asks other URLs, after the same warm-up)."""
        urls = self.urls[name]
        start = WARM_UP + round_ * self.requests
        return measure(self.app, urls[:WARM_UP] + urls[start : start + self.requests], profiler)


def _worker(runner: Runner) -> None:
    """Answer ``{"target", "round"}`` lines on stdin with ``{"ms", "errors"}`` lines."""
    for line in sys.stdin:
        ask = json.loads(line)
        ms, errors = runner.run(ask["target"], ask["round"])
        print(json.dumps({"ms": ms, "errors": errors}), flush=True)


def _compare(args: argparse.Namespace, names: list[str]) -> str:
    """This code against the code at ``args.against`` (a ``src`` folder), alternating
    round by round in two worker processes, so that both see the same machine load."""
    command = [sys.executable, __file__, "--worker", "--db", str(args.db)]
    command += ["--requests", str(args.requests), "--repeat", str(args.repeat)]
    sides = {"before": str(args.against), "after": os.environ.get("PYTHONPATH", "")}
    workers = {
        side: subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": path},
        )
        for side, path in sides.items()
    }
    lines = [
        "| target | requests x rounds | before: CPU ms/req, mean (best) "
        "| after: mean (best) | after / before (mean) |",
        "|---|---|---|---|---|",
    ]
    print("\n".join(lines), flush=True)
    try:
        for name in names:
            spent: dict[str, list[float]] = {side: [] for side in workers}
            for round_ in range(args.repeat):
                order = list(workers) if round_ % 2 == 0 else list(workers)[::-1]
                for side in order:
                    worker = workers[side]
                    assert worker.stdin and worker.stdout
                    worker.stdin.write(json.dumps({"target": name, "round": round_}) + "\n")
                    worker.stdin.flush()
                    spent[side].append(json.loads(worker.stdout.readline())["ms"])
            b, a = (sorted(spent[side]) for side in ("before", "after"))
            lines.append(
                f"| {name} | {args.requests} x {args.repeat} | {_mean(b):.2f} ({b[0]:.2f}) "
                f"| {_mean(a):.2f} ({a[0]:.2f}) | {_mean(a) / _mean(b):.2f} |"
            )
            print(lines[-1], flush=True)
    finally:
        for worker in workers.values():
            worker.stdin.close()  # type: ignore[union-attr]
            worker.wait(timeout=60)
    return "\n".join(lines)


def _tree_at(commit: str, into: Path) -> Path:
    """A ``src`` folder with the web area's code (``AREA``) as at ``commit`` and everything
    else as in this checkout, so the database's newer migrations still open."""
    shutil.copytree(ROOT / "src", into / "src", ignore=shutil.ignore_patterns("__pycache__"))
    for path in AREA:
        target = into / path
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
    present = [  # the area's folders that existed then (storyline/read came later)
        path
        for path in AREA
        if subprocess.run(
            ["git", "-C", str(ROOT), "cat-file", "-e", f"{commit}:{path}"], capture_output=True
        ).returncode
        == 0
    ]
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", commit, *present], capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into / "src"


def _described(table: str, args: argparse.Namespace) -> str:
    """The table with the command that made it and the machine's load."""
    before = f"--before {args.before}" if args.before else f"--against {args.against}"
    command = (
        f".venv/bin/python benchmarks/web_cpu.py {before} --requests {args.requests} "
        f"--repeat {args.repeat} --write docs/benchmarks.md"
    )
    load = os.getloadavg()[0]
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    return (
        f"Command: `{command}`, {when}, load average {load:.1f} at the end. In-process "
        "(no server, no sockets): CPU per request of the app, before and after, the "
        "before side being the web area's code at that commit.\n\n" + table
    )


def _mean(values: list[float]) -> float:
    return statistics.fmean(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=ROOT / ".benchmarks" / "web.db")
    parser.add_argument("--requests", type=int, default=400, help="per target and round")
    parser.add_argument("--only", default="", help="targets whose name contains this")
    parser.add_argument("--profile", type=int, default=0, help="print the top N functions")
    parser.add_argument("--repeat", type=int, default=3, help="rounds per target (best kept)")
    parser.add_argument("--against", type=Path, help="compare with the code in this src folder")
    parser.add_argument(
        "--before", metavar="COMMIT", help="compare with the web area's code at COMMIT"
    )
    parser.add_argument("--write", type=Path, help="put the table into docs/benchmarks.md")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.against or args.before:
        counts = web_targets.database_counts(args.db)
        found = web_targets.targets(counts["pages"], counts.get("stories", 0), ["x"])
        with tempfile.TemporaryDirectory() as tmp:
            if args.before:
                args.against = _tree_at(args.before, Path(tmp))
            table = _compare(args, [t.name for t in found if args.only in t.name])
        if args.write:
            write_block(args.write, "web-cpu", _described(table, args))
        return
    runner = Runner(args.db, args.requests, args.repeat)
    if args.worker:
        _worker(runner)
        return
    print("| target | requests | errors | app CPU ms/req (best of rounds) | all rounds |")
    print("|---|---|---|---|---|")
    for target in runner.targets:
        if args.only and args.only not in target.name:
            continue
        profiler = cProfile.Profile() if args.profile else None
        runs = [runner.run(target.name, r, profiler) for r in range(args.repeat)]
        best = min(ms for ms, _ in runs)
        every = " / ".join(f"{ms:.2f}" for ms, _ in runs)
        print(f"| {target.name} | {args.requests} | {runs[0][1]} | {best:.2f} | {every} |")
        if profiler:
            pstats.Stats(profiler).sort_stats("tottime").print_stats(args.profile)
    runner.store.close()


if __name__ == "__main__":
    main()
