"""The archive readers on inputs written here: WARC, ARC, HTML folders, JSONL."""

from __future__ import annotations

import gzip
import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from ingest_helpers import LOREM, Rec, article_html, write_warc

from storyline.errors import InputError
from storyline.sources.archives import input_files, read_captures
from storyline.sources.captures import Capture, Rejected, parse_time

MAX = 1 << 20
PAGE = article_html("Troops leave", LOREM)


def _read(*paths: Path) -> tuple[list[Capture], list[Rejected]]:
    items = list(read_captures(input_files(paths), MAX))
    return (
        [i for i in items if isinstance(i, Capture)],
        [i for i in items if isinstance(i, Rejected)],
    )


def _mixed_warc(path: Path, compress: bool = True) -> Path:
    return write_warc(
        path,
        [
            Rec("https://news.example/a", "2024-03-02T10:00:00Z", PAGE),
            Rec(
                "https://news.example/missing",
                "2024-03-02T10:01:00Z",
                b"<html>gone</html>",
                status="404 Not Found",
            ),
            Rec(
                "https://news.example/report.pdf",
                "2024-03-02T10:02:00Z",
                b"%PDF-1.7 ...",
                content_type="application/pdf",
            ),
            Rec(
                "https://news.example/a",
                "2024-03-01T09:00:00Z",
                PAGE.replace(b"Tuesday", b"Monday"),
            ),
            Rec("https://news.example/a", "2024-03-03T09:00:00Z", revisit=True),
            Rec(
                "https://news.example/b",
                "2024-03-02T11:00:00Z",
                PAGE,
                content_type="text/html; charset=iso-8859-1",
            ),
        ],
        compress,
    )


@pytest.mark.parametrize("compress", [True, False])
def test_warc_yields_pages_and_names_each_refused_record(tmp_path, compress):
    name = "crawl.warc.gz" if compress else "crawl.warc"
    captures, rejected = _read(_mixed_warc(tmp_path / name, compress))
    assert [(c.url, c.fetched_at.isoformat()) for c in captures] == [
        ("https://news.example/a", "2024-03-02T10:00:00+00:00"),
        ("https://news.example/a", "2024-03-01T09:00:00+00:00"),
        ("https://news.example/b", "2024-03-02T11:00:00+00:00"),
    ]
    assert captures[0].html == PAGE and captures[0].charset == "utf-8"
    assert captures[2].charset == "iso-8859-1"
    assert sorted(r.kind for r in rejected) == ["http_error", "not_html", "revisit"]
    assert all(str(tmp_path) in r.origin for r in rejected)


def test_truncated_warc_gz_keeps_what_was_readable(tmp_path):
    whole = _mixed_warc(tmp_path / "whole.warc.gz").read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(whole[: int(len(whole) * 0.55)])
    captures, rejected = _read(cut)
    assert [c.url for c in captures] == ["https://news.example/a"]
    assert {r.kind for r in rejected} >= {"http_error"}
    assert {r.kind for r in rejected} & {"truncated", "corrupt"}


def test_damaged_gzip_member_in_the_middle_is_skipped_and_reading_resumes(tmp_path):
    path = _mixed_warc(tmp_path / "crawl.warc.gz")
    data = bytearray(path.read_bytes())
    starts = [i for i in range(len(data)) if data[i : i + 3] == b"\x1f\x8b\x08"]
    second = starts[1]  # the 404 record's member: garble its deflate stream
    data[second + 20 : second + 60] = b"\xff" * 40
    path.write_bytes(bytes(data))
    captures, rejected = _read(path)
    assert [c.url for c in captures] == ["https://news.example/a"] * 2 + ["https://news.example/b"]
    assert [r.kind for r in rejected].count("corrupt") == 1


def test_arc_files_are_read_through_warcio(tmp_path):
    http = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n" + PAGE
    desc = b"1 0 test\nURL IP-address Archive-date Content-type Archive-length\n"
    head = b"filedesc://t.arc 0.0.0.0 20240101000000 text/plain %d\n" % len(desc) + desc + b"\n"
    rec = b"http://old.example/p 1.2.3.4 20040105123000 text/html %d\n" % len(http) + http + b"\n"
    (tmp_path / "old.arc.gz").write_bytes(gzip.compress(head) + gzip.compress(rec))
    captures, rejected = _read(tmp_path / "old.arc.gz")
    assert rejected == []
    assert [(c.url, c.fetched_at) for c in captures] == [
        ("http://old.example/p", datetime(2004, 1, 5, 12, 30, tzinfo=UTC))
    ]
    assert captures[0].html == PAGE


def test_jsonl_accepts_html_and_text_lines_and_reports_a_bad_line(tmp_path):
    lines = [
        json.dumps(
            {
                "url": "https://a.example/1",
                "html": PAGE.decode(),
                "fetched_at": "2024-05-01T08:00:00Z",
            }
        ),
        "{not json",
        json.dumps(
            {
                "url": "https://a.example/2",
                "title": "Headline",
                "text": "Body.",
                "published": "2024-05-02T07:00:00+02:00",
                "source": "Agency",
            }
        ),
        "",
        json.dumps({"html": "<p>no url</p>"}),
    ]
    path = tmp_path / "scrape.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    captures, rejected = _read(path)
    assert [(c.url, c.kind) for c in captures] == [
        ("https://a.example/1", "html"),
        ("https://a.example/2", "text"),
    ]
    assert captures[1].fetched_at == datetime(2024, 5, 2, 5, 0, tzinfo=UTC)
    assert captures[1].fields["source"] == "Agency"
    assert [(r.kind, r.origin) for r in rejected] == [
        ("bad_json", f"{path}:2"),
        ("bad_json", f"{path}:5"),
    ]


def test_folder_pages_get_their_url_from_a_sidecar_or_the_canonical_link(tmp_path):
    folder = tmp_path / "saved"
    (folder / "sub").mkdir(parents=True)
    (folder / "one.html").write_bytes(PAGE)
    (folder / "one.html.url").write_text("https://site.example/one\n")
    (folder / "two.html.gz").write_bytes(gzip.compress(PAGE))
    (folder / "two.html.gz.json").write_text(
        json.dumps({"url": "https://site.example/two", "fetched_at": "2023-12-24T18:00:00Z"})
    )
    latin = (
        "<html><head><link rel='canonical' href='https://site.example/three'>"
        "<meta charset='iso-8859-1'></head><body><p>Café in Århus</p></body></html>"
    )
    (folder / "sub" / "three.htm").write_bytes(latin.encode("latin-1"))
    (folder / "lost.html").write_bytes(b"<html><body><p>no url anywhere</p></body></html>")
    (folder / "notes.txt").write_text("ignored")
    os.utime(folder / "one.html", (1_700_000_000, 1_700_000_000))
    captures, rejected = _read(folder)
    by_url = {c.url: c for c in captures}
    assert sorted(by_url) == [
        "https://site.example/one",
        "https://site.example/three",
        "https://site.example/two",
    ]
    assert by_url["https://site.example/one"].fetched_at == datetime.fromtimestamp(
        1_700_000_000, UTC
    )
    assert by_url["https://site.example/two"].fetched_at == datetime(2023, 12, 24, 18, tzinfo=UTC)
    assert by_url["https://site.example/two"].html == PAGE
    assert [(r.kind, Path(r.origin).name) for r in rejected] == [("no_url", "lost.html")]


def test_missing_input_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        input_files([tmp_path / "nope.warc.gz"])


def test_parse_time_reads_iso_and_warc_stamps_and_refuses_garbage():
    assert parse_time("20240105123000", "x") == datetime(2024, 1, 5, 12, 30, tzinfo=UTC)
    assert parse_time("2024-01-05T13:30:00+01:00", "x") == datetime(2024, 1, 5, 12, 30, tzinfo=UTC)
    with pytest.raises(InputError, match="unreadable time"):
        parse_time("yesterday", "x")
