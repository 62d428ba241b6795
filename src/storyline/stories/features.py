"""Text features for threading: words, headline word pairs, entity names.

Threading compares an incoming article with every live story, so features must be cheap:
a regular-expression tokenizer, a fixed stop-word list and a light plural stemmer, no
spaCy. Headlines get *biterms* (every unordered pair of their words): two headlines of one
story rarely share many words, but "black friday" and "black nativity" must not look alike
because both say "black", and a pair feature tells them apart.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from itertools import combinations

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")

STOP_WORDS = frozenset(
    """
    a about above after again against ago all also am an and any are aren around as at be
    because been before being below between both but by can could did do does doing down
    during each else ever few for from further get gets got had has have having he her here
    hers herself him himself his how however i if in into is it its itself just let like
    ll made make many may me might more most much must my myself new no nor not now of off
    on once one only or other our ours ourselves out over own per re said same say says she
    should since so some still such than that the their theirs them themselves then there
    these they this those through to too under until up upon us very via was we were what
    when where which while who whom whose why will with within without would yet you your
    yours yourself yourselves
    """.split()
)


def tokenize(text: str) -> list[str]:
    """Lower-cased content words of ``text``, stop words and short numbers removed."""
    return [word for word in map(_content_word, _WORD.findall(text.lower())) if word]


@lru_cache(maxsize=65536)
def _content_word(word: str) -> str:
    """The stemmed form of one lower-case word, or "" for a stop word (memoised: pure)."""
    word = word.replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) < 2 or word in STOP_WORDS or (word.isdigit() and len(word) != 4):
        return ""
    return stem(word)


def stem(word: str) -> str:
    """Fold plural forms together ("troops" and "troop"), leaving other words alone."""
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def headline_features(
    words: list[str], pair_weight: float, weight: float = 0.0
) -> dict[str, float]:
    """Unigram and biterm features of a headline, before IDF weighting.

    With a ``weight``, the features are scaled so the headline weighs ``weight`` in all
    (Euclidean norm), however long it is: a headline of n words has n(n-1)/2 word
    pairs, so a 25-word lead sentence used as a headline would otherwise outweigh its
    body several times over (and a four-word one weigh less than it). Alone (a
    headline without a body) the scale changes nothing: the item vector is made unit
    length after IDF weighting."""
    unique = list(dict.fromkeys(words))
    features = dict.fromkeys(unique, 1.0)
    if pair_weight > 0:
        for first, second in combinations(sorted(unique), 2):
            features[f"{first} {second}"] = pair_weight
    if weight > 0 and features:
        scale = weight / math.sqrt(sum(value * value for value in features.values()))
        features = {feature: value * scale for feature, value in features.items()}
    return features


def body_features(words: list[str], weight: float, limit: int) -> dict[str, float]:
    """Term weights of an article body, length-normalised: its ``limit`` most frequent
    words with sub-linear counts (1 + ln n), scaled so the body weighs ``weight`` in all
    (Euclidean norm) whether it has forty words or four thousand. A long body then no
    longer drowns its headline, nor a short one vanishes beside it."""
    counts = Counter(words)
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    raw = {word: 1.0 + math.log(count) for word, count in top}
    norm = math.sqrt(sum(value * value for value in raw.values())) or 1.0
    return {word: weight * value / norm for word, value in raw.items()}


def entity_features(names: Iterable[str], weight: float) -> dict[str, float]:
    """One feature per entity name; entities say who and where, which topics do not."""
    return {f"@{name.casefold()}": weight for name in names}


# A capitalised word (or run of them) that follows a lower-case word or a comma, colon or
# semicolon: a name in running text, never the first word of a sentence.
_NAME_RUN = re.compile(r"(?<=[a-z,;:] )([A-Z][^\W\d_]+(?: [A-Z][^\W\d_]+)*)")


_NOT_NAMES = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march
    april may june july august september october november december""".split()
)


def anchor_names(body: str) -> dict[str, int]:
    """The proper names of a body with their counts, found by capitalisation alone (no
    model): what tells two look-alike events apart ("Reggie Bush" or "Pierre Thomas" put
    on injured reserve). Lower-cased, sorted; weekdays and months are not names. A name
    said several times weighs more than a one-off capitalised phrase (a related-article
    title left in the body). Lower-cased text (some headline feeds) has none, and
    threading then does without."""
    counts = Counter(m.group(1).casefold() for m in _NAME_RUN.finditer(body))
    return {name: counts[name] for name in sorted(counts) if name not in _NOT_NAMES}
