"""Sentence alignment: exact, moved, edited, added and removed sentences."""

from __future__ import annotations

import json
import re
from difflib import SequenceMatcher
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.revisions import align_sentences, split_sentences
from storyline.revisions.align import EDIT_THRESHOLD

A = "The government has decided to withdraw its troops from Mali."
B = "Denmark has about 90 soldiers and a team of surgeons in Mali."
C = "The decision to withdraw came in the wake of a meeting in Parliament."
D = "Aside from Denmark and France, countries like Sweden take part."
E = "Denmark has maintained a military presence in the Sahel since 2014."


def _ops(steps):
    return [(s.op, s.before_index, s.after_index) for s in steps]


def test_identical_lists_are_all_same():
    steps = align_sentences([A, B, C], [A, B, C])
    assert _ops(steps) == [("same", 0, 0), ("same", 1, 1), ("same", 2, 2)]
    assert all(s.similarity == 1.0 for s in steps)


def test_added_and_removed_sentences_keep_their_place():
    steps = align_sentences([A, B, C, D], [A, C, E, D])
    assert _ops(steps) == [
        ("same", 0, 0),
        ("removed", 1, None),
        ("same", 2, 1),
        ("added", None, 2),
        ("same", 3, 3),
    ]
    assert steps[1].before == B and steps[1].after is None
    assert steps[3].after == E and steps[3].similarity == 0.0


def test_a_sentence_out_of_order_is_moved_and_the_rest_stay():
    steps = align_sentences([A, B, C, D, E], [B, C, D, A, E])
    assert [s.op for s in steps] == ["same", "same", "same", "moved", "same"]
    moved = steps[3]
    assert (moved.before, moved.before_index, moved.after_index) == (A, 0, 3)


def test_a_removed_sentence_stays_where_it_was_when_its_neighbour_moves():
    steps = align_sentences([A, B, C, D], [C, D, A])
    assert _ops(steps) == [("removed", 1, None), ("same", 2, 0), ("same", 3, 1), ("moved", 0, 2)]


def test_an_edited_sentence_pairs_with_its_old_self():
    edited = B.replace("90", "100")
    steps = align_sentences([A, B, C], [A, edited, C])
    assert _ops(steps) == [("same", 0, 0), ("edited", 1, 1), ("same", 2, 2)]
    assert steps[1].before == B and steps[1].after == edited
    assert 0.8 < steps[1].similarity < 1.0


def test_an_edited_sentence_is_found_even_when_it_also_moved():
    edited = A.replace("troops", "soldiers")
    steps = align_sentences([A, B, C, D], [B, C, D, edited])
    assert ("edited", 0, 3) in _ops(steps)


def test_a_short_line_with_a_typo_is_edited_letter_by_letter():
    steps = align_sentences(["Safety", "Defensive Line", A], ["Safey", "Defensve Line", A])
    assert _ops(steps) == [("edited", 0, 0), ("edited", 1, 1), ("same", 2, 2)]


def test_similar_short_lines_pair_with_their_closest_old_line():
    old = ["Post-Workout Meal", "Post-Workout Supplement"]
    new = ["Post-Workout Supplements", "Post-Workout Mel"]
    pairs = {(s.before, s.after) for s in align_sentences(old, new) if s.op == "edited"}
    assert pairs == {(old[0], new[1]), (old[1], new[0])}


def test_unrelated_short_lines_are_not_paired():
    steps = align_sentences(["Cornerback"], ["Quarterback"])
    assert sorted(s.op for s in steps) == ["added", "removed"]


def test_a_rewritten_sentence_is_removed_and_added_not_edited():
    rewrite = "Officials in Bamako said nothing on Friday about any of it."
    steps = align_sentences([A, B, C], [A, rewrite, C])
    assert sorted(s.op for s in steps) == ["added", "removed", "same", "same"]


def test_edits_pair_each_new_sentence_with_its_closest_old_one():
    b2 = B.replace("90", "95")
    e2 = E.replace("2014", "2013")
    steps = align_sentences([B, E], [e2, b2])
    pairs = {(s.before, s.after) for s in steps if s.op == "edited"}
    assert pairs == {(B, b2), (E, e2)}


def test_duplicate_sentences_are_matched_once_each():
    steps = align_sentences([A, A, B], [A, B, A, A])
    assert sorted(s.op for s in steps) == ["added", "moved", "same", "same"]
    _assert_each_sentence_once(steps, 3, 4)


def test_whitespace_differences_are_not_edits():
    steps = align_sentences([A], ["  " + A.replace(" ", "  ")])
    assert [s.op for s in steps] == ["same"]


def test_empty_sides():
    assert align_sentences([], []) == []
    assert [s.op for s in align_sentences([], [A, B])] == ["added", "added"]
    assert [s.op for s in align_sentences([A, B], [])] == ["removed", "removed"]


def _assert_each_sentence_once(steps, n_before, n_after):
    before = sorted(s.before_index for s in steps if s.before_index is not None)
    after = sorted(s.after_index for s in steps if s.after_index is not None)
    assert before == list(range(n_before))
    assert after == list(range(n_after))
    for s in steps:
        assert s.op in ("same", "edited", "moved", "added", "removed")
        assert (s.before is None) == (s.before_index is None)
        assert (s.after is None) == (s.after_index is None)


_WORDS = st.sampled_from(
    "the a Denmark Mali troops government said on Friday withdraw 90 soldiers , . new".split()
)
_SENTENCE = st.lists(_WORDS, min_size=0, max_size=12).map(" ".join)
_POOL = st.lists(_SENTENCE | st.text(max_size=40), min_size=1, max_size=8)


@settings(deadline=None)
@given(st.lists(st.text(max_size=60), max_size=30), st.lists(st.text(max_size=60), max_size=30))
def test_arbitrary_lists_never_crash_and_keep_every_sentence(before, after):
    steps = align_sentences(before, after)
    _assert_each_sentence_once(steps, len(before), len(after))


@settings(deadline=None)
@given(
    _POOL.flatmap(
        lambda pool: st.tuples(
            st.lists(st.sampled_from(pool), max_size=25),
            st.lists(st.sampled_from(pool), max_size=25),
        )
    )
)
def test_related_lists_keep_every_sentence_once_with_the_right_text(sides):
    before, after = sides
    steps = align_sentences(before, after)
    _assert_each_sentence_once(steps, len(before), len(after))
    for s in steps:
        if s.before_index is not None:
            assert s.before == before[s.before_index]
        if s.after_index is not None:
            assert s.after == after[s.after_index]
        if s.op in ("same", "moved"):
            assert " ".join(s.before.split()) == " ".join(s.after.split())


@settings(deadline=None)
@given(st.lists(_SENTENCE | st.text(max_size=40), max_size=30))
def test_a_list_aligned_with_itself_is_all_same(sentences):
    steps = align_sentences(sentences, sentences)
    assert [s.op for s in steps] == ["same"] * len(sentences)
    assert [s.after_index for s in steps] == list(range(len(sentences)))


@settings(deadline=None, max_examples=50)
@given(st.lists(_SENTENCE, max_size=25), st.lists(_SENTENCE, max_size=25))
def test_new_order_is_reading_order(before, after):
    steps = align_sentences(before, after)
    assert [s.after_index for s in steps if s.after_index is not None] == list(range(len(after)))


@settings(deadline=None, max_examples=50)
@given(st.data())
def test_unchanged_sentences_never_count_as_moved_when_nothing_was_reordered(data):
    sentences = data.draw(st.lists(_SENTENCE, min_size=1, max_size=20, unique=True))
    keep = data.draw(st.lists(st.booleans(), min_size=len(sentences), max_size=len(sentences)))
    after = [s for s, k in zip(sentences, keep, strict=True) if k]
    steps = align_sentences(sentences, after)
    assert "moved" not in [s.op for s in steps]


def test_a_2000_word_pair_with_edits_a_move_and_an_addition():
    """The pair benchmarks/revisions.py times (1.2 ms median): here, what it finds."""
    truth = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "extraction"
    bodies = json.loads((truth / "ground-truth.json").read_text(encoding="utf-8")).values()
    words = " ".join(b["articleBody"] for b in bodies).split()[:2000]
    before = split_sentences(" ".join(words))
    edited = {k for k, s in enumerate(before) if k % 7 == 0 and "the" in s}
    after = [s.replace("the", "teh", 1) if k in edited else s for k, s in enumerate(before)]
    after = after[10:40] + after[:10] + ["A new sentence was added here."] + after[40:]
    assert len(before) > 60
    steps = align_sentences(before, after)
    assert [s.after for s in steps if s.op == "added"] == ["A new sentence was added here."]
    assert sorted(s.before_index for s in steps if s.before is not None) == list(range(len(before)))
    assert {s.before_index for s in steps if s.op == "edited"} == edited
    assert any(s.op == "moved" for s in steps)


def _word_ratio(a: str, b: str) -> float:
    wa, wb = re.findall(r"\w+", a.lower()), re.findall(r"\w+", b.lower())
    return SequenceMatcher(None, wa, wb, autojunk=False).ratio()


@settings(deadline=None, max_examples=60)
@given(st.lists(_SENTENCE, max_size=20), st.lists(_SENTENCE, max_size=20))
def test_no_similar_pair_is_left_as_removed_plus_added(before, after):
    """The candidate index never hides a pair: what stays apart is below the threshold."""
    steps = align_sentences(before, after)
    removed = [s.before for s in steps if s.op == "removed"]
    added = [s.after for s in steps if s.op == "added"]
    for r in removed:
        for a in added:
            if re.search(r"\w", r) and re.search(r"\w", a):  # two word-less lines: no ratio
                assert _word_ratio(r, a) < EDIT_THRESHOLD
    for s in steps:
        if s.op == "edited" and len(re.findall(r"\w+", s.after)) > 4:
            assert s.similarity == _word_ratio(s.before, s.after) >= EDIT_THRESHOLD
