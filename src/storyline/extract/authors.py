"""Author names from the raw strings pages give: ``By JANE DOE and John Roe | Reuters``.

Bylines arrive with prefixes ("By", "Written by", "Af"), several names in one string,
roles ("Staff Writer"), dates, profile URLs and Twitter handles. Turning them into a clean
list of names is one job, shared by every source of a byline (JSON-LD, meta tags, page).
"""

from __future__ import annotations

import re

_PREFIX = re.compile(
    r"^\s*(?:(?:written|posted|reported|story|text|words|published)\s+)?"
    r"(?:by|von|af|av|par|por|door|di)\s*:?\s+",
    re.IGNORECASE,
)
_SPLIT = re.compile(r"\s*(?:[,;|/•·]|\s+and\s+|\s*&\s*|\s+og\s+|\s+och\s+|\s+und\s+)\s*",
                    re.IGNORECASE)
_ROLE = re.compile(
    r"\b(?:staff|writer|reporter|correspondent|editor|contributor|columnist|photographer|"
    r"updated|published|posted|follow|twitter|email|more from|opinion|news desk|journalist)\b",
    re.IGNORECASE,
)
_NOT_A_NAME = re.compile(r"https?:|www\.|\.com\b|@|\d")
MAX_NAME_WORDS = 5


def clean_authors(raw: list[str]) -> list[str]:
    """Split, clean and de-duplicate author strings into a list of names."""
    names: list[str] = []
    seen: set[str] = set()
    for value in raw:
        for part in _SPLIT.split(_PREFIX.sub("", " ".join(value.split()))):
            name = _clean_name(part)
            if name and name.casefold() not in seen:
                seen.add(name.casefold())
                names.append(name)
    return names


def _clean_name(part: str) -> str | None:
    """One candidate name, or ``None`` when the piece is a role, a date, a URL or a handle."""
    part = _PREFIX.sub("", part).strip(" .:-–—()[]\"'")
    if not part or _NOT_A_NAME.search(part) or _ROLE.search(part):
        return None
    words = part.split()
    if len(words) > MAX_NAME_WORDS or len(part) < 2:
        return None
    if part.isupper() and len(part) > 3:
        part = part.title()
    return part
