"""Threading's copy check: the one near-duplicate detector (``storyline.duplicates``),
online and in memory (``CopyIndex``), so a syndicated copy counts once in a story."""

from __future__ import annotations

import json

from storyline.duplicates import NUM_PERM, CopyIndex, text_signature
from storyline.stories.threading import StoryThreader, ThreadingOptions, ThreadItem

WIRE = " ".join(
    f"Sentence {i} of the wire story says that the ministry confirmed figure {i * 7}."
    for i in range(12)
)
OTHER = " ".join(f"Entirely different report number {i} about football." for i in range(12))


def test_a_body_is_compared_by_its_minhash_and_a_short_text_word_for_word():
    assert len(text_signature(WIRE)) == NUM_PERM
    assert text_signature("too short", "Short   HEADLINE\ntoo short") == "short headline too short"
    assert text_signature("") == ""


def test_index_returns_the_earliest_copy():
    index = CopyIndex(0.5)
    copy = WIRE.replace("Sentence 11", "Paragraph 11") + " Reporting by the agency."
    assert index.match_signature("a", text_signature(WIRE)) is None
    assert index.match_signature("b", text_signature(OTHER)) is None
    assert index.match_signature("c", text_signature(copy)) == "a"
    assert index.match_signature("d", text_signature(WIRE)) == "a"
    assert index.match_signature("e", "short headline") is None
    assert index.match_signature("f", "short headline") == "e"
    assert index.match_signature("g", "") is None  # nothing to compare


def test_a_signature_of_an_older_storyline_is_never_a_copy():
    index = CopyIndex(0.5)
    old = tuple(range(64))  # a bottom-64 sketch, as threading logged it before
    assert index.match_signature("a", old) is None
    assert index.match_signature("b", old) is None


def test_the_index_state_round_trips_through_json():
    index = CopyIndex(0.5)
    index.match_signature("a", text_signature(WIRE))
    index.match_signature("e", "short headline")
    restored = CopyIndex.from_state(0.5, json.loads(json.dumps(index.state())))
    assert restored.match_signature("c", text_signature(WIRE + " More.")) == "a"
    assert restored.match_signature("f", "short headline") == "e"


def test_the_threader_puts_a_copy_into_its_originals_story():
    threader = StoryThreader(ThreadingOptions())
    first = threader.add(ThreadItem("a", "Ministry confirms figures", WIRE))
    threader.add(ThreadItem("b", "Football report", OTHER))
    copy = threader.add(ThreadItem("c", "Figures confirmed, agency says", WIRE + " More."))
    assert copy == first
