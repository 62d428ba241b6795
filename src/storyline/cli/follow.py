"""Commands that follow sources: follow, sources, unfollow, poll, watch.

Each opens the store, calls one library function of ``storyline.pipeline`` or the store,
and prints.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from storyline.cli.options import (
    INTERVAL,
    db_option,
    json_option,
    open_store,
    print_json,
    private_option,
    settings_from,
    worker_option,
)
from storyline.config import Settings
from storyline.store import Store


@contextmanager
def _store_and_fetcher(
    ctx: click.Context, db: str | None, allow_private: bool
) -> Iterator[tuple[Store, Any, Settings]]:
    from storyline.sources.fetch import Fetcher
    from storyline.store.politeness import StorePoliteness

    settings = settings_from(ctx, allow_private)
    with (
        Store.open(db, settings) as store,
        Fetcher(settings, shared=StorePoliteness(store)) as fetcher,  # turns kept with others
    ):
        yield store, fetcher, settings


@click.command()
@click.argument("urls", nargs=-1)
@click.option(
    "--every", type=INTERVAL, default=None, help="How often to read the feed: 15m, 1h, 2d."
)
@click.option(
    "--from",
    "from_file",
    type=click.Path(path_type=Path),
    default=None,
    help="Follow every [[feeds]] entry of a TOML feed list (see config/feeds.toml).",
)
@db_option
@private_option
@click.pass_context
def follow(
    ctx: click.Context,
    urls: tuple[str, ...],
    every: float | None,
    from_file: Path | None,
    db: str | None,
    allow_private: bool,
) -> None:
    """Follow URLs: a feed, a sitemap, an article, or a site's home page (its feed is found).

    Example: storyline follow https://www.thelocal.dk/feeds/rss.php --every 15m
    """
    from storyline.feedlist import FeedListEntry, load_feed_list
    from storyline.pipeline import follow_list
    from storyline.sandbox import Extractor

    if not urls and from_file is None:
        raise click.UsageError("give at least one URL, or --from FILE")
    entries = load_feed_list(from_file) if from_file else []
    entries += [FeedListEntry(url, every_s=every) for url in urls]
    with (
        _store_and_fetcher(ctx, db, allow_private) as (store, fetcher, settings),
        Extractor(settings) as extractor,
    ):
        outcomes = follow_list(store, fetcher, entries, settings, extractor)
    for entry, source, error in outcomes:
        if source is not None:
            shown = f" (from {source.origin_url})" if source.origin_url else ""
            click.echo(
                f"following {source.kind} {source.url}{shown} every {_duration(source.interval_s)}"
            )
        else:
            click.echo(f"could not follow {entry.url}: {error}", err=True)
    if all(source is None for _, source, _ in outcomes):
        ctx.exit(1)


@click.command()
@json_option
@db_option
@click.pass_context
def sources(ctx: click.Context, as_json: bool, db: str | None) -> None:
    """List followed sources and how their last visit went (``--json``: what
    ``/api/sources`` returns)."""
    from storyline import times
    from storyline.read.sources import MAX_LIMIT, sources_data

    with open_store(ctx, db, create=False) as store:
        data = sources_data(store, MAX_LIMIT)
    if as_json:
        print_json(data)
        return
    now = times.now()
    for s in data["items"]:
        when = s["last_visit_at"]
        state = (
            f"error: {s['last_error']}"
            if s["last_error"]
            else (f"last visit {times.human(when, now)}" if when else "not visited")
        )
        by = f" by {s['last_worker']}" if s["last_worker"] else ""
        click.echo(
            f"{s['kind']:8} every {_duration(s['interval_s']):>4}  {s['url']}  ({state}{by})"
        )
        if len(s["pages_by_worker"]) > 1:
            shares = ", ".join(f"{w} {n}" for w, n in s["pages_by_worker"].items())
            click.echo(f"{'':8} pages last visited by: {shares}")


@click.command()
@click.argument("url")
@db_option
@click.pass_context
def unfollow(ctx: click.Context, url: str, db: str | None) -> None:
    """Stop following URL; what was stored stays."""
    with open_store(ctx, db, create=False) as store:
        source = store.remove_source(url)
    click.echo(f"stopped following {source.url}")


@click.command()
@click.option(
    "--all", "visit_all", is_flag=True, help="Visit everything now, whatever the schedule."
)
@json_option
@worker_option
@db_option
@private_option
@click.pass_context
def poll(
    ctx: click.Context,
    visit_all: bool,
    as_json: bool,
    name: str | None,
    db: str | None,
    allow_private: bool,
) -> None:
    """Visit every feed and page that is due once, then stop.

    Other poll and watch processes on the same database share the work: each due feed
    and page is visited once.

    Example: storyline poll --all
    """
    from storyline import pipeline

    with (
        _store_and_fetcher(ctx, db, allow_private) as (store, fetcher, settings),
        _progress(not as_json) as progress,
    ):
        report = pipeline.poll(
            store, fetcher, settings, visit_all=visit_all, on_progress=progress, worker=name
        )
    if as_json:
        print_json(report.to_dict())
    else:
        click.echo(_report_line(report))
        for url, error in report.failures:
            click.echo(f"  failed: {url}: {error}", err=True)
        for kind, count in sorted(report.problems.items()):
            click.echo(f"  {kind}: {count}", err=True)


@click.command()
@worker_option
@db_option
@private_option
@click.pass_context
def watch(ctx: click.Context, name: str | None, db: str | None, allow_private: bool) -> None:
    """Poll until stopped (Ctrl-C or SIGTERM); pages in progress are finished first.

    Several watch processes (on one machine or several, on one PostgreSQL database) share
    the work: each claims what is due in batches, and per-host spacing and robots.txt are
    kept together. Details: docs/scale.md.
    """
    from storyline import pipeline

    stop = threading.Event()

    def _stop(signum: int, _frame: object) -> None:
        click.echo("stopping after the pages in progress...", err=True)
        stop.set()

    previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        with _store_and_fetcher(ctx, db, allow_private) as (store, fetcher, settings):
            click.echo(f"watching {len(store.sources())} source(s); database {store.location}")

            def show(report: pipeline.PollReport) -> None:
                if report.sources_polled or report.pages_visited:
                    click.echo(_report_line(report))
                for url, error in report.failures:
                    click.echo(f"  failed: {url}: {error}", err=True)

            pipeline.watch(store, fetcher, settings, stop, on_report=show, worker=name)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    click.echo("stopped", err=True)


@contextmanager
def _progress(show: bool) -> Iterator[Callable[[int, int, Any], None] | None]:
    if not show or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task("visiting pages", total=None)

        def update(done: int, total: int, _result: Any) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def _report_line(report: Any) -> str:
    return (
        f"{report.sources_polled} source(s) read, {report.new_pages} new page(s); "
        f"{report.pages_visited} page(s) visited: {report.new} new, {report.changed} "
        f"changed, {report.unchanged} unchanged, {report.not_modified} not modified, "
        f"{len(report.failures)} failed"
    )


def _duration(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"


COMMANDS = [follow, sources, unfollow, poll, watch]
