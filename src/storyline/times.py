"""Every time storyline shows or writes, in one place: JSON, web pages and CLI lines.

Readers compare times across outlets and versions, so a time is always absolute and
always carries its zone; storyline keeps and shows times in UTC.

- JSON: one ISO 8601 form, ``2026-12-03T09:38:32Z`` (UTC, to the second). A date known
  only to the day (an article "published 2019-11-18") stays a date, ``2019-11-18``: giving
  it a time of day would invent one.
- People (pages, CLI lines): ``2026-12-03 09:38 UTC``, and for the last few days
  (``RELATIVE_DAYS``) the age beside it: ``2026-12-03 09:38 UTC (12 min ago)``. Never the age
  alone: "1003 d ago" on four versions 12 hours apart says nothing.

A time written without a zone (some pages' ``published``) is read as UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from storyline.errors import InputError

RELATIVE_DAYS = 3
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse(value: object) -> datetime | None:
    """An aware UTC datetime from a datetime or an ISO 8601 string (``Z``, an offset, or
    none: UTC); ``None`` for anything else, a date-only string included."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and not _DAY.match(value.strip()):
        try:
            moment = datetime.fromisoformat(value.strip().replace("z", "Z"))
        except ValueError:
            return None
    else:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def iso(value: object) -> str | None:
    """The one JSON form of a time, ``2026-12-03T09:38:32Z``; ``None`` stays ``None``."""
    moment = parse(value)
    if moment is None:
        return None
    return f"{moment:%Y-%m-%dT%H:%M:%S}Z"


def iso_or_day(value: object) -> str | None:
    """A time as ``iso`` gives it, a date-only value as ``YYYY-MM-DD``, anything that is
    neither as it was written (so nothing a page said is lost), and empty as ``None``."""
    if value is None or value == "":
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    text = value.strip() if isinstance(value, str) else value
    if isinstance(text, str) and _DAY.match(text):
        return text
    return iso(text) or (str(value) if value else None)


def absolute(value: object) -> str:
    """``2026-12-03 09:38 UTC``; a date-only value as itself; ``""`` for nothing."""
    moment = parse(value)
    if moment is None:
        return iso_or_day(value) or ""
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def relative(value: object, now: datetime) -> str | None:
    """How long before ``now``: "just now", "12 min ago", "5 h ago", "2 d ago"; ``None``
    when the time is older than ``RELATIVE_DAYS`` days, in the future, or no time."""
    moment = parse(value)
    if moment is None:
        return None
    seconds = (now - moment).total_seconds()
    if seconds < -60 or seconds >= RELATIVE_DAYS * 86400:
        return None
    return ago(seconds)


def ago(seconds: float) -> str:
    """An age in seconds as words: "just now", "12 min ago", "5 h ago", "2 d ago"."""
    seconds = max(0, int(seconds))
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    if seconds < 86400:
        return f"{seconds // 3600} h ago"
    return f"{seconds // 86400} d ago"


def human(value: object, now: datetime, never: str = "never") -> str:
    """The absolute time, with its age beside it when recent: a CLI line's time."""
    text = absolute(value)
    if not text:
        return never
    age = relative(value, now)
    return f"{text} ({age})" if age else text


def day(value: object) -> str | None:
    """The UTC day of a time (``2026-12-03``), a date-only value as itself, else None."""
    moment = parse(value)
    if moment is not None:
        return moment.date().isoformat()
    text = iso_or_day(value)
    return text if text and _DAY.match(text) else None


def now() -> datetime:
    """The current time, aware UTC."""
    return datetime.now(UTC)


def day_bound(value: str | None, name: str, end: bool = False) -> datetime | None:
    """A form's ``YYYY-MM-DD`` as the start of that day in UTC (``end``: the start of the
    next day, so "until 2026-12-03" includes that day); empty is None."""
    if not value:
        return None
    try:
        day_ = date.fromisoformat(value.strip()[:10])
    except ValueError as exc:
        raise InputError(f"{name}={value!r} is not a date; use YYYY-MM-DD") from exc
    moment = datetime(day_.year, day_.month, day_.day, tzinfo=UTC)
    return moment + timedelta(days=1) if end else moment


# Fields that hold a time in storyline's JSON (with every name ending in ``_at``).
TIME_FIELDS = frozenset(
    {"first_seen", "last_updated", "last_changed", "published", "modified", "updated"}
)


def json_times(data: object) -> object:
    """``data`` with every time field (``TIME_FIELDS``, ``*_at``) in the one JSON form, at
    any depth: for writers of JSON whose producers format times their own way."""
    if isinstance(data, dict):
        return {
            key: (
                iso_or_day(value)
                if isinstance(value, str | datetime) and _is_time_field(key)
                else json_times(value)
            )
            for key, value in data.items()
        }
    if isinstance(data, list | tuple):
        return [json_times(value) for value in data]
    return data


def _is_time_field(key: object) -> bool:
    return isinstance(key, str) and (key.endswith("_at") or key in TIME_FIELDS)
