"""probe() and ``storyline probe`` against the newsroom."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from storyline.cli import cli
from storyline.errors import BlockedError
from storyline.sources.probe import probe


def test_probe_home_page_lists_feeds_and_robots_sitemaps(newsroom, newsroom_fetcher):
    found = probe(newsroom_fetcher, newsroom.url("/"))
    assert found.kind == "homepage"
    assert found.feeds == [newsroom.url("/feeds/rss.xml"), newsroom.url("/feeds/atom.xml")]
    assert found.robots_sitemaps == [newsroom.url("/sitemap-index.xml")]
    assert found.stats["robots/200"] == 1


def test_probe_feed_and_sitemap_index(newsroom, newsroom_fetcher):
    feed = probe(newsroom_fetcher, newsroom.url("/feeds/atom.xml"), limit=2)
    assert feed.kind == "feed" and feed.title == "The Newsroom"
    assert feed.entry_count == 5 and feed.entries == newsroom.article_urls()[:2]
    index = probe(newsroom_fetcher, newsroom.url("/sitemap-index.xml"))
    assert index.kind == "sitemap" and index.entry_count == 0 and len(index.sitemaps) == 2


def test_probe_respects_robots(newsroom, newsroom_fetcher):
    with pytest.raises(BlockedError):
        probe(newsroom_fetcher, newsroom.url("/private/embargoed-report"))


def test_cli_probe(newsroom, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("throttle_delay = 0.0\n")
    runner = CliRunner()
    args = ["--config", str(config), "probe", newsroom.url("/feeds/rss.xml"), "--allow-private"]
    result = runner.invoke(cli, [*args, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["kind"] == "feed"
    text = runner.invoke(cli, args)
    assert "feed (HTTP 200, application/rss+xml)" in text.output and "5 entries" in text.output
    refused = runner.invoke(cli, ["--config", str(config), "probe", newsroom.url("/")])
    assert refused.exit_code == 1 and "allow_private" in refused.output
