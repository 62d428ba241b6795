"""The backfill's extraction tasks keep their extraction worker from one input to the next.

A PySpark worker process runs several extraction tasks (one per input file); each used to
start an extraction worker of its own, whose first pages cost about half a CPU-second of
warming up. The kept worker must serve the next file and change nothing in the rows.
"""

from __future__ import annotations

import pyarrow.parquet as pq
from ingest.ingest_helpers import Rec, shared_pages, write_warc

from storyline.sandbox import Budget
from storyline.spark import extracting
from storyline.spark.dataset import Output
from storyline.spark.extracting import extract_input


def _worker_pids(budget: Budget) -> set[int]:
    """The kept pool's worker processes (pebble's private state: it has no public way)."""
    pool = extracting._KEPT[budget].pool
    assert not pool.broken
    return set(pool._pool._pool_manager.worker_manager.workers)


def test_a_kept_worker_extracts_the_next_input_and_the_rows_are_the_same(tmp_path):
    pages = shared_pages(4)
    files = [
        write_warc(
            tmp_path / f"{n}.warc.gz",
            [Rec(url, "2024-03-01T09:00:00Z", html) for url, html in pages[2 * n : 2 * n + 2]],
        )
        for n in range(2)
    ]
    budget = Budget(60.0, 2048)
    kept, fresh = Output.at(str(tmp_path / "kept")), Output.at(str(tmp_path / "fresh"))
    for out in (kept, fresh):
        for part in ("inputs", "captures"):
            out.make_dirs(part)
    try:
        extract_input(str(files[0]), kept, 10_000_000, budget, keep_pool=True)
        first = _worker_pids(budget)
        extract_input(str(files[1]), kept, 10_000_000, budget, keep_pool=True)
        assert first and _worker_pids(budget) == first  # the same process, still up
    finally:
        extracting._KEPT.pop(budget).close(cancel=False)
    for path in files:
        extract_input(str(path), fresh, 10_000_000, budget)
    assert budget not in extracting._KEPT  # without keep_pool nothing is kept
    for name in sorted(p.rsplit("/", 1)[1] for p in kept.listing("captures")):
        rows = pq.read_table(kept.path("captures", name)).to_pylist()
        assert len(rows) == 2 and all(row["article_json"] for row in rows)
        assert rows == pq.read_table(fresh.path("captures", name)).to_pylist()
