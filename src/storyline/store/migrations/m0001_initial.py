"""Migration 1: sources, pages, versions, captures and changes.

The tables are defined here, frozen: later migrations alter them, and ``schema.py`` builds
the current tables from this function plus whatever later migrations add.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Connection,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from storyline.store.coltypes import UTCDateTime

NAME = "initial schema"


def build_tables(metadata: MetaData) -> dict[str, Table]:
    """The tables of migration 1, built on ``metadata``."""
    sources = Table(
        "sources",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("url", String(2048), nullable=False, unique=True),
        Column("origin_url", String(2048)),  # what the user typed, e.g. the home page
        Column("kind", String(16), nullable=False),  # feed, sitemap, article
        Column("title", Text),
        Column("interval_s", Float, nullable=False),
        Column("added_at", UTCDateTime, nullable=False),
        Column("next_visit_at", UTCDateTime),
        Column("last_visit_at", UTCDateTime),
        Column("etag", String(512)),
        Column("last_modified", String(128)),
        Column("failures", Integer, nullable=False, default=0),
        Column("last_status", Integer),
        Column("last_error", Text),
    )
    pages = Table(
        "pages",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("url", String(2048), nullable=False, unique=True),
        Column("canonical_url", String(2048)),
        Column("source_id", Integer, ForeignKey("sources.id", ondelete="SET NULL")),
        Column("title", Text),  # from the feed entry, until a version says otherwise
        Column("first_seen", UTCDateTime, nullable=False),
        Column("next_visit_at", UTCDateTime),
        Column("last_visit_at", UTCDateTime),
        Column("etag", String(512)),
        Column("last_modified", String(128)),
        Column("failures", Integer, nullable=False, default=0),
        Column("last_status", Integer),
        Column("last_error", Text),
        Column("latest_version_id", Integer),  # denormalised: kept by the version writer
        Column("version_count", Integer, nullable=False, default=0),
        Index("ix_pages_next_visit", "next_visit_at"),
        Index("ix_pages_source", "source_id"),
    )
    versions = Table(
        "versions",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("page_id", Integer, ForeignKey("pages.id", ondelete="CASCADE"), nullable=False),
        Column("fetched_at", UTCDateTime, nullable=False),
        Column("content_hash", String(64), nullable=False),
        Column("title", Text),
        Column("text_length", Integer, nullable=False, default=0),
        Column("article_json", Text, nullable=False),
        Column("raw_html", LargeBinary),  # compressed, see raw_encoding
        Column("raw_encoding", String(16)),
        Column("raw_type", String(200)),  # the response's Content-Type, for reextract
        Index("ix_versions_page_time", "page_id", "fetched_at"),
        Index("ix_versions_time", "fetched_at"),
    )
    captures = Table(  # every observation of a page's content, without the page itself
        "captures",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("page_id", Integer, ForeignKey("pages.id", ondelete="CASCADE"), nullable=False),
        Column("fetched_at", UTCDateTime, nullable=False),
        Column("content_hash", String(64), nullable=False),
        UniqueConstraint("page_id", "fetched_at", "content_hash", name="uq_captures"),
    )
    changes = Table(
        "changes",
        metadata,
        Column("id", Integer, primary_key=True),
        Column(
            "version_id", Integer, ForeignKey("versions.id", ondelete="CASCADE"), nullable=False
        ),
        Column("position", Integer, nullable=False),
        Column("kind", String(32), nullable=False),
        Column("section", String(32)),
        Column("before", Text),
        Column("after", Text),
        Index("ix_changes_version", "version_id"),
    )
    return {t.name: t for t in (sources, pages, versions, captures, changes)}


def upgrade(conn: Connection) -> None:
    """Create the tables of migration 1."""
    metadata = MetaData()
    build_tables(metadata)
    metadata.create_all(conn)
