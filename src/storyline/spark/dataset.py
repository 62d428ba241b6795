"""The backfill's output: a folder of Parquet tables, its layout and its schemas.

::

    OUT/
      inputs/<id>.json        one per finished input file: its URI, counts and problems
                              (written last: its presence means the file is done)
      captures/<id>.parquet   every extracted capture of that input (the resumable part)
      versions/part-*.parquet one row per version: the columns of `storyline export
                              --versions`, plus the compressed raw page and the
                              article as the store keeps it
      changes/part-*.parquet  one row per classified change of a version
      captures_all/...        every capture's (url, fetched_at, content_hash)
      duplicates/part-*.parquet  every page's signature, and its group's canonical page
      story_items/part-*.parquet  one row per page: its story, threading order and input
      stories/part-*.parquet  one row per story: its title, size and times
      _SUCCESS                written when every table is complete

Paths are local folders or pyarrow file-system URIs (``s3://bucket/out``), so executors
on a cluster write where the driver reads.
"""

from __future__ import annotations

import json
import posixpath
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from pyarrow import fs

from storyline.export import SCHEMA as EXPORT_SCHEMA
from storyline.export import arrow_schema

CAPTURES = arrow_schema(
    [
        ("input", pa.string()),
        ("position", pa.int64()),
        ("url", pa.string()),
        ("fetched_at", pa.timestamp("us", "UTC")),
        ("content_hash", pa.string()),
        ("article_json", pa.string()),
        ("raw_html", pa.binary()),
        ("raw_type", pa.string()),
        ("signature", pa.binary()),
    ]
)
# `storyline export --versions` columns, then what `storyline load` needs to restore the
# store: the compressed raw page (zlib, as the store keeps it) and its type, and the
# article as the store keeps it (its JSON and body length), which load copies as they
# are instead of rebuilding them from the export columns (most of load's time).
VERSIONS = pa.schema(
    [
        *EXPORT_SCHEMA,
        pa.field("raw_html", pa.binary()),
        pa.field("raw_type", pa.string()),
        pa.field("article_json", pa.string()),
        pa.field("text_length", pa.int64()),
    ]
)
CAPTURE_KEYS = arrow_schema(
    [
        ("url", pa.string()),
        ("fetched_at", pa.timestamp("us", "UTC")),
        ("content_hash", pa.string()),
    ]
)
CHANGES = arrow_schema(
    [
        ("url", pa.string()),
        ("version", pa.int32()),
        ("position", pa.int32()),
        ("kind", pa.string()),
        ("section", pa.string()),
        ("before", pa.string()),
        ("after", pa.string()),
    ]
)
# Every page's MinHash signature (what the online copy index keeps) and, for a page in a
# group of copies, the group's canonical page.
DUPLICATES = arrow_schema(
    [
        ("url", pa.string()),
        ("signature", pa.binary()),
        ("canonical", pa.string()),
    ]
)
TABLES: dict[str, pa.Schema] = {
    "versions": VERSIONS,
    "captures_all": CAPTURE_KEYS,
    "changes": CHANGES,
    "duplicates": DUPLICATES,
}
# Every page as the threader took it (its latest version), in threading order (``seq``):
# the story it is in (null: nothing to thread), the entities and thread time the store
# keeps, and the prepared threading input (``features_json``, as the store's threading
# log keeps it: {"f": features, "s": signature, "a": names}; null when not threaded).
STORY_ITEMS = arrow_schema(
    [
        ("url", pa.string()),
        ("seq", pa.int64()),
        ("story", pa.int64()),
        ("version", pa.int32()),
        ("thread_time", pa.float64()),
        ("entities_json", pa.string()),
        ("features_json", pa.string()),
    ]
)
# One row per story, numbered in order of its first page; the columns of the store's
# story summary (``storyline stories --json``) that need no revision history (the
# timeline is built when the dataset is loaded).
STORIES = arrow_schema(
    [
        ("story", pa.int64()),
        ("title", pa.string()),
        ("article_count", pa.int32()),
        ("first_seen", pa.timestamp("us", "UTC")),
        ("last_updated", pa.timestamp("us", "UTC")),
        ("entities_json", pa.string()),
        ("urls", pa.list_(pa.string())),
    ]
)
STORY_TABLES: dict[str, pa.Schema] = {"story_items": STORY_ITEMS, "stories": STORIES}
ALL_TABLES: dict[str, pa.Schema] = {**TABLES, **STORY_TABLES}


@dataclass(frozen=True)
class Output:
    """Where a backfill writes: a file system and the folder's path on it."""

    filesystem: fs.FileSystem
    root: str

    @classmethod
    def at(cls, location: str) -> Output:
        """The output folder at a local path or a pyarrow file-system URI."""
        if "://" in location and not location.startswith("file://"):
            filesystem, root = fs.FileSystem.from_uri(location)
            return cls(filesystem, root)
        local = location.removeprefix("file://")
        from pathlib import Path

        return cls(fs.LocalFileSystem(), str(Path(local).resolve()))

    def path(self, *parts: str) -> str:
        """A path inside the output folder."""
        return posixpath.join(self.root, *parts)

    def exists(self, *parts: str) -> bool:
        """Whether that file or folder is there."""
        return self.filesystem.get_file_info(self.path(*parts)).type != fs.FileType.NotFound

    def make_dirs(self, *parts: str) -> None:
        """Create a folder (and its parents) inside the output."""
        self.filesystem.create_dir(self.path(*parts), recursive=True)

    def write_json(self, data: Any, *parts: str) -> None:
        """Write a JSON file atomically (a temporary name, then a move)."""
        self._atomic(json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"), *parts)

    def read_json(self, *parts: str) -> Any:
        """Read a JSON file written by ``write_json``."""
        with self.filesystem.open_input_stream(self.path(*parts)) as stream:
            return json.loads(stream.read().decode("utf-8"))

    def write_table(self, table: pa.Table, *parts: str) -> None:
        """Write a Parquet file atomically, so a killed task leaves no half file behind."""
        final = self.path(*parts)
        temporary = f"{final}.tmp-{uuid.uuid4().hex}"
        pq.write_table(table, temporary, filesystem=self.filesystem, compression="zstd")
        self.filesystem.move(temporary, final)

    def write_batches(
        self, schema: pa.Schema, batches: Iterator[list[dict[str, Any]]], *parts: str
    ) -> int:
        """Stream row batches into one Parquet file, atomically; return the row count."""
        final = self.path(*parts)
        temporary = f"{final}.tmp-{uuid.uuid4().hex}"
        count = 0
        with self.filesystem.open_output_stream(temporary) as stream:
            with pq.ParquetWriter(stream, schema, compression="zstd") as writer:
                for batch in batches:
                    writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                    count += len(batch)
                if count == 0:
                    writer.write_table(schema.empty_table())
        self.filesystem.move(temporary, final)
        return count

    def listing(self, *parts: str) -> list[str]:
        """The files directly inside a folder of the output, sorted (none if it is absent)."""
        if not self.exists(*parts):
            return []
        selector = fs.FileSelector(self.path(*parts), recursive=False)
        infos = self.filesystem.get_file_info(selector)
        return sorted(i.path for i in infos if i.type == fs.FileType.File)

    def read_table(self, *parts: str) -> pa.Table:
        """Every Parquet part of a table folder, as one table."""
        files = [f for f in self.listing(*parts) if f.endswith(".parquet")]
        schema = ALL_TABLES.get(parts[-1])
        if not files:
            return schema.empty_table() if schema is not None else pa.table({})
        tables = [pq.read_table(f, filesystem=self.filesystem) for f in files]
        return pa.concat_tables(tables)

    def _atomic(self, data: bytes, *parts: str) -> None:
        final = self.path(*parts)
        temporary = f"{final}.tmp-{uuid.uuid4().hex}"
        with self.filesystem.open_output_stream(temporary) as stream:
            stream.write(data)
        self.filesystem.move(temporary, final)
