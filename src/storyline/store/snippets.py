"""Search snippets made in Python from the stored text, around the first match.

FTS5's ``snippet()`` re-tokenizes the whole body of every returned row to pick its window,
which was half of a search's CPU on long articles (about 1 ms of 2 for 20 hits). Here
substring tests with a word-boundary check find the first whole-word match (the last
query word also as a prefix, as the MATCH expression does) and a window of ``tokens``
words around it is cut and its matching words marked. Matching folds case and diacritics
like the ``unicode61 remove_diacritics`` tokenizer, so "cafe" marks "café" (an
accent-tolerant pattern, tried only when the plain one found nothing and the text has
accented letters, since it is slower).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass

ELLIPSIS = "…"
_WORD = re.compile(r"\w+", re.UNICODE)
_WORD_TAIL = re.compile(r"\w*")
_TEXT = re.compile(r"\S")  # what str.strip() would leave
# letters that may carry a diacritic: Latin-1 to Cyrillic, and Latin Extended Additional
_ACCENTED = re.compile("[\u00c0-\u04ff\u1e00-\u1eff]")


_MARKS = "[\u0300-\u036f]*"  # combining diacritical marks, as NFD leaves them
_MAX_MISSES = 64  # substring hits that are not whole words before the pattern is cheaper
_HEAD = 1024  # characters lower-cased and searched before the whole text
Spans = Callable[[str, int, int], Iterator[tuple[int, int]]]  # (text, lo, hi) -> matches


@dataclass(frozen=True)
class Matcher:
    """How to find the query's words: as whole tokens, and in decomposed text with accents.

    The usual case needs no regular expression of its own: the first match is found with
    ``str.find`` and a word-boundary check, and matches in the window are the tokens of one
    shared pattern that equal a query word (the last: start with it). Compiling a pattern
    for each query's words cost about 0.1 ms per search (3-4 % of an API search); the
    patterns below are compiled only for the rare texts that need them."""

    words: tuple[str, ...]
    plain: str  # the words in any casing (for texts where no usual casing matched)
    tolerant: str  # the words with any accents, in decomposed (NFD) text


def fold(text: str) -> str:
    """``text`` lower-cased with diacritics removed (as the FTS tokenizer folds words)."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def match_pattern(terms: list[str]) -> Matcher | None:
    """How to find the query's words as whole words, the last one also as a prefix."""
    words = [fold(t) for t in terms if t]
    if not words:
        return None
    plain = _pattern(words, re.escape, r"\w*")
    tolerant = _pattern(words, _tolerant, rf"(?:\w|{_MARKS[:-1]})*")
    return Matcher(tuple(words), plain, tolerant)


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
    searched, spans, at = _first_match(text, matcher)
    lo, hi = _window(searched, at, tokens)
    marked = _mark(searched, lo, hi, spans, marks)
    if searched is not text:
        marked = unicodedata.normalize("NFC", marked)
    begin = ELLIPSIS if _TEXT.search(searched, 0, lo) else ""  # no copy of the body's rest
    return begin + marked + (ELLIPSIS if _TEXT.search(searched, hi) else "")


def _first_match(text: str, matcher: Matcher | None) -> tuple[str, Spans | None, int]:
    """The text to cut from, how to find the matches in it, and where the first one is.

    Substring tests (C speed) in the lower-cased text find the first whole-word match;
    callers pass no matcher for bodies the index says do not contain the words. Only what
    they cannot settle goes to the case-blind pattern; only a text with accented letters
    and no plain match is decomposed (NFD) and searched with the accent-tolerant pattern;
    its snippet is recomposed (NFC) afterwards.
    """
    if matcher is None:
        return text, None, 0
    tokens = functools.partial(_token_spans, words=matcher.words)
    at = _first_whole_word(text, matcher.words)
    if at is None:  # too many near misses, a letter whose lower case is longer
        found = re.compile(matcher.plain, re.IGNORECASE).search(text)
        at = found.start() if found else None
    if at is not None:
        return text, tokens, at
    if _ACCENTED.search(text):
        decomposed = unicodedata.normalize("NFD", text)
        tolerant = re.compile(matcher.tolerant, re.IGNORECASE)
        first = tolerant.search(decomposed)
        if first:
            spans = functools.partial(_pattern_spans, pattern=tolerant)
            return decomposed, spans, first.start()
    return text, tokens, 0


def _first_whole_word(text: str, words: tuple[str, ...]) -> int | None:
    """Where the first query word, in any casing, stands as a whole word (the last word: at
    a word's start), found in the lower-cased text; None when none does, when lower-casing
    changed the text's length (offsets would shift), or when too many near misses ("the"
    in "there") make the pattern the cheaper way to tell.

    The text's head is lower-cased and searched first: a body averages 3.6 KB and its
    first match is usually near the top, and lower-casing all of it was a third of the
    snippet's cost. A match found there is the first in the whole text when every query
    word would have fitted before the head's end."""
    head = _HEAD
    if len(text) > 2 * head:
        found = _first_in(text, text[:head].lower(), head, words)
        if found is not None and found + max(map(len, words)) <= head:
            return found
    return _first_in(text, text.lower(), len(text), words)


def _first_in(text: str, lowered: str, size: int, words: tuple[str, ...]) -> int | None:
    """The first whole-word match in ``lowered``, the first ``size`` characters of ``text``
    lower-cased."""
    if len(lowered) != size:
        return None
    best: int | None = None
    misses = 0
    for k, word in enumerate(words):
        prefix = k == len(words) - 1
        at = lowered.find(word)
        while at >= 0 and (best is None or at < best):
            if _whole(text, at, len(word), prefix):
                best = at
                break
            misses += 1
            if misses > _MAX_MISSES:
                return None
            at = lowered.find(word, at + 1)
    return best


def _whole(text: str, at: int, size: int, prefix: bool) -> bool:
    """Whether ``text[at:at + size]`` starts a word and, unless ``prefix``, ends one."""
    if at and _is_word(text[at - 1]):
        return False
    end = at + size
    return prefix or end >= len(text) or not _is_word(text[end])


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"  # what ``\w`` matches in a str pattern


def _token_spans(text: str, lo: int, hi: int, words: tuple[str, ...]) -> Iterator[tuple[int, int]]:
    """The tokens in ``text[lo:hi]`` that are a query word in any casing (the last word: that
    start with it): the matches of the case-blind pattern, without compiling it.

    The lower-cased window is searched for each word (``str.find``, in C) and each hit is
    checked for word boundaries, rather than every token of the window being compared."""
    window = text[lo:hi].lower()
    if len(window) != hi - lo:  # a letter whose lower case is longer: compare tokens
        yield from _each_token(text, lo, hi, words)
        return
    ends: dict[int, int] = {}
    for k, word in enumerate(words):
        prefix = k == len(words) - 1
        at = window.find(word)
        while at >= 0:
            start = lo + at
            end = start + len(word)
            starts_word = not (start and _is_word(text[start - 1]))
            if starts_word and start not in ends:
                if prefix:
                    ends[start] = _WORD_TAIL.match(text, end, hi).end()  # type: ignore[union-attr]
                elif end == hi or not _is_word(text[end]):  # the window ends a word
                    ends[start] = end
            at = window.find(word, at + 1)
    yield from sorted(ends.items())


def _each_token(text: str, lo: int, hi: int, words: tuple[str, ...]) -> Iterator[tuple[int, int]]:
    whole, last = set(words[:-1]), words[-1]
    for found in _WORD.finditer(text, lo, hi):
        token = found.group().lower()
        if token in whole or token.startswith(last):
            if found.start() == lo and lo and _is_word(text[lo - 1]):
                continue  # the window began inside a longer word
            yield found.span()


def _pattern_spans(
    text: str, lo: int, hi: int, pattern: re.Pattern[str]
) -> Iterator[tuple[int, int]]:
    return (found.span() for found in pattern.finditer(text, lo, hi))


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
    words = _words_regex(tokens).match(text, lo)
    hi = words.end() if words else len(text)
    while hi < len(text) and unicodedata.combining(text[hi]):  # a decomposed accent
        hi += 1
    if text[hi : hi + 1] in (".", "!", "?") and hi < len(text):
        hi += 1
    return lo, hi


def _mark(text: str, lo: int, hi: int, spans: Spans | None, marks: tuple[str, str]) -> str:
    start, end = marks
    if spans is None:
        return text[lo:hi]
    out, cursor = [], lo
    for begin, finish in spans(text, lo, hi):
        out += [text[cursor:begin], start, text[begin:finish], end]
        cursor = finish
    out.append(text[cursor:hi])
    return "".join(out)


@functools.cache
def _words_regex(tokens: int) -> re.Pattern[str]:
    return re.compile(rf"\W*\w+(?:\W+\w+){{0,{max(0, tokens - 1)}}}")
