"""``trafilatura_run`` runs trafilatura's own stages with fewer copies: the result must be
``bare_extraction``'s, on real pages, and the page tree must come back untouched."""

from __future__ import annotations

import lxml.html
import trafilatura
from lxml import etree

from storyline.extract.decode import decode_html
from storyline.extract.html import parse_html
from storyline.extract.trafilatura_run import (
    default_extraction,
    full_comparison,
    precise_extraction,
    usable,
)
from tests.fixtures.shared_pages import shared_pages


def _bare(tree: lxml.html.HtmlElement, url: str, fast: bool, precision: bool = True) -> str | None:
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        fast=fast,
        favor_precision=precision,
        include_comments=False,
        include_tables=True,
        with_metadata=False,
    )
    if document is None or isinstance(document, dict):
        return None
    return etree.tostring(document.body, encoding="unicode")


def test_precise_extraction_is_bare_extractions_fast_precision_mode():
    for url, html in shared_pages(40):
        tree = parse_html(decode_html(html))
        before = lxml.html.tostring(tree)
        body, text = precise_extraction(tree, url)
        assert lxml.html.tostring(tree) == before, url  # the page is not modified
        ours = etree.tostring(body, encoding="unicode") if usable(text) else None
        assert ours == _bare(tree, url, fast=True), url


def test_default_extraction_is_bare_extractions_fast_default_mode():
    for url, html in shared_pages(40):
        tree = parse_html(decode_html(html))
        before = lxml.html.tostring(tree)
        body, text = default_extraction(tree, url)
        assert lxml.html.tostring(tree) == before, url  # the page is not modified
        ours = etree.tostring(body, encoding="unicode") if usable(text) else None
        assert ours == _bare(tree, url, fast=True, precision=False), url


def test_full_comparison_takes_another_reading_of_a_page_trafilatura_reads_short():
    page = (
        "<html><body><nav><a href='/'>Home</a> <a href='/a'>A</a></nav>"
        "<table><tr><td>Short teaser.</td></tr></table>"
        + "".join(
            f"<div><font>Paragraph {i} of a long article written in an old template, "
            "with commas, clauses, and enough words to read as prose.</font></div>"
            for i in range(12)
        )
        + "</body></html>"
    )
    tree = parse_html(page)
    body, text = precise_extraction(tree, None)
    found, found_text = full_comparison(tree, None, body, text)
    assert len(text) < 250  # trafilatura's precision mode keeps the teaser
    assert "Paragraph 11" in " ".join(found.itertext())
    assert etree.tostring(found, encoding="unicode") == _bare(tree, "", fast=False)
