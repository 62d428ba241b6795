"""The reader's side on PostgreSQL: story lists (the index, its times as PostgreSQL
returns them), a story, following and "what's new", and an edit that outlasts rethread."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from starlette.testclient import TestClient

from storyline.config import load_settings
from storyline.model import Article, Paragraph, Section
from storyline.pipeline.stories import rethread, thread_new_versions
from storyline.revisions import compare_articles
from storyline.store import Store
from storyline.stories.entities import NullRecognizer
from storyline.web.app import create_app

T = datetime(2026, 3, 1, 12, tzinfo=UTC)
PAGES = [
    ("https://a.example/news/bridge", "Harbour bridge closed after crack found in deck"),
    ("https://b.example/news/bridge", "Crack found in harbour bridge deck: bridge closed"),
    ("https://c.example/news/budget", "Council approves next year's budget for schools"),
]


def test_stories_news_and_edits_on_postgresql(postgres_url):
    settings = load_settings(environ={})
    with Store.open(postgres_url, settings) as store:
        for offset, (url, title) in enumerate(PAGES):
            body = [Paragraph(f"{title}. The city said more would follow on Monday.")]
            article = Article(
                url=url, title=title, published="2026-03-01", sections=[Section("body", body)]
            )
            store.store_version(
                url, T + timedelta(minutes=offset), article, compare=compare_articles
            )
        thread_new_versions(store, recognizer=NullRecognizer())
        client = TestClient(create_app(store, settings))
        listed = client.get("/api/stories").json()
        assert listed["total"] == 1 and listed["all"] == 2
        (bridge,) = listed["items"]
        assert bridge["sites"] == ["a.example", "b.example"]
        assert bridge["first_news_at"] == "2026-03-01T12:00:00Z"  # published, a day: noon
        assert client.get("/stories").status_code == 200
        story = client.get(f"/api/stories/{bridge['id']}").json()
        assert {a["url"] for a in story["articles"]} == set(dict(PAGES[:2]))
        first = store.page(PAGES[0][0]).id
        assert client.post("/api/follows", json={"kind": "article", "id": first}).status_code == 201
        changed = Article(url=PAGES[0][0], title="UPDATE: Harbour bridge stays closed")
        store.store_version(PAGES[0][0], datetime.now(UTC), changed, compare=compare_articles)
        assert client.get("/api/news").json()["new_count"] >= 1
        split = client.post(f"/api/stories/{bridge['id']}/split", json={"articles": [first]})
        assert split.status_code == 200
        rethread(store, recognizer=NullRecognizer())
        assert client.get(f"/api/articles/{first}").json()["story"]["id"] == split.json()["story"]
