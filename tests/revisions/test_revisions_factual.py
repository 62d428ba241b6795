"""Change kinds on revision pairs of real article text: a number, a date and a name that
change are factual changes; a typo fix is wording; a rewrite is removed + added.

The pairs are the seed page's own sentences and the shared extraction pages' article
bodies, each edited the way newsrooms edit (a figure corrected, a date fixed, a typo
fixed, a sentence rewritten); no public set of real revision pairs is available offline.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from storyline.model import Article, Change, Paragraph, Section
from storyline.revisions import compare_articles, is_factual, kind_label, summarize_changes
from storyline.revisions.diff import word_diff

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"


def _kinds(old: Article, new: Article) -> list[str]:
    return [c.kind for c in compare_articles(old, new)]


def _edit_original(article: Article, old: str, new: str) -> Article:
    """``article`` with ``old`` replaced by ``new`` wherever it occurs."""
    sections = []
    for section in article.sections:
        paragraphs = [Paragraph(p.text.replace(old, new), p.kind) for p in section.paragraphs]
        sections.append(replace(section, paragraphs=paragraphs))
    edited = replace(article, sections=sections)
    assert edited.body_text != article.body_text, f"{old!r} is not in the article"
    return edited


def test_a_changed_figure_in_the_seed_is_a_factual_change(seed_updated):
    edited = _edit_original(seed_updated, "about 90 soldiers", "about 105 soldiers")
    changes = compare_articles(seed_updated, edited)
    assert [c.kind for c in changes] == ["factual"]
    assert "105 soldiers" in (changes[0].after or "")
    assert summarize_changes(changes) == "1 factual change"


def test_a_changed_year_in_the_seed_is_a_factual_change(seed_updated):
    edited = _edit_original(seed_updated, "in May 2021", "in May 2020")
    assert _kinds(seed_updated, edited) == ["factual"]


def test_a_changed_month_and_name_are_factual_changes(seed_updated):
    month = _edit_original(seed_updated, "in December 2021", "in November 2021")
    assert _kinds(seed_updated, month) == ["factual"]
    name = _edit_original(seed_updated, "Anne Valentina Berthelsen", "Anne Valentina Berthelson")
    assert _kinds(seed_updated, name) == ["factual"]


def test_a_typo_fix_in_the_seed_stays_wording(seed_updated):
    edited = _edit_original(seed_updated, "problematic developments", "problematic develpments")
    assert _kinds(edited, seed_updated) == ["copy_edit"]
    assert kind_label("copy_edit") == "Wording"


def test_a_rewrite_of_a_seed_sentence_is_removed_then_added(seed_updated):
    sentence = "Denmark has maintained a military presence in Mali and the embattled Sahel"
    edited = _edit_original(
        seed_updated, sentence, "Copenhagen kept soldiers, surgeons and planes in the wider Sahel"
    )
    assert _kinds(seed_updated, edited) == ["removed", "added"]


def _real_sentences(pattern: str, count: int) -> list[str]:
    """Sentences of the shared pages' annotated bodies that match ``pattern``."""
    truth = json.loads((SHARED / "data" / "extraction" / "ground-truth.json").read_text("utf-8"))
    found = []
    for _, page in sorted(truth.items()):
        for sentence in re.split(r"(?<=[.!?])\s+", page["articleBody"]):
            if 60 < len(sentence) < 300 and re.search(pattern, sentence):
                found.append(" ".join(sentence.split()))
    assert len(found) >= count
    return found[:: max(1, len(found) // count)][:count]


def _as_article(text: str) -> Article:
    return Article(url="https://example.com/a", sections=[Section("body", [Paragraph(text)])])


@pytest.mark.parametrize("sentence", _real_sentences(r"\b\d{2,}\b", 25))
def test_a_changed_number_in_a_real_sentence_is_factual(sentence):
    number = re.search(r"\b\d{2,}\b", sentence)
    assert number is not None
    changed = str(int(number.group()) + 1)
    after = sentence[: number.start()] + changed + sentence[number.end() :]
    changes = compare_articles(_as_article(sentence), _as_article(after))
    assert [c.kind for c in changes] == ["factual"], (sentence, after)


@pytest.mark.parametrize("sentence", _real_sentences(r"\b[a-z]{5,}\b", 25))
def test_a_typo_in_a_real_lower_case_word_is_wording(sentence):
    word = next(m for m in re.finditer(r"\b[a-z]{5,}\b", sentence))
    typo = word.group()[:2] + word.group()[3:]  # one letter dropped
    before = sentence[: word.start()] + typo + sentence[word.end() :]
    assert not is_factual(before, sentence)
    assert [c.kind for c in compare_articles(_as_article(before), _as_article(sentence))] == [
        "copy_edit"
    ]


def test_case_and_punctuation_alone_are_wording():
    assert not is_factual("The US army left on Monday.", "The U.S. army left on Monday.")
    assert not is_factual("About 1,000 people came.", "About 1000 people came.")
    assert is_factual("Two people died.", "Three people died.")
    assert not is_factual("Police said the man fled.", "Police said a man fled.")
    assert is_factual("It rained on Monday.", "It rained on Tuesday.")


def test_a_sentence_split_with_a_changed_figure_is_factual():
    old = _as_article("The bridge carries 40,000 cars a day and it was repaired in eight months.")
    new = _as_article("The bridge carries 45,000 cars a day. It was repaired in eight months.")
    assert [c.kind for c in compare_articles(old, new)] == ["factual"]


def test_word_diff_keeps_each_side_exact_for_factual_edits():
    before, after = "Rain of 80 millimetres fell.", "Rain of 85 millimetres fell."
    segments = word_diff(before, after)
    assert "".join(t for op, t in segments if op != "insert") == before
    assert "".join(t for op, t in segments if op != "delete") == after
    assert Change("factual", before, after).kind == "factual"
