"""Which part of a page is the article: trafilatura's choice, checked and completed.

trafilatura is the strongest single extractor on news pages, but it fails in a few
recognisable ways, and each check here targets one of them with a general rule:

* **Nothing or next to nothing found.** Its fast mode skips the fallback algorithms;
  when the result is short, the full mode (with its readability and jusText fallbacks)
  is run, so the expensive path is paid only on the pages that need it.
* **A fragment, or the wrong block.** Its precision mode sometimes keeps a piece of a
  long article or a rail instead of the article. A second opinion built on another idea
  (readability's container score) is read on every page; when the two disagree, more
  opinions are read and the best-supported one wins (``opinions.py``).
* **An article split over repeated containers.** Some templates cut the body into
  several blocks of the same class (between ads or pull quotes); trafilatura keeps the
  first. Paragraphs in *other* containers with the same tag and class as the one that
  holds the extracted text are brought back, in page order.

The page is parsed once: the same lxml tree feeds trafilatura (which copies it), the
metadata reader and the paragraph survey used by the checks.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from lxml import etree
from lxml.html import HtmlElement

from storyline.extract.blocks import Block
from storyline.extract.domtext import text_of
from storyline.extract.opinions import (
    AGREEMENT,
    SAME_METHOD_AGREEMENT,
    Opinion,
    agreement,
    apart,
    container_opinion,
    most_supported,
    readability_opinion,
    shingles,
)
from storyline.extract.trafilatura_run import (
    default_extraction,
    full_comparison,
    precise_extraction,
    usable,
)

# A result shorter than this (characters) is "next to nothing": try the full mode.
MIN_BODY_CHARS = 250
# A result holding this share of the page's good paragraphs (when they add up to at least
# MIN_PROSE_CHARS) needs no second opinion.
PROSE_COVERAGE = 0.8
MIN_PROSE_CHARS = 500
# Paragraphs shorter than this are too common (labels, captions) to identify a container.
_MIN_PARA_CHARS = 40
# A paragraph whose text is mostly link text is navigation, not body.
_MAX_LINK_SHARE = 0.3
# Extra containers must add at least this much paragraph text to be believed.
_MIN_CHUNK_CHARS = 150
_OFF_ARTICLE_TAGS = {"nav", "footer", "aside", "form", "header"}
_OFF_ARTICLE_WORDS = re.compile(
    r"comment|related|recirc|sidebar|promo|newsletter|footer|share|social|widget|"
    r"most-?popular|trending|recommend|outbrain|taboola|teaser|card",
    re.IGNORECASE,
)


@dataclass
class Paragraph:
    """A ``<p>`` of the original page, with what the checks need to know about it."""

    element: HtmlElement
    text: str
    link_share: float

    @property
    def good(self) -> bool:
        """Long enough and not mostly links: the kind of paragraph an article is made of."""
        return len(self.text) >= _MIN_PARA_CHARS and self.link_share <= _MAX_LINK_SHARE


@dataclass
class Extraction:
    """The article as trafilatura's XML plus extra page paragraphs around it, or as
    blocks read from HTML when another opinion won (``blocks``)."""

    body: etree._Element | None
    text_length: int
    extra_before: list[HtmlElement] = field(default_factory=list)
    extra_after: list[HtmlElement] = field(default_factory=list)
    method: str = "trafilatura-fast"
    text: str = ""
    blocks: list[Block] = field(default_factory=list)


def normalise(text: str) -> str:
    """Whitespace-collapsed text, the key used to match output blocks to page elements."""
    return " ".join(text.split())


def survey_paragraphs(tree: HtmlElement) -> list[Paragraph]:
    """Every non-empty ``<p>`` of the page in order, with its share of link text."""
    paragraphs = []
    for element in tree.iter("p"):
        text = normalise(text_of(element))
        if not text:
            continue
        link_chars = sum(len(normalise(text_of(a))) for a in element.iter("a"))
        paragraphs.append(Paragraph(element, text, min(1.0, link_chars / len(text))))
    return paragraphs


def extract_main(tree: HtmlElement, url: str | None) -> Extraction:
    """Run trafilatura on ``tree`` and apply the checks; never modifies ``tree``."""
    result = _precise(tree, url)
    paragraphs = survey_paragraphs(tree)
    if not _covers_the_prose(result, paragraphs):
        result = _second_opinion(tree, url, result)
    if result.body is not None and result.text_length:
        _complete_split_body(result, paragraphs)
    return result


def _covers_the_prose(result: Extraction, paragraphs: list[Paragraph]) -> bool:
    """True when trafilatura's fast result holds nearly all of the page's prose (its good
    ``<p>``s, of which there are enough to judge): then it is neither a fragment nor the
    wrong block, and no second opinion is needed."""
    good = [p for p in paragraphs if p.good]
    total = sum(len(p.text) for p in good)
    if result.body is None or result.method != "trafilatura-fast" or total < MIN_PROSE_CHARS:
        return False
    extracted = {normalise("".join(el.itertext())) for el in result.body.iter("p")}
    covered = sum(len(p.text) for p in good if p.text in extracted)
    return covered >= PROSE_COVERAGE * total


def _second_opinion(tree: HtmlElement, url: str | None, precise: Extraction) -> Extraction:
    """``precise`` unless readability's container and trafilatura's own default mode both
    disagree with it; then the opinion (of four) that agrees most with the others."""
    precise_grams = shingles(precise.text)
    fast = precise.method == "trafilatura-fast"  # the full mode may be readability itself
    container = container_opinion(tree)
    container_grams = shingles(container.text)
    if fast and agreement(precise_grams, container_grams) >= AGREEMENT:
        return precise
    readability = readability_opinion(tree)
    readability_grams = shingles(readability.text)
    if fast and agreement(precise_grams, readability_grams) >= AGREEMENT:
        return precise
    default = _run_trafilatura(tree, url)
    default_grams = shingles(default.text)
    if agreement(precise_grams, default_grams) >= SAME_METHOD_AGREEMENT:
        # two against two: trafilatura's modes against the two readability-style ones
        if not apart(precise.text, readability, container):
            return precise
        winner: Opinion = readability
    else:
        opinions = [
            Opinion("precise", precise.text, precise.body),
            Opinion("default", default.text, default.body),
            readability,
            container,
        ]
        grams = [precise_grams, default_grams, readability_grams, container_grams]
        winner = most_supported(opinions, grams)
    if winner.name == "precise":
        return precise
    if winner.name == "default":
        default.method += "+vote"
        return default
    text = normalise(" ".join(b.text for b in winner.blocks))
    method = f"{winner.name}+vote"
    return Extraction(None, len(text), method=method, text=text, blocks=winner.blocks)


def _precise(tree: HtmlElement, url: str | None) -> Extraction:
    """trafilatura's fast precision result; when that is next to nothing, its full mode's
    comparison with readability and jusText, added to the result in hand."""
    body: etree._Element = etree.Element("body")
    raw_text = ""
    try:
        body, raw_text = precise_extraction(tree, url)
        result = _extraction(body, raw_text, "trafilatura-fast")
    except (TypeError, ValueError):  # what bare_extraction reads as "no result"
        result = Extraction(None, 0, method="none")
    if result.text_length >= MIN_BODY_CHARS:
        return result
    try:
        full = _extraction(*full_comparison(tree, url, body, raw_text), "trafilatura")
    except (TypeError, ValueError):
        return result
    return full if full.text_length > result.text_length else result


def _extraction(body: etree._Element, raw_text: str, method: str) -> Extraction:
    if not usable(raw_text):
        return Extraction(None, 0, method="none")
    text = normalise(" ".join(body.itertext()))
    return Extraction(body, len(text), method=method, text=text)


def _run_trafilatura(tree: HtmlElement, url: str | None) -> Extraction:
    """trafilatura's fast mode without its precision filter (``default_extraction``)."""
    try:
        body, raw_text = default_extraction(tree, url)
    except (TypeError, ValueError):  # what bare_extraction reads as "no result"
        return Extraction(None, 0, method="none")
    if not usable(raw_text):
        return Extraction(None, 0, method="none")
    text = normalise(" ".join(body.itertext()))
    return Extraction(body, len(text), method="trafilatura-fast-default", text=text)


def _complete_split_body(result: Extraction, paragraphs: list[Paragraph]) -> None:
    """Add paragraphs from sibling containers of the one trafilatura's text came from."""
    assert result.body is not None
    extracted = {normalise("".join(el.itertext())) for el in result.body.iter("p")}
    matched = [p for p in paragraphs if p.good and p.text in extracted]
    if len(matched) < 2:
        return
    parents = Counter(_signature(p.element.getparent()) for p in matched)
    signature, count = parents.most_common(1)[0]
    if count < 0.6 * len(matched) or not signature[1]:
        return  # no dominant, classed container: nothing to compare other containers with
    used = {parent for p in matched if (parent := p.element.getparent()) is not None}
    first_used = min(_position(paragraphs, c) for c in used)
    extra: dict[HtmlElement, list[Paragraph]] = {}
    for para in paragraphs:
        parent = para.element.getparent()
        if parent is None or parent in used or _signature(parent) != signature:
            continue
        extra.setdefault(parent, []).append(para)
    for container, paras in extra.items():
        before = _position(paragraphs, container) < first_used
        if not _believable_chunk(container, paras, before):
            continue
        (result.extra_before if before else result.extra_after).extend(p.element for p in paras)
    if result.extra_before or result.extra_after:
        result.method += "+split-body"


def _believable_chunk(container: HtmlElement, paras: list[Paragraph], before: bool) -> bool:
    """A container of real body text: enough good paragraphs, not in an off-article region.

    A body continues *after* its first chunk; a lone box *before* it is more often a
    summary, a deck or the claim a fact-check examines, so it needs two good paragraphs.
    """
    good = [p for p in paras if p.good]
    if sum(len(p.text) for p in good) < _MIN_CHUNK_CHARS or (before and len(good) < 2):
        return False
    for ancestor in container.iterancestors():
        if ancestor.tag in _OFF_ARTICLE_TAGS:
            return False
        marks = f"{ancestor.get('class', '')} {ancestor.get('id', '')}"
        if _OFF_ARTICLE_WORDS.search(marks):
            return False
    return True


def _signature(element: HtmlElement | None) -> tuple[str, str]:
    if element is None:
        return ("", "")
    return (str(element.tag), " ".join(sorted(element.get("class", "").split())))


def _position(paragraphs: list[Paragraph], container: HtmlElement) -> int:
    """Index of the first surveyed paragraph inside ``container`` (page order)."""
    return next(
        (i for i, p in enumerate(paragraphs) if p.element.getparent() is container),
        len(paragraphs),
    )
