"""Whether a small edit changes a fact (a number, a date, a name) or only the wording.

"80 → 85 millimetres", "2019 → 2017", "Monday → Tuesday" and "Kofod → Frederiksen" are
few letters, but a reader needs to know of them as much as of a correction; "aproved →
approved" and "the → a" are not. So a copy edit whose changed words include

- a number: any word with a digit, or an English number word ("two" → "three"; but a
  misspelt lower-case word fixed by a letter or two, "fist" → "first", is a typo);
- a date word: a month or weekday in English, Danish or German ("March" and "May" only
  with their capital, as names: the verbs are words like any other);
- a name: a capitalised word that does not open the sentence;

is a factual change. Changes of case, punctuation or spacing alone ("US" → "U.S.",
"1,000" → "1000") stay wording, whatever the words are.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

_TOKEN = re.compile(r"\w+|[^\w\s]")
_DIGIT = re.compile(r"\d")
_SENTENCE_OPENERS = frozenset(".!?:;\"“”‘’'«»()[]–—-")
_NUMBER_WORDS = frozenset(
    """zero one two three four five six seven eight nine ten eleven twelve thirteen
    fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty
    seventy eighty ninety hundred hundreds thousand thousands million millions billion
    billions trillion dozen dozens half quarter first second third fourth fifth sixth
    seventh eighth ninth tenth once twice""".split()
)
_DATE_WORDS = frozenset(
    """january february april june july august september october november december jan
    feb apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday
    saturday sunday yesterday today tomorrow tonight
    januar februar marts maj juni juli oktober mandag tirsdag onsdag torsdag fredag
    lørdag søndag
    märz mai dezember montag dienstag mittwoch donnerstag freitag samstag sonntag
    gestern heute""".split()
)


def is_factual(before: str, after: str) -> bool:
    """Whether editing ``before`` into ``after`` changes a number, a date or a name."""
    old, new = _TOKEN.findall(before), _TOKEN.findall(after)
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if _folded(old[i1:i2]) == _folded(new[j1:j2]):
            continue  # case, punctuation or spacing only
        if i2 - i1 == j2 - j1 and all(
            _is_typo(old[i], new[j]) for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
        ):
            continue  # "fist" → "first": a misspelt word, not a new figure
        if any(_is_fact(old, k) for k in range(i1, i2)):
            return True
        if any(_is_fact(new, k) for k in range(j1, j2)):
            return True
    return False


def _is_typo(old: str, new: str) -> bool:
    """A lower-case word fixed by a letter or two (names and figures never count)."""
    if not (old[:1].islower() and new[:1].islower()) or _DIGIT.search(old + new):
        return False
    return SequenceMatcher(None, old, new, autojunk=False).ratio() >= 0.75


def _folded(tokens: list[str]) -> str:
    return "".join(t for t in tokens if t[0].isalnum() or t[0] == "_").casefold()


def _is_fact(tokens: list[str], index: int) -> bool:
    word = tokens[index]
    if _DIGIT.search(word):
        return True
    lowered = word.casefold()
    if lowered in _NUMBER_WORDS or lowered in _DATE_WORDS:
        return True
    return word[0].isupper() and not _opens_sentence(tokens, index)


def _opens_sentence(tokens: list[str], index: int) -> bool:
    """Whether the word at ``index`` starts the sentence (so its capital says nothing)."""
    k = index - 1
    while k >= 0 and tokens[k] in _SENTENCE_OPENERS and tokens[k] not in ".!?:;":
        k -= 1  # an opening quote or bracket before the word
    return k < 0 or tokens[k] in (".", "!", "?", ":", ";")
