"""The backfill's table rows in the executors: captures read in (stage 2), each
partition's pages written out (stage 5).

Kept apart from ``job.py`` so that the Python workers running these stages import only
what they need (the dataset's schemas, the page rows), not the extraction stack and the
story stages that ``job.py`` imports to drive the whole job: PySpark starts extra workers
for the stages that read two Python RDDs (joins), and each one imports the modules its
tasks' functions come from (``benchmarks/spark.py``'s fixed cost).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from storyline.spark.dataset import TABLES, Output
from storyline.spark.versions import PageRows


def capture_rows(filesystem: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Stage 2's input: every capture of one extracted file, keyed by its URL."""
    import pyarrow.parquet as pq

    for batch in pq.ParquetFile(path, filesystem=filesystem).iter_batches(batch_size=256):
        for row in batch.to_pylist():
            yield row["url"], row


def write_part(
    index: int, part: Iterable[Any], out: str, staging: str
) -> tuple[int, int, int, int]:
    """Stage 5: write one partition's ``(url, (page, canonical url))`` rows into its part
    file of every table; (pages, versions, changes, copies) written."""
    import pyarrow as pa

    output = Output.at(out)
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    pages = copies = 0
    for _url, (page, canonical) in part:
        pages += 1
        copies += _add_page(rows, page, canonical)
    for name, schema in TABLES.items():
        output.make_dirs(staging, name)
        table = pa.Table.from_pylist(rows[name], schema=schema)
        output.write_table(table, staging, name, f"part-{index:05d}.parquet")
    return pages, len(rows["versions"]), len(rows["changes"]), copies


def _add_page(rows: dict[str, list[dict[str, Any]]], page: PageRows, canonical: str | None) -> int:
    """Add one page's rows to its partition's tables; 1 when the page is a copy."""
    copy_of = canonical if canonical and canonical != page.url else None
    for version in page.versions:
        version["copy_of"] = copy_of
    rows["versions"] += page.versions
    rows["captures_all"] += page.captures
    rows["changes"] += page.changes
    if page.signature:
        rows["duplicates"].append(
            {"url": page.url, "signature": page.signature, "canonical": canonical}
        )
    return 1 if copy_of else 0
