"""Snapshots of the story threader, so a new process continues from one instead of
replaying the whole threading log.

Replaying is exact but costs about 1 ms of CPU per logged page (6 s at 5,000 pages), and a
one-shot ``storyline poll`` from cron starts a new process every time. So every
``SNAPSHOT_EVERY`` logged events the threader's state (``StoryThreader.state``: plain
data, compressed JSON; never pickle, since a database file may come from someone else) is
written in the same transaction as the events it covers. A new process loads the snapshot
for its threading options and applies only the events logged after it.

A snapshot is used only when it still describes the log: the event it was taken after
must be the same page version at the same place, with no gap before it. Otherwise, or if
it cannot be read, the log is replayed as before: a snapshot only ever saves time.
"""

from __future__ import annotations

import json
import logging
import zlib
from dataclasses import asdict
from datetime import UTC, datetime

import orjson
from sqlalchemy import Connection, MetaData, delete, func, insert, select

from storyline.store.migrations import m0001_initial, m0005_story_events, m0006_story_snapshots
from storyline.stories.threading import StoryThreader, ThreadingOptions

log = logging.getLogger(__name__)
SNAPSHOT_EVERY = 1000  # logged events between two snapshots (one write costs ~1 ms/event)

_metadata = MetaData()
m0001_initial.build_tables(_metadata)
_events = m0005_story_events.build_tables(_metadata)["story_events"]
snapshots = m0006_story_snapshots.build_tables(_metadata)["story_snapshots"]


def options_key(options: ThreadingOptions) -> str:
    """The options as canonical JSON: a snapshot is only valid for the options it used."""
    return json.dumps(asdict(options), sort_keys=True)


def load(conn: Connection, options: ThreadingOptions) -> tuple[StoryThreader, int] | None:
    """The threader from the latest valid snapshot for ``options`` and the log position it
    stands at, or None when there is none to trust."""
    row = conn.execute(
        select(snapshots).where(snapshots.c.options_json == options_key(options))
    ).first()
    if row is None or not _matches_log(conn, row.seq, row.page_id, row.version_id):
        return None
    try:
        state = orjson.loads(zlib.decompress(row.state))
        return StoryThreader.from_state(options, state), row.seq
    except (zlib.error, orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        log.warning("the story threader's snapshot is damaged; replaying the threading log")
        return None


def save(conn: Connection, threader: StoryThreader, seq: int) -> bool:
    """Keep ``threader``'s state as it stands after log event ``seq`` (replacing the older
    snapshot for the same options); False when there is no such event yet."""
    event = conn.execute(
        select(_events.c.page_id, _events.c.version_id).where(_events.c.seq == seq)
    ).first()
    if event is None:
        return False
    key = options_key(threader.options)
    state = zlib.compress(orjson.dumps(threader.state()), 1)
    conn.execute(delete(snapshots).where(snapshots.c.options_json == key))
    conn.execute(
        insert(snapshots).values(
            options_json=key,
            seq=seq,
            page_id=event.page_id,
            version_id=event.version_id,
            state=state,
            written_at=datetime.now(UTC),
        )
    )
    return True


def discard(conn: Connection) -> None:
    """Drop every snapshot (``rethread`` rebuilds from the log itself)."""
    conn.execute(delete(snapshots))


def _matches_log(conn: Connection, seq: int, page_id: int, version_id: int) -> bool:
    event = conn.execute(
        select(_events.c.page_id, _events.c.version_id).where(_events.c.seq == seq)
    ).first()
    if event is None or (event.page_id, event.version_id) != (page_id, version_id):
        return False
    before = conn.execute(select(func.count()).where(_events.c.seq <= seq)).scalar_one()
    return before == seq
