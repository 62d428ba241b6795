"""The command line: parse, call one library function, print. No business logic here."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from storyline.config import Settings, load_settings
from storyline.errors import StorylineError
from storyline.logs import configure_logging


class _Group(click.Group):
    """Turns a ``StorylineError`` into one line on stderr and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except StorylineError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(1)


@click.group(cls=_Group)
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


def settings_from(ctx: click.Context) -> Settings:
    """Settings for this invocation (config file and environment)."""
    return load_settings(ctx.obj.get("config_path") if ctx.obj else None)


def print_json(data: Any) -> None:
    """Print JSON the same way for every command."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@cli.command()
@click.argument("source")
@click.option("--json", "as_json", is_flag=True, help="Print the Article as JSON.")
@click.option("--url", default=None, help="The page's URL, when SOURCE is a file or stdin.")
@click.option(
    "--text",
    "as_text_input",
    is_flag=True,
    help="Treat the input as a plain-text page (automatic for .txt files).",
)
def extract(source: str, as_json: bool, url: str | None, as_text_input: bool) -> None:
    """Extract the article from SOURCE: a file (.html, .html.gz, .txt), - for stdin, or a URL.

    The page is extracted in a worker process under the extract_budget and
    extract_memory_mb limits; a page over them is reported as too_slow or too_big.

    Example: storyline extract page.html.gz --json
    """
    from storyline.render import article_as_text
    from storyline.sandbox import Extractor
    from storyline.sources.pages import load_page

    settings = settings_from(click.get_current_context())
    page = load_page(source, settings)
    with Extractor(settings, warm=False) as extractor:  # one page: no warm-up
        article = extractor.article(
            page.data, url or page.url, page.content_type, page.is_text or as_text_input
        )
    if as_json:
        print_json(article.to_dict())
    else:
        click.echo(article_as_text(article), nl=False)


import storyline.cli_follow  # noqa: E402,F401
import storyline.cli_ingest  # noqa: E402,F401
import storyline.cli_sources  # noqa: E402,F401
import storyline.cli_stories  # noqa: E402,F401
import storyline.cli_web  # noqa: E402,F401


def main() -> None:
    """Console entry point."""
    cli(obj={}, prog_name="storyline")


if __name__ == "__main__":
    main()
    sys.exit(0)
