"""Database side of near-duplicate detection: signatures, LSH band keys, groups.

Kept apart from ``db.py`` so the Store stays about pages and versions; the functions take a
``Store`` and use its engine. Each write is its own short transaction (``BEGIN IMMEDIATE``
on SQLite, like every Store write). The policy (what counts as a copy) lives in
``storyline.duplicates``; this module only stores and queries.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from sqlalchemy import Connection, MetaData, bindparam, delete, func, insert, select, update

from storyline.duplicates import LshParams, band_keys, similarities
from storyline.store import schema
from storyline.store.db import Store
from storyline.store.engine import WRITE_OPTION, store_errors
from storyline.store.migrations import m0001_initial, m0002_duplicates

_metadata = MetaData()
m0001_initial.build_tables(_metadata)
_TABLES = m0002_duplicates.build_tables(_metadata)
signatures = _TABLES["dup_signatures"]
bands = _TABLES["dup_bands"]
_p = schema.pages


@contextlib.contextmanager
def _writing(store: Store, what: str) -> Iterator[Connection]:
    writer = store.engine.execution_options(**{WRITE_OPTION: True})
    with store_errors(what), writer.begin() as conn:
        yield conn


# Statements built once: SQLAlchemy then reuses their compiled form for every page.
_PAGE_ID = select(_p.c.id).where(_p.c.url == bindparam("url"))
_OLD = select(signatures.c.signature, signatures.c.group_id).where(
    signatures.c.page_id == bindparam("page_id")
)
# The pages sharing most bands with the new one come first; the closest ``_CANDIDATES``
# are enough to find every group it belongs to, however large the groups grow.
_CANDIDATES = 50
_hits = (
    select(bands.c.page_id, func.count().label("hits"))
    .where(
        bands.c.key.in_(bindparam("keys", expanding=True)),
        bands.c.page_id != bindparam("page_id"),
    )
    .group_by(bands.c.page_id)
    .order_by(func.count().desc(), bands.c.page_id)
    .limit(_CANDIDATES)
    .subquery()
)
_INSERT_SIGNATURE = insert(signatures).values(
    page_id=bindparam("page_id"), signature=bindparam("signature")
)
_GROUP_PAGES = (
    update(signatures)
    .where(signatures.c.page_id.in_(bindparam("pages", expanding=True)))
    .values(group_id=bindparam("target"))
)
_MOVE_GROUPS = (
    update(signatures)
    .where(signatures.c.group_id.in_(bindparam("groups", expanding=True)))
    .values(group_id=bindparam("target"))
)
_NEAREST = select(signatures.c.page_id, signatures.c.signature, signatures.c.group_id).join(
    _hits, _hits.c.page_id == signatures.c.page_id
)


def add_signature(store: Store, url: str, signature: bytes, params: LshParams) -> bool:
    """Index the page's signature and group it with its near-duplicates; True when this put
    a page that was in no group into one (it is a newly found copy). Re-indexing a page
    (a new version) replaces its old signature; its group stays.

    A page whose signature equals one already indexed adds no band keys: that page's keys
    already lead to it, and verbatim copies (wire stories) would otherwise pile hundreds
    of identical rows under each key.
    """
    with _writing(store, f"indexing copies of {url}") as conn:
        page_id = conn.execute(_PAGE_ID, {"url": url}).scalar_one_or_none()
        if page_id is None:
            return False
        return index_signature(conn, page_id, signature, params)


def index_signature(conn: Connection, page_id: int, signature: bytes, params: LshParams) -> bool:
    """``add_signature`` inside the caller's transaction, for a page id already known
    (the batch ingest calls it from ``Store.store_version``'s transaction)."""
    old = conn.execute(_OLD, {"page_id": page_id}).first()
    if old is not None and old.signature == signature:
        return False
    keys = band_keys(signature, params)
    rows = conn.execute(_NEAREST, {"keys": keys, "page_id": page_id}).all()
    scores = similarities(signature, [r.signature for r in rows])
    matches = {
        r.page_id: r.group_id
        for r, score in zip(rows, scores, strict=True)
        if score >= params.threshold
    }
    if old is None:
        conn.execute(_INSERT_SIGNATURE, {"page_id": page_id, "signature": signature})
    else:
        conn.execute(delete(bands).where(bands.c.page_id == page_id))
        conn.execute(
            update(signatures).where(signatures.c.page_id == page_id).values(signature=signature)
        )
    if 1.0 not in scores:  # an identical signature already answers for these keys
        conn.execute(insert(bands), [{"key": k, "page_id": page_id} for k in keys])
    group = old.group_id if old is not None else None
    if matches:
        _merge(conn, page_id, group, matches)
    return bool(matches) and group is None


def _merge(
    conn: Connection, page_id: int, group: int | None, matches: dict[int, int | None]
) -> int:
    """Put the page, its matches and their groups into one group (the smallest id wins)."""
    groups = {g for g in (group, *matches.values()) if g is not None}
    target = min(groups) if groups else min(page_id, *matches)
    loners = [page_id, *(p for p, g in matches.items() if g is None)]
    conn.execute(_GROUP_PAGES, {"pages": loners, "target": target})
    others = groups - {target}
    if others:
        conn.execute(_MOVE_GROUPS, {"groups": sorted(others), "target": target})
    return target


def groups(store: Store) -> list[tuple[int, list[str]]]:
    """Every group as (id, member URLs first seen first), largest group first."""
    query = (
        select(signatures.c.group_id, _p.c.url, _p.c.first_seen)
        .join(_p, _p.c.id == signatures.c.page_id)
        .where(signatures.c.group_id.is_not(None))
        .order_by(signatures.c.group_id, _p.c.first_seen, _p.c.url)
    )
    found: dict[int, list[str]] = {}
    with store_errors("listing copies"), store.engine.connect() as conn:
        for row in conn.execute(query):
            found.setdefault(row.group_id, []).append(row.url)
    return sorted(found.items(), key=lambda item: (-len(item[1]), item[1][0]))


def canonical(store: Store, url: str) -> str | None:
    """The first-seen page of ``url``'s group, or None when ``url`` is in no group."""
    group = (
        select(signatures.c.group_id)
        .join(_p, _p.c.id == signatures.c.page_id)
        .where(_p.c.url == url)
        .scalar_subquery()
    )
    query = (
        select(_p.c.url)
        .join(signatures, _p.c.id == signatures.c.page_id)
        .where(signatures.c.group_id == group)
        .order_by(_p.c.first_seen, _p.c.url)
        .limit(1)
    )
    with store_errors(f"finding the original of {url}"), store.engine.connect() as conn:
        return conn.execute(query).scalar_one_or_none()
