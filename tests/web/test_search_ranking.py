"""Search ranking: BM25 within a window of the newest matches, then the older matches.

The expected orders are worked out here from FTS5's own scores over every match (one
plain ``ORDER BY rank`` query), not from the code under test.
"""

from __future__ import annotations

import random
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from storyline.model import Article, Paragraph, Section
from storyline.revisions import compare_articles
from storyline.store import Store, search_ranked
from storyline.web.data_search import search_data

T = datetime(2026, 3, 1, 12, tzinfo=UTC)
PAGES = 40
WINDOW = 12


@pytest.fixture(scope="module")
def harbour_store(tmp_path_factory):
    """40 pages that all mention "harbour", in the headline or body, a varying number of
    times in texts of varying length; a few pages without the word."""
    rng = random.Random(7)
    path = tmp_path_factory.mktemp("ranking") / "ranking.db"
    with Store.open(path) as store:
        for n in range(PAGES + 5):
            url = f"https://news{n % 3}.example/{n}"
            filler = " ".join(rng.choice(["quay", "ferry", "council", "tide"]) for _ in range(n))
            if n >= PAGES:
                title, body = f"Council meets {n}", f"No port news today. {filler}"
            else:
                title = "Harbour works" if n % 4 == 0 else f"Story {n}"
                body = " ".join(["The harbour opened."] * (1 + n % 5)) + " " + filler
            article = Article(url=url, title=title, sections=[Section("body", [Paragraph(body)])])
            store.store_version(url, T + timedelta(days=n), article, compare=compare_articles)
    return path


def _bm25_order(path, where: str = "") -> list[int]:
    """Page ids of every "harbour" match in FTS5's BM25 order (ties as FTS5 breaks them)."""
    with sqlite3.connect(path) as db:
        return [
            r[0]
            for r in db.execute(
                "SELECT search_fts.rowid FROM search_fts JOIN pages p ON p.id = search_fts.rowid "
                "WHERE search_fts MATCH '\"harbour\"*' AND rank MATCH 'bm25(8.0, 1.0)'"
                f"{where} ORDER BY rank"
            )
        ]


def _all_pages(store: Store, limit: int, **filters) -> list[int]:
    ids, cursor = [], None
    while True:
        data = search_data(store, "harbour", limit=limit, cursor=cursor, sites=[], **filters)
        ids += [item["id"] for item in data["items"]]
        cursor = data["next_cursor"]
        if cursor is None:
            return ids


def test_fewer_matches_than_the_window_keep_bm25s_order(harbour_store):
    with Store.open(harbour_store) as store:
        assert _all_pages(store, limit=7) == _bm25_order(harbour_store)


def test_the_newest_matches_rank_first_then_the_older_ones(harbour_store, monkeypatch):
    monkeypatch.setattr(search_ranked, "RANK_WINDOW", WINDOW)
    everything = _bm25_order(harbour_store)
    newest = sorted(everything, reverse=True)[:WINDOW]
    expected = [i for i in everything if i in newest] + [i for i in everything if i not in newest]
    with Store.open(harbour_store) as store:
        for limit in (1, 5, 7, 12, 13, 100):  # pages that end before, at and after the window
            assert _all_pages(store, limit=limit) == expected, limit
        first = search_data(store, "harbour", limit=5, sites=[])["items"]
    assert [item["id"] for item in first] == expected[:5]
    assert expected != everything  # the window changed the order: the test means something


def test_a_page_beyond_the_newest_window_starts_in_the_older_matches(harbour_store, monkeypatch):
    monkeypatch.setattr(search_ranked, "RANK_WINDOW", WINDOW)
    everything = _bm25_order(harbour_store)
    newest = set(sorted(everything, reverse=True)[:WINDOW])
    older = [i for i in everything if i not in newest]
    with Store.open(harbour_store) as store:
        deep = search_data(store, "harbour", limit=4, cursor=f"o{WINDOW + 3}", sites=[])
    assert [item["id"] for item in deep["items"]] == older[3:7]


def test_filters_apply_within_each_tier(harbour_store, monkeypatch):
    monkeypatch.setattr(search_ranked, "RANK_WINDOW", WINDOW)
    everything = _bm25_order(harbour_store)
    newest = set(sorted(everything, reverse=True)[:WINDOW])
    site = _bm25_order(harbour_store, " AND p.url LIKE 'https://news1.example/%'")
    expected = [i for i in site if i in newest] + [i for i in site if i not in newest]
    with Store.open(harbour_store) as store:
        assert _all_pages(store, limit=3, source="news1.example") == expected
        # a date range older than every recent match: BM25's order within the range
        until = (T + timedelta(days=15)).date()
        early = _all_pages(store, limit=4, until=until.isoformat())
    next_day = (until + timedelta(days=1)).isoformat()
    in_range = _bm25_order(harbour_store, f" AND p.first_seen < '{next_day}'")
    assert early == in_range and len(early) == 16 and set(early).isdisjoint(newest)
