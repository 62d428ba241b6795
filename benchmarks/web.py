"""Web benchmark: page and API latency under concurrent clients, on a big realistic store.

Builds (or reuses) a SQLite database with N pages and M versions (``web_data.py``), starts
``storyline serve --read-only`` in a subprocess on 127.0.0.1 and loads each target
(``web_targets.py``: home, story, article, search pages; the JSON API) with C concurrent
clients, reporting p50/p95 latency, throughput and the server's CPU per request.

The load comes from ``wrk`` when it is installed (``apt-get install wrk``; see
``web_wrk.py``: distinct URLs, then hot URLs, T seconds each), else from C httpx client
threads in this process (``--load httpx``, ``web_httpx.py``), which cost the server's
machine 3-4 ms of CPU per request.

``--write docs/benchmarks.md`` puts the table, with the command and the conditions of the
run (server processes, load average), into the "## Web" section, in a block of its own
per load generator and worker count, so the hand-written reading around it stays.

Usage:
    .venv/bin/python benchmarks/web.py [--pages 10000] [--versions 50000] [--clients 20]
        [--load wrk|httpx] [--requests 600] [--seconds 30] [--workers 1] [--db PATH]
        [--rounds 3] [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
import web_httpx  # noqa: E402 (benchmarks/ is not a package)
import web_wrk  # noqa: E402
from web_data import ensure_database  # noqa: E402
from web_report import SECTION, write_block  # noqa: E402
from web_targets import Target, targets, words  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(db: Path, workers: int) -> tuple[subprocess.Popen, str]:
    """``storyline serve --read-only`` in a subprocess; returns it and its base URL."""
    port = _free_port()
    env = {**os.environ, "STORYLINE_TOKEN": ""}
    log = db.with_suffix(".serve.log").open("wb")  # a file: a full pipe would stall the server
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "storyline",
            "serve",
            "--db",
            str(db),
            "--port",
            str(port),
            "--read-only",
            "--workers",
            str(workers),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(base + "/api/sources", timeout=2)
            return proc, base
        except httpx.TransportError:
            if proc.poll() is not None:
                raise SystemExit(f"server failed; see {log.name}") from None
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start in 60 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--versions", type=int, default=50_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=1, help="server processes")
    parser.add_argument("--requests", type=int, default=600, help="per target")
    parser.add_argument("--seconds", type=float, default=30.0, help="per target, at most")
    parser.add_argument("--db", type=Path, default=ROOT / ".benchmarks" / "web.db")
    parser.add_argument("--write", type=Path, default=None)
    parser.add_argument(
        "--rounds",
        type=_positive,
        default=1,
        help="wrk: run every target this often, report medians",
    )
    parser.add_argument(
        "--load",
        choices=("wrk", "httpx"),
        default="wrk" if web_wrk.available() else "httpx",
        help="load generator: wrk (default when installed) or httpx client threads",
    )
    args = parser.parse_args()
    counts = ensure_database(args.db, args.pages, args.versions)
    found = targets(args.pages, counts.get("stories", 0), words())
    load_before = os.getloadavg()
    proc, base = start_server(args.db, args.workers)
    try:
        if args.load == "wrk":
            report = _run_wrk(base, found, args, proc.pid)
        else:
            report = web_httpx.run_all(base, found, args.clients, args.requests, args.seconds)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    print(report)
    if args.write:
        block = f"web-{args.load}-workers{args.workers}"
        body = _block(report, counts, args, (load_before, os.getloadavg()))
        write_block(args.write, block, body)
        print(f"wrote block {block!r} of {SECTION!r} in {args.write}", file=sys.stderr)


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value} is not a positive whole number")
    return number


def _run_wrk(base: str, found: list[Target], args: argparse.Namespace, pid: int | None) -> str:
    """Every target measured ``args.rounds`` times, round by round (all targets, then all
    again), so a busy spell of the machine touches several targets rather than every run
    of one; with more than one round the table gives medians and each round's p95."""
    runs: list[list[web_wrk.Measured]] = [[] for _ in found]
    for round_ in range(args.rounds):
        for i, target in enumerate(found):
            runs[i].append(
                web_wrk.measure(
                    base, target.name, target.kind, target.path, args.clients, args.seconds, pid
                )
            )
            print(f"round {round_ + 1}: {target.name}: done", file=sys.stderr)
    if args.rounds == 1:
        return web_wrk.table([r[0] for r in runs], args.clients)
    return web_wrk.table([web_wrk.median_round(r) for r in runs], args.clients, runs)


def _block(
    report: str,
    counts: dict[str, int],
    args: argparse.Namespace,
    loads: tuple[tuple[float, ...], tuple[float, ...]],
) -> str:
    """The table with the exact command that made it and the conditions it ran under."""
    command = f".venv/bin/python benchmarks/web.py --load {args.load} --workers {args.workers}"
    command += f" --clients {args.clients}"
    command += f" --rounds {args.rounds}" if args.rounds > 1 else ""
    command += f" --seconds {args.seconds:g}" + (
        f" --requests {args.requests}" if args.load == "httpx" else ""
    )
    if (args.pages, args.versions) != (10_000, 50_000):
        command += f" --pages {args.pages} --versions {args.versions}"
    before, after = loads
    cpu = (
        "Server CPU is the server's user + system time (its worker processes' with "
        "`--workers`) over the requests answered; it rises when the machine is busy."
        if args.load == "wrk"
        else ""
    )
    return (
        f"Command: `{command} --write docs/benchmarks.md`, "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. "
        f"SQLite, {counts['pages']:,} articles, {counts['versions']:,} versions, "
        f"{counts['changes']:,} changes, {counts.get('stories', 0):,} stories; "
        f"`storyline serve --read-only --workers {args.workers}`; {os.cpu_count()} cores, "
        f"load average {before[0]:.1f} before and {after[0]:.1f} after the run. "
        f"{cpu}\n\n{report}"
    )


if __name__ == "__main__":
    main()
