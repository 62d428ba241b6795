"""Work claims: followers on one database split what is due and take over a dead one's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from storyline.store import Store
from storyline.store.claims import claim_pages, claim_sources, last_workers, release, renew

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    sqlite = request.param == "sqlite"
    target = tmp_path / "c.db" if sqlite else request.getfixturevalue("postgres_url")
    with Store.open(target) as opened:
        for i in range(10):
            opened.add_page(f"https://news.example/{i}", next_visit_at=NOW - timedelta(minutes=i))
        opened.add_page("https://news.example/later", next_visit_at=NOW + timedelta(hours=1))
        opened.add_source("https://news.example/feed.xml", "feed", 900.0, now=NOW)
        yield opened


def test_followers_never_claim_the_same_page_and_later_pages_wait(store):
    a = claim_pages(store, NOW, "a", 600, 4, at=NOW)
    b = claim_pages(store, NOW, "b", 600, 4, at=NOW)
    c = claim_pages(store, NOW, "c", 600, 4, at=NOW)
    urls = [p.url for p in a + b + c]
    assert len(urls) == len(set(urls)) == 10
    assert [p.url for p in a] == [f"https://news.example/{i}" for i in (9, 8, 7, 6)]  # oldest first
    assert claim_pages(store, NOW, "d", 600, 4, at=NOW) == []


def test_a_dead_followers_claims_return_after_the_lease_and_visits_are_credited(store):
    held = claim_pages(store, NOW, "dead", 60, 3, at=NOW)
    store.update_page_fetch(held[0].id, next_visit_at=NOW + timedelta(hours=1))
    release(store, "page", held[0].id, "dead", NOW)  # visited one before it died
    later, expired = NOW + timedelta(seconds=30), NOW + timedelta(seconds=61)
    assert len(claim_pages(store, NOW, "alive", 60, 10, at=later)) == 7
    assert not renew(store, "page", held[1].id, "alive", 60, at=later)  # not its claim
    retaken = claim_pages(store, NOW, "alive", 60, 10, at=expired)
    assert sorted(p.id for p in retaken) == sorted(p.id for p in held[1:])  # once expired
    assert not renew(store, "page", held[2].id, "dead", 60, at=expired)  # it lost them
    assert renew(store, "page", held[2].id, "alive", 60, at=expired)
    release(store, "page", held[1].id, "alive", NOW)
    assert last_workers(store, "page", [p.id for p in held]) == {
        held[0].id: "dead",
        held[1].id: "alive",
    }


def test_sources_are_claimed_once_too(store):
    first = claim_sources(store, NOW, "a", 600, 10, at=NOW)
    assert [s.url for s in first] == ["https://news.example/feed.xml"]
    assert claim_sources(store, NOW, "b", 600, 10, at=NOW) == []
    release(store, "source", first[0].id, "a", NOW)
    assert last_workers(store, "source", [first[0].id]) == {first[0].id: "a"}
