"""Unfriendly input: odd encodings, empty, huge, binary and non-HTML pages.

Documented behaviour (``extract_article``):
- bytes are decoded with the declared charset when the bytes fit it, else sniffed;
- an empty page, or one without an article, gives ``Article(no_article=True)``;
- a page over the size cap raises ``PageTooLargeError``;
- binary data (an image, NUL bytes) and text without markup raise ``InputError``.
"""

from __future__ import annotations

import codecs

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storyline import extract_article
from storyline.errors import InputError, PageTooLargeError
from storyline.extract.decode import decode_html

_BODY = (
    "<p>Søren Ærø from Århus said the café would reopen after the storm, and the "
    "mayor’s office confirmed the date of the reopening on Friday.</p>"
) * 3


def _page(charset: str | None = None, body: str = _BODY) -> str:
    meta = f'<meta charset="{charset}">' if charset else ""
    return (
        f"<html><head>{meta}<title>Storm</title></head><body><article>{body}</article>"
        "</body></html>"
    )


def test_latin1_page_declared_as_latin1():
    article = extract_article(_page("iso-8859-1").replace("’", "'").encode("latin-1"))
    assert "Søren Ærø from Århus" in article.body_text


def test_latin1_page_without_a_declaration_is_sniffed():
    data = _page().replace("’", "'").encode("latin-1")
    assert "Søren Ærø from Århus" in extract_article(data).body_text


def test_page_declaring_latin1_but_written_in_utf8():
    article = extract_article(_page("iso-8859-1").encode("utf-8"))
    assert "Søren Ærø from Århus" in article.body_text
    assert "mayor’s office" in article.body_text


def test_page_declaring_utf8_but_written_in_windows_1252():
    article = extract_article(_page("utf-8").encode("cp1252"))
    assert "Søren Ærø from Århus" in article.body_text
    assert "mayor’s office" in article.body_text


def test_http_charset_header_is_used_when_the_bytes_are_not_utf8():
    data = _page(body="<p>Москва, 19 ноября: погода</p>").encode("cp1251")
    assert "Москва, 19 ноября: погода" in decode_html(data, "text/html; charset=windows-1251")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig"])
def test_byte_order_marks_decide_the_encoding(encoding):
    assert "Søren Ærø" in extract_article(_page().encode(encoding)).body_text


def test_utf16_without_a_byte_order_mark():
    assert "Søren Ærø" in extract_article(_page().encode("utf-16-le")).body_text


@pytest.mark.parametrize("data", [b"", b"   \n\t ", ""])
def test_empty_page_has_no_article(data):
    article = extract_article(data, url="https://example.com/empty")
    assert article.no_article is True
    assert article.sections == [] and article.body_text == ""


def test_html_without_an_article_has_no_article():
    article = extract_article("<html><body><div>Menu</div></body></html>")
    assert article.no_article is True and article.body_text == ""


def test_fifty_megabyte_page_is_refused_before_parsing():
    huge = b"<html><body>" + b"<p>" + b"x" * (50 * 1024 * 1024) + b"</p></body></html>"
    with pytest.raises(PageTooLargeError, match="extract_max_bytes"):
        extract_article(huge)


def test_size_cap_is_a_parameter():
    with pytest.raises(PageTooLargeError):
        extract_article(_page(), max_bytes=100)


def test_png_bytes_are_refused_as_not_html():
    png = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    with pytest.raises(InputError, match="PNG image"):
        extract_article(png)


def test_binary_data_is_refused_as_not_html():
    with pytest.raises(InputError, match="binary"):
        extract_article(bytes(range(256)) * 64)


def test_plain_text_is_refused_with_a_pointer_to_extract_text():
    with pytest.raises(InputError, match="extract_text"):
        extract_article("Danish troops leaving Mali.\n\nThe government said on Thursday...")


def test_unknown_declared_charset_falls_back_to_utf8():
    data = _page("x-no-such-charset").encode("utf-8")
    assert "Søren" in extract_article(data).body_text
    assert codecs.lookup("utf-8")  # the fallback codec exists on every platform


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_arbitrary_bytes_never_crash(data):
    try:
        article = extract_article(data)
    except InputError:
        return
    assert isinstance(article.body_text, str)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.sampled_from(
            [
                "<p>",
                "</p>",
                "<div class='a'>",
                "</div>",
                "<br>",
                "<h1>",
                "text ",
                "é ",
                "<script>x</script>",
                "<!--",
                "-->",
                "&amp;",
                "<table><tr><td>",
                "<ul><li>",
                "<article>",
            ]
        ),
        max_size=80,
    )
)
def test_arbitrary_markup_never_crashes(parts):
    try:
        article = extract_article("<html><body>" + "".join(parts))
    except InputError:
        return
    assert article.no_article or article.body_text


def test_extract_article_uses_the_http_charset_for_bytes():
    data = _page(
        body="<p>Москва, 19 ноября: в городе выпал первый снег, и движение на "
        "дорогах замедлилось на несколько часов.</p>"
    ).encode("cp1251")
    article = extract_article(data, content_type="text/html; charset=windows-1251")
    assert "Москва, 19 ноября" in article.body_text


@pytest.mark.parametrize("html", ["<!DOCTYPE html>", "<!-- nothing -->\n", '<?xml version="1.0"?>'])
def test_markup_without_elements_is_an_empty_page(html):
    assert extract_article(html).no_article is True


def test_html_fragment_without_html_and_body_tags_is_extracted():
    fragment = "<div>" + "<p>The ferry resumed service on Monday after the storm passed.</p>" * 4
    article = extract_article(fragment + "</div>")
    assert "ferry resumed service" in article.body_text
