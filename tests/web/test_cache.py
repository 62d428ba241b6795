"""The home page's short-lived cache is dropped by any write to the database."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient

from storyline.model import Article, Paragraph, Section
from storyline.revisions import compare_articles
from storyline.store import Store
from storyline.web.app import create_app
from storyline.web.cache import DataCache


def test_cached_until_the_database_changes(tmp_path):
    with Store.open(tmp_path / "c.db") as store:
        ticks = iter(range(100))
        cache = DataCache(store, ttl=50, clock=lambda: float(next(ticks)))
        calls: list[int] = []

        def compute() -> int:
            calls.append(1)
            return len(calls)

        assert cache.get("k", compute) == 1
        assert cache.get("k", compute) == 1  # unchanged database: cached
        store.add_source("https://example.com/rss", "feed", 900.0)
        assert cache.get("k", compute) == 2  # a commit changed the files


def test_entries_expire(tmp_path):
    with Store.open(tmp_path / "c.db") as store:
        now = [0.0]
        cache = DataCache(store, ttl=5, clock=lambda: now[0])
        assert cache.get("k", lambda: "old") == "old"
        now[0] = 6.0
        assert cache.get("k", lambda: "new") == "new"


def test_an_in_memory_database_is_never_cached():
    store = Store.open("sqlite://")
    cache = DataCache(store)
    values = iter([1, 2])
    assert cache.get("k", lambda: next(values)) == 1
    assert cache.get("k", lambda: next(values)) == 2
    store.close()


def test_home_shows_a_new_article_at_once(tmp_path, web_settings):
    with (
        Store.open(tmp_path / "h.db") as store,
        TestClient(create_app(store, web_settings)) as client,
    ):
        assert client.get("/index.json").json()["articles"] == []
        article = Article(
            url="https://example.com/a",
            title="Fresh news",
            sections=[Section("body", [Paragraph("Text.")])],
        )
        store.store_version(
            "https://example.com/a", datetime.now(UTC), article, compare=compare_articles
        )
        titles = [a["title"] for a in client.get("/index.json").json()["articles"]]
        assert titles == ["Fresh news"]


def test_a_search_is_cached_until_the_database_changes(tmp_path, web_settings, monkeypatch):
    from storyline.web import access as api

    runs: list[str] = []
    search_data = api.search_data

    def counted(store, q, *args):
        runs.append(q)
        return search_data(store, q, *args)

    monkeypatch.setattr(api, "search_data", counted)
    with (
        Store.open(tmp_path / "s.db") as store,
        TestClient(create_app(store, web_settings)) as client,
    ):
        assert client.get("/api/search?q=harbour").json()["items"] == []
        assert client.get("/search.json?q=harbour").json()["items"] == []
        assert "harbour" in client.get("/search?q=harbour").text
        assert runs == ["harbour"]  # the page, its twin and the API: one search
        client.get("/api/search?q=harbour&limit=5")
        assert runs == ["harbour", "harbour"]  # another page size is another search
        article = Article(
            url="https://example.com/h",
            title="Harbour reopens",
            sections=[Section("body", [Paragraph("Boats are back.")])],
        )
        store.store_version(article.url, datetime.now(UTC), article, compare=compare_articles)
        found = client.get("/api/search?q=harbour").json()["items"]
        assert [item["title"] for item in found] == ["Harbour reopens"]
        assert len(runs) == 3
