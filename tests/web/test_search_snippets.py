"""Snippets made in Python around the first match (instead of FTS5's snippet())."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.model import Article, Paragraph, Section
from storyline.revisions import compare_articles
from storyline.store import Store
from storyline.store.snippets import ELLIPSIS, _window, fold, make_snippet, match_pattern
from storyline.web.data_search import search_data

MARKS = ("[", "]")
LONG = " ".join(f"w{i}" for i in range(100))


def _snip(text: str, *terms: str, tokens: int = 24) -> str:
    return make_snippet(text, match_pattern(list(terms)), MARKS, tokens)


def test_whole_words_are_marked_and_the_last_word_is_a_prefix():
    text = "The harbour fund grows; harbourmaster Fundy and the funds agree."
    assert _snip(text, "harbour", "fund") == (
        "The [harbour] [fund] grows; harbourmaster [Fundy] and the [funds] agree."
    )


def test_the_window_starts_near_the_first_match_with_ellipses():
    text = LONG + ". Then the bridge reopened on Monday after repairs. " + LONG
    snippet = _snip(text, "bridge", tokens=8)
    assert snippet.startswith("…Then the [bridge] reopened")
    assert snippet.endswith("…")
    assert len(snippet.split()) == 8


def test_a_match_at_the_start_has_no_leading_ellipsis():
    assert _snip("Bridge reopens. " + LONG, "bridge", tokens=3) == "[Bridge] reopens. w0…"


def test_accents_are_folded_like_the_fts_tokenizer_and_text_is_kept():
    text = "Guests met at the Café Königsberg on Tuesday."
    snippet = _snip(text, "cafe", "konigsberg")
    assert snippet == "Guests met at the [Café] [Königsberg] on Tuesday."
    assert unicodedata.is_normalized("NFC", snippet)
    assert fold("Café") == "cafe"
    assert _snip("Guests met at the café", "cafe") == "Guests met at the [café]"


def test_other_casings_and_regex_characters_are_safe():
    assert _snip("A talk with McDonald today.", "mcdonald") == "A talk with [McDonald] today."
    assert _snip("Price rose (a.b) sharply.", "a") == "Price rose ([a].b) sharply."


def test_no_words_or_no_match_give_the_start_unmarked():
    assert make_snippet("Nothing here at all.", None, MARKS) == "Nothing here at all."
    assert _snip("Nothing here at all.", "zebra") == "Nothing here at all."
    assert _snip("", "zebra") == ""


def test_a_headline_only_match_gets_an_unmarked_body_snippet(tmp_path):
    with Store.open(tmp_path / "s.db") as store:
        article = Article(
            url="https://a.example/1",
            title="Zebra crossing opens",
            sections=[Section("body", [Paragraph("The council opened it on Monday.")])],
        )
        store.store_version(
            article.url, datetime(2026, 3, 1, tzinfo=UTC), article, compare=compare_articles
        )
        (item,) = search_data(store, "zebra")["items"]
        assert item["snippet"] == [{"text": "The council opened it on Monday.", "match": False}]


def test_the_first_whole_word_is_found_past_longer_words_that_contain_it():
    text = "An abridged plan and a bridges fund. " + LONG + ". The bridge reopened."
    assert _snip(text, "bridge", "zz", tokens=4) == "…The [bridge] reopened."
    assert _snip(text, "bridge", tokens=7) == "An abridged plan and a [bridges] fund.…"


def test_many_near_misses_still_find_the_whole_word():
    text = " ".join(["there other then"] * 40) + ". The end came. " + LONG
    assert _snip(text, "the", "zz", tokens=4) == "…[The] end came. w0…"
    assert _snip(text, "the", tokens=3).startswith("[there] other [then]")  # a prefix


def test_a_letter_whose_lower_case_is_longer_does_not_shift_the_marks():
    assert _snip("İzmir and the harbour fund", "harbour") == "İzmir and the [harbour] fund"


_VOCAB = ["harbour", "Harbour", "HARBOUR", "harbours", "abridged", "bridge", "Bridge", "bridges"]
_VOCAB += ["the", "The", "there", "other", "x_y", "42", "fund", "Fundy", "McDonald", "mcdonald"]
_GAPS = [" ", " ", ". ", ", ", "\n", "-", "'", " (", ") "]


@settings(max_examples=300, deadline=None)
@given(
    terms=st.lists(st.sampled_from(_VOCAB), min_size=1, max_size=3),
    parts=st.lists(st.tuples(st.sampled_from(_VOCAB), st.sampled_from(_GAPS)), max_size=120),
    tokens=st.integers(min_value=1, max_value=30),
    pad=st.integers(min_value=0, max_value=700),
)
def test_snippets_equal_the_case_blind_pattern_on_plain_text(terms, parts, tokens, pad):
    # Without accented letters a snippet is fully described by the case-blind whole-word
    # pattern (the last word a prefix): its first match and its matches in the window.
    # The padding puts matches on both sides of the head searched first in long texts.
    text = "pad " * pad + "".join(word + gap for word, gap in parts)
    pattern = re.compile(match_pattern(terms).plain, re.IGNORECASE)
    first = pattern.search(text)
    lo, hi = _window(text, first.start() if first else 0, tokens)
    out, cursor = [], lo
    for found in pattern.finditer(text, lo, hi):
        out += [text[cursor : found.start()], "[", found.group(), "]"]
        cursor = found.end()
    out.append(text[cursor:hi])
    expected = "".join(out)
    if text and text[:lo].strip():
        expected = ELLIPSIS + expected
    if text and text[hi:].strip():
        expected += ELLIPSIS
    assert _snip(text, *terms, tokens=tokens) == expected
