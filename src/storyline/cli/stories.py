"""Commands that read and rebuild stories: stories, story, timeline, rethread.

Each opens the store, calls one function of ``storyline.store.stories``, and prints.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import click

from storyline.cli.options import (
    db_option,
    json_option,
    open_store,
    print_json,
    settings_from,
    since_option,
)
from storyline.model import Story, TimelineEntry


@click.command("stories")
@db_option
@since_option("stories updated")
@json_option
@click.pass_context
def stories_command(
    ctx: click.Context, db: str | None, since: datetime | None, as_json: bool
) -> None:
    """List developing stories, most recently updated first.

    Example: storyline stories --since 1d
    """
    from storyline.store.stories import stories

    with open_store(ctx, db, create=False) as store:
        found = stories(store, since=since)
    if as_json:
        print_json([story_summary(s) for s in found])
        return
    if not found:
        click.echo("no stories yet: `storyline poll` or `storyline rethread` threads articles")
    for story in found:
        summary = story_summary(story)
        click.echo(f"#{story.id}  {story.title}")
        click.echo(
            f"    {summary['article_count']} article(s) from "
            f"{', '.join(summary['sources'])}; updated {_when(story.last_updated)}"
        )


@click.command("story")
@db_option
@click.argument("story_id", type=int)
@json_option
@click.pass_context
def story_command(ctx: click.Context, db: str | None, story_id: int, as_json: bool) -> None:
    """Show one story: its articles, entities and timeline.

    Example: storyline story 3
    """
    from storyline.store.stories import story

    with open_store(ctx, db, create=False) as store:
        found = story(store, story_id)
    if as_json:
        print_json(asdict(found))
        return
    click.echo(f"#{found.id}  {found.title}")
    click.echo(f"first seen {_when(found.first_seen)}, updated {_when(found.last_updated)}\n")
    click.echo("Articles:")
    for url in found.articles:
        click.echo(f"  {url}")
    click.echo("\nEntities:")
    for entity in found.entities:
        aliases = f" (also {', '.join(entity.aliases)})" if entity.aliases else ""
        click.echo(f"  {entity.name} [{entity.kind}] x{entity.mentions}{aliases}")
    click.echo("\nTimeline:")
    for entry in found.timeline:
        click.echo(f"  {timeline_line(entry)}")


@click.command("timeline")
@db_option
@click.argument("story_id", type=int)
@json_option
@click.pass_context
def timeline_command(ctx: click.Context, db: str | None, story_id: int, as_json: bool) -> None:
    """Show a story's dated events, oldest first.

    Example: storyline timeline 3
    """
    from storyline.store.stories import story

    with open_store(ctx, db, create=False) as store:
        found = story(store, story_id)
    if as_json:
        print_json([asdict(e) for e in found.timeline])
        return
    click.echo(f"#{found.id}  {found.title}")
    for entry in found.timeline:
        click.echo(timeline_line(entry))


@click.command("rethread")
@db_option
@json_option
@click.pass_context
def rethread_command(ctx: click.Context, db: str | None, as_json: bool) -> None:
    """Rebuild every story from the stored articles (threads any not threaded yet).

    Example: storyline rethread
    """
    import os

    from storyline.store.stories import rethread

    settings = settings_from(ctx)
    workers = settings.ingest_workers or os.cpu_count() or 1
    with open_store(ctx, db) as store:
        report = rethread(store, settings, workers=workers)
    if as_json:
        print_json(asdict(report))
        return
    stories = "story" if report.stories == 1 else "stories"
    click.echo(
        f"{report.pages_threaded} article(s) in {report.stories} {stories} "
        f"({report.pages_added} newly threaded, {report.merges} merge(s)) "
        f"in {report.seconds:.1f} s"
    )


def story_summary(story: Story) -> dict[str, Any]:
    """One line of ``storyline stories --json``: the story without entities or timeline."""
    return {
        "id": story.id,
        "title": story.title,
        "article_count": len(story.articles),
        "sources": sorted({_site(url) for url in story.articles}),
        "first_seen": story.first_seen,
        "last_updated": story.last_updated,
        "articles": list(story.articles),
    }


def timeline_line(entry: TimelineEntry) -> str:
    """``2021-05  statement  Since DF, SF and ... (https://...)``."""
    when = f"{entry.date}..{entry.end}" if entry.end else entry.date
    where = f"  <{entry.url}>" if entry.url else ""
    return f"{when:<24} {entry.kind:<10} {entry.text}{where}"


def _site(url: str) -> str:
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "never"


COMMANDS = [stories_command, story_command, timeline_command, rethread_command]
