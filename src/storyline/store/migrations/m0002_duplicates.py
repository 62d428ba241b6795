"""Migration 2: the near-duplicate index (MinHash signatures, LSH band keys, groups).

Frozen like migration 1: later migrations alter these tables rather than edit this file.
``storyline.store.duplicates`` builds its table objects from ``build_tables``.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Table,
)

NAME = "near-duplicate index"


def build_tables(metadata: MetaData) -> dict[str, Table]:
    """The tables of migration 2, built on ``metadata`` (which must also hold ``pages``)."""
    signatures = Table(
        "dup_signatures",
        metadata,
        Column(
            "page_id",
            Integer,
            ForeignKey("pages.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        ),
        Column("signature", LargeBinary, nullable=False),
        Column("group_id", Integer),  # the page id the group was first formed around
        Index("ix_dup_signatures_group", "group_id"),
    )
    bands = Table(
        "dup_bands",
        metadata,
        Column("key", BigInteger, nullable=False),  # hash of (band number, band values)
        Column("page_id", Integer, ForeignKey("pages.id", ondelete="CASCADE"), nullable=False),
        Index("ix_dup_bands_key", "key"),
        Index("ix_dup_bands_page", "page_id"),
    )
    return {t.name: t for t in (signatures, bands)}


def upgrade(conn: Connection) -> None:
    """Create the tables of migration 2."""
    from storyline.store.migrations.m0001_initial import build_tables as initial

    metadata = MetaData()
    initial(metadata)
    tables = build_tables(metadata)
    metadata.create_all(conn, tables=list(tables.values()))
