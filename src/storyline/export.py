"""Export stored articles as JSON Lines, CSV or Parquet, streaming.

One row per page (its latest version) or, with ``versions=True``, one row per version.
Every format has the same columns (docs/export.md): the page URL, the version number, its
capture time and content hash, ``copy_of`` (the canonical page when this page is a
syndicated copy), then every ``Article`` field plus ``body_text``. JSON Lines keeps lists
and sections nested; CSV holds them as JSON text; Parquet as typed lists and structs.

Rows are fetched a page of articles at a time and written as they come (Parquet in
batches of ``BATCH`` rows), so an export of any size runs in constant memory. A JSONL
export can be ingested again (``storyline ingest export.jsonl``) and gives the same
articles.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import datetime
from typing import IO, Any

import pyarrow as pa
import pyarrow.parquet as pq

from storyline.errors import InputError
from storyline.model import Version
from storyline.store.db import Store
from storyline.store.duplicates import canonical_map

FORMATS = ("jsonl", "csv", "parquet")
BATCH = 1000
_PAGE = 200

_PARAGRAPH = pa.struct([("text", pa.string()), ("kind", pa.string())])
_SECTION = pa.struct(
    [
        ("kind", pa.string()),
        ("paragraphs", pa.list_(_PARAGRAPH)),
        ("heading", pa.string()),
        ("timestamp", pa.string()),
    ]
)
_PROMO = pa.struct([("text", pa.string()), ("url", pa.string()), ("kind", pa.string())])
_TEASER = pa.struct([("title", pa.string()), ("summary", pa.string()), ("url", pa.string())])


def arrow_schema(columns: list[tuple[str, pa.DataType]]) -> pa.Schema:
    """An Arrow schema from (name, type) columns (typed, so mypy checks each column)."""
    return pa.schema(columns)


SCHEMA = arrow_schema(
    [
        ("url", pa.string()),
        ("version", pa.int32()),
        ("fetched_at", pa.timestamp("us", "UTC")),
        ("content_hash", pa.string()),
        ("copy_of", pa.string()),
        ("canonical_url", pa.string()),
        ("site_name", pa.string()),
        ("title", pa.string()),
        ("labels", pa.list_(pa.string())),
        ("standfirst", pa.string()),
        ("authors", pa.list_(pa.string())),
        ("published", pa.string()),
        ("modified", pa.string()),
        ("language", pa.string()),
        ("sections", pa.list_(_SECTION)),
        ("promos", pa.list_(_PROMO)),
        ("related", pa.list_(_TEASER)),
        ("navigation", pa.list_(pa.string())),
        ("no_article", pa.bool_()),
        ("body_text", pa.string()),
    ]
)
COLUMNS = tuple(SCHEMA.names)
_NESTED = ("labels", "authors", "sections", "promos", "related", "navigation")


def export_rows(
    store: Store, versions: bool = False, since: datetime | None = None
) -> Iterator[dict[str, Any]]:
    """Export rows, newest pages first: each page's latest version, or all its versions."""
    copies = canonical_map(store)
    cursor: str | None = None
    while True:
        page = store.articles(since=since, limit=_PAGE, cursor=cursor)
        for row in page.rows:
            found = store.versions(row.page.url) if versions else [row.version]
            for version in found:
                if since is None or version.fetched_at >= since:
                    yield _row(row.page.url, version, copies.get(row.page.url))
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


def write_export(rows: Iterator[dict[str, Any]], fmt: str, out: IO[bytes]) -> int:
    """Write rows to a binary stream in ``fmt``; return how many were written."""
    if fmt == "jsonl":
        return _write_jsonl(rows, out)
    if fmt == "csv":
        return _write_csv(rows, out)
    if fmt == "parquet":
        return _write_parquet(rows, out)
    raise InputError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")


def export(
    store: Store,
    fmt: str,
    out: IO[bytes],
    versions: bool = False,
    since: datetime | None = None,
) -> int:
    """Export the store's articles (or every version) to ``out``; return the row count."""
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return write_export(export_rows(store, versions, since), fmt, out)


def _row(url: str, version: Version, canonical: str | None) -> dict[str, Any]:
    data = version.article.to_dict()
    row = {
        "url": url,
        "version": version.number,
        "fetched_at": version.fetched_at,
        "content_hash": version.content_hash,
        "copy_of": canonical if canonical and canonical != url else None,
    }
    row.update({k: data.get(k) for k in COLUMNS if k not in row})
    return row


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in row.items()}


def _write_jsonl(rows: Iterator[dict[str, Any]], out: IO[bytes]) -> int:
    count = 0
    for row in rows:
        line = json.dumps(_jsonable(row), ensure_ascii=False) + "\n"
        out.write(line.encode("utf-8"))
        count += 1
    return count


def _write_csv(rows: Iterator[dict[str, Any]], out: IO[bytes]) -> int:
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    writer = csv.DictWriter(text, fieldnames=COLUMNS)
    writer.writeheader()
    count = 0
    for row in rows:
        flat = _jsonable(row)
        for key in _NESTED:
            flat[key] = json.dumps(flat[key], ensure_ascii=False)
        writer.writerow(flat)
        count += 1
    text.flush()
    text.detach()  # leave ``out`` open for the caller
    return count


def _write_parquet(rows: Iterator[dict[str, Any]], out: IO[bytes]) -> int:
    count = 0
    batch: list[dict[str, Any]] = []
    with pq.ParquetWriter(out, SCHEMA) as writer:
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                writer.write_table(pa.Table.from_pylist(batch, schema=SCHEMA))
                count += len(batch)
                batch = []
        if batch or count == 0:
            writer.write_table(pa.Table.from_pylist(batch, schema=SCHEMA))
            count += len(batch)
    return count
