"""Web test fixtures: a real SQLite file filled the way storyline fills it.

The newsroom (a local HTTP server) is followed and polled twice through the real pipeline,
so the seed story gains its UPDATE version, one article a correction and one a typo fix.
Real shared news pages are stored beside them (two with a later, changed version), and
one article whose headline is a script tag, to prove it is shown as text everywhere. Then
every page is threaded into stories by the stories stage (``rethread``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fixtures.databases import copy_database
from fixtures.newsroom import SEED_PATH, Newsroom, newsroom_settings
from fixtures.shared_pages import SHARED, shared_pages  # noqa: F401  (tests import SHARED)

from storyline import extract_article, pipeline
from storyline.config import Settings
from storyline.model import Article, Paragraph, Section
from storyline.pipeline.stories import rethread
from storyline.revisions import compare_articles
from storyline.sources.fetch import Fetcher
from storyline.store import Store

XSS = "<script>alert(1)</script>"
XSS_URL = "https://evil.example/news/xss"
T0 = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)


def pytest_configure(config: pytest.Config) -> None:
    # Starlette's TestClient asks for the httpx2 fork; httpx is what the project uses.
    config.addinivalue_line("filterwarnings", "ignore:.*httpx2")


@dataclass(frozen=True)
class NewsDb:
    """The filled database and the ids tests look for."""

    path: Path
    seed_id: int
    xss_id: int
    shared_ids: list[int]
    room_base: str


def updated(article: Article, note: str) -> Article:
    """A later version: UPDATE label on the headline and an update block on top."""
    update = Section(kind="update", paragraphs=[Paragraph(note)])
    return replace(
        article,
        title=f"UPDATE: {article.title}",
        labels=["UPDATE"],
        sections=[update, *article.sections],
    )


def _fill_from_newsroom(store: Store, room: Newsroom) -> None:
    settings = newsroom_settings()
    with Fetcher(settings) as fetcher:
        pipeline.follow(store, fetcher, room.url("/feeds/rss.xml"))
        pipeline.poll(store, fetcher, settings, visit_all=True)
        pipeline.poll(store, fetcher, settings, visit_all=True)


def _fill_shared(store: Store) -> list[int]:
    ids = []
    for i, (url, html) in enumerate(shared_pages(6)):
        article = extract_article(html, url=url)
        at = T0 + timedelta(hours=i)
        store.store_version(url, at, article, raw_html=html, compare=compare_articles)
        if i < 2:
            later = updated(article, "Officials confirmed the figures on Tuesday evening.")
            store.store_version(url, at + timedelta(minutes=40), later, compare=compare_articles)
        ids.append(store.page(url).id)
    return ids


def _fill_xss(store: Store) -> int:
    body = [Paragraph(f"The attacker wrote {XSS} into the page."), Paragraph("Nothing ran.")]
    first = Article(url=XSS_URL, title="A harmless headline", sections=[Section("body", body)])
    second = replace(first, title=XSS, standfirst=f"<img src=x onerror=alert(2)> {XSS}")
    store.store_version(XSS_URL, T0, first, compare=compare_articles)
    store.store_version(XSS_URL, T0 + timedelta(hours=1), second, compare=compare_articles)
    return store.page(XSS_URL).id


@pytest.fixture(scope="session")
def news_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NewsDb]:
    """A database filled once per test session; tests that write use their own copy."""
    path = tmp_path_factory.mktemp("web") / "news.db"
    with Newsroom() as room, Store.open(path) as store:
        _fill_from_newsroom(store, room)
        shared_ids = _fill_shared(store)
        xss_id = _fill_xss(store)
        rethread(store)
        seed_id = store.page(room.url(SEED_PATH)).id
        yield NewsDb(path, seed_id, xss_id, shared_ids, room.base())


@pytest.fixture
def news_copy(news_db: NewsDb, tmp_path: Path) -> Path:
    """A copy of the filled database that a test may write to."""
    return copy_database(news_db.path, tmp_path / "news.db")


@pytest.fixture
def web_settings() -> Settings:
    """Settings for the app under test: private addresses allowed (the newsroom is local)."""
    return newsroom_settings()


@pytest.fixture
def store(news_db: NewsDb) -> Iterator[Store]:
    with Store.open(news_db.path) as opened:
        yield opened


@pytest.fixture
def client(store: Store, web_settings: Settings):
    from fastapi.testclient import TestClient

    from storyline.web.app import create_app

    with TestClient(create_app(store, web_settings, token=""), raise_server_exceptions=False) as c:
        yield c
