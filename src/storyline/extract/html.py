"""Main content from HTML: decode, parse once, find the article, shape it into an Article.

The work is split by job: ``decode.py`` turns bytes into text, ``metadata.py`` reads the
headline, byline and dates, ``content.py`` decides which part of the page is the article
(trafilatura plus our checks), and ``structure.py`` sorts the resulting blocks into
sections, promos and related-article rails. This module wires them and converts
trafilatura's XML into ``Block``s.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

from storyline.errors import InputError
from storyline.extract.blocks import Block
from storyline.extract.content import extract_main, normalise
from storyline.extract.decode import MAX_PAGE_BYTES, decode_html
from storyline.extract.dom import read_page_structure
from storyline.extract.headline import structural_standfirst
from storyline.extract.language import guess_language
from storyline.extract.metadata import Metadata, extract_metadata
from storyline.extract.patterns import headline_labels
from storyline.extract.structure import StructuredBody, structure_blocks
from storyline.extract.xmlblocks import blocks_from_xml, with_links
from storyline.model import Article

__all__ = [
    "MAX_PAGE_BYTES",
    "MIN_ARTICLE_CHARS",
    "blocks_from_xml",
    "decode_html",
    "extract_article",
    "parse_html",
]

# Less body text than this (characters, headings aside) means the page has no article.
MIN_ARTICLE_CHARS = 80
# What may stand in a page that has nothing in it: declarations and comments.
_PREAMBLE_ENDS = {"<!--": "-->", "<!doctype": ">", "<?xml": ">"}
_SPACE = re.compile(r"\s*")
_MARKUP = re.compile(r"<(?:!doctype|!--|[a-zA-Z][a-zA-Z0-9-]*[\s/>])", re.IGNORECASE)
_EMPTY_INLINE_TAGS = ("span", "b", "strong", "em", "i", "q", "u", "font", "a")
# What trafilatura's repair_faulty_html strips: C0 controls but tab, newline and return.
_INVALID_CHARS = (
    *map(chr, [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)]),
    "\ufffe",
    "\uffff",
)
_HTML_KIND = {
    "h2": "heading",
    "h3": "heading",
    "h4": "heading",
    "h5": "heading",
    "h6": "heading",
    "blockquote": "quote",
    "li": "list_item",
}


def extract_article(
    html: str | bytes,
    url: str | None = None,
    *,
    max_bytes: int = MAX_PAGE_BYTES,
    content_type: str | None = None,
) -> Article:
    """Extract the article and its metadata from an HTML page (text or bytes).

    ``content_type`` is the HTTP header, when known: its charset is one of the hints used
    to decode bytes. Raises ``InputError`` for input that is not HTML and
    ``PageTooLargeError`` over ``max_bytes``; a page without an article gives an
    ``Article`` with ``no_article=True``.
    """
    text = decode_html(html, content_type, max_bytes=max_bytes)
    if only_comments(text):
        return Article(url=url, no_article=True)  # empty, or only a doctype and comments
    tree = parse_html(text)
    meta = extract_metadata(tree, url)
    extraction = extract_main(tree, url)
    blocks = [_html_block(e) for e in extraction.extra_before]
    blocks += blocks_from_xml(extraction.body) if extraction.body is not None else []
    blocks += [_html_block(e) for e in extraction.extra_after]
    blocks += extraction.blocks
    blocks = _drop_leading([b for b in blocks if b.text], meta.title)
    deck = structural_standfirst(tree, meta.title)
    if deck and _text_length(without := _drop_leading(blocks, deck)) >= len(deck):
        blocks = without  # the deck is the standfirst, not the body
    elif deck and any(_loose(b.text) == _loose(deck) for b in blocks[:3]):
        deck = None  # a short post written in the summary's element: it is the body
    if _text_length(blocks) < MIN_ARTICLE_CHARS:
        blocks = []  # a login prompt or a cookie notice is not an article
    blocks, teasers = read_page_structure(blocks, tree, meta.title)  # news structure (dom.py)
    body = structure_blocks(blocks, teasers)
    if deck:
        meta.standfirst = deck  # as the page shows it, not as it describes itself to search
    elif meta.standfirst and _is_lede(meta.standfirst, blocks):
        meta.standfirst = None  # a description that only repeats the first paragraph
    if meta.language is None and body.sections:
        meta.language = guess_language(" ".join(s.text for s in body.sections))
    return _article(url, meta, body, no_article=not body.sections)


def only_comments(text: str) -> bool:
    """True when ``text`` holds nothing but whitespace, comments and declarations.

    One left-to-right scan, each comment ending at its first ``-->`` as in HTML: a page
    that starts and ends with a comment is not "only comments" for having content between
    them, and no input makes this slower than reading it once (a regular expression with a
    lazy ``.*?`` inside a repeated group backtracked exponentially on a dozen comments).
    An unclosed comment or declaration is left to the parser.
    """
    position, length = 0, len(text)
    while True:
        spaces = _SPACE.match(text, position)
        position = spaces.end() if spaces else position
        if position == length:
            return True
        head = text[position : position + 9].lower()
        opener = next((o for o in _PREAMBLE_ENDS if head.startswith(o)), None)
        if opener is None:
            return False
        end = text.find(_PREAMBLE_ENDS[opener], position + len(opener))
        if end < 0:
            return False
        position = end + len(_PREAMBLE_ENDS[opener])


def parse_html(text: str) -> HtmlElement:
    """Parse page text into an lxml tree; ``InputError`` when it is not HTML at all."""
    tree = load_tree(text)
    _unwrap_empty_inline(tree)
    return tree


def load_tree(text: str) -> HtmlElement:
    """The tree trafilatura's ``load_html`` gives for ``text``, built more cheaply."""
    if not _MARKUP.search(text[:100_000]):
        raise InputError(
            "input is not HTML: no markup found; for a plain-text page use "
            "extract_text() (or `storyline extract --text`)"
        )
    tree = _load_html(text)  # repairs what libxml2 chokes on; refuses lone fragments
    if tree is None:
        try:
            tree = lxml.html.document_fromstring(text)
        except (etree.ParserError, ValueError) as exc:
            raise InputError(f"input could not be parsed as HTML: {exc}") from exc
    return tree


def _unwrap_empty_inline(tree: HtmlElement) -> None:
    """Remove empty inline elements that text follows, keeping the text.

    An empty ``<span>`` before a paragraph's text (WordPress's ``<span id="more-123">``,
    anchors, drop-cap placeholders) carries nothing, but trafilatura's precision mode
    deletes empty elements *with* the text after them: the paragraph, or the rest of the
    article, was lost.
    """
    empty = [
        e
        for e in tree.iter(*_EMPTY_INLINE_TAGS)
        if len(e) == 0 and not (e.text or "").strip() and (e.tail or "").strip()
    ]
    for element in empty:
        element.drop_tag()
    for element in [
        e
        for e in tree.iter("div", "p", "section", "article")
        if len(e) == 0 and not (e.text or "").strip() and (e.tail or "").strip()
    ]:
        element.attrib.clear()
        element.tag = "br"


def _load_html(text: str) -> HtmlElement | None:
    """trafilatura's ``load_html`` for text, with a parser whose elements need no lookup.

    ``lxml.html``'s parser picks each element's Python class (form, input, label, ...) in
    a Python callback, run every time any code touches an element: trafilatura and the
    DOM scans touch thousands per page. One ``HtmlElement`` class for all, chosen in C,
    gives the same tree and methods (nothing here uses the form classes) for less work.
    """
    from trafilatura.utils import is_dubious_html

    beginning = text[:50].lower()
    text = _repair(text, beginning)
    parser = _parser()
    try:
        tree = lxml.html.fromstring(text, parser=parser)
    except (etree.LxmlError, ValueError):  # ValueError: a str declaring its encoding
        tree = None
    if tree is None or len(tree) < 1:
        try:
            tree = lxml.html.fromstring(text.encode("utf-8", "surrogatepass"), parser=parser)
        except (etree.LxmlError, ValueError):
            return None
    if is_dubious_html(beginning) and len(tree) < 2:
        return None  # a lone fragment, not a page
    return tree


def _repair(text: str, beginning: str) -> str:
    """trafilatura's ``repair_faulty_html``, step for step, except that its whole-page
    regular expression for characters libxml2 refuses runs only when there are some."""
    from trafilatura.utils import DOCTYPE_TAG, FAULTY_HTML, repair_faulty_html

    if _has_invalid_xml_chars(text):
        return repair_faulty_html(text, beginning)
    if "doctype" in beginning:
        first_line, newline, rest = text.partition("\n")
        repaired = DOCTYPE_TAG.sub("", first_line, count=1)
        if repaired != first_line or not newline:  # else the same text: no page-long copy
            text = repaired + "\n" + rest
    for line in text[:4096].splitlines()[:4]:  # a self-closing <html/> in the first lines
        if "<html" in line and line.endswith("/>"):
            return FAULTY_HTML.sub(r"\1>", text, count=1)
    return text


def _has_invalid_xml_chars(text: str) -> bool:
    """Whether ``text`` holds a control character or U+FFFE/U+FFFF, which trafilatura's
    repair strips for libxml2. Its regular expression takes ~7 ns a character; a substring
    search for each of the 33 characters takes a fraction of that."""
    return any(character in text for character in _INVALID_CHARS)


def _parser() -> lxml.html.HTMLParser:
    """trafilatura's parser settings (no comments or processing instructions, no ids
    table), built per page: a parser is cheap and is not shared between threads."""
    parser = lxml.html.HTMLParser(
        collect_ids=False,
        default_doctype=False,
        encoding="utf-8",
        remove_comments=True,
        remove_pis=True,
    )
    parser.set_element_class_lookup(
        etree.ElementDefaultClassLookup(
            element=HtmlElement,
            comment=lxml.html.HtmlComment,
            pi=lxml.html.HtmlProcessingInstruction,
            entity=lxml.html.HtmlEntity,
        )
    )
    return parser


def _html_block(element: HtmlElement) -> Block:
    text = normalise(element.text_content())
    return with_links(
        Block(text, _HTML_KIND.get(str(element.tag), "paragraph")), element, "a", "href"
    )


def _text_length(blocks: list[Block]) -> int:
    return sum(len(b.text) for b in blocks if b.kind != "heading")


def _drop_leading(blocks: list[Block], text: str | None) -> list[Block]:
    """Drop the headline (or the standfirst) when the body repeats it in its first blocks:
    it is metadata, not the article's text."""
    if not text or not blocks:
        return blocks
    key = _loose(text)
    for i, block in enumerate(blocks[:3]):
        if _loose(block.text) == key:
            return blocks[:i] + blocks[i + 1 :]
    return blocks


def _is_lede(description: str, blocks: list[Block]) -> bool:
    """True when the page's description is (the start of) its first paragraph."""
    key = _loose(description.rstrip(".… "))
    if len(key) < 40:
        return False  # too short to tell a lede from a label
    return any(_loose(b.text).startswith(key[:200]) for b in blocks[:2] if b.kind == "paragraph")


def _loose(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().casefold()


def _article(url: str | None, meta: Metadata, body: StructuredBody, no_article: bool) -> Article:
    return Article(
        url=url or meta.canonical_url,
        canonical_url=meta.canonical_url,
        site_name=meta.site_name,
        title=meta.title,
        labels=headline_labels(meta.title),
        standfirst=meta.standfirst,
        authors=meta.authors,
        published=meta.published,
        modified=meta.modified,
        language=meta.language,
        sections=body.sections,
        promos=body.promos,
        related=body.related,
        navigation=body.navigation,
        no_article=no_article,
    )
