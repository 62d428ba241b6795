"""A story's timeline as readers see it: events grouped by day with their outlet, the
story's own news period, and the background dates its articles mention, listed apart.

The stories stage stores the events (publications, updates, corrections, dated
statements); this only arranges them. An event is *background* when it starts well before
the story's news period ("present in Mali since 2014" in a story of January 2022): it is
context, not coverage, so it is not drawn on the chart, whose span is the news period.
Each event is handed on as stored, with ``href``, ``outlet``, ``day`` and ``time`` added.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from storyline import times
from storyline.read.queries import ArticleLine
from storyline.read.shapes import site_of
from storyline.read.story_index import news_times

# What an article reports happened shortly before it appeared ("last night"): only dates
# older than this before the first article are background ("2021" counts as 31 Dec 2021).
BACKGROUND_MARGIN = timedelta(days=3)
KIND_LABELS = {
    "published": "Published",
    "update": "Update",
    "correction": "Correction",
    "statement": "Mentioned",
}


def story_timeline(
    entries: list[dict[str, Any]],
    ids: dict[str, int],
    outlets: dict[str, str],
    lines: Sequence[ArticleLine],
) -> dict[str, Any]:
    """``timeline`` (every event, as stored plus where it links), ``days`` (the events of
    the news period and after, by day), ``background`` and ``period``."""
    start, end = _period(lines)
    events, background = [], []
    for entry in entries:
        event, last_day = _event(entry, ids, outlets)
        if (
            start is not None
            and last_day is not None
            and last_day < (start - BACKGROUND_MARGIN).date()
        ):
            event["background"] = True
            background.append(event)
        else:
            event["background"] = False
            events.append(event)
    return {
        "period": {"from": times.iso(start), "to": times.iso(end)},
        "timeline": [*background, *events],
        "days": _days(events),
        "background": background,
    }


def _period(lines: Sequence[ArticleLine]) -> tuple[datetime | None, datetime | None]:
    """The story's news period: first appearance to last activity of its articles."""
    spans = [
        news_times(ln.first_seen, ln.published_at, ln.version_count, ln.fetched_at) for ln in lines
    ]
    if not spans:
        return None, None
    return min(s for s, _ in spans), max(e for _, e in spans)


def _event(
    entry: dict[str, Any], ids: dict[str, int], outlets: dict[str, str]
) -> tuple[dict[str, Any], date | None]:
    """The entry as an event of the page, and the last day its date may mean ("2021" is
    up to 31 December), which says whether it is background."""
    url = entry.get("url") or ""
    page_id = ids.get(url)
    site = site_of(url) if url else None
    written = str(entry.get("date") or "")
    moment = times.parse(written)
    event = {
        **entry,
        "label": KIND_LABELS.get(str(entry.get("kind")), str(entry.get("kind", "")).title()),
        "href": f"/articles/{page_id}" if page_id is not None else None,
        "article_id": page_id,
        "site": site,
        "outlet": outlets.get(site, site) if site else None,
        "day": moment.date().isoformat() if moment else written,
        "time": f"{moment:%H:%M} UTC" if moment else None,
        "at": times.iso(moment),
    }
    return event, moment.date() if moment else _last_day(written)


def _last_day(value: str) -> date | None:
    """The last day a date written without a time may mean."""
    text = value.strip()
    try:
        if len(text) == 4 and text.isdigit():
            return date(int(text), 12, 31)
        if len(text) == 7 and text[4] == "-":
            year, month = int(text[:4]), int(text[5:])
            return date(year, month, calendar.monthrange(year, month)[1])
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def _days(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Events grouped by their day (or month, or year, as precise as known), in order."""
    ordered = sorted(events, key=lambda e: (e["day"], e["at"] or "", str(e.get("kind"))))
    days: list[dict[str, Any]] = []
    for event in ordered:
        if not days or days[-1]["day"] != event["day"]:
            days.append({"day": event["day"], "events": []})
        days[-1]["events"].append(event)
    return days
