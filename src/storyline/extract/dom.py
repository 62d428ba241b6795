"""What the page's markup says about news structure, gathered for ``structure.py``.

Main-content extraction hands over plain blocks; the markup it read knew more: which
short paragraphs were links, where live-blog entries began, which paragraphs sat in an
update box, and which related-article rails the page had. This module is the one call
``html.py`` makes to recover that, so the structure rules get the same signals whatever
extractor produced the blocks.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from storyline.extract.blocks import Block
from storyline.extract.domtext import text_of
from storyline.extract.live import insert_live_stamps
from storyline.extract.rails import annotate_links, find_rail_teasers
from storyline.extract.teasers import norm
from storyline.model import Teaser

# An update box is named "update" (or Danish "opdatering"); names that also mention a
# date or time ("update-time", "last-updated") belong to datelines, not boxes.
_UPDATE_TOKENS = {"update", "opdatering", "updatebox", "storyupdate"}
_DATELINE_TOKENS = {"time", "date", "dato", "tid", "stamp", "timestamp", "ago", "at", "on"}
_TOKEN_SPLIT = re.compile(r"[^a-z0-9]+")
_BOX_TAGS = ("div", "section", "aside", "blockquote")
MIN_BOX_WORDS = 8


def read_page_structure(
    blocks: list[Block], tree: HtmlElement, headline: str | None = None
) -> tuple[list[Block], list[Teaser]]:
    """Blocks with link shares, live-entry stamps and update hints, and the page's rail cards."""
    annotate_links(blocks, tree)
    mark_update_boxes(blocks, tree)
    blocks = insert_live_stamps(blocks, tree)
    return blocks, find_rail_teasers(tree, headline)


def mark_update_boxes(blocks: list[Block], tree: HtmlElement) -> None:
    """Hint ``update`` on blocks whose paragraph sits in an element named as an update box."""
    inside: set[str] = set()
    for element in tree.iter(*_BOX_TAGS):
        if not element.attrib or not _named_as_update(element):
            continue
        for paragraph in element.iter("p", "li", "h2", "h3", "h4"):
            key = norm(text_of(paragraph))
            if len(key.split()) >= MIN_BOX_WORDS:
                inside.add(key)
    if not inside:
        return
    for block in blocks:
        if norm(block.text) in inside:
            block.hints.add("update")


def _named_as_update(element: HtmlElement) -> bool:
    names = f"{element.get('class', '')} {element.get('id', '')}".lower()
    if "updat" not in names and "opdatering" not in names:
        return False
    tokens = set(_TOKEN_SPLIT.split(names))
    return bool(tokens & _UPDATE_TOKENS) and not tokens & _DATELINE_TOKENS
