"""Blocks from trafilatura's XML: paragraphs, headings, lists, quotes and tables.

trafilatura hands over its result as a small XML vocabulary (``p``, ``head``,
``list``/``item``, ``quote``, ``table``/``row``/``cell``, ``lb`` line breaks, ``ref``
links). This module reads it in order into ``Block``s, with each block's link share
where the XML kept links. Its fallback extractors sometimes leave other markup (a layout
table's ``row``s and ``cell``s, ``div``s): containers are read child by child, and text
loose between elements is kept when it is long enough to be a run of the article.
"""

from __future__ import annotations

from lxml import etree

from storyline.extract.blocks import Block
from storyline.extract.content import normalise

# Loose text between trafilatura's elements shorter than this is a label or a link left
# behind (a dateline, "Also on ..."), not a run of the article.
MIN_LOOSE_CHARS = 150
_TEXT_KIND = {"p": "paragraph", "head": "heading", "quote": "quote", "code": "paragraph"}
_BLOCK_TAGS = ("p", "head", "list", "quote", "div")


def blocks_from_xml(body: etree._Element) -> list[Block]:
    """Turn trafilatura's XML body (p, head, list/item, quote, table/row) into blocks."""
    for lb in body.iter("lb"):
        lb.tail = " " + (lb.tail or "")
    blocks: list[Block] = []
    _collect_children(body, blocks)
    return blocks


def _collect_children(parent: etree._Element, blocks: list[Block]) -> None:
    """The blocks of ``parent``'s children, and of text loose between them (trafilatura
    leaves the text after an element it dropped as that element's neighbour's tail)."""
    _loose_text(parent.text, blocks)
    for child in parent:
        _collect(child, blocks)
        _loose_text(child.tail, blocks)


def _loose_text(text: str | None, blocks: list[Block]) -> None:
    if text and len(text := normalise(text)) >= MIN_LOOSE_CHARS:
        blocks.append(Block(text, "paragraph"))


def _collect(element: etree._Element, blocks: list[Block]) -> None:
    tag = element.tag
    if tag == "list":
        for item in element.iterchildren("item"):
            nested = item.findall("list")
            for sub in nested:
                item.remove(sub)
            blocks.append(_xml_block(item, "list_item"))
            for sub in nested:
                _collect(sub, blocks)
    elif tag == "table":
        for row in element.iter("row"):
            _row(row, blocks)
    elif tag == "row":
        _row(element, blocks)
    elif tag == "quote" and element.find("p") is not None:
        for child in element:
            _collect(child, blocks)
            if blocks:
                blocks[-1].kind = "quote"
    elif tag in _TEXT_KIND:
        blocks.append(_xml_block(element, _TEXT_KIND[tag]))
    else:  # div, section, cell, and whatever a fallback extractor left in the tree
        _collect_children(element, blocks)


def _row(row: etree._Element, blocks: list[Block]) -> None:
    """A table row: one block of its cells' text, or the cells' own blocks when they
    hold paragraphs (a table used for layout)."""
    cells = list(row.iterchildren("cell"))
    if any(c.find(f".//{tag}") is not None for c in cells for tag in _BLOCK_TAGS):
        for cell in cells:
            _collect_children(cell, blocks)
        return
    texts = [normalise(" ".join(c.itertext())) for c in cells]
    blocks.append(Block(" ".join(t for t in texts if t), "paragraph"))


def _xml_block(element: etree._Element, kind: str) -> Block:
    text = normalise("".join(element.itertext()))
    return with_links(Block(text, kind), element, "ref", "target")


def with_links(block: Block, element: etree._Element, tag: str, attr: str) -> Block:
    """Fill in the block's link share and, when one link covers it, the link target
    (``tag``/``attr``: ``ref``/``target`` in trafilatura's XML, ``a``/``href`` in HTML)."""
    if not block.text:
        return block
    links = [(normalise("".join(a.itertext())), a.get(attr)) for a in element.iter(tag)]
    linked = sum(len(t) for t, _ in links)
    block.link_density = min(1.0, linked / len(block.text))
    longest = max(links, key=lambda link: len(link[0]), default=("", None))
    if longest[1] and len(longest[0]) >= 0.8 * len(block.text):
        block.url = longest[1]
    return block
