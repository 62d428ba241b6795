"""Related-article rails found in the page's DOM, before main-content extraction drops them.

A rail is a container of cards: each card a link to another article, a title (often
twice: image alt text, then the heading) and maybe a summary. Main-content extraction
either drops the rail (then only this scan can report the teasers) or lets some of its
headings through into the body (then the cards found here tell ``structure.py`` which
blocks to take out).

A container counts as a rail when its class, id or label names one ("related",
"recommended", "most-read", "promo", ...) or its own heading does ("Related articles",
"LÆS OGSÅ"), *and* its text is mostly the cards': the article's own container, which
may carry such a class somewhere, fails that test because most of its text is no card.
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import islice

from lxml import etree
from lxml.html import HtmlElement

from storyline.extract.blocks import Block
from storyline.extract.domtext import text_of
from storyline.extract.patterns import is_rail_heading, is_service_link, strip_card_age
from storyline.extract.teasers import dedupe, norm
from storyline.model import Teaser

# Words in a class, id or label that name a rail (substrings), and whole tokens that do.
_RAIL_WORDS = (
    "related",
    "recommend",
    "recirc",
    "morestories",
    "more-stories",
    "more-news",
    "morenews",
    "more-from",
    "more-on",
    "read-next",
    "readnext",
    "read-more",
    "readmore",
    "read-also",
    "also-read",
    "alsoread",
    "most-read",
    "mostread",
    "most-popular",
    "mostpopular",
    "most-viewed",
    "popular",
    "trending",
    "promo",
    "pushdown",
    "rail",
    "outbrain",
    "taboola",
    "teaser",
    "laes-ogsaa",
    "relaterede",
    "anbefale",
)
_RAIL_WORD = re.compile("|".join(re.escape(word) for word in _RAIL_WORDS))
_RAIL_TOKENS = {"rel"}
_TOKEN_SPLIT = re.compile(r"[^a-z0-9]+")
_WORD = re.compile(r"\w+")  # a word as ``norm`` reads it
_CONTAINER_TAGS = {"aside", "section", "div", "ul", "ol", "nav"}
_TITLE_TAGS = ("h2", "h3", "h4", "h5", "h6")
_NAME_ATTRS = frozenset({"class", "id", "aria-label", "data-component", "data-module", "role"})
_HEAD_TAGS = {*_TITLE_TAGS, "header", "strong", "b"}
_LABEL_TAGS = {"span", "p", "div"}
_HEAD_LOOKAHEAD = 12
_VISIBLE_TEXT = etree.XPath(
    ".//text()[not(ancestor::script or ancestor::style or ancestor::noscript"
    " or ancestor::template)]"
)
MIN_CARDS = 2
MIN_CARD_SHARE = 0.6
MIN_TITLE_WORDS = 4
MAX_TITLE_WORDS = 30
MIN_SUMMARY_WORDS = 6
MAX_SUMMARY_WORDS = 120


def find_rail_teasers(tree: HtmlElement, headline: str | None = None) -> list[Teaser]:
    """Related-article cards in the page's rails, de-duplicated, in page order.

    A card titled like the page's own ``headline`` is the page itself (a "most read"
    list often includes it) and is left out.
    """
    own = norm(headline or "")
    cards: list[Teaser] = []
    for rail_cards in _rail_containers(tree).values():
        cards += [c for c in rail_cards if norm(c.title) != own]
    return dedupe(cards)


def _rail_containers(tree: HtmlElement) -> dict[HtmlElement, list[Teaser]]:
    """Outermost elements named or headed as a rail whose text is mostly cards, with their
    cards (read once: the test needs them, and so does the caller)."""
    found: dict[HtmlElement, list[Teaser]] = {}
    heads: dict[HtmlElement, str] = {}  # nested containers share their first heading
    for element in tree.iter(*_CONTAINER_TAGS):
        if not (_named_as_rail(element) or (len(element) >= 2 and _headed_as_rail(element, heads))):
            continue
        if any(_is_ancestor(done, element) for done in found):
            continue
        cards = _cards(element)
        if len(cards) >= MIN_CARDS and _card_share(element, cards) >= MIN_CARD_SHARE:
            found[element] = cards
    return found


def _named_as_rail(element: HtmlElement) -> bool:
    attributes = element.attrib
    if not attributes:
        return False
    # In any order: no rail word or token spans the space between two names.
    names = " ".join(v for k, v in attributes.items() if k in _NAME_ATTRS).lower()
    if not names.strip():
        return False
    if _RAIL_WORD.search(names):
        return True
    # Splitting is dearer than a substring test, and every token must be a substring.
    if not any(token in names for token in _RAIL_TOKENS):
        return False
    return not _RAIL_TOKENS.isdisjoint(_TOKEN_SPLIT.split(names))


def _headed_as_rail(element: HtmlElement, heads: dict[HtmlElement, str]) -> bool:
    """The container's first heading (or label) reads like 'Related articles'.

    ``heads`` keeps the text of each heading read, for the containers around it.
    """
    for child in islice(element.iter(), 1, _HEAD_LOOKAHEAD):
        if child.tag in _HEAD_TAGS or (child.tag in _LABEL_TAGS and len(child) == 0):
            text = heads.get(child)
            if text is None:
                text = heads[child] = " ".join(text_of(child).split())
            if text and len(text) <= 80:
                return is_rail_heading(text)
    return False


def _is_ancestor(ancestor: HtmlElement, element: HtmlElement) -> bool:
    parent = element.getparent()
    while parent is not None:
        if parent is ancestor:
            return True
        parent = parent.getparent()
    return False


def _cards(container: HtmlElement) -> list[Teaser]:
    """One card per title node (a heading with a link, or a headline-like link)."""
    titles = [h for h in container.iter(*_TITLE_TAGS) if _link_of(h) is not None]
    if not titles:
        titles = [a for a in container.iter("a") if _words(_text(a)) >= MIN_TITLE_WORDS]
    holders = Counter(a for t in titles for a in t.iterancestors())
    cards: list[Teaser] = []
    for node in titles:
        title = strip_card_age(_text(node) or _alt_text(node))
        if (
            not MIN_TITLE_WORDS <= _words(title) <= MAX_TITLE_WORDS
            or is_rail_heading(title)
            or is_service_link(title)
        ):
            continue
        link = _link_of(node)
        card = _card_root(node, container, holders)
        cards.append(
            Teaser(title, _summary(card, title), link.get("href") if link is not None else None)
        )
    return cards


def _link_of(node: HtmlElement) -> HtmlElement | None:
    """The link a title node is, sits in, or holds."""
    if node.tag == "a" and node.get("href"):
        return node
    for ancestor in node.iterancestors("a"):
        if ancestor.get("href"):
            return ancestor
    return next((a for a in node.iter("a") if a.get("href")), None)


def _card_root(
    node: HtmlElement, container: HtmlElement, holders: Counter[HtmlElement]
) -> HtmlElement:
    """The largest ancestor of ``node`` inside ``container`` holding no other title."""
    card = node
    parent = node.getparent()
    while parent is not None and parent is not container and holders[parent] < 2:
        card = parent
        parent = parent.getparent()
    return card


def _summary(card: HtmlElement, title: str) -> str | None:
    key = norm(title)
    for node in card.iter("p", "div", "span"):
        if node.find(".//p") is not None or node.find(".//div") is not None:
            continue
        text = _text(node)
        if norm(text) != key and MIN_SUMMARY_WORDS <= _words(text) <= MAX_SUMMARY_WORDS:
            return text
    return None


def _card_share(container: HtmlElement, cards: list[Teaser]) -> float:
    """Share of the container's text that is card titles and summaries."""
    text = norm(_text(container))
    total = len(text.replace(" ", ""))
    if not total:
        return 0.0
    for card in cards:
        for part in (card.title, card.summary):
            if part and norm(part):
                text = text.replace(norm(part), "")
    return 1 - len(text.replace(" ", "")) / total


def _alt_text(node: HtmlElement) -> str:
    image = next(iter(node.iter("img")), None)
    return " ".join((image.get("alt") or "").split()) if image is not None else ""


def _text(node: HtmlElement) -> str:
    """Visible text: what ``text_content`` gives minus scripts, styles and noscript copies."""
    return " ".join(" ".join(_VISIBLE_TEXT(node)).split())


def _words(text: str) -> int:
    return len(text.split())


_BLOCK_TAGS = (
    "p",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "dd",
    "figcaption",
    "td",
    "div",
    "span",
)
MAX_LOOKUP_WORDS = 60
LINK_URL_SHARE = 0.6  # one link this much of a block's text is where the block points
_INLINE_TAGS = {
    "a",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "span",
    "br",
    "img",
    "small",
    "mark",
    "time",
    "abbr",
    "cite",
    "q",
    "sup",
    "sub",
    "font",
}


def annotate_links(blocks: list[Block], tree: HtmlElement) -> None:
    """Give short blocks their link density and target from the page where extraction lost them.

    Whether a short paragraph is one link ("Related: <a>...</a>", a list of headlines) is
    the best sign of a promo, and main-content extraction often drops the links. Blocks
    are matched to page elements by their words; blocks that already carry link
    information are left as they are.
    """
    wanted = {
        norm(b.text)
        for b in blocks
        if not b.link_density and not b.url and len(b.text.split()) <= MAX_LOOKUP_WORDS
    }
    wanted.discard("")
    if not wanted:
        return
    longest = max(len(k) for k in wanted) * 2 + 40
    # A text whose first word begins no wanted key cannot be one: finding that first word
    # is much cheaper than normalising the whole text, which most elements would need.
    first_words = {key.partition(" ")[0] for key in wanted}
    found: dict[str, HtmlElement] = {}
    keys: dict[str, str] = {}  # nested elements often share one text (li > span > a)
    for element in tree.iter(*_BLOCK_TAGS):
        if (
            len(element)
            and element.tag in _LABEL_TAGS
            and any(c.tag not in _INLINE_TAGS for c in element)
        ):
            continue  # a wrapper: its text is its children's, matched there
        text = text_of(element)
        if len(text) > longest:
            continue
        key = keys.get(text)
        if key is None:
            first = _WORD.search(text.lower())
            matchable = first is not None and first.group() in first_words
            key = keys[text] = norm(text) if matchable else ""
        if key in wanted and key not in found:
            found[key] = element
    for block in blocks:
        match = found.get(norm(block.text))
        if match is not None and not block.link_density and not block.url:
            block.link_density, block.url = _link_share(match)


def _link_share(element: HtmlElement) -> tuple[float, str | None]:
    total = len(norm(text_of(element)).replace(" ", ""))
    links = [(len(norm(text_of(a)).replace(" ", "")), a.get("href")) for a in element.iter("a")]
    if not total or not links:
        return 0.0, None
    linked = sum(n for n, _ in links)
    longest = max(links, key=lambda link: link[0])
    url = longest[1] if longest[1] and longest[0] >= LINK_URL_SHARE * total else None
    return min(1.0, linked / total), url
