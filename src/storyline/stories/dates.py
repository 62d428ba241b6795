"""Temporal expressions in news text, resolved against the article's publication date.

"last night", "last year", "in December 2021", "since 2014": each becomes a date or a
period with the sentence it came from. Dates keep the precision the text gives, as ISO 8601
strings with reduced precision ("2014", "2021-05", "2022-01-26"), so "last year" is the
year 2021 and not an invented 27 January 2021; such strings also sort in time order.

These are our own rules rather than ``dateparser.search.search_dates``: on the seed page
that function took 1.7 s, read the words "may" and "we" as dates, and gave "last year" and
"in December 2021" a day (the 27th) that the text never states.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from storyline.errors import InputError
from storyline.revisions.sentences import split_sentences

MONTHS = {
    "January": 1,
    "February": 2,
    "March": 3,
    "April": 4,
    "May": 5,
    "June": 6,
    "July": 7,
    "August": 8,
    "September": 9,
    "October": 10,
    "November": 11,
    "December": 12,
    "Jan": 1,
    "Feb": 2,
    "Mar": 3,
    "Apr": 4,
    "Jun": 6,
    "Jul": 7,
    "Aug": 8,
    "Sep": 9,
    "Sept": 9,
    "Oct": 10,
    "Nov": 11,
    "Dec": 12,
}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:1[89]|20)\d\d)"


@dataclass(frozen=True)
class DatedExpression:
    """A temporal expression: its words, the date or period it means, and its sentence.

    ``date`` is the start (ISO 8601, reduced precision allowed); ``end`` is set for
    periods with an explicit end ("from 2014 to 2016", "since 2014" runs to publication).
    """

    text: str
    date: str
    sentence: str
    end: str | None = None
    relative: bool = False
    start: int | None = None  # where ``text`` begins in ``sentence``


Resolver = Callable[[re.Match[str], date | None], tuple[str, str | None] | None]


def parse_published(published: str | date | datetime | None) -> date | None:
    """The publication day from an ISO string, date or datetime (None stays None)."""
    if published is None or published == "":
        return None
    if isinstance(published, datetime):
        return published.date()
    if isinstance(published, date):
        return published
    try:
        return datetime.fromisoformat(published.strip().replace("Z", "+00:00")).date()
    except ValueError:
        try:
            return date.fromisoformat(published.strip()[:10])
        except ValueError as exc:
            raise InputError(
                f"publication date {published!r} is not ISO 8601; give it as YYYY-MM-DD"
            ) from exc


def find_dates(text: str, published: str | date | datetime | None) -> list[DatedExpression]:
    """Every temporal expression of ``text`` with its resolved date, in text order.

    Relative expressions ("last year") need ``published``; without it they are skipped.
    """
    base = parse_published(published)
    found: list[DatedExpression] = []
    for sentence in split_sentences(text):
        taken: list[tuple[int, int]] = []
        hits = []
        ahead = bool(_FUTURE.search(sentence))
        for pattern, resolve, relative in _RULES:
            if ahead:
                resolve = _FORWARD.get(resolve, resolve)
            for match in pattern.finditer(sentence):
                span = match.span()
                if any(span[0] < end and start < span[1] for start, end in taken):
                    continue
                if relative and base is None:
                    continue
                resolved = resolve(match, base)
                if resolved is None:
                    continue
                taken.append(span)
                start_date, end_date = resolved
                if end_date is not None and end_date < start_date:
                    end_date = None  # "since May 2023" in a 2022 article: no period to close
                hits.append(
                    (
                        span[0],
                        DatedExpression(
                            match.group().strip(),
                            start_date,
                            sentence,
                            end_date,
                            relative,
                            span[0] + len(match.group()) - len(match.group().lstrip()),
                        ),
                    )
                )
        found.extend(hit for _, hit in sorted(hits, key=lambda pair: pair[0]))
    return found


def _iso(day: date) -> str:
    return day.isoformat()


def _month(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def _safe_day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _full_date(match: re.Match[str], base: date | None) -> tuple[str, None] | None:
    day = _safe_day(int(match["year"]), MONTHS[match["month"]], int(match["day"]))
    return (_iso(day), None) if day else None


def _day_without_year(match: re.Match[str], base: date | None) -> tuple[str, None] | None:
    assert base is not None
    day = _safe_day(base.year, MONTHS[match["month"]], int(match["day"]))
    if day is None:
        return None
    if day > base + timedelta(days=7):
        day = _safe_day(base.year - 1, day.month, day.day)
    return (_iso(day), None) if day else None


def _iso_date(match: re.Match[str], base: date | None) -> tuple[str, None] | None:
    day = _safe_day(int(match["year"]), int(match["m"]), int(match["day"]))
    return (_iso(day), None) if day else None


def _month_year(match: re.Match[str], base: date | None) -> tuple[str, str | None]:
    value = _month(int(match["year"]), MONTHS[match["month"]])
    return value, _since_end(match, base)


def _month_alone(match: re.Match[str], base: date | None) -> tuple[str, str | None]:
    assert base is not None
    month = MONTHS[match["month"]]
    strictly_before = (match["prep"] or "").lower() == "last"
    year = (
        base.year
        if month < base.month or (month == base.month and not strictly_before)
        else base.year - 1
    )
    return _month(year, month), _since_end(match, base)


def _year(match: re.Match[str], base: date | None) -> tuple[str, str | None] | None:
    year = int(match["year"])
    if base is not None and year > base.year + 10:
        return None
    return f"{year:04d}", _since_end(match, base)


def _year_range(match: re.Match[str], base: date | None) -> tuple[str, str] | None:
    first, last = int(match["year"]), int(match["to"])
    if last < 100:
        last += first - first % 100
    return (f"{first:04d}", f"{last:04d}") if first < last else None


def _decade(match: re.Match[str], base: date | None) -> tuple[str, str]:
    start = int(match["decade"])
    return f"{start:04d}", f"{start + 9:04d}"


def _since_end(match: re.Match[str], base: date | None) -> str | None:
    prep = (match.groupdict().get("prep") or "").lower()
    return _iso(base) if prep == "since" and base is not None else None


def _days_offset(days: int) -> Resolver:
    def resolve(match: re.Match[str], base: date | None) -> tuple[str, None]:
        assert base is not None
        return _iso(base + timedelta(days=days)), None

    return resolve


def _weekday(match: re.Match[str], base: date | None) -> tuple[str, None]:
    assert base is not None
    target = WEEKDAYS.index(match["weekday"].lower())
    if match["next"]:
        return _weekday_ahead(match, base)
    back = (base.weekday() - target) % 7
    if back == 0 and (match["last"] or ""):
        back = 7
    return _iso(base - timedelta(days=back)), None


def _weekday_ahead(match: re.Match[str], base: date | None) -> tuple[str, None]:
    """A weekday in a sentence about what will happen: the next one after ``base``
    (the same weekday counts only when the sentence says nothing more)."""
    assert base is not None
    if match["last"]:
        return _weekday(match, base)
    target = WEEKDAYS.index(match["weekday"].lower())
    ahead = (target - base.weekday()) % 7 or (7 if match["next"] else 0)
    return _iso(base + timedelta(days=ahead)), None


def _day_ahead(match: re.Match[str], base: date | None) -> tuple[str, None] | None:
    """A day without a year in a sentence about what will happen: on or after ``base``."""
    assert base is not None
    day = _safe_day(base.year, MONTHS[match["month"]], int(match["day"]))
    if day is not None and day < base:
        day = _safe_day(base.year + 1, day.month, day.day)
    return (_iso(day), None) if day else None


def _month_this_year(match: re.Match[str], base: date | None) -> tuple[str, None]:
    assert base is not None
    return _month(base.year, MONTHS[match["month"]]), None


def _relative_unit(match: re.Match[str], base: date | None) -> tuple[str, str | None]:
    assert base is not None
    which, unit = match["which"].lower(), match["unit"].lower()
    step = {"last": -1, "past": -1, "previous": -1, "next": 1}.get(which.split()[-1], 0)
    if unit == "year":
        return f"{base.year + step:04d}", None
    if unit == "month":
        index = base.year * 12 + base.month - 1 + step
        return _month(index // 12, index % 12 + 1), None
    monday = base - timedelta(days=base.weekday()) + timedelta(weeks=step)
    end = base if step == 0 else monday + timedelta(days=6)
    return _iso(monday), _iso(end)


def _ago(match: re.Match[str], base: date | None) -> tuple[str, None] | None:
    assert base is not None
    word = match["count"].lower()
    count = int(word) if word.isdigit() else _NUMBERS.get(word, 0)
    if count <= 0:
        return None
    unit = match["unit"].lower().rstrip("s")
    if unit == "year":
        return f"{base.year - count:04d}", None
    if unit == "month":
        index = base.year * 12 + base.month - 1 - count
        return _month(index // 12, index % 12 + 1), None
    days = count * (7 if unit == "week" else 1)
    return _iso(base - timedelta(days=days)), None


# A sentence about what will happen: its bare weekdays and days are the coming ones.
_FUTURE = re.compile(
    r"\b(?:will|shall|is due|are due|is set to|are set to|is expected to|are expected to|"
    r"is scheduled|are scheduled|is to be|are to be)\b|['’]ll\b",
    re.IGNORECASE,
)
_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
_PREPOSITIONS = (
    "in|since|by|until|from|during|throughout|before|after|early|late|mid|as of|at least|"
    "as soon as|end of|spring|summer|autumn|fall|winter|fiscal|fiscal year|the|a"
)
_PREP = r"(?:(?P<prep>(?i:" + _PREPOSITIONS + r"|last))-?\s+)?"
_RULES: list[tuple[re.Pattern[str], Resolver, bool]] = [
    (re.compile(r"\b" + _YEAR + r"-(?P<m>[01]\d)-(?P<day>[0-3]\d)\b"), _iso_date, False),
    (re.compile(r"\b" + _DAY + r"\s+" + _MONTH + r",?\s+" + _YEAR + r"\b"), _full_date, False),
    (re.compile(r"\b" + _MONTH + r"\s+" + _DAY + r",?\s+" + _YEAR + r"\b"), _full_date, False),
    (
        re.compile(
            r"\b(?i:from|between)\s+" + _YEAR + r"\s+(?:to|and|until)\s+(?P<to>(?:1[89]|20)\d\d)\b"
        ),
        _year_range,
        False,
    ),
    (re.compile(r"\b" + _YEAR + r"\s*[-–]\s*(?P<to>(?:1[89]|20)?\d\d)\b"), _year_range, False),
    (re.compile(r"\b" + _PREP + _MONTH + r"\s+" + _YEAR + r"\b"), _month_year, False),
    (re.compile(r"\b" + _MONTH + r"\s+(?:of\s+)?this\s+year\b"), _month_this_year, True),
    (re.compile(r"\b" + _MONTH + r"\s+" + _DAY + r"\b(?!\s*,?\s*\d)"), _day_without_year, True),
    (re.compile(r"\b" + _DAY + r"\s+" + _MONTH + r"\b(?!\s*,?\s*\d)"), _day_without_year, True),
    (re.compile(r"\b(?:in\s+)?the\s+(?P<decade>(?:1[89]|20)\d0)s\b"), _decade, False),
    (re.compile(r"\b(?P<prep>(?i:" + _PREPOSITIONS + r"))-?\s+" + _YEAR + r"\b"), _year, False),
    (re.compile(r"\b(?:last night|yesterday)\b", re.I), _days_offset(-1), True),
    (
        re.compile(r"\b(?:today|tonight|this (?:morning|afternoon|evening))\b", re.I),
        _days_offset(0),
        True,
    ),
    (re.compile(r"\btomorrow\b", re.I), _days_offset(1), True),
    (
        re.compile(
            r"(?<!the )\b(?P<which>last|this|next|past|previous|earlier this|later this)\s+"
            r"(?P<unit>week|month|year)\b",
            re.I,
        ),
        _relative_unit,
        True,
    ),
    (
        re.compile(
            r"\b(?P<count>\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten)\s+"
            r"(?P<unit>days?|weeks?|months?|years?)\s+ago\b",
            re.I,
        ),
        _ago,
        True,
    ),
    (
        re.compile(
            r"\b(?:on\s+)?(?P<last>last\s+)?(?P<next>next\s+)?"
            r"(?P<weekday>Monday|Tuesday|Wednesday|Thursday|"
            r"Friday|Saturday|Sunday)\b"
        ),
        _weekday,
        True,
    ),
    (
        re.compile(
            r"\b(?P<prep>(?i:in|since|by|until|last|as of|from the end of|end of|mid-?|"
            r"early|late))\s*" + _MONTH + r"\b(?!\s*,?\s*\d)"
        ),
        _month_alone,
        True,
    ),
]
_FORWARD: dict[Resolver, Resolver] = {_weekday: _weekday_ahead, _day_without_year: _day_ahead}
