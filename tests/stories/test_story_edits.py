"""People's edits to stories (move, merge, split, rename, reset) and that they outlast
threading: new articles threaded one by one, and ``rethread`` from the whole log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from storyline.errors import InputError
from storyline.model import Article, Paragraph, Section
from storyline.pipeline import story_edits as edits
from storyline.pipeline.stories import rethread, thread_new_versions
from storyline.revisions import compare_articles
from storyline.store import Store
from storyline.store.stories import stories, story, story_of
from storyline.stories.entities import NullRecognizer
from storyline.stories.threading import ThreadingOptions

T0 = datetime(2022, 1, 27, 8, tzinfo=UTC)
LATVIA = [
    ("https://a.example/1", "Latvian prime minister resigns over Riga supermarket collapse"),
    ("https://b.example/2", "Riga supermarket collapse: Latvian prime minister resigns"),
    ("https://c.example/3", "Latvian prime minister Dombrovskis resigns after Riga collapse"),
]
EUROPA = [("https://d.example/4", "NASA confirms water plumes on Jupiter's moon Europa")]
NOW = datetime(2022, 2, 1, tzinfo=UTC)


def _store_all(store: Store, pages: list[tuple[str, str]], start: int = 0) -> None:
    for offset, (url, title) in enumerate(pages, start):
        # the title's names mid-sentence, as in a real body: the threader's names guard
        # does not count a capitalised word that starts a sentence
        body = [Paragraph(f"Reporters were told of it: {title}. Then: {title.lower()}.")]
        article = Article(url=url, title=title, sections=[Section("body", body)])
        store.store_version(url, T0 + timedelta(minutes=offset), article, compare=compare_articles)
    thread_new_versions(store, recognizer=NullRecognizer())


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "edits.db") as opened:
        _store_all(opened, LATVIA + EUROPA)
        yield opened


def _id(store: Store, url: str) -> int:
    return store.page(url).id


def _story_id(store: Store, url: str) -> int:
    found = story_of(store, url)
    assert found is not None and found.id is not None
    return found.id


def _rethread(store: Store) -> None:
    rethread(store, recognizer=NullRecognizer())


def test_the_threader_puts_latvia_together_and_europa_apart(store):
    latvia = {_story_id(store, url) for url, _ in LATVIA}
    assert len(latvia) == 1 and _story_id(store, EUROPA[0][0]) not in latvia


def test_moving_an_article_outlasts_rethreading_and_new_articles(store):
    europa, latvia = EUROPA[0][0], _story_id(store, LATVIA[0][0])
    now_in = edits.move(store, _id(store, europa), latvia, NOW)
    assert now_in == latvia == _story_id(store, europa)
    assert len(story(store, latvia).articles) == 4
    assert all(len(s.articles) > 0 for s in stories(store))  # the emptied story is gone
    _rethread(store)
    assert _story_id(store, europa) == _story_id(store, LATVIA[0][0])
    _store_all(store, [("https://e.example/5", "Latvia mourns Riga supermarket victims")], 9)
    assert _story_id(store, europa) == _story_id(store, LATVIA[0][0])


def test_splitting_makes_a_story_of_its_own_that_keeps_its_number(store):
    latvia = _story_id(store, LATVIA[0][0])
    split_off = [_id(store, LATVIA[2][0])]
    new = edits.split(store, latvia, split_off, NOW)
    assert new == edits.OWN_STORY_BASE + split_off[0]
    assert story(store, new).articles == [LATVIA[2][0]]
    assert len(story(store, latvia).articles) == 2
    _rethread(store)
    assert _story_id(store, LATVIA[2][0]) == new
    assert _story_id(store, LATVIA[0][0]) != new
    with pytest.raises(InputError):
        edits.split(store, latvia, [_id(store, EUROPA[0][0])], NOW)  # not in that story


def test_merge_and_rename_outlast_rethreading(store):
    latvia, europa = _story_id(store, LATVIA[0][0]), _story_id(store, EUROPA[0][0])
    into = edits.merge(store, europa, latvia, NOW)
    assert into == latvia and _story_id(store, EUROPA[0][0]) == latvia
    edits.rename(store, latvia, "  Riga supermarket collapse  ", NOW)
    assert story(store, latvia).title == "Riga supermarket collapse"
    _rethread(store)
    merged = _story_id(store, EUROPA[0][0])
    assert merged == _story_id(store, LATVIA[0][0])
    assert story(store, merged).title == "Riga supermarket collapse"
    with pytest.raises(InputError):
        edits.rename(store, merged, " ", NOW)


def test_reset_puts_the_articles_back_where_the_threader_had_them(store):
    latvia = _story_id(store, LATVIA[0][0])
    new = edits.split(store, latvia, [_id(store, LATVIA[1][0])], NOW)
    assert edits.reset(store, new, ThreadingOptions()) == 1
    assert _story_id(store, LATVIA[1][0]) == latvia
    assert new not in {s.id for s in stories(store)}
    _rethread(store)
    assert _story_id(store, LATVIA[1][0]) == _story_id(store, LATVIA[0][0])
