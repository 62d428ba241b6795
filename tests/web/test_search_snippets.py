"""Snippets made in Python around the first match (instead of FTS5's snippet())."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime

from storyline.model import Article, Paragraph, Section
from storyline.store import Store
from storyline.store.snippets import fold, make_snippet, match_pattern
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
        store.store_version(article.url, datetime(2026, 3, 1, tzinfo=UTC), article)
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
