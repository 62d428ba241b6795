"""Commands for batch work: ``ingest`` archives, list ``duplicates``, ``export`` articles.

Each command opens the store, calls one library function and prints; the work itself is
in ``storyline.pipeline.ingest``, ``storyline.store.duplicates`` and ``storyline.export``.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from storyline.cli.options import (
    db_option,
    json_option,
    open_store,
    print_json,
    settings_from,
    since_option,
)
from storyline.sources.captures import KEPT_KINDS, NOT_ARTICLE_KINDS, PROBLEM_KINDS

if TYPE_CHECKING:
    from storyline.pipeline.ingest import IngestReport


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--workers",
    "-w",
    type=click.IntRange(min=1),
    default=None,
    help="Extraction processes (default: the ingest_workers setting, else all cores).",
)
@db_option
@json_option
@click.option(
    "--no-thread",
    is_flag=True,
    help="Do not thread the pages into stories afterwards (run `storyline rethread` later).",
)
@click.option(
    "--accept-rejects",
    is_flag=True,
    help="Exit 0 even when records that should be articles were rejected (bad JSON, "
    "no URL, unreadable, ...).",
)
@click.pass_context
def ingest(
    ctx: click.Context,
    paths: tuple[Path, ...],
    workers: int | None,
    db: str | None,
    as_json: bool,
    no_thread: bool,
    accept_rejects: bool,
) -> None:
    """Store every page in WARC/ARC files, folders of .html/.html.gz, or JSONL files.

    Each record becomes a version of its URL at its capture time, so several captures of
    one URL make its revision history. Bad records are counted and reported, never fatal
    to the run; the exit code is 1 when any were rejected (unless --accept-rejects).
    Records that are not articles (error pages, images, revisits) are skipped quietly.
    Interrupt at any time: a re-run skips what is stored. Details: docs/ingest.md.

    Example: storyline ingest crawl-*.warc.gz saved-pages/ --workers 4
    """
    from storyline.pipeline.ingest import ingest as run_ingest

    settings = settings_from(ctx)
    console = Console(stderr=True)
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with (
        open_store(ctx, db) as store,
        Progress(*columns, console=console, disable=as_json or not console.is_terminal) as bar,
    ):
        task = bar.add_task("reading", total=None)
        clock = _PhaseClock()

        def show(report: IngestReport) -> None:
            bar.update(task, description=progress_line(report, clock.elapsed(report.phase)))

        with _stop_on_sigint() as stop:
            report = run_ingest(store, paths, settings, workers, show, stop, thread=not no_thread)
    if as_json:
        print_json(report.to_dict())
    else:
        click.echo(_summary(report))
    if report.interrupted:
        click.echo("interrupted: run the same command again to continue", err=True)
        ctx.exit(130)
    rejected = sum(n for kind, n in report.problems.items() if _rejected(kind))
    if rejected and not accept_rejects:
        click.echo(
            f"{rejected:,} record(s) rejected (see the problems above); "
            "--accept-rejects exits 0 all the same",
            err=True,
        )
        ctx.exit(1)


def _rejected(kind: str) -> bool:
    """A problem that cost an article: neither a non-article record nor a kept one."""
    return kind not in NOT_ARTICLE_KINDS and kind not in KEPT_KINDS


@contextlib.contextmanager
def _stop_on_sigint() -> Iterator[threading.Event]:
    """Turn the first Ctrl-C into a request to stop after the current page; a second one
    interrupts at once (still safe: each page is one transaction)."""
    stop = threading.Event()
    previous = signal.getsignal(signal.SIGINT)

    def handle(signum: int, frame: FrameType | None) -> None:
        stop.set()
        signal.signal(signal.SIGINT, signal.default_int_handler)

    signal.signal(signal.SIGINT, handle)
    try:
        yield stop
    finally:
        signal.signal(signal.SIGINT, previous)


class _PhaseClock:
    """Seconds spent in the current phase of a run: rates and ETAs are per phase (the
    threading phase has nothing to do with the extraction rate before it)."""

    def __init__(self) -> None:
        self._phase = ""
        self._since = time.monotonic()
        self._run_start = self._since

    def elapsed(self, phase: str) -> tuple[float, float]:
        """(seconds in ``phase``, seconds since the run started)."""
        now = time.monotonic()
        if phase != self._phase:
            self._phase, self._since = phase, now
        return now - self._since, now - self._run_start


def progress_line(report: IngestReport, elapsed: tuple[float, float]) -> str:
    """The live status of an ingest: its phase, counts, rate and, once measurable, an ETA.

    The ETA of reading and extracting comes from the share of the input files' bytes read
    (record counts are unknown until the end); threading shows no ETA of its own, only that
    it is the last phase, since its cost is not proportional to anything known up front."""
    in_phase, overall = elapsed
    if report.phase == "threading":
        return _threading_line(report, in_phase)
    rate = report.records / overall if overall > 0 else 0.0
    problems = sum(report.problems.values())
    line = (
        f"{report.phase}: {report.records:,} records ({report.stored:,} new, "
        f"{problems:,} problems), {rate:,.1f}/s"
    )
    fraction = report.input_fraction
    if fraction is not None:
        line += f", {fraction:.0%}"
        if 0.01 <= fraction < 1 and overall >= 2:
            line += f", about {_duration(overall * (1 - fraction) / fraction)} left"
    return line


def _threading_line(report: IngestReport, in_phase: float) -> str:
    """Threading, the last phase: entities found page by page (the slow part, with an ETA
    from its own rate), then the stories written."""
    done, total = report.threading_prepared, report.threading_total
    if total == 0:
        return "threading: looking for pages to thread"
    if done >= total:
        return f"threading: writing the stories of {total:,} pages"
    line = f"threading: entities of {done:,} of {total:,} pages"
    if done > 0 and in_phase >= 2:
        line += f", about {_duration(in_phase * (total - done) / done)} left"
    return line


def _duration(seconds: float) -> str:
    """``45 s``, ``3 min 20 s``, ``2 h 05 min``: an ETA a person reads at a glance."""
    whole = int(round(seconds))
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min {whole % 60:02d} s"
    return f"{whole // 3600} h {whole % 3600 // 60:02d} min"


def _summary(report: IngestReport) -> str:
    lines = [
        f"{report.records:,} records in {report.seconds:.1f} s "
        f"({report.records_per_second:,.1f}/s): {report.stored:,} new versions, "
        f"{report.unchanged:,} unchanged, {report.skipped:,} already stored, "
        f"{report.copies:,} syndicated copies",
    ]
    if report.stories_written:
        lines.append(
            f"threaded into stories in {report.threading_seconds:.1f} s "
            f"({report.threading_cpu_seconds:.1f} CPU-s with the entity workers): "
            f"{report.stories_written:,} stories written (storyline stories)"
        )
    if report.problems:
        lines.append("problems (records skipped unless marked kept):")
        for kind, count in sorted(report.problems.items(), key=lambda kv: -kv[1]):
            kept = " (kept)" if kind in KEPT_KINDS else ""
            lines.append(f"  {kind:<15}{count:>8,}{kept}  {PROBLEM_KINDS[kind]}")
            for example in report.examples.get(kind, []):
                lines.append(f"  {'':<23}e.g. {example}")
    return "\n".join(lines)


@click.command()
@db_option
@json_option
@click.pass_context
def duplicates(ctx: click.Context, db: str | None, as_json: bool) -> None:
    """List groups of syndicated copies: pages carrying the same article.

    The first URL of each group is its canonical page, the one stories and search show.

    Example: storyline duplicates --json
    """
    from storyline.store.duplicates import duplicate_groups

    with open_store(ctx, db, create=False) as store:
        groups = duplicate_groups(store)
    if as_json:
        print_json([g.to_dict() for g in groups])
        return
    if not groups:
        click.echo("no syndicated copies found")
    for group in groups:
        click.echo(f"{group.canonical}  ({len(group.members)} pages)")
        for member in group.members[1:]:
            click.echo(f"  = {member}")


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv", "parquet"]),
    default="jsonl",
    show_default=True,
    help="Output format (docs/export.md).",
)
@click.option("--versions", is_flag=True, help="One row per version instead of per page.")
@since_option("versions captured")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="Output file (default: standard output).",
)
@db_option
@click.pass_context
def export(
    ctx: click.Context,
    fmt: str,
    versions: bool,
    since: datetime | None,
    output: Path | None,
    db: str | None,
) -> None:
    """Export stored articles as JSON Lines, CSV or Parquet, streaming.

    Example: storyline export --format parquet --versions -o articles.parquet
    """
    from storyline.export import export as run_export

    with open_store(ctx, db, create=False) as store:
        if output is None:
            count = run_export(store, fmt, sys.stdout.buffer, versions, since)
            sys.stdout.buffer.flush()
        else:
            with output.open("wb") as out:
                count = run_export(store, fmt, out, versions, since)
    click.echo(f"{count:,} rows exported", err=True)


COMMANDS = [ingest, duplicates, export]
