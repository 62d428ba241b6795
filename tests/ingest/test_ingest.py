"""The batch driver end to end on a real store: versions, counts, problem report, re-runs."""

from __future__ import annotations

import gzip
import json
import threading
from pathlib import Path

import pytest
from ingest_helpers import LOREM, Rec, article_html, write_warc

from storyline.config import load_settings
from storyline.pipeline.ingest import ingest
from storyline.store.db import Store

PAGE = article_html("Troops leave", LOREM)
EARLIER = PAGE.replace(b"Tuesday", b"Monday")


@pytest.fixture
def settings():
    return load_settings(environ={})


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "test.db") as opened:
        yield opened


def _crawl(path: Path) -> Path:
    """Responses, a revisit, a 404, a PDF, and two captures of one URL stored late-first."""
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
            Rec("https://news.example/a", "2024-03-01T09:00:00Z", EARLIER),
            Rec("https://news.example/a", "2024-03-03T09:00:00Z", revisit=True),
            Rec(
                "https://news.example/b", "2024-03-02T11:00:00Z", article_html("Other", LOREM[::-1])
            ),
        ],
    )


@pytest.mark.parametrize("workers", [1, 2])
def test_warc_captures_become_versions_in_capture_order(tmp_path, store, settings, workers):
    report = ingest(store, [_crawl(tmp_path / "crawl.warc.gz")], settings, workers=workers)
    assert (report.records, report.stored, report.unchanged, report.skipped) == (6, 3, 0, 0)
    assert dict(report.problems) == {"http_error": 1, "not_html": 1, "revisit": 1}
    assert "news.example/missing: HTTP 404" in report.examples["http_error"][0]
    versions = store.versions("https://news.example/a")
    assert [v.fetched_at.isoformat() for v in versions] == [
        "2024-03-01T09:00:00+00:00",
        "2024-03-02T10:00:00+00:00",
    ]
    assert "Monday" in versions[0].article.body_text
    assert "Tuesday" in versions[1].article.body_text
    assert store.raw_html(versions[1].id) == PAGE
    assert store.counts()["pages"] == 2


def test_a_rerun_skips_what_is_stored(tmp_path, store, settings):
    crawl = _crawl(tmp_path / "crawl.warc.gz")
    ingest(store, [crawl], settings, workers=1)
    again = ingest(store, [crawl], settings, workers=1)
    assert (again.stored, again.unchanged, again.skipped) == (0, 0, 3)
    assert store.counts()["versions"] == 3


def test_a_repeated_payload_adds_a_capture_but_no_version(tmp_path, store, settings):
    crawl = write_warc(
        tmp_path / "repeat.warc.gz",
        [
            Rec("https://news.example/a", "2024-03-01T09:00:00Z", PAGE),
            Rec("https://news.example/a", "2024-03-01T21:00:00Z", PAGE),
            Rec("https://news.example/a", "2024-03-02T09:00:00Z", EARLIER),
        ],
    )
    report = ingest(store, [crawl], settings, workers=1)
    assert (report.stored, report.unchanged) == (2, 1)
    assert store.counts()["captures"] == 3
    assert len(store.versions("https://news.example/a")) == 2


def test_a_repeat_is_known_by_the_archive_payload_digest(tmp_path, store, settings, monkeypatch):
    """The writer does not hash a page the WARC already has a payload digest for, and a
    repeat of it is stored without being extracted again."""
    import storyline.pipeline.extracting as ingest_module
    from storyline.sources.archives import input_files, read_captures

    crawl = write_warc(
        tmp_path / "repeat.warc.gz",
        [
            Rec("https://news.example/a", "2024-03-01T09:00:00Z", PAGE),
            Rec("https://news.example/a", "2024-03-01T21:00:00Z", PAGE),
        ],
    )
    captures = list(read_captures(input_files([crawl]), settings.fetch_max_bytes))
    assert [c.digest[:5] for c in captures] == ["sha1:", "sha1:"]
    assert captures[0].digest == captures[1].digest
    key = captures[0].payload_key()
    assert key == ("https://news.example/a", b"warc:" + captures[0].digest.encode())
    extracted = []
    real = ingest_module.extract_capture
    monkeypatch.setattr(
        ingest_module, "extract_capture", lambda c: (extracted.append(c.url), real(c))[1]
    )
    inline = settings.replace(extract_budget=0, extract_memory_mb=0)  # counted in this process
    report = ingest(store, [crawl], inline, workers=1)
    assert (report.stored, report.unchanged, len(extracted)) == (1, 1, 1)
    assert store.counts()["captures"] == 2


def test_truncated_archive_stores_the_readable_part_and_reports_the_rest(tmp_path, store, settings):
    whole = _crawl(tmp_path / "whole.warc.gz").read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(whole[: int(len(whole) * 0.55)])
    report = ingest(store, [cut], settings, workers=1)
    assert report.stored == 1
    assert report.problems["http_error"] == 1
    assert report.problems["truncated"] + report.problems["corrupt"] >= 1
    assert len(store.versions("https://news.example/a")) == 1


def test_jsonl_with_a_bad_line(tmp_path, store, settings):
    path = tmp_path / "scrape.jsonl.gz"
    lines = [
        json.dumps(
            {
                "url": "https://a.example/1",
                "html": PAGE.decode(),
                "fetched_at": "2024-05-01T08:00:00Z",
            }
        ),
        '{"url": "https://a.example/broken", "html": "<p>unterminated',
        json.dumps(
            {
                "url": "https://a.example/2",
                "title": "Troops to leave by June",
                "text": "\n\n".join(LOREM),
                "published": "2024-05-02T07:00:00Z",
                "source": "Agency",
            }
        ),
    ]
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    report = ingest(store, [path], settings, workers=1)
    assert (report.records, report.stored) == (3, 2)
    assert dict(report.problems) == {"bad_json": 1}
    text = store.versions("https://a.example/2")[0].article
    assert text.title == "Troops to leave by June"
    assert text.site_name == "Agency" and text.published == "2024-05-02T07:00:00Z"
    assert LOREM[2] in text.body_text


def test_folder_with_non_utf8_pages(tmp_path, store, settings):
    folder = tmp_path / "saved"
    folder.mkdir()
    body = "".join(f"<p>{p} Café au lait in Århus.</p>" for p in LOREM)
    latin = (
        f"<html><head><meta charset='iso-8859-1'><title>Café</title>"
        f"<link rel='canonical' href='https://site.example/latin'></head>"
        f"<body><article><h1>Café</h1>{body}</article></body></html>"
    )
    (folder / "latin.html").write_bytes(latin.encode("latin-1"))
    lying = latin.replace("iso-8859-1", "utf-8").replace("/latin'", "/lying'")
    (folder / "lying.html").write_bytes(lying.encode("latin-1"))
    (folder / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    (folder / "image.html.url").write_text("https://site.example/image")
    report = ingest(store, [folder], settings, workers=1)
    assert report.stored == 2
    assert dict(report.problems) == {"encoding": 1, "not_html": 1}
    assert "lying.html" in report.examples["encoding"][0]
    for url in ("https://site.example/latin", "https://site.example/lying"):
        assert "Café au lait in " in store.versions(url)[0].article.body_text


def test_stop_event_ends_the_run_between_pages_and_a_rerun_finishes(tmp_path, store, settings):
    crawl = write_warc(
        tmp_path / "many.warc.gz",
        [Rec(f"https://news.example/{n}", "2024-03-01T09:00:00Z", PAGE) for n in range(6)],
    )
    stop = threading.Event()

    def stop_after_two(report):
        if report.stored == 2:
            stop.set()

    first = ingest(store, [crawl], settings, workers=1, on_progress=stop_after_two, stop=stop)
    assert first.interrupted and first.stored == 2
    second = ingest(store, [crawl], settings, workers=1)
    assert not second.interrupted
    assert (second.skipped, second.stored) == (2, 4)
    assert store.counts()["versions"] == 6


def test_a_completed_ingest_threads_its_pages_into_stories(tmp_path, store, settings):
    from storyline.store.stories import stories, story_of

    report = ingest(store, [_crawl(tmp_path / "crawl.warc.gz")], settings, workers=1)
    assert report.stories_written >= 1 and report.to_dict()["stories_written"] >= 1
    assert story_of(store, "https://news.example/a") is not None
    assert any("https://news.example/a" in s.articles for s in stories(store))


def test_ingest_without_threading_leaves_stories_to_rethread(tmp_path, store, settings):
    from storyline.pipeline.stories import rethread
    from storyline.store.stories import story_of

    report = ingest(store, [_crawl(tmp_path / "crawl.warc.gz")], settings, workers=1, thread=False)
    assert report.stories_written == 0
    assert story_of(store, "https://news.example/a") is None
    rethread(store, settings)
    assert story_of(store, "https://news.example/a") is not None
