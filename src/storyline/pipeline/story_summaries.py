"""A story's summary row, computed by the stories stage from its members: title, times,
merged entities and dated timeline.

The threading pass and people's edits both end by rewriting the summaries of the stories
they changed (``write_summaries``). What a summary needs from each member's version
(headline, publication time, timeline events, and those its revisions added) is kept in
the live threader's ``memo`` between passes, so a story of hundreds of pages is not read
again for each new one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Connection

from storyline.model import Article, TimelineEntry
from storyline.store import story_writes
from storyline.store.db import Store
from storyline.store.story_writes import MemberRow
from storyline.stories.entities import merge_entities
from storyline.stories.preparation import threadable
from storyline.stories.timeline import (
    article_events,
    first_appearances,
    order_and_dedupe,
    revision_events,
)
from storyline.stories.titles import neutral_story_title

TITLE_HEADLINES = 100
# What summaries remember of each member between passes: {page id: ((version id, version
# count), facts)} (``LiveThreader.memo``; an edit passes an empty one).
Memo = dict[int, tuple[tuple[int, int], Any]]


@dataclass(frozen=True)
class _Facts:
    """What a story's summary needs from one member at one version."""

    title: str
    published: str
    url: str
    threadable: bool
    events: list[TimelineEntry]  # publication, update blocks, dated statements
    revision_events: list[TimelineEntry]  # updates and corrections its revisions added


def rewrite_stories(store: Store, conn: Connection, memo: Memo, story_ids: Iterable[int]) -> None:
    """Rewrite the summaries of these stories from their members now; drop those left
    without a member."""
    wanted = set(story_ids)
    groups = story_writes.load_members(conn, sorted(wanted))
    story_writes.delete_stories(conn, sorted(wanted - set(groups)))
    write_summaries(store, conn, memo, groups)


def write_summaries(
    store: Store, conn: Connection, memo: Memo, groups: dict[int, list[MemberRow]]
) -> int:
    """Write the summary row of each story in ``groups`` (story -> members in arrival
    order); returns how many."""
    counts = story_writes.version_counts(
        conn, [m.page_id for group in groups.values() for m in group]
    )
    rows = [{"id": sid, **_summarise(store, memo, group, counts)} for sid, group in groups.items()]
    story_writes.replace_stories(conn, rows)
    return len(groups)


def _summarise(
    store: Store, memo: Memo, members: list[MemberRow], counts: dict[int, int]
) -> dict[str, Any]:
    """A story's stored columns: title, times, merged entities and timeline (from the
    members that still have an article; a page may have lost it in a later version).

    The title is the most central of the latest ``TITLE_HEADLINES`` headlines: centrality
    compares every pair, and a developing story is named by what it says now.
    """
    facts = _member_facts(store, memo, members, counts)
    kept = [(m, f) for m, f in zip(members, facts, strict=True) if f.threadable]
    kept = kept or list(zip(members, facts, strict=True))
    by_date = sorted((f for _, f in kept), key=lambda f: (f.published, f.url))
    timeline = order_and_dedupe(
        [e for f in by_date for e in f.events] + [e for _, f in kept for e in f.revision_events]
    )
    entities = merge_entities(m.entities for m, _ in kept)
    headlines = [(f.title, m.url) for m, f in kept][-TITLE_HEADLINES:]
    return {
        "title": neutral_story_title(headlines) or kept[0][0].url,
        "article_count": len(kept),
        "first_seen": min(m.first_seen for m, _ in kept),
        "last_updated": max(m.fetched_at for m, _ in kept),
        "entities_json": json.dumps([asdict(e) for e in entities], ensure_ascii=False),
        "timeline_json": json.dumps([asdict(t) for t in timeline], ensure_ascii=False),
    }


def _member_facts(
    store: Store, memo: Memo, members: list[MemberRow], counts: dict[int, int]
) -> list[_Facts]:
    """Each member's ``_Facts``, from ``memo`` when its version (and its number of
    versions, ``counts`` by page) is the one remembered; revisions are read only for
    pages that have some."""
    found = []
    for member in members:
        key = (member.version_id, counts.get(member.page_id, 1))
        remembered = memo.get(member.page_id)
        facts = remembered[1] if remembered and remembered[0] == key else None
        if facts is None:
            article = Article.from_dict(json.loads(member.article_json))
            revisions, first_seen = [], {}
            if key[1] > 1:
                versions = store.versions(member.url)
                revisions = [(v, store.changes(v.id)) for v in versions[1:] if v.id is not None]
                first_seen = first_appearances(versions)
            facts = _Facts(
                article.title or "",
                article.published or "",
                article.url or "",
                threadable(article),
                article_events(article, first_seen),
                revision_events(revisions),
            )
            memo[member.page_id] = (key, facts)  # one entry per page
        found.append(facts)
    return found
