"""The clause of a sentence that a date belongs to, without the date and its connectives.

A timeline entry reads "May 2021: DF, SF and Radikale all voted in favour of sending
troops to Mali", not the whole sentence it came from ("Since DF, SF and Radikale all voted
in favour of sending troops to Mali in May 2021, a number of problematic developments have
taken place, including a military coup last year."). Rules, no parser, because a story's
timeline is rebuilt from all its articles whenever one arrives:

1. The sentence is cut into segments at ", ", ";" and dashes (not inside "1,000").
2. The date's segment is the clause. A short segment next to it (three words or fewer)
   is a list item or an apposition ("Since DF, SF and ..."; "..., the Wagner Group") and
   joins it; a segment that is only the date and connectives ("Then in December 2021, ...")
   takes the rest of the sentence as its clause.
3. The date phrase (and a preposition left dangling before it) is removed, then leading
   connectives ("since", "then", "including"...) and edge punctuation.
4. A clause of fewer than three words says too little: the whole sentence, without the
   date phrase, is used instead.
"""

from __future__ import annotations

import re

_BOUNDARY = re.compile(r",\s+|;\s*|\s+[–—-]\s+")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
CONNECTIVES = frozenset(
    """since then and but so because as after when while although though including
    meanwhile however also yet before until once following later earlier already""".split()
)
_DANGLING = ("in", "on", "at", "since", "by", "from", "during", "until", "of", "back")
SHORT = 3  # words: a segment this short joins its neighbour
MIN_WORDS = 3


def dated_clause(sentence: str, start: int, length: int) -> str:
    """The clause holding ``sentence[start:start + length]`` (a date), without the date."""
    segments = _segments(sentence)
    index = next((i for i, (_, end) in enumerate(segments) if start < end), len(segments) - 1)
    first, last = _widen(sentence, segments, index, start, length)
    begin = segments[first][0]
    clause = _strip(_remove(_slice(sentence, segments, first, last), start - begin, length))
    if len(_words(clause)) < MIN_WORDS:
        clause = _strip(_remove(sentence, start, length))
    return clause[:1].upper() + clause[1:]


def _widen(
    sentence: str, segments: list[tuple[int, int]], index: int, start: int, length: int
) -> tuple[int, int]:
    """The first and last segment of the clause around segment ``index`` (rule 2)."""
    begin = segments[index][0]
    own = _strip(_remove(_slice(sentence, segments, index, index), start - begin, length))
    if not _words(own):
        return index, len(segments) - 1
    first, last = index, index

    def short(i: int) -> bool:
        return len(_words(_slice(sentence, segments, i, i))) <= SHORT

    while first > 0 and short(first - 1):
        first -= 1
    while last + 1 < len(segments) and short(last + 1):
        last += 1
    return first, last


def _segments(sentence: str) -> list[tuple[int, int]]:
    """(start, end) of each segment between boundaries."""
    spans, begin = [], 0
    for match in _BOUNDARY.finditer(sentence):
        spans.append((begin, match.start()))
        begin = match.end()
    spans.append((begin, len(sentence)))
    return spans


def _slice(sentence: str, segments: list[tuple[int, int]], first: int, last: int) -> str:
    return sentence[segments[first][0] : segments[last][1]]


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _remove(text: str, start: int, length: int) -> str:
    """``text`` without the date at ``start`` and a preposition left dangling before it."""
    if not 0 <= start < len(text):
        return text
    before, after = text[:start].rstrip(), text[start + length :]
    head, _, last = before.rpartition(" ")
    if last.casefold() in _DANGLING:
        before = head
    return f"{before} {after.lstrip()}".strip()


def _strip(text: str) -> str:
    """Leading connectives and the punctuation at either edge removed; spaces collapsed."""
    text = " ".join(text.split())
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    while True:
        text = text.strip(" ,;:–—-")
        first, _, rest = text.partition(" ")
        if first.casefold().strip(",") in CONNECTIVES and rest:
            text = rest
            continue
        return text.rstrip(" .,;:–—-")
