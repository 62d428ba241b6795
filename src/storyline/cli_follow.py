"""Commands that follow sources and read revisions: follow, sources, unfollow, poll, watch,
articles, versions, diff, reextract. Each opens the store, calls one library function, and
prints. ``open_store`` and ``db_option`` are shared with the other command modules.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any, TypeVar

import click

from storyline.cli import cli, print_json, settings_from
from storyline.config import Settings
from storyline.durations import parse_duration, parse_time
from storyline.store import Store

F = TypeVar("F", bound=Callable[..., Any])


def db_option(func: F) -> F:
    """The ``--db PATH`` option (also $STORYLINE_DB) every store command takes."""
    return click.option(
        "--db",
        "db",
        default=None,
        metavar="PATH",
        help="Database file or SQLAlchemy URL (default: $STORYLINE_DB, "
        "the config file, or the user data dir).",
    )(func)


def private_option(func: F) -> F:
    """The ``--allow-private`` option of commands that fetch."""
    return click.option(
        "--allow-private", is_flag=True, help="Allow fetching from private and loopback addresses."
    )(func)


def open_store(ctx: click.Context, db: str | None) -> Store:
    """Open the store named by ``--db``, $STORYLINE_DB or the settings."""
    return Store.open(db, settings_from(ctx))


@contextmanager
def _store_and_fetcher(
    ctx: click.Context, db: str | None, allow_private: bool
) -> Iterator[tuple[Store, Any, Settings]]:
    from storyline.sources.fetch import Fetcher
    from storyline.store.politeness import StorePoliteness

    settings = settings_from(ctx)
    if allow_private:
        settings = settings.replace(allow_private=True)
    with (
        Store.open(db, settings) as store,
        Fetcher(settings, shared=StorePoliteness(store)) as fetcher,  # turns kept with others
    ):
        yield store, fetcher, settings


@cli.command()
@click.argument("urls", nargs=-1)
@click.option("--every", default=None, help="How often to read the feed: 15m, 1h, 2d.")
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
    every: str | None,
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
    interval = parse_duration(every) if every else None
    entries = load_feed_list(from_file) if from_file else []
    entries += [FeedListEntry(url, every_s=interval) for url in urls]
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


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@db_option
@click.pass_context
def sources(ctx: click.Context, as_json: bool, db: str | None) -> None:
    """List followed sources and how their last visit went."""
    with open_store(ctx, db) as store:
        found = store.sources()
    if as_json:
        print_json([s.to_dict() for s in found])
        return
    for s in found:
        state = (
            f"error: {s.last_error}"
            if s.last_error
            else (
                f"last visit {s.last_visit_at:%Y-%m-%d %H:%M}" if s.last_visit_at else "not visited"
            )
        )
        click.echo(f"{s.kind:8} every {_duration(s.interval_s):>4}  {s.url}  ({state})")


@cli.command()
@click.argument("url")
@db_option
@click.pass_context
def unfollow(ctx: click.Context, url: str, db: str | None) -> None:
    """Stop following URL; what was stored stays."""
    with open_store(ctx, db) as store:
        source = store.remove_source(url)
    click.echo(f"stopped following {source.url}")


@cli.command()
@click.option(
    "--all", "visit_all", is_flag=True, help="Visit everything now, whatever the schedule."
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@db_option
@private_option
@click.pass_context
def poll(
    ctx: click.Context, visit_all: bool, as_json: bool, db: str | None, allow_private: bool
) -> None:
    """Visit every feed and page that is due once, then stop.

    Example: storyline poll --all
    """
    from storyline import pipeline

    with (
        _store_and_fetcher(ctx, db, allow_private) as (store, fetcher, settings),
        _progress(not as_json) as progress,
    ):
        report = pipeline.poll(store, fetcher, settings, visit_all=visit_all, on_progress=progress)
    if as_json:
        print_json(report.to_dict())
    else:
        click.echo(_report_line(report))
        for url, error in report.failures:
            click.echo(f"  failed: {url}: {error}", err=True)
        for kind, count in sorted(report.problems.items()):
            click.echo(f"  {kind}: {count}", err=True)


@cli.command()
@db_option
@private_option
@click.pass_context
def watch(ctx: click.Context, db: str | None, allow_private: bool) -> None:
    """Poll until stopped (Ctrl-C or SIGTERM); pages in progress are finished first."""
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

            pipeline.watch(store, fetcher, settings, stop, on_report=show)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    click.echo("stopped", err=True)


@cli.command()
@click.option("--since", default=None, help="Only articles changed since: 2026-11-01 or 2h (ago).")
@click.option("--changed", is_flag=True, help="Only articles with more than one version.")
@click.option("--limit", default=100, show_default=True, help="How many to list.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@db_option
@click.pass_context
def articles(
    ctx: click.Context, since: str | None, changed: bool, limit: int, as_json: bool, db: str | None
) -> None:
    """List stored articles, the most recently changed first."""
    when = parse_time(since) if since else None
    with open_store(ctx, db) as store:
        page = store.articles(since=when, changed_only=changed, limit=limit)
    if as_json:
        print_json({"articles": [r.to_dict() for r in page.rows], "next_cursor": page.next_cursor})
        return
    for row in page.rows:
        v = row.version
        click.echo(
            f"{v.fetched_at:%Y-%m-%d %H:%M}  v{row.page.version_count:<3} "
            f"{v.article.title or '(no headline)'}\n    {row.page.url}"
        )


@cli.command()
@click.argument("url")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@db_option
@click.pass_context
def versions(ctx: click.Context, url: str, as_json: bool, db: str | None) -> None:
    """List every version of the article at URL: time, headline, length, what changed."""
    from storyline.revisions.changes import summarize_changes

    with open_store(ctx, db) as store:
        found = [(v, store.changes(v.id)) for v in store.versions(url)]
    rows = [
        {
            "number": v.number,
            "fetched_at": v.fetched_at.isoformat(),
            "headline": v.article.title,
            "length": len(v.article.body_text),
            "content_hash": v.content_hash,
            "summary": "first version" if v.number == 1 else summarize_changes(changes),
            "changes": [asdict(c) for c in changes],
        }
        for v, changes in found
    ]
    if as_json:
        print_json({"url": url, "versions": rows})
        return
    for row in rows:
        click.echo(
            f"{row['number']:>3}  {row['fetched_at'][:16].replace('T', ' ')}  "
            f"{row['headline'] or '(no headline)'}  [{row['length']} chars]  "
            f"{row['summary']}"
        )


@cli.command()
@click.argument("url")
@click.argument("a", type=int, required=False)
@click.argument("b", type=int, required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--color/--no-color", default=None, help="Colour (default: when a terminal).")
@db_option
@click.pass_context
def diff(
    ctx: click.Context,
    url: str,
    a: int | None,
    b: int | None,
    as_json: bool,
    color: bool | None,
    db: str | None,
) -> None:
    """Word-level differences between versions A and B of URL (default: the last two).

    Example: storyline diff https://www.thelocal.dk/... 1 2
    """
    from storyline.revisions.diff import article_diff, render_terminal

    if (a is None) != (b is None):
        raise click.UsageError("give both version numbers A and B, or neither")
    with open_store(ctx, db) as store:
        old = store.version(url, a if a is not None else -2)
        new = store.version(url, b if b is not None else -1)
    result = article_diff(old.article, new.article)
    if as_json:
        print_json({"url": url, "from": old.number, "to": new.number, **result.to_dict()})
        return
    color = sys.stdout.isatty() if color is None else color
    click.echo(
        f"version {old.number} ({old.fetched_at:%Y-%m-%d %H:%M}) → "
        f"version {new.number} ({new.fetched_at:%Y-%m-%d %H:%M})"
    )
    click.echo(render_terminal(result, color=color), nl=False, color=color)


@cli.command()
@db_option
@click.pass_context
def reextract(ctx: click.Context, db: str | None) -> None:
    """Extract every stored page again with this storyline's extractor."""
    from storyline.pipeline import reextract as run

    with open_store(ctx, db) as store:
        changed = run(store)
    click.echo(f"{changed} version(s) changed")


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
