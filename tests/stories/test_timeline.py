"""A story's timeline from the seed, its earlier version, and their revision history."""

from __future__ import annotations

from datetime import UTC, datetime

from storyline.model import TimelineEntry, Version
from storyline.stories.clauses import dated_clause
from storyline.stories.timeline import build_timeline, changes_between, order_and_dedupe


def _find(entries: list[TimelineEntry], date: str, words: str, kind: str = "statement"):
    return [e for e in entries if e.date == date and e.kind == kind and words in e.text]


def test_seed_timeline(seed):
    entries = build_timeline([seed])
    assert _find(entries, "2014", "military presence in Mali")
    assert _find(entries, "2021-05", "voted in favour of sending troops to Mali")
    assert _find(entries, "2021-12", "Kofod criticised")
    assert _find(entries, "2021", "military coup")
    assert _find(entries, "2022-01-26", "reiterated its desire")
    assert _find(entries, "2022-01-27", "decided to withdraw its troops", kind="update")
    assert _find(entries, "2022-01-27", "Danish troops leaving Mali", kind="published")
    dates = [e.date for e in entries]
    assert dates == sorted(dates)


def test_statements_told_twice_are_kept_once(make_seed):
    entries = build_timeline([make_seed(updated=False), make_seed()])
    coup = [e for e in entries if e.kind == "statement" and "coup" in e.text and e.date == "2021"]
    assert len(coup) == 1
    since = [e for e in entries if e.kind == "statement" and e.date == "2014"]
    assert len(since) == 1 and since[0].end == "2022-01-27"  # the later telling extends it


def test_revision_history_dates_the_update_when_seen(make_seed):
    old, new = make_seed(updated=False), make_seed()
    old.published = new.published = None  # only the history can date the update now
    seen = [datetime(2022, 1, 25, 9, tzinfo=UTC), datetime(2022, 1, 27, 8, tzinfo=UTC)]
    history = [
        Version(
            url=new.url, fetched_at=seen[1], content_hash=new.content_hash(), article=new, number=2
        ),
        Version(
            url=old.url, fetched_at=seen[0], content_hash=old.content_hash(), article=old, number=1
        ),
    ]
    entries = build_timeline([new], changes_between(history))
    updates = [e for e in entries if e.kind == "update"]
    assert len(updates) == 1
    assert updates[0].date.startswith("2022-01-27T08:00")
    assert "decided to withdraw" in updates[0].text


def test_order_and_dedupe_is_stable():
    entries = [
        TimelineEntry("2021", "statement", "A coup took place last year in Mali.", "u1"),
        TimelineEntry("2020", "statement", "Troops arrived.", "u1"),
        TimelineEntry("2021", "statement", "A military coup took place last year in Mali.", "u2"),
    ]
    kept = order_and_dedupe(entries)
    assert [(e.date, e.url) for e in kept] == [("2020", "u1"), ("2021", "u1")]


def test_statements_are_the_dated_clause_without_the_date(seed):
    statements = {e.date: e.text for e in build_timeline([seed]) if e.kind == "statement"}
    assert statements["2021-05"] == (
        "DF, SF and Radikale all voted in favour of sending troops to Mali"
    )
    assert statements["2021"] == "A military coup"
    assert statements["2021-12"].startswith("Kofod criticised the new government")
    assert statements["2021-12"].endswith("Russian company, the Wagner Group")
    assert statements["2022-01-26"] == (
        "The Malian government reiterated its desire for Denmark to pull out of the west "
        "African country"
    )


def test_clause_rules():
    def clause(sentence: str, date: str) -> str:
        return dated_clause(sentence, sentence.index(date), len(date))

    assert clause("On Monday, in Bamako, troops began to leave.", "On Monday") == (
        "In Bamako, troops began to leave"
    )
    assert clause("Prices rose 1,000 percent in 2020, the bank said.", "in 2020") == (
        "Prices rose 1,000 percent, the bank said"  # a short neighbour joins; 1,000 is one word
    )
    sentence = "Since then, on 3 May 2021 the army, police and courts took control of Gao."
    assert clause(sentence, "on 3 May 2021") == "The army, police and courts took control of Gao"
    sentence = "The talks, which began in March 2019, ended without a deal."
    assert clause(sentence, "in March 2019") == "The talks, which began"
    assert clause("It happened in 2020.", "in 2020") == "It happened"
    assert clause("In 2020.", "In 2020") == ""
