"""The quick DOM readings give what the slower ones they replaced gave, on real pages."""

from __future__ import annotations

from lxml import etree

from storyline.extract.decode import decode_html
from storyline.extract.domtext import text_of
from storyline.extract.html import parse_html
from storyline.extract.metadata import _visible_byline
from tests.fixtures.shared_pages import shared_pages

_BYLINE = etree.XPath(
    "//*[@rel='author' or @itemprop='author' or contains(@class,'byline') "
    "or contains(@class,'author-name') or contains(@class,'author__name')][1]"
)


def _xpath_byline(tree: etree._Element) -> list[str]:
    for element in _BYLINE(tree):
        text = " ".join(element.text_content().split())
        if 3 <= len(text) <= 120:
            return [text]
    return []


def test_text_of_is_text_content_on_every_element_of_real_pages():
    for url, html in shared_pages(20):
        tree = parse_html(decode_html(html))
        for element in tree.iter():
            assert text_of(element) == element.text_content(), (url, element.tag)


def test_visible_byline_is_the_xpath_it_replaced():
    pages = [parse_html(decode_html(html)) for _, html in shared_pages(82)]
    pages += [
        parse_html(f"<html><body><div>{body}</div><p>Text of the article.</p></body></html>")
        for body in (
            "<span class='byline'></span><span class='byline'>Jane Doe</span>",  # first only
            "<p>x</p><span class='x-byline'>By Jane Doe</span><b rel='author'>Al Roe</b>",
            "<div><i class='Byline'>no</i></div><a rel='author'>Al Roe</a>",
            "<div><em itemprop='author'></em></div><div><span class='author__name'>Bo</span>"
            "</div><p class='author-name'>Cy Dee</p>",
        )
    ]
    found = [_visible_byline(tree) for tree in pages]
    assert found == [_xpath_byline(tree) for tree in pages]
    assert found[-4:] == [[], ["By Jane Doe"], ["Al Roe"], ["Cy Dee"]]
