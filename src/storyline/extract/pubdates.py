"""When the article was published and modified, as the page states it.

Publishers state the date in several places, in this order of reliability: schema.org
JSON-LD and ``<meta>`` tags (what search engines are fed), the URL (``/2019/11/18/``),
and the visible page. When none of the declared ones has a date, htmldate reads the
page (its extensive mode): it is the slowest step by far, so it runs
last and only then.

The day is the page's day: a time is kept with the UTC offset it was given, never
converted. Many templates print the time in UTC (``...T02:18:11Z``) although the
article is dated in local time: when such a UTC time falls on another day than the
page's own local statement of the same moment (another candidate with its offset, a
local clock time with the same minutes and seconds, or the date in the URL), the local
one is reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from lxml.html import HtmlElement

PUBLISHED_KEYS = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "publishdate",
    "pubdate",
    "publish-date",
    "date",
    "dc.date",
    "dc.date.issued",
    "dcterms.created",
    "sailthru.date",
    "parsely-pub-date",
    "article.published",
    "published_time",
    "original-publish-date",
    "cxenseparse:recs:publishtime",
    "rnews:datepublished",
)
MODIFIED_KEYS = ("article:modified_time", "og:updated_time", "last-modified")
_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d",
    "%Y%m%d",
    "%d.%m.%Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%d %B %Y",
    "%a, %d %b %Y %H:%M:%S %z",
)
_DAY_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")
_UNIX_TIME = re.compile(r"\d{10}(?:\d{3})?")
_URL_DATE = re.compile(
    r"/((?:19|20)\d{2})(?:[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])"
    r"|(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01]))(?:/|-|$)"
)
# The widest UTC offsets in use: a local day after UTC's (Asia, the Pacific) and before it
# (the Americas; -10:00 is Hawaii).
_AHEAD, _BEHIND = timedelta(hours=14), timedelta(hours=10)
# Time-zone names publishers print after a time, with their offsets.
_ZONES = {"UTC": 0, "GMT": 0, "Z": 0, "BST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3}
_ZONES |= {"EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6}
_ZONES |= {"PST": -8, "PDT": -7, "AKST": -9, "AKDT": -8, "HST": -10}
_ZONED_FORMATS = (
    "%a, %d %b %Y %H:%M:%S",
    "%a, %b %d %Y %H:%M:%S",
    "%a, %b %d, %Y %H:%M:%S",
    "%b %d %Y %H:%M:%S",
    "%d %b %Y %H:%M:%S",
)
_EARLIEST = datetime(1990, 1, 1)  # the earliest publication date believed
_NO_DATEPARSER: ContextVar[bool] = ContextVar("storyline_no_dateparser", default=False)
_URL_MONTH = re.compile(r"/((?:19|20)\d{2})/(0?[1-9]|1[0-2])/")
_NAMED_ZONE = re.compile(r"(.*\d)\s+([A-Z]{1,4})")
_NUMERIC_DATE = re.compile(r"(\d{1,2})\s*+([^\w\s])\s*+(\d{1,2})\s*+\2\s*+((?:19|20)\d{2})")


def publication_dates(
    tree: HtmlElement, ld: dict[str, Any], metas: dict[str, str], url: str | None
) -> tuple[str | None, str | None]:
    """(published, modified) as ISO 8601 strings, each ``None`` when the page has none."""
    modified = first_date(ld.get("dateModified"), *(metas.get(k) for k in MODIFIED_KEYS))
    # schema.org's dateCreated stands in for a missing datePublished, after every tag
    declared = [
        ld.get("datePublished"),
        *(metas.get(k) for k in PUBLISHED_KEYS),
        ld.get("dateCreated"),
    ]
    published = first_date(*declared)
    if published is not None:
        published = _settle(published, declared, tree, url)
        return as_stated(published, _local_statements(tree, declared, url)), modified
    day = url_date(url) or _htmldate(tree, url, within=url_month(url))
    if day is None:
        return visible_date(tree), modified
    return (visible_date(tree, day) if len(day) == 10 else None) or day, modified


def _settle(published: str, declared: list[Any], tree: HtmlElement, url: str | None) -> str:
    """``published``, unless the page's own statements name days far apart (a republished
    article keeps its first date in one tag and the new one in another): then htmldate,
    which weighs the tags and the URL by their usual reliability, picks among them."""
    stated = [iso for value in declared if (iso := first_date(value))]
    if (day := url_date(url)) is not None:
        stated.append(day)
    first = date.fromisoformat(published[:10])
    if all(abs(date.fromisoformat(s[:10]) - first) <= timedelta(days=1) for s in stated):
        return published  # one day, or a day either side: a matter of time zones
    verdict = _htmldate(tree, url, extensive=False)
    on_day = [s for s in stated if verdict and s.startswith(verdict)]
    return max(on_day, key=len) if on_day else published


def first_date(*values: Any) -> str | None:
    """The first value (or first item of a list value) that reads as a date."""
    for value in values:
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(int(value))
        if isinstance(value, str) and (iso := iso_date(value)):
            return iso
    return None


def iso_date(value: str) -> str | None:
    """A date as an ISO 8601 string, keeping the precision and offset the page gives;
    ``None`` if unreadable or implausible.

    A date without a time stays a date: turning it into midnight would invent precision.
    Unix times (seconds or milliseconds) are read as the UTC moment they are.
    """
    value = value.strip()
    if _UNIX_TIME.fullmatch(value):
        moment = datetime.fromtimestamp(int(value[:10]), tz=UTC)
        return moment.isoformat() if _plausible(moment) else None
    candidate = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
    try:
        if _DAY_ONLY.fullmatch(candidate):
            parsed = datetime.strptime(candidate, "%Y-%m-%d")
            return parsed.date().isoformat() if _plausible(parsed) else None
        parsed = datetime.fromisoformat(candidate)
        return parsed.isoformat() if _plausible(parsed) else None
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            parsed = datetime.strptime(value, fmt)
        except ValueError:
            continue
        if not _plausible(parsed):
            return None
        return parsed.date().isoformat() if "%H" not in fmt else parsed.isoformat()
    return _with_zone_name(value)


def _with_zone_name(value: str) -> str | None:
    """``Tue, Sep 15 2020 10:01:41 EDT``: a date and time with a zone name (or a bare
    ``Sep 15 2020 10:01:41``), read with the zone's offset."""
    found = _NAMED_ZONE.fullmatch(value)
    stamp, zone = (found.group(1), found.group(2)) if found else (value, None)
    if zone is not None and zone not in _ZONES:
        return None
    for fmt in _ZONED_FORMATS:
        try:
            parsed = datetime.strptime(stamp, fmt)
        except ValueError:
            continue
        if zone is not None:
            parsed = parsed.replace(tzinfo=timezone(timedelta(hours=_ZONES[zone])))
        return parsed.isoformat() if _plausible(parsed) else None
    return None


def _plausible(parsed: datetime) -> bool:
    """Placeholders such as ``0001-01-01`` are not dates anyone published on."""
    return _EARLIEST.year <= parsed.year <= datetime.now().year + 1


def as_stated(published: str, statements: Iterator[str]) -> str:
    """``published``, or the page's local statement of it when ``published`` is a UTC time
    on another day (see the module's docstring)."""
    moment = _aware(published)
    if moment is None or moment.utcoffset() != timedelta(0):
        return published
    for statement in statements:
        local = _local_equivalent(moment, statement)
        if local is not None:
            return local if local[:10] != published[:10] else published
    return published


def _local_equivalent(moment: datetime, statement: str) -> str | None:
    """``statement`` (or its day) when it states ``moment`` in local time, else ``None``."""
    if len(statement) == 10:  # a day only (the URL's): one day either side of UTC's
        day = date.fromisoformat(statement)
        if abs(day - moment.date()) == timedelta(days=1):
            nearest = moment + (_AHEAD if day > moment.date() else -_BEHIND)
            return statement if nearest.date() == day else None
        return None
    try:
        other = datetime.fromisoformat(statement)
    except ValueError:
        return None
    if other.tzinfo is not None:  # the same moment with a local offset
        same = abs(other - moment) <= timedelta(minutes=1) and other.utcoffset()
        return statement if same else None
    shift = other - moment.replace(tzinfo=None)  # a local clock time: whole quarter hours away
    quarter = timedelta(minutes=15)
    if shift and -_BEHIND <= shift <= _AHEAD and shift % quarter < timedelta(minutes=1):
        return other.replace(tzinfo=timezone(shift)).isoformat()
    return None


def _local_statements(tree: HtmlElement, declared: list[Any], url: str | None) -> Iterator[str]:
    """Other statements of the publication time, most precise first: declared values,
    ``<time>`` elements, the URL's day."""
    for value in declared:
        if isinstance(value, str) and (iso := iso_date(value)):
            yield iso
    for element in tree.iter("time"):
        if (value := element.get("datetime")) and (iso := iso_date(value)):
            yield iso
    if (day := url_date(url)) is not None:
        yield day


def _aware(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def visible_date(tree: HtmlElement, day: str | None = None) -> str | None:
    """The ``datetime`` of the first ``<time>`` element that has one (on ``day``, if given)."""
    for element in tree.iter("time"):
        if (value := element.get("datetime")) and (iso := iso_date(value)):
            if day is None or iso.startswith(day):
                return iso
    return None


def url_date(url: str | None) -> str | None:
    """``/2019/11/18/slug``, ``/2019-11-18-slug`` or ``/20191118/`` in the URL: a date
    publishers put there (not one after next year: a number that only looks like one)."""
    match = _URL_DATE.search(url or "")
    if not match:
        return None
    year = int(match.group(1))
    month, day = (int(g) for g in (match.group(2, 3) if match.group(2) else match.group(4, 5)))
    try:
        stated = date(year, month, day)
    except ValueError:
        return None
    return stated.isoformat() if year <= date.today().year + 1 else None


def url_month(url: str | None) -> tuple[datetime, datetime] | None:
    """The first and last day of the month a URL names without its day (``/2011/12/``):
    the article's day lies between them."""
    match = _URL_MONTH.search(url or "")
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if year > date.today().year + 1:
        return None
    following = date(year + month // 12, month % 12 + 1, 1)
    last = following - timedelta(days=1)
    return datetime(year, month, 1), datetime(last.year, last.month, last.day, 23, 59, 59)


def _htmldate(
    tree: HtmlElement,
    url: str | None,
    extensive: bool = True,
    within: tuple[datetime, datetime] | None = None,
) -> str | None:
    """htmldate's reading of the page (within ``within``, when the URL names the month),
    in its extensive mode (or, if not ``extensive``, its fast one), whose 1 January is a
    year it found in the text (a copyright line), not a day. The extensive mode starts
    with the fast mode's steps, so the fast one is not run first: on a page without a
    date that read the page twice (same answers on all 1,253 shared pages, 0.6 ms a page
    less). It runs without its dateparser step (see ``_without_dateparser``)."""
    from htmldate import find_date

    earliest, latest = within or (_EARLIEST, None)
    try:
        with _without_dateparser():
            found = find_date(
                tree,
                url=url,
                extensive_search=extensive,
                original_date=True,
                min_date=earliest,
                max_date=latest,
            )
    except (ValueError, TypeError):
        return None
    if not found or (extensive and str(found).endswith("-01-01")):
        return None
    return str(found)


@contextmanager
def _without_dateparser() -> Iterator[None]:
    """Within this block (this thread or task only), htmldate's last resort for a date
    string, dateparser, is replaced by ``numeric_date``.

    dateparser tries every one of its ~200 locales on a string it cannot place, which
    cost 40 ms a page on pages without declared dates (half of storyline's time) and
    up to 2 s on the first page in a script it had not loaded; htmldate's cue test
    before it loads every locale's month names once (about 0.1 s). htmldate has no
    switch for either, so its module functions are wrapped once, behind a context
    variable: other callers of htmldate in the process keep dateparser. Our calls pass
    their own ``min_date``, so htmldate's cache of parsed strings (keyed by it) never
    hands our answers to them.
    """
    import htmldate.extractors as extractors

    original_parser, original_cue = extractors._external_date, extractors.has_date_cue
    if not getattr(original_parser, "storyline_gate", False):

        def parser(string: str) -> datetime | None:
            return numeric_date(string) if _NO_DATEPARSER.get() else original_parser(string)

        def cue(string: str, min_date: datetime, max_date: datetime) -> bool:
            return _NO_DATEPARSER.get() or bool(original_cue(string, min_date, max_date))

        parser.storyline_gate = True  # type: ignore[attr-defined]
        extractors._external_date = parser
        extractors.has_date_cue = cue
    token = _NO_DATEPARSER.set(True)
    try:
        yield
    finally:
        _NO_DATEPARSER.reset(token)


def numeric_date(string: str) -> datetime | None:
    """Day, month and year in numbers with one separator htmldate's own patterns do not
    read (``26 | 01 | 2022``), day first; ``None`` for anything else (words need
    dateparser's locales)."""
    found = _NUMERIC_DATE.fullmatch(string.strip())
    if found is None:
        return None
    day, month, year = (int(found.group(i)) for i in (1, 3, 4))
    try:
        return datetime(year, month, day)
    except ValueError:
        return None
