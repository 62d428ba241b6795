"""``storyline load DIR``: a backfill's Parquet tables into SQLite or PostgreSQL.

The dataset already holds what the version writer and the copy index would compute, so
loading is writing: pages get ids in (first seen, url) order, so a group's canonical page
(its first seen) has the group's smallest id, as the online index keeps it; versions get
ids in (page, number) order; every table is then streamed from Parquet into the store in
batches (``store.bulk``: COPY on PostgreSQL), inside one transaction. Afterwards the store
is like one filled by ``storyline ingest``: every command, the web app and the feeds work
on it, and following the same pages adds versions to the loaded histories. The stories
go into the store's story tables (``load_stories``), so later pages thread into them.

No Spark needed: the tables are read with pyarrow.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from storyline.config import Settings
from storyline.duplicates import LshParams, band_keys
from storyline.errors import InputError, StoreError
from storyline.spark.dataset import TABLES, Output
from storyline.spark.load_stories import load_stories, store_threads_already
from storyline.spark.stories import threading_options
from storyline.store.bulk import BulkWriter, bulk_transaction
from storyline.store.db import Store
from storyline.store.versions import RAW_ENCODING

_BATCH = 1000


@dataclass
class LoadReport:
    """What a load wrote."""

    pages: int = 0
    versions: int = 0
    captures: int = 0
    changes: int = 0
    grouped: int = 0
    threaded: int = 0  # pages in the loaded stories
    stories: int = 0
    seconds: float = 0.0

    @property
    def versions_per_second(self) -> float:
        """Versions written per second of wall time."""
        return self.versions / self.seconds if self.seconds else 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (``storyline load --json``)."""
        data: dict[str, Any] = dict(self.__dict__)
        data["seconds"] = round(self.seconds, 3)
        data["versions_per_second"] = round(self.versions_per_second, 1)
        return data


def load_backfill(
    store: Store, location: str, params: LshParams, settings: Settings | None = None
) -> LoadReport:
    """Load the finished backfill at ``location`` into ``store``, in one transaction; then
    write its stories' summaries (or, into a store that threads stories of its own,
    thread the loaded pages online). A backfill run with ``--no-thread`` leaves the
    pages unthreaded, as ``storyline ingest --no-thread`` does."""
    from storyline.pipeline.stories import thread_new_versions, write_every_story

    settings = settings or Settings()
    options = threading_options(settings)
    started = time.monotonic()
    data = Output.at(location)
    if not data.exists("_SUCCESS"):
        raise InputError(
            f"{location} holds no finished backfill (no _SUCCESS): run `storyline spark "
            "ingest ... --out DIR` to the end first"
        )
    report = LoadReport()
    with bulk_transaction(store.engine, f"loading {location}") as bulk:
        first_page, first_version = bulk.next_ids()
        pages = _page_ids(data, first_page)
        known = bulk.known_urls(list(pages))
        if known:
            raise StoreError(
                f"the store already holds {', '.join(known)}: load into a database without "
                "these pages, or ingest an export of them (storyline ingest) to merge histories"
            )
        versions, latest = _version_ids(data, pages, first_version)
        bulk.defer_indexes(len(versions))
        report.pages = bulk.write("pages", _page_rows(pages, versions, latest))
        version_rows = _version_rows(data, pages, versions)
        report.versions = bulk.write_tuples("versions", _VERSION_COLUMNS, version_rows)
        capture_rows = _capture_rows(data, pages)
        report.captures = bulk.write_tuples("captures", _CAPTURE_COLUMNS, capture_rows)
        report.changes = bulk.write("changes", _change_rows(data, versions))
        report.grouped = _load_copies(bulk, data, pages, params)
        threaded = bool(data.read_json("_SUCCESS").get("threaded", False))
        online = threaded and store_threads_already(bulk)
        if threaded and not online:
            report.threaded = load_stories(bulk, data, pages, versions, options)
    if online:
        threading = thread_new_versions(store, list(pages), settings)
        report.threaded, report.stories = threading.pages_added, threading.stories_written
    elif threaded:
        report.stories = write_every_story(store, options)
    report.seconds = time.monotonic() - started
    return report


def _batches(
    data: Output, table: str, columns: list[str] | None = None
) -> Iterator[dict[str, Any]]:
    """Every row of a table folder, streamed a batch at a time."""
    for columns_of_batch in _column_batches(data, table, columns):
        names = list(columns_of_batch)
        yield from (
            dict(zip(names, values, strict=True))
            for values in zip(*columns_of_batch.values(), strict=True)
        )


def _column_batches(
    data: Output, table: str, columns: list[str] | None = None
) -> Iterator[dict[str, list[Any]]]:
    """A table folder a batch at a time, as Python lists by column (no dict per row);
    times as naive UTC, which the store keeps."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    for path in data.listing(table):
        if not path.endswith(".parquet"):
            continue
        parquet = pq.ParquetFile(path, filesystem=data.filesystem)
        for batch in parquet.iter_batches(batch_size=_BATCH, columns=columns):
            found: dict[str, list[Any]] = {}
            for name, column in zip(batch.schema.names, batch.columns, strict=True):
                if pa.types.is_timestamp(column.type) and column.type.tz is not None:
                    column = column.cast(pa.timestamp(column.type.unit))
                found[name] = column.to_pylist()
            yield found


def _page_ids(data: Output, first: int) -> dict[str, tuple[int, datetime]]:
    """Every page's id and first sighting, ids in (first seen, url) order."""
    seen: dict[str, datetime] = {}
    for row in _batches(data, "captures_all", ["url", "fetched_at"]):
        at = _utc(row["fetched_at"])
        if row["url"] not in seen or at < seen[row["url"]]:
            seen[row["url"]] = at
    ordered = sorted(seen.items(), key=lambda kv: (kv[1], kv[0]))
    return {url: (first + i, at) for i, (url, at) in enumerate(ordered)}


def _version_ids(
    data: Output, pages: dict[str, tuple[int, datetime]], first: int
) -> tuple[dict[tuple[str, int], int], dict[str, int]]:
    """Version ids in (page, number) order, and each page's latest version number."""
    keys = [(r["url"], r["version"]) for r in _batches(data, "versions", ["url", "version"])]
    unknown = {url for url, _ in keys} - pages.keys()
    if unknown:
        raise InputError(f"versions of pages with no capture, e.g. {sorted(unknown)[0]}")
    keys.sort(key=lambda k: (pages[k[0]][0], k[1]))
    latest: dict[str, int] = {}
    for url, number in keys:
        latest[url] = max(latest.get(url, 0), number)
    return {key: first + i for i, key in enumerate(keys)}, latest


def _page_rows(
    pages: dict[str, tuple[int, datetime]],
    versions: dict[tuple[str, int], int],
    latest: dict[str, int],
) -> Iterator[dict[str, Any]]:
    for url, (page_id, first_seen) in pages.items():
        count = latest.get(url, 0)
        yield {
            "id": page_id,
            "url": url,
            "first_seen": first_seen,
            "failures": 0,
            "latest_version_id": versions.get((url, count)),
            "version_count": count,
        }


_CAPTURE_COLUMNS = ["page_id", "fetched_at", "content_hash"]
_VERSION_COLUMNS = ["id", "page_id", "fetched_at", "content_hash", "title", "text_length"]
_VERSION_COLUMNS += ["article_json", "raw_html", "raw_encoding", "raw_type"]


def _version_rows(
    data: Output, pages: dict[str, tuple[int, datetime]], versions: dict[tuple[str, int], int]
) -> Iterator[tuple[Any, ...]]:
    """``_VERSION_COLUMNS`` of every version, built column by column from each batch."""
    columns = ["url", "version", "fetched_at", "content_hash", "title", "article_json"]
    columns += ["text_length", "raw_html", "raw_type"]
    for batch in _column_batches(data, "versions", columns):
        urls, raw = batch["url"], batch["raw_html"]
        ids = [versions[key] for key in zip(urls, batch["version"], strict=True)]
        page_ids = [pages[url][0] for url in urls]
        encodings = [RAW_ENCODING if r is not None else None for r in raw]
        types = [t if r is not None else None for r, t in zip(raw, batch["raw_type"], strict=True)]
        yield from zip(
            ids,
            page_ids,
            batch["fetched_at"],
            batch["content_hash"],
            batch["title"],
            batch["text_length"],
            batch["article_json"],
            raw,
            encodings,
            types,
            strict=True,
        )


def _capture_rows(
    data: Output, pages: dict[str, tuple[int, datetime]]
) -> Iterator[tuple[Any, ...]]:
    """(page_id, fetched_at, content_hash) of every capture."""
    for batch in _column_batches(data, "captures_all", ["url", "fetched_at", "content_hash"]):
        page_ids = [pages[url][0] for url in batch["url"]]
        yield from zip(page_ids, batch["fetched_at"], batch["content_hash"], strict=True)


def _change_rows(data: Output, versions: dict[tuple[str, int], int]) -> Iterator[dict[str, Any]]:
    for row in _batches(data, "changes"):
        yield {
            "version_id": versions[(row["url"], row["version"])],
            "position": row["position"],
            "kind": row["kind"],
            "section": row["section"],
            "before": row["before"],
            "after": row["after"],
        }


def _load_copies(
    bulk: BulkWriter, data: Output, pages: dict[str, tuple[int, datetime]], params: LshParams
) -> int:
    """Every page's signature with its group (the canonical page's id, if any), and the
    band keys the online index needs to place later pages; a repeated signature adds none,
    as online."""
    signatures, bands, keyed = [], [], set()
    for row in _batches(data, "duplicates"):
        page_id = pages[row["url"]][0]
        group = pages[row["canonical"]][0] if row["canonical"] else None
        signatures.append({"page_id": page_id, "signature": row["signature"], "group_id": group})
        if row["signature"] not in keyed:
            keyed.add(row["signature"])
            bands += [{"key": k, "page_id": page_id} for k in band_keys(row["signature"], params)]
    bulk.write("dup_signatures", signatures)
    bulk.write("dup_bands", bands)
    return sum(1 for row in signatures if row["group_id"] is not None)


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


__all__ = ["TABLES", "LoadReport", "load_backfill"]
