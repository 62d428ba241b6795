"""The follow path end to end into PostgreSQL: the local newsroom followed and polled twice.

The same run goes into a SQLite file and into a PostgreSQL database, each against its own
fresh newsroom (pages change per visit, so one newsroom cannot serve both); what was
stored (versions, changes, word diffs, follow state) must agree, fetch times aside.
"""

from __future__ import annotations

from pathlib import Path

from fixtures.newsroom import SEED_PATH, STABLE_PATH, TYPO_PATH, Newsroom, newsroom_settings

from storyline import pipeline
from storyline.revisions.diff import article_diff, render_terminal
from storyline.sources.fetch import Fetcher
from storyline.store import Store


def _follow_and_poll(target: str | Path) -> dict:
    settings = newsroom_settings(poll_workers=4)
    with Newsroom() as room, Fetcher(settings) as fetcher, Store.open(target, settings) as store:
        pipeline.follow(store, fetcher, room.url("/feeds/rss.xml"))
        first = pipeline.poll(store, fetcher, settings)
        second = pipeline.poll(store, fetcher, settings, visit_all=True)
        assert first.new_pages == len(room.article_urls()) and second.changed >= 2
        stored = {}
        for url in room.article_urls():
            path = url.removeprefix(room.base(0))
            found = store.versions(url)
            stored[path] = [
                (v.number, v.content_hash, v.article.title, store.changes(v.id)) for v in found
            ]
            stored[path + " diff"] = [
                render_terminal(article_diff(a.article, b.article), color=False)
                for a, b in zip(found, found[1:], strict=False)
            ]
            page = store.page(url)
            stored[path + " page"] = (page.version_count, page.last_status, page.failures)
        stored["counts"] = store.counts()
        stored["sources"] = [(s.kind, s.failures, s.last_status) for s in store.sources()]
        return stored


def test_follow_and_poll_store_the_same_history_on_sqlite_and_postgresql(tmp_path, postgres_url):
    on_pg = _follow_and_poll(postgres_url)
    assert on_pg == _follow_and_poll(tmp_path / "news.db")
    seed = on_pg[SEED_PATH]
    assert [title for _, _, title, _ in seed] == [
        "Danish troops may be leaving Mali",
        "UPDATE: Danish troops leaving Mali",
    ]
    assert {"headline", "update_added"} <= {c.kind for c in seed[1][3]}
    assert "UPDATE" in on_pg[SEED_PATH + " diff"][0]
    assert "copy_edit" in {c.kind for c in on_pg[TYPO_PATH][1][3]}
    assert len(on_pg[STABLE_PATH]) == 1 and on_pg[STABLE_PATH + " diff"] == []
