"""Live-blog entry stamps from the page's markup, which main-content extraction drops.

A live blog repeats one entry template: a container with a ``<time datetime=...>`` and
the entry's paragraphs; many also list the entries in schema.org JSON-LD
(``LiveBlogPosting.liveBlogUpdate``, each with ``datePublished`` and its text).
Extraction keeps the paragraphs but usually loses the ``<time>``, and with it where one
entry ends and the next begins. This module finds the entries (from JSON-LD where
present, else the containers of the same tag and class that each hold one stamp and some
text) and puts a stamp block in front of each entry's first block, which
``structure.py`` then reads as the start of a ``live_entry`` section, exactly as it
reads "14:32 GMT" in plain text.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from lxml.html import HtmlElement

from storyline.extract.blocks import Block
from storyline.extract.metadata import json_ld_documents
from storyline.extract.teasers import norm

MIN_ENTRIES = 2
MIN_PREFIX_CHARS = 20  # a block this long that opens an entry's JSON-LD text marks its start
_TEXT_TAGS = ("p", "h2", "h3", "h4", "li", "blockquote")


def insert_live_stamps(blocks: list[Block], tree: HtmlElement) -> list[Block]:
    """``blocks`` with a stamp block (hint ``timestamp``) before each live entry's first block."""
    starts = _json_ld_starts(tree)
    if len(starts) < MIN_ENTRIES:
        starts = _entry_starts(tree)
    if len(starts) < MIN_ENTRIES:
        return blocks
    out: list[Block] = []
    matched = 0
    for block in blocks:
        stamp = _pop_start(starts, norm(block.text))
        if stamp is not None:
            out.append(Block(stamp, kind="paragraph", hints={"timestamp"}))
            matched += 1
        out.append(block)
    return out if matched >= MIN_ENTRIES else blocks


def _pop_start(starts: dict[str, str], key: str) -> str | None:
    """The stamp of the entry that begins with the block ``key``, taken out of ``starts``."""
    if not key:
        return None
    if key in starts:
        return starts.pop(key)
    if len(key) < MIN_PREFIX_CHARS:
        return None
    for text, stamp in starts.items():
        if text.startswith(key + " "):
            del starts[text]
            return stamp
    return None


def _json_ld_starts(tree: HtmlElement) -> dict[str, str]:
    """Entry text (headline, else body) → ``datePublished`` from a LiveBlogPosting."""
    starts: dict[str, str] = {}
    for data in json_ld_documents(tree):
        for update in _live_updates(data):
            stamp = str(update.get("datePublished") or update.get("dateCreated") or "").strip()
            text = update.get("headline") or update.get("articleBody") or ""
            if stamp and isinstance(text, str) and norm(text):
                starts.setdefault(norm(text), stamp)
    return starts


def _live_updates(data: Any) -> list[dict[str, Any]]:
    """The ``liveBlogUpdate`` items anywhere in a JSON-LD document (graphs, lists)."""
    found: list[dict[str, Any]] = []
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            updates = item.get("liveBlogUpdate")
            if isinstance(updates, dict):
                updates = [updates]
            if isinstance(updates, list):
                found += [u for u in updates if isinstance(u, dict)]
            stack.extend(v for k, v in item.items() if k == "@graph")
    return found


def _entry_starts(tree: HtmlElement) -> dict[str, str]:
    """First-block text of each entry → its ``datetime``, for the largest repeated template."""
    times = [t for t in tree.iter("time") if (t.get("datetime") or "").strip()]
    if len(times) < MIN_ENTRIES:
        return {}
    holders: dict[HtmlElement, int] = defaultdict(int)
    for stamp in times:
        for ancestor in stamp.iterancestors():
            holders[ancestor] += 1
    groups: dict[tuple[str, str, int], list[tuple[HtmlElement, str]]] = defaultdict(list)
    for stamp in times:
        entry = _own_container(stamp, holders)
        if entry is None:
            continue
        parent = entry.getparent()
        key = (str(entry.tag), entry.get("class", ""), id(parent))
        groups[key].append((entry, stamp.get("datetime", "").strip()))
    best = max(groups.values(), key=len, default=[])
    if len(best) < MIN_ENTRIES:
        return {}
    starts: dict[str, str] = {}
    for entry, when in best:
        first = _first_text(entry)
        if first:
            starts.setdefault(first, when)
    return starts


def _own_container(stamp: HtmlElement, holders: dict[HtmlElement, int]) -> HtmlElement | None:
    """The largest ancestor of ``stamp`` holding no other stamp, if it holds text too."""
    node = stamp
    for ancestor in stamp.iterancestors():
        if holders[ancestor] > 1:
            break
        node = ancestor
    if node is stamp or node.tag in ("html", "body"):
        return None
    return node if _first_text(node) else None


def _first_text(entry: HtmlElement) -> str:
    for element in entry.iter(*_TEXT_TAGS):
        if element.xpath("ancestor-or-self::time"):
            continue
        key = norm(element.text_content())
        if len(key.split()) >= 2:
            return key
    return ""
