"""Stage 1 of the backfill, in the executors: one input file → its extracted captures.

Each task reads one input with the readers ``storyline ingest`` uses, extracts every
capture as the ingest does (``pipeline.extracting.extract_in_order`` over
``ingest_work.extract_capture``: same article, same signature, same problem kinds, each
page under the extraction budget in a worker process, so a page over it is reported as
``too_slow`` / ``too_big`` and the task goes on), and writes one Parquet file of captures
plus a small JSON manifest. The manifest is written last, so its presence means the input is done: a
re-run skips it, which is what makes the backfill resumable file by file.

A payload repeated under the same URL (crawls revisit unchanged pages all the time) is
extracted once, as the batch ingest does.

The job's tasks keep their extraction worker across tasks (``keep_pool``): PySpark reuses
its Python worker processes, so a process that extracts several input files starts one
extraction worker, not one per file; a new worker's first pages cost about half a
CPU-second more than its later ones (warming up), which one per file made part of every
task (``benchmarks/spark.py``'s fixed cost). The kept worker ends with its Python worker
(it reads end-of-file on its task pipe).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from storyline.pipeline.extracting import ExtractionPools, extract_in_order
from storyline.pipeline.ingest import IngestReport
from storyline.pipeline.ingest_work import Extracted
from storyline.sandbox import Budget
from storyline.sources.archives import read_file
from storyline.sources.captures import Capture, Rejected
from storyline.spark.dataset import CAPTURES, Output
from storyline.spark.inputs import input_id, local_copy

_BATCH = 256  # captures per Parquet row group: bounded memory whatever the file size
_REPEATS = 2000  # payloads remembered per file to spot a repeat without extracting it
_KEPT: dict[Budget, ExtractionPools] = {}  # this process's kept extraction worker, by budget


def extract_input(
    uri: str, out: Output, max_bytes: int, budget: Budget, keep_pool: bool = False
) -> dict[str, Any]:
    """Extract one input file into ``captures/<id>.parquet``, each page under ``budget``;
    return its manifest. With ``keep_pool`` the extraction worker stays for this process's
    next input (the Spark job's executors); without, it stops when the file is done.

    An input whose manifest exists is not read again: its manifest is returned as is.
    """
    name = input_id(uri)
    if out.exists("inputs", f"{name}.json"):
        done: dict[str, Any] = out.read_json("inputs", f"{name}.json")
        return done
    report = IngestReport()
    with local_copy(uri) as path:
        pools = _kept_pools(budget) if keep_pool else None
        rows = _extracted_rows(read_file(path, max_bytes), report, budget, pools)
        batches = _batches(({"input": uri, "position": i, **r} for i, r in enumerate(rows)))
        report.stored = out.write_batches(CAPTURES, batches, "captures", f"{name}.parquet")
    manifest = {"uri": uri, "records": report.records, "captures": report.stored}
    manifest |= {"problems": dict(sorted(report.problems.items())), "examples": report.examples}
    out.write_json(manifest, "inputs", f"{name}.json")
    return manifest


def _kept_pools(budget: Budget) -> ExtractionPools:
    """This process's kept extraction worker for ``budget`` (started on first use)."""
    if budget not in _KEPT:
        _KEPT[budget] = ExtractionPools(1, budget)
    return _KEPT[budget]


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
    records: Iterator[Capture | Rejected],
    report: IngestReport,
    budget: Budget,
    pools: ExtractionPools | None,
) -> Iterator[dict[str, Any]]:
    """One row per capture that became an article, in input order; problems go to the
    report. A payload repeated under its URL is not extracted again."""
    seen: OrderedDict[tuple[str, bytes], Extracted] = OrderedDict()
    keys: dict[int, tuple[str, bytes] | None] = {}

    def captures() -> Iterator[Capture]:
        for record in records:
            report.records += 1
            if isinstance(record, Rejected):
                report.note(record)
            else:
                yield record

    def reuse(capture: Capture) -> Extracted | None:
        key = keys[id(capture)] = capture.payload_key()
        found = seen.get(key) if key is not None else None
        return replace(found, problems=[]) if found is not None else None

    for capture, result in extract_in_order(captures(), 1, budget, reuse, pools):
        key = keys.pop(id(capture), None)
        for problem in result.problems:
            report.note(problem)
        row = _row(capture, result)
        if row is None:
            continue
        if key is not None:
            seen[key] = result
            seen.move_to_end(key)
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
