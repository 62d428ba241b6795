"""Property test: any sequence of captures, in any order, keeps every stored fact."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta
from itertools import count, pairwise
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storyline.model import Article, Change, Paragraph, Section
from storyline.store import Store

T0 = datetime(2026, 11, 1, tzinfo=UTC)
URL = "https://news.example/story"
CONTENTS = [
    Article(url=URL, title=f"Headline {i}", sections=[Section("body", [Paragraph(f"Text {i}.")])])
    for i in range(4)
]


def compare(old: Article, new: Article) -> list[Change]:
    return [Change("headline", old.title, new.title)]


captures = st.lists(st.tuples(st.integers(0, 12), st.integers(0, 3)), min_size=1, max_size=14)


def _history(store: Store, url: str) -> list[tuple[datetime, str]]:
    return [(v.fetched_at, v.content_hash) for v in store.versions(url)]


def _store_all(store: Store, url: str, seq: list[tuple[int, int]]) -> None:
    for minute, content in seq:
        raw = f"<html>{content} at {minute}</html>".encode()
        store.store_version(
            url, T0 + timedelta(minutes=minute), CONTENTS[content], raw, compare=compare
        )


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def stores(request):
    """Two stores shared by all examples (each example uses its own page URL), as SQLite
    files or as databases of a throwaway PostgreSQL server."""
    with tempfile.TemporaryDirectory() as tmp:
        if request.param == "sqlite":
            targets = [Path(tmp) / "a.db", Path(tmp) / "b.db"]
        else:
            server = request.getfixturevalue("postgres_server")
            targets = [server.new_database(), server.new_database()]
        with (
            Store.open(targets[0]) as store,
            Store.open(targets[1]) as sorted_store,
        ):
            yield store, sorted_store, count()


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seq=captures)
def test_any_capture_order_keeps_every_fact_and_is_idempotent(stores, seq):
    store, sorted_store, numbers = stores
    url = f"{URL}/{next(numbers)}"
    _store_all(store, url, seq)
    history = _history(store, url)
    # every capture is answered by the version in effect at its time
    for minute, content in seq:
        key = (T0 + timedelta(minutes=minute), CONTENTS[content].content_hash())
        in_effect = max(k for k in history if k <= key)
        assert in_effect[1] == key[1]
    # versions are distinct states: no two neighbours are equal
    assert all(a[1] != b[1] for a, b in pairwise(history))
    # each version's changes are against its neighbour in time, the raw page kept
    found = store.versions(url)
    for before, after in pairwise(found):
        change = store.changes(after.id)[0]
        assert (change.before, change.after) == (before.article.title, after.article.title)
    assert all(store.raw_html(v.id).startswith(b"<html>") for v in found)
    assert store.changes(found[0].id) == []
    assert store.page(url).version_count == len(found)
    # storing everything again changes nothing
    counts = store.counts()
    _store_all(store, url, list(reversed(seq)))
    assert _history(store, url) == history and store.counts() == counts
    # the arrival order does not matter
    _store_all(sorted_store, url, sorted(seq))
    assert _history(sorted_store, url) == history
