"""Stage 4 of the backfill: every page threaded into stories, in time windows, in parallel.

The sequential threader judges each page against everything before it, which does not
spread over machines. The backfill uses the windowed threading of ``stories.windows``
and ``stories.window_seeds`` (docs/stories.md, "Threading in time windows"), all of it
existing code:

1. **prepare** (executors, per partition of pages): each page's latest version through
   the same text work as ``storyline ingest``'s threading (``preparation.prepare_pages``:
   spaCy entities, thread time, prepared features), keyed by URL;
2. **pass 1** (one task per window): the prepared items grouped by time window (a
   shuffle), each window in ingest's threading order (thread time, first place in the
   input, URL) and threaded cold (``thread_window``); the driver joins the pieces across
   window borders (``join_pieces``: small summaries);
3. **pass 2** (one task per window): each window threaded again from the stories before
   it (``seeds``, broadcast), and the driver merges the result (``rejoin``);
4. **write**: ``story_items`` (every page in threading order, with its story and its
   prepared input) and ``stories`` (one summary row per story), by the executors.

The result equals ``window_seeds.thread_in_passes`` on the same items, whatever the
partitioning (a test checks it). Windows should be long against ``story_half_life``:
the default is ``WINDOW_HALF_LIVES`` half-lives (30 days for 3), where two passes stay
within 0.01 NMI and 0.02 B-cubed F1 of one sequential pass (docs/benchmarks.md).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from storyline.config import Settings
from storyline.model import Article, Entity
from storyline.spark.dataset import STORY_TABLES, Output
from storyline.spark.versions import PageRows
from storyline.stories.entities import merge_entities
from storyline.stories.preparation import PageText, prepare_pages
from storyline.stories.threading import ThreadingOptions
from storyline.stories.titles import neutral_story_title
from storyline.stories.window_seeds import rejoin, seeds
from storyline.stories.windows import (
    Window,
    join_pieces,
    prepared_to_dict,
    split_windows,
    thread_window,
    window_index,
)

if TYPE_CHECKING:
    from pyspark import RDD, Broadcast, SparkContext

WINDOW_HALF_LIVES = 10  # default window: this many story half-lives
PASSES = 2  # default; each pass after the first starts every window from the one before
TITLE_HEADLINES = 100  # as the store names a story: its latest 100 headlines
_CHUNK = 256  # pages per spaCy batch in an executor


def threading_options(settings: Settings) -> ThreadingOptions:
    """The options ``storyline ingest`` threads with (``store.stories``)."""
    return ThreadingOptions(half_life=settings.story_half_life)


def window_seconds(settings: Settings, given: float | None = None) -> float:
    """The window size: ``given``, else ``WINDOW_HALF_LIVES`` story half-lives."""
    return given if given else WINDOW_HALF_LIVES * settings.story_half_life


@dataclass(frozen=True)
class _Setup:
    """What the executors need to prepare pages (plain, picklable)."""

    options: ThreadingOptions
    model: str
    lead_words: int
    inputs: dict[str, int]  # input URI -> its place in the job's input list


def thread_stories(
    sc: SparkContext,
    pages: RDD[Any],
    settings: Settings,
    uris: list[str],
    window: float,
    target: tuple[str, str],
    passes: int = PASSES,
) -> int:
    """Prepare, thread (in ``passes`` passes over windows of ``window`` seconds) and
    write the stories of ``pages`` (PageRows) into the staging folder ``target``
    (output, staging name); returns how many stories there are."""
    options = threading_options(settings)
    setup = _Setup(
        options,
        settings.entities_model,
        settings.entities_lead_words,
        {uri: i for i, uri in enumerate(uris)},
    )
    partitions = max(sc.defaultParallelism, pages.getNumPartitions())
    for table in STORY_TABLES:  # there even when no page has a story
        Output.at(target[0]).make_dirs(target[1], table)
    items = pages.mapPartitions(lambda part: _prepared(part, setup)).persist()
    try:
        threaded = items.filter(lambda it: it["item"] is not None)
        stories = thread_windows(sc, threaded, options, window, partitions, passes)
        numbers = sc.broadcast(_numbered(threaded, stories))
        _write_items(items, numbers, partitions, target)
        return _write_stories(items, numbers, partitions, target)
    finally:
        items.unpersist()


def thread_windows(
    sc: SparkContext,
    items: RDD[Any],
    options: ThreadingOptions,
    window: float,
    partitions: int,
    passes: int = PASSES,
) -> list[list[str]]:
    """The stories (item keys) of prepared ``items``: pass 1 and the later passes, one
    Spark task per window; pieces joined and seeds made on the driver."""
    if passes < 1:
        raise ValueError("passes must be at least 1")
    windows = (
        items.map(lambda it: (window_index(it["item"]["time"], window), it))
        .groupByKey(partitions)
        .map(lambda group: _window(group[1], window))
        .persist()
    )
    try:
        results = windows.map(lambda w: thread_window(w, options)).collect()
        joined = join_pieces(results, options)
        for _ in range(passes - 1):
            seeded = sc.broadcast(seeds(results, joined))
            results = _seeded_pass(windows, options, seeded)
            joined = rejoin(results, joined)
    finally:
        windows.unpersist()
    return [story.keys for story in joined if story.keys]


def _seeded_pass(
    windows: RDD[Window], options: ThreadingOptions, seeded: Broadcast[dict[int, Any]]
) -> list[dict[str, Any]]:
    return windows.map(lambda w: thread_window(w, options, seeded.value[w.index])).collect()


def _window(group: Iterable[dict[str, Any]], seconds: float) -> Window:
    """One window's items in threading order, as ``split_windows`` makes it."""
    ordered = sorted(group, key=lambda it: it["order"])
    return split_windows([it["item"] for it in ordered], seconds)[0]


def _prepared(pages: Iterable[PageRows], setup: _Setup) -> Iterator[dict[str, Any]]:
    """Every page of a partition prepared for threading, spaCy batched over chunks."""
    from storyline.stories.entities import SpacyRecognizer

    recognizer = SpacyRecognizer(setup.model)
    chunk: list[PageRows] = []
    for page in pages:
        chunk.append(page)
        if len(chunk) >= _CHUNK:
            yield from _prepare_chunk(chunk, setup, recognizer)
            chunk = []
    yield from _prepare_chunk(chunk, setup, recognizer)


def _prepare_chunk(pages: list[PageRows], setup: _Setup, recognizer: Any) -> list[dict[str, Any]]:
    texts = [
        PageText(
            page.url,
            Article.from_dict(json.loads(page.latest_json)),
            min(c["fetched_at"] for c in page.captures),
        )
        for page in pages
    ]
    ready = prepare_pages(texts, recognizer, setup.options, setup.lead_words)
    found = []
    for page, text, prepared in zip(pages, texts, ready, strict=True):
        latest = page.versions[-1]
        last = len(setup.inputs)
        first_place = min((setup.inputs.get(uri, last), at) for uri, at in page.inputs.items())
        found.append(
            {
                "url": page.url,
                "version": latest["version"],
                "fetched_at": latest["fetched_at"],
                "first_seen": text.seen_at,
                "title": text.article.title or "",
                "order": (prepared.thread_time, *first_place, page.url),
                "thread_time": prepared.thread_time,
                "entities_json": json.dumps([asdict(e) for e in prepared.entities]),
                "item": prepared_to_dict(prepared.item) if prepared.item else None,
            }
        )
    return found


def _numbered(items: RDD[Any], stories: list[list[str]]) -> dict[str, int]:
    """Each threaded page's story number: stories numbered from 1 in threading order of
    their first page."""
    firsts = items.context.broadcast({keys[0]: i for i, keys in enumerate(stories)})
    found = (
        items.filter(lambda it: it["url"] in firsts.value)
        .map(lambda it: (it["order"], firsts.value[it["url"]]))
        .collect()
    )
    rank = {index: number for number, (_, index) in enumerate(sorted(found), start=1)}
    return {key: rank[i] for i, keys in enumerate(stories) for key in keys}


def _write_items(
    items: RDD[Any], numbers: Broadcast[dict[str, int]], partitions: int, target: tuple[str, str]
) -> None:
    """``story_items``: every page in threading order, part files in that order too."""
    out, staging = target
    ordered = items.sortBy(lambda it: it["order"], numPartitions=partitions).zipWithIndex()
    rows = ordered.map(lambda pair: _item_row(pair[0], pair[1] + 1, numbers.value))
    rows.mapPartitionsWithIndex(
        lambda index, part: [_write(out, staging, "story_items", index, list(part))]
    ).collect()


def _item_row(item: dict[str, Any], seq: int, numbers: dict[str, int]) -> dict[str, Any]:
    prepared = item["item"]
    features = None
    if prepared is not None:  # as the store's threading log keeps it
        features = json.dumps(
            {"f": prepared["features"], "s": prepared["signature"], "a": prepared["anchors"]}
        )
    return {
        "url": item["url"],
        "seq": seq,
        "story": numbers.get(item["url"]),
        "version": item["version"],
        "thread_time": item["thread_time"],
        "entities_json": item["entities_json"],
        "features_json": features,
    }


def _write_stories(
    items: RDD[Any], numbers: Broadcast[dict[str, int]], partitions: int, target: tuple[str, str]
) -> int:
    """``stories``: one summary row per story, as the store summarises one."""
    out, staging = target
    members = (
        items.filter(lambda it: it["url"] in numbers.value)
        .map(lambda it: (numbers.value[it["url"]], it))
        .groupByKey(partitions)
        .map(lambda group: _story_row(group[0], group[1]))
    )
    counts = members.mapPartitionsWithIndex(
        lambda index, part: [_write(out, staging, "stories", index, list(part))]
    ).collect()
    return sum(counts)


def _story_row(number: int, members: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Title (the most central of the latest headlines), size, times and merged
    entities of one story, from its members in threading order (``story_writes``)."""
    ordered = sorted(members, key=lambda it: it["order"])
    headlines = [(it["title"], it["url"]) for it in ordered][-TITLE_HEADLINES:]
    entities = merge_entities(
        [Entity(**e) for e in json.loads(it["entities_json"])] for it in ordered
    )
    return {
        "story": number,
        "title": neutral_story_title(headlines) or ordered[0]["url"],
        "article_count": len(ordered),
        "first_seen": min(it["first_seen"] for it in ordered),
        "last_updated": max(it["fetched_at"] for it in ordered),
        "entities_json": json.dumps([asdict(e) for e in entities], ensure_ascii=False),
        "urls": [it["url"] for it in ordered],
    }


def empty_story_tables(output: Output, staging: str) -> None:
    """The story tables of a backfill run without threading: there, and empty."""
    for table, schema in STORY_TABLES.items():
        output.make_dirs(staging, table)
        output.write_table(schema.empty_table(), staging, table, "part-00000.parquet")


def _write(out: str, staging: str, table: str, index: int, rows: list[dict[str, Any]]) -> int:
    import pyarrow as pa

    schema = STORY_TABLES[table]
    output = Output.at(out)
    output.make_dirs(staging, table)
    output.write_table(
        pa.Table.from_pylist(rows, schema=schema), staging, table, f"part-{index:05d}.parquet"
    )
    return len(rows)
