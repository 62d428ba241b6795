"""Near-duplicate detection for syndicated copies."""

from __future__ import annotations

from storyline.stories.syndication import SyndicationIndex, similarity, sketch

WIRE = " ".join(
    f"Sentence {i} of the wire story says that the ministry confirmed figure {i * 7}."
    for i in range(12)
)


def test_sketch_similarity():
    copy = WIRE.replace("Sentence 11", "Paragraph 11")  # a small edit at the end
    other = " ".join(f"Entirely different report number {i} about football." for i in range(12))
    assert similarity(sketch(WIRE), sketch(WIRE)) == 1.0
    assert similarity(sketch(WIRE), sketch(copy)) >= 0.8
    assert similarity(sketch(WIRE), sketch(other)) < 0.1
    assert sketch("too short to sketch") == ()


def test_index_returns_the_earliest_copy():
    index = SyndicationIndex(0.8)
    assert index.match_and_add("a", WIRE) is None
    assert index.match_and_add("b", WIRE + " Extra line.") == "a"
    assert index.match_and_add("c", "Short headline") is None
    assert index.match_and_add("d", "short   HEADLINE") == "c"  # short texts: word for word
    assert index.match_and_add("e", "Another headline") is None
