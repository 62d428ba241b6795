"""Canonical names: many mentions of one person, party or place become one ``Entity``.

News text names a thing several ways: "Jeppe Kofod" then "Kofod"; "Socialistisk
Folkeparti (SF)" then "SF"; "Mali", "Malian" and "Mali's government"; a misspelt
"Dansk Folkeperti". The rules, in order:

1. A surface form is cleaned (leading "the", possessive "'s", punctuation).
2. The gazetteer fixes what it knows: a demonym becomes its country, a known party name
   its party, and a near-miss of a party name (fuzzy ratio >= 0.85) its correct spelling.
3. Candidates sharing a name or alias (case-insensitive), or the same set of words
   ("Takuba Task Force" and "Task Force Takuba"), are one entity.
4. A shorter name joins the one longer name of the same kind that contains it: a person's
   surname or given name, a contiguous part of an organisation's name.
5. The entity's name is its country for places the gazetteer knows, otherwise its longest
   form (then the most frequent, then the first seen); the other forms become aliases.

The same rules merge the entity lists of many articles into a story's list.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from storyline.model import Entity
from storyline.stories.gazetteer import PARTY_NAMES, PARTY_SUFFIXES, lookup

KINDS = ("person", "organisation", "place", "party")
_EDGE = re.compile(r"^[\W_]+|[\W_]+$")
_POSSESSIVE = re.compile(r"['’]s?$")
_LEADING_ARTICLE = re.compile(r"^(?:the|The|THE)\s+")
_DOTTED = re.compile(r"(?:[A-Z]\.){2,}")


@dataclass
class Candidate:
    """One name to resolve: a mention in an article, or an entity from another article.

    ``kind`` is one of ``KINDS`` or ``"other"`` (a name whose kind only its group knows).
    """

    name: str
    kind: str
    count: int = 1
    aliases: tuple[str, ...] = ()
    order: int = 0
    canonical: str | None = field(default=None, repr=False)
    possessive: bool = field(default=False, repr=False)
    titled: bool = field(default=False, repr=False)  # named after "Mr.", "President"...


def clean(surface: str) -> str:
    """A mention's surface without leading "the", possessive or surrounding punctuation
    (a dotted acronym keeps its last dot: "U.S.")."""
    text = " ".join(surface.split())
    text = _LEADING_ARTICLE.sub("", text)
    text = _POSSESSIVE.sub("", text)
    cleaned = _EDGE.sub("", text)
    if _DOTTED.fullmatch(cleaned + "."):
        return cleaned + "."
    return cleaned


def normalise(candidate: Candidate) -> Candidate | None:
    """Apply the gazetteer and fuzzy party spelling; None when the name is unusable."""
    name = clean(candidate.name)
    if len(name) < 2 or not any(ch.isalpha() for ch in name):
        return None
    known = lookup(name)
    kind, canonical, aliases = candidate.kind, None, candidate.aliases
    if known is not None:
        kind = known.kind
        canonical = known.canonical if known.kind in ("place", "other") else None
    elif kind in ("party", "organisation", "person", "other") and " " in name:
        spelled = _party_spelling(name)
        if spelled:
            if spelled != name:
                aliases = (*aliases, name)
            name, kind = spelled, "party"
        elif name.split()[-1] in PARTY_SUFFIXES or name.endswith(("parti", "partiet")):
            kind = "party"
    if kind == "nationality":
        return None
    possessive = bool(_POSSESSIVE.search(candidate.name.strip()))
    return Candidate(
        name,
        kind,
        candidate.count,
        aliases,
        candidate.order,
        canonical,
        possessive,
        candidate.titled,
    )


def resolve(candidates: list[Candidate]) -> list[Entity]:
    """Group candidates into entities with canonical names (rules in the module doc)."""
    items = [c for c in (normalise(c) for c in candidates) if c is not None]
    groups = _Groups(len(items))
    by_key: dict[str, int] = {}
    by_words: dict[frozenset[str], int] = {}
    for index, item in enumerate(items):
        for key in _keys(item):
            groups.union(by_key.setdefault(key, index), index)
        words = frozenset(item.name.casefold().split())
        if len(words) > 1:
            groups.union(by_words.setdefault(words, index), index)
    _link_contained(items, groups)
    people = {
        word
        for item in items
        if item.kind == "person" and " " in item.name
        for word in item.name.split()
    }
    entities = [_entity([items[i] for i in members], people) for members in groups.members()]
    found = [e for e in entities if e is not None]
    found.sort(key=lambda e: -e.mentions)
    return found


def _keys(item: Candidate) -> list[str]:
    keys = [item.name.casefold()] + [a.casefold() for a in item.aliases]
    if item.canonical:
        keys.append(item.canonical.casefold())
    known = lookup(item.name)
    if known is not None:
        keys.append(known.canonical.casefold())
    return keys


@lru_cache(maxsize=65536)
def _party_spelling(name: str) -> str | None:
    """The party name ``name`` is a near-miss of, if any (memoised: difflib is slow)."""
    match = difflib.get_close_matches(name, PARTY_NAMES, n=1, cutoff=0.85)
    return match[0] if match else None


def _link_contained(items: list[Candidate], groups: _Groups) -> None:
    """Rule 4: join a short name to the single longer name of its kind that contains it."""
    longer = [(i, item.name.split()) for i, item in enumerate(items) if " " in item.name]
    # The longer names that contain a name of a kind, found once per name and kind (a
    # name is mentioned many times); their groups are looked up afresh each time.
    containing: dict[tuple[str, str], list[int]] = {}
    for index, item in enumerate(items):
        words = item.name.split()
        if item.canonical or len(words) > 2:
            continue
        hosts = containing.get((item.name, item.kind))
        if hosts is None:
            hosts = [
                j
                for j, long_words in longer
                if len(long_words) > len(words)
                and _compatible(item.kind, items[j].kind)
                and _contains(long_words, words, items[j].kind)
            ]
            containing[(item.name, item.kind)] = hosts
        targets = {groups.find(j) for j in hosts}
        if len(targets) == 1:
            groups.union(targets.pop(), index)


def _compatible(short_kind: str, long_kind: str) -> bool:
    return (
        short_kind == long_kind
        or "other" in (short_kind, long_kind)
        or (long_kind == "person" and short_kind in ("organisation", "place"))
        or (long_kind == "organisation" and short_kind in ("person", "place"))
    )


def _contains(long_words: list[str], words: list[str], long_kind: str) -> bool:
    if long_kind == "organisation" and len(words) == 1 and len(long_words) <= 3:
        # A person's surname in a two- or three-word "organisation": "Mason Rudolph's"
        # tagged as a company, "Rudolph" as a person; the votes below decide the kind.
        return words == [long_words[-1]] or _contains(long_words, words, "other")
    if long_kind == "person":
        return words in ([long_words[-1]], [long_words[0]], [long_words[0], long_words[-1]])
    size = len(words)
    return any(long_words[i : i + size] == words for i in range(len(long_words) - size + 1))


def _kind(items: list[Candidate]) -> str | None:
    """The gazetteer's kind if it knows a name; else the kind the longest names carry
    (a model labels "Kurt Volker" better than a lone "Volker"), by mentions."""
    typed = [item for item in items if item.kind in KINDS]
    if not typed:
        return None
    known = [item for item in typed if lookup(item.name) is not None]
    longest = max(len(item.name.split()) for item in typed)
    if not known:
        # The longest names vote, and a shorter form the model calls a person (a lone
        # surname it tagged so is evidence; one it calls a company is its usual slip).
        known = [
            item for item in typed if len(item.name.split()) == longest or item.kind == "person"
        ]
    votes: dict[str, float] = {}
    for item in known:
        # A small model tags a person's possessive ("Kurt Volker's") as an organisation.
        weight = 0.5 if item.possessive and item.kind == "organisation" else 1.0
        if len(item.name.split()) < longest:
            weight = 0.5
        votes[item.kind] = votes.get(item.kind, 0.0) + item.count * weight
    return max(votes, key=lambda kind: (votes[kind], -KINDS.index(kind)))


def _entity(items: list[Candidate], people: set[str] | None = None) -> Entity | None:
    """The entity of one group. A one-word "person" is a surname or a given name when the
    text names a person with that word (then it is left out: too ambiguous alone), and a
    person when an honorific comes before it ("President Trump"); otherwise the text
    never gives it a full name, as news copy does for every person it names, and it is
    an organisation a small model did not know ("Twitter", "Gannett")."""
    kind = _kind(items)
    if kind is None:
        return None
    canonical = next((i.canonical for i in items if i.canonical and i.kind == kind), None)
    counts: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    for item in sorted(items, key=lambda i: i.order):
        counts[item.name] += item.count
        first_seen.setdefault(item.name, item.order)
        for alias in item.aliases:
            first_seen.setdefault(alias, item.order)
    name = canonical or max(counts, key=lambda n: (len(n.split()), counts[n], -first_seen[n]))
    if kind == "person" and len(name.split()) == 1:
        if people is None or name in people:
            return None
        if not any(item.titled for item in items):  # "President Trump" is a person
            kind = "organisation"
    aliases = sorted((n for n in first_seen if n != name), key=lambda n: first_seen[n])
    return Entity(name=name, kind=kind, aliases=aliases, mentions=sum(counts.values()))


class _Groups:
    """Union-find over candidate indexes; the smaller index stays the representative."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, index: int) -> int:
        while self.parent[index] != index:
            self.parent[index] = self.parent[self.parent[index]]
            index = self.parent[index]
        return index

    def union(self, first: int, second: int) -> None:
        a, b = self.find(first), self.find(second)
        if a != b:
            self.parent[max(a, b)] = min(a, b)

    def members(self) -> list[list[int]]:
        groups: dict[int, list[int]] = {}
        for index in range(len(self.parent)):
            groups.setdefault(self.find(index), []).append(index)
        return list(groups.values())
