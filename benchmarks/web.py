"""Web benchmark: page and API latency under concurrent clients, on a big realistic store.

Builds (or reuses) a SQLite database with N pages and M versions by bulk insert: bodies
are the shared extraction pages' real article texts, headlines the shared story headlines;
later versions get the edits news pages get (UPDATE headline and block, a copy edit, an
added paragraph), with the matching change rows and the full-text index. Then it starts
``storyline serve --read-only`` in a subprocess on 127.0.0.1 and loads each target (home,
story, article, search pages; the JSON API) with C concurrent clients, reporting p50/p95
latency, throughput and the server's CPU per request.

The load comes from ``wrk`` when it is installed (``apt-get install wrk``; see
``web_wrk.py``: distinct URLs, then hot URLs, T seconds each), else from C httpx client
threads in this process (``--load httpx``: until R requests are done or T seconds pass),
which cost the server's machine 3-4 ms of CPU per request.

Usage:
    .venv/bin/python benchmarks/web.py [--pages 10000] [--versions 50000] [--clients 20]
        [--load wrk|httpx] [--requests 600] [--seconds 30] [--workers 1] [--db PATH]
        [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from markdown_sections import replace_section  # noqa: E402  (benchmarks/ is on sys.path)
from sqlalchemy import func, insert, select

from storyline.model import Article, Paragraph, Section
from storyline.store import Store, schema
from storyline.store.search import create_search_index

sys.path.insert(0, str(Path(__file__).resolve().parent))
import web_wrk  # noqa: E402 (benchmarks/ is not a package)

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / ".." / "shared" / "data"
COMMAND = ".venv/bin/python benchmarks/web.py --write docs/benchmarks.md"
SECTION = "## Web"
NOW = datetime.now(UTC).replace(microsecond=0)


# ----------------------------------------------------------------------------- the data


def _texts() -> tuple[list[list[str]], list[str]]:
    truth = json.loads((SHARED / "extraction" / "ground-truth.json").read_text("utf-8"))
    bodies = [
        [p.strip() for p in v["articleBody"].split("\n") if p.strip()]
        for _, v in sorted(truth.items())
    ]
    bodies = [b for b in bodies if len(b) >= 3]
    heads = []
    with (SHARED / "stories" / "googlenews-titles.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            text = json.loads(line)["textCleaned"].strip()
            if text:
                heads.append(text[0].upper() + text[1:])
    return bodies, heads


def _edit(article: Article, step: int, rng: random.Random) -> tuple[Article, list[dict]]:
    """The next version of ``article`` and its change rows, by the kind of edit news gets."""
    sections = [Section(s.kind, list(s.paragraphs), s.heading) for s in article.sections]
    body = sections[-1]
    kind = ("headline", "update_added", "copy_edit", "added")[step % 4]
    title = article.title or ""
    if kind == "headline":
        new_title = f"UPDATE: {title}" if not title.startswith("UPDATE") else title + " (video)"
        change = {"kind": "headline", "before": title, "after": new_title}
        title = new_title
    elif kind == "update_added":
        text = f"Officials gave new figures on day {step}: {rng.randint(2, 90)} in all."
        sections.insert(0, Section("update", [Paragraph(text)]))
        change = {"kind": "update_added", "after": text, "section": "update"}
    elif kind == "copy_edit":
        i = rng.randrange(len(body.paragraphs))
        old = body.paragraphs[i].text
        new = old.replace(" the ", " a ", 1) if " the " in old else old + "."
        body.paragraphs[i] = Paragraph(new)
        change = {"kind": "copy_edit", "before": old, "after": new, "section": "body"}
    else:
        text = f"This paragraph was added in revision {step + 1} with more detail on the events."
        body.paragraphs.append(Paragraph(text))
        change = {"kind": "added", "after": text, "section": "body"}
    new = Article(
        url=article.url,
        title=title,
        sections=sections,
        authors=article.authors,
        published=article.published,
        site_name=article.site_name,
    )
    return new, [change]


@dataclass
class _Batch:
    """Rows waiting for one bulk insert; ids are given here so versions and changes link."""

    pages: list[dict] = field(default_factory=list)
    versions: list[dict] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)
    version_id: int = 0
    change_id: int = 0

    def add_page(
        self,
        page: int,
        n_sites: int,
        count: int,
        heads: list[str],
        bodies: list[list[str]],
        rng: random.Random,
    ) -> None:
        """One page with ``count`` versions, each later one a realistic edit of the last."""
        site = page % n_sites
        url = f"https://site{site}.example/news/{page}"
        first_seen = NOW - timedelta(minutes=rng.randrange(30 * 24 * 60))
        article = Article(
            url=url,
            title=heads[page % len(heads)],
            site_name=f"Site {site}",
            sections=[Section("body", [Paragraph(t) for t in bodies[page % len(bodies)]])],
            published=first_seen.date().isoformat(),
        )
        at = first_seen
        for step in range(count):
            changes: list[dict] = []
            if step:
                article, changes = _edit(article, step, rng)
                at = min(NOW, at + timedelta(minutes=rng.randrange(10, 600)))
            self.version_id += 1
            self.versions.append(
                {
                    "id": self.version_id,
                    "page_id": page + 1,
                    "fetched_at": at,
                    "content_hash": article.content_hash(),
                    "title": article.title,
                    "text_length": len(article.body_text),
                    "article_json": json.dumps(article.to_dict(), ensure_ascii=False),
                }
            )
            for pos, change in enumerate(changes):
                self.change_id += 1
                self.changes.append(
                    {
                        "id": self.change_id,
                        "version_id": self.version_id,
                        "position": pos,
                        "kind": change["kind"],
                        "section": change.get("section"),
                        "before": change.get("before"),
                        "after": change.get("after"),
                    }
                )
        self.pages.append(
            {
                "id": page + 1,
                "url": url,
                "source_id": site + 1,
                "first_seen": first_seen,
                "title": article.title,
                "next_visit_at": at + timedelta(hours=3),
                "last_visit_at": at,
                "failures": 0,
                "last_status": 200,
                "latest_version_id": self.version_id,
                "version_count": count,
            }
        )


def build_database(path: Path, n_pages: int, n_versions: int, seed: int = 7) -> dict[str, int]:
    """Fill ``path`` with ``n_pages`` pages and about ``n_versions`` versions (bulk insert)."""
    rng = random.Random(seed)
    bodies, heads = _texts()
    store = Store.open(path)
    n_sites = 40
    with store.engine.begin() as conn:
        conn.execute(
            insert(schema.sources),
            [
                {
                    "id": s + 1,
                    "url": f"https://site{s}.example/rss.xml",
                    "kind": "feed",
                    "title": f"Site {s}",
                    "interval_s": 900.0,
                    "added_at": NOW - timedelta(days=40),
                    "next_visit_at": NOW + timedelta(minutes=s),
                    "last_visit_at": NOW,
                    "failures": 0,
                    "last_status": 200,
                }
                for s in range(n_sites)
            ],
        )
    extra = n_versions - n_pages
    counts = [1] * n_pages
    for _ in range(max(0, extra)):
        counts[min(int(rng.paretovariate(1.2)) - 1 + rng.randrange(n_pages // 2), n_pages - 1)] += 1
    batch = _Batch()
    for page in range(n_pages):
        batch.add_page(page, n_sites, counts[page], heads, bodies, rng)
        if len(batch.versions) > 5000 or page == n_pages - 1:
            _flush(store, batch.pages, batch.versions, batch.changes)
    with store.engine.begin() as conn:
        conn.execute(
            insert(schema.captures).from_select(
                ["page_id", "fetched_at", "content_hash"],
                select(
                    schema.versions.c.page_id,
                    schema.versions.c.fetched_at,
                    schema.versions.c.content_hash,
                ),
            )
        )
        create_search_index(conn)
    _build_stories(store, n_pages, rng)
    counts_now = store.counts()
    with store.engine.connect() as conn:
        counts_now["stories"] = conn.execute(
            select(func.count()).select_from(_stories_table())
        ).scalar_one()
    store.close()
    return counts_now


def _stories_table():  # noqa: ANN202 (a SQLAlchemy Table)
    from storyline.store.stories import stories_table

    return stories_table


def _flush(store: Store, pages: list[dict], versions: list[dict], changes: list[dict]) -> None:
    with store.engine.begin() as conn:
        if pages:
            conn.execute(insert(schema.pages), pages)
        conn.execute(insert(schema.versions), versions)
        if changes:
            conn.execute(insert(schema.changes), changes)
    pages.clear(), versions.clear(), changes.clear()


def _build_stories(store: Store, n_pages: int, rng: random.Random) -> None:
    """Group the pages into stories of 1-12 articles, written as the stories stage does."""
    from storyline.store.stories import items, stories_table

    p, v = schema.pages, schema.versions
    with store.engine.connect() as conn:
        pages = conn.execute(
            select(p.c.id, p.c.first_seen, p.c.latest_version_id, v.c.fetched_at, v.c.title)
            .join(v, v.c.id == p.c.latest_version_id)
            .order_by(p.c.first_seen)
        ).all()
    entity_pool = [
        "Denmark",
        "Mali",
        "France",
        "Jeppe Kofod",
        "European Union",
        "NATO",
        "United Nations",
        "Wagner Group",
        "Russia",
        "Germany",
    ]
    story_rows, item_rows, seq, index, story_id = [], [], 0, 0, 0
    while index < len(pages):
        size = min(len(pages) - index, rng.choice((1, 1, 2, 3, 4, 6, 8, 12)))
        members = pages[index : index + size]
        index += size
        story_id += 1
        names = rng.sample(entity_pool, 3)
        entities = [
            {"name": n, "kind": "place", "aliases": [], "mentions": rng.randint(1, 9)}
            for n in names
        ]
        timeline = [
            {
                "date": m.first_seen.isoformat(),
                "kind": "published",
                "text": m.title,
                "url": None,
                "end": None,
            }
            for m in members
        ]
        story_rows.append(
            {
                "id": story_id,
                "title": members[0].title,
                "article_count": size,
                "first_seen": members[0].first_seen,
                "last_updated": max(m.fetched_at for m in members),
                "entities_json": json.dumps(entities),
                "timeline_json": json.dumps(timeline),
            }
        )
        for member in members:
            seq += 1
            item_rows.append(
                {
                    "page_id": member.id,
                    "seq": seq,
                    "version_id": member.latest_version_id,
                    "thread_time": member.first_seen.timestamp(),
                    "entities_json": json.dumps(entities),
                    "story_id": story_id,
                }
            )
    with store.engine.begin() as conn:
        conn.execute(insert(stories_table), story_rows)
        conn.execute(insert(items), item_rows)


# ----------------------------------------------------------------------------- the load


@dataclass
class Target:
    """One thing to measure: a name and a function giving the next URL path."""

    name: str
    kind: str  # "page" or "api"
    path: Callable[[random.Random], str]
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    elapsed: float = 0.0
    alone_p50: float = 0.0


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


def targets(n_pages: int, n_stories: int, words: list[str]) -> list[Target]:
    """The pages and API calls measured, each drawing random ids and words."""
    found = [
        Target("home page `/`", "page", lambda r: "/"),
        Target(
            "article page `/articles/{id}`", "page", lambda r: f"/articles/{r.randint(1, n_pages)}"
        ),
        Target("search page `/search?q=...`", "page", lambda r: f"/search?q={r.choice(words)}"),
        Target("API `/api/articles?limit=50`", "api", lambda r: "/api/articles?limit=50"),
        Target(
            "API `/api/articles/{id}`", "api", lambda r: f"/api/articles/{r.randint(1, n_pages)}"
        ),
        Target("API `/api/search?q=...`", "api", lambda r: f"/api/search?q={r.choice(words)}"),
    ]
    if n_stories:
        found.insert(
            1,
            Target(
                "story page `/stories/{id}`",
                "page",
                lambda r: f"/stories/{r.randint(1, n_stories)}",
            ),
        )
        found.append(
            Target(
                "API `/api/stories/{id}`",
                "api",
                lambda r: f"/api/stories/{r.randint(1, n_stories)}",
            )
        )
    return found


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


def write_section(path: Path, body: str) -> None:
    """Put this benchmark's figures into its section of ``path`` (markdown_sections)."""
    replace_section(path, SECTION, body)


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
        "--load",
        choices=("wrk", "httpx"),
        default="wrk" if web_wrk.available() else "httpx",
        help="load generator: wrk (default when installed) or httpx client threads",
    )
    args = parser.parse_args()
    marker = args.db.with_suffix(f".{args.pages}-{args.versions}-v2.ok")
    if not marker.exists():
        for stale in args.db.parent.glob(args.db.name + "*"):
            stale.unlink()
        args.db.parent.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        counts = build_database(args.db, args.pages, args.versions)
        print(f"built {counts} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        marker.write_text(json.dumps(counts))
    counts = json.loads(marker.read_text())
    n_stories = counts.get("stories", 0)
    _, heads = _texts()
    words = sorted({w for h in heads[:2000] for w in h.lower().split() if len(w) > 4})
    proc, base = start_server(args.db, args.workers)
    try:
        if args.load == "wrk":
            pid = proc.pid if args.workers == 1 else None  # workers: the CPU is in children
            report = _run_wrk(base, targets(args.pages, n_stories, words), args, pid)
        else:
            report = _run_httpx(base, targets(args.pages, n_stories, words), args)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    print(report)
    if args.write:
        write_section(args.write, _section(report, counts, args))


def _run_wrk(base: str, found: list[Target], args: argparse.Namespace, pid: int | None) -> str:
    results = []
    for target in found:
        results.append(
            web_wrk.measure(
                base, target.name, target.kind, target.path, args.clients, args.seconds, pid
            )
        )
        print(f"{target.name}: done", file=sys.stderr)
    return web_wrk.table(results, args.clients)


def _run_httpx(base: str, found: list[Target], args: argparse.Namespace) -> str:
    results = []
    for target in found:
        run_target(base, target, 1, 40, 20)  # warm up, then one client alone
        target.latencies.clear()
        run_target(base, target, 1, 60, 20)
        target.alone_p50 = statistics.median(target.latencies)
        target.latencies.clear()
        target.errors = 0
        run_target(base, target, args.clients, args.requests, args.seconds)
        results.append(target)
        print(f"{target.name}: done", file=sys.stderr)
    return table(results, args.clients)


def _section(report: str, counts: dict[str, int], args: argparse.Namespace) -> str:
    cpu = os.cpu_count()
    if args.load == "wrk":
        load = (
            f"wrk, {args.clients} connections on 2 threads, {args.seconds:.0f} s per target "
            "and URL set after a 1 s warm-up: first distinct URLs (no URL asked twice until "
            "the list is used up), then the same 50 hot URLs"
        )
    else:
        load = (
            f"{args.clients} client threads (httpx, keep-alive) in the benchmark process, at "
            f"most {args.requests} requests or {args.seconds:.0f} s per target"
        )
    return (
        f"Command: `{COMMAND} --load {args.load}`\n\n"
        f"Database: SQLite, {counts['pages']:,} articles, {counts['versions']:,} versions, "
        f"{counts['changes']:,} changes (bulk-built from the shared pages' real article "
        f"texts and the shared headlines), {counts.get('stories', 0):,} stories. Server: "
        f"`storyline serve --read-only --workers {args.workers}` on 127.0.0.1; load: {load}; "
        f"machine: {cpu} cores shared with other work, so figures vary from run to run. "
        '"1 client p50" is the latency of one request at a time (no queueing).\n\n' + report
    )


if __name__ == "__main__":
    main()
