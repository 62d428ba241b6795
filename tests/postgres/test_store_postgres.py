"""What only PostgreSQL can get wrong: writers in separate processes, lock waits, lengths, NUL.

The store's general behaviour runs on PostgreSQL through the parametrised ``store``
fixture of tests/store; these tests use a throwaway server (tests/fixtures/postgres.py).
Two ``Store`` objects on one URL stand for two processes: each has its own engine and
connections, and nothing but the database orders their writes.
"""

from __future__ import annotations

import socket
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from storyline.config import load_settings
from storyline.errors import StoreError
from storyline.model import Article, Paragraph, Section
from storyline.revisions import compare_articles
from storyline.store import Store
from storyline.store.migrations import MIGRATIONS
from storyline.store.postgres import WRITER_LOCK

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def article(url: str, title: str, text_: str = "Body.") -> Article:
    return Article(url=url, title=title, sections=[Section("body", [Paragraph(text_)])])


def _connect(url: str, autocommit: bool = False):
    """A plain driver connection beside the store's (the fixture made sure psycopg is here)."""
    import psycopg

    return psycopg.connect(_dsn(url), autocommit=autocommit)


def _dsn(url: str) -> str:
    parsed = make_url(url)
    return f"host={parsed.host} port={parsed.port} user={parsed.username} dbname={parsed.database}"


def test_two_processes_opening_a_new_database_apply_each_migration_once(postgres_url):
    errors: list[BaseException] = []

    def open_it() -> None:
        try:
            Store.open(postgres_url).close()
        except BaseException as err:  # noqa: BLE001  (reported below)
            errors.append(err)

    threads = [threading.Thread(target=open_it) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with _connect(postgres_url) as conn:
        versions = [r[0] for r in conn.execute("SELECT version FROM storyline_schema")]
    assert sorted(versions) == [m.version for m in MIGRATIONS]


def test_writers_in_two_processes_queue_and_lose_nothing(postgres_url):
    """Both write versions of the same pages at once: without the writer lock their
    read-then-write steps interleave and collide on the same page rows."""
    first, second = Store.open(postgres_url), Store.open(postgres_url)
    urls = [f"https://news.example/shared/{i}" for i in range(4)]
    errors: list[BaseException] = []

    def work(store: Store, offset: int) -> None:
        try:
            for step in range(8):
                for url in urls:
                    at = T0 + timedelta(minutes=2 * step + offset)
                    store.store_version(
                        url, at, article(url, f"{url} {step} {offset}"), compare=compare_articles
                    )
        except BaseException as err:  # noqa: BLE001  (reported below)
            errors.append(err)

    threads = [threading.Thread(target=work, args=(s, n)) for n, s in enumerate((first, second))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert errors == []
        assert first.counts()["pages"] == 4 and second.counts()["versions"] == 64
        for url in urls:
            found = first.versions(url)
            assert [v.number for v in found] == list(range(1, 17))
            assert found == sorted(found, key=lambda v: v.fetched_at)
    finally:
        first.close()
        second.close()


def test_a_writer_waiting_too_long_is_told_the_database_is_locked(postgres_url):
    settings = load_settings(environ={"STORYLINE_DB_TIMEOUT": "0.2"})
    with Store.open(postgres_url, settings) as store:
        store.add_source("https://news.example/rss", "feed", 900, now=T0)
        with _connect(postgres_url, autocommit=True) as other:
            other.execute("SELECT pg_advisory_lock(%s)", (WRITER_LOCK,))  # another writer
            with pytest.raises(StoreError, match="locked by another storyline process"):
                store.add_page("https://news.example/x")
            assert [s.url for s in store.sources()] == ["https://news.example/rss"]  # reads work
            other.execute("SELECT pg_advisory_unlock(%s)", (WRITER_LOCK,))
        assert store.add_page("https://news.example/x").url == "https://news.example/x"


def test_long_urls_and_header_values_are_stored(postgres_url):
    """Migration 1's VARCHAR lengths are enforced by PostgreSQL (not by SQLite)."""
    long_url = "https://news.example/a?utm=" + "x" * 3000
    with Store.open(postgres_url) as store:
        stored = store.store_version(
            long_url,
            T0,
            article(long_url, "Long"),
            raw_html=b"<p>Long</p>",
            raw_type="text/html; charset=utf-8; " + "p" * 300,
            page_fields={"etag": '"' + "e" * 700 + '"', "last_modified": "M" * 200},
            compare=compare_articles,
        )
        source = store.add_source(long_url.replace("/a?", "/rss?"), "feed", 60, origin_url=long_url)
        assert store.page(long_url).etag.startswith('"eee') and source.origin_url == long_url
        assert store.raw_versions() == [(stored.version.id, long_url, stored_type(store))]
        columns = {c["name"]: c["type"] for c in inspect(store.engine).get_columns("pages")}
        assert type(columns["url"]).__name__ == "TEXT"


def stored_type(store: Store) -> str:
    with store.engine.connect() as conn:
        return conn.execute(text("SELECT raw_type FROM versions")).scalar_one()


def test_nul_characters_do_not_fail_the_transaction(postgres_url):
    """PostgreSQL text and JSON cannot hold NUL: it is stored as U+FFFD (also in the
    article JSON, on every database); the version's hash is of the article as given."""
    url = "https://news.example/nul"
    with Store.open(postgres_url) as store:
        given = article(url, "Head\x00line", "Body \x00 text.")
        stored = store.store_version(url, T0, given, compare=compare_articles)
        page = store.add_page(url)
        store.update_page_fetch(page.id, error="bad\x00byte", status=500)
        assert store.page(url).last_error == "bad\ufffdbyte"
        (version,) = store.versions(url)
        assert version.article == article(url, "Head\ufffdline", "Body \ufffd text.")
        assert version.content_hash == stored.version.content_hash == given.content_hash()
        assert not store.store_version(
            url, T0 + timedelta(hours=1), given, compare=compare_articles
        ).created
        assert [h.url for h in _search(store, "line")] == [url]


def _search(store: Store, words: str) -> list:
    from storyline.store.search import SearchQuery, search_articles

    with store.engine.connect() as conn:
        return search_articles(conn, SearchQuery(words=words)).hits


def test_times_do_not_depend_on_the_session_time_zone(postgres_url):
    url = "https://news.example/tz"
    tokyo = postgres_url + "?options=-c%20TimeZone%3DAsia/Tokyo"
    with Store.open(postgres_url) as utc_store, Store.open(tokyo) as tokyo_store:
        tokyo_store.store_version(url, T0, article(url, "A"), compare=compare_articles)
        utc_store.store_version(
            url, T0 + timedelta(hours=1), article(url, "B"), compare=compare_articles
        )
        for store in (utc_store, tokyo_store):
            assert [v.fetched_at for v in store.versions(url)] == [T0, T0 + timedelta(hours=1)]
            assert store.pages_due(T0 + timedelta(days=1)) == []
            assert store.articles(since=T0 + timedelta(minutes=30)).rows[0].page.url == url


def test_an_unreachable_server_or_missing_database_is_a_store_error(postgres_server):
    closed = f"postgresql+psycopg://storyline@127.0.0.1:{_closed_port()}/storyline"
    with pytest.raises(StoreError, match="cannot be used: .*Connection refused"):
        Store.open(closed)
    with pytest.raises(StoreError, match='database "no_such_db" does not exist'):
        Store.open(postgres_server.url("no_such_db"))


def _closed_port() -> int:
    with socket.socket() as sock:  # a free port: nothing listens there, connections are refused
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
