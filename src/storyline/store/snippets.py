"""Search snippets made in Python from the stored text, around the first match.

FTS5's ``snippet()`` re-tokenizes the whole body of every returned row to pick its window,
which was half of a search's CPU on long articles (about 1 ms of 2 for 20 hits). Here a
regular expression finds the first whole-word match (the last query word also as a
prefix, as the MATCH expression does) and a window of ``tokens`` words around it is cut
and marked. Matching folds case and diacritics like the ``unicode61 remove_diacritics``
tokenizer, so "cafe" marks "café" (an accent-tolerant pattern, tried only when the plain
one found nothing and the text has accented letters, since it is slower).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

ELLIPSIS = "…"
_WORD = re.compile(r"\w+", re.UNICODE)
# letters that may carry a diacritic: Latin-1 to Cyrillic, and Latin Extended Additional
_ACCENTED = re.compile("[\u00c0-\u04ff\u1e00-\u1eff]")


_MARKS = "[\u0300-\u036f]*"  # combining diacritical marks, as NFD leaves them


@dataclass(frozen=True)
class Matcher:
    """How to find the query's words: plainly, and in decomposed text with any accents."""

    words: tuple[str, ...]
    plain: re.Pattern[str]
    tolerant: str  # compiled only when needed: most texts match plainly or not at all


def fold(text: str) -> str:
    """``text`` lower-cased with diacritics removed (as the FTS tokenizer folds words)."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def match_pattern(terms: list[str]) -> Matcher | None:
    """Patterns for the query's words as whole words, the last one also as a prefix."""
    words = [fold(t) for t in terms if t]
    if not words:
        return None
    plain = _pattern(words, re.escape, r"\w*")
    tolerant = _pattern(words, _tolerant, rf"(?:\w|{_MARKS[:-1]})*")
    return Matcher(tuple(words), re.compile(plain, re.IGNORECASE), tolerant)


def _pattern(words: list[str], spell: Callable[[str], str], tail: str) -> str:
    alternatives = [*(spell(w) for w in words[:-1]), spell(words[-1]) + tail]
    return r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)"


def _tolerant(word: str) -> str:
    return "".join(re.escape(c) + _MARKS for c in word)


def make_snippet(
    text: str,
    matcher: Matcher | None,
    marks: tuple[str, str],
    tokens: int = 24,
) -> str:
    """Up to ``tokens`` words of ``text`` around the first match, matches wrapped in marks."""
    if not text:
        return ""
    searched, pattern, at = _first_match(text, matcher)
    lo, hi = _window(searched, at, tokens)
    marked = _mark(searched, lo, hi, pattern, marks)
    if searched is not text:
        marked = unicodedata.normalize("NFC", marked)
    begin = ELLIPSIS if searched[:lo].strip() else ""
    return begin + marked + (ELLIPSIS if searched[hi:].strip() else "")


def _first_match(text: str, matcher: Matcher | None) -> tuple[str, re.Pattern[str] | None, int]:
    """The text to cut from, the pattern that matches it, and where it first does.

    Plain substring tests (C speed) for the usual casings find where to start the regular
    expression, which is slow (~150 µs) on a long text it does not match; callers pass no
    matcher for bodies the index says do not contain the words. Only a text with accented
    letters and no plain match is decomposed (NFD) and searched with the accent-tolerant
    pattern; its snippet is recomposed (NFC) afterwards.
    """
    if matcher is None:
        return text, None, 0
    spellings = {v for w in matcher.words for v in (w, w.capitalize(), w.upper())}
    found = [i for i in (text.find(v) for v in spellings) if i >= 0]
    first = matcher.plain.search(text, max(0, min(found) - 1)) if found else None
    if first is None:  # another casing ("McDonald"), or only an accented spelling
        first = matcher.plain.search(text)
    if first:
        return text, matcher.plain, first.start()
    if _ACCENTED.search(text):
        decomposed = unicodedata.normalize("NFD", text)
        tolerant = re.compile(matcher.tolerant, re.IGNORECASE)
        first = tolerant.search(decomposed)
        if first:
            return decomposed, tolerant, first.start()
    return text, matcher.plain, 0


def _window(text: str, at: int, tokens: int) -> tuple[int, int]:
    """The span of about ``tokens`` words from shortly before offset ``at``.

    It starts at the sentence when that began in the 60 characters before the match,
    else at a word a few words back; regular expressions do the walking (in C).
    """
    lo = at
    if at:
        back = max(0, at - 60)
        sentence = max(text.rfind(". ", back, at) + 2, text.rfind("\n", back, at) + 1)
        space = text.find(" ", back, at)
        lo = sentence if sentence > back + 1 else (space + 1 if back and space >= 0 else back)
    while lo < len(text) and text[lo].isspace():
        lo += 1
    words = re.compile(rf"\W*\w+(?:\W+\w+){{0,{max(0, tokens - 1)}}}").match(text, lo)
    hi = words.end() if words else len(text)
    while hi < len(text) and unicodedata.combining(text[hi]):  # a decomposed accent
        hi += 1
    if text[hi : hi + 1] in (".", "!", "?") and hi < len(text):
        hi += 1
    return lo, hi


def _mark(
    text: str,
    lo: int,
    hi: int,
    pattern: re.Pattern[str] | None,
    marks: tuple[str, str],
) -> str:
    start, end = marks
    if pattern is None:
        return text[lo:hi]
    out, cursor = [], lo
    for found in pattern.finditer(text, lo, hi):
        out += [text[cursor : found.start()], start, text[found.start() : found.end()], end]
        cursor = found.end()
    out.append(text[cursor:hi])
    return "".join(out)
