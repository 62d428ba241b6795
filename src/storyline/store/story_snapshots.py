"""Snapshots of the story threader, so a new process continues from one instead of
replaying the whole threading log.

Replaying is exact but costs about 1 ms of CPU per logged page (6 s at 5,000 pages), and a
one-shot ``storyline poll`` from cron starts a new process every time. So the pipeline
(``storyline.pipeline.story_threader``) writes the threader's state every so many logged
events, in the same transaction as the events it covers. This module keeps the table:
the state is plain data stored as compressed JSON (never pickle, since a database file
may come from someone else), under the threading options it was made with (their
canonical JSON, handed in), beside the log event it was taken after.

A snapshot is handed back only when it still describes the log: the event it was taken
after must be the same page version at the same place, with no gap before it. Otherwise,
or if it cannot be read, the caller replays the log as before: a snapshot only ever
saves time.
"""

from __future__ import annotations

import logging
import zlib
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import Connection, MetaData, delete, func, insert, select

from storyline.store.migrations import m0001_initial, m0005_story_events, m0006_story_snapshots

log = logging.getLogger(__name__)

_metadata = MetaData()
m0001_initial.build_tables(_metadata)
_events = m0005_story_events.build_tables(_metadata)["story_events"]
snapshots = m0006_story_snapshots.build_tables(_metadata)["story_snapshots"]


def load(conn: Connection, options_key: str) -> tuple[dict[str, Any], int] | None:
    """The state of the latest valid snapshot taken with these options (``options_key``,
    their canonical JSON) and the log position it stands at, or None when there is none
    to trust."""
    row = conn.execute(select(snapshots).where(snapshots.c.options_json == options_key)).first()
    if row is None or not _matches_log(conn, row.seq, row.page_id, row.version_id):
        return None
    try:
        state = orjson.loads(zlib.decompress(row.state))
    except (zlib.error, orjson.JSONDecodeError):
        log.warning("the story threader's snapshot is damaged; replaying the threading log")
        return None
    if not isinstance(state, dict):
        log.warning("the story threader's snapshot is damaged; replaying the threading log")
        return None
    return state, row.seq


def save(conn: Connection, state: dict[str, Any], options_key: str, seq: int) -> bool:
    """Keep a threader's ``state`` as it stands after log event ``seq`` (replacing the
    older snapshot for the same options); False when there is no such event yet."""
    event = conn.execute(
        select(_events.c.page_id, _events.c.version_id).where(_events.c.seq == seq)
    ).first()
    if event is None:
        return False
    compressed = zlib.compress(orjson.dumps(state), 1)
    conn.execute(delete(snapshots).where(snapshots.c.options_json == options_key))
    conn.execute(
        insert(snapshots).values(
            options_json=options_key,
            seq=seq,
            page_id=event.page_id,
            version_id=event.version_id,
            state=compressed,
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
