"""What the workers hand the single writer: pre-compressed pages, pre-encoded articles,
and the copy index written in the version's own transaction."""

from __future__ import annotations

import gzip
import json
import zlib
from datetime import UTC, datetime

import pytest
from ingest_helpers import EXTRACTION, Rec, write_warc
from sqlalchemy import func, select

from storyline.config import load_settings
from storyline.pipeline.ingest import ingest
from storyline.pipeline.ingest_work import extract_capture
from storyline.revisions import compare_articles
from storyline.sources.captures import Capture
from storyline.store import duplicates as dup_index
from storyline.store import schema
from storyline.store.db import Store
from storyline.store.versions import EncodedArticle, RawHtml

AT = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)


def _page(index: int = 0) -> tuple[str, bytes]:
    truth = json.loads((EXTRACTION / "ground-truth.json").read_text(encoding="utf-8"))
    key = sorted(truth)[index]
    return truth[key]["url"], gzip.decompress((EXTRACTION / "html" / f"{key}.html.gz").read_bytes())


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "handoff.db") as opened:
        yield opened


def _row(store: Store, url: str):
    v, p = schema.versions, schema.pages
    with store.engine.connect() as conn:
        return conn.execute(
            select(v.c.content_hash, v.c.article_json, v.c.raw_html, v.c.raw_encoding)
            .join(p, p.c.id == v.c.page_id)
            .where(p.c.url == url)
        ).one()


def test_a_worker_result_stores_exactly_what_the_store_would_compute(store):
    url, html = _page()
    result = extract_capture(Capture(url, AT, "html", "test", html=html))
    assert result.article is not None and result.raw is not None
    assert result.encoded == EncodedArticle.of(result.article)
    assert zlib.decompress(result.raw.compressed) == html

    handed = store.store_version(
        url,
        AT,
        result.article,
        raw_html=result.raw,
        encoded=result.encoded,
        compare=compare_articles,
    )
    plain = store.store_version(
        url + "?plain", AT, result.article, raw_html=html, compare=compare_articles
    )
    assert handed.version.content_hash == result.article.content_hash()
    assert _row(store, url) == _row(store, url + "?plain")
    assert store.raw_html(handed.version.id) == store.raw_html(plain.version.id) == html


def test_raw_html_value_reads_back_through_the_store(store):
    url, html = _page(1)
    article = extract_capture(Capture(url, AT, "html", "test", html=html)).article
    assert article is not None
    stored = store.store_version(
        url, AT, article, raw_html=RawHtml.of(html), raw_type="text/html", compare=compare_articles
    )
    assert store.raw_html(stored.version.id) == html


def test_also_runs_in_the_versions_transaction(store):
    url, html = _page()
    article = extract_capture(Capture(url, AT, "html", "test", html=html)).article
    assert article is not None

    def fail(conn, page_id, stored):
        assert stored.created and page_id > 0
        raise RuntimeError("index write failed")

    with pytest.raises(RuntimeError):
        store.store_version(url, AT, article, raw_html=html, also=fail, compare=compare_articles)
    assert store.counts()["versions"] == 0 and store.counts()["captures"] == 0
    seen = []
    store.store_version(
        url,
        AT,
        article,
        also=lambda conn, pid, s: seen.append((pid, s.created)),
        compare=compare_articles,
    )
    assert seen == [(store.page(url).id, True)]


def test_every_stored_page_is_in_the_copy_index_after_an_ingest(tmp_path, store):
    records = []
    for i in range(3):
        url, html = _page(i)
        records += [
            Rec(url, "2024-03-01T09:00:00Z", html),
            Rec(url + "?copy=1", "2024-03-01T10:00:00Z", html),
        ]
    crawl = write_warc(tmp_path / "copies.warc.gz", records)
    report = ingest(store, [crawl], load_settings(environ={}), workers=2)
    assert report.stored == 6 and report.copies == 3
    with store.engine.connect() as conn:
        indexed = conn.execute(select(func.count()).select_from(dup_index.signatures)).scalar_one()
    assert indexed == store.counts()["pages"] == 6
    assert len(dup_index.duplicate_groups(store)) == 3
