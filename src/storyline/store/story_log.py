"""The threading log: each threaded page version's prepared input, in threading order.

Threading is online: each page joins a story given everything threaded before it. The
prepared input of each threaded version (raw features, syndication signature and the
body's names, as JSON: what ``storyline.pipeline.story_threader`` encodes) is appended
to the ``story_events`` table, so a process rebuilds its threader by replaying the log
(or the rows after a snapshot) without reading or tokenizing any article. This module
keeps the table: appending rows, reading those after a position, and the few repairs an
older log needs. What the rows mean is the pipeline's business.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, MetaData, bindparam, func, insert, select

from storyline.store.migrations import m0001_initial, m0005_story_events
from storyline.store.schema import versions

_metadata = MetaData()
m0001_initial.build_tables(_metadata)
events = m0005_story_events.build_tables(_metadata)["story_events"]


def newest_seq(conn: Connection) -> int:
    """The position of the last logged event (0: the log is empty)."""
    return int(conn.execute(select(func.coalesce(func.max(events.c.seq), 0))).scalar_one())


def append(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Log ``rows`` (``seq``, ``page_id``, ``version_id``, ``thread_time``,
    ``features_json``), one statement."""
    if rows:
        conn.execute(insert(events), list(rows))


def after(conn: Connection, seq: int) -> Iterator[Any]:
    """The logged events after position ``seq``, in order: rows of ``seq``, ``page_id``,
    ``thread_time``, ``features_json``."""
    query = (
        select(events.c.seq, events.c.page_id, events.c.thread_time, events.c.features_json)
        .where(events.c.seq > seq)
        .order_by(events.c.seq)
    )
    yield from conn.execute(query)


def logged_pages(conn: Connection) -> set[int]:
    """The pages that have at least one logged event."""
    return set(conn.execute(select(events.c.page_id).distinct()).scalars())


def with_articles(conn: Connection) -> Iterator[tuple[int, dict[str, Any], str]]:
    """Every logged event with its version's article, for repairs of what an older
    storyline logged: (seq, features, article JSON)."""
    query = select(events.c.seq, events.c.features_json, versions.c.article_json).join(
        versions, versions.c.id == events.c.version_id
    )
    for row in conn.execute(query):
        yield row.seq, json.loads(row.features_json), row.article_json


def rewrite_features(conn: Connection, fixed: Sequence[tuple[int, dict[str, Any]]]) -> None:
    """Replace the features of these events: (seq, features)."""
    if fixed:
        update = events.update().where(events.c.seq == bindparam("key"))
        conn.execute(
            update.values(features_json=bindparam("features")),
            [{"key": seq, "features": json.dumps(data)} for seq, data in fixed],
        )
