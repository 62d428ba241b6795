"""Sentence alignment between two versions of an article.

Three passes, each cheaper than a full pairwise comparison:

1. Exact matches by text (whitespace collapsed), duplicates paired in order.
2. The longest increasing run of those matches (patience sorting, O(n log n)) stays in
   place: ``same``. An exact match outside it was reordered: ``moved``.
3. The sentences left on both sides are paired by similarity: candidate pairs come from
   an index of their rarer words (prefix filtering), a word-multiset Dice score (an
   upper bound of the ratio) drops weak ones, difflib's ratio over the word sequences
   scores the rest, and pairs are taken
   greedily best first above a threshold: ``edited``. Lines of a few words (headings,
   captions) are also compared letter by letter, since a typo in a one-word line leaves
   no word in common. What is left is ``added`` or ``removed``. Pairing is global rather
   than per section, because text moves between sections (the body becomes the
   "Original story" under a new update).

A typical revision leaves a handful of sentences for pass 3, so a 2,000-word pair
aligns in about a millisecond (see docs/benchmarks.md, "Revisions").
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict, deque
from dataclasses import dataclass
from difflib import SequenceMatcher
from math import ceil

from storyline.revisions.sentences import split_sentences

__all__ = ["EDIT_THRESHOLD", "OPS", "Alignment", "align_sentences", "split_sentences"]

OPS = ("same", "edited", "moved", "added", "removed")
# Word-sequence similarity at or above which two sentences are one sentence, edited.
# 0.5 keeps "Denmark has about 90 soldiers" ~ "Denmark has about 100 soldiers" (0.86)
# and a sentence with a clause rewritten, but not two sentences that share a subject.
EDIT_THRESHOLD = 0.5
# Lines of at most this many words are also compared letter by letter, at this ratio.
_SHORT_WORDS = 4
_SHORT_THRESHOLD = 0.8
_WORD = re.compile(r"\w+")


@dataclass
class Alignment:
    """One step of the alignment: a sentence kept, edited, moved, added or removed."""

    op: str
    before: str | None
    after: str | None
    before_index: int | None
    after_index: int | None
    similarity: float


def align_sentences(
    before: list[str], after: list[str], threshold: float = EDIT_THRESHOLD
) -> list[Alignment]:
    """Align two versions' sentences, in reading order of the new version.

    Every sentence of ``before`` appears exactly once with its ``before_index`` and every
    sentence of ``after`` exactly once with its ``after_index``. A removed sentence is
    placed right after the sentence that preceded it in the old version.
    """
    pairs = _exact_pairs(before, after)
    kept = _longest_increasing([i for i, _ in pairs])
    steps: list[Alignment] = []
    for k, (i, j) in enumerate(pairs):
        op = "same" if k in kept else "moved"
        steps.append(Alignment(op, before[i], after[j], i, j, 1.0))
    matched_before = {i for i, _ in pairs}
    matched_after = {j for _, j in pairs}
    rest_before = [i for i in range(len(before)) if i not in matched_before]
    rest_after = [j for j in range(len(after)) if j not in matched_after]
    for i, j, score in _similar_pairs(before, after, rest_before, rest_after, threshold):
        steps.append(Alignment("edited", before[i], after[j], i, j, score))
        matched_before.add(i)
        matched_after.add(j)
    for i in rest_before:
        if i not in matched_before:
            steps.append(Alignment("removed", before[i], None, i, None, 0.0))
    for j in rest_after:
        if j not in matched_after:
            steps.append(Alignment("added", None, after[j], None, j, 0.0))
    return _reading_order(steps, len(before))


def _key(sentence: str) -> str:
    return " ".join(sentence.split())


def _exact_pairs(before: list[str], after: list[str]) -> list[tuple[int, int]]:
    """(before_index, after_index) of identical sentences, in the new version's order."""
    positions: dict[str, deque[int]] = defaultdict(deque)
    for i, sentence in enumerate(before):
        positions[_key(sentence)].append(i)
    pairs = []
    for j, sentence in enumerate(after):
        queue = positions.get(_key(sentence))
        if queue:
            pairs.append((queue.popleft(), j))
    return pairs


def _longest_increasing(values: list[int]) -> set[int]:
    """Positions in ``values`` of one longest strictly increasing subsequence."""
    tails: list[int] = []  # values[tail_pos[k]] is the smallest tail of a run of length k+1
    tail_pos: list[int] = []
    parent = [-1] * len(values)
    for pos, value in enumerate(values):
        k = bisect_left(tails, value)
        if k == len(tails):
            tails.append(value)
            tail_pos.append(pos)
        else:
            tails[k] = value
            tail_pos[k] = pos
        parent[pos] = tail_pos[k - 1] if k else -1
    kept: set[int] = set()
    pos = tail_pos[-1] if tail_pos else -1
    while pos != -1:
        kept.add(pos)
        pos = parent[pos]
    return kept


def _similar_pairs(
    before: list[str],
    after: list[str],
    rest_before: list[int],
    rest_after: list[int],
    threshold: float,
) -> list[tuple[int, int, float]]:
    """Greedy best-first pairs of leftover sentences that are similar enough to be one."""
    if not rest_before or not rest_after:
        return []
    words_before = {i: _WORD.findall(before[i].lower()) for i in rest_before}
    words_after = {j: _WORD.findall(after[j].lower()) for j in rest_after}
    scored = _word_scores(words_before, words_after, threshold)
    scored += _short_scores(before, after, words_before, words_after)
    return _greedy(scored, before, after)


def _word_scores(
    words_before: dict[int, list[str]], words_after: dict[int, list[str]], threshold: float
) -> list[tuple[float, int, int]]:
    """(ratio, i, j) of pairs whose word-sequence ratio reaches ``threshold``."""
    sets_before = {i: _occurrences(w) for i, w in words_before.items()}
    sets_after = {j: _occurrences(w) for j, w in words_after.items()}
    dice = threshold
    scored: list[tuple[float, int, int]] = []
    for i, j in _candidates(sets_before, sets_after, dice):
        set_b, set_a = sets_before[i], sets_after[j]
        if 2 * len(set_a & set_b) < dice * (len(set_a) + len(set_b)):
            continue
        score = SequenceMatcher(None, words_before[i], words_after[j], autojunk=False).ratio()
        if score >= threshold:
            scored.append((score, i, j))
    return scored


def _occurrences(words: list[str]) -> frozenset[str]:
    """The words as a set that keeps repeats apart ("the", "the#1"): a multiset.

    The Dice score of two such sets bounds difflib's ratio from above (every matched
    word pairs one occurrence on each side), so filtering on it at the threshold itself
    never drops a pair the ratio would keep.
    """
    unique = frozenset(words)
    if len(unique) == len(words):
        return unique
    seen: dict[str, int] = {}
    out = []
    for word in words:
        k = seen.get(word, 0)
        seen[word] = k + 1
        out.append(f"{word}#{k}" if k else word)
    return frozenset(out)


def _short_scores(
    before: list[str],
    after: list[str],
    words_before: dict[int, list[str]],
    words_after: dict[int, list[str]],
) -> list[tuple[float, int, int]]:
    """(ratio, i, j) of short lines alike letter by letter.

    A heading or a one-word line with a typo ("Safety" -> "Safey") shares no word with its
    old self, so the word ratio cannot see it. Only lines of a few words are compared, and
    only with lines of a compatible length (what ``real_quick_ratio`` would allow).
    """
    short_before = sorted(
        (len(before[i]), i) for i, w in words_before.items() if len(w) <= _SHORT_WORDS
    )
    lengths = [n for n, _ in short_before]
    floor = _SHORT_THRESHOLD / (2 - _SHORT_THRESHOLD)  # shortest/longest length ratio
    scored: list[tuple[float, int, int]] = []
    for j, words in words_after.items():
        if len(words) > _SHORT_WORDS:
            continue
        size = len(after[j])
        low, high = bisect_left(lengths, size * floor), bisect_right(lengths, size / floor)
        matcher = SequenceMatcher(None, autojunk=False)
        matcher.set_seq2(after[j].lower())  # seq2 is the side SequenceMatcher caches
        for _, i in short_before[low:high]:
            matcher.set_seq1(before[i].lower())
            if matcher.quick_ratio() >= _SHORT_THRESHOLD:
                score = matcher.ratio()
                if score >= _SHORT_THRESHOLD:
                    scored.append((score, i, j))
    return scored


def _greedy(
    scored: list[tuple[float, int, int]], before: list[str], after: list[str]
) -> list[tuple[int, int, float]]:
    """Take pairs best first; a tie goes to the pair closer letter by letter."""
    ties = Counter(score for score, _, _ in scored)

    def key(item: tuple[float, int, int]) -> tuple[float, float, int, int]:
        score, i, j = item
        letters = 0.0
        if ties[score] > 1:  # the character ratio is costly: only where it decides
            letters = SequenceMatcher(None, before[i].lower(), after[j].lower()).ratio()
        return (-score, -letters, i, j)

    used_before: set[int] = set()
    used_after: set[int] = set()
    chosen = []
    for score, i, j in sorted(scored, key=key):
        if i not in used_before and j not in used_after:
            used_before.add(i)
            used_after.add(j)
            chosen.append((i, j, score))
    return chosen


def _candidates(
    sets_before: dict[int, frozenset[str]], sets_after: dict[int, frozenset[str]], dice: float
) -> list[tuple[int, int]]:
    """Pairs that may reach the Dice score ``dice``, found through their rarer words.

    Prefix filtering (as in the AllPairs set-similarity join): order words from rarest to
    most common; two sets with Jaccard >= j must share a word among the first
    ``len - ceil(j * len) + 1`` of each. Common words ("the", "of") sit at the end of every
    set, so they are never indexed, and unrelated sentences rarely meet. Each word's
    postings are a bit mask over the old sentences, so a lookup is one integer OR.
    """
    jaccard = dice / (2 - dice)
    frequency: Counter[str] = Counter()
    for group in (sets_before, sets_after):
        for words in group.values():
            frequency.update(words)
    # most_common() is stable, so ties keep first-seen order and runs are reproducible.
    rank = {w: -k for k, (w, _) in enumerate(frequency.most_common())}

    def prefix(words: frozenset[str]) -> list[str]:
        ordered = sorted(words, key=rank.__getitem__)
        return ordered[: len(ordered) - ceil(jaccard * len(ordered)) + 1]

    order = list(sets_before)
    masks: dict[str, int] = defaultdict(int)
    for bit, i in enumerate(order):
        for word in prefix(sets_before[i]):
            masks[word] |= 1 << bit
    pairs: list[tuple[int, int]] = []
    for j, words in sets_after.items():
        mask = 0
        for word in prefix(words):
            mask |= masks.get(word, 0)
        while mask:
            low = mask & -mask
            pairs.append((order[low.bit_length() - 1], j))
            mask ^= low
    return pairs


def _reading_order(steps: list[Alignment], n_before: int) -> list[Alignment]:
    """Sort by the new version's order; removed sentences follow their old predecessor.

    The predecessor is the nearest earlier sentence that stayed in place (same or
    edited): one that moved away would drag the removed sentence along with it.
    """
    after_of_before: list[int | None] = [None] * n_before
    for step in steps:
        if step.op in ("same", "edited"):
            assert step.before_index is not None and step.after_index is not None
            after_of_before[step.before_index] = step.after_index
    anchor = -1  # the new position of the nearest kept sentence before, in the old order
    anchors: list[int] = []
    for position in after_of_before:
        if position is not None:
            anchor = position
        anchors.append(anchor)

    def sort_key(step: Alignment) -> tuple[int, int, int]:
        if step.after_index is not None:
            return (step.after_index, 0, 0)
        assert step.before_index is not None
        return (anchors[step.before_index], 1, step.before_index)

    return sorted(steps, key=sort_key)
