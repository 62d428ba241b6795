"""Commands that read stored articles and their revisions: articles, versions, diff,
reextract. Each opens the store, calls one function of ``storyline.read`` and prints;
``--json`` prints what ``/api/articles``, ``/api/articles/{id}/versions`` and
``/api/articles/{id}/diff`` return. An article is named by its number or its URL."""

from __future__ import annotations

import sys
from datetime import datetime
from typing import Any

import click

from storyline import times
from storyline.cli.options import (
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
from storyline.revisions.diff import diff_from_dict


@click.command()
@since_option("articles changed")
@click.option("--changed", is_flag=True, help="Only articles with more than one version.")
@click.option("--url", default="", help="Only the article stored at this URL.")
@limit_option(100)
@cursor_option
@json_option
@db_option
@click.pass_context
def articles(
    ctx: click.Context,
    since: datetime | None,
    changed: bool,
    url: str,
    limit: int,
    cursor: str | None,
    as_json: bool,
    db: str | None,
) -> None:
    """List stored articles, the most recently changed first, with their web address.

    Example: storyline articles --changed --since 1d
    """
    from storyline.read.articles import articles_data

    with open_store(ctx, db, create=False) as store:
        data = articles_data(store, limit, cursor, changed, since=since, url=url or None)
    if as_json:
        print_json(data)
        return
    settings = settings_from(ctx)
    now = times.now()
    for row in data["items"]:
        click.echo(
            f"#{row['id']:<6} v{row['versions']:<3} {row['title']}\n"
            f"        {row['outlet']} · {row['last_change']} · "
            f"{times.human(row['last_changed'], now)}\n"
            f"        {row['url']}\n        {web_link(settings, row['href'])}"
        )
    if url and not data["items"]:
        click.echo(f"no article is stored for {url}", err=True)
    if data["next_cursor"]:
        click.echo(f"more: --cursor {data['next_cursor']}", err=True)


@click.command()
@click.argument("article")
@json_option
@db_option
@click.pass_context
def versions(ctx: click.Context, article: str, as_json: bool, db: str | None) -> None:
    """List every version of ARTICLE (its number or URL): when captured, headline,
    length, what changed.

    Example: storyline versions 12
    """
    from storyline.read.articles import versions_data

    with open_store(ctx, db, create=False) as store:
        data = versions_data(store, article)
    if as_json:
        print_json(data)
        return
    settings = settings_from(ctx)
    now = times.now()
    click.echo(f"#{data['id']}  {data['url']}\n{web_link(settings, data['href'])}")
    for v in reversed(data["items"]):
        click.echo(
            f"{v['number']:>3}  {times.human(v['fetched_at'], now)}  "
            f"{v['title'] or '(no headline)'}  [{v['length']} chars]  {v['summary']}"
        )


@click.command()
@click.argument("article")
@click.argument("a", type=int, required=False)
@click.argument("b", type=int, required=False)
@click.option(
    "--changes",
    "changes_only",
    is_flag=True,
    help="Only what changed: the summary and each change, not the whole article.",
)
@json_option
@click.option("--color/--no-color", default=None, help="Colour (default: when a terminal).")
@db_option
@click.pass_context
def diff(
    ctx: click.Context,
    article: str,
    a: int | None,
    b: int | None,
    changes_only: bool,
    as_json: bool,
    color: bool | None,
    db: str | None,
) -> None:
    """Word-level differences between versions A and B of ARTICLE (its number or URL;
    default: the last two versions).

    Example: storyline diff 12 1 2 --changes
    """
    from storyline.read.articles import diff_data
    from storyline.revisions.diff import render_terminal

    if (a is None) != (b is None):
        raise click.UsageError("give both version numbers A and B, or neither")
    with open_store(ctx, db, create=False) as store:
        data = diff_data(store, article, a, b)
    if as_json:
        print_json(data)
        return
    color = sys.stdout.isatty() if color is None else color
    now = times.now()
    click.echo(
        f"version {data['a']} ({times.human(data['a_fetched_at'], now)}) → "
        f"version {data['b']} ({times.human(data['b_fetched_at'], now)})"
    )
    click.echo(f"{data['summary'] or 'no change in the text'}\n")
    if changes_only:
        click.echo(render_changes(data["changes"], color), nl=False, color=color)
        return
    click.echo(render_terminal(diff_from_dict(data["diff"]), color=color), nl=False, color=color)


def render_changes(changes: list[dict[str, Any]], color: bool) -> str:
    """Each change on its own lines: its label, then what it said before and after."""
    lines = []
    for change in changes:
        where = f" ({change['section']})" if change["section"] not in (None, "body") else ""
        label = f"{change['label']}{where}"
        lines.append(f"\x1b[1m{label}\x1b[0m" if color else label)
        if change["kind"] == "moved":
            lines.append(f"  = {change['after']}")
            continue
        if change["before"]:
            lines.append(
                f"  \x1b[31m- {change['before']}\x1b[0m" if color else f"  - {change['before']}"
            )
        if change["after"]:
            lines.append(
                f"  \x1b[32m+ {change['after']}\x1b[0m" if color else f"  + {change['after']}"
            )
    return "\n".join(lines) + "\n" if lines else ""


@click.command()
@db_option
@click.pass_context
def reextract(ctx: click.Context, db: str | None) -> None:
    """Extract every stored page again with this storyline's extractor."""
    from storyline.pipeline import reextract as run

    with open_store(ctx, db, create=False) as store:
        changed = run(store, settings=settings_from(ctx))
    click.echo(f"{changed} version(s) changed")


COMMANDS = [articles, versions, diff, reextract]
