"""Stories in the database: threading in batches, merges, rethread, and the read side."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from storyline.errors import NotFoundError
from storyline.model import Article, Paragraph, Section
from storyline.pipeline import stories as story_pipeline
from storyline.revisions import compare_articles
from storyline.store import Store
from storyline.store import stories as story_store
from storyline.stories.entities import NullRecognizer

T0 = datetime(2022, 1, 25, 8, tzinfo=UTC)


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "stories.db") as opened:
        yield opened


def _headline(url: str, title: str) -> Article:
    return Article(url=url, title=title, sections=[Section("body", [Paragraph(title)])])


def _partition(store: Store) -> set[frozenset[str]]:
    return {frozenset(s.articles) for s in story_store.stories(store)}


def _store(store: Store, articles: list[Article], start: datetime) -> list[str]:
    for offset, article in enumerate(articles):
        store.store_version(
            article.url, start + timedelta(minutes=offset), article, compare=compare_articles
        )
    return [a.url for a in articles]


def test_threading_in_batches_with_a_merge_matches_rethread(store):
    first = [
        _headline("https://a.example/1", "latvia prime minister dombrovskis resigns"),
        _headline("https://b.example/2", "riga supermarket roof collapse kills dozens"),
    ]
    report = story_pipeline.thread_new_versions(
        store, _store(store, first, T0), recognizer=NullRecognizer()
    )
    assert (report.pages_added, report.stories) == (2, 2)
    second = [
        _headline(
            "https://c.example/3", "dombrovskis resigns after riga supermarket roof collapse"
        ),
        _headline(
            "https://d.example/4",
            "latvia prime minister resigns after riga supermarket roof collapse",
        ),
        _headline("https://e.example/5", "nasa confirms water plumes on europa"),
    ]
    report = story_pipeline.thread_new_versions(
        store, _store(store, second, T0 + timedelta(hours=1)), recognizer=NullRecognizer()
    )
    assert report.merges == 1
    batched = _partition(store)
    assert batched == {frozenset(a.url for a in first + second[:2]), frozenset([second[2].url])}
    ids = {s.id for s in story_store.stories(store)}
    assert ids == {1, 3}, "the merged-away story is gone from the table"
    report = story_pipeline.rethread(store, recognizer=NullRecognizer())
    assert report.stories == 2 and report.stories_written == 2
    assert _partition(store) == batched
    assert {s.id for s in story_store.stories(store)} == ids


def test_unchanged_pages_are_not_threaded_again(store):
    urls = _store(store, [_headline("https://a.example/1", "nasa confirms plumes on europa")], T0)
    story_pipeline.thread_new_versions(store, urls, recognizer=NullRecognizer())
    again = story_pipeline.thread_new_versions(store, urls, recognizer=NullRecognizer())
    assert again.pages_added == again.pages_updated == again.stories_written == 0
    _store(store, [_headline("https://b.example/2", "europa plumes confirmed by nasa")], T0)
    every = story_pipeline.thread_new_versions(store, recognizer=NullRecognizer())  # no URLs: all
    assert (every.pages_added, every.pages_threaded, every.stories) == (1, 2, 1)


def test_seed_story_with_revision_entities_and_timeline(store, make_seed, recognizer):
    earlier, updated = make_seed(updated=False), make_seed()
    other = _headline("https://example.com/europa", "NASA confirms water plumes on Europa")
    story_pipeline.thread_new_versions(
        store, _store(store, [earlier, other], T0), recognizer=recognizer
    )
    store.store_version(updated.url, T0 + timedelta(days=2), updated, compare=compare_articles)
    report = story_pipeline.thread_new_versions(store, [updated.url], recognizer=recognizer)
    assert report.pages_updated == 1
    mali = story_store.story_of(store, updated.url)
    assert mali is not None and mali.articles == [updated.url]
    assert mali.title == "Danish troops leaving Mali"
    names = {e.name for e in mali.entities}
    assert {"Jeppe Kofod", "Dansk Folkeparti", "Mali", "Denmark"} <= names
    updates = [e for e in mali.timeline if e.kind == "update"]
    assert any("decided to withdraw" in e.text for e in updates)
    assert any(e.date == "2021-05" for e in mali.timeline)
    assert mali.first_seen == T0 and mali.last_updated == T0 + timedelta(days=2)
    assert story_store.story(store, mali.id).articles == mali.articles
    recent = story_store.stories(store, since=T0 + timedelta(days=1))
    assert [s.id for s in recent] == [mali.id]


def test_unknown_story_and_unthreaded_page(store):
    with pytest.raises(NotFoundError, match="storyline stories"):
        story_store.story(store, 42)
    assert story_store.story_of(store, "https://nowhere.example/") is None
