"""Syndicated copies: one agency story on many sites, found with MinHash LSH.

A copy rarely matches byte for byte: each site wraps it in its own boilerplate, trims a
paragraph, fixes a typo. So the *extracted body* is compared, as a set of 4-word shingles,
by its Jaccard similarity, estimated from a 128-value MinHash signature (datasketch). To
find candidates without comparing every pair, the signature is cut into bands (the band
count and width are datasketch's optimum for the threshold); two pages that agree on a
whole band are candidates, and a candidate whose estimated similarity reaches the
threshold joins the page's group. Band keys live in the database, so the index survives
between runs and needs no memory.

This module is the policy alone (pure: text in, signatures and keys out); the store keeps
the index (``store/duplicates.py``) and the pipeline feeds it (``pipeline/copies.py``).
``CopyIndex`` is the same policy online and in memory, for the story threader, which
counts a syndicated copy once in a story (its state is plain data, kept in its log and
snapshots).
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

from storyline.errors import ConfigError

NUM_PERM = 128
SHINGLE_WORDS = 4
MIN_WORDS = 40  # shorter bodies (briefs, captions) match too easily to call copies
_SCHEME = "affine32"
_WORD = re.compile(r"\w+")
_LETTERS = re.compile(r"[^\W_]+")  # the words of a short text, matched word for word


@dataclass(frozen=True)
class LshParams:
    """How signatures are compared: the similarity threshold and the band layout."""

    threshold: float
    bands: int
    rows: int

    @classmethod
    def for_threshold(cls, threshold: float) -> LshParams:
        """Band count and width that datasketch finds optimal for ``threshold``."""
        if not 0.0 < threshold < 1.0:
            raise ConfigError(
                f"setting 'duplicate_threshold' must be between 0 and 1 "
                f"(exclusive), got {threshold}"
            )
        return _optimal(threshold)


@functools.lru_cache(maxsize=16)
def _optimal(threshold: float) -> LshParams:
    """datasketch's optimal layout (it integrates false-positive and -negative curves,
    about 20 ms): computed once per threshold, as every stored page asks for it."""
    from datasketch import MinHashLSH  # type: ignore[import-untyped]  # no types; imports scipy

    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    return LshParams(threshold, lsh.b, lsh.r)


class Fingerprinter:
    """Computes MinHash signatures, the same values as datasketch's ``MinHash`` with the
    ``affine32`` scheme and its default SHA-1 hash, in a few vectorised steps.

    Stored band keys depend on these exact values, so only the arithmetic is ours: the
    permutations come from datasketch (built once per process: ingest workers fingerprint
    every page) and a test checks the result against ``MinHash.update_batch``. Doing the
    steps here skips datasketch's per-shingle Python call and list-to-array conversion,
    about half its cost on an article.
    """

    def __init__(self) -> None:
        self._a, self._b = _permutations()

    def signature(self, text: str) -> bytes | None:
        """The MinHash of the text's 4-word shingles, or None for a text too short to judge."""
        words = _WORD.findall(text.lower())
        if len(words) < MIN_WORDS:
            return None
        shifted = (words[i:] for i in range(SHINGLE_WORDS))  # zip stops at the shortest
        shingles = set(map(" ".join, zip(*shifted, strict=False)))
        sha1 = hashlib.sha1
        digests = b"".join([sha1(s.encode("utf-8")).digest()[:4] for s in shingles])
        mixed = _fmix32(np.frombuffer(digests, dtype="<u4").astype(np.uint32)).reshape(-1, 1)
        signature: bytes = (mixed * self._a + self._b).min(axis=0).astype("<u4").tobytes()
        return signature


@functools.cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """datasketch's ``affine32`` permutations for ``NUM_PERM`` (fixed seed), read-only."""
    from datasketch import MinHash  # imported when first needed: it imports scipy (~0.5 s)

    a, b = MinHash(num_perm=NUM_PERM, scheme=_SCHEME).permutations
    a, b = a.astype(np.uint32), b.astype(np.uint32)
    a.setflags(write=False)
    b.setflags(write=False)
    return a, b


def _fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finaliser, as datasketch pre-mixes each hash (wrapping uint32)."""
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    mixed: np.ndarray = values ^ (values >> np.uint32(16))
    return mixed


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of two signatures (share of equal MinHash values)."""
    left, right = np.frombuffer(a, dtype="<u4"), np.frombuffer(b, dtype="<u4")
    if left.shape != right.shape:
        raise ValueError("signatures of different lengths cannot be compared")
    return float(np.count_nonzero(left == right)) / len(left)


def similarities(signature: bytes, others: list[bytes]) -> list[float]:
    """``similarity`` of one signature to many, in one vectorised comparison."""
    if not others:
        return []
    mine = np.frombuffer(signature, dtype="<u4")
    table = np.frombuffer(b"".join(others), dtype="<u4").reshape(len(others), -1)
    if table.shape[1] != len(mine):
        raise ValueError("signatures of different lengths cannot be compared")
    return [float(n) / len(mine) for n in np.count_nonzero(table == mine, axis=1)]


def band_keys(signature: bytes, params: LshParams) -> list[int]:
    """One signed 64-bit key per band (the band's number is hashed in, so one indexed
    column holds every band): pages sharing any key are candidate copies."""
    width = params.rows * 4
    return [
        int.from_bytes(
            hashlib.blake2b(
                signature[i * width : (i + 1) * width], digest_size=8, salt=i.to_bytes(16, "big")
            ).digest(),
            "big",
            signed=True,
        )
        for i in range(params.bands)
    ]


# -- the same detector, online and in memory (the story threader's) ----------------------

# What an online index compares a text by: its MinHash values (plain ints, so a log or a
# snapshot can keep them as JSON), or for a text too short to judge, its words (lower
# case, single spaces; "" when it has none), which must then match word for word.
TextSignature = tuple[int, ...] | str
_CANDIDATES = 50  # candidates compared per text, most shared band keys first (as the store)


@functools.cache
def _fingerprinter() -> Fingerprinter:
    return Fingerprinter()


def text_signature(body: str, short: str = "", known: bytes | None = None) -> TextSignature:
    """What ``CopyIndex`` compares a text by: the MinHash of ``body``, or, when the body is
    too short to judge, the words of ``short`` (a headline and body) or of the body.

    ``known`` is the body's signature as ``Fingerprinter`` gave it when the page was
    stored (the same shingles and permutations), taken instead of computing it again when
    the body is long enough to have one."""
    if known is not None and len(known) == NUM_PERM * 4 and _long_enough(body):
        return tuple(np.frombuffer(known, dtype="<u4").tolist())
    signature = _fingerprinter().signature(body)
    if signature is not None:
        return tuple(np.frombuffer(signature, dtype="<u4").tolist())
    return " ".join(_LETTERS.findall((short or body).casefold()))


def _long_enough(body: str) -> bool:
    """Whether ``Fingerprinter.signature`` gives ``body`` a signature (enough words)."""
    words = itertools.islice(_WORD.finditer(body.lower()), MIN_WORDS)
    return sum(1 for _ in words) == MIN_WORDS


class CopyIndex:
    """The texts seen so far, in memory, and which earlier one a new text copies: the
    store's copy policy (band keys, MinHash similarity at the threshold) for a process
    that needs the answer at once and keeps its state as plain data (the story
    threader: a syndicated copy counts once in a story)."""

    def __init__(self, threshold: float) -> None:
        self.params = LshParams.for_threshold(threshold)
        self._exact: dict[str, str] = {}
        self._signatures: dict[str, bytes] = {}
        self._bands: dict[int, list[str]] = {}
        self._order: dict[str, int] = {}

    def match_signature(self, key: str, signature: TextSignature) -> str | None:
        """The key of the earliest indexed copy of the text with this ``signature``, or
        None. The text is indexed under ``key`` too (as the store indexes every page, so a
        copy of a copy is found), unless an identical signature already answers for it;
        a short text only when it is new. A signature of another length (an older
        storyline's) is never a copy and is not indexed."""
        if isinstance(signature, str):
            if not signature:
                return None
            original = self._exact.get(signature)
            if original is None:
                self._exact[signature] = key
            return original
        if len(signature) != NUM_PERM:
            return None
        raw = np.asarray(signature, dtype="<u4").tobytes()
        keys = band_keys(raw, self.params)
        hits = Counter(other for band in keys for other in self._bands.get(band, ()))
        nearest = [other for other, _ in hits.most_common(_CANDIDATES)]
        scores = similarities(raw, [self._signatures[other] for other in nearest])
        copies = [o for o, s in zip(nearest, scores, strict=True) if s >= self.params.threshold]
        if 1.0 not in scores:
            self._add(key, raw, keys)
        return min(copies, key=self._order.__getitem__) if copies else None

    def state(self) -> dict[str, Any]:
        """The texts indexed so far, JSON-ready: short texts, and signatures in arrival
        order (the bands and the order are rebuilt from them)."""
        signatures = [
            [key, np.frombuffer(raw, dtype="<u4").tolist()] for key, raw in self._signatures.items()
        ]
        return {"exact": self._exact, "signatures": signatures}

    @classmethod
    def from_state(cls, threshold: float, state: dict[str, Any]) -> CopyIndex:
        """The index ``state`` was taken from."""
        index = cls(threshold)
        index._exact = dict(state["exact"])
        for key, values in state["signatures"]:
            raw = np.asarray(values, dtype="<u4").tobytes()
            index._add(key, raw, band_keys(raw, index.params))
        return index

    def _add(self, key: str, raw: bytes, keys: list[int]) -> None:
        self._order[key] = len(self._order)
        self._signatures[key] = raw
        for band in keys:
            self._bands.setdefault(band, []).append(key)
