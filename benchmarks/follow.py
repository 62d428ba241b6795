"""Following benchmark: poll 1,000 changing articles across 20 hosts of the local newsroom.

The newsroom (``tests/fixtures/newsroom.py``) runs in a child process, so this process's
CPU time is storyline's alone: fetching (robots.txt, conditional GET), extraction,
sentence alignment and change classification, and storing. The throttle delay is off and
private addresses are allowed; robots.txt is still obeyed.

Three passes over the same database:
  1. first sight: the 20 feeds are read and every article is fetched, extracted, stored;
  2. revisit (``poll --all``): two thirds of the articles changed (an update block, or a
     typo fixed) and get a second version with its changes, one third answer 304;
  3. revisit again: nothing changed, every page answers 304.
Per pass: wall time, pages per second end to end, CPU milliseconds per page; then the
database size per stored version (after a WAL checkpoint). The newsroom's generated pages
are small, so a last step stores the 82 real news pages of ``../shared/data/extraction``
(one version each) to give the size per version of real pages.

Usage:
    .venv/bin/python benchmarks/follow.py [--articles 1000] [--hosts 20] [--workers 4]
"""

from __future__ import annotations

import argparse
import gzip
import multiprocessing as mp
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from storyline import pipeline  # noqa: E402
from storyline.config import Settings  # noqa: E402
from storyline.extract import extract_article  # noqa: E402
from storyline.sources.fetch import Fetcher  # noqa: E402
from storyline.store import Store  # noqa: E402

COMMAND = ".venv/bin/python benchmarks/follow.py --articles 1000 --hosts 20 --workers 4"
REAL_PAGES = ROOT / ".." / "shared" / "data" / "extraction" / "html"


def _serve(n_articles: int, n_hosts: int, bases: mp.Queue, stop: mp.Event) -> None:
    from fixtures.newsroom import Newsroom

    with Newsroom(n_articles=n_articles, n_hosts=n_hosts) as room:
        bases.put([room.base(h) for h in range(n_hosts)])
        stop.wait()


@dataclass
class Pass:
    """One poll pass and what it cost."""

    name: str
    report: pipeline.PollReport
    wall_s: float
    cpu_s: float

    def row(self) -> str:
        pages = max(self.report.pages_visited, 1)
        r = self.report
        outcome = (
            f"{r.new} new, {r.changed} changed, {r.unchanged} unchanged, "
            f"{r.not_modified} not modified, {len(r.failures)} failed"
        )
        return (
            f"| {self.name} | {r.pages_visited} | {outcome} | {self.wall_s:.1f} | "
            f"{r.pages_visited / self.wall_s:.0f} | {1000 * self.cpu_s / pages:.1f} |"
        )


def run(n_articles: int, n_hosts: int, workers: int) -> list[str]:
    """Run the three passes; return the markdown lines."""
    ctx = mp.get_context("spawn")
    bases: mp.Queue = ctx.Queue()
    stop = ctx.Event()
    server = ctx.Process(target=_serve, args=(n_articles, n_hosts, bases, stop), daemon=True)
    server.start()
    try:
        feeds = [base + "/feeds/rss.xml" for base in bases.get(timeout=60)]
        with tempfile.TemporaryDirectory() as tmp:
            return _passes(Path(tmp) / "follow.db", feeds, workers)
    finally:
        stop.set()
        server.join(timeout=10)


def _passes(db: Path, feeds: list[str], workers: int) -> list[str]:
    settings = Settings().replace(allow_private=True, throttle_delay=0.0, poll_workers=workers)
    passes: list[Pass] = []
    with Store.open(db, settings) as store, Fetcher(settings) as fetcher:
        for feed in feeds:
            store.add_source(feed, "feed", settings.feed_interval)
        for name, visit_all in (
            ("1. first sight", False),
            ("2. revisit, 2/3 changed", True),
            ("3. revisit, none changed", True),
        ):
            wall, cpu = time.perf_counter(), time.process_time()
            report = pipeline.poll(store, fetcher, settings, visit_all=visit_all)
            passes.append(Pass(name, report, time.perf_counter() - wall, time.process_time() - cpu))
        counts = store.counts()
        fetched = fetcher.stats
    con = sqlite3.connect(db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = con.execute(
        "SELECT sum(length(raw_html)), sum(length(article_json)) FROM versions"
    ).fetchone()
    con.close()
    size = db.stat().st_size
    lines = [
        "| pass | pages | outcome | wall s | pages/s | CPU ms/page |",
        "|---|---:|---|---:|---:|---:|",
        *(p.row() for p in passes),
        "",
        f"Stored: {counts['versions']:,} versions of {counts['pages']:,} pages "
        f"({counts['captures']:,} captures, {counts['changes']:,} changes). Database "
        f"{size / 1e6:.1f} MB = **{size / counts['versions'] / 1024:.1f} KiB per version** "
        f"(compressed raw HTML {raw[0] / counts['versions'] / 1024:.1f} KiB and Article JSON "
        f"{raw[1] / counts['versions'] / 1024:.1f} KiB per version, the rest indexes and "
        f"captures). Fetcher: {dict(sorted(fetched.items()))}.",
    ]
    return lines


def real_pages(folder: Path = REAL_PAGES) -> str:
    """Store each real page once; report database bytes per version and the CPU per store."""
    files = sorted(folder.glob("*.html.gz"))
    if not files:
        return f"(no real pages found in {folder})"
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "real.db"
        raw_total, store_cpu = 0, 0.0
        with Store.open(db) as store:
            for path in files:
                raw = gzip.decompress(path.read_bytes())
                raw_total += len(raw)
                article = extract_article(raw, url=f"https://example.org/{path.name[:12]}")
                cpu = time.process_time()
                pipeline.store_version(
                    store,
                    f"https://example.org/{path.name[:12]}",
                    pipeline_now(),
                    article,
                    raw,
                    "text/html",
                )
                store_cpu += time.process_time() - cpu
        con = sqlite3.connect(db)
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        stored_raw = con.execute("SELECT sum(length(raw_html)) FROM versions").fetchone()[0]
        con.close()
        size = db.stat().st_size
    n = len(files)
    return (
        f"Real pages ({n} from `../shared/data/extraction`, one version each): raw HTML "
        f"{raw_total / n / 1024:.0f} KiB per page, stored zlib-compressed in "
        f"{stored_raw / n / 1024:.1f} KiB; database **{size / n / 1024:.1f} KiB per "
        f"version**; storing (not extracting) took {1000 * store_cpu / n:.1f} ms CPU per "
        "page."
    )


def pipeline_now() -> datetime:
    """The capture time used for the real pages."""
    return datetime.now(UTC)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args(argv)
    lines = run(args.articles, args.hosts, args.workers)
    print(f"`{COMMAND}` ({args.articles} articles, {args.hosts} hosts, {args.workers} workers)\n")
    print("\n".join(lines))
    print()
    print(real_pages())
    return 0


if __name__ == "__main__":
    sys.exit(main())
