"""One archive ingested into SQLite and into PostgreSQL: every stage reads back the same.

The archive (real shared news pages, three syndicated copies of one story, a page with
two captures stored newest first and a repeated capture) goes through the real batch
ingest, which stores versions, indexes duplicates and threads stories. Then versions,
changes, raw pages, duplicate groups, stories, the event log, exports and search are
compared between the two databases. Built once per module: ingest and threading are the
slow part, the comparisons are cheap.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from ingest.ingest_helpers import Rec, article_html, shared_pages, write_warc

from storyline.config import load_settings
from storyline.export import export
from storyline.pipeline.ingest import ingest
from storyline.pipeline.stories import rethread
from storyline.store import Store
from storyline.store.duplicates import duplicate_groups
from storyline.store.search import SearchQuery, search_articles
from storyline.store.stories import stories

COPY = "Water plumes were seen rising from the moon's surface, scientists said on Monday. "


def _records() -> list[Rec]:
    pages = shared_pages(10)
    story = [COPY * 3, "The plumes rise about 200 kilometres above the ice.", COPY]
    records = [
        Rec(url, f"2024-05-0{1 + i % 5}T10:00:00Z", html) for i, (url, html) in enumerate(pages)
    ]
    records += [
        Rec(
            f"https://paper-{n}.example/europa",
            f"2024-05-06T1{n}:00:00Z",
            article_html(title, story),
        )
        for n, title in enumerate(("Europa plumes", "Plumes on Europa", "Europa water"))
    ]
    moving = "https://news.example/moving"
    records += [  # newest first, then an older capture, then the newest again
        Rec(
            moving, "2024-05-09T10:00:00Z", article_html("UPDATE: Bridge opens", story[1:] + [COPY])
        ),
        Rec(moving, "2024-05-08T10:00:00Z", article_html("Bridge to open", story[1:])),
        Rec(
            moving, "2024-05-09T10:00:00Z", article_html("UPDATE: Bridge opens", story[1:] + [COPY])
        ),
    ]
    return records


@pytest.fixture(scope="module")
def stores(tmp_path_factory, postgres_server) -> Iterator[tuple[Store, Store]]:
    tmp = tmp_path_factory.mktemp("parity")
    crawl = write_warc(tmp / "crawl.warc.gz", _records())
    settings = load_settings(environ={})
    with Store.open(tmp / "s.db") as lite, Store.open(postgres_server.new_database()) as pg:
        for store in (lite, pg):
            report = ingest(store, [crawl], settings, workers=1)
            assert report.stored == 15 and report.copies >= 2
        yield lite, pg


def _urls(store: Store) -> list[str]:
    return sorted(row.page.url for row in store.articles(limit=1000).rows)


def test_versions_changes_and_raw_pages_agree(stores):
    lite, pg = stores
    assert lite.counts() == pg.counts()
    assert _urls(lite) == _urls(pg)
    for url in _urls(lite):
        a, b = lite.versions(url), pg.versions(url)
        assert [(v.number, v.fetched_at, v.content_hash, v.article) for v in a] == [
            (v.number, v.fetched_at, v.content_hash, v.article) for v in b
        ]
        for va, vb in zip(a, b, strict=True):
            assert lite.changes(va.id) == pg.changes(vb.id)
            assert lite.raw_html(va.id) == pg.raw_html(vb.id)
    moving = pg.versions("https://news.example/moving")
    assert [v.article.title for v in moving] == ["Bridge to open", "UPDATE: Bridge opens"]
    assert pg.changes(moving[1].id)


def test_duplicate_groups_agree(stores):
    lite, pg = stores
    groups = [(g.canonical, g.members) for g in duplicate_groups(pg)]
    assert groups == [(g.canonical, g.members) for g in duplicate_groups(lite)]
    assert any(len(members) >= 2 for _, members in groups)


def _stories(store: Store) -> list[tuple]:
    return sorted(
        (s.title, sorted(s.articles), s.first_seen, s.last_updated, s.entities, s.timeline)
        for s in stories(store)
    )


def test_stories_agree_and_rethreading_gives_the_same(stores):
    lite, pg = stores
    threaded = _stories(pg)
    assert threaded == _stories(lite) and threaded
    assert any(len(articles) >= 2 for _, articles, *_ in threaded)
    rethread(pg)
    assert _stories(pg) == threaded


def _export(store: Store, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    export(store, fmt, out, **options)
    return out.getvalue()


def test_exports_agree(stores):
    lite, pg = stores
    since = datetime(2024, 5, 6, tzinfo=UTC)
    for fmt in ("jsonl", "csv"):
        for options in ({}, {"versions": True}, {"since": since}):
            assert _export(pg, fmt, **options) == _export(lite, fmt, **options), (fmt, options)
    rows = [json.loads(line) for line in _export(pg, "jsonl", versions=True).splitlines()]
    assert len(rows) == pg.counts()["versions"]


def _search(store: Store, **query) -> list[str]:
    with store.engine.connect() as conn:
        return [h.url for h in search_articles(conn, SearchQuery(**query)).hits]


def test_search_filters_agree_and_words_find_what_full_text_search_finds(stores):
    lite, pg = stores
    since = datetime(2024, 5, 6, tzinfo=UTC)
    for query in ({}, {"site": "paper-1.example"}, {"since": since}, {"until": since}):
        assert _search(pg, limit=50, **query) == _search(lite, limit=50, **query), query
    for words in ("plumes", "PLUMES europa", "bridge"):
        assert set(_search(lite, words=words, limit=50)) <= set(_search(pg, words=words, limit=50))
