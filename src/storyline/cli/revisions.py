"""Commands that read stored articles and their revisions: articles, versions, diff,
reextract. Each opens the store, calls one library function, and prints."""

from __future__ import annotations

import sys
from dataclasses import asdict
from datetime import datetime
from typing import Any

import click

from storyline.cli.options import (
    cursor_option,
    db_option,
    json_option,
    limit_option,
    open_store,
    print_json,
    since_option,
)
from storyline.model import Change, Version


@click.command()
@since_option("articles changed")
@click.option("--changed", is_flag=True, help="Only articles with more than one version.")
@limit_option(100)
@cursor_option
@json_option
@db_option
@click.pass_context
def articles(
    ctx: click.Context,
    since: datetime | None,
    changed: bool,
    limit: int,
    cursor: str | None,
    as_json: bool,
    db: str | None,
) -> None:
    """List stored articles, the most recently changed first."""
    with open_store(ctx, db, create=False) as store:
        page = store.articles(since=since, changed_only=changed, limit=limit, cursor=cursor)
    if as_json:
        print_json({"articles": [r.to_dict() for r in page.rows], "next_cursor": page.next_cursor})
        return
    for row in page.rows:
        v = row.version
        click.echo(
            f"{v.fetched_at:%Y-%m-%d %H:%M}  v{row.page.version_count:<3} "
            f"{v.article.title or '(no headline)'}\n    {row.page.url}"
        )
    if page.next_cursor:
        click.echo(f"more: --cursor {page.next_cursor}", err=True)


@click.command()
@click.argument("url")
@json_option
@db_option
@click.pass_context
def versions(ctx: click.Context, url: str, as_json: bool, db: str | None) -> None:
    """List every version of the article at URL: time, headline, length, what changed."""
    with open_store(ctx, db, create=False) as store:
        found = [(v, store.changes(v.id)) for v in store.versions(url)]
    if as_json:
        print_json({"url": url, "versions": [_version_dict(v, c) for v, c in found]})
        return
    for v, changes in found:
        click.echo(
            f"{v.number:>3}  {v.fetched_at:%Y-%m-%d %H:%M %Z}  "
            f"{v.article.title or '(no headline)'}  [{len(v.article.body_text)} chars]  "
            f"{_summary(v.number, changes)}"
        )


def _version_dict(v: Version, changes: list[Change]) -> dict[str, Any]:
    return {
        "number": v.number,
        "fetched_at": v.fetched_at.isoformat(),
        "headline": v.article.title,
        "length": len(v.article.body_text),
        "content_hash": v.content_hash,
        "summary": _summary(v.number, changes),
        "changes": [asdict(c) for c in changes],
    }


def _summary(number: int, changes: list[Change]) -> str:
    from storyline.revisions.changes import summarize_changes

    return "first version" if number == 1 else summarize_changes(changes)


@click.command()
@click.argument("url")
@click.argument("a", type=int, required=False)
@click.argument("b", type=int, required=False)
@json_option
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
    with open_store(ctx, db, create=False) as store:
        old = store.version(url, a if a is not None else -2)
        new = store.version(url, b if b is not None else -1)
    result = article_diff(old.article, new.article)
    if as_json:
        print_json({"url": url, "from": old.number, "to": new.number, **result.to_dict()})
        return
    color = sys.stdout.isatty() if color is None else color
    click.echo(
        f"version {old.number} ({old.fetched_at:%Y-%m-%d %H:%M %Z}) → "
        f"version {new.number} ({new.fetched_at:%Y-%m-%d %H:%M %Z})"
    )
    click.echo(render_terminal(result, color=color), nl=False, color=color)


@click.command()
@db_option
@click.pass_context
def reextract(ctx: click.Context, db: str | None) -> None:
    """Extract every stored page again with this storyline's extractor."""
    from storyline.pipeline import reextract as run

    with open_store(ctx, db, create=False) as store:
        changed = run(store)
    click.echo(f"{changed} version(s) changed")


COMMANDS = [articles, versions, diff, reextract]
