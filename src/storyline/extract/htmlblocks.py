"""Blocks straight from an HTML element: how a readability-style opinion becomes text.

trafilatura hands over its own XML (``html.blocks_from_xml``); the other opinions on
where the article is (``containers.py``, trafilatura's readability port) hand over HTML
elements. This module reads such an element in reading order into the same ``Block``s:
each paragraph-like element (``p``, headings, list items, quotes, ``pre``) is one block,
and loose text directly inside a ``div`` (old blog templates write paragraphs as text
between ``<br><br>``) is cut into blocks at block elements and double line breaks.
"""

from __future__ import annotations

from lxml.html import HtmlElement

from storyline.extract.blocks import Block

# Never text of an article, wherever they sit.
SKIPPED_TAGS = frozenset(
    {"script", "style", "noscript", "template", "form", "button", "select", "textarea"}
    | {"iframe", "svg", "object", "embed", "canvas", "video", "audio", "map"}
)
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_LEAVES = {"p", "li", "blockquote", "pre", "dt", "dd", "figcaption", "caption", "address"}
_LEAVES |= _HEADINGS
_BLOCK_LEVEL = _LEAVES | {
    "div", "section", "article", "main", "header", "footer", "aside", "nav", "ul", "ol",
    "dl", "table", "thead", "tbody", "tfoot", "tr", "td", "th", "figure", "center", "hr",
    "body", "html", "details", "summary", "fieldset",
}  # fmt: skip
_KINDS = {"li": "list_item", "dt": "list_item", "dd": "list_item", "blockquote": "quote"}


def blocks_from_html(root: HtmlElement, skip: frozenset[str] = SKIPPED_TAGS) -> list[Block]:
    """The text of ``root`` as blocks in reading order (without link information: the
    DOM lookups in ``rails.py`` add it where the structure rules need it)."""
    blocks: list[Block] = []
    _walk(root, blocks, skip, None)
    return [b for b in blocks if b.text]


def _walk(
    element: HtmlElement, blocks: list[Block], skip: frozenset[str], kind: str | None
) -> None:
    """Emit ``element``'s blocks: leaves whole, containers child by child."""
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in skip:
        return
    if tag in _LEAVES and not _has_block_child(element):
        blocks.append(Block(_text(element, skip), _kind(tag, kind)))
        return
    if tag == "tr" and not _has_block_child(element, deep=True):
        cells = [_text(cell, skip) for cell in element if cell.tag in ("td", "th")]
        blocks.append(Block(" ".join(c for c in cells if c), _kind(tag, kind)))
        return
    inner = _kind(tag, kind) if tag in _KINDS else kind
    run: list[str] = [element.text or ""]
    for child in element:
        child_tag = child.tag if isinstance(child.tag, str) else ""
        if child_tag in _BLOCK_LEVEL:
            _flush(run, blocks, kind)
            _walk(child, blocks, skip, inner)
            run = []
        elif child_tag == "br":
            if _next_is_br(child):
                _flush(run, blocks, kind)
                run = []
            else:
                run.append(" ")
        elif child_tag not in skip and child_tag:
            run.append(_text(child, skip))
        run.append(child.tail or "")
    _flush(run, blocks, kind)


def _flush(run: list[str], blocks: list[Block], kind: str | None) -> None:
    text = " ".join("".join(run).split())
    if text:
        blocks.append(Block(text, kind or "paragraph"))
    run.clear()


def _next_is_br(br: HtmlElement) -> bool:
    """A ``<br>`` followed (across whitespace only) by another: a paragraph break."""
    if (br.tail or "").strip():
        return False
    following = br.getnext()
    return following is not None and following.tag == "br"


def _has_block_child(element: HtmlElement, deep: bool = False) -> bool:
    nodes = element.iterdescendants() if deep else iter(element)
    return any(isinstance(n.tag, str) and n.tag in _BLOCK_LEVEL - {"td", "th"} for n in nodes)


def _text(element: HtmlElement, skip: frozenset[str]) -> str:
    """Whitespace-collapsed text of ``element`` without skipped descendants."""
    parts: list[str] = []
    _gather(element, parts, skip)
    return " ".join("".join(parts).split())


def _gather(element: HtmlElement, parts: list[str], skip: frozenset[str]) -> None:
    parts.append(element.text or "")
    for child in element:
        if isinstance(child.tag, str) and child.tag not in skip:
            if child.tag == "br":
                parts.append(" ")
            else:
                _gather(child, parts, skip)
        parts.append(child.tail or "")


def _kind(tag: str, inherited: str | None) -> str:
    if tag in _HEADINGS:
        return "heading"
    return _KINDS.get(tag) or inherited or "paragraph"
