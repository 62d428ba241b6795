"""The Spark backfill against the sequential ingest: one archive, the same store.

The archive holds real shared pages, syndicated copies, a page captured three times out
of order (one capture repeated), a 404, and a damaged gzip member; it is split over two
files. It goes through ``storyline ingest`` into SQLite (the reference) and through the
Spark job (``local[2]``) plus ``storyline load`` into SQLite and PostgreSQL; versions,
changes, raw pages, duplicate groups and exports must agree. Spark starts once per module
(its start-up is most of the cost).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from ingest.ingest_helpers import Rec, article_html, shared_pages, write_warc

from storyline.cli import cli
from storyline.config import Settings
from storyline.duplicates import LshParams
from storyline.export import export
from storyline.pipeline.ingest import ingest
from storyline.spark.job import run_backfill
from storyline.spark.load import load_backfill
from storyline.store import Store
from storyline.store.duplicates import duplicate_groups

COPY = "Water plumes were seen rising from the moon's surface, scientists said on Monday. "
STORY = [COPY * 3, "The plumes rise about 200 kilometres above the ice.", COPY]
MOVING = "https://news.example/moving"


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
    report = run_backfill([str(p) for p in archive], str(out), Settings(), spark_session)
    yield out, report.to_dict()


@pytest.fixture(scope="module")
def reference(tmp_path_factory, archive) -> Iterator[Store]:
    with Store.open(tmp_path_factory.mktemp("ref") / "ref.db") as store:
        ingest(store, archive, Settings(), workers=1, thread=False)
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


def test_a_rerun_skips_finished_inputs_and_gives_the_same_tables(backfill, archive, spark_session):
    location, before = backfill
    again = run_backfill([str(p) for p in archive], str(location), Settings(), spark_session)
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
