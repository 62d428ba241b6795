"""The tables of near-duplicate detection: each page's signature, its LSH band keys, and
the groups of copies; small write functions for the caller's transaction, and the reads.

The store knows no policy: what a signature is, how band keys are cut from it and how
similar two pages must be to be copies are the detector's (``storyline.duplicates``); the
pipeline (``pipeline/copies.py``) asks this module for the candidates that share a band
key, judges them, and hands back the signature, its keys and the copies it found.

A group counts once in stories and search: its canonical page is the one first seen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, MetaData, bindparam, delete, func, insert, select, update

from storyline.store import schema
from storyline.store.db import Store
from storyline.store.migrations import m0001_initial, m0002_duplicates

_metadata = MetaData()
m0001_initial.build_tables(_metadata)
_TABLES = m0002_duplicates.build_tables(_metadata)
signatures = _TABLES["dup_signatures"]
bands = _TABLES["dup_bands"]
_p = schema.pages


@dataclass(frozen=True)
class Indexed:
    """A page's signature as indexed, and its group (None while it has no copies)."""

    page_id: int
    signature: bytes
    group_id: int | None


@dataclass
class DuplicateGroup:
    """Pages carrying the same article; ``canonical`` (the first seen) stands for them all."""

    id: int
    canonical: str
    members: list[str]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {"id": self.id, "canonical": self.canonical, "members": self.members}


# Statements built once: SQLAlchemy then reuses their compiled form for every page.
_OLD = select(signatures.c.page_id, signatures.c.signature, signatures.c.group_id).where(
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
_NEAREST = select(signatures.c.page_id, signatures.c.signature, signatures.c.group_id).join(
    _hits, _hits.c.page_id == signatures.c.page_id
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


def indexed(conn: Connection, page_id: int) -> Indexed | None:
    """The page's signature as indexed now, or None."""
    row = conn.execute(_OLD, {"page_id": page_id}).first()
    return Indexed(row.page_id, row.signature, row.group_id) if row is not None else None


def single_version_signatures(store: Store, page_ids: list[int]) -> dict[int, bytes]:
    """The indexed signature of each of ``page_ids`` that has one version only, by page:
    that version is then the one it was computed from (a page of several versions may
    keep an older version's, when a later one was too short to index or came out of
    order). The story threader reuses these instead of computing them again."""
    found: dict[int, bytes] = {}
    for start in range(0, len(page_ids), 500):
        chunk = page_ids[start : start + 500]
        query = (
            select(signatures.c.page_id, signatures.c.signature)
            .join(_p, _p.c.id == signatures.c.page_id)
            .where(signatures.c.page_id.in_(chunk), _p.c.version_count == 1)
        )
        with store.reading("reading the signatures of copies") as conn:
            found.update((row.page_id, row.signature) for row in conn.execute(query))
    return found


def candidates(conn: Connection, page_id: int, keys: list[int]) -> list[Indexed]:
    """The indexed pages (not ``page_id``) sharing most of ``keys``: candidate copies."""
    rows = conn.execute(_NEAREST, {"keys": keys, "page_id": page_id}).all()
    return [Indexed(r.page_id, r.signature, r.group_id) for r in rows]


def put_signature(
    conn: Connection, page_id: int, signature: bytes, keys: list[int], replace: bool
) -> None:
    """Index the page's signature under ``keys`` (``replace``: it had one; its band keys go,
    its group stays). Pass no keys for a signature that repeats one already indexed: that
    page's keys already lead to it, and verbatim copies (wire stories) would otherwise pile
    hundreds of identical rows under each key."""
    if replace:
        conn.execute(delete(bands).where(bands.c.page_id == page_id))
        conn.execute(
            update(signatures).where(signatures.c.page_id == page_id).values(signature=signature)
        )
    else:
        conn.execute(_INSERT_SIGNATURE, {"page_id": page_id, "signature": signature})
    if keys:
        conn.execute(insert(bands), [{"key": k, "page_id": page_id} for k in keys])


def join_groups(
    conn: Connection, page_id: int, group: int | None, copies: dict[int, int | None]
) -> int:
    """Put the page (in ``group`` or none), its ``copies`` (page id → group) and their
    groups into one group; the smallest id wins. Returns that group's id."""
    groups = {g for g in (group, *copies.values()) if g is not None}
    target = min(groups) if groups else min(page_id, *copies)
    loners = [page_id, *(p for p, g in copies.items() if g is None)]
    conn.execute(_GROUP_PAGES, {"pages": loners, "target": target})
    others = groups - {target}
    if others:
        conn.execute(_MOVE_GROUPS, {"groups": sorted(others), "target": target})
    return target


_GROUP_OF = select(signatures.c.page_id, signatures.c.group_id).where(
    signatures.c.page_id.in_(bindparam("pages", expanding=True)),
    signatures.c.group_id.is_not(None),
)
_MEMBERS = (
    select(signatures.c.group_id, _p.c.id, _p.c.url)
    .join(_p, _p.c.id == signatures.c.page_id)
    .where(signatures.c.group_id.in_(bindparam("groups", expanding=True)))
    .order_by(signatures.c.group_id, _p.c.first_seen, _p.c.url)
)


def groups_of(conn: Connection, page_ids: list[int]) -> dict[int, list[tuple[int, str]]]:
    """For each of ``page_ids`` that has copies: its group's members as (page id, URL),
    first seen first, itself included. Two indexed look-ups, for a page of results."""
    if not page_ids:
        return {}
    group_of = {r.page_id: r.group_id for r in conn.execute(_GROUP_OF, {"pages": page_ids})}
    if not group_of:
        return {}
    members: dict[int, list[tuple[int, str]]] = {}
    for row in conn.execute(_MEMBERS, {"groups": sorted(set(group_of.values()))}):
        members.setdefault(row.group_id, []).append((row.id, row.url))
    return {page: members[group] for page, group in group_of.items() if group in members}


def duplicate_groups(store: Store) -> list[DuplicateGroup]:
    """Every group of near-duplicate pages (members first seen first), largest first."""
    query = (
        select(signatures.c.group_id, _p.c.url, _p.c.first_seen)
        .join(_p, _p.c.id == signatures.c.page_id)
        .where(signatures.c.group_id.is_not(None))
        .order_by(signatures.c.group_id, _p.c.first_seen, _p.c.url)
    )
    found: dict[int, list[str]] = {}
    with store.reading("listing copies") as conn:
        for row in conn.execute(query):
            found.setdefault(row.group_id, []).append(row.url)
    ordered = sorted(found.items(), key=lambda item: (-len(item[1]), item[1][0]))
    return [DuplicateGroup(gid, members[0], members) for gid, members in ordered]


def canonical_of(store: Store, url: str) -> str:
    """The page that stands for ``url``'s group; ``url`` itself when it has no copies."""
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
    with store.reading(f"finding the original of {url}") as conn:
        return conn.execute(query).scalar_one_or_none() or url


def canonical_map(store: Store) -> dict[str, str]:
    """Every grouped page mapped to its group's canonical page (canonicals map to themselves)."""
    return {
        member: group.canonical for group in duplicate_groups(store) for member in group.members
    }
