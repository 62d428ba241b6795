"""Parsing: our loader must give the tree trafilatura's ``load_html`` gives, only cheaper.

``parse_html`` repeats trafilatura's repair and parse with a parser whose element class is
chosen in C; these tests hold it to the same result as the original on real pages and on
arbitrary text.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import lxml.html
from hypothesis import given
from hypothesis import strategies as st
from trafilatura.utils import load_html, repair_faulty_html

from storyline.extract.decode import decode_html
from storyline.extract.html import _has_invalid_xml_chars, _repair, load_tree, parse_html

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "extraction"
_PIECES = st.sampled_from(
    ["<html", "/>", ">", "\n", "<!DOCTYPE html", ' "//W3C//DTD" ', "<p>", "text", " "]
)
_BAD = ["\x00", "\x0b", "\x1f", "\ufffe", "\uffff"]
_CHARS = st.characters(codec="utf-8") | st.sampled_from(_BAD)


def test_shared_pages_parse_to_the_same_tree_as_trafilaturas_loader():
    for path in sorted((DATA / "html").glob("*.html.gz"))[:12]:
        text = decode_html(gzip.decompress(path.read_bytes()), None)
        ours, theirs = load_tree(text), load_html(text)
        assert lxml.html.tostring(ours) == lxml.html.tostring(theirs), path.name
        assert all(isinstance(e, lxml.html.HtmlElement) for e in ours.iter("p", "a", "form"))


@given(st.lists(_PIECES | _CHARS, max_size=40).map("".join))
def test_repair_matches_trafilaturas(text):
    beginning = text[:50].lower()
    assert _repair(text, beginning) == repair_faulty_html(text, beginning)


def test_invalid_characters_are_found_anywhere():
    page = "<html><body>" + "é" * 5000 + "</body></html>"
    assert not _has_invalid_xml_chars(page)
    for bad in ("\x00", "\x08", "\x0c", "\x1f", "\ufffe", "\uffff"):
        assert _has_invalid_xml_chars(page[:3000] + bad + page[3000:])
    assert not _has_invalid_xml_chars("tab\tnewline\nreturn\r")


def test_parsing_unwraps_empty_elements_that_text_follows():
    """trafilatura's precision mode deletes an empty element with the text after it."""
    tree = parse_html(
        "<html><body><p><span id='more-12'></span>First of all, the box.</p>"
        "<div class='post'>Intro.<div class='clear'></div>Second run of text.<b></b></div>"
        "<p><time datetime='2020-01-02'></time>Kept as it is.</p></body></html>"
    )
    html = lxml.html.tostring(tree).decode()
    assert "<p>First of all, the box.</p>" in html
    assert "Intro.<br>Second run of text.<b></b>" in html
    assert '<time datetime="2020-01-02"></time>Kept' in html
