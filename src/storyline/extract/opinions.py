"""Second opinions on where the article is, and the choice between them.

trafilatura's precision mode is right on most pages, but on pages nobody tuned it for it
fails in two recognisable ways: it keeps a fragment of a long article (it drops the runs
after an empty inline element, or whole stretches of long pages), or it keeps the wrong
block (a teaser rail, a menu). Both show up as *disagreement*: an extractor built on a
different idea returns different text.

So every page also gets trafilatura's readability port (the container holding the most
prose; a few milliseconds). When the two agree (shingle F1 of their texts at least
``AGREEMENT``), the precise result stands. When they do not, trafilatura is asked again
without its precision filter; if that agrees with the precise result, it stands (two
opinions of one method against two of another). Otherwise this project's own container
score (``containers.py``) is read too, and the opinion that agrees most with the other
three wins (ties go to the precise result): a majority of the opinions, not a rule about
any page.
"""

from __future__ import annotations

import re
from collections import Counter
from copy import deepcopy
from dataclasses import dataclass, field

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

from storyline.extract.blocks import Block
from storyline.extract.containers import OFF_PAGE_TAGS, main_container
from storyline.extract.htmlblocks import SKIPPED_TAGS, blocks_from_html

# Opinions this similar (shingle F1) agree: the precise result stands without a vote.
AGREEMENT = 0.8
# trafilatura's precise and default modes this similar: its result stands against the two
# readability-style opinions (which share one idea, so together they are not a majority).
SAME_METHOD_AGREEMENT = 0.9
# ... unless both readability-style opinions hold another block, sharing at most this
# much with trafilatura's and this many times longer (``apart``).
DISJOINT = 0.1
LONGER = 2
_TOKEN = re.compile(r"\w+")
_SHINGLE = 4


@dataclass
class Opinion:
    """One extractor's idea of the article: trafilatura XML or ready-made blocks."""

    name: str
    text: str
    body: etree._Element | None = None  # trafilatura's XML
    blocks: list[Block] = field(default_factory=list)  # from HTML opinions


def shingles(text: str) -> Counter[tuple[str, ...]]:
    """Multiset of 4-word shingles (the whole text if shorter): what agreement counts."""
    tokens = _TOKEN.findall(text.lower())
    if len(tokens) < _SHINGLE:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(zip(*(tokens[i:] for i in range(_SHINGLE)), strict=False))


def agreement(a: Counter[tuple[str, ...]], b: Counter[tuple[str, ...]]) -> float:
    """Shingle F1 of two texts: 1 for the same text, 0 for nothing in common."""
    shared = sum((a & b).values())
    total = sum(a.values()) + sum(b.values())
    return 2 * shared / total if total else 1.0


def readability_opinion(tree: HtmlElement) -> Opinion:
    """trafilatura's port of readability on a copy of the page (it edits what it reads)."""
    from trafilatura.readability_lxml import Document

    try:
        summary = Document(deepcopy(tree), min_text_length=25).summary()
        root = lxml.html.fromstring(summary) if summary.strip() else None
    except (etree.LxmlError, ValueError):
        root = None
    blocks = blocks_from_html(root) if root is not None else []
    return Opinion("readability", _joined(blocks), blocks=blocks)


def container_opinion(tree: HtmlElement) -> Opinion:
    """This project's container score (``containers.py``) as blocks."""
    skip = SKIPPED_TAGS | OFF_PAGE_TAGS
    blocks = [b for part in main_container(tree) for b in blocks_from_html(part, skip)]
    return Opinion("container", _joined(blocks), blocks=blocks)


def most_supported(
    opinions: list[Opinion], grams: list[Counter[tuple[str, ...]]] | None = None
) -> Opinion:
    """The opinion whose text agrees most with all the others (the first one on a tie);
    ``grams``: their shingles, when the caller has them already."""
    grams = grams if grams is not None else [shingles(o.text) for o in opinions]
    support = [
        sum(agreement(grams[i], grams[j]) for j in range(len(opinions)) if j != i)
        for i in range(len(opinions))
    ]
    best = max(range(len(opinions)), key=lambda i: (support[i], -i))
    return opinions[best]


def apart(precise: str, readability: Opinion, container: Opinion) -> bool:
    """Two readability-style opinions that agree with each other on a block of prose that
    shares nothing with trafilatura's and is several times longer: trafilatura, in both
    its modes, kept something else (a caption, a teaser) and the article is that block."""
    grams = shingles(readability.text)
    return (
        agreement(grams, shingles(container.text)) >= AGREEMENT
        and agreement(grams, shingles(precise)) <= DISJOINT
        and len(readability.text) >= LONGER * len(precise)
    )


def _joined(blocks: list[Block]) -> str:
    return "\n".join(b.text for b in blocks)
