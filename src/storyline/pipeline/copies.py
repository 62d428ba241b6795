"""Syndicated copies, found as pages arrive: the detector (``storyline.duplicates``) judges,
the store (``store/duplicates.py``) keeps the index and the groups.

Every path that stores a new version (``follow``, ``poll``, ``watch``, the batch ingest,
``reextract``) indexes its signature here, inside the version's own transaction, so a
page and its place in the index are stored together or not at all, and a page that came
by ``poll`` and its copy that came from an archive end in one group.
"""

from __future__ import annotations

from sqlalchemy import Connection

from storyline.config import Settings
from storyline.duplicates import Fingerprinter, LshParams, band_keys, similarities
from storyline.model import Article
from storyline.store import StoredVersion
from storyline.store import duplicates as tables
from storyline.store.db import AlsoWrite


def index_copies(conn: Connection, page_id: int, signature: bytes, params: LshParams) -> bool:
    """Index the page's signature and group it with its near-duplicates; True when this put
    a page that was in no group into one (it is a newly found copy). Re-indexing a page (a
    new version) replaces its old signature; its group stays."""
    old = tables.indexed(conn, page_id)
    if old is not None and old.signature == signature:
        return False
    keys = band_keys(signature, params)
    found = tables.candidates(conn, page_id, keys)
    scores = similarities(signature, [c.signature for c in found])
    copies = {
        c.page_id: c.group_id
        for c, score in zip(found, scores, strict=True)
        if score >= params.threshold
    }
    # an identical signature already answers for these keys: index none of its own
    tables.put_signature(conn, page_id, signature, [] if 1.0 in scores else keys, old is not None)
    group = old.group_id if old is not None else None
    if copies:
        tables.join_groups(conn, page_id, group, copies)
    return bool(copies) and group is None


class CopyIndexer:
    """What a storing path hands ``Store.store_version`` as ``also``: the new version's
    signature indexed in the same transaction; counts the copies it finds."""

    def __init__(self, params: LshParams) -> None:
        self.params = params
        self.copies = 0
        self._fingerprints = Fingerprinter()

    @classmethod
    def from_settings(cls, settings: Settings) -> CopyIndexer:
        """An indexer at the ``duplicate_threshold`` setting."""
        return cls(LshParams.for_threshold(settings.duplicate_threshold))

    def signature(self, text: str) -> bytes | None:
        """The detector's signature of an article's body (None: too short to judge)."""
        return self._fingerprints.signature(text)

    def index(
        self, conn: Connection, page_id: int, article: Article, signature: bytes | None = None
    ) -> None:
        """Index the page's current ``article`` (its ``signature`` when already computed)."""
        found = signature or self.signature(article.body_text)
        if found and index_copies(conn, page_id, found, self.params):
            self.copies += 1

    def for_version(self, article: Article, signature: bytes | None = None) -> AlsoWrite:
        """The ``also`` write that indexes a new version of ``article``: its ``signature``
        when a worker computed it, else one computed here, and only for a new version
        (most visits store nothing new)."""

        def index(conn: Connection, page_id: int, stored: StoredVersion) -> None:
            if stored.created:
                self.index(conn, page_id, article, signature)

        return index
