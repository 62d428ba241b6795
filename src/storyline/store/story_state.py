"""The story threader of a store: its input log, and one live threader per process.

Threading is online: each page joins a story given everything threaded before it. Rather
than replaying every stored article on each call (what made threading cost ~1 s per new
page at 1,000 stored), the prepared input of each threaded version (raw features and
syndication signature, ``storyline.stories.threading.prepare``) is appended to the
``story_events`` table, and each process keeps one ``StoryThreader`` per open ``Store``
that has applied the log up to some ``seq``:

- The first call in a process starts from the newest snapshot of the threader
  (``story_snapshots``, written every ``SNAPSHOT_EVERY`` events) and replays the log
  after it, or the whole log when there is none (no article is read or tokenized).
- Later calls apply only the rows written since, by this process or another one, then
  thread the new pages: O(new pages x stories sharing a feature), whatever the store size.
- Every call runs inside the caller's write transaction, so no other writer can append in
  between; if the transaction fails, the live threader is dropped (it may be ahead of the
  database) and the next call replays.

The cache is the one piece of process state in the stories code. It is keyed by the
``Store`` object (weakly: closing and dropping a store frees it) and by the threading
options, so a changed ``story_half_life`` replays with the new options.
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, MetaData, bindparam, func, insert, select

from storyline.model import Article
from storyline.store import story_snapshots
from storyline.store.db import Store
from storyline.store.migrations import m0001_initial, m0005_story_events
from storyline.store.schema import versions
from storyline.stories.features import anchor_names
from storyline.stories.threading import Prepared, StoryThreader, ThreadingOptions

_metadata = MetaData()
m0001_initial.build_tables(_metadata)
events = m0005_story_events.build_tables(_metadata)["story_events"]


@dataclass
class LiveThreader:
    """A threader that has applied the store's log up to ``seq``."""

    options: ThreadingOptions
    threader: StoryThreader
    seq: int = 0
    replayed: bool = False  # built from the log (or a snapshot) by this call
    snapshot_seq: int = 0  # the log position of the newest snapshot written or read
    # What story summaries need from each page's latest version, kept between calls:
    # {page id: ((version id, version count), facts)}.
    memo: dict[int, tuple[tuple[int, int], Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class Event:
    """One threaded page version, ready for the log."""

    page_id: int
    version_id: int
    item: Prepared


_LIVE: weakref.WeakKeyDictionary[Store, LiveThreader] = weakref.WeakKeyDictionary()


def live_threader(
    store: Store, conn: Connection, options: ThreadingOptions, snapshot: bool = True
) -> LiveThreader:
    """The store's threader with every logged event applied; call inside a write
    transaction (``conn``) so the log cannot grow before the caller appends. A threader
    built afresh starts from the stored snapshot unless ``snapshot`` is False."""
    newest = conn.execute(select(func.coalesce(func.max(events.c.seq), 0))).scalar_one()
    live = _LIVE.get(store)
    if live is None or live.options != options or newest < live.seq:
        live = _fresh(conn, options, snapshot)
    else:
        live.replayed = False
    _apply_log(conn, live)
    _LIVE[store] = live
    return live


def save_snapshot_if_due(conn: Connection, live: LiveThreader) -> bool:
    """Snapshot the threader once ``SNAPSHOT_EVERY`` events were logged since the last one,
    in the caller's transaction, so the snapshot and the events it covers commit together."""
    if live.seq - live.snapshot_seq < story_snapshots.SNAPSHOT_EVERY:
        return False
    if story_snapshots.save(conn, live.threader, live.seq):
        live.snapshot_seq = live.seq
        return True
    return False


def _fresh(conn: Connection, options: ThreadingOptions, snapshot: bool) -> LiveThreader:
    loaded = story_snapshots.load(conn, options) if snapshot else None
    if loaded is None:
        return LiveThreader(options, StoryThreader(options), replayed=True)
    threader, seq = loaded
    return LiveThreader(options, threader, seq=seq, replayed=True, snapshot_seq=seq)


def append(conn: Connection, live: LiveThreader, new: Sequence[Event]) -> None:
    """Log ``new`` after the last event and thread it."""
    rows = []
    for event in new:
        live.seq += 1
        item = event.item
        rows.append(
            {
                "seq": live.seq,
                "page_id": event.page_id,
                "version_id": event.version_id,
                "thread_time": item.time,
                "features_json": json.dumps(
                    {"f": item.features, "s": item.signature, "a": item.anchors}
                ),
            }
        )
        live.threader.add_prepared(item)
    if rows:
        conn.execute(insert(events), rows)


def add_missing_names(conn: Connection) -> int:
    """Give the logged events of an older storyline (logged before the names guard) the
    proper names of their version's body, so that a replay (``rethread``) guards them
    like new ones; read from the stored article, no model needed. Returns how many."""
    query = select(events.c.seq, events.c.features_json, versions.c.article_json).join(
        versions, versions.c.id == events.c.version_id
    )
    fixed = []
    for row in conn.execute(query):
        data = json.loads(row.features_json)
        if "a" in data:
            continue
        article = Article.from_dict(json.loads(row.article_json))
        body, title = article.body_text, article.title or ""
        data["a"] = anchor_names(body) if body and body.strip() != title.strip() else {}
        fixed.append({"key": row.seq, "features": json.dumps(data)})
    if fixed:
        update = events.update().where(events.c.seq == bindparam("key"))
        conn.execute(update.values(features_json=bindparam("features")), fixed)
    return len(fixed)


def forget(store: Store) -> None:
    """Drop the store's live threader: the next call replays the log."""
    _LIVE.pop(store, None)


def logged_pages(conn: Connection) -> set[int]:
    """The pages that have at least one logged event."""
    return set(conn.execute(select(events.c.page_id).distinct()).scalars())


def _apply_log(conn: Connection, live: LiveThreader) -> None:
    query = (
        select(events.c.seq, events.c.page_id, events.c.thread_time, events.c.features_json)
        .where(events.c.seq > live.seq)
        .order_by(events.c.seq)
    )
    add = live.threader.add_prepared
    for row in conn.execute(query):
        data = json.loads(row.features_json)
        sig = data["s"] if isinstance(data["s"], str) else tuple(data["s"])
        anchors = data.get("a", {})  # logged before anchors: none
        add(Prepared(str(row.page_id), row.thread_time, data["f"], sig, anchors))
        live.seq = row.seq
