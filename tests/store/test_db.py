"""Store unit tests on a real SQLite file in tmp_path."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import inspect, text

from storyline.config import load_settings
from storyline.errors import NotFoundError, StoreError
from storyline.model import Article, Change, Paragraph, Section
from storyline.store import Store, schema
from storyline.store.engine import resolve_target
from storyline.store.migrations import MIGRATIONS

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
URL = "https://news.example/a"


def article(title: str, *paragraphs: str) -> Article:
    return Article(
        url=URL, title=title, sections=[Section("body", [Paragraph(p) for p in paragraphs])]
    )


def simple_compare(old: Article, new: Article) -> list[Change]:
    """A stand-in for compare_articles that makes the store's bookkeeping easy to check."""
    out = []
    if old.title != new.title:
        out.append(Change("headline", old.title, new.title))
    if old.body_text != new.body_text:
        out.append(Change("added", old.body_text, new.body_text, "body"))
    return out


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    """The same tests on a SQLite file and on a fresh database of a throwaway PostgreSQL."""
    sqlite = request.param == "sqlite"
    target = tmp_path / "s.db" if sqlite else request.getfixturevalue("postgres_url")
    with Store.open(target) as s:
        yield s


def test_open_creates_a_wal_database_with_migrations_recorded(tmp_path):
    path = tmp_path / "sub" / "news.db"
    Store.open(path).close()
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("SELECT max(version) FROM storyline_schema").fetchone()[0] == len(MIGRATIONS)
    con.close()
    Store.open(path).close()  # reopening applies nothing and does not fail


def test_migrated_schema_matches_schema_module(store):
    found = inspect(store.engine)
    for table in schema.metadata.sorted_tables:
        assert {c["name"] for c in found.get_columns(table.name)} == set(table.columns.keys())


def test_database_from_a_newer_storyline_is_refused(tmp_path):
    path = tmp_path / "s.db"
    Store.open(path).close()
    con = sqlite3.connect(path)
    con.execute("INSERT INTO storyline_schema VALUES (999, 'future', '2030-01-01 00:00:00')")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="upgrade storyline"):
        Store.open(path)


def test_a_file_that_is_not_a_database_is_reported(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n" * 100)
    with pytest.raises(StoreError, match="not a storyline database"):
        Store.open(path)
    assert "my notes" in path.read_text()


def test_a_directory_is_reported(tmp_path):
    with pytest.raises(StoreError, match="is a directory"):
        Store.open(tmp_path)


def test_target_resolution_order(tmp_path, monkeypatch):
    settings = load_settings(environ={"STORYLINE_DB": str(tmp_path / "settings.db")})
    monkeypatch.setenv("STORYLINE_DB", str(tmp_path / "env.db"))
    assert resolve_target(tmp_path / "flag.db", settings) == str(tmp_path / "flag.db")
    assert resolve_target(None, settings) == str(tmp_path / "env.db")
    monkeypatch.delenv("STORYLINE_DB")
    assert resolve_target(None, settings) == str(tmp_path / "settings.db")
    assert resolve_target(None, None).endswith("storyline.db")


def test_unchanged_article_adds_no_version_and_changes_are_kept(store):
    first = store.store_version(
        URL, T0, article("Troops leave", "One."), b"<html>1</html>", compare=simple_compare
    )
    assert first.created and first.version.number == 1 and first.changes == []
    same = store.store_version(
        URL, T0 + timedelta(hours=1), article("Troops leave", "One."), compare=simple_compare
    )
    assert not same.created and same.version.id == first.version.id
    changed = store.store_version(
        URL,
        T0 + timedelta(hours=2),
        article("UPDATE: Troops leave", "One.", "Two."),
        compare=simple_compare,
    )
    assert changed.created and changed.version.number == 2
    assert [c.kind for c in changed.changes] == ["headline", "added"]
    assert [c.kind for c in store.changes(changed.version.id)] == ["headline", "added"]
    assert [v.article.title for v in store.versions(URL)] == [
        "Troops leave",
        "UPDATE: Troops leave",
    ]
    assert store.counts()["captures"] == 3
    assert store.page(URL).version_count == 2
    assert store.change_times(store.page(URL).id) == [T0 + timedelta(hours=2)]


def test_storing_the_same_capture_twice_is_idempotent(store):
    a = article("A", "x")
    first = store.store_version(URL, T0, a, b"raw", compare=simple_compare)
    again = store.store_version(URL, T0, a, b"raw", compare=simple_compare)
    assert again.version.id == first.version.id and not again.created
    assert store.counts()["versions"] == 1 and store.counts()["captures"] == 1


def test_naive_times_are_taken_as_utc(store):
    store.store_version(URL, T0.replace(tzinfo=None), article("A", "x"), compare=simple_compare)
    assert store.versions(URL)[0].fetched_at == T0


def test_out_of_order_capture_splits_a_run_and_recomputes_neighbours(store):
    a, b = article("A", "x"), article("B", "y")
    store.store_version(URL, T0, a, b"raw-a", compare=simple_compare)
    store.store_version(URL, T0 + timedelta(hours=4), a, compare=simple_compare)  # still A later on
    split = store.store_version(URL, T0 + timedelta(hours=2), b, b"raw-b", compare=simple_compare)
    assert split.created
    found = store.versions(URL)
    assert [(v.article.title, v.fetched_at - T0) for v in found] == [
        ("A", timedelta(0)),
        ("B", timedelta(hours=2)),
        ("A", timedelta(hours=4)),
    ]
    assert [c.kind for c in store.changes(found[1].id)] == ["headline", "added"]
    assert [c.after for c in store.changes(found[2].id)][0] == "A"
    assert store.raw_html(found[2].id) == b"raw-a"  # the run's first raw page is shared


def test_earlier_sighting_moves_a_version_back(store):
    a, b = article("A", "x"), article("B", "y")
    store.store_version(URL, T0, a, compare=simple_compare)
    store.store_version(URL, T0 + timedelta(hours=4), b, b"late", compare=simple_compare)
    moved = store.store_version(URL, T0 + timedelta(hours=1), b, b"early", compare=simple_compare)
    assert not moved.created
    found = store.versions(URL)
    assert [v.fetched_at - T0 for v in found] == [timedelta(0), timedelta(hours=1)]
    assert store.raw_html(found[1].id) == b"early"
    assert [c.kind for c in store.changes(found[1].id)] == ["headline", "added"]


def test_capture_before_the_first_version_becomes_version_one(store):
    store.store_version(URL, T0, article("B", "y"), compare=simple_compare)
    store.store_version(URL, T0 - timedelta(days=1), article("A", "x"), compare=simple_compare)
    found = store.versions(URL)
    assert [v.article.title for v in found] == ["A", "B"]
    assert store.changes(found[0].id) == []
    assert [c.kind for c in store.changes(found[1].id)] == ["headline", "added"]


def test_raw_html_is_stored_compressed_and_read_back(store):
    raw = ("<p>Danish troops are leaving Mali.</p>" * 2000).encode()
    stored = store.store_version(
        URL, T0, article("A", "x"), raw, raw_type="text/html", compare=simple_compare
    )
    assert store.raw_html(stored.version.id) == raw
    assert store.raw_versions() == [(stored.version.id, URL, "text/html")]
    with store.engine.connect() as con:
        size = con.execute(text("SELECT length(raw_html) FROM versions")).scalar_one()
    assert size < len(raw) / 20
    bare = store.store_version(URL, T0 + timedelta(1), article("B", "y"), compare=simple_compare)
    with pytest.raises(NotFoundError, match="without its raw page"):
        store.raw_html(bare.version.id)


def test_version_lookup_by_number_and_errors(store):
    for i in range(3):
        store.store_version(
            URL, T0 + timedelta(hours=i), article(f"T{i}", str(i)), compare=simple_compare
        )
    assert store.version(URL, 1).article.title == "T0"
    assert store.version(URL, -1).article.title == "T2"
    assert store.version_by_id(store.version(URL, 2).id).number == 2
    with pytest.raises(NotFoundError, match="has 3 version"):
        store.version(URL, 4)
    with pytest.raises(NotFoundError, match="storyline articles"):
        store.versions("https://news.example/unknown")


def test_articles_lists_latest_versions_with_since_changed_and_cursor(store):
    for i in range(5):
        url = f"https://news.example/{i}"
        store.store_version(
            url, T0 + timedelta(hours=i), article(f"A{i}", "x"), compare=simple_compare
        )
        if i % 2 == 0:
            store.store_version(
                url,
                T0 + timedelta(hours=i, minutes=30),
                article(f"B{i}", "y"),
                compare=simple_compare,
            )
    first = store.articles(limit=2)
    assert [r.version.article.title for r in first.rows] == ["B4", "A3"]
    second = store.articles(limit=2, cursor=first.next_cursor)
    assert [r.version.article.title for r in second.rows] == ["B2", "A1"]
    third = store.articles(limit=2, cursor=second.next_cursor)
    assert [r.version.article.title for r in third.rows] == ["B0"] and third.next_cursor is None
    assert [r.page.url[-1] for r in store.articles(changed_only=True).rows] == ["4", "2", "0"]
    recent = store.articles(since=T0 + timedelta(hours=3))
    assert [r.version.article.title for r in recent.rows] == ["B4", "A3"]
    assert recent.rows[0].to_dict()["versions"] == 2
    with pytest.raises(StoreError, match="cursor"):
        store.articles(cursor="nonsense")


def test_sources_follow_unfollow_and_due(store):
    feed = store.add_source("https://news.example/rss", "feed", 900, now=T0)
    home = store.add_source(
        "https://news.example/feed.xml", "feed", 600, origin_url="https://news.example/", now=T0
    )
    again = store.add_source("https://news.example/rss", "feed", 60, now=T0)
    assert again.id == feed.id and again.interval_s == 60
    assert store.source("https://news.example/").id == home.id
    assert [s.id for s in store.sources_due(T0)] == [feed.id, home.id]
    store.update_source_fetch(
        feed.id,
        next_visit_at=T0 + timedelta(minutes=1),
        etag='"e"',
        status=200,
        error=None,
        failures=0,
        visited_at=T0,
    )
    assert [s.id for s in store.sources_due(T0)] == [home.id]
    assert store.source(feed.url).etag == '"e"' and store.source(feed.url).last_status == 200
    page = store.add_page("https://news.example/p", source_id=feed.id, first_seen=T0)
    store.store_version(page.url, T0, article("A", "x"), compare=simple_compare)
    assert store.remove_source("https://news.example/rss").id == feed.id
    assert store.pages_due(T0 + timedelta(days=9)) == []
    assert len(store.versions(page.url)) == 1  # unfollowing never deletes what was stored
    with pytest.raises(NotFoundError, match="storyline sources"):
        store.remove_source("https://news.example/rss")


def test_pages_due_and_fetch_state(store):
    p1 = store.add_page("https://news.example/1", first_seen=T0)
    p2 = store.add_page("https://news.example/2", first_seen=T0 + timedelta(minutes=5))
    assert store.add_page(p1.url).id == p1.id
    assert [p.id for p in store.pages_due(T0 + timedelta(minutes=10))] == [p1.id, p2.id]
    assert [p.id for p in store.pages_due(T0 + timedelta(minutes=10), limit=1)] == [p1.id]
    store.update_page_fetch(
        p1.id,
        etag='"x"',
        last_modified="Sun, 01 Nov 2026 12:00:00 GMT",
        next_visit_at=T0 + timedelta(hours=1),
        failures=0,
        error=None,
        status=200,
    )
    assert [p.id for p in store.pages_due(T0 + timedelta(minutes=10))] == [p2.id]
    assert store.next_due() == T0 + timedelta(minutes=5)
    with pytest.raises(StoreError, match="cannot update colour"):
        store.update_page_fetch(p1.id, colour="red")


def test_replace_article_updates_hash_captures_and_changes(store):
    store.store_version(URL, T0, article("A", "x"), compare=simple_compare)
    second = store.store_version(
        URL, T0 + timedelta(hours=1), article("B", "y"), compare=simple_compare
    ).version
    store.store_version(URL, T0 + timedelta(hours=2), article("B", "y"), compare=simple_compare)
    better = article("B better", "y")
    store.replace_article(second.id, better, compare=simple_compare)
    found = store.versions(URL)
    assert found[1].content_hash == better.content_hash()
    assert store.changes(found[1].id)[0].after == "B better"
    # a later capture of the better extraction is recognised as the same content
    assert not store.store_version(
        URL, T0 + timedelta(hours=3), better, compare=simple_compare
    ).created


def test_locked_database_gives_an_actionable_error(tmp_path):
    path = tmp_path / "s.db"
    settings = load_settings(environ={"STORYLINE_DB_TIMEOUT": "0.2"})
    with Store.open(path, settings) as store:
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(StoreError, match="locked by another storyline process"):
                store.add_page("https://news.example/x")
            assert store.sources() == []  # reads still work while another process writes
        finally:
            other.execute("ROLLBACK")
            other.close()


def test_threads_writing_at_once_lose_nothing(store):
    def work(n: int) -> None:
        for i in range(10):
            store.store_version(
                f"https://news.example/t{n}",
                T0 + timedelta(minutes=i),
                article(f"T{n}-{i}", "x"),
                compare=simple_compare,
            )

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.counts()["versions"] == 40


def test_pages_known_only_from_captures_are_not_polled(store):
    store.store_version(URL, T0, article("A", "x"), compare=simple_compare)
    assert store.pages_due(T0 + timedelta(days=30)) == []
    store.store_version(URL, T0 - timedelta(days=2), article("Older", "w"), compare=simple_compare)
    assert store.page(URL).first_seen == T0 - timedelta(days=2)
    followed = store.add_page("https://news.example/followed", first_seen=T0)
    assert [p.id for p in store.pages_due(T0)] == [followed.id]


def test_schema_compiles_for_postgresql():
    """The tables are portable Core: PostgreSQL DDL compiles (no server needed)."""
    from sqlalchemy.dialects import postgresql
    from sqlalchemy.schema import CreateTable

    from storyline.store.migrations import schema_table

    for table in [*schema.metadata.sorted_tables, schema_table]:
        ddl = str(CreateTable(table).compile(dialect=postgresql.dialect()))
        assert "AUTOINCREMENT" not in ddl and table.name in ddl
    assert "BYTEA" in str(CreateTable(schema.versions).compile(dialect=postgresql.dialect()))
