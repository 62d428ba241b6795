"""Pages nobody here wrote: many comments, deep nesting, long attributes, broken metadata.

``extract_article`` must return (an ``Article`` or a ``StorylineError``) on any of them,
never hang and never raise anything else. The time limits below are generous (tens of
times what a page takes) and only catch hangs; speed is measured in benchmarks/.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storyline import extract_article
from storyline.errors import StorylineError
from storyline.extract.html import only_comments

HANG_SECONDS = 10.0
_SENTENCE = "The council voted on Tuesday to reopen the harbour after the storm damage was mended. "
_BODY = f"<p>{_SENTENCE * 3}</p>" * 3


class _Hung(Exception):
    pass


@contextmanager
def _within(seconds: float) -> Iterator[None]:
    """Fail (instead of hanging the suite) when the block runs longer than ``seconds``."""

    def alarm(signum: int, frame: object) -> None:
        raise _Hung(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _page(head: str = "", body: str = _BODY) -> str:
    return (
        f"<html><head><title>Harbour reopens</title>{head}</head>"
        f"<body><article><h1>Harbour reopens</h1>{body}</article></body></html>"
    )


def test_a_page_with_many_comments_near_the_top_does_not_hang():
    """The shape that backtracked exponentially: 22 comments took over a second, each
    further pair about 3.5 times longer; 40 would take days."""
    page = "<!-- a --><head>" + "<!-- c -->" * 40 + "</html>"
    with _within(HANG_SECONDS):
        assert extract_article(page).no_article is True


def test_a_page_that_starts_and_ends_with_a_comment_gives_its_article():
    page = (
        "<!-- page cached by a plug-in -->\n<!--[if IE]><html class='ie'><![endif]-->"
        + _page('<meta property="article:published_time" content="2019-11-18T09:30:00+01:00">')
        + "\n<!-- served from cache in 0.02 s -->"
    )
    article = extract_article(page)
    assert article.no_article is False
    assert article.title == "Harbour reopens"
    assert article.published == "2019-11-18T09:30:00+01:00"
    assert "reopen the harbour" in article.body_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", True),
        ("  <!DOCTYPE html>\n<!-- one --> <!-- two -->  ", True),
        ('<?xml version="1.0"?><!-- x -->', True),
        ("<!-- a --><p>text</p><!-- b -->", False),
        ("<!-- a -- still the comment --> <p>x</p>", False),
        ("<!-- never closed", False),  # left to the parser
        ("<!-- a -->" * 10_000 + "<p>", False),
    ],
)
def test_only_comments_reads_each_comment_to_its_first_end(text, expected):
    assert only_comments(text) is expected


def test_json_ld_nested_ten_thousand_deep_is_skipped():
    deep = '<script type="application/ld+json">' + "[" * 10_000 + "]" * 10_000 + "</script>"
    article = extract_article(_page(deep))
    assert article.title == "Harbour reopens" and "reopen the harbour" in article.body_text


def test_json_ld_nested_just_under_the_parser_limit_is_walked_without_recursion():
    deep = '<script type="application/ld+json">' + "[" * 950 + "]" * 950 + "</script>"
    assert "reopen the harbour" in extract_article(_page(deep)).body_text


@pytest.mark.parametrize(
    "head",
    [
        '<link rel="canonical" href="http://[bad/x">',
        '<meta property="og:url" content="http://[::1/x">',
        '<link rel="canonical" href="https://example.com:port/x">',
    ],
)
@pytest.mark.parametrize("url", [None, "https://example.com/a"])
def test_a_malformed_canonical_url_is_ignored(head, url):
    article = extract_article(_page(head), url=url)
    assert article.canonical_url == url
    assert "reopen the harbour" in article.body_text


def test_a_bad_canonical_does_not_hide_a_good_one_after_it():
    head = (
        '<link rel="canonical" href="http://[bad/x">'
        '<meta property="og:url" content="https://example.com/harbour">'
    )
    assert extract_article(_page(head)).canonical_url == "https://example.com/harbour"


_PIECES = st.sampled_from(
    [
        "<!-- c -->",
        "<!--",
        "-->",
        "<!-- <p>not text</p> -->",
        "<!--[if IE]><div><![endif]-->",
        "<div>",
        "</div>",
        "<p>",
        "</p>",
        "<span></span>",
        _SENTENCE,
        "<br>",
        "<![CDATA[ x ]]>",
    ]
)


@st.composite
def _hostile_pages(draw: st.DrawFn) -> tuple[str, bool]:
    """A page with comments around and inside, nesting and long or many attributes.

    Returns the page and whether its article is plainly there (closed comments only,
    nesting shallow enough for the parser's depth limit)."""
    before = "<!-- c -->" * draw(st.integers(0, 60))
    after = "<!-- c -->" * draw(st.integers(0, 60))
    depth = draw(st.integers(0, 600))
    long_value = "x" * draw(st.integers(0, 300_000))
    attributes = " ".join(f'data-a{i}="{i}"' for i in range(draw(st.integers(0, 2_000))))
    noise = "".join(draw(st.lists(_PIECES, max_size=40)))
    body = f'<p title="{long_value}" {attributes}>{_SENTENCE * 3}</p>' + _BODY
    page = (
        f"{before}<html><head><title>Harbour reopens</title></head><body>{noise}"
        f"{'<div>' * depth}<article>{body}</article>{'</div>' * depth}</body></html>{after}"
    )
    plain = depth < 200 and "<!--" not in noise
    return page, plain


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_hostile_pages())
def test_generated_hostile_pages_return_in_time(case):
    page, plain = case
    with _within(HANG_SECONDS):
        try:
            article = extract_article(page)
        except StorylineError:
            return
    assert isinstance(article.body_text, str)
    if plain:
        assert "reopen the harbour" in article.body_text
