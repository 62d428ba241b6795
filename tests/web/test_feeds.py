"""The Atom feeds parse with feedparser and carry the required elements."""

from __future__ import annotations

from datetime import UTC, datetime

import feedparser

from storyline.web.feeds_atom import AtomEntry, AtomFeed, render_atom


def _required(feed) -> None:
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.id and feed.feed.title and feed.feed.updated
    assert any(link.rel == "self" for link in feed.feed.links)
    for entry in feed.entries:
        assert entry.id and entry.title and entry.updated and entry.link and entry.summary


def test_updates_feed_has_one_entry_per_changing_version(client, news_db):
    response = client.get("/feeds/updates.atom")
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    _required(feed)
    seed = [e for e in feed.entries if f"/articles/{news_db.seed_id}/" in e.id]
    assert len(seed) == 1  # version 2; the first version changed nothing
    assert "headline changed" in seed[0].summary and "update added" in seed[0].summary
    assert seed[0].link.endswith(f"/articles/{news_db.seed_id}/diff?a=1&b=2")
    updated = [e.updated_parsed for e in feed.entries]
    assert updated == sorted(updated, reverse=True)
    ids = [e.id for e in feed.entries]
    assert len(ids) == len(set(ids))
    assert {t.term for t in seed[0].tags} >= {"headline", "update_added"}


def test_render_atom_escapes_and_drops_control_characters():
    when = datetime(2026, 1, 1, 12, tzinfo=UTC)
    feed = AtomFeed(
        id="urn:x",
        title="T & <b>",
        self_url="http://h/f.atom",
        html_url="http://h/",
        updated=when,
        entries=[
            AtomEntry(
                id="urn:e1",
                title="<script>x</script>\x00\x07",
                updated=when,
                link="http://h/a?x=1&y=2",
                summary="s",
                content_html="<p>ok</p>",
            )
        ],
    )
    xml = render_atom(feed)
    parsed = feedparser.parse(xml)
    _required(parsed)
    assert parsed.feed.title == "T & <b>"
    assert parsed.entries[0].title == "<script>x</script>"
    assert parsed.entries[0].link == "http://h/a?x=1&y=2"
    assert b"<script>" not in xml
