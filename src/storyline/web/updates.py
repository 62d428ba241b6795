"""What the Atom feeds say: each new version that changed something, with its summary.

Builds ``AtomFeed`` data from the store; ``feeds_atom.render_atom`` turns it into XML.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape

from storyline.model import Change
from storyline.revisions import summarize_changes
from storyline.store import Store
from storyline.web import queries as q
from storyline.web.feeds_atom import AtomEntry, AtomFeed
from storyline.web.security import sanitize_html

FEED_SIZE = 50
_KIND_WORDS = {
    "headline": "Headline",
    "update_added": "Update added",
    "correction": "Correction",
    "copy_edit": "Copy edit",
    "added": "Added",
    "removed": "Removed",
    "moved": "Moved",
}


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
        parts = [f"<b>{escape(_KIND_WORDS.get(change.kind, change.kind))}</b>"]
        if change.before:
            parts.append(f"<del>{escape(change.before)}</del>")
        if change.after:
            parts.append(f"<ins>{escape(change.after)}</ins>")
        items.append("<li>" + " ".join(parts) + "</li>")
    more = f"<p>and {len(changes) - 20} more</p>" if len(changes) > 20 else ""
    link = f'<p><a href="{escape(url)}">{escape(url)}</a></p>'
    return sanitize_html(f"<ul>{''.join(items)}</ul>{more}{link}")
