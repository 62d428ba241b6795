"""``storyline load``, the stories: a backfill's threaded pages into the store's story tables.

The store threads online: ``story_items`` says which page is in which story,
``story_events`` logs each threaded page's prepared input in threading order, and the
live threader of a process (``pipeline.story_threader``) starts from the newest
``story_snapshots`` row (or replays the log). A load writes all three, in the load's
transaction: the items and the log from the dataset's ``story_items`` (in its threading
order), and a snapshot of a threader that holds the dataset's stories
(``stories.placed.PlacedThreader``), taken after the last logged page. The story
summaries (title, entities, timeline) are then written by the pipeline's own code from
that threader (``pipeline.stories.write_every_story``), so a loaded store has what
``storyline ingest`` writes, and the pages followed or ingested later thread into the
loaded stories.

The snapshot is kept under the threading options of the load's settings; the backfill
must have used the same ``story_half_life`` (else the first threading pass replays the
log, which gives one sequential pass's stories). A store that already threads stories of
its own gets the loaded pages threaded online after the load instead, as an ingest of
them would.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from storyline.errors import InputError
from storyline.pipeline.story_threader import save_snapshot
from storyline.spark.dataset import Output
from storyline.store.bulk import TABLES, BulkWriter
from storyline.stories.placed import PlacedThreader
from storyline.stories.threading import Prepared, ThreadingOptions

_BATCH = 1000


def store_threads_already(bulk: BulkWriter) -> bool:
    """Whether the store holds threaded pages of its own."""
    table = TABLES["story_items"]
    return bool(bulk.conn.execute(select(func.count()).select_from(table)).scalar_one())


def load_stories(
    bulk: BulkWriter,
    data: Output,
    pages: dict[str, tuple[int, datetime]],
    versions: dict[tuple[str, int], int],
    options: ThreadingOptions,
) -> int:
    """Write the dataset's story items, threading log and a threader snapshot holding
    its stories; returns how many pages were threaded. Call in the load's transaction,
    on a store with no threaded pages."""
    threader = PlacedThreader(options)
    stories: dict[int, int] = {}  # the dataset's story number -> the store's story id

    def logged() -> Iterator[dict[str, Any]]:
        seq = 0
        for row in _in_order(data):
            if row["features_json"] is None:
                continue
            if row["story"] is None:
                raise InputError(f"story_items: {row['url']} was threaded into no story")
            seq += 1
            page_id = pages[row["url"]][0]
            item = _prepared(str(page_id), row["thread_time"], row["features_json"])
            stories[row["story"]] = threader.place(item, row["story"])
            yield {
                "seq": seq,
                "page_id": page_id,
                "version_id": versions[(row["url"], row["version"])],
                "thread_time": row["thread_time"],
                "features_json": row["features_json"],
            }

    threaded = bulk.write("story_events", logged())
    bulk.write("story_items", _item_rows(data, pages, versions, stories))
    if threaded:
        save_snapshot(bulk.conn, threader, threaded)
    return threaded


def _item_rows(
    data: Output,
    pages: dict[str, tuple[int, datetime]],
    versions: dict[tuple[str, int], int],
    stories: dict[int, int],
) -> Iterator[dict[str, Any]]:
    for row in _in_order(data):
        yield {
            "page_id": pages[row["url"]][0],
            "seq": row["seq"],
            "version_id": versions[(row["url"], row["version"])],
            "thread_time": row["thread_time"],
            "entities_json": row["entities_json"],
            "story_id": stories.get(row["story"]) if row["story"] is not None else None,
        }


def _in_order(data: Output) -> Iterator[dict[str, Any]]:
    """The dataset's story items, streamed in threading order (its part files hold
    consecutive ranges of it); a dataset out of order is refused."""
    import pyarrow.parquet as pq

    last = 0
    for path in data.listing("story_items"):
        if not path.endswith(".parquet"):
            continue
        for batch in pq.ParquetFile(path, filesystem=data.filesystem).iter_batches(_BATCH):
            for row in batch.to_pylist():
                if row["seq"] != last + 1:
                    raise InputError(
                        f"story_items are not in threading order at {row['url']} "
                        f"(seq {row['seq']} after {last}): re-run the backfill"
                    )
                last = row["seq"]
                yield row


def _prepared(key: str, thread_time: float, features_json: str) -> Prepared:
    """A logged page's prepared input, as the live threader reads it from the log."""
    data = json.loads(features_json)
    signature = data["s"] if isinstance(data["s"], str) else tuple(data["s"])
    return Prepared(key, thread_time, data["f"], signature, data.get("a", {}))
