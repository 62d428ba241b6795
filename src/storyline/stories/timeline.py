"""A story's timeline: its dated events, ordered and de-duplicated across articles.

Three sources of events:

- ``published``: each article's publication, with its headline.
- ``update`` / ``correction``: an update or correction block in an article, and every
  stored revision that added one (found by comparing consecutive versions).
- ``statement``: each temporal expression ("in May 2021", "last year", "since 2014") with
  the clause it dates, without the date phrase and leading connectives
  (``storyline.stories.clauses``), from every article. The same statement told by several
  articles (same date, mostly the same words) is kept once, from the earliest article.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime

from storyline.model import Article, Change, TimelineEntry, Version
from storyline.revisions.changes import compare_articles
from storyline.revisions.sentences import split_sentences
from storyline.stories.clauses import dated_clause
from storyline.stories.dates import DatedExpression, find_dates
from storyline.stories.features import tokenize
from storyline.stories.titles import clean_headline

KIND_ORDER = {"statement": 0, "published": 1, "update": 2, "correction": 3}
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


def article_events(article: Article) -> list[TimelineEntry]:
    """One article's publication, its update and correction blocks, its dated statements."""
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
    for text in [article.standfirst or "", *(s.text for s in article.sections)]:
        for found in find_dates(text, article.published):
            entries.append(
                TimelineEntry(
                    date=found.date,
                    kind="statement",
                    text=_trim(_statement(found)),
                    url=article.url,
                    end=found.end,
                )
            )
    return entries


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
            kind = {"update_added": "update", "correction": "correction"}.get(change.kind)
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


def _block_kind(section_kind: str) -> str | None:
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


def _statement(found: DatedExpression) -> str:
    if found.start is None:
        return found.sentence
    return dated_clause(found.sentence, found.start, len(found.text)) or found.sentence


def _trim(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1].rsplit(" ", 1)[0] + "…"


def _when(version: Version) -> str:
    fetched = version.fetched_at
    return fetched.isoformat() if isinstance(fetched, datetime) else str(fetched)
