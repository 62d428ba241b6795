"""A story's timeline: its dated events, ordered and de-duplicated across articles.

Three sources of events:

- ``published``: each article's publication, with its headline.
- ``update`` / ``correction``: an update or correction block in an article, and every
  stored revision that added one (found by comparing consecutive versions).
- ``statement`` / ``background``: each sentence that dates something ("reopened at 6 am
  on Tuesday", "in May 2021"), whole, as written. Its date is resolved against the time
  of the version in which the sentence first appeared (an update block's own time, a
  revision's time, else the article's publication), in the time zone the page gives. A
  date more than a week before that moment, or a period "since" some year, is
  ``background``: kept, but apart from the story's own news days. Correction notes ("An
  earlier version of this article said ...") are never events of the story.

The same statement told by several articles (same date, mostly the same words) is kept
once, from the earliest article.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta

from storyline.errors import InputError
from storyline.model import (
    Article,
    Change,
    ChangeKind,
    SectionKind,
    TimelineEntry,
    TimelineKind,
    Version,
)
from storyline.revisions.changes import compare_articles
from storyline.revisions.sentences import split_sentences
from storyline.stories.dates import DatedExpression, find_dates, parse_published
from storyline.stories.features import tokenize
from storyline.stories.titles import clean_headline

KIND_ORDER: dict[TimelineKind, int] = {
    "background": 0,
    "statement": 0,
    "published": 1,
    "update": 2,
    "correction": 3,
}
# The revisions that are events of a story: an update added, a correction.
_REVISION_KINDS: dict[ChangeKind, TimelineKind] = {
    "update_added": "update",
    "correction": "correction",
}
BACKGROUND_DAYS = 7
_UPDATE_KINDS = ("update", "live_entry")
_CORRECTION_NOTE = re.compile(
    r"\b(?:an?|the) (?:earlier|previous|original) version of this (?:article|story|report)"
    r"|\bthis (?:article|story|report) (?:has been|was) (?:corrected|amended)"
    r"|^\s*corrections?\b",
    re.IGNORECASE,
)
DUPLICATE_OVERLAP = 0.5
MAX_TEXT = 400


Revision = tuple[Version, Sequence[Change]]  # a version and the changes that led to it


def build_timeline(
    articles: Sequence[Article], revisions: Iterable[Revision] = ()
) -> list[TimelineEntry]:
    """Every dated event of a story's articles (latest versions) and their revisions."""
    ordered = sorted(articles, key=lambda a: (a.published or "", a.url or ""))
    entries: list[TimelineEntry] = []
    for article in ordered:
        entries.extend(article_events(article))
    entries.extend(revision_events(revisions))
    return order_and_dedupe(entries)


def article_events(
    article: Article, first_seen: Mapping[str, str] | None = None
) -> list[TimelineEntry]:
    """One article's publication, its update and correction blocks, its dated sentences
    (``first_seen``: each sentence's first version time, ``first_appearances``)."""
    entries = []
    if article.published and article.title:
        entries.append(
            TimelineEntry(
                date=article.published,
                kind="published",
                text=clean_headline(article.title),
                url=article.url,
            )
        )
    for section in article.sections:
        kind = _block_kind(section.kind)
        when = section.timestamp or article.modified or article.published
        if kind and when and section.paragraphs:
            entries.append(
                TimelineEntry(date=when, kind=kind, text=_lead(section.text), url=article.url)
            )
    for text, base in _dated_texts(article, first_seen or {}):
        entries.extend(_statements(text, base, article.url))
    return entries


def _dated_texts(article: Article, first_seen: Mapping[str, str]) -> list[tuple[str, str | None]]:
    """Each sentence that may date something, with the moment its dates are resolved
    against: when it first appeared (``first_seen``), else its update block's time, else
    the article's publication. Correction and editor's-note blocks give none."""
    found: list[tuple[str, str | None]] = []
    blocks = [(article.standfirst or "", None)] + [
        (s.text, (s.timestamp or article.modified) if s.kind in _UPDATE_KINDS else None)
        for s in article.sections
        if s.kind not in ("correction", "editors_note")
    ]
    for text, block_time in blocks:
        for sentence in split_sentences(text):
            if not _CORRECTION_NOTE.search(sentence):
                base = _readable(first_seen.get(sentence)) or _readable(block_time)
                found.append((sentence, base or _readable(article.published)))
    return found


def _readable(moment: str | None) -> str | None:
    """``moment`` when it is an ISO date or time (a page's stamp may be "4 hours ago")."""
    if not moment:
        return None
    try:
        parse_published(moment)
    except InputError:
        return None
    return moment


def _statements(sentence: str, base: str | None, url: str | None) -> list[TimelineEntry]:
    """The sentence, whole, as an event at each date it gives (one per date): news when
    not more than ``BACKGROUND_DAYS`` before ``base``, else background."""
    moment = parse_published(base) if base else None
    entries: list[TimelineEntry] = []
    for found in find_dates(sentence, base):
        if any(e.date == found.date for e in entries):
            continue
        kind: TimelineKind = "background" if _is_background(found, moment) else "statement"
        entries.append(TimelineEntry(found.date, kind, _trim(sentence), url, found.end))
    return entries


def _is_background(found: DatedExpression, base: date | None) -> bool:
    """A date well before the moment of writing, or a period since some earlier time."""
    if base is None:
        return False
    if found.text.casefold().startswith("since"):
        return True
    start = date.fromisoformat((found.date + "-01-01")[:10])
    return start < base - timedelta(days=BACKGROUND_DAYS)


def first_appearances(versions: Sequence[Version]) -> dict[str, str]:
    """Each sentence of a page's versions (oldest first) with the time of the version it
    first appeared in: the version's own modified time when the page gives one, else
    when it was captured."""
    seen: dict[str, str] = {}
    for version in versions:
        article = version.article
        moment = article.modified or _when(version)
        texts = [article.standfirst or "", *(s.text for s in article.sections)]
        for text in texts:
            for sentence in split_sentences(text):
                seen.setdefault(sentence, moment)
    return seen


def changes_between(history: Iterable[Version]) -> list[Revision]:
    """Each version after the first with what changed since the one before (same URL)."""
    by_url: dict[str, list[Version]] = {}
    for version in history:
        by_url.setdefault(version.url, []).append(version)
    revisions: list[Revision] = []
    for versions in by_url.values():
        versions.sort(key=lambda v: (v.number or 0, v.fetched_at))
        for old, new in zip(versions, versions[1:], strict=False):
            revisions.append((new, compare_articles(old.article, new.article)))
    return revisions


def revision_events(revisions: Iterable[Revision]) -> list[TimelineEntry]:
    """Updates and corrections that revisions added, dated when storyline saw them."""
    entries = []
    for version, changes in revisions:
        for change in changes:
            kind = _REVISION_KINDS.get(change.kind)
            if kind and change.after:
                entries.append(
                    TimelineEntry(
                        date=_when(version), kind=kind, text=_lead(change.after), url=version.url
                    )
                )
    return entries


def order_and_dedupe(entries: Iterable[TimelineEntry]) -> list[TimelineEntry]:
    """Entries in time order; an entry repeating an earlier one's event is dropped.

    A repeated period that a later article extends ("since 2014", told again a day
    later) keeps the first telling with the later end.
    """
    kept: list[TimelineEntry] = []
    seen: dict[tuple[str, str], list[tuple[set[str], int]]] = {}
    for entry in entries:
        if entry.kind == "published":
            kept.append(entry)
            continue
        words = set(tokenize(entry.text))
        day = entry.date if entry.kind == "statement" else entry.date[:10]
        previous = seen.setdefault((entry.kind, day), [])
        match = next(
            (i for other, i in previous if _overlap(words, other) >= DUPLICATE_OVERLAP), None
        )
        if match is None:
            previous.append((words, len(kept)))
            kept.append(entry)
        elif entry.end and (kept[match].end or "") < entry.end:
            kept[match] = replace(kept[match], end=entry.end)
    kept.sort(key=lambda e: (e.date, KIND_ORDER.get(e.kind, 9), e.url or "", e.text))
    return kept


def _block_kind(section_kind: SectionKind) -> TimelineKind | None:
    if section_kind in ("update", "live_entry"):
        return "update"
    if section_kind in ("correction", "editors_note"):
        return "correction"
    return None


def _overlap(first: set[str], second: set[str]) -> float:
    if not first or not second:
        return 1.0 if first == second else 0.0
    return len(first & second) / min(len(first), len(second))


def _lead(text: str) -> str:
    """The first sentence of a block: what an update says happened."""
    sentences = split_sentences(text)
    return _trim(sentences[0] if sentences else text)


def _trim(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1].rsplit(" ", 1)[0] + "…"


def _when(version: Version) -> str:
    fetched = version.fetched_at
    return fetched.isoformat() if isinstance(fetched, datetime) else str(fetched)
