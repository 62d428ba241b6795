"""Threading into a full store: how long one new article takes with 1,000 and 5,000 stored.

Builds a SQLite store in a temporary folder from the labelled Google News headlines of
``../shared/data/stories``: each article's headline is one headline, its body 40 other
headlines of the same story (seeded sampling, so runs are repeatable), published one
minute after the one before, stored as the pipeline stores a page (with the copy
detector's signature). The store is threaded once (``rethread``), then one new
article at a time is stored and threaded with ``thread_new_versions``, timed with
``time.perf_counter`` (wall clock: it includes SQLite reads and writes) and
``time.process_time`` (CPU of this process, steadier on a shared machine):

- ``first in a process``: the first call after opening the store; anything a process
  keeps between calls is not there yet.
- ``next``: the median of the following calls in the same process, which is what a
  long-running ``storyline watch`` pays per new article.

Entities come from ``NullRecognizer`` (text-only threading) so the figures show the
threading itself; ``--spacy`` adds a run with the default spaCy pipeline (loaded before
timing) for the 1,000-article store.

``--no-snapshots`` stops the store from writing threader snapshots, so "first in a
process" replays the whole threading log (what every new process paid before them).

Usage:
    .venv/bin/python benchmarks/threading_store.py [--sizes 1000,5000] [--spacy]
        [--no-snapshots]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

from storyline.config import Settings
from storyline.model import Article, Paragraph, Section
from storyline.pipeline import stories as story_pipeline
from storyline.pipeline import story_threader
from storyline.pipeline.copies import CopyIndexer
from storyline.pipeline.storing import store_version
from storyline.store import Store
from storyline.stories.entities import EntityRecognizer, NullRecognizer, SpacyRecognizer

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT / ".." / "shared" / "data" / "stories" / "googlenews-titles.jsonl"
T0 = datetime(2024, 1, 1, tzinfo=UTC)
BODY_HEADLINES = 40
NEW_ARTICLES = 6


def articles(path: Path) -> list[Article]:
    """One article per headline, in arrival order, with a body from its own story."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    by_story: defaultdict[int, list[str]] = defaultdict(list)
    for row in rows:
        by_story[int(row["clusterNo"])].append(row["textCleaned"])
    found = []
    for index, row in enumerate(rows):
        pool = by_story[int(row["clusterNo"])]
        picked = random.Random(index).choices(pool, k=BODY_HEADLINES)
        paragraphs = [Paragraph(". ".join(picked[i : i + 5]) + ".") for i in range(0, 40, 5)]
        found.append(
            Article(
                url=f"https://news.example/{index}",
                title=row["textCleaned"],
                published=(T0 + timedelta(minutes=index)).isoformat(),
                sections=[Section("body", paragraphs)],
            )
        )
    return found


def fill(store: Store, batch: list[Article], start: int) -> None:
    """Store every article of ``batch`` (the ``start``-th article first) as the pipeline
    stores a page: with its copy detector's signature, which threading then reuses."""
    copies = CopyIndexer.from_settings(Settings())
    for offset, article in enumerate(batch):
        store_version(
            store, article.url or "", T0 + timedelta(minutes=start + offset), article, copies=copies
        )


def time_new(
    path: Path, new: list[Article], start: int, recognizer: EntityRecognizer
) -> tuple[float, float, float, float]:
    """Seconds to thread the first new article in a fresh process-like open, then the
    median of the next ones: wall clock, then CPU time of this process."""
    seconds, cpu = [], []
    live = story_threader.LiveThreader()  # what a process keeps between passes
    with Store.open(path) as store:
        for offset, article in enumerate(new):
            fill(store, [article], start + offset)
            began, began_cpu = time.perf_counter(), time.process_time()
            story_pipeline.thread_new_versions(
                store, [article.url or ""], recognizer=recognizer, threader=live
            )
            seconds.append(time.perf_counter() - began)
            cpu.append(time.process_time() - began_cpu)
    return seconds[0], statistics.median(seconds[1:]), cpu[0], statistics.median(cpu[1:])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--sizes", default="1000,5000")
    parser.add_argument("--spacy", action="store_true", help="Add a run with spaCy entities.")
    parser.add_argument(
        "--no-snapshots",
        action="store_true",
        help="Never write threader snapshots: the first call in a process replays the log.",
    )
    args = parser.parse_args(argv)
    if args.no_snapshots:
        story_threader.SNAPSHOT_EVERY = sys.maxsize
    sizes = sorted(int(s) for s in args.sizes.split(","))
    stream = articles(args.data)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        path, stored = Path(folder) / "bench.db", 0
        for size in sizes:
            with Store.open(path) as store:
                fill(store, stream[stored:size], stored)
                began, began_cpu = time.perf_counter(), time.process_time()
                story_pipeline.rethread(store, recognizer=NullRecognizer())
                rethread_seconds = time.perf_counter() - began
                rethread_cpu = time.process_time() - began_cpu
            stored = size
            runs = [("text only", NullRecognizer())]
            if args.spacy and size == sizes[0]:
                runs.append(("spaCy", SpacyRecognizer()))
            for label, recognizer in runs:
                new = stream[stored : stored + NEW_ARTICLES]
                first, following, first_cpu, next_cpu = time_new(path, new, stored, recognizer)
                stored += len(new)
                rows.append(
                    (
                        size,
                        label,
                        rethread_seconds,
                        first,
                        following,
                        rethread_cpu,
                        first_cpu,
                        next_cpu,
                    )
                )
                print(rows[-1], file=sys.stderr, flush=True)
    print(
        "| stored articles | entities | rethread all (s) | first in a process (s) | next (s) "
        "| rethread CPU (s) | first CPU (s) | next CPU (s) |"
    )
    print("|---|---|---|---|---|---:|---:|---:|")
    for size, label, rethread_s, first, following, re_cpu, first_cpu, next_cpu in rows:
        print(
            f"| {size:,} | {label} | {rethread_s:.2f} | {first:.3f} | {following:.3f} "
            f"| {re_cpu:.2f} | {first_cpu:.3f} | {next_cpu:.3f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
