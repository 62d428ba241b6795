"""Durations (``15m``, ``1h``, ``2d``) and times (``2026-11-01``, ``2h`` ago) as users type them."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from storyline.errors import InputError

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$", re.IGNORECASE)


def parse_duration(text: str | float | int) -> float:
    """Seconds in ``text``: ``90`` or ``90s``, ``15m``, ``1h``, ``2d``, ``1w``."""
    if isinstance(text, int | float):
        seconds = float(text)
    else:
        match = _DURATION.match(text)
        if not match:
            raise InputError(f"{text!r} is not a duration; write e.g. 30s, 15m, 1h or 2d")
        seconds = float(match.group(1)) * _UNITS[(match.group(2) or "s").lower()]
    if seconds <= 0:
        raise InputError(f"{text!r} is not a positive duration; write e.g. 15m")
    return seconds


def parse_time(text: str, now: datetime | None = None) -> datetime:
    """A point in time: an ISO date or date-time (UTC unless it says otherwise), or a
    duration meaning that long ago (``2h``, ``3d``)."""
    now = now or datetime.now(UTC)
    if _DURATION.match(text):
        return now - timedelta(seconds=parse_duration(text))
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InputError(
            f"{text!r} is not a time; write a date (2026-11-01), a date and time "
            "(2026-11-01T08:00), or how long ago (2h, 3d)"
        ) from None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when
