"""Followers benchmark: pages per minute of one ``storyline watch`` and of three on one PostgreSQL.

Why: a newsroom following thousands of sources adds followers when one cannot revisit
them on time. More followers help only if sharing the work (claims in the database,
politeness shared through it) costs little: three followers should read about three
times the pages of one, while every host still sees one follower's pace.

Set-up, the same for every run: a fresh database on a throwaway PostgreSQL cluster
(``tests/fixtures/postgres.py``), the local newsroom serving ``--hosts`` hosts whose
article pages answer after ``--latency`` seconds (far servers: a follower's time goes to
waiting, as on the real web), ``storyline follow`` of every host's feed, then N
``storyline watch --name wK`` processes until every article has been fetched. Each
follower is bounded as a real one is by what it may have in flight: ``--lanes`` hosts at
a time (``poll_hosts``), as many pages fetched at once (``poll_workers``); per-host
spacing is ``--delay`` seconds whichever follower asks. The hosts allow the pace (20 hosts
at one request a second each are more than three followers ask for).

Figures, from the newsroom's request log: article pages per minute between the first and
the last article request; the followers' CPU seconds per page (this process's reaped
children: the watch processes); checks that no article was fetched twice and the
smallest gap between two requests to one host.

Usage:
    .venv/bin/python benchmarks/followers.py [--articles 180] [--hosts 20] [--latency 1.0]
        [--lanes 2] [--delay 1.0] [--followers 1 3] [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from markdown_sections import replace_block  # noqa: E402  (benchmarks/ is on sys.path)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
SECTION = "## Followers: many on one PostgreSQL"

from fixtures.newsroom import PRIVATE_PATH, Newsroom  # noqa: E402
from fixtures.postgres import running_postgres  # noqa: E402


@dataclass
class Run:
    """One run with ``followers`` watch processes."""

    followers: int
    articles: int
    seconds: float
    cpu: float
    fetched_twice: int
    min_gap: float
    by_follower: dict[str, int]

    @property
    def per_minute(self) -> float:
        return self.articles / self.seconds * 60 if self.seconds else 0.0


def _env(args: argparse.Namespace, config: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "STORYLINE_THROTTLE_DELAY": str(args.delay),
        "STORYLINE_THROTTLE_ADAPTIVE": "0",
        "STORYLINE_POLL_HOSTS": str(args.lanes),
        "STORYLINE_POLL_WORKERS": str(args.lanes),
        "STORYLINE_FETCH_RETRIES": "0",
        "STORYLINE_CONFIG": str(config),
    }
    env.pop("STORYLINE_DB", None)
    return env


def _storyline(*args: str, env: dict[str, str]) -> None:
    command = [sys.executable, "-m", "storyline", *args]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    if done.returncode:
        raise SystemExit(f"storyline {args[0]} failed: {done.stderr[-2000:]}")


def _articles(room: Newsroom, hosts: int) -> set[tuple[int, str]]:
    return {
        (host, page.path)
        for host in range(hosts)
        for page in room.host_pages(host)
        if page.in_feeds and page.path != PRIVATE_PATH
    }


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def one_run(db: str, followers: int, args: argparse.Namespace, tmp: Path) -> Run:
    """Follow the newsroom's feeds, then run ``followers`` watchers until all is fetched."""
    env = _env(args, tmp / "absent.toml")
    with Newsroom(n_articles=args.articles, n_hosts=args.hosts, latency=args.latency) as room:
        feeds = room.feed_urls()
        _storyline("follow", *feeds, "--every", "1h", "--db", db, "--allow-private", env=env)
        wanted = _articles(room, args.hosts)
        cpu_before = _children_cpu()
        procs = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "storyline",
                    "watch",
                    "--name",
                    f"w{n + 1}",
                    "--db",
                    db,
                    "--allow-private",
                ],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )  # fmt: skip
            for n in range(followers)
        ]
        deadline = time.monotonic() + args.timeout
        try:
            while True:
                got = {(r.host, r.path) for r in room.requests if r.method == "GET"}
                if wanted <= got:
                    break
                for proc in procs:
                    if proc.poll() is not None:
                        raise SystemExit(
                            f"a watcher stopped: {proc.stderr.read().decode()[-2000:]}"
                        )
                if time.monotonic() > deadline:
                    raise SystemExit(f"not all fetched after {args.timeout} s")
                time.sleep(0.2)
        finally:
            for proc in procs:
                proc.send_signal(signal.SIGTERM)
            for proc in procs:
                try:
                    proc.wait(timeout=120)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        cpu = _children_cpu() - cpu_before
        requests = room.requests
    article_gets = [r for r in requests if r.method == "GET" and (r.host, r.path) in wanted]
    times = sorted(r.at for r in article_gets)
    counts = Counter((r.host, r.path) for r in article_gets)
    by_host: defaultdict[int, list[float]] = defaultdict(list)
    for request in requests:
        by_host[request.host].append(request.at)
    gaps = [b - a for ts in by_host.values() for a, b in zip(ts, ts[1:], strict=False)]
    return Run(
        followers=followers,
        articles=len(wanted),
        seconds=times[-1] - times[0],
        cpu=cpu,
        fetched_twice=sum(1 for c in counts.values() if c > 1),
        min_gap=min(gaps) if gaps else 0.0,
        by_follower=_pages_by_follower(db),
    )


def _pages_by_follower(db: str) -> dict[str, int]:
    from sqlalchemy import text

    from storyline.store import Store

    with Store.open(db) as store, store.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT last_worker, count(*) FROM work_claims WHERE kind = 'page' "
                 "GROUP BY last_worker")
        ).all()  # fmt: skip
    return {str(worker): int(n) for worker, n in rows}


def _table(runs: list[Run], args: argparse.Namespace) -> str:
    one = next((r for r in runs if r.followers == 1), None)
    lines = [
        "| followers | articles | seconds | pages/minute | vs one | CPU-s per page "
        "| fetched twice | smallest per-host gap (s) | pages by follower |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for run in runs:
        ratio = f"{run.per_minute / one.per_minute:.2f}x" if one and one.per_minute else "-"
        split = ", ".join(f"{k} {v}" for k, v in sorted(run.by_follower.items()))
        lines.append(
            f"| {run.followers} | {run.articles} | {run.seconds:.1f} | {run.per_minute:.0f} "
            f"| {ratio} | {run.cpu / run.articles:.3f} | {run.fetched_twice} "
            f"| {run.min_gap:.2f} | {split} |"
        )
    command = (
        f"`.venv/bin/python benchmarks/followers.py --articles {args.articles} --hosts "
        f"{args.hosts} --latency {args.latency} --lanes {args.lanes} --delay {args.delay} "
        f"--followers {' '.join(map(str, args.followers))} --write docs/benchmarks.md`"
    )
    return "\n".join(lines) + f"\n\nCommand: {command}. Run on {time.strftime('%Y-%m-%d')}."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=180)
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--latency", type=float, default=1.0)
    parser.add_argument("--lanes", type=int, default=2)
    parser.add_argument("--delay", type=float, default=1.0)
    parser.add_argument("--followers", type=int, nargs="+", default=[1, 3])
    parser.add_argument("--timeout", type=float, default=900.0)
    parser.add_argument("--write", type=Path)
    args = parser.parse_args()
    runs: list[Run] = []
    with running_postgres() as server, tempfile.TemporaryDirectory() as tmp:
        for followers in args.followers:
            run = one_run(server.new_database(), followers, args, Path(tmp))
            runs.append(run)
            print(
                f"{followers} follower(s): {run.articles} pages in {run.seconds:.1f} s, "
                f"{run.per_minute:.0f}/min, {run.cpu / run.articles:.3f} CPU-s/page, "
                f"fetched twice {run.fetched_twice}, min gap {run.min_gap:.2f} s, "
                f"{run.by_follower}",
                flush=True,
            )
    table = _table(runs, args)
    print(table)
    if args.write:
        replace_block(args.write, SECTION, "followers", table)


if __name__ == "__main__":
    main()
