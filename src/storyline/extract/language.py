"""The language of an article whose page does not declare one, from its function words.

Later stages (sentence splitting, entities, dates) need a language, and about one page in
eight declares none (no ``lang``, no ``og:locale``, no ``inLanguage``). The thirty-odd
commonest short words of a language give it away after a few sentences, so the body is
scored against small hand-made lists (no model, no download), a word shared by several
languages splitting its vote, so that the few words Danish and Norwegian do not share
decide between them. Japanese, Korean and Chinese are told by their scripts. A guess is
returned only when one language clearly leads.
"""

from __future__ import annotations

import re
from collections import defaultdict

FUNCTION_WORDS = {
    "en": "the and of to in is that for it was on with as he she by at from his her they have "
    "has are were be this which said not but an will would their been who",
    "da": "og i at det er en til på som med for af den ikke der de har var et om fra men jeg "
    "vi sig han hun efter også kan skal blev være hvor",
    "nb": "og i det er en til på som med for av ikke at den har de var et om fra men jeg vi "
    "seg han hun etter også kan skal ble være hvor",
    "sv": "och i att det är en som på för med av till den inte har de var ett om från men jag "
    "vi sig han hon efter också kan ska blev vara",
    "de": "der die und in den von zu das mit sich des auf für ist im dem nicht ein eine als "
    "auch es an werden aus er hat dass sie nach wird bei",
    "nl": "de het een en van in is dat op te zijn voor met niet aan er die maar om ook als "
    "dan bij of uit nog wordt door naar heeft was",
    "fr": "le la les de des et en un une du est que qui dans pour pas sur au il elle plus par "
    "ne se ce avec sont aux ont mais",
    "es": "el la los las de del y en un una que es por con para no se al lo como más su sus "
    "fue ha pero este esta entre sobre",
    "pt": "o a os as de do da dos das e em um uma que é no na por com para não se ao mais "
    "como foi mas seu sua nos pelo pela",
    "it": "il lo la i gli le di del della e in un una che è per con non si al alla da come "
    "più sono ma anche nel nella ha",
    "pl": "i w na z do się nie że to jest o a jak po od za co ale przez dla tak jego już by "
    "tym oraz był być",
    "ru": "и в не на что с по как он это к из у за от о так но для же его все она был было "
    "они уже до при также",
    "id": "yang dan di ini itu dengan untuk dari dalam tidak akan pada adalah ke juga ada "
    "karena oleh atau saya mereka sudah bisa kami kita",
    "fi": "ja on ei että se oli hän mutta kun myös ovat tai jo niin kuin vain sen sitä joka "
    "jotka ole olisi mukaan nyt vielä",
}
MIN_WORDS = 20  # fewer words than this say too little
MIN_SHARE = 0.08  # the winner's (shared-out) votes must be at least this share of all words
MIN_LEAD = 1.25  # and this many times the runner-up's
_WORD = re.compile(r"[^\W\d_]+")
_LANGUAGES_OF: dict[str, tuple[str, ...]] = {}
for _code, _words in FUNCTION_WORDS.items():
    for _word in _words.split():
        _LANGUAGES_OF[_word] = (*_LANGUAGES_OF.get(_word, ()), _code)
_SCRIPTS = (  # (code, pattern of its letters) for languages written without spaces
    ("ja", re.compile(r"[\u3040-\u30ff]")),  # hiragana and katakana
    ("ko", re.compile(r"[\uac00-\ud7af]")),  # hangul syllables
    ("zh", re.compile(r"[\u4e00-\u9fff]")),  # CJK ideographs (Japanese checked first)
)


def guess_language(text: str) -> str | None:
    """An ISO 639-1 code for ``text``, or ``None`` when no language clearly leads."""
    sample = text[:20_000]
    letters = sum(1 for c in sample if c.isalpha()) or 1
    for code, script in _SCRIPTS:
        if len(script.findall(sample)) >= 0.2 * letters:
            return code
    words = [w.casefold() for w in _WORD.findall(sample)]
    if len(words) < MIN_WORDS:
        return None
    counts: defaultdict[str, float] = defaultdict(float)  # fractional votes
    for word in words:
        codes = _LANGUAGES_OF.get(word, ())
        for code in codes:  # a word shared by n languages gives each 1/n of a vote
            counts[code] += 1 / len(codes)
    ranked = sorted(counts.items(), key=lambda vote: -vote[1])[:2] + [("", 0.0), ("", 0.0)]
    (code, best), (_, second) = ranked[0], ranked[1]
    if best < MIN_SHARE * len(words) or best < MIN_LEAD * second:
        return None
    return code
