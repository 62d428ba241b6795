"""Store benchmark: the same captures stored in SQLite and in PostgreSQL, CPU per version.

Real articles (extracted once from the shared pages) are stored as captures of many
pages: each page sees a few captures, most unchanged, some changed, one in ten arriving
out of order (an older capture after a newer one). Then every page's versions are read
back, and a few word searches run (FTS5 on SQLite, the tsvector index on PostgreSQL).
The compare function is a stub, so the figures are the store's own cost (hashing,
JSON, compression, SQL, the driver), not the revisions stage's.

CPU is the measure (the machine is shared): this process's CPU time, and for PostgreSQL
also the server's (the postmaster's own and reaped children's CPU plus its live
backends', read from /proc), since its work happens in other processes. PostgreSQL runs
on a throwaway cluster (``tests/fixtures/postgres.py``) with fsync off, so neither side
pays for durable commits: SQLite is in WAL mode with synchronous=NORMAL.

Usage:
    .venv/bin/python benchmarks/store_backends.py [--pages 400] [--captures 5]
        [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import gzip
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from markdown_sections import replace_block  # noqa: E402  (benchmarks/ is on sys.path)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
DATA = ROOT / ".." / "shared" / "data" / "extraction"
SECTION = "## Store: SQLite and PostgreSQL"
T0 = datetime(2026, 1, 1, tzinfo=UTC)
# word queries, each run SEARCH_REPEAT times: common, two words, rare, absent
SEARCHES = ("government", "the police", "plumes", "zzzqqq")
SEARCH_REPEAT = 5


@dataclass
class Result:
    """One backend's run."""

    name: str
    stored: int
    versions: int
    client_write_ms: float
    server_write_ms: float | None
    client_read_ms: float
    server_read_ms: float | None
    wall_write_ms: float
    client_search_ms: float
    server_search_ms: float | None


def _articles(count: int) -> list:
    from storyline import extract_article

    pages = sorted((DATA / "html").glob("*.html.gz"))[:count]
    return [extract_article(gzip.decompress(p.read_bytes())) for p in pages]


def _captures(pages: int, per_page: int, articles: list, seed: int = 7) -> list[tuple]:
    """(url, time, article, raw) captures: per page a run of mostly unchanged content."""
    rng = random.Random(seed)
    out = []
    for page in range(pages):
        url = f"https://news.example/{page}"
        content = rng.randrange(len(articles))
        page_captures = []
        for n in range(per_page):
            if rng.random() < 0.35:
                content = (content + 1) % len(articles)
            raw = f"<html>{page}:{content}</html>".encode() * 200
            page_captures.append((url, T0 + timedelta(hours=n), articles[content], raw))
        if rng.random() < 0.1:  # an older capture arrives last
            page_captures.append(page_captures.pop(rng.randrange(per_page - 1)))
        out.extend(page_captures)
    rng.shuffle(out)  # pages interleave, as a poll round visits them
    return out


def _server_cpu(data_dir: Path) -> float:
    """CPU seconds of the cluster: the postmaster (with reaped children) and live backends."""
    pid = int((data_dir / "postmaster.pid").read_text().split()[0])
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry) == pid:
            total += sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
        elif int(fields[1]) == pid:
            total += int(fields[11]) + int(fields[12])
    return total / tick


def _run(name: str, target: str | Path, captures: list, cpu_of_server) -> Result:
    from storyline.store import Store
    from storyline.store.search import SearchQuery, search_articles

    with Store.open(target) as store:
        server0, client0, wall0 = cpu_of_server(), time.process_time(), time.perf_counter()
        for url, at, article, raw in captures:
            store.store_version(url, at, article, raw, "text/html", compare=lambda old, new: [])
        client1, server1, wall1 = time.process_time(), cpu_of_server(), time.perf_counter()
        urls = sorted({c[0] for c in captures})
        for url in urls:
            store.versions(url)
        client2, server2 = time.process_time(), cpu_of_server()
        with store.engine.connect() as conn:
            for _ in range(SEARCH_REPEAT):
                for words in SEARCHES:
                    search_articles(conn, SearchQuery(words=words))
        client3, server3 = time.process_time(), cpu_of_server()
        versions = store.counts()["versions"]
    n = len(captures)
    searches = SEARCH_REPEAT * len(SEARCHES)
    server_write = (server1 - server0) * 1000 / n if name != "SQLite" else None
    server_read = (server2 - server1) * 1000 / len(urls) if name != "SQLite" else None
    return Result(
        name,
        n,
        versions,
        (client1 - client0) * 1000 / n,
        server_write,
        (client2 - client1) * 1000 / len(urls),
        server_read,
        (wall1 - wall0) * 1000 / n,
        (client3 - client2) * 1000 / searches,
        (server3 - server2) * 1000 / searches if name != "SQLite" else None,
    )


def _table(results: list[Result], pages: int) -> str:
    lines = [
        "| backend | captures stored | versions | write CPU ms/capture (client + server) "
        "| read CPU ms/page (client + server) | search CPU ms/query (client + server) "
        "| write wall ms/capture |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        server_w = f" + {r.server_write_ms:.2f}" if r.server_write_ms is not None else ""
        server_r = f" + {r.server_read_ms:.2f}" if r.server_read_ms is not None else ""
        server_s = f" + {r.server_search_ms:.2f}" if r.server_search_ms is not None else ""
        lines.append(
            f"| {r.name} | {r.stored:,} | {r.versions:,} | {r.client_write_ms:.2f}{server_w} "
            f"| {r.client_read_ms:.2f}{server_r} | {r.client_search_ms:.2f}{server_s} "
            f"| {r.wall_write_ms:.2f} |"
        )
    return "\n".join(lines) + f"\n\n({pages:,} pages; CPU from process_time and /proc.)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=400)
    parser.add_argument("--captures", type=int, default=5, help="captures per page")
    parser.add_argument("--write", type=Path, default=None, help="markdown file to update")
    args = parser.parse_args()
    from fixtures.postgres import find_bin_dir, running_postgres

    if find_bin_dir() is None:
        sys.exit("PostgreSQL is not installed (Debian: apt-get install postgresql)")
    captures = _captures(args.pages, args.captures, _articles(20))
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        results.append(_run("SQLite", Path(tmp) / "bench.db", captures, lambda: 0.0))
    with running_postgres() as server:
        url = server.new_database()
        results.append(_run("PostgreSQL 15", url, captures, lambda: _server_cpu(server.data)))
    table = _table(results, args.pages)
    print(table)
    if args.write:
        command = (
            f".venv/bin/python benchmarks/store_backends.py --pages {args.pages} "
            f"--captures {args.captures} --write {args.write}"
        )
        replace_block(args.write, SECTION, "store-backends", f"{table}\n\nCommand: `{command}`")


if __name__ == "__main__":
    main()
