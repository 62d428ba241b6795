"""Hostile input benchmark (issue #17): the error contract and the extraction budget over
thousands of mutated and generated pages, and a poll beside slow-header hosts.

Part 1, pages: ``--pages`` pages (default 10,000), most of them real news pages (the 82
annotated shared pages and the 683 dragnet pages, whole) changed by ``tests/mutations``'
operations with a fixed seed, one in twenty generated to be hostile (tiny spans,
thousands of attributes, deep nesting, deep JSON-LD, at growing sizes). Each is
extracted in the budgeted worker pool (``storyline.sandbox.WorkerPool``, the one the
pipeline uses) by a probe that reports how the extraction ended (an Article, a
StorylineError, or another exception), its CPU time and the worker's peak RSS. Counted:
exceptions other than StorylineError (goal 0), pages that ran past the budget without
being stopped (goal 0: every page either finishes within it or is reported too_slow),
too_slow and too_big pages, and the peak worker memory against the limit.

Part 2, hosts: 20 local hosts, 18 newsroom hosts with ``--per-host`` articles each and 2
that trickle their headers forever. ``pipeline.poll`` visits everything, once with the
slow hosts followed and once without; reported: the time until the 18 good hosts' pages
are all fetched, both ways (goal: within 10 % of each other).

Usage:
    .venv/bin/python benchmarks/hostile.py [--pages N] [--budget S] [--workers N]
        [--per-host N] [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import resource
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fixtures.hostile import Trickler, attribute_page, span_page  # noqa: E402
from fixtures.newsroom import Newsroom, newsroom_settings  # noqa: E402
from markdown_sections import replace_block  # noqa: E402
from mutations import SNIPPETS  # noqa: E402

from storyline import pipeline  # noqa: E402
from storyline.sandbox import Budget, WorkerPool, budget_error  # noqa: E402
from storyline.sources.fetch import Fetcher  # noqa: E402
from storyline.store import Store  # noqa: E402

SHARED = ROOT / ".." / "shared" / "data"
SECTION = "## Hostile input"


def probe(data: bytes, url: str) -> tuple[str, float, float, int]:
    """Runs in a worker: (how extraction ended, wall and CPU seconds, the worker's peak
    RSS in KiB)."""
    from storyline.errors import StorylineError
    from storyline.sandbox.work import extract_page_bytes

    wall, started = time.monotonic(), time.process_time()
    try:
        extract_page_bytes(data, url)
        outcome = "article"
    except StorylineError:
        outcome = "storyline_error"
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - what the benchmark counts
        outcome = f"other:{type(exc).__name__}"
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return outcome, time.monotonic() - wall, time.process_time() - started, peak


def real_pages() -> list[bytes]:
    """The shared annotated pages and the dragnet pages, whole."""
    pages = []
    for folder in ("extraction", "extraction-dragnet"):
        html = SHARED / folder / "html"
        for path in sorted(html.glob("*.htm*"))[:1000] if html.exists() else []:
            data = path.read_bytes()
            pages.append(gzip.decompress(data) if path.suffix == ".gz" else data)
    return pages


def mutate(page: bytes, rng: random.Random) -> bytes:
    """``tests/mutations``' operations, drawn from ``rng``."""
    data = bytearray(page)
    for _ in range(rng.randint(1, 4)):
        where = rng.randint(0, len(data))
        kind = rng.choice(["snippet", "snippet", "delete", "repeat", "byte", "junk"])
        if kind == "snippet":
            data[where:where] = rng.choice(SNIPPETS)
        elif kind == "delete":
            del data[where : where + rng.randint(1, 2_000)]
        elif kind == "repeat":
            data[where:where] = data[where : where + rng.randint(1, 500)] * rng.randint(2, 20)
        elif kind == "byte" and data:
            data[min(where, len(data) - 1)] = rng.randint(0, 255)
        else:
            data[where:where] = rng.randbytes(rng.randint(1, 64))
    return bytes(data)


def generated(rng: random.Random) -> bytes:
    """A page built to be hostile, at a random size."""
    kind = rng.choice(["spans", "attributes", "nesting", "json_ld"])
    size = rng.choice([1_000, 10_000, 50_000, 150_000])
    if kind == "spans":
        return span_page(size)
    if kind == "attributes":
        return attribute_page(size)
    if kind == "nesting":
        return b"<html><body>" + b"<div>" * size + b"x" + b"</div>" * size + b"</body></html>"
    deep = b'{"@graph":[' * size + b"{}" + b"]}" * size
    return b'<html><head><script type="application/ld+json">' + deep + b"</script></head></html>"


def run_pages(count: int, budget: Budget, workers: int, seed: int) -> dict[str, object]:
    rng = random.Random(seed)
    originals = real_pages()
    pages = [
        generated(rng) if i % 20 == 19 else mutate(rng.choice(originals), rng) for i in range(count)
    ]
    outcomes: Counter[str] = Counter()
    unreported = peak = 0
    cpu = 0.0
    started = time.monotonic()
    with WorkerPool(workers, budget) as pool:
        futures = [
            pool.submit(probe, page, f"https://fuzz.example/{i}") for i, page in enumerate(pages)
        ]
        for future in futures:
            try:
                outcome, wall, seconds, rss = future.result()
            except Exception as exc:  # noqa: BLE001 - sorted below
                problem = budget_error(exc, budget)
                outcomes[problem.kind if problem else f"worker:{type(exc).__name__}"] += 1
                continue
            outcomes[outcome] += 1
            cpu += seconds
            peak = max(peak, rss)
            if wall > budget.seconds:  # it finished, but past the budget: not stopped
                unreported += 1
    others = sum(n for kind, n in outcomes.items() if kind.startswith(("other:", "worker:")))
    return {
        "pages": count,
        "outcomes": dict(sorted(outcomes.items())),
        "other_exceptions": others,
        "over_budget_unreported": unreported,
        "peak_worker_rss_mib": round(peak / 1024, 1),
        "memory_limit_mib": budget.memory_mb,
        "cpu_seconds_in_finished_pages": round(cpu, 1),
        "wall_seconds": round(time.monotonic() - started, 1),
    }


def poll_time(per_host: int, slow: bool, settings) -> float:
    """Seconds until every page of the 18 good hosts has been fetched by one poll."""
    with (
        Newsroom(n_articles=18 * per_host, n_hosts=18) as room,
        Trickler(interval=0.5) as slow_a,
        Trickler(interval=0.5) as slow_b,
        tempfile.TemporaryDirectory() as tmp,
        Store.open(Path(tmp) / "h.db", settings) as store,
        Fetcher(settings) as fetcher,
    ):
        now = datetime.now(UTC)
        good = [u for u in room.article_urls() if "/gen/" in u]
        for url in good:
            store.add_page(url, first_seen=now)
        if slow:
            for server in (slow_a, slow_b):
                for i in range(per_host):
                    store.add_page(server.url(f"/gen/{i}"), first_seen=now)
        fetched: dict[str, float] = {}
        started = time.monotonic()

        def progress(_done: int, _total: int, result) -> None:
            if result.url in set(good) and result.outcome != "failed":
                fetched[result.url] = time.monotonic() - started

        pipeline.poll(store, fetcher, settings, now=now, visit_all=False, on_progress=progress)
        assert len(fetched) == len(good), f"{len(fetched)} of {len(good)} good pages fetched"
        return max(fetched.values())


def run_hosts(per_host: int) -> dict[str, object]:
    settings = newsroom_settings(
        throttle_delay=1.0, fetch_timeout=5.0, fetch_total_timeout=10.0, extract_budget=20.0
    )
    without = poll_time(per_host, False, settings)
    beside = poll_time(per_host, True, settings)
    return {
        "hosts": "18 good + 2 slow-header",
        "pages_per_host": per_host,
        "poll_hosts": settings.poll_hosts,
        "good_pages_fetched_without_slow_s": round(without, 1),
        "good_pages_fetched_beside_slow_s": round(beside, 1),
        "ratio": round(beside / without, 3),
    }


def table(pages: dict[str, object], hosts: dict[str, object]) -> str:
    lines = ["| figure | value | goal |", "|---|---|---|"]
    lines.append(f"| pages (mutated real + 1 in 20 generated) | {pages['pages']:,} | 10,000 |")
    lines.append(f"| exceptions other than StorylineError | {pages['other_exceptions']} | 0 |")
    lines.append(f"| pages over the budget, unreported | {pages['over_budget_unreported']} | 0 |")
    outcomes = pages["outcomes"]
    assert isinstance(outcomes, dict)
    for kind, count in outcomes.items():
        lines.append(f"| outcome `{kind}` | {count:,} | |")
    lines.append(
        f"| peak worker RSS (MiB) | {pages['peak_worker_rss_mib']} | under the "
        f"{pages['memory_limit_mib']} MiB limit |"
    )
    lines.append(f"| wall time of the pages (s) | {pages['wall_seconds']} | |")
    lines.append(
        f"| good hosts' pages fetched, without the slow hosts (s) | "
        f"{hosts['good_pages_fetched_without_slow_s']} | |"
    )
    lines.append(
        f"| good hosts' pages fetched, beside 2 slow-header hosts (s) | "
        f"{hosts['good_pages_fetched_beside_slow_s']} | within 10 % |"
    )
    lines.append(f"| ratio | {hosts['ratio']} | ≤ 1.10 |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--budget", type=float, default=5.0, help="extraction budget (s)")
    parser.add_argument("--memory", type=int, default=2048, help="worker memory limit (MiB)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--per-host", type=int, default=5)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--write", type=Path, default=None)
    args = parser.parse_args()
    if args.pages < 1 or args.workers < 1 or args.per_host < 1:
        parser.error("--pages, --workers and --per-host must be positive")
    pages = run_pages(args.pages, Budget(args.budget, args.memory), args.workers, args.seed)
    print(json.dumps(pages, indent=2))
    hosts = run_hosts(args.per_host)
    print(json.dumps(hosts, indent=2))
    body = table(pages, hosts)
    print(body)
    if args.write:
        given = " ".join(sys.argv[1:])
        preamble = f"Command: `.venv/bin/python benchmarks/hostile.py {given}`\n\n"
        replace_block(args.write, SECTION, "hostile-table", preamble + body, preamble="")


if __name__ == "__main__":
    main()
