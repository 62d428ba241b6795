"""What the Atom feeds say: each new version that changed something, with its summary;
a story's new articles and changes; a reader's news in what they follow.

Builds ``AtomFeed`` data from the store and the read layer; ``feeds_atom.render_atom``
turns it into XML.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape

from storyline import times
from storyline.model import Change
from storyline.read import news as rn
from storyline.read import queries as q
from storyline.read.stories import story_data
from storyline.revisions.wording import kind_label, summarize_changes
from storyline.store import Store
from storyline.web.feeds_atom import AtomEntry, AtomFeed
from storyline.web.security import sanitize_html

FEED_SIZE = 50


def revision_entries(
    store: Store, base_url: str, page_ids: Sequence[int] | None = None, limit: int = FEED_SIZE
) -> list[AtomEntry]:
    """One entry per version that changed something, newest first."""
    with store.engine.connect() as conn:
        rows = q.recent_revisions(conn, limit, list(page_ids) if page_ids is not None else None)
        changes = q.changes_for(conn, [r.id for r in rows])
        numbers = {
            r.id: q.version_number_of(conn, r.page_id, r.fetched_at, r.content_hash) for r in rows
        }
    entries = []
    for row in rows:
        found = changes.get(row.id, [])
        summary = summarize_changes(found) if found else "changed"
        number = numbers[row.id]
        link = f"{base_url}/articles/{row.page_id}/diff?a={number - 1}&b={number}"
        entries.append(
            AtomEntry(
                id=f"{base_url}/articles/{row.page_id}/versions/{number}",
                title=f"{row.title or row.url}: {summary}",
                updated=row.fetched_at,
                link=link,
                summary=summary,
                content_html=changes_html(found, row.url),
                categories=tuple(dict.fromkeys(c.kind for c in found)),
            )
        )
    return entries


def updates_feed(store: Store, base_url: str, now: datetime) -> AtomFeed:
    """The feed of every article's changes (``/feeds/updates.atom``)."""
    entries = revision_entries(store, base_url)
    return AtomFeed(
        id=f"{base_url}/feeds/updates.atom",
        title="storyline: article updates",
        subtitle="Each new version of a followed article that changed something",
        self_url=f"{base_url}/feeds/updates.atom",
        html_url=f"{base_url}/articles?changed_only=true",
        updated=entries[0].updated if entries else now,
        entries=entries,
    )


def changes_html(changes: list[Change], url: str) -> str:
    """The changes as a short HTML list (escaped text, then sanitised as a second guard)."""
    items = []
    for change in changes[:20]:
        parts = [f"<b>{escape(kind_label(change.kind))}</b>"]
        if change.before:
            parts.append(f"<del>{escape(change.before)}</del>")
        if change.after:
            parts.append(f"<ins>{escape(change.after)}</ins>")
        items.append("<li>" + " ".join(parts) + "</li>")
    more = f"<p>and {len(changes) - 20} more</p>" if len(changes) > 20 else ""
    link = f'<p><a href="{escape(url)}">{escape(url)}</a></p>'
    return sanitize_html(f"<ul>{''.join(items)}</ul>{more}{link}")


def story_feed(store: Store, story_id: int, base_url: str, now: datetime) -> AtomFeed:
    """A story's feed: its articles as they arrive, and every change to them."""
    data = story_data(store, story_id)
    page_ids = [int(a["id"]) for a in data["articles"]]
    entries = revision_entries(store, base_url, page_ids)
    for article in data["articles"]:
        entries.append(
            AtomEntry(
                id=f"{base_url}/articles/{article['id']}/versions/1",
                title=f"New article: {article['title']}",
                updated=times.parse(article["first_seen"]) or now,
                link=f"{base_url}{article['href']}",
                summary=f"{article['outlet']}: {article['title']}",
                categories=("article",),
            )
        )
    entries.sort(key=lambda e: e.updated, reverse=True)
    return AtomFeed(
        id=f"{base_url}/stories/{story_id}/feed.atom",
        title=f"storyline: {data['title']}",
        subtitle="New articles in this story, and every change to them",
        self_url=f"{base_url}/stories/{story_id}/feed.atom",
        html_url=f"{base_url}/stories/{story_id}",
        updated=entries[0].updated if entries else (times.parse(data["last_updated"]) or now),
        entries=entries[:100],
    )


def news_feed(
    store: Store, reader: int | None, base_url: str, path: str, now: datetime
) -> AtomFeed:
    """A reader's feed: the new articles and the changes that matter (headline, update,
    correction, factual change) in the stories and articles they follow."""
    found = rn.feed_entries(store, reader) if reader is not None else []
    entries = []
    for entry in found:
        article = entry["article"]
        summary = rn.describe(entry)
        entries.append(
            AtomEntry(
                id=f"{base_url}{entry['href']}#{entry['kind']}-{entry['version']}",
                title=f"{entry['followed']['title']}: {summary}",
                updated=times.parse(entry["at"]) or now,
                link=f"{base_url}{entry['href']}",
                summary=f"{article['outlet'] or ''} · {article['title'] or ''}: {summary}",
                categories=(entry["kind"],),
            )
        )
    return AtomFeed(
        id=f"{base_url}{path}",
        title="storyline: what's new in what you follow",
        subtitle="New articles, headline changes, updates, corrections and factual changes",
        self_url=f"{base_url}{path}",
        html_url=f"{base_url}/news",
        updated=entries[0].updated if entries else now,
        entries=entries,
    )
