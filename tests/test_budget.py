"""Budgets for extraction (issue #17): pages that keep the parsers busy for minutes (a
2 MB page of tiny spans, an element with 200,000 attributes) are stopped at their budget
and reported as ``too_slow``, a page that needs too much memory as ``too_big``; the
worker is replaced and the good page after them is stored, through `storyline extract`,
`ingest` and `poll`.

Without the budget each bad page takes tens of seconds to minutes; with it each costs
its budget (``BUDGET`` seconds). The time checks are margins that only catch a hang.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner
from fixtures.hostile import GOOD_ARTICLE, PageServer, attribute_page, span_page
from fixtures.newsroom import newsroom_settings

from storyline import pipeline
from storyline.cli import cli
from storyline.errors import TooBigError, TooSlowError
from storyline.pipeline.ingest import ingest
from storyline.sandbox import Extractor
from storyline.sources.fetch import Fetcher
from storyline.store import Store

BUDGET = 2.0
MARGIN = 30.0  # each bad page costs BUDGET; the margin only catches a page left to run

BAD_PAGES = {"spans": lambda: span_page(150_000), "attributes": attribute_page}


def _settings(**changes):
    return newsroom_settings(**{"extract_budget": BUDGET, **changes})


@pytest.fixture(scope="module")
def bad_pages():
    return {name: make() for name, make in BAD_PAGES.items()}


def test_extractor_stops_slow_pages_and_goes_on(bad_pages):
    with Extractor(_settings()) as extractor:
        for page in bad_pages.values():
            started = time.monotonic()
            with pytest.raises(TooSlowError, match="too_slow"):
                extractor.article(page, "https://example.org/bad")
            assert time.monotonic() - started < BUDGET + MARGIN
        article = extractor.article(GOOD_ARTICLE.encode(), "https://example.org/good")
        assert article.title == "Harbour bridge opens after two years"


def test_extractor_stops_a_page_over_the_memory_limit():
    # 150 MiB of address space: a warm worker extracts a normal page in it, not 2 MB of spans
    with Extractor(_settings(extract_budget=60.0, extract_memory_mb=150)) as extractor:
        assert extractor.article(GOOD_ARTICLE.encode(), "https://example.org/a").body_text
        with pytest.raises(TooBigError, match="too_big"):
            extractor.article(span_page(150_000), "https://example.org/big")
        assert extractor.article(GOOD_ARTICLE.encode(), "https://example.org/b").body_text


def test_extract_command_reports_too_slow(tmp_path, monkeypatch, bad_pages):
    page = tmp_path / "attributes.html"
    page.write_bytes(bad_pages["attributes"])
    monkeypatch.setenv("STORYLINE_EXTRACT_BUDGET", str(BUDGET))
    monkeypatch.setenv("STORYLINE_CONFIG", str(tmp_path / "none.toml"))
    started = time.monotonic()
    result = CliRunner().invoke(cli, ["extract", str(page)])
    assert time.monotonic() - started < BUDGET + MARGIN
    assert result.exit_code == 1
    assert "too_slow" in result.output and "extract_budget" in result.output


@pytest.mark.parametrize("workers", [1, 2])
def test_ingest_reports_bad_pages_and_stores_the_good_one(tmp_path, bad_pages, workers):
    folder = tmp_path / "saved"
    folder.mkdir()
    names = {"a-spans": bad_pages["spans"], "b-attributes": bad_pages["attributes"]}
    names["c-good"] = GOOD_ARTICLE.encode()
    for name, data in names.items():
        (folder / f"{name}.html").write_bytes(data)
        (folder / f"{name}.html.url").write_text(f"https://example.org/{name}\n")
    settings = _settings()
    with Store.open(tmp_path / "i.db", settings) as store:
        started = time.monotonic()
        report = ingest(store, [folder], settings, workers=workers, thread=False)
        assert time.monotonic() - started < 2 * BUDGET + MARGIN
        assert report.problems == {"too_slow": 2}
        assert report.stored == 1
        assert [v.article.title for v in store.versions("https://example.org/c-good")] == [
            "Harbour bridge opens after two years"
        ]
        assert any("a-spans.html" in e for e in report.examples["too_slow"])


def test_ingest_command_prints_the_problem_kinds(tmp_path, bad_pages):
    (tmp_path / "bad.html").write_bytes(bad_pages["attributes"])
    (tmp_path / "bad.html.url").write_text("https://example.org/bad\n")
    env = {"STORYLINE_EXTRACT_BUDGET": str(BUDGET), "STORYLINE_CONFIG": str(tmp_path / "x")}
    result = CliRunner(env=env).invoke(
        cli, ["ingest", "--json", "--db", str(tmp_path / "c.db"), str(tmp_path / "bad.html")]
    )
    assert result.exit_code == 1, result.output  # a page that should be an article was lost
    assert json.loads(result.stdout)["problems"] == {"too_slow": 1}
    assert "1 record(s) rejected" in result.stderr


def test_poll_reports_bad_pages_and_stores_the_good_one(tmp_path, bad_pages):
    pages = {"/spans": bad_pages["spans"], "/attributes": bad_pages["attributes"]}
    pages["/good"] = GOOD_ARTICLE.encode()
    settings = _settings()
    with (
        PageServer(pages) as site,
        Store.open(tmp_path / "p.db", settings) as store,
        Fetcher(settings) as fetcher,
    ):
        now = datetime.now(UTC)
        for path in pages:
            store.add_page(site.url(path), first_seen=now)
        started = time.monotonic()
        report = pipeline.poll(store, fetcher, settings, now=now)
        assert time.monotonic() - started < 2 * BUDGET + MARGIN
        assert report.problems == {"too_slow": 2}
        assert report.new == 1
        failed = dict(report.failures)
        assert set(failed) == {site.url("/spans"), site.url("/attributes")}
        assert all(message.startswith("too_slow") for message in failed.values())
        assert store.page(site.url("/spans")).last_error.startswith("too_slow")
        assert store.versions(site.url("/good"))[0].article.body_text


def test_spark_extraction_of_one_file_reports_bad_pages_and_keeps_the_good_one(tmp_path, bad_pages):
    """The backfill's executors extract a file as ingest does: under the budget, in order."""
    pytest.importorskip("pyarrow")
    from ingest.ingest_helpers import Rec, write_warc

    from storyline.sandbox import Budget
    from storyline.spark.dataset import Output
    from storyline.spark.extracting import extract_input

    pages = [GOOD_ARTICLE.encode(), bad_pages["attributes"], GOOD_ARTICLE.encode() + b" "]
    records = [
        Rec(f"https://example.org/{n}", "2024-03-01T09:00:00Z", page)
        for n, page in enumerate(pages)
    ]
    crawl = write_warc(tmp_path / "crawl.warc.gz", records)
    out = Output.at(str(tmp_path / "out"))
    for part in ("inputs", "captures"):
        out.make_dirs(part)
    started = time.monotonic()
    manifest = extract_input(str(crawl), out, 10_000_000, Budget(BUDGET, 2048))
    assert time.monotonic() - started < BUDGET + MARGIN
    assert manifest["problems"] == {"too_slow": 1}
    assert manifest["records"] == 3 and manifest["captures"] == 2


def _kill_idle_workers(pool) -> int:
    """SIGKILL the workers of a pebble pool (private state: pebble has no public way to
    reach them), as the kernel or a budget kill would between two tasks."""
    import os
    import signal

    workers = pool._pool._pool_manager.worker_manager.workers
    for pid in list(workers):
        os.kill(pid, signal.SIGKILL)
    return len(workers)


def test_a_worker_pool_that_breaks_is_replaced_and_no_capture_is_lost():
    """A worker that dies between tasks breaks pebble's pool as a whole ("all workers
    expired"), and tasks still queued there would never run: the stream notices, starts
    a new pool and extracts those captures again, so none is lost and nothing hangs."""
    from concurrent.futures import Future

    from storyline.pipeline.extracting import ExtractionPools, _collect
    from storyline.sandbox import Budget
    from storyline.sources.captures import Capture

    at = datetime(2024, 1, 1, tzinfo=UTC)
    captures = [
        Capture(f"https://example.org/{n}", at, "html", f"test:{n}", html=GOOD_ARTICLE.encode())
        for n in range(4)
    ]
    budget = Budget(seconds=60.0, memory_mb=0)
    pools = ExtractionPools(1, budget)
    try:
        first = pools.submit(captures[0])
        assert first.result(timeout=120).article.title  # the worker is up and idle
        broken = pools.pool
        assert _kill_idle_workers(broken) == 1
        deadline = time.monotonic() + 60
        while not broken.broken and time.monotonic() < deadline:
            time.sleep(0.05)
        assert broken.broken
        queued: Future = Future()  # a task queued in the broken pool: it never runs
        pools.owners[queued] = broken
        pending = {queued: captures[1]}
        pending[pools.submit(captures[2])] = captures[2]  # a new pool takes it
        assert pools.pool is not broken
        got = {}
        started = time.monotonic()
        while pending and time.monotonic() - started < 120:
            for capture, result in _collect(pending, budget, pools):
                got[capture.url] = result
    finally:
        pools.close(cancel=True)
    assert sorted(got) == [captures[1].url, captures[2].url]
    assert all(r.article is not None and not r.problems for r in got.values())
