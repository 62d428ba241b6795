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
_SPLIT = re.compile(r"\s*+(?:[,;|/•·&]|(?<=\s)(?:and|og|och|und)(?=\s))\s*+", re.IGNORECASE)
_ROLE = re.compile(
    r"\b(?:staff|writer|reporter|correspondent|editor|contributor|columnist|photographer|"
    r"updated|published|posted|follow|twitter|email|more from|opinion|news desk|journalist|"
    r"news|newsroom|blog|profile|team|desk)\b",
    re.IGNORECASE,
)
_NOT_A_NAME = re.compile(r"https?:|www\.|\.com\b|@|\d")
_URL = re.compile(r"^(?:https?://|www\.)", re.IGNORECASE)
_PROFILE_URL = re.compile(
    r"^(?:https?://)?(?:www\.)?(?!(?:[\w-]+\.)?(?:facebook|twitter|x|instagram|linkedin)\.com)"
    r"[^/]+/(?:.*/)?(?:author|authors|people|profile|staff|by|writers?|journalist)/"
    r"([a-z][a-z0-9]*(?:[-_+.][a-z0-9]+){0,4})/?$",
    re.IGNORECASE,
)
MAX_NAME_WORDS = 5


def clean_authors(raw: list[str], site_name: str | None = None) -> list[str]:
    """Split, clean and de-duplicate author strings into a list of names.

    The publication itself ("CNN Business" on cnn.com, "The Local Denmark" as the
    JSON-LD author of its own article) is dropped: it is the publisher, not a byline.
    """
    names: list[str] = []
    seen: set[str] = set()
    for value in raw:
        value = " ".join(value.split())
        if _URL.match(value):
            value = _name_from_profile_url(value) or ""
        for part in _SPLIT.split(_PREFIX.sub("", value)):
            name = _clean_name(part)
            if name and name.casefold() not in seen:
                seen.add(name.casefold())
                names.append(name)
    if site_name and (site := _loose(site_name)):
        names = [n for n in names if site not in _loose(n) and _loose(n) not in site]
    return names


def _name_from_profile_url(url: str) -> str | None:
    """``https://example.com/author/jane-doe`` → ``Jane Doe``; social-network URLs → ``None``."""
    match = _PROFILE_URL.search(url)
    if not match:
        return None
    return " ".join(w.capitalize() for w in re.split(r"[-_+.]+", match.group(1)) if w)


def _loose(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().casefold()


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
