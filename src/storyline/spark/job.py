"""The archive backfill on Apache Spark: WARC/ARC files in, a Parquet dataset out.

Stages, each calling the same pure code ``storyline ingest`` calls (never the store):

1. **extract** (one task per input file, resumable): ``extracting.extract_input``.
2. **versions** (captures grouped by URL, a shuffle): ``versions.page_rows`` orders each
   page's captures as the version writer would and compares consecutive versions.
3. **copies** (band keys grouped, a shuffle; then label propagation): ``copies``.
4. **stories**: the pages threaded into stories in time windows, each window a task, the
   stories joined across window borders on the driver (``spark.stories``).
5. **write**: every table is written by the executors into a staging folder, which then
   replaces the previous run's tables; ``_SUCCESS`` holds the run's report.

Run it from the CLI (``storyline spark ingest PATH... --out DIR [--master URL]``) or with
``spark-submit`` on this module (see docs/scale.md); both end in ``run_backfill``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from storyline.config import Settings, load_settings
from storyline.duplicates import LshParams
from storyline.durations import parse_duration
from storyline.errors import InputError
from storyline.sandbox import Budget
from storyline.spark.copies import copy_groups
from storyline.spark.dataset import ALL_TABLES, Output
from storyline.spark.extracting import extract_input
from storyline.spark.inputs import expand_inputs, input_id
from storyline.spark.stories import (
    PASSES,
    empty_story_tables,
    thread_stories,
    window_seconds,
)
from storyline.spark.tables import capture_rows, write_part
from storyline.spark.versions import page_rows

if TYPE_CHECKING:
    from pyspark import RDD, SparkContext
    from pyspark.sql import SparkSession

APP_NAME = "storyline backfill"
CAPTURES_PER_TASK = 5000
LOCAL_JVM_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"


@dataclass
class BackfillReport:
    """What a backfill run did."""

    inputs: int = 0
    inputs_skipped: int = 0
    records: int = 0
    captures: int = 0
    pages: int = 0
    versions: int = 0
    changes: int = 0
    copies: int = 0
    threaded: bool = True  # False: --no-thread, the story tables are empty
    stories: int = 0
    story_window: float = 0.0  # seconds
    story_passes: int = 0
    problems: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (``storyline spark ingest --json`` and ``_SUCCESS``)."""
        data = dict(self.__dict__)
        data["problems"] = dict(sorted(self.problems.items()))
        data["seconds"] = round(self.seconds, 3)
        return data


def spark_session(master: str | None, app_name: str = APP_NAME) -> SparkSession:
    """A SparkSession: on ``master`` when given, else whatever ``spark-submit`` set up
    (``local[*]`` when run plainly). UTC everywhere, so times never shift by zone."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise InputError(
            "Spark is not installed: pip install 'storyline[spark]' (and a Java 17+ runtime)"
        ) from exc
    builder = SparkSession.builder.appName(app_name).config("spark.sql.session.timeZone", "UTC")
    if master:
        builder = builder.master(master)
    if master is not None and master.startswith("local"):
        # One short-lived JVM on this machine: C1-compiled code and the serial collector
        # cost it about half the CPU of its defaults (JIT threads, parallel GC) for a run
        # of minutes (benchmarks/spark.py); a cluster's JVMs keep their own settings.
        builder = builder.config("spark.driver.extraJavaOptions", LOCAL_JVM_OPTIONS)
    if master is None or master.startswith("local"):
        # Workers on this machine run this Python, which has storyline installed (Spark
        # reads PYSPARK_PYTHON when it starts them); on a cluster, spark-submit's
        # configuration names the environment shipped to the executors (docs/scale.md).
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    return builder.getOrCreate()


def run_backfill(
    inputs: Sequence[str],
    out: str,
    settings: Settings,
    spark: SparkSession,
    story_window: float | None = None,
    thread: bool = True,
    story_passes: int = PASSES,
) -> BackfillReport:
    """Extract, version, group and thread every capture of ``inputs`` into ``out``;
    stories in windows of ``story_window`` seconds (default: ``spark.stories``). Without
    ``thread`` the story tables stay empty (``storyline ingest --no-thread``)."""
    if story_passes < 1:
        raise InputError("--story-passes must be at least 1")
    started = time.monotonic()
    uris = expand_inputs(inputs)
    if not uris:
        raise InputError("no input files: give WARC/ARC/JSONL files, folders or @list files")
    output = Output.at(out)
    for folder in ("inputs", "captures"):
        output.make_dirs(folder)
    sc = spark.sparkContext
    report = BackfillReport(inputs=len(uris), threaded=thread)
    report.story_window = window_seconds(settings, story_window)
    report.story_passes = story_passes
    _extract(sc, uris, out, settings, report)
    staging = f"_staging-{uuid.uuid4().hex[:12]}"
    pages = _pages(sc, output, _partitions(sc, report.captures)).persist()
    try:
        canonicals = _canonicals(pages, settings, _partitions(sc, report.captures))
        counts = _write_tables(pages, canonicals, out, staging)
        target = (out, staging)
        if thread:
            report.stories = thread_stories(
                sc, pages, settings, uris, report.story_window, target, story_passes
            )
        else:
            empty_story_tables(output, staging)
    finally:
        pages.unpersist()
    report.pages, report.versions, report.changes, report.copies = counts
    _publish(output, staging)
    report.seconds = time.monotonic() - started
    output.write_json(report.to_dict(), "_SUCCESS")
    return report


def _extract(
    sc: SparkContext, uris: list[str], out: str, settings: Settings, report: BackfillReport
) -> None:
    """Stage 1: one task per input file; finished files are skipped by their manifest."""
    done = {u for u in uris if Output.at(out).exists("inputs", f"{input_id(u)}.json")}
    report.inputs_skipped = len(done)
    max_bytes, budget = settings.fetch_max_bytes, Budget.from_settings(settings)
    manifests = (
        sc.parallelize(uris, len(uris))
        .map(lambda uri: extract_input(uri, Output.at(out), max_bytes, budget, keep_pool=True))
        .collect()
    )
    for manifest in manifests:
        report.records += manifest["records"]
        report.captures += manifest["captures"]
        report.problems.update(manifest["problems"])


def _pages(sc: SparkContext, output: Output, partitions: int) -> RDD[Any]:
    """Stage 2: every capture, grouped by URL, turned into the page's rows."""
    paths = [p for p in output.listing("captures") if p.endswith(".parquet")]
    filesystem = output.filesystem
    return (
        sc.parallelize(paths, max(1, len(paths)))
        .flatMap(lambda path: capture_rows(filesystem, path))
        .groupByKey(partitions)
        .map(lambda group: page_rows(group[0], group[1]))
    )


def _canonicals(pages: RDD[Any], settings: Settings, partitions: int) -> RDD[Any]:
    """Stage 3: ``(url, canonical url)`` for every page in a group of copies."""
    params = LshParams.for_threshold(settings.duplicate_threshold)
    labelled = pages.map(lambda p: ((p.first_seen.isoformat(), p.url), p.signature))
    groups = copy_groups(labelled, params, partitions)
    return groups.map(lambda kv: (kv[0][1], kv[1][1]))


def _write_tables(
    pages: RDD[Any], canonicals: RDD[Any], out: str, staging: str
) -> tuple[int, int, int, int]:
    """Stage 5: each partition writes its part of every table into the staging folder."""
    joined = pages.map(lambda p: (p.url, p)).leftOuterJoin(canonicals)
    counts = joined.mapPartitionsWithIndex(
        lambda index, part: [write_part(index, part, out, staging)]
    ).collect()
    totals = [sum(c[i] for c in counts) for i in range(4)]
    return totals[0], totals[1], totals[2], totals[3]


def _publish(output: Output, staging: str) -> None:
    """Replace the previous run's tables with this run's, table by table."""
    for name in ALL_TABLES:
        if output.exists(name):
            output.filesystem.delete_dir(output.path(name))
        output.filesystem.move(output.path(staging, name), output.path(name))
    output.filesystem.delete_dir(output.path(staging))


def _partitions(sc: SparkContext, captures: int) -> int:
    """Partitions of the stages after extraction: two tasks per core at least (one slow
    task then leaves a core idle for half a task, not a whole one), more as the captures
    grow, each task holding about ``CAPTURES_PER_TASK``. Each task costs its Python worker
    tens of milliseconds whatever it holds; one per input file (as before) gave a
    6,000-record run 8-16 tasks a stage on 2 cores (benchmarks/spark.py)."""
    return max(2 * sc.defaultParallelism, -(-captures // CAPTURES_PER_TASK))


def main(argv: list[str] | None = None) -> int:
    """``spark-submit .../storyline/spark/job.py PATH... --out DIR``: the backfill."""
    parser = argparse.ArgumentParser(prog="storyline-spark", description=__doc__.split("\n")[0])
    parser.add_argument("inputs", nargs="+", help="WARC/ARC/JSONL files, folders, @list files")
    parser.add_argument("--out", required=True, help="output folder (local path or URI)")
    parser.add_argument("--master", default=None, help="Spark master (default: spark-submit's)")
    parser.add_argument(
        "--story-window",
        default=None,
        help="time window threaded as one task: 30d, 2w... (default: 10 story half-lives)",
    )
    parser.add_argument("--no-thread", action="store_true", help="leave the stories out")
    parser.add_argument("--story-passes", type=int, default=PASSES, help="threading passes")
    args = parser.parse_args(argv)
    window = parse_duration(args.story_window) if args.story_window else None
    spark = spark_session(args.master)
    try:
        report = run_backfill(
            args.inputs,
            args.out,
            load_settings(),
            spark,
            window,
            not args.no_thread,
            args.story_passes,
        )
    finally:
        spark.stop()
    print(report.to_dict())
    return 0


if __name__ == "__main__":
    sys.exit(main())
