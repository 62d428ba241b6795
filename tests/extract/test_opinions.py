"""Second opinions on where the article is: nothing valid lost, rails never win.

trafilatura's precision mode keeps a fragment on some layouts (text after an empty inline
element, text written between ``<br>``s); the other opinions (its readability port, its
default mode, the container score) bring the whole article back by majority.
"""

from __future__ import annotations

import lxml.html
from lxml import etree

from storyline import extract_article
from storyline.extract.containers import main_container
from storyline.extract.html import blocks_from_xml, parse_html
from storyline.extract.htmlblocks import blocks_from_html
from storyline.extract.opinions import Opinion, agreement, most_supported, shingles


def _sentence(i: int, what: str = "story") -> str:
    return (
        f"Sentence {i} of the {what} says the council, after a long debate on Tuesday, agreed "
        f"to fund harbour repairs worth {i} million crowns, and work starts in spring. "
    )


def _point(i: int) -> str:
    return (
        f"Point {i}: the harbour authority, which met on Tuesday for the {i}th time, will "
        f"reopen quay number {i} after the storm damage has been repaired, officials said. "
    )


def test_a_long_article_after_an_empty_span_comes_back_whole():
    """Precision mode drops an empty inline element *with* the text after it: here the
    whole article but its first two paragraphs (371 of 4,001 characters)."""
    lede = "".join(f"<p>{_point(100 + k)}</p>" for k in range(2))
    rest = " ".join(_point(i) + _point(i + 50) for i in range(10))
    html = (
        "<html><head><title>Harbour</title></head><body><div class='nav'><a href='/'>Home</a>"
        f"</div><article><div class='entry-content'>{lede}<span></span>{rest}</div></article>"
        "<div class='sidebar'><ul><li><a href='/a'>Other story</a></li></ul></div></body></html>"
    )
    body = extract_article(html).body_text
    assert body.count("Point ") == 22


def test_an_article_beside_a_larger_teaser_rail_comes_back_whole_without_the_rail():
    story = "<br><br>".join(_sentence(i) + _sentence(i + 20) for i in range(6))
    cards = "".join(
        f"<article class='teaser'><h3><a href='/t/{i}'>Another headline number {i} from the "
        f"region</a></h3><p>{_sentence(i, 'teaser')}{_sentence(i + 1, 'teaser')}"
        f"{_sentence(i + 2, 'teaser')}</p></article>"
        for i in range(8)
    )
    html = (
        "<html><head><title>Harbour repairs funded</title></head><body><div class='page'>"
        "<div class='main-column'><h1>Harbour repairs funded</h1>"
        f"<div class='text-block'>{story}</div></div><div class='rail'>{cards}</div></div>"
        "</body></html>"
    )
    body = extract_article(html).body_text
    assert body.count("of the story") == 12
    assert "of the teaser" not in body


def test_loose_text_between_trafilatura_elements_is_kept():
    body = etree.fromstring(
        "<body><p>First paragraph.</p>" + "A long run of text left as a tail. " * 6 + "</body>"
    )
    blocks = blocks_from_xml(body)
    assert [b.text[:20] for b in blocks] == ["First paragraph.", "A long run of text l"]


def test_short_loose_text_is_a_label_and_left_out():
    body = etree.fromstring("<body><p>First paragraph.</p>Also on example.com</body>")
    assert [b.text for b in blocks_from_xml(body)] == ["First paragraph."]


def test_html_blocks_split_text_at_double_line_breaks_and_block_elements():
    root = lxml.html.fragment_fromstring(
        "<div><h2>Heading</h2>One <b>bold</b> line<br>still one<br><br>Two"
        "<script>var x = 1;</script><ul><li>item <a href='/x'>link</a></li></ul>"
        "<blockquote>quoted</blockquote><table><tr><td>a</td><td>b</td></tr></table></div>"
    )
    blocks = blocks_from_html(root)
    assert [(b.text, b.kind) for b in blocks] == [
        ("Heading", "heading"),
        ("One bold line still one", "paragraph"),
        ("Two", "paragraph"),
        ("item link", "list_item"),
        ("quoted", "quote"),
        ("a b", "paragraph"),
    ]


def test_main_container_prefers_prose_over_links_and_leaves_the_page_alone():
    prose = "".join(f"<p>{_sentence(i)}</p>" for i in range(5))
    links = "".join(f"<p><a href='/{i}'>{_sentence(i, 'link')}</a></p>" for i in range(8))
    tree = parse_html(
        f"<html><body><div class='links'>{links}</div><div class='text'>{prose}</div>"
        "<aside><p>" + _sentence(99, "aside") * 3 + "</p></aside></body></html>"
    )
    before = etree.tostring(tree)
    chosen = main_container(tree)
    assert [c.get("class") for c in chosen] == ["text"]
    assert etree.tostring(tree) == before


def test_the_opinion_most_others_agree_with_wins_and_ties_go_to_the_first():
    story = " ".join(_sentence(i) for i in range(10))
    rail = " ".join(_sentence(i, "rail") for i in range(10))
    opinions = [
        Opinion("precise", rail),
        Opinion("default", story),
        Opinion("readability", story + _sentence(50)),
        Opinion("container", rail + _sentence(51)),
    ]
    assert most_supported(opinions[:3]).name == "default"
    assert most_supported([opinions[0], opinions[1]]).name == "precise"


def test_agreement_is_shingle_f1():
    a, b = shingles("one two three four five"), shingles("one two three four six")
    assert agreement(a, a) == 1.0
    assert agreement(a, b) == 0.5
    assert agreement(shingles(""), shingles("")) == 1.0
