"""Commands about sources that store nothing: ``storyline probe URL``."""

from __future__ import annotations

import click

from storyline.cli.options import json_option, print_json, private_option, settings_from


@click.command()
@click.argument("url")
@json_option
@click.option("--limit", default=10, show_default=True, help="Entries to list.")
@private_option
@click.pass_context
def probe(ctx: click.Context, url: str, as_json: bool, limit: int, allow_private: bool) -> None:
    """Show what URL is (feed, sitemap, article, home page) and what following it would
    pick up, without storing anything. Obeys robots.txt like every fetch.

    Example: storyline probe https://www.example.com/
    """
    from storyline.sources.fetch import Fetcher
    from storyline.sources.probe import probe as probe_url

    settings = settings_from(ctx, allow_private)
    with Fetcher(settings) as fetcher:
        found = probe_url(fetcher, url, limit=limit)
    if as_json:
        print_json(found.to_dict())
        return
    click.echo(f"{found.final_url}: {found.kind} (HTTP {found.status}, {found.content_type})")
    if found.title:
        click.echo(f"title: {found.title}")
    for label, items in (
        ("feed", found.feeds),
        ("sub-sitemap", found.sitemaps),
        ("sitemap named in robots.txt", found.robots_sitemaps),
    ):
        for item in items:
            click.echo(f"{label}: {item}")
    if found.entry_count:
        click.echo(f"{found.entry_count} entries; the first {len(found.entries)}:")
        for entry in found.entries:
            click.echo(f"  {entry}")


COMMANDS = [probe]
