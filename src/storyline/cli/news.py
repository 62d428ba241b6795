"""``storyline news``: what changed in the stories and articles you follow since you last
looked, and following them. The same reader as the local web app's (``/news``).

``--json`` prints what ``/api/news`` returns.
"""

from __future__ import annotations

from typing import Any

import click

from storyline import times
from storyline.cli.options import db_option, json_option, open_store, print_json, settings_from
from storyline.cli.options import web_link as link


@click.group("news", invoke_without_command=True)
@db_option
@json_option
@click.option(
    "--mark-seen", is_flag=True, help="Then mark everything followed as seen (as the web does)."
)
@click.pass_context
def news(ctx: click.Context, db: str | None, as_json: bool, mark_seen: bool) -> None:
    """Show what is new in what you follow: new articles, headline changes, updates,
    corrections and factual changes since you last looked.

    \b
    Examples:
      storyline news
      storyline news follow story 3
      storyline news follow article https://example.com/news/1
    """
    ctx.ensure_object(dict)
    ctx.obj["news_db"] = db
    if ctx.invoked_subcommand is not None:
        return
    from storyline.read.news import news_data
    from storyline.store import readers

    with open_store(ctx, db, create=False) as store:
        with store.engine.connect() as conn:
            reader = readers.find_reader(conn, None)
        data = news_data(store, reader)
        if mark_seen and reader is not None:
            readers.mark_seen(store, reader, times.now())
    if as_json:
        print_json(data)
        return
    _print_news(ctx, data)


def _print_news(ctx: click.Context, data: dict[str, Any]) -> None:
    settings = settings_from(ctx)
    if not data["items"]:
        click.echo("you follow nothing yet: `storyline news follow story ID` or `... article ID`")
        return
    now = times.now()
    click.echo(f"{data['summary']} in the {data['following']} you follow")
    for item in data["items"]:
        click.echo(f"\n{item['kind']} {item['title']}")
        click.echo(f"  {item['summary']} · last seen {times.human(item['seen_at'], now)}")
        click.echo(f"  {link(settings, item['href'])}")
        for entry in item["entries"]:
            from storyline.read.news import describe

            click.echo(f"  - {describe(entry)}")
            outlet = entry["article"]["outlet"] or ""
            click.echo(
                f"    {outlet} · {times.human(entry['at'], now)} · {link(settings, entry['href'])}"
            )


@news.command("follow")
@click.argument("kind", type=click.Choice(["story", "article"]))
@click.argument("ref")
@click.pass_context
def follow_command(ctx: click.Context, kind: str, ref: str) -> None:
    """Follow a story (by its number) or an article (by its number or URL)."""
    from storyline.store import readers

    with open_store(ctx, ctx.obj.get("news_db"), create=False) as store:
        page, title = _anchor(store, kind, ref)
        reader = readers.reader_id(store, None, times.now())
        added = readers.follow(store, reader, kind, page, times.now())
    click.echo(f"{'now following' if added else 'already following'} {kind} {title}")


@news.command("unfollow")
@click.argument("kind", type=click.Choice(["story", "article"]))
@click.argument("ref")
@click.pass_context
def unfollow_command(ctx: click.Context, kind: str, ref: str) -> None:
    """Stop following a story or an article."""
    from storyline.read.stories import story_data
    from storyline.store import readers

    with open_store(ctx, ctx.obj.get("news_db"), create=False) as store:
        page, title = _anchor(store, kind, ref)
        pages = (
            [a["id"] for a in story_data(store, int(ref))["articles"]]
            if kind == "story"
            else [page]
        )
        reader = readers.reader_id(store, None, times.now())
        removed = readers.unfollow(store, reader, kind, pages)
    click.echo(
        f"stopped following {kind} {title}" if removed else f"{kind} {title} was not followed"
    )


def _anchor(store: Any, kind: str, ref: str) -> tuple[int, str]:
    """The article a follow is kept by, and what to call it."""
    from storyline.read.articles import find_page
    from storyline.read.stories import story_data

    if kind == "story":
        if not ref.isdigit():
            raise click.BadParameter("a story is named by its number (`storyline stories`)")
        data = story_data(store, int(ref))
        return min(a["id"] for a in data["articles"]), f"#{data['id']} {data['title']}"
    with store.engine.connect() as conn:
        page = find_page(conn, ref)
    return page.id, f"#{page.id} {page.title or page.url}"


COMMANDS = [news]
