"""Incremental threading in the store: the same stories as ``rethread``, at a cost that
does not grow with the store."""

from __future__ import annotations

import json
import random
import sqlite3
from collections import defaultdict
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from storyline.config import load_settings
from storyline.model import Article, Paragraph, Section, Story
from storyline.pipeline import stories as story_pipeline
from storyline.pipeline import story_pass, story_threader
from storyline.pipeline.story_threader import LiveThreader
from storyline.revisions import compare_articles
from storyline.store import Store, story_snapshots
from storyline.store import stories as story_store
from storyline.stories.entities import NullRecognizer
from storyline.stories.threading import ThreadingOptions

STREAM = (
    Path(__file__).resolve().parents[2]
    / ".."
    / "shared"
    / "data"
    / "stories"
    / "googlenews-titles.jsonl"
)
T0 = datetime(2024, 1, 1, tzinfo=UTC)


def _articles(count: int, body: int = 5) -> list[Article]:
    """The first ``count`` labelled headlines as articles, each with a body of ``body``
    other headlines of its own story (seeded; 0: the headline itself), a minute apart."""
    with STREAM.open(encoding="utf-8") as lines:
        rows = [json.loads(line) for _, line in zip(range(count), lines, strict=False)]
    by_story = defaultdict(list)
    for row in rows:
        by_story[row["clusterNo"]].append(row["textCleaned"])
    return [
        Article(
            url=f"https://news.example/{i}",
            title=row["textCleaned"],
            published=(T0 + timedelta(minutes=i)).isoformat(),
            sections=[
                Section("body", [Paragraph(row["textCleaned"])])
                if not body
                else Section(
                    "body",
                    [
                        Paragraph(t)
                        for t in random.Random(i).choices(by_story[row["clusterNo"]], k=body)
                    ],
                )
            ],
        )
        for i, row in enumerate(rows)
    ]


def _snapshot(store: Store) -> dict[int, Story]:
    """Every stored story, whole: members, title, times, entities and timeline."""
    return {s.id: s for s in story_store.stories(store)}


def _store(store: Store, articles: list[Article], minute: int) -> list[str]:
    for offset, article in enumerate(articles):
        store.store_version(
            article.url, T0 + timedelta(minutes=minute + offset), article, compare=compare_articles
        )
    return [a.url for a in articles]


def test_batches_revisions_and_two_writers_match_rethread(tmp_path):
    """Two Store objects on one file stand in for two processes: each catches up with
    what the other logged before threading its own pages."""
    articles, rng = _articles(400, body=0), random.Random(7)
    path = tmp_path / "stories.db"
    with Store.open(path) as first, Store.open(path) as second:
        threaders = {id(first): LiveThreader(), id(second): LiveThreader()}
        position, minute, merges = 0, 0, 0
        while position < len(articles):
            size = rng.choice([1, 1, 3, 10, 25])
            batch = articles[position : position + size]
            if position and rng.random() < 0.4:  # a revision of an earlier page
                old = articles[rng.randrange(position)]
                batch = [*batch, replace(old, title=f"{old.title} update")]
            writer = rng.choice([first, second])
            urls = _store(writer, batch, minute)
            report = story_pipeline.thread_new_versions(
                writer, urls, recognizer=NullRecognizer(), threader=threaders[id(writer)]
            )
            merges += report.merges
            position, minute = position + size, minute + size + 1
        assert report.pages_threaded == len(articles)
        assert merges > 0, "the stream should exercise merges"
        incremental = _snapshot(first)
        assert len(incremental) == report.stories
        story_pipeline.rethread(second, recognizer=NullRecognizer())
        assert _snapshot(second) == incremental
        new = _store(first, _articles(401, body=0)[-1:], minute)  # a new process replays
        story_pipeline.thread_new_versions(first, new, recognizer=NullRecognizer())
        continued = _snapshot(first)
        story_pipeline.rethread(second, recognizer=NullRecognizer())
        assert _snapshot(second) == continued


def test_one_new_page_reads_only_its_story(tmp_path, monkeypatch):
    articles = _articles(120)
    live = LiveThreader()  # kept between passes, as ``watch`` keeps it
    with Store.open(tmp_path / "stories.db") as store:
        story_pipeline.thread_new_versions(
            store, _store(store, articles[:119], 0), recognizer=NullRecognizer(), threader=live
        )
        reads = []
        original = Article.from_dict.__func__

        def counting(cls, data):
            reads.append(data.get("url"))
            return original(cls, data)

        monkeypatch.setattr(Article, "from_dict", classmethod(counting))
        new = articles[119]
        report = story_pipeline.thread_new_versions(
            store, _store(store, [new], 200), recognizer=NullRecognizer(), threader=live
        )
        story = story_store.story_of(store, new.url)
        assert report.pages_added == 1 and report.stories_written == 1
        members = len(story.articles)
        assert len(reads) <= 2 * members + 1, "only the new page and its story's pages are read"


def test_a_store_threaded_before_the_log_is_logged_once(tmp_path):
    """A database threaded by storyline before schema 5 has pages but no log: the first
    call logs them in arrival order, and threading goes on as if it always had."""
    articles = _articles(60)
    path = tmp_path / "stories.db"
    with Store.open(path) as store:
        story_pipeline.thread_new_versions(
            store, _store(store, articles[:50], 0), recognizer=NullRecognizer()
        )
        expected = _snapshot(store)
    with sqlite3.connect(path) as raw:
        raw.execute("DELETE FROM story_events")
    with Store.open(path) as store:
        assert _snapshot(store) == expected
        story_pipeline.thread_new_versions(
            store, _store(store, articles[50:], 100), recognizer=NullRecognizer()
        )
        incremental = _snapshot(store)
        report = story_pipeline.rethread(store, recognizer=NullRecognizer())
        assert report.pages_threaded == 60
        assert _snapshot(store) == incremental


def test_a_failed_write_drops_the_live_threader(tmp_path, monkeypatch):
    articles = _articles(12)
    live = LiveThreader()
    with Store.open(tmp_path / "stories.db") as store:
        story_pipeline.thread_new_versions(
            store, _store(store, articles[:10], 0), recognizer=NullRecognizer(), threader=live
        )

        def broken(*args, **kwargs):
            raise RuntimeError("disk full")

        monkeypatch.setattr(story_pass, "_write_touched", broken)
        urls = _store(store, articles[10:], 20)
        with pytest.raises(RuntimeError):
            story_pipeline.thread_new_versions(
                store, urls, recognizer=NullRecognizer(), threader=live
            )
        assert live.threader.item_count() == 0, "the threader ahead of the store is dropped"
        monkeypatch.undo()
        report = story_pipeline.thread_new_versions(
            store, urls, recognizer=NullRecognizer(), threader=live
        )
        assert report.pages_added == 2 and report.pages_threaded == 12
        incremental = _snapshot(store)
        story_pipeline.rethread(store, recognizer=NullRecognizer())
        assert _snapshot(store) == incremental


def test_a_new_process_continues_from_the_snapshot_as_if_it_had_replayed(tmp_path, monkeypatch):
    """Snapshots are written every SNAPSHOT_EVERY events; a new process loads the newest
    and applies only the events after it, with exactly the stories a replay gives."""
    monkeypatch.setattr(story_threader, "SNAPSHOT_EVERY", 40)
    articles, rng = _articles(200, body=0), random.Random(3)
    live = LiveThreader()
    with Store.open(tmp_path / "stories.db") as store:
        position = 0
        while position < 150:
            size = rng.choice([1, 7, 20])
            urls = _store(store, articles[position : position + size], position)
            story_pipeline.thread_new_versions(
                store, urls, recognizer=NullRecognizer(), threader=live
            )
            position += size
        with store.engine.connect() as conn:
            seq = conn.execute(sa.select(story_snapshots.snapshots.c.seq)).scalar_one()
        assert 120 <= seq <= position, "the newest snapshot stands within the last 40 events"

        applied = []
        apply_log = story_threader._apply_log
        monkeypatch.setattr(
            story_threader,
            "_apply_log",
            lambda conn, live: (applied.append(live.seq), apply_log(conn, live))[1],
        )
        new = _store(store, articles[position:], position)  # a new process: a new threader
        story_pipeline.thread_new_versions(store, new, recognizer=NullRecognizer())
        assert applied == [seq], "the new process started from the snapshot"
        continued = _snapshot(store)
        story_pipeline.rethread(store, recognizer=NullRecognizer())  # replays the whole log
        assert _snapshot(store) == continued


def test_a_snapshot_that_no_longer_matches_the_log_is_not_used(tmp_path, monkeypatch):
    monkeypatch.setattr(story_threader, "SNAPSHOT_EVERY", 10)
    settings = load_settings(environ={})
    options = ThreadingOptions(half_life=settings.story_half_life)  # what the store uses
    articles = _articles(30, body=0)
    path = tmp_path / "stories.db"
    with Store.open(path) as store:
        story_pipeline.thread_new_versions(
            store, _store(store, articles[:25], 0), recognizer=NullRecognizer()
        )
        with store.engine.connect() as conn:
            assert story_threader.load_snapshot(conn, options) is not None
    with sqlite3.connect(path) as raw:  # the log changed under the snapshot
        raw.execute("UPDATE story_events SET version_id = version_id + 1000 WHERE seq = 25")
    with Store.open(path) as store, store.engine.connect() as conn:
        assert story_threader.load_snapshot(conn, options) is None
    with sqlite3.connect(path) as raw:  # a damaged snapshot
        raw.execute("UPDATE story_events SET version_id = version_id - 1000 WHERE seq = 25")
        raw.execute("UPDATE story_snapshots SET state = x'00ff'")
    with Store.open(path) as store:
        with store.engine.connect() as conn:
            assert story_threader.load_snapshot(conn, options) is None
        report = story_pipeline.thread_new_versions(
            store, _store(store, articles[25:], 100), recognizer=NullRecognizer()
        )
        assert report.pages_threaded == 30


def test_rethread_gives_events_logged_before_the_names_guard_their_names(tmp_path):
    """Events logged by an older storyline carry no proper names; ``rethread`` reads
    them from the stored articles, so the replay keeps look-alike events apart as a
    fresh threading does."""
    from test_lookalikes import FIRST, FOLLOW_UP, SECOND

    from storyline.config import SETTINGS, Settings

    settings = Settings({s.name: s.default for s in SETTINGS}).replace(story_half_life=1e12)
    with Store.open(tmp_path / "stories.db") as store:
        for minute, article in enumerate((FIRST, FOLLOW_UP, SECOND)):
            store.store_version(
                article.url, T0 + timedelta(minutes=minute), article, compare=compare_articles
            )
        story_pipeline.thread_new_versions(store, settings=settings, recognizer=NullRecognizer())
        expected = _snapshot(store)
        assert story_store.story_of(store, FIRST.url) != story_store.story_of(store, SECOND.url)
        with store.engine.begin() as conn:  # as an older storyline logged them
            rows = conn.execute(sa.text("SELECT seq, features_json FROM story_events")).all()
            for seq, features in rows:
                data = json.loads(features)
                data.pop("a")
                conn.execute(
                    sa.text("UPDATE story_events SET features_json = :f WHERE seq = :s"),
                    {"f": json.dumps(data), "s": seq},
                )
        story_pipeline.rethread(store, settings=settings, recognizer=NullRecognizer())
        assert _snapshot(store) == expected
        with store.engine.connect() as conn:
            logged = conn.execute(sa.text("SELECT features_json FROM story_events")).scalars()
            assert all(
                "lorca" in json.loads(f)["a"] or "malatya" in json.loads(f)["a"] for f in logged
            )


def test_rethread_gives_events_logged_with_the_old_sketch_the_detectors_signature(tmp_path):
    """Threading checked copies with a bottom-64 sketch before it used the one detector
    (``duplicates.CopyIndex``); such logged signatures are never copies until ``rethread``
    computes them again from the stored articles, which gives the stories a fresh
    threading gives."""
    articles = _articles(40)
    with Store.open(tmp_path / "stories.db") as store:
        story_pipeline.thread_new_versions(
            store, _store(store, articles, 0), recognizer=NullRecognizer()
        )
        expected = _snapshot(store)
        aged = 0
        with store.engine.begin() as conn:  # as an older storyline logged them
            rows = conn.execute(sa.text("SELECT seq, features_json FROM story_events")).all()
            for seq, features in rows:
                data = json.loads(features)
                if isinstance(data["s"], list):
                    data["s"], aged = list(range(64)), aged + 1
                conn.execute(
                    sa.text("UPDATE story_events SET features_json = :f WHERE seq = :s"),
                    {"f": json.dumps(data), "s": seq},
                )
        assert len(rows) == 40 and aged >= 10, "some bodies are long enough for a MinHash"
        story_pipeline.rethread(store, recognizer=NullRecognizer())
        assert _snapshot(store) == expected
        with store.engine.connect() as conn:
            logged = conn.execute(sa.text("SELECT features_json FROM story_events")).scalars()
            lengths = {len(json.loads(f)["s"]) for f in logged}
        assert 64 not in lengths
