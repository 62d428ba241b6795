"""The web app over a PostgreSQL store: pages, their JSON twins, search, the Atom feed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from starlette.testclient import TestClient

from storyline.config import load_settings
from storyline.model import Article, Paragraph, Section
from storyline.revisions import compare_articles
from storyline.store import Store
from storyline.web.app import create_app

T = datetime(2026, 3, 1, 12, tzinfo=UTC)
URL = "https://news.example/bridge"


def _article(title: str, *texts: str) -> Article:
    return Article(url=URL, title=title, sections=[Section("body", [Paragraph(t) for t in texts])])


def test_pages_api_search_and_feed_answer_from_postgresql(postgres_url):
    settings = load_settings(environ={})
    with Store.open(postgres_url, settings) as store:
        store.store_version(
            URL,
            T,
            _article("Bridge to open", "The bridge opens on Monday."),
            compare=compare_articles,
        )
        store.store_version(
            URL,
            T + timedelta(hours=2),
            _article("UPDATE: Bridge opens", "The bridge opened on Monday.", "Traffic is slow."),
            compare=compare_articles,
        )
        client = TestClient(create_app(store, settings))
        page_id = store.page(URL).id
        for path in ("/", f"/articles/{page_id}", f"/articles/{page_id}/diff?a=1&b=2"):
            assert client.get(path).status_code == 200, path
        article = client.get(f"/articles/{page_id}.json").json()
        assert article == client.get(f"/api/articles/{page_id}").json()
        assert "UPDATE: Bridge opens" in str(article)
        found = client.get("/search.json?q=traffic").json()
        assert [item["url"] for item in found["items"]] == [URL]
        assert "Bridge opens" in client.get("/feeds/updates.atom").text
