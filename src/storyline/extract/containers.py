"""Where the article's paragraphs cluster: a readability-style container score.

One of the opinions ``opinions.py`` weighs against trafilatura's. The classic
readability idea, read without modifying the page: every paragraph-like element with some
text (``p``, ``pre``, ``td``, and a ``div`` holding only inline content, as old blog
templates write paragraphs) scores 1, plus one per comma, plus one per 100 characters (at
most 3); its parent gets the score, its grandparent half. A container named like an
article (``article``, ``content``, ``post``, ...) starts at +25, one named like page
furniture (``comment``, ``sidebar``, ``related``, ...) at -25, and every score is scaled
by the share of its text that is not link text. The best container wins, with those of
its siblings that score at least a fifth as much, and sibling paragraphs that read as
prose. Navigation, asides, footers and forms are left out of the count.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from storyline.extract.domtext import text_of
from storyline.extract.htmlblocks import SKIPPED_TAGS

_POSITIVE = re.compile(
    r"article|body|content|entry|hentry|h-entry|main|page|pagination|post|text|blog|story",
    re.IGNORECASE,
)
_NEGATIVE = re.compile(
    r"hidden|combx|comment|com-|contact|foot|footer|footnote|masthead|media|meta|outbrain|"
    r"promo|related|scroll|share|shoutbox|sidebar|skyscraper|sponsor|shopping|tags|tool|"
    r"widget|banner|nav|menu|social|popup|subscribe|newsletter",
    re.IGNORECASE,
)
OFF_PAGE_TAGS = frozenset({"nav", "aside", "footer", "form"})
_BLOCK_CHILDREN = {
    "a", "blockquote", "dl", "div", "img", "ol", "p", "pre", "table", "ul", "section",
    "article", "h1", "h2", "h3", "h4", "h5", "h6", "form", "aside", "header", "footer",
    "nav", "figure",
}  # fmt: skip
_TAG_SCORES = {"div": 5, "pre": 3, "td": 3, "blockquote": 3, "form": -3, "ol": -3, "ul": -3}
_TAG_SCORES |= {"li": -3, "dl": -3, "dd": -3, "dt": -3, "address": -3, "th": -5}
MIN_PARAGRAPH_CHARS = 25
SIBLING_SHARE = 0.2
LEADERS = 8  # containers whose link share is computed: the best raw scores
MIN_SIBLING_SCORE = 10
_SENTENCE = re.compile(r"\.( |$)")


def main_container(tree: HtmlElement) -> list[HtmlElement]:
    """The best-scoring container and its qualifying siblings, in page order; ``[]`` if
    the page has no paragraph long enough to score."""
    off_page = {e for t in tree.iter(*OFF_PAGE_TAGS) for e in t.iter()}
    scores: dict[HtmlElement, float] = {}
    for element in tree.iter("p", "pre", "td", "div"):
        if element in off_page or _has_block_child(element):
            continue
        text = _text(element)
        parent = element.getparent()
        if len(text) < MIN_PARAGRAPH_CHARS or parent is None:
            continue
        score = 1 + text.count(",") + min(len(text) // 100, 3)
        for node, share in ((parent, 1.0), (parent.getparent(), 0.5)):
            if node is not None:
                if node not in scores:
                    scores[node] = _start_score(node)
                scores[node] += score * share
    if not scores:
        return []
    top, top_score = _best_leader(scores)
    return _with_siblings(top, scores, top_score)


def _best_leader(scores: dict[HtmlElement, float]) -> tuple[HtmlElement, float]:
    """The container with the best score scaled by its share of text outside links.

    Link shares cost a walk of each subtree, so only the ``LEADERS`` best raw scores are
    candidates, read best first; the scaling never raises a score above its raw value
    (above zero), so once the best scaled score reaches the next raw one no later
    candidate can win (ties go to the earlier, as before).
    """
    leaders = sorted(scores, key=scores.__getitem__, reverse=True)[:LEADERS]
    top, top_score = leaders[0], scores[leaders[0]] * (1 - link_share(leaders[0]))
    for node in leaders[1:]:
        if max(scores[node], 0.0) <= top_score:
            break
        score = scores[node] * (1 - link_share(node))
        if score > top_score:
            top, top_score = node, score
    return top, top_score


def _with_siblings(
    top: HtmlElement, scores: dict[HtmlElement, float], top_score: float
) -> list[HtmlElement]:
    """``top`` and the siblings that belong with it (readability's sibling rule)."""
    parent = top.getparent()
    if parent is None:
        return [top]
    threshold = max(MIN_SIBLING_SCORE, top_score * SIBLING_SHARE)
    chosen = []
    for sibling in parent:
        raw = scores.get(sibling, float("-inf"))
        if sibling is top or (raw >= threshold and raw * (1 - link_share(sibling)) >= threshold):
            chosen.append(sibling)
        elif sibling.tag == "p" and _reads_as_prose(sibling):
            chosen.append(sibling)
    return chosen


def _reads_as_prose(paragraph: HtmlElement) -> bool:
    text = _text(paragraph)
    links = link_share(paragraph)
    if len(text) > 80:
        return links < 0.25
    return links == 0 and bool(_SENTENCE.search(text))


def _start_score(node: HtmlElement) -> float:
    score = float(_TAG_SCORES.get(str(node.tag), 0))
    for attr in ("class", "id"):
        value = node.get(attr)
        if value:
            score += 25 if _POSITIVE.search(value) else 0
            score -= 25 if _NEGATIVE.search(value) else 0
    return score


def link_share(element: HtmlElement) -> float:
    """Share of ``element``'s text that sits inside links (0 for an empty element)."""
    total = len(_text(element))
    if not total:
        return 0.0
    linked = sum(len(_text(a)) for a in element.iter("a"))
    return min(1.0, linked / total)


def _has_block_child(element: HtmlElement) -> bool:
    if element.tag not in ("div", "td"):
        return False
    return any(child.tag in _BLOCK_CHILDREN for child in element)


def _text(element: HtmlElement) -> str:
    if element.tag in SKIPPED_TAGS:
        return ""
    return " ".join(text_of(element).split())
