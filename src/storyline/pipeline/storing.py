"""Where the stages meet the store: a page's article stored as a version, its changes
computed by the revisions stage.

The store keeps tables and knows no stage; it asks its caller what changed between two
versions (a capture may land inside the history, so the new version's neighbours are
compared again in the same transaction). Every path that stores an article (``follow``,
``poll`` and ``watch``, the batch ingest, ``reextract``) goes through here, so each hands
in the same comparison and opinion rule (for the page's facts), and (given a
``CopyIndexer``) indexes the new version for the one near-duplicate detector in the same
transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from storyline.model import Article
from storyline.pipeline.copies import CopyIndexer
from storyline.revisions.changes import compare_articles
from storyline.store import Store, StoredVersion
from storyline.store.versions import EncodedArticle, RawHtml
from storyline.stories.opinion import is_opinion


def store_version(
    store: Store,
    url: str,
    fetched_at: datetime,
    article: Article,
    raw_html: bytes | RawHtml | None = None,
    raw_type: str | None = None,
    *,
    page_fields: dict[str, Any] | None = None,
    copies: CopyIndexer | None = None,
    signature: bytes | None = None,
    encoded: EncodedArticle | None = None,
) -> StoredVersion:
    """Store what ``url`` said at ``fetched_at`` (``Store.store_version``), its changes
    named by ``compare_articles``; with ``copies``, a new version's signature (``signature``
    when a worker computed it, else computed here) joins the copy index."""
    also = copies.for_version(article, signature) if copies is not None else None
    return store.store_version(
        url,
        fetched_at,
        article,
        raw_html,
        raw_type,
        compare=compare_articles,
        opinion=article_is_opinion,
        page_fields=page_fields,
        also=also,
        encoded=encoded,
    )


def replace_article(
    store: Store, version_id: int, article: Article, copies: CopyIndexer | None = None
) -> None:
    """Give a stored version a newly extracted article (``Store.replace_article``); with
    ``copies``, the page's latest version is indexed for the copy detector again."""
    store.replace_article(version_id, article, compare=compare_articles, opinion=article_is_opinion)
    if copies is None:
        return
    page = store.page(store.version_by_id(version_id).url)
    if page.latest_version_id == version_id:
        with store.writing(f"indexing copies of {page.url}") as conn:
            copies.index(conn, page.id, article)


def article_is_opinion(article: Article, url: str) -> bool:
    """The stories stage's opinion rule for a stored article (its ``page_facts``)."""
    return is_opinion(article.title, url, article.labels)
