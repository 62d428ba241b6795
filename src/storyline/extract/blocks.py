"""The hand-over between reading a page and understanding its news structure.

HTML extraction (``html.py``) and plain-text extraction (``text.py``) each turn a page into
a flat list of ``Block``s in reading order. ``structure.py`` then decides which blocks are
the article's own words (and in which section), which are promos, related-article teasers
or navigation. Keeping this one small type between them means the news rules are written
once and apply to both kinds of input.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Block:
    """One block of text in reading order, with the hints the structure rules need."""

    text: str
    kind: str = "paragraph"  # paragraph | heading | quote | list_item
    link_density: float = 0.0  # share of the text inside links
    url: str | None = None  # the link target when the block is (mostly) one link
    hints: set[str] = field(default_factory=set)  # e.g. {"aside", "related", "after_article"}
