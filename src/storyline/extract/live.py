"""Live-blog entry stamps from the page's DOM, which main-content extraction tends to drop.

A live blog repeats one entry template: a container with a ``<time datetime=...>`` and
the entry's paragraphs. Extraction keeps the paragraphs but usually loses the ``<time>``,
and with it where one entry ends and the next begins. This module finds the entry
containers (the same tag and class, each holding one stamp and some text) and puts a
stamp block in front of each entry's first block, which ``structure.py`` then reads as
the start of a ``live_entry`` section, exactly as it reads "14:32 GMT" in plain text.
"""

from __future__ import annotations

from collections import defaultdict

from lxml.html import HtmlElement

from storyline.extract.blocks import Block
from storyline.extract.teasers import norm

MIN_ENTRIES = 2
_TEXT_TAGS = ("p", "h2", "h3", "h4", "li", "blockquote")


def insert_live_stamps(blocks: list[Block], tree: HtmlElement) -> list[Block]:
    """``blocks`` with a stamp block (hint ``timestamp``) before each live entry's first block."""
    starts = _entry_starts(tree)
    if len(starts) < MIN_ENTRIES:
        return blocks
    out: list[Block] = []
    matched = 0
    for block in blocks:
        stamp = starts.pop(norm(block.text), None)
        if stamp is not None:
            out.append(Block(stamp, kind="paragraph", hints={"timestamp"}))
            matched += 1
        out.append(block)
    return out if matched >= MIN_ENTRIES else blocks


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
    for entry, stamp in best:
        first = _first_text(entry)
        if first:
            starts.setdefault(first, stamp)
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
