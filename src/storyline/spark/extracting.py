"""Stage 1 of the backfill, in the executors: one input file → its extracted captures.

Each task reads one input with the readers ``storyline ingest`` uses, extracts every
capture with the same worker function (``ingest_work.extract_capture``: same article,
same signature, same problem kinds), and writes one Parquet file of captures plus a small
JSON manifest. The manifest is written last, so its presence means the input is done: a
re-run skips it, which is what makes the backfill resumable file by file.

A payload repeated under the same URL (crawls revisit unchanged pages all the time) is
extracted once, as the batch ingest does.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

from storyline.ingest import IngestReport
from storyline.ingest_work import Extracted, extract_capture
from storyline.sources.archives import read_file
from storyline.sources.captures import Capture, Rejected
from storyline.spark.dataset import CAPTURES, Output
from storyline.spark.inputs import input_id, local_copy

_BATCH = 256  # captures per Parquet row group: bounded memory whatever the file size
_REPEATS = 2000  # payloads remembered per file to spot a repeat without extracting it


def extract_input(uri: str, out: Output, max_bytes: int) -> dict[str, Any]:
    """Extract one input file into ``captures/<id>.parquet``; return its manifest.

    An input whose manifest exists is not read again: its manifest is returned as is.
    """
    name = input_id(uri)
    if out.exists("inputs", f"{name}.json"):
        done: dict[str, Any] = out.read_json("inputs", f"{name}.json")
        return done
    report = IngestReport()
    with local_copy(uri) as path:
        rows = _extracted_rows(read_file(path, max_bytes), report)
        batches = _batches(({"input": uri, "position": i, **r} for i, r in enumerate(rows)))
        report.stored = out.write_batches(CAPTURES, batches, "captures", f"{name}.parquet")
    manifest = {"uri": uri, "records": report.records, "captures": report.stored}
    manifest |= {"problems": dict(sorted(report.problems.items())), "examples": report.examples}
    out.write_json(manifest, "inputs", f"{name}.json")
    return manifest


def _batches(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= _BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _extracted_rows(
    records: Iterator[Capture | Rejected], report: IngestReport
) -> Iterator[dict[str, Any]]:
    """One row per capture that became an article; problems go to the report."""
    seen: OrderedDict[tuple[str, bytes], dict[str, Any]] = OrderedDict()
    for record in records:
        report.records += 1
        if isinstance(record, Rejected):
            report.note(record)
            continue
        key = record.payload_key()
        if key is not None and key in seen:
            yield {**seen[key], "fetched_at": record.fetched_at}
            continue
        result = extract_capture(record)
        for problem in result.problems:
            report.note(problem)
        row = _row(record, result)
        if row is None:
            continue
        if key is not None:
            seen[key] = row
            if len(seen) > _REPEATS:
                seen.popitem(last=False)
        yield row


def _row(capture: Capture, result: Extracted) -> dict[str, Any] | None:
    if result.article is None or result.encoded is None:
        return None
    return {
        "url": capture.url,
        "fetched_at": capture.fetched_at,
        "content_hash": result.encoded.content_hash,
        "article_json": result.encoded.article_json,
        "raw_html": result.raw.compressed if result.raw else None,
        "raw_type": "text/html" if result.raw else None,
        "signature": result.signature,
    }
