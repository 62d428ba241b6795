"""Near-duplicate detection, so that a syndicated copy counts once in a story.

Wire stories appear on many sites with small edits (a different headline, a trimmed last
paragraph). Each text is reduced to a bottom-k sketch of its hashed word 5-shingles; two
texts whose estimated Jaccard similarity reaches the threshold are copies. Short texts
(headlines) have too few shingles for that and must match word for word instead.
Candidates are found through the few smallest hashes, so a lookup is not a scan.
"""

from __future__ import annotations

import re
import zlib
from typing import Any

_WORD = re.compile(r"[^\W_]+")
SHINGLE = 5
SKETCH = 64
BANDS = 8
MIN_WORDS = 40


def sketch(text: str, words: list[str] | None = None) -> tuple[int, ...]:
    """The ``SKETCH`` smallest CRC-32 hashes of the text's word shingles (sorted).

    CRC-32 is stable across processes (``hash`` is not) and about three times faster than
    a cryptographic hash; with a few hundred shingles per text, 32 bits rarely collide.
    """
    words = _WORD.findall(text.casefold()) if words is None else words
    if len(words) < MIN_WORDS:
        return ()
    hashes = {
        zlib.crc32(" ".join(words[i : i + SHINGLE]).encode("utf-8"))
        for i in range(len(words) - SHINGLE + 1)
    }
    return tuple(sorted(hashes)[:SKETCH])


def similarity(first: tuple[int, ...], second: tuple[int, ...]) -> float:
    """Estimated Jaccard similarity of the two shingle sets behind two sketches."""
    if not first or not second:
        return 0.0
    union = sorted(set(first) | set(second))[:SKETCH]
    both = set(first) & set(second)
    return sum(1 for h in union if h in both) / len(union)


# What a text is compared by: its sketch, or for a short text its words (lower case,
# single spaces; "" when it has none).
Signature = tuple[int, ...] | str


def signature(text: str) -> Signature:
    """The sketch of ``text``, or its normalised words when it is too short for one."""
    words = _WORD.findall(text.casefold())
    return sketch(text, words) or " ".join(words)


class SyndicationIndex:
    """Remembers the texts seen so far and tells which earlier one a new text copies."""

    def __init__(self, threshold: float = 0.8) -> None:
        self.threshold = threshold
        self._exact: dict[str, str] = {}
        self._sketches: dict[str, tuple[int, ...]] = {}
        self._bands: dict[int, list[str]] = {}
        self._order: dict[str, int] = {}
        self._sets: dict[str, frozenset[int]] = {}

    def match_and_add(self, key: str, text: str) -> str | None:
        """The key of the earliest stored copy of ``text``, or None; stores ``text`` too."""
        return self.match_signature(key, signature(text))

    def match_signature(self, key: str, sig: Signature) -> str | None:
        """``match_and_add`` for a text given by its ``signature``."""
        if isinstance(sig, str):
            if not sig:
                return None
            original = self._exact.get(sig)
            if original is None:
                self._exact[sig] = key
            return original
        candidates: dict[str, None] = {}
        for value in sig[:BANDS]:
            for other in self._bands.get(value, ()):
                candidates[other] = None
        mine = frozenset(sig)
        copies = [
            c
            for c in candidates
            if self._may_copy(mine, self._sets[c])
            and similarity(sig, self._sketches[c]) >= self.threshold
        ]
        if copies:
            return min(copies, key=self._order.__getitem__)
        self._order[key] = len(self._order)
        self._sketches[key] = tuple(sig)
        self._sets[key] = mine
        for value in sig[:BANDS]:
            self._bands.setdefault(value, []).append(key)
        return None

    def state(self) -> dict[str, Any]:
        """The texts seen so far, JSON-ready: short texts and sketches in arrival order
        (the bands, order and sets are rebuilt from them)."""
        return {"exact": self._exact, "sketches": list(self._sketches.items())}

    @classmethod
    def from_state(cls, threshold: float, state: dict[str, Any]) -> SyndicationIndex:
        """The index ``state`` was taken from."""
        index = cls(threshold)
        index._exact = dict(state["exact"])
        for key, sig in state["sketches"]:
            index._order[key] = len(index._order)
            index._sketches[key] = tuple(sig)
            index._sets[key] = frozenset(sig)
            for value in sig[:BANDS]:
                index._bands.setdefault(value, []).append(key)
        return index

    def _may_copy(self, first: frozenset[int], second: frozenset[int]) -> bool:
        """False when ``similarity`` cannot reach the threshold: at most the shared hashes
        fall among the ``SKETCH`` smallest of the union (a set intersection instead of a
        sort; most candidates found through one shared band value stop here)."""
        both = len(first & second)
        return both >= self.threshold * min(SKETCH, len(first) + len(second) - both)
