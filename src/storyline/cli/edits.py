"""``storyline edit``: split, merge, move an article, rename a story, undo; the same
edits as the story page's form and ``/api/stories/{id}/...``. They outlast ``rethread``."""

from __future__ import annotations

import click

from storyline import times
from storyline.cli.options import db_option, open_store, settings_from, web_link
from storyline.store import Store


@click.group("edit")
def edit() -> None:
    """Correct the threader: split, merge, move an article, rename a story.

    \b
    Examples:
      storyline edit rename 12 "Harbour bridge closed"
      storyline edit merge 14 12
      storyline edit split 12 301 302
      storyline edit move 301 --to 12
    """


@edit.command("rename")
@click.argument("story_id", type=int)
@click.argument("title")
@db_option
@click.pass_context
def rename_command(ctx: click.Context, story_id: int, title: str, db: str | None) -> None:
    """Give story STORY_ID this TITLE."""
    from storyline.pipeline import story_edits as se

    with open_store(ctx, db, create=False) as store:
        se.rename(store, story_id, title, times.now())
    _done(ctx, f"story {story_id} is now called {' '.join(title.split())!r}", story_id)


@edit.command("merge")
@click.argument("story_id", type=int)
@click.argument("into", type=int)
@db_option
@click.pass_context
def merge_command(ctx: click.Context, story_id: int, into: int, db: str | None) -> None:
    """Put every article of STORY_ID into story INTO."""
    from storyline.pipeline import story_edits as se

    with open_store(ctx, db, create=False) as store:
        found = se.merge(store, story_id, into, times.now())
    _done(ctx, f"story {story_id} merged into story {found}", found)


@edit.command("split")
@click.argument("story_id", type=int)
@click.argument("articles", nargs=-1, required=True)
@db_option
@click.pass_context
def split_command(
    ctx: click.Context, story_id: int, articles: tuple[str, ...], db: str | None
) -> None:
    """Take ARTICLES (numbers or URLs) out of STORY_ID into a story of their own."""
    from storyline.pipeline import story_edits as se

    with open_store(ctx, db, create=False) as store:
        ids = [_article(store, ref) for ref in articles]
        found = se.split(store, story_id, ids, times.now())
    _done(ctx, f"{len(ids)} article(s) split off into story {found}", found)


@edit.command("move")
@click.argument("article")
@click.option("--to", "to_story", type=int, default=None, help="The story to move it into.")
@click.option("--new", "alone", is_flag=True, help="Into a story of its own.")
@db_option
@click.pass_context
def move_command(
    ctx: click.Context, article: str, to_story: int | None, alone: bool, db: str | None
) -> None:
    """Move ARTICLE (number or URL) into another story (--to N) or one of its own (--new)."""
    from storyline.pipeline import story_edits as se

    if (to_story is None) == (not alone):
        raise click.UsageError("give --to STORY or --new")
    with open_store(ctx, db, create=False) as store:
        found = se.move(store, _article(store, article), to_story, times.now())
    _done(ctx, f"article {article} is now in story {found}", found)


@edit.command("reset")
@click.argument("story_id", type=int)
@db_option
@click.pass_context
def reset_command(ctx: click.Context, story_id: int, db: str | None) -> None:
    """Forget the edits of STORY_ID's articles: back to where the threader put them."""
    from storyline.pipeline import story_edits as se
    from storyline.pipeline.stories import threading_options

    options = threading_options(settings_from(ctx))
    with open_store(ctx, db, create=False) as store:
        forgotten = se.reset(store, story_id, options)
    click.echo(f"{forgotten} edit(s) of story {story_id} forgotten")


def _article(store: Store, ref: str) -> int:
    from storyline.read.articles import page_id_of

    return page_id_of(store, ref)


def _done(ctx: click.Context, message: str, story_id: int) -> None:
    click.echo(f"{message}: {web_link(settings_from(ctx), f'/stories/{story_id}')}")


COMMANDS = [edit]
