"""Commands that read and rebuild stories: stories, story, timeline, rethread.

Each opens the store, calls one function of ``storyline.read`` (``rethread``: of the
stories stage) and prints; ``--json`` prints exactly what ``/api/stories`` and
``/api/stories/{id}`` return.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

import click

from storyline import times
from storyline.cli.options import (
    TIME,
    cursor_option,
    db_option,
    json_option,
    limit_option,
    open_store,
    print_json,
    settings_from,
    since_option,
    web_link,
)


@click.command("stories")
@db_option
@since_option("stories with news")
@click.option("--until", type=TIME, default=None, help="Only stories with news before TIME.")
@click.option(
    "--min-articles",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Only stories of at least N articles (1 shows one-article stories too).",
)
@click.option(
    "--min-outlets",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Only stories covered by at least N outlets.",
)
@click.option("--outlet", default="", help="Only stories with an article of this site or outlet.")
@click.option("--language", default="", help="Only stories with an article in this language.")
@click.option(
    "--sort",
    type=click.Choice(["latest", "active", "size"]),
    default="latest",
    show_default=True,
    help="latest news first, most active in the latest week, or most articles.",
)
@limit_option(20)
@cursor_option
@json_option
@click.pass_context
def stories_command(
    ctx: click.Context,
    db: str | None,
    since: datetime | None,
    until: datetime | None,
    min_articles: int,
    min_outlets: int,
    outlet: str,
    language: str,
    sort: str,
    limit: int,
    cursor: str | None,
    as_json: bool,
) -> None:
    """List stories, the latest real news first (publications and revisions, not when
    storyline fetched them), a page at a time.

    Example: storyline stories --min-outlets 2 --since 3d
    """
    from storyline.read.stories import stories_data
    from storyline.read.story_index import StoryFilter

    wanted = StoryFilter(min_articles, min_outlets, outlet, language, since, until, sort)
    with open_store(ctx, db, create=False) as store:
        data = stories_data(store, wanted, limit, cursor)
    if as_json:
        print_json(data)
        return
    settings = settings_from(ctx)
    if not data["items"]:
        click.echo(_nothing(data))
    else:
        click.echo(_count_line(data))
    now = times.now()
    for story in data["items"]:
        outlets = ", ".join(story["outlets"][:4])
        more = f" and {len(story['outlets']) - 4} more" if len(story["outlets"]) > 4 else ""
        click.echo(f"#{story['id']}  {story['title']}")
        click.echo(
            f"    {_count(story['article_count'], 'article')} from "
            f"{_count(story['outlet_count'], 'outlet')}: {outlets}{more}"
        )
        click.echo(f"    latest news {times.human(story['last_news_at'], now)}")
        click.echo(f"    {web_link(settings, story['href'])}")
    if data["next_cursor"]:
        click.echo(f"more: --cursor {data['next_cursor']}", err=True)


def _count_line(data: dict[str, Any]) -> str:
    first = data["offset"] + 1
    last = data["offset"] + len(data["items"])
    line = f"stories {first}-{last} of {data['total']}"
    if data["total"] != data["all"]:
        line += f" ({data['all']} in all"
        if data["filters"]["min_articles"] > 1:
            line += "; --min-articles 1 shows one-article stories"
        line += ")"
    return line


def _nothing(data: dict[str, Any]) -> str:
    if data["all"]:
        return f"no story matches ({data['all']} in all; --min-articles 1 shows them all)"
    return "no stories yet: `storyline poll` or `storyline rethread` threads articles"


@click.command("story")
@db_option
@click.argument("story_id", type=int)
@json_option
@click.pass_context
def story_command(ctx: click.Context, db: str | None, story_id: int, as_json: bool) -> None:
    """Show one story: its timeline by day, its articles by outlet, its entities.

    Example: storyline story 3
    """
    from storyline.read.stories import story_data

    with open_store(ctx, db, create=False) as store:
        data = story_data(store, story_id)
    if as_json:
        print_json(data)
        return
    settings = settings_from(ctx)
    now = times.now()
    click.echo(f"#{data['id']}  {data['title']}")
    period = data["period"]
    if period["from"]:
        click.echo(
            f"news from {times.human(period['from'], now)} to {times.human(period['to'], now)}"
        )
    click.echo(f"{web_link(settings, data['href'])}\n")
    click.echo("Timeline:")
    for line in timeline_lines(data):
        click.echo(f"  {line}")
    click.echo("\nArticles by outlet:")
    for group in data["sources"]:
        click.echo(f"  {group['name']}")
        for article in group["articles"]:
            click.echo(f"    {article['title']}")
            changed = times.human(article["last_changed"], now)
            click.echo(
                f"      {article['versions']} version(s), {article['last_change']}, {changed}  "
                f"{web_link(settings, article['href'])}"
            )
    click.echo("\nEntities:")
    for entity in data["entities"]:
        aliases = f" (also {', '.join(entity['aliases'])})" if entity.get("aliases") else ""
        click.echo(f"  {entity['name']} [{entity['kind']}] x{entity.get('mentions', 0)}{aliases}")


@click.command("timeline")
@db_option
@click.argument("story_id", type=int)
@json_option
@click.pass_context
def timeline_command(ctx: click.Context, db: str | None, story_id: int, as_json: bool) -> None:
    """Show a story's dated events by day, with the background dates apart.

    Example: storyline timeline 3
    """
    from storyline.read.stories import story_data

    with open_store(ctx, db, create=False) as store:
        data = story_data(store, story_id)
    if as_json:
        print_json({k: data[k] for k in ("id", "title", "href", "period", "days", "background")})
        return
    click.echo(f"#{data['id']}  {data['title']}")
    for line in timeline_lines(data):
        click.echo(line)


def timeline_lines(data: dict[str, Any]) -> list[str]:
    """The story's days, each with its events (time, kind, outlet, text), then the
    background dates."""
    lines = []
    for day in data["days"]:
        lines.append(day["day"])
        for event in day["events"]:
            outlet = f"{event['outlet']}: " if event.get("outlet") else ""
            lines.append(
                f"  {event.get('time') or '':<10} {event['label']:<11} {outlet}{event['text']}"
            )
    if data["background"]:
        lines.append("background (dates mentioned before the news began):")
        for event in data["background"]:
            when = f"{event['date']}..{event['end']}" if event.get("end") else event["date"]
            lines.append(f"  {when:<24} {event['text']}")
    return lines


@click.command("rethread")
@db_option
@json_option
@click.pass_context
def rethread_command(ctx: click.Context, db: str | None, as_json: bool) -> None:
    """Rebuild every story from the stored articles (threads any not threaded yet).

    Example: storyline rethread
    """
    import os

    from storyline.pipeline.stories import rethread

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


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


COMMANDS = [stories_command, story_command, timeline_command, rethread_command]
