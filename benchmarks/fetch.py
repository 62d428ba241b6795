"""Sources benchmark: the polite fetcher against the local newsroom, and the parsers.

Starts ``Newsroom(n_articles, n_hosts)`` from ``tests/fixtures`` (one HTTP server per
host on 127.0.0.1), then fetches every generated article from a thread pool through one
``Fetcher`` with ``throttle_delay``, three times:

- pass 1 (cold): robots.txt once per host, then every page;
- pass 2 (conditional): If-None-Match from pass 1; two thirds of the pages have changed
  (the newsroom moves them to their second version) and answer 200, the rest 304;
- pass 3 (conditional): nothing changed since pass 2, so every page should answer 304.

Politeness is checked from the server's own request log: the smallest gap between two
requests to one host must not be below ``throttle_delay``. A host that answers in 0.5 s
is then read by 4 workers with the adaptive throttle off and on, counting how many
requests wait on it at once. Then the parsers are timed
(CPU time, median of ``--repeat``): ``parse_feed`` on one host's RSS and Atom feeds,
``parse_sitemap`` on its sitemap, and ``detect_kind`` on the 82 real pages in
``../shared/data/extraction`` (all of them are articles).

Usage:
    .venv/bin/python benchmarks/fetch.py [--articles N] [--hosts N] [--workers N]
        [--delay S] [--repeat N] [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fixtures.newsroom import Newsroom, newsroom_settings  # noqa: E402
from markdown_sections import replace_block  # noqa: E402  (benchmarks/ is on sys.path)

from storyline.sources.detect import detect_kind  # noqa: E402
from storyline.sources.feeds import parse_feed  # noqa: E402
from storyline.sources.fetch import Fetcher, FetchResult  # noqa: E402
from storyline.sources.schedule import interleave_hosts  # noqa: E402
from storyline.sources.sitemaps import parse_sitemap  # noqa: E402

EXTRACTION = ROOT / ".." / "shared" / "data" / "extraction"
COMMAND = ".venv/bin/python benchmarks/fetch.py --write docs/benchmarks.md"
SECTION = "## Sources: polite fetcher"
START, END = "<!-- fetch-table:start -->", "<!-- fetch-table:end -->"


def fetch_pass(
    fetcher: Fetcher, urls: list[str], etags: dict[str, str | None], workers: int
) -> tuple[float, Counter[int]]:
    """Fetch every URL once from a pool; returns wall seconds and status counts."""
    statuses: Counter[int] = Counter()
    started = time.perf_counter()

    def one(url: str) -> FetchResult:
        return fetcher.fetch(url, etag=etags.get(url))

    with ThreadPoolExecutor(workers) as pool:
        for url, result in zip(urls, pool.map(one, urls), strict=True):
            statuses[result.status] += 1
            if not result.not_modified:
                etags[url] = result.etag
    return time.perf_counter() - started, statuses


def gaps(times: list[tuple[str, float]]) -> list[float]:
    """Sorted times between consecutive requests to the same host."""
    by_host: dict[str, list[float]] = defaultdict(list)
    for host, at in sorted(times, key=lambda item: item[1]):
        by_host[host].append(at)
    return sorted(b - a for ts in by_host.values() for a, b in zip(ts, ts[1:], strict=False))


def gap_summary(values: list[float], delay: float) -> str:
    return (
        f"{values[0]:.3f} / {values[len(values) // 100]:.3f} / "
        f"{statistics.median(values):.3f} s (throttle_delay {delay} s)"
    )


def cpu_median(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.process_time()
        fn()
        times.append(time.process_time() - started)
    return statistics.median(times)


def network_rows(args: argparse.Namespace) -> list[tuple[str, str]]:
    settings = newsroom_settings(throttle_delay=args.delay, throttle_adaptive=True, fetch_retries=0)
    rows = []
    sent: list[tuple[str, float]] = []

    def on_send(request: httpx.Request) -> None:  # runs as the request goes out
        sent.append((request.url.netloc.decode(), time.monotonic()))

    client = httpx.Client(event_hooks={"request": [on_send]})
    with (
        Newsroom(n_articles=args.articles, n_hosts=args.hosts) as room,
        Fetcher(settings, client) as f,
    ):
        urls = interleave_hosts(u for u in room.article_urls() if "/gen/" in u)
        etags: dict[str, str | None] = {}
        for name in ("pass 1 (cold)", "pass 2 (conditional)", "pass 3 (conditional)"):
            seconds, statuses = fetch_pass(f, urls, etags, args.workers)
            counts = ", ".join(f"{n}×{s}" for s, n in sorted(statuses.items()))
            rows.append(
                (
                    f"{name}: {len(urls)} pages",
                    f"{seconds:.2f} s wall, {len(urls) / seconds:.0f} pages/s; {counts}",
                )
            )
        robots = len([r for r in room.requests if r.path == "/robots.txt"])
        rows.append(("robots.txt requests", f"{robots} for {args.hosts} hosts"))
        rows.append(
            (
                "gap between requests to one host as sent: min / 1st pct / median",
                gap_summary(gaps(sent), args.delay),
            )
        )
        arrived = [(str(r.host), r.at) for r in room.requests]
        rows.append(
            ("the same gaps as the server saw them arrive", gap_summary(gaps(arrived), args.delay))
        )
        floor = len(urls) / args.hosts * args.delay
        rows.append(("throttle floor per pass", f"{floor:.2f} s (pages per host × delay)"))
        host0 = room.base(0)
        rss = f.fetch(host0 + "/feeds/rss.xml").content
        atom = f.fetch(host0 + "/feeds/atom.xml").content
        smap = f.fetch(host0 + "/sitemap.xml").content
    client.close()
    n_entries = len(parse_feed(rss, host0 + "/feeds/rss.xml").entries)
    for label, fn in (
        ("parse_feed RSS", lambda: parse_feed(rss, host0)),
        ("parse_feed Atom", lambda: parse_feed(atom, host0)),
        ("parse_sitemap", lambda: parse_sitemap(smap, host0)),
    ):
        ms = cpu_median(fn, args.repeat) * 1000
        rows.append((f"{label} ({n_entries} entries)", f"{ms:.1f} ms CPU"))
    return rows


class Spans:
    """Records when each request went out and when its answer's headers came back."""

    def __init__(self) -> None:
        self.starts: dict[int, float] = {}
        self.spans: list[tuple[float, float]] = []

    def sent(self, request: httpx.Request) -> None:
        self.starts[id(request)] = time.monotonic()

    def answered(self, response: httpx.Response) -> None:
        self.spans.append((self.starts[id(response.request)], time.monotonic()))

    def mean_in_flight(self) -> float:
        """Requests waiting for an answer, on average over the whole run."""
        wall = max(e for _, e in self.spans) - min(s for s, _ in self.spans)
        return sum(e - s for s, e in self.spans) / wall


def slow_host_rows(pages: int = 12, workers: int = 4) -> list[tuple[str, str]]:
    """A host that takes 0.5 s per answer, read by a pool: how many requests pile up."""
    rows = []
    with Newsroom(slow_delay=0.5) as room:
        host = room.url("/").split("//")[1].rstrip("/")
        for adaptive in (False, True):
            spans = Spans()
            hooks = {"request": [spans.sent], "response": [spans.answered]}
            settings = newsroom_settings(throttle_delay=0.1, throttle_adaptive=adaptive)
            with httpx.Client(event_hooks=hooks) as client, Fetcher(settings, client) as f:
                started = time.perf_counter()
                with ThreadPoolExecutor(workers) as pool:
                    list(pool.map(f.fetch, [room.url("/slow")] * pages))
                wall = time.perf_counter() - started
                learned = f.throttle.delay_for(host)
            rows.append(
                (
                    f"slow host (0.5 s answers), {workers} workers, throttle_delay 0.1 s, "
                    f"throttle_adaptive {str(adaptive).lower()}",
                    f"{spans.mean_in_flight():.1f} requests in flight on average; {pages} pages "
                    f"in {wall:.1f} s; delay at the end {learned:.2f} s",
                )
            )
    return rows


def detect_rows(repeat: int) -> list[tuple[str, str]]:
    truth = json.loads((EXTRACTION / "ground-truth.json").read_text(encoding="utf-8"))
    results = [
        FetchResult(
            item["url"],
            item["url"],
            200,
            gzip.decompress((EXTRACTION / "html" / f"{pid}.html.gz").read_bytes()),
            {},
            "text/html",
            None,
            None,
            datetime.now(UTC),
            False,
        )
        for pid, item in truth.items()
    ]
    kinds = Counter(detect_kind(r) for r in results)
    ms = cpu_median(lambda: [detect_kind(r) for r in results], repeat) * 1000 / len(results)
    return [
        (
            f"detect_kind on {len(results)} real article pages",
            f"{kinds['article']}/{len(results)} article; {ms:.2f} ms CPU per page",
        )
    ]


def table(rows: list[tuple[str, str]], args: argparse.Namespace) -> str:
    lines = [
        f"Newsroom of {args.articles} articles on {args.hosts} hosts, {args.workers} "
        f"worker threads, throttle_delay {args.delay} s.",
        "",
        "| measure | result |",
        "|---|---|",
    ]
    lines += [f"| {name} | {value} |" for name, value in rows]
    return "\n".join(lines)


def write_section(doc: Path, body: str) -> None:
    """Put this benchmark's figures into its section of ``doc`` (markdown_sections)."""
    replace_block(doc, SECTION, "fetch-table", body, preamble=f"Command: `{COMMAND}`\n\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=600)
    parser.add_argument("--hosts", type=int, default=30)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--delay", type=float, default=0.2)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--write", type=Path, default=None)
    args = parser.parse_args()
    body = table(network_rows(args) + slow_host_rows() + detect_rows(args.repeat), args)
    print(body)
    if args.write:
        write_section(args.write, body)


if __name__ == "__main__":
    main()
