"""The root command: global options, and one error line instead of a traceback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from storyline.errors import StorylineError
from storyline.logs import configure_logging


class StorylineGroup(click.Group):
    """Turns a ``StorylineError`` into one line on stderr and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except StorylineError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(1)


@click.group(cls=StorylineGroup)
@click.option("-v", "--verbose", count=True, help="Show log messages (-vv for debug).")
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Config file (TOML). Default: the user config dir, or $STORYLINE_CONFIG.",
)
@click.version_option(package_name="storyline")
@click.pass_context
def cli(ctx: click.Context, verbose: int, config_path: Path | None) -> None:
    """storyline follows developing news stories: it extracts articles, keeps every
    revision, and threads articles from many sources into stories."""
    configure_logging(verbose)
    ctx.ensure_object(dict)
    ctx.obj["config_path"] = config_path
