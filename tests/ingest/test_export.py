"""Exports: the same columns in every format, and a JSONL export ingests back unchanged."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from ingest_helpers import LOREM, Rec, article_html, write_warc

from storyline.cli import cli
from storyline.config import load_settings
from storyline.export import COLUMNS, export
from storyline.pipeline.ingest import ingest
from storyline.store.db import Store

SETTINGS = load_settings(environ={})


@pytest.fixture
def store(tmp_path):
    crawl = write_warc(
        tmp_path / "crawl.warc.gz",
        [
            Rec(
                "https://news.example/a",
                "2024-03-02T10:00:00Z",
                article_html("Troops leave", LOREM),
            ),
            Rec(
                "https://news.example/a",
                "2024-03-01T09:00:00Z",
                article_html("Troops to leave", LOREM[:3]),
            ),
            Rec(
                "https://news.example/b",
                "2024-03-05T11:00:00Z",
                article_html("Minister speaks", LOREM[::-1]),
            ),
        ],
    )
    with Store.open(tmp_path / "source.db") as opened:
        ingest(opened, [crawl], SETTINGS, workers=1)
        yield opened


def _history(store: Store) -> dict[str, list[tuple]]:
    urls = [row.page.url for row in store.articles(limit=1000).rows]
    return {
        url: [(v.fetched_at, v.content_hash, v.article) for v in store.versions(url)]
        for url in urls
    }


def test_jsonl_export_ingested_again_gives_the_same_articles(tmp_path, store):
    dump = tmp_path / "export.jsonl"
    with dump.open("wb") as out:
        assert export(store, "jsonl", out, versions=True) == 3
    with Store.open(tmp_path / "copy.db") as copy:
        report = ingest(copy, [dump], SETTINGS, workers=1)
        assert (report.stored, sum(report.problems.values())) == (3, 0)
        assert _history(copy) == _history(store)


def test_every_format_has_the_documented_columns(store):
    rows = {}
    for fmt in ("jsonl", "csv", "parquet"):
        out = io.BytesIO()
        assert export(store, fmt, out) == 2  # latest version per page
        rows[fmt] = out.getvalue()
    lines = [json.loads(line) for line in rows["jsonl"].decode().splitlines()]
    assert [tuple(line) for line in lines] == [COLUMNS, COLUMNS]
    assert [line["url"] for line in lines] == ["https://news.example/b", "https://news.example/a"]
    assert lines[1]["version"] == 2 and lines[1]["title"] == "Troops leave"
    table = list(csv.DictReader(io.StringIO(rows["csv"].decode())))
    assert tuple(table[0]) == COLUMNS
    assert json.loads(table[1]["sections"]) == lines[1]["sections"]
    parquet = pq.read_table(io.BytesIO(rows["parquet"])).to_pylist()
    assert tuple(parquet[0]) == COLUMNS
    assert parquet[1]["sections"] == lines[1]["sections"]
    assert parquet[1]["fetched_at"] == datetime(2024, 3, 2, 10, tzinfo=UTC)


def test_since_keeps_recent_versions_only(store):
    out = io.BytesIO()
    assert export(store, "jsonl", out, versions=True, since=datetime(2024, 3, 2, tzinfo=UTC)) == 2
    kept = [json.loads(line)["fetched_at"] for line in out.getvalue().decode().splitlines()]
    assert sorted(kept) == ["2024-03-02T10:00:00+00:00", "2024-03-05T11:00:00+00:00"]


def test_cli_ingest_export_and_duplicates(tmp_path):
    crawl = write_warc(
        tmp_path / "c.warc",
        [
            Rec("https://a.example/x", "2024-01-01T00:00:00Z", article_html("Same", LOREM)),
            Rec("https://b.example/y", "2024-01-02T00:00:00Z", article_html("Same story", LOREM)),
            Rec("https://a.example/404", "2024-01-01T00:00:00Z", b"no", status="404 Not Found"),
        ],
        compress=False,
    )
    db = str(tmp_path / "cli.db")
    runner = CliRunner()
    result = runner.invoke(cli, ["ingest", "--db", db, "-w", "1", str(crawl)], obj={})
    assert result.exit_code == 0, result.output
    assert "3 records" in result.output and "http_error" in result.output
    result = runner.invoke(cli, ["duplicates", "--db", db, "--json"], obj={})
    assert json.loads(result.output) == [
        {
            "id": 1,
            "canonical": "https://a.example/x",
            "members": ["https://a.example/x", "https://b.example/y"],
        }
    ]
    out = tmp_path / "out.parquet"
    result = runner.invoke(
        cli, ["export", "--db", db, "--format", "parquet", "-o", str(out)], obj={}
    )
    assert result.exit_code == 0, result.output
    rows = pq.read_table(out).to_pylist()
    assert {r["url"]: r["copy_of"] for r in rows} == {
        "https://a.example/x": None,
        "https://b.example/y": "https://a.example/x",
    }
    result = runner.invoke(cli, ["ingest", "--db", db, str(tmp_path / "missing.warc")], obj={})
    assert result.exit_code == 1 and "no such file" in result.output


def test_cli_ingest_exits_1_when_records_are_rejected_and_export_takes_relative_times(tmp_path):
    lines = [
        json.dumps(
            {
                "url": "https://a.example/ok",
                "fetched_at": "2024-01-01T00:00:00Z",
                "html": article_html("Kept", LOREM).decode(),
            }
        ),
        "{not json",
        json.dumps({"html": "<p>no url</p>"}),
    ]
    jsonl = tmp_path / "in.jsonl"
    jsonl.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = str(tmp_path / "cli.db")
    runner = CliRunner()
    result = runner.invoke(cli, ["ingest", "--db", db, "-w", "1", str(jsonl)], obj={})
    assert result.exit_code == 1 and "2 record(s) rejected" in result.output, result.output
    again = runner.invoke(
        cli, ["ingest", "--db", db, "-w", "1", "--accept-rejects", str(jsonl)], obj={}
    )
    assert again.exit_code == 0, again.output
    recent = runner.invoke(cli, ["export", "--db", db, "--versions", "--since", "2h"], obj={})
    assert recent.exit_code == 0 and "0 rows exported" in recent.output, recent.output
    old = runner.invoke(cli, ["export", "--db", db, "--since", "2023-12-31"], obj={})
    assert old.exit_code == 0 and "https://a.example/ok" in old.output
    bad = runner.invoke(cli, ["export", "--db", db, "--since", "soonish"], obj={})
    assert bad.exit_code == 2 and "is not a time" in bad.output
    missing = runner.invoke(cli, ["export", "--db", str(tmp_path / "typo.db")], obj={})
    assert missing.exit_code == 1 and "no database at" in missing.output
    assert not (tmp_path / "typo.db").exists()
