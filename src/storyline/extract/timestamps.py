"""Stamps on live-blog entries and update labels, as ISO 8601 text.

The model keeps dates as the page states them (see ``model.py``): "14:32" stays a time
without a date, "19 Nov 2019" a date without a time. Only what the page says is turned
into ISO form; a zone is kept when it is unambiguous (GMT, CET, an offset) and dropped
when it is not (ET could be EST or EDT). Text that is no recognisable stamp is returned
as it stands, so nothing the publisher wrote is lost.
"""

from __future__ import annotations

import re

from storyline.extract.patterns import ISO_STAMP, STAMP

_MONTH_NUMBERS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "mär": 3,
    "apr": 4,
    "maj": 5,
    "may": 5,
    "mai": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "okt": 10,
    "oct": 10,
    "nov": 11,
    "dec": 12,
    "dez": 12,
}
_ZONE_OFFSETS = {
    "Z": "Z",
    "GMT": "Z",
    "UTC": "Z",
    "WET": "Z",
    "BST": "+01:00",
    "CET": "+01:00",
    "CEST": "+02:00",
    "EST": "-05:00",
    "EDT": "-04:00",
    "CST": "-06:00",
    "CDT": "-05:00",
    "PST": "-08:00",
    "PDT": "-07:00",
}


def iso_timestamp(raw: str) -> str:
    """``raw`` as ISO 8601 (``2019-11-19T14:32``, ``14:32``), or stripped if unrecognised."""
    text = " ".join(raw.split())
    iso = ISO_STAMP.match(text)
    if iso:
        return iso.group("stamp").replace(" ", "T")
    found = STAMP.match(text)
    if not found or not text:
        return text
    date = _date_part(found)
    time = _time_part(found)
    if date is None and time is None:
        return text
    if time is None:
        return date or text
    zone = found.group("zone") or ""
    zone = _offset(zone) if zone[:1] in ("+", "-") else _ZONE_OFFSETS.get(zone.upper(), "")
    return f"{date}T{time}{zone}" if date else f"{time}{zone}"


def _date_part(found: re.Match[str]) -> str | None:
    if found.group("iso_date"):
        return found.group("iso_date")
    day = found.group("day1") or found.group("day2")
    month_name = found.group("mon1") or found.group("mon2")
    year = found.group("year1") or found.group("year2")
    if not (day and month_name):
        return None
    month = _MONTH_NUMBERS.get(month_name[:3].lower())
    if month is None or not 1 <= int(day) <= 31:
        return None
    return f"{year}-{month:02d}-{int(day):02d}" if year else f"--{month:02d}-{int(day):02d}"


def _time_part(found: re.Match[str]) -> str | None:
    if found.group("hour") is not None:
        hour, minute = int(found.group("hour")), int(found.group("minute"))
        ampm = found.group("ampm")
    elif found.group("hour12") is not None:
        hour, minute, ampm = int(found.group("hour12")), 0, found.group("ampm12")
    else:
        return None
    if ampm:
        if hour > 12:
            return None
        pm = ampm.lower().startswith("p")
        hour = hour % 12 + (12 if pm else 0)
    return f"{hour:02d}:{minute:02d}"


def _offset(zone: str) -> str:
    digits = zone[1:].replace(":", "")
    return f"{zone[0]}{digits[:2]}:{digits[2:4]}"
