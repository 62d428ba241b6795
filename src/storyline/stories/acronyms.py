"""Acronyms a text defines ("Socialistisk Folkeparti (SF)") and their later uses.

News text defines an acronym once and then uses it alone ("Since DF, SF and ..."), where
a model often does not tag it; entity resolution joins the acronym to its name.
"""

from __future__ import annotations

import re

_ACRONYM = re.compile(r"((?:[A-ZÆØÅÄÖÜ][\w’'-]*\s+){1,6})\(([A-ZÆØÅ]{2,6})\)")


def find_acronyms(text: str) -> dict[str, str]:
    """Acronyms defined in the text, "Socialistisk Folkeparti (SF)" giving SF -> the name."""
    found: dict[str, str] = {}
    for match in _ACRONYM.finditer(text):
        words, acronym = match.group(1).split(), match.group(2)
        for start in range(len(words)):
            initials = "".join(w[0] for w in words[start:]).upper()
            if initials == acronym or (
                words[start][0] == acronym[0]
                and _subsequence(acronym, "".join(words[start:]))
                and len(words) - start <= len(acronym)
            ):
                found.setdefault(acronym, " ".join(words[start:]))
                break
    return found


def untagged_uses(text: str, tagged: list[str], acronyms: dict[str, str]) -> list[str]:
    """Uses of a defined acronym that the model did not tag ("Since DF, SF and ..."),
    one entry per use (``tagged``: the mention texts the model gave)."""
    extra = []
    for acronym in acronyms:
        uses = len(re.findall(rf"(?<![(\w]){acronym}(?![)\w])", text))
        extra.extend([acronym] * (uses - tagged.count(acronym)))
    return extra


def _subsequence(letters: str, text: str) -> bool:
    remaining = iter(text.upper())
    return all(letter in remaining for letter in letters)
