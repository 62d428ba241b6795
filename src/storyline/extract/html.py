"""Main content from HTML: trafilatura finds the article, our layer shapes it."""

from __future__ import annotations

from lxml import etree
import trafilatura

from storyline.errors import InputError, PageTooLargeError
from storyline.extract.blocks import Block
from storyline.extract.structure import structure_blocks
from storyline.model import Article

MAX_PAGE_BYTES = 20 * 1024 * 1024

_KIND_BY_TAG = {"p": "paragraph", "head": "heading", "item": "list_item", "quote": "quote"}


def decode_html(data: str | bytes) -> str:
    """Decode page bytes using the declared charset, else a sniffed one."""
    if isinstance(data, str):
        return data
    if len(data) > MAX_PAGE_BYTES:
        raise PageTooLargeError(
            f"page is {len(data):,} bytes, over the {MAX_PAGE_BYTES:,}-byte cap"
        )
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    encoding = best.encoding if best else "utf-8"
    return data.decode(encoding, errors="replace")


def extract_article(html: str | bytes, url: str | None = None) -> Article:
    """Extract the article and its metadata from an HTML page."""
    text = decode_html(html)
    if len(text) > MAX_PAGE_BYTES:
        raise PageTooLargeError(f"page is {len(text):,} characters, over the cap")
    if "<" not in text[:5000]:
        raise InputError("input is not HTML: no markup found in the first 5,000 characters")
    doc = trafilatura.bare_extraction(text, url=url, with_metadata=True)
    if doc is None or doc.body is None:
        return Article(url=url, no_article=True)
    blocks = _blocks_from_body(doc.body)
    body = structure_blocks(blocks)
    return Article(
        url=url or doc.url,
        canonical_url=doc.url,
        site_name=doc.sitename,
        title=doc.title,
        standfirst=doc.description,
        authors=[a.strip() for a in (doc.author or "").split(";") if a.strip()],
        published=doc.date,
        language=doc.language,
        sections=body.sections,
        promos=body.promos,
        related=body.related,
        navigation=body.navigation,
        no_article=not body.sections,
    )


def _blocks_from_body(body: etree._Element) -> list[Block]:
    blocks: list[Block] = []
    for element in body.iter("p", "head", "item", "quote"):
        text = " ".join("".join(element.itertext()).split())
        if text:
            blocks.append(Block(text=text, kind=_KIND_BY_TAG[element.tag]))
    return blocks
