"""Word diffs, the article diff and its two renderings."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.model import Article, Paragraph, Section
from storyline.revisions import (
    article_diff,
    compare_articles,
    render_terminal,
    split_sentences,
    summarize_changes,
    word_diff,
)
from storyline.revisions.diff import _tokens

RED, GREEN = "\x1b[31m", "\x1b[32m"


def _sides(segments):
    before = "".join(t for op, t in segments if op in ("equal", "delete"))
    after = "".join(t for op, t in segments if op in ("equal", "insert"))
    return before, after


def test_word_diff_marks_the_changed_words():
    assert word_diff("The goverment has decided.", "The government has decided.") == [
        ("equal", "The "),
        ("delete", "goverment"),
        ("insert", "government"),
        ("equal", " has decided."),
    ]


def test_word_diff_groups_a_phrase_change_into_one_delete_and_one_insert():
    segments = word_diff("a team of surgeons in Mali", "several army surgeons in Mali")
    assert segments == [
        ("delete", "a team of"),
        ("insert", "several army"),
        ("equal", " surgeons in Mali"),
    ]


def test_word_diff_of_equal_and_empty_texts():
    assert word_diff("Same text.", "Same text.") == [("equal", "Same text.")]
    assert word_diff("", "") == []
    assert word_diff("", "New.") == [("insert", "New.")]
    assert word_diff("Old.", "") == [("delete", "Old.")]


_TEXT = st.lists(
    st.sampled_from(["the", "troops", "Mali", "90", ",", ".", " ", "  ", "\n", "Kofod", "é"]),
    max_size=30,
).map("".join)


@settings(deadline=None)
@given(_TEXT | st.text(max_size=80), _TEXT | st.text(max_size=80))
def test_word_diff_rebuilds_both_texts(before, after):
    segments = word_diff(before, after)
    assert _sides(segments) == (before, after)
    assert all(op in ("equal", "insert", "delete") and text for op, text in segments)
    ops = [op for op, _ in segments]
    assert all(not (a == b == "equal") for a, b in zip(ops, ops[1:], strict=False))  # merged


def _pair(seed_updated: Article) -> tuple[Article, Article]:
    old = copy.deepcopy(seed_updated)
    old.title = "Danish troops may be leaving Mali"
    paragraph = old.section("original").paragraphs[1]
    paragraph.text = paragraph.text.replace("government", "goverment")
    return old, seed_updated


def test_article_diff_puts_the_headline_first_then_sections(seed_updated):
    diff = article_diff(*_pair(seed_updated))
    assert diff.headline == [
        ("insert", "UPDATE: "),
        ("equal", "Danish troops "),
        ("delete", "may be "),
        ("equal", "leaving Mali"),
    ]
    assert [s.kind for s in diff.sections] == ["standfirst", "update", "original"]
    assert diff.sections[2].heading == "Original story"
    edited = [line for s in diff.sections for line in s.lines if line.op == "edited"]
    assert len(edited) == 1
    assert ("delete", "goverment") in edited[0].segments
    assert ("insert", "government") in edited[0].segments
    assert diff.changed


def test_article_diff_of_identical_versions_is_unchanged(seed_updated):
    diff = article_diff(seed_updated, copy.deepcopy(seed_updated))
    assert not diff.changed
    assert {line.op for s in diff.sections for line in s.lines} == {"same"}


def test_article_diff_places_removed_text_where_it_was(seed_earlier, seed_updated):
    old = copy.deepcopy(seed_earlier)
    gone = "This paragraph was in the first version only."
    old.sections[0].paragraphs.insert(2, Paragraph(gone))
    diff = article_diff(old, seed_updated)
    original = diff.sections[-1]
    assert original.kind == "original"
    ops = [(line.op, line.segments) for line in original.lines]
    k = ops.index(("removed", [("delete", gone)]))
    assert ops[k - 1][0] == "same" and ops[k + 1][0] == "same"
    update = next(s for s in diff.sections if s.kind == "update")
    assert {line.op for line in update.lines} == {"added"}


def test_article_diff_keeps_a_removed_section(seed_updated):
    old = copy.deepcopy(seed_updated)
    old.sections.append(Section("correction", [Paragraph("We got the numbers wrong.")]))
    diff = article_diff(old, seed_updated)
    assert diff.sections[-1].kind == "correction"
    assert [line.op for line in diff.sections[-1].lines] == ["removed"]


def test_to_dict_is_json_and_holds_everything_the_terminal_shows(seed_updated):
    diff = article_diff(*_pair(seed_updated))
    data = json.loads(json.dumps(diff.to_dict()))
    assert data["headline"][0] == {"op": "insert", "text": "UPDATE: "}
    assert data["changed"] is True
    kinds = [s["kind"] for s in data["sections"]]
    assert kinds == ["standfirst", "update", "original"]
    texts = "".join(
        seg["text"] for s in data["sections"] for line in s["lines"] for seg in line["segments"]
    )
    assert "goverment" in texts and "government" in texts
    assert data["sections"][1]["lines"][0]["new_paragraph"] is True


def test_render_terminal_colours_deletions_red_and_insertions_green(seed_updated):
    diff = article_diff(*_pair(seed_updated))
    coloured = render_terminal(diff, color=True)
    assert f"{GREEN}UPDATE: " in coloured
    assert f"{RED}" in coloured and "goverment" in coloured
    first_line = coloured.splitlines()[0]
    assert "Danish troops" in first_line and "leaving Mali" in first_line


def test_render_terminal_without_colour_uses_plain_markers(seed_updated):
    diff = article_diff(*_pair(seed_updated))
    plain = render_terminal(diff, color=False)
    assert "\x1b[" not in plain
    assert plain.splitlines()[0] == "{+UPDATE: +}Danish troops [-may be -]leaving Mali"
    assert "[-goverment-]{+government+}" in plain
    assert "## Original story" in plain and "## Update" in plain
    assert "The group of Danish troops recently deployed" in plain  # context is kept


def test_render_terminal_marks_moved_sentences():
    a, b = "First sentence here.", "Second sentence here."
    old = Article(title="T", sections=[Section("body", [Paragraph(a), Paragraph(b)])])
    new = Article(title="T", sections=[Section("body", [Paragraph(b), Paragraph(a)])])
    plain = render_terminal(article_diff(old, new), color=False)
    assert "(moved) " in plain


_KINDS = st.sampled_from(["body", "update", "original", "correction", "live_entry"])
_PARAGRAPH = st.lists(
    st.sampled_from(
        [
            "Troops left Mali.",
            "Kofod spoke.",
            "The vote was 52 to 48.",
            "Correction: it was 90.",
            "Mr. Kofod denied it.",
            "Sweden stays.",
        ]
    ),
    min_size=1,
    max_size=3,
).map(" ".join)
_ARTICLE = st.builds(
    lambda title, sections: Article(title=title, sections=sections),
    st.sampled_from(["Troops", "UPDATE: Troops", None]),
    st.lists(
        st.builds(
            lambda kind, ps: Section(kind, [Paragraph(p) for p in ps]),
            _KINDS,
            st.lists(_PARAGRAPH, max_size=4),
        ),
        max_size=3,
    ),
)


@settings(deadline=None, max_examples=50)
@given(_ARTICLE, _ARTICLE)
def test_article_diff_shows_every_sentence_of_both_versions_once(old, new):
    diff = article_diff(old, new)
    lines = [line for s in diff.sections for line in s.lines]
    new_side = [_sides(line.segments)[1] for line in lines if line.op != "removed"]
    old_side = [_sides(line.segments)[0] for line in lines if line.op not in ("added",)]
    assert new_side == [
        s for sec in new.sections for p in sec.paragraphs for s in split_sentences(p.text)
    ]
    assert sorted(old_side) == sorted(
        s for sec in old.sections for p in sec.paragraphs for s in split_sentences(p.text)
    )
    json.dumps(diff.to_dict())
    render_terminal(diff, color=True)
    summarize_changes(compare_articles(old, new))
    assert (compare_articles(old, new) == []) == (not diff.changed)


def test_word_diff_of_two_whole_articles_compares_words_not_whitespace():
    """Whitespace travels with the next word instead of being a token of its own: as its
    own tokens it doubled what the matcher compares and took 2,000 words from ~0.1 to
    ~0.6 s (the speed itself is measured by benchmarks/revisions.py, not here)."""
    truth = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "extraction"
    bodies = json.loads((truth / "ground-truth.json").read_text(encoding="utf-8")).values()
    words = " ".join(b["articleBody"] for b in bodies).split()
    before = " ".join(words[:2000])
    after = before.replace(" the ", " teh ", 5).replace("said", "told", 3)
    tokens, spaces, _ = _tokens(before)
    assert all(token.strip() for token in tokens) and len(tokens) >= 2000
    assert len(spaces) == len(tokens)
    segments = word_diff(before, after)
    assert _sides(segments) == (before, after)
    assert sum(op == "delete" for op, _ in segments) == 8
