"""The Spark backfill against the sequential ingest: one archive, the same store.

The archive holds real shared pages, syndicated copies, a page captured three times out
of order (one capture repeated), a 404, and a damaged gzip member; it is split over two
files. It goes through ``storyline ingest`` into SQLite (the reference) and through the
Spark job (``local[2]``) plus ``storyline load`` into SQLite and PostgreSQL; versions,
changes, raw pages, duplicate groups and exports must agree, and the stories (threaded in
one-day windows, so that stories cross window borders) must be within the issue's
tolerance of the sequential ingest's. Spark starts once per module (its start-up is most
of the cost).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from ingest.ingest_helpers import Rec, article_html, shared_pages, write_warc
from sklearn.metrics import normalized_mutual_info_score
from sqlalchemy import func, inspect, select

from storyline.cli import cli
from storyline.config import Settings
from storyline.duplicates import LshParams
from storyline.export import export
from storyline.pipeline.ingest import ingest
from storyline.pipeline.stories import thread_new_versions
from storyline.pipeline.story_threader import LiveThreader
from storyline.spark.dataset import Output
from storyline.spark.job import run_backfill
from storyline.spark.load import load_backfill
from storyline.spark.stories import threading_options
from storyline.store import Store, schema, story_log
from storyline.store.duplicates import duplicate_groups
from storyline.store.search import SearchQuery, search_articles
from storyline.store.stories import stories, story, story_of
from storyline.stories.evaluation import bcubed
from storyline.stories.window_seeds import thread_in_passes
from storyline.stories.windows import prepared_from_dict

# NASA gives the Europa story an entity: a moon is not a place (issue #16's entity kinds).
COPY = "Water plumes were seen rising from the moon's surface, NASA scientists said on Monday. "
STORY = [COPY * 3, "The plumes rise about 200 kilometres above the ice.", COPY]
MOVING = "https://news.example/moving"
WINDOW = 86400.0  # one-day story windows: the Europa story spans four of them


def _first_file() -> list[Rec]:
    pages = shared_pages(8)
    records = [
        Rec(url, f"2024-05-0{1 + i % 5}T10:00:00Z", html) for i, (url, html) in enumerate(pages)
    ]
    records.append(
        Rec("https://news.example/gone", "2024-05-02T10:00:00Z", b"no", status="404 Not Found")
    )
    records += [
        Rec(
            f"https://paper-{n}.example/europa",
            f"2024-05-06T1{n}:00:00Z",
            article_html(title, STORY),
        )
        for n, title in enumerate(("Europa plumes", "Plumes on Europa"))
    ]
    return records


def _second_file() -> list[Rec]:
    update = article_html("UPDATE: Bridge opens", STORY[1:] + [COPY])
    return [
        Rec(MOVING, "2024-05-09T10:00:00Z", update),  # newest first,
        Rec(MOVING, "2024-05-08T10:00:00Z", article_html("Bridge to open", STORY[1:])),  # older,
        Rec(MOVING, "2024-05-09T10:00:00Z", update),  # the newest again
        Rec(MOVING, "2024-05-10T10:00:00Z", article_html("Bridge to open", STORY[1:])),  # back
        Rec(
            "https://paper-9.example/europa",
            "2024-05-06T09:00:00Z",
            article_html("Europa water", STORY),
        ),
    ]


def _damage_second_member(path: Path) -> None:
    data = bytearray(path.read_bytes())
    starts = [i for i in range(len(data)) if data[i : i + 3] == b"\x1f\x8b\x08"]
    data[starts[8] + 20 : starts[8] + 60] = b"\xff" * 40  # the 404 record's member
    path.write_bytes(bytes(data))


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("archive")
    first = write_warc(folder / "one.warc.gz", _first_file())
    _damage_second_member(first)
    return [first, write_warc(folder / "two.warc.gz", _second_file())]


@pytest.fixture(scope="module")
def backfill(tmp_path_factory, archive, spark_session) -> Iterator[tuple[Path, dict]]:
    out = tmp_path_factory.mktemp("backfill") / "out"
    report = run_backfill([str(p) for p in archive], str(out), Settings(), spark_session, WINDOW)
    yield out, report.to_dict()


@pytest.fixture(scope="module")
def reference(tmp_path_factory, archive) -> Iterator[Store]:
    with Store.open(tmp_path_factory.mktemp("ref") / "ref.db") as store:
        ingest(store, archive, Settings(), workers=1, thread=True)
        yield store


def _loaded(location: Path, target: str) -> Store:
    store = Store.open(target)
    load_backfill(store, str(location), LshParams.for_threshold(Settings().duplicate_threshold))
    return store


def _history(store: Store) -> dict[str, list[tuple]]:
    found = {}
    for row in store.articles(limit=1000).rows:
        found[row.page.url] = [
            (
                v.number,
                v.fetched_at,
                v.content_hash,
                v.article,
                store.changes(v.id),
                store.raw_html(v.id),
            )
            for v in store.versions(row.page.url)
        ]
    return found


def _export_lines(store: Store, **options) -> list[str]:
    out = io.BytesIO()
    export(store, "jsonl", out, **options)
    return sorted(out.getvalue().decode().splitlines())


def _check_same(store: Store, reference: Store) -> None:
    assert store.counts() == reference.counts()
    assert _history(store) == _history(reference)
    groups = [(g.canonical, g.members) for g in duplicate_groups(store)]
    assert groups == [(g.canonical, g.members) for g in duplicate_groups(reference)]
    assert any(len(members) == 3 for _, members in groups)
    assert _export_lines(store, versions=True) == _export_lines(reference, versions=True)
    assert _export_lines(store) == _export_lines(reference)
    _check_stories(store, reference)


def _labels(store: Store, urls: list[str]) -> list[int]:
    found = [story_of(store, url) for url in urls]
    return [story.id if story is not None else -i for i, story in enumerate(found, start=1)]


def _check_stories(store: Store, reference: Store) -> None:
    """The loaded stories against the sequential ingest's: within 0.01 NMI and 0.02
    B-cubed F1 (issue 14), and with the store's own summaries."""
    urls = sorted(url for story in stories(reference) for url in story.articles)
    assert len(urls) == 12 and any(len(s.articles) == 4 for s in stories(reference))
    loaded, sequential = _labels(store, urls), _labels(reference, urls)
    assert normalized_mutual_info_score(sequential, loaded) >= 0.99
    assert bcubed(loaded, sequential)[2] >= 0.98
    assert {s.title for s in stories(store)} == {s.title for s in stories(reference)}
    for shown in stories(store):
        assert shown.timeline and shown.entities


def test_the_backfill_reports_what_ingest_reports(backfill, reference):
    _, report = backfill
    assert report["problems"].get("corrupt") == 1 and report["problems"].get("http_error") is None
    assert report["versions"] == reference.counts()["versions"]
    assert report["copies"] == 2


def test_loaded_into_sqlite_it_equals_a_sequential_ingest(backfill, reference, tmp_path):
    location, _ = backfill
    with _loaded(location, str(tmp_path / "loaded.db")) as store:
        _check_same(store, reference)
        moving = store.versions(MOVING)
        assert [v.article.title for v in moving] == [
            "Bridge to open",
            "UPDATE: Bridge opens",
            "Bridge to open",
        ]


def test_loaded_into_postgresql_it_equals_a_sequential_ingest(backfill, reference, postgres_url):
    location, _ = backfill
    with _loaded(location, postgres_url) as store:
        _check_same(store, reference)


def _schema_objects(store: Store) -> set[tuple[str, ...]]:
    """Every table's indexes and foreign keys, by name: what the load sets aside and must
    build again."""
    with store.reading("listing indexes") as conn:
        found = inspect(conn)
        return {
            (table, kind, str(item["name"]))
            for table in found.get_table_names()
            for kind, items in (
                ("index", found.get_indexes(table)),
                ("foreign key", found.get_foreign_keys(table)),
            )
            for item in items
        }


def _search(store: Store, words: str) -> list[str]:
    with store.reading("searching") as conn:
        return sorted(h.url for h in search_articles(conn, SearchQuery(words, limit=50)).hits)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_search_finds_the_loaded_articles_and_every_index_is_back(
    backfill, reference, tmp_path, request, backend
):
    location, _ = backfill
    target = (
        str(tmp_path / "s.db") if backend == "sqlite" else request.getfixturevalue("postgres_url")
    )
    with Store.open(target) as empty:
        expected = _schema_objects(empty)
    with _loaded(location, target) as store:
        assert _schema_objects(store) == expected
        for words in ("plumes", "Europa water", "bridge open"):
            found = _search(store, words)
            assert found and found == _search(reference, words), words
        assert _search(store, "kilometres zebra") == []


def test_a_rerun_skips_finished_inputs_and_gives_the_same_tables(backfill, archive, spark_session):
    location, before = backfill
    again = run_backfill(
        [str(p) for p in archive], str(location), Settings(), spark_session, WINDOW
    )
    assert again.inputs_skipped == 2 and again.records == before["records"]
    assert again.versions == before["versions"] and again.copies == before["copies"]


def test_load_refuses_pages_the_store_holds_and_leaves_it_unchanged(backfill, tmp_path):
    location, _ = backfill
    db = str(tmp_path / "twice.db")
    runner = CliRunner()
    first = runner.invoke(cli, ["load", str(location), "--db", db, "--json"], obj={})
    assert first.exit_code == 0, first.output
    assert json.loads(first.output)["versions"] > 0
    with Store.open(db) as store:
        counts = store.counts()
    second = runner.invoke(cli, ["load", str(location), "--db", db], obj={})
    assert second.exit_code == 1 and "already holds" in second.output
    with Store.open(db) as store:
        assert store.counts() == counts


def test_load_of_an_unfinished_folder_is_refused(tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["load", str(tmp_path), "--db", str(tmp_path / "x.db")], obj={})
    assert result.exit_code == 1 and "no finished backfill" in result.output


def _story_items(location: Path) -> list[dict]:
    data = Output.at(str(location))
    rows = [row for path in data.listing("story_items") for row in pq.read_table(path).to_pylist()]
    assert [row["seq"] for row in rows] == list(range(1, len(rows) + 1))
    return rows


def test_the_windowed_stories_are_thread_in_passes_of_the_same_items(backfill):
    location, report = backfill
    rows = [row for row in _story_items(location) if row["features_json"] is not None]
    items = []
    for row in rows:
        data = json.loads(row["features_json"])
        given = {"key": row["url"], "time": row["thread_time"], "features": data["f"]}
        items.append(prepared_from_dict({**given, "signature": data["s"], "anchors": data["a"]}))
    in_process = thread_in_passes(items, threading_options(Settings()), WINDOW)
    by_story: dict[int, set[str]] = {}
    for row in rows:
        by_story.setdefault(row["story"], set()).add(row["url"])
    assert {frozenset(keys) for keys in in_process} == {frozenset(v) for v in by_story.values()}
    assert report["stories"] == len(by_story) == len(in_process) < len(rows)
    spans = {int(row["thread_time"] // WINDOW) for row in rows if "europa" in row["url"]}
    assert len(spans) > 1  # the windows did cut a story


def test_the_dataset_stories_are_what_the_loaded_store_shows(backfill, tmp_path):
    location, _ = backfill
    summaries = Output.at(str(location)).read_table("stories").to_pylist()
    with _loaded(location, str(tmp_path / "loaded.db")) as store:
        shown = {tuple(s.articles): s for s in stories(store)}
    assert len(shown) == len(summaries)
    for row in summaries:
        story = shown[tuple(row["urls"])]
        assert (row["title"], row["article_count"]) == (story.title, len(story.articles))
        assert (row["first_seen"], row["last_updated"]) == (story.first_seen, story.last_updated)


def _later_article(folder: Path) -> Path:
    return write_warc(
        folder / "later.warc.gz",
        [
            Rec(
                "https://paper-7.example/europa-again",
                "2024-05-07T12:00:00Z",
                article_html("Europa plumes seen again", [COPY, STORY[1], "More to follow."]),
            )
        ],
    )


def _threader_resumes_from_the_load(store: Store) -> None:
    """A new process's threader starts from the loaded snapshot, not from a replay."""
    with store.engine.begin() as conn:
        logged = conn.execute(select(func.count()).select_from(story_log.events)).scalar_one()
        live = LiveThreader()  # a new process's
        live.catch_up(conn, threading_options(Settings()))
        assert live.snapshot_seq == live.seq == logged == 12
        urls = dict(conn.execute(select(schema.pages.c.id, schema.pages.c.url)).all())
    for sid, keys in live.threader.stories().items():
        assert sorted(story(store, sid).articles) == sorted(urls[int(key)] for key in keys)


def test_after_a_load_a_related_article_joins_the_loaded_story(backfill, tmp_path):
    location, _ = backfill
    later = _later_article(tmp_path)
    with _loaded(location, str(tmp_path / "loaded.db")) as store:
        _threader_resumes_from_the_load(store)
        before = {s.id: s.articles for s in stories(store)}
        europa = story_of(store, "https://paper-0.example/europa")
        assert europa is not None
        ingest(store, [later], Settings(), workers=1, thread=True)
        joined = story_of(store, "https://paper-7.example/europa-again")
        assert joined is not None and joined.id == europa.id
        assert joined.articles == [*europa.articles, "https://paper-7.example/europa-again"]
        after = {s.id: s.articles for s in stories(store) if s.id != europa.id}
        assert after == {k: v for k, v in before.items() if k != europa.id}


def test_a_load_into_a_store_with_stories_threads_the_loaded_pages_online(backfill, tmp_path):
    location, _ = backfill
    with Store.open(tmp_path / "busy.db") as store:
        ingest(store, [_later_article(tmp_path)], Settings(), workers=1, thread=True)
        report = load_backfill(
            store, str(location), LshParams.for_threshold(Settings().duplicate_threshold)
        )
        assert report.threaded == 12
        europa = story_of(store, "https://paper-0.example/europa")
        assert europa is not None and "https://paper-7.example/europa-again" in europa.articles


def test_without_threading_the_loaded_pages_wait_to_be_threaded(spark_session, tmp_path):
    out = tmp_path / "unthreaded"
    later = [str(_later_article(tmp_path))]
    report = run_backfill(later, str(out), Settings(), spark_session, thread=False)
    assert report.threaded is False and report.stories == 0 and report.versions == 1
    with _loaded(out, str(tmp_path / "unthreaded.db")) as store:
        assert stories(store) == []
        assert thread_new_versions(store).pages_added == 1
        assert [s.articles for s in stories(store)] == [["https://paper-7.example/europa-again"]]
