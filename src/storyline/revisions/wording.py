"""The words for changes and sections, in one place: web pages, JSON, feeds and the CLI.

Change kinds stay short identifiers in data (``update_added``, ``copy_edit``); people read
their labels ("Update added", "Wording"), and a version's changes as one summary line
("headline changed, update added, 1 factual change").
"""

from __future__ import annotations

from collections.abc import Iterable

from storyline.model import Change

KIND_LABELS = {
    "headline": "Headline changed",
    "update_added": "Update added",
    "correction": "Correction",
    "factual": "Factual change",
    "copy_edit": "Wording",
    "added": "Added",
    "removed": "Removed",
    "moved": "Moved",
}
# The kinds a reader is told about in "what's new": the rest are edits to the text.
NOTABLE_KINDS = ("headline", "update_added", "correction", "factual")
SECTION_LABELS = {
    "body": "Text",
    "update": "Update",
    "original": "Original story",
    "correction": "Correction",
    "editors_note": "Editor's note",
    "live_entry": "Live",
    "standfirst": "Standfirst",
}
_SUMMARY = (
    ("update_added", "update added", "{} updates added"),
    ("correction", "correction added", "{} corrections added"),
    ("factual", "1 factual change", "{} factual changes"),
    ("copy_edit", "1 wording edit", "{} wording edits"),
    ("added", "1 sentence added", "{} sentences added"),
    ("removed", "1 sentence removed", "{} sentences removed"),
    ("moved", "1 sentence moved", "{} sentences moved"),
)


def kind_label(kind: str) -> str:
    """A change kind as people read it: ``update_added`` → "Update added"."""
    return KIND_LABELS.get(kind) or kind.replace("_", " ").capitalize()


def section_label(kind: str) -> str:
    """A section kind as a heading: ``editors_note`` → "Editor's note"."""
    return SECTION_LABELS.get(kind) or kind.replace("_", " ").capitalize()


def summarize_changes(changes: Iterable[Change]) -> str:
    """One line for a version list: "headline changed, update added, 2 sentences added"."""
    counts: dict[str, int] = {}
    for change in changes:
        counts[change.kind] = counts.get(change.kind, 0) + 1
    parts = ["headline changed"] if counts.get("headline") else []
    for kind, one, many in _SUMMARY:
        n = counts.get(kind, 0)
        if n:
            parts.append(one if n == 1 else many.format(n))
    return ", ".join(parts) if parts else "no changes"


def version_summary(changes: list[Change], number: int) -> str:
    """What a version did: "first version", its changes' summary, or "changed" (a new
    version whose changes were not recorded)."""
    if number == 1:
        return "first version"
    return summarize_changes(changes) if changes else "changed"


def count_words(count: int, one: str, many: str | None = None) -> str:
    """ "1 new change", "3 new changes": a count with its noun."""
    return f"{count} {one if count == 1 else (many or one + 's')}"
