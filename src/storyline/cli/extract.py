"""``storyline extract``: the article of one page, printed, nothing stored."""

from __future__ import annotations

import click

from storyline.cli.options import json_option, print_json, private_option, settings_from


@click.command()
@click.argument("source")
@json_option
@click.option("--url", default=None, help="The page's URL, when SOURCE is a file or stdin.")
@click.option(
    "--text",
    "as_text_input",
    is_flag=True,
    help="Treat the input as a plain-text page (automatic for .txt files).",
)
@private_option
@click.pass_context
def extract(
    ctx: click.Context,
    source: str,
    as_json: bool,
    url: str | None,
    as_text_input: bool,
    allow_private: bool,
) -> None:
    """Extract the article from SOURCE: a file (.html, .html.gz, .txt), - for stdin, or a URL.

    The page is extracted in a worker process under the extract_budget and
    extract_memory_mb limits; a page over them is reported as too_slow or too_big.

    Example: storyline extract page.html.gz --json
    """
    from storyline.render import article_as_text
    from storyline.sandbox import Extractor
    from storyline.sources.pages import load_page

    settings = settings_from(ctx, allow_private)
    page = load_page(source, settings)
    with Extractor(settings, warm=False) as extractor:  # one page: no warm-up
        article = extractor.article(
            page.data, url or page.url, page.content_type, page.is_text or as_text_input
        )
    if as_json:
        print_json(article.to_dict())
    else:
        click.echo(article_as_text(article), nl=False)


COMMANDS = [extract]
