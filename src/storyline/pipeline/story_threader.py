"""The story threader a process keeps for a store: the pipeline owns it and hands it on.

Threading is online: each page joins a story given everything threaded before it. Rather
than replaying every stored article on each call (what made threading cost ~1 s per new
page at 1,000 stored), the prepared input of each threaded version (raw features,
syndication signature and the body's names, ``stories.threading.prepare``) is logged
(``store.story_log``), and whoever runs threading passes keeps one ``LiveThreader`` per
store that has applied the log up to some ``seq``: ``watch`` one for all its passes, an
``ingest`` one for its run, a command one for its call.

- A threader built afresh starts from the newest snapshot of the threader
  (``store.story_snapshots``, written every ``SNAPSHOT_EVERY`` events) and replays the
  log after it, or the whole log when there is none (no article is read or tokenized).
- Later passes apply only the rows written since, by this process or another one, then
  thread the new pages: O(new pages x stories sharing a feature), whatever the store size.
- Every pass runs inside the caller's write transaction, so no other writer can append
  in between; if the transaction fails, the threader is dropped (``forget``: it may be
  ahead of the database) and the next pass replays.

A changed ``story_half_life`` (other threading options) replays with the new options.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Connection

from storyline.duplicates import NUM_PERM, text_signature
from storyline.model import Article
from storyline.store import story_log, story_snapshots
from storyline.stories.features import anchor_names
from storyline.stories.threading import Prepared, StoryThreader, ThreadingOptions

SNAPSHOT_EVERY = 1000  # logged events between two snapshots (one write costs ~1 ms/event)


@dataclass(frozen=True)
class Event:
    """One threaded page version, ready for the log."""

    page_id: int
    version_id: int
    item: Prepared


class LiveThreader:
    """One store's threader as this process knows it, with the log applied up to ``seq``.

    Keep one per store for as long as the process threads into it (a ``watch`` keeps it
    across passes); a new one starts from the snapshot. ``memo`` keeps what story
    summaries need from each page's latest version between passes:
    {page id: ((version id, version count), facts)}.
    """

    def __init__(self) -> None:
        self.options = ThreadingOptions()
        self.threader = StoryThreader(self.options)
        self.seq = 0
        self.replayed = False  # built from the log (or a snapshot) by the last catch_up
        self.snapshot_seq = 0  # the log position of the newest snapshot written or read
        self.memo: dict[int, tuple[tuple[int, int], Any]] = {}
        self._current = False

    def catch_up(self, conn: Connection, options: ThreadingOptions, snapshot: bool = True) -> None:
        """Apply every logged event; call inside a write transaction (``conn``) so the
        log cannot grow before the caller appends. A threader built afresh starts from
        the stored snapshot unless ``snapshot`` is False."""
        newest = story_log.newest_seq(conn)
        if not self._current or self.options != options or newest < self.seq:
            self._start(conn, options, snapshot)
        else:
            self.replayed = False
        _apply_log(conn, self)
        self._current = True

    def forget(self) -> None:
        """Drop what this threader knows: the next ``catch_up`` replays the log."""
        self._current = False
        self.threader = StoryThreader(self.options)
        self.memo = {}

    def append(self, conn: Connection, new: Sequence[Event]) -> None:
        """Log ``new`` after the last event and thread it."""
        rows = []
        for event in new:
            self.seq += 1
            rows.append(
                {
                    "seq": self.seq,
                    "page_id": event.page_id,
                    "version_id": event.version_id,
                    "thread_time": event.item.time,
                    "features_json": encode(event.item),
                }
            )
            self.threader.add_prepared(event.item)
        story_log.append(conn, rows)

    def save_snapshot_if_due(self, conn: Connection) -> bool:
        """Snapshot the threader once ``SNAPSHOT_EVERY`` events were logged since the last
        one, in the caller's transaction, so the snapshot and its events commit together."""
        if self.seq - self.snapshot_seq < SNAPSHOT_EVERY:
            return False
        if save_snapshot(conn, self.threader, self.seq):
            self.snapshot_seq = self.seq
            return True
        return False

    def _start(self, conn: Connection, options: ThreadingOptions, snapshot: bool) -> None:
        loaded = load_snapshot(conn, options) if snapshot else None
        self.options, self.replayed, self.memo = options, True, {}
        if loaded is None:
            self.threader, self.seq, self.snapshot_seq = StoryThreader(options), 0, 0
        else:
            self.threader, self.seq = loaded
            self.snapshot_seq = self.seq


def encode(item: Prepared) -> str:
    """A prepared item as the log keeps it (``features_json``)."""
    return json.dumps({"f": item.features, "s": item.signature, "a": item.anchors})


def decode(key: str, thread_time: float, features_json: str) -> Prepared:
    """The prepared item a log row holds (events logged before anchors have none)."""
    data = json.loads(features_json)
    sig = data["s"] if isinstance(data["s"], str) else tuple(data["s"])
    return Prepared(key, thread_time, data["f"], sig, data.get("a", {}))


def options_key(options: ThreadingOptions) -> str:
    """The options as canonical JSON: a snapshot is only valid for the options it used."""
    return json.dumps(asdict(options), sort_keys=True)


def load_snapshot(conn: Connection, options: ThreadingOptions) -> tuple[StoryThreader, int] | None:
    """The threader of the latest valid snapshot for ``options`` and the log position it
    stands at, or None when there is none to trust."""
    found = story_snapshots.load(conn, options_key(options))
    if found is None:
        return None
    state, seq = found
    try:
        return StoryThreader.from_state(options, state), seq
    except (KeyError, TypeError, ValueError):
        story_snapshots.log.warning(
            "the story threader's snapshot is damaged; replaying the threading log"
        )
        return None


def save_snapshot(conn: Connection, threader: StoryThreader, seq: int) -> bool:
    """Keep ``threader``'s state as it stands after log event ``seq``; False when there is
    no such event yet."""
    return story_snapshots.save(conn, threader.state(), options_key(threader.options), seq)


def add_missing_names(conn: Connection) -> int:
    """Bring the logged events of an older storyline up to date, so that a replay
    (``rethread``) treats them like new ones: the proper names of their version's body
    (logged before the names guard) and the copy detector's signature (logged with the
    bottom-k sketch threading used before ``duplicates.CopyIndex``); read from the stored
    article, no model needed. Returns how many events were repaired."""
    fixed = []
    for seq, data, article_json in story_log.with_articles(conn):
        old_signature = isinstance(data["s"], list) and len(data["s"]) != NUM_PERM
        if "a" in data and not old_signature:
            continue
        article = Article.from_dict(json.loads(article_json))
        body, title = article.body_text, article.title or ""
        if "a" not in data:
            data["a"] = anchor_names(body) if body and body.strip() != title.strip() else {}
        if old_signature:
            data["s"] = text_signature(body, f"{title}\n{body}")
        fixed.append((seq, data))
    story_log.rewrite_features(conn, fixed)
    return len(fixed)


def _apply_log(conn: Connection, live: LiveThreader) -> None:
    add = live.threader.add_prepared
    for row in story_log.after(conn, live.seq):
        add(decode(str(row.page_id), row.thread_time, row.features_json))
        live.seq = row.seq
