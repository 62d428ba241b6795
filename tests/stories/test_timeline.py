"""A story's timeline from the seed, its earlier version, and their revision history."""

from __future__ import annotations

from datetime import UTC, datetime

from storyline.model import TimelineEntry, Version
from storyline.stories.clauses import dated_clause
from storyline.stories.timeline import (
    article_events,
    build_timeline,
    changes_between,
    first_appearances,
    order_and_dedupe,
)


def _find(entries: list[TimelineEntry], date: str, words: str, kind: str = "statement"):
    return [e for e in entries if e.date == date and e.kind == kind and words in e.text]


def test_seed_timeline(seed):
    entries = build_timeline([seed])
    assert _find(entries, "2014", "military presence in Mali", kind="background")
    assert _find(entries, "2021-05", "voted in favour of sending troops to Mali", "background")
    assert _find(entries, "2021-12", "Kofod criticised", kind="background")
    assert _find(entries, "2021", "military coup", kind="background")
    assert _find(entries, "2022-01-26", "reiterated its desire")
    assert _find(entries, "2022-01-27", "decided to withdraw its troops", kind="update")
    assert _find(entries, "2022-01-27", "Danish troops leaving Mali", kind="published")
    dates = [e.date for e in entries]
    assert dates == sorted(dates)


def test_statements_told_twice_are_kept_once(make_seed):
    entries = build_timeline([make_seed(updated=False), make_seed()])
    coup = [e for e in entries if e.kind == "background" and "coup" in e.text and e.date == "2021"]
    assert len(coup) == 1
    since = [e for e in entries if e.kind == "background" and e.date == "2014"]
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


def test_events_are_whole_sentences_as_written(seed):
    """No fragment with its date words cut out ("Police said morning"): the sentence."""
    texts = {e.date: e.text for e in build_timeline([seed]) if e.kind != "published"}
    assert texts["2021-05"] == (
        "Since DF, SF and Radikale all voted in favour of sending troops to Mali in May 2021, "
        "a number of problematic developments have taken place, including a military coup "
        "last year."
    )
    assert texts["2021"] == texts["2021-05"]  # "last year" in the same sentence
    assert texts["2022-01-26"] == (
        "The Malian government reiterated its desire for Denmark to pull out of the west "
        "African country last night, according to foreign minister Jeppe Kofod."
    )


def test_the_update_is_dated_from_its_own_version(make_seed):
    """The seed's update, first seen in a version of 27 January 08:00 (the original was
    captured on the 25th): "last night" in it is the 26th, not the 24th; sentences of the
    original keep the original's time; the "Read more" line and the headline give no
    dated statement."""
    old, new = make_seed(updated=False), make_seed()
    new.published = old.published = "2022-01-25"  # the page keeps its first date
    seen = [datetime(2022, 1, 25, 9, tzinfo=UTC), datetime(2022, 1, 27, 8, tzinfo=UTC)]
    versions = [
        Version(url=old.url, fetched_at=seen[0], content_hash="a", article=old, number=1),
        Version(url=new.url, fetched_at=seen[1], content_hash="b", article=new, number=2),
    ]
    entries = article_events(new, first_appearances(versions))
    night = [e for e in entries if "reiterated its desire" in e.text]
    assert [(e.date, e.kind) for e in night] == [("2022-01-26", "statement")]
    assert night[0].text.endswith("according to foreign minister Jeppe Kofod.")
    assert not [e for e in entries if "Read more" in e.text]
    assert [e.date for e in entries if "since 2014" in e.text] == ["2014"]


def test_correction_notes_are_not_events():
    from storyline.model import Article, Paragraph, Section

    article = Article(
        url="https://news.example/a",
        title="Harbour baths reopen",
        published="2024-03-05T10:00:00+01:00",
        sections=[
            Section(
                "body",
                [
                    Paragraph("The harbour baths reopened at 6 am on Tuesday."),
                    Paragraph("An earlier version of this article said the baths closed in 2019."),
                ],
            )
        ],
    )
    entries = article_events(article)
    assert [(e.date, e.kind) for e in entries if e.kind != "published"] == [
        ("2024-03-05", "statement")
    ]


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
