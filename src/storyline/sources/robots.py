"""robots.txt per RFC 9309, cached per origin (scheme, host, port).

The failure policy is the RFC's, not Scrapy's: a 4xx robots.txt ("unavailable") means
everything may be fetched; a 5xx, a 429 or a network error ("unreachable") means nothing
is fetched from that origin until robots.txt answers again. An unreachable answer is
re-asked after ``retry_after`` seconds; a good one is kept for ``ttl`` (the RFC's 24 h),
and longer while a refresh finds robots.txt unreachable.

Given a ``RobotsStore`` (``shared.py``; the database's in the CLI), answers are kept
there with their expiry too, so every process on one database reads a site's robots.txt
once per expiry instead of once per run.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego

from storyline.sources.clock import Clock
from storyline.sources.shared import RobotsStore, StoredRobots

ROBOTS_TTL = 24 * 3600.0
UNREACHABLE_RETRY = 60.0
ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309 2.5: parse at least 500 KiB

ALLOWED, FORBIDDEN, UNREACHABLE = "allowed", "forbidden", "unreachable"

# Given the robots.txt URL, fetch it: (HTTP status or None on a network error, body).
RobotsFetch = Callable[[str], tuple[int | None, bytes]]


def robots_verdict(status: int | None) -> str:
    """What a robots.txt answer means: "parse", "allow_all" or "unreachable" (RFC 9309 2.3.1)."""
    if status is None or status == 429 or status >= 500:
        return "unreachable"
    if 200 <= status < 300:
        return "parse"
    return "allow_all"  # 4xx, or redirects that never ended


def robots_url(url: str) -> str:
    """The robots.txt URL that governs ``url``."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/robots.txt"


def agent_token(user_agent: str) -> str:
    """The product token robots.txt groups are matched against: "storyline/0.1 (...)" →
    "storyline"."""
    return user_agent.split("/", 1)[0].split()[0].lower() if user_agent.strip() else "*"


@dataclass
class _Entry:
    verdict: str
    rules: Protego | None
    expires: float


class RobotsCache:
    """Answers "may this URL be fetched?" from each origin's robots.txt, fetched once."""

    def __init__(
        self,
        user_agent: str,
        clock: Clock,
        ttl: float = ROBOTS_TTL,
        retry_after: float = UNREACHABLE_RETRY,
        shared: RobotsStore | None = None,
    ) -> None:
        self.token = agent_token(user_agent)
        self._shared = shared
        self._clock = clock
        self._ttl = ttl
        self._retry_after = retry_after
        self._entries: dict[str, _Entry] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def check(self, url: str, fetch: RobotsFetch) -> str:
        """ALLOWED, FORBIDDEN (a rule disallows it) or UNREACHABLE (robots.txt did not answer)."""
        entry = self._entry(url, fetch)
        if entry.verdict == "unreachable":
            return UNREACHABLE
        if entry.rules is None or entry.rules.can_fetch(url, self.token):
            return ALLOWED
        return FORBIDDEN

    def crawl_delay(self, url: str) -> float | None:
        """The Crawl-delay robots.txt asks of us for ``url``'s origin, if cached and given."""
        entry = self._entries.get(robots_url(url))
        if entry is None or entry.rules is None:
            return None
        delay = entry.rules.crawl_delay(self.token)
        return float(delay) if delay is not None else None

    def sitemaps(self, url: str) -> list[str]:
        """The Sitemap: URLs the cached robots.txt of ``url``'s origin names."""
        entry = self._entries.get(robots_url(url))
        return list(entry.rules.sitemaps) if entry and entry.rules else []

    def fetched(self, url: str) -> bool:
        """True when ``url``'s robots.txt is cached and fresh (no request would be made)."""
        entry = self._entries.get(robots_url(url))
        return entry is not None and entry.expires > self._clock.monotonic()

    def _entry(self, url: str, fetch: RobotsFetch) -> _Entry:
        key = robots_url(url)
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:  # one robots.txt request per origin, even from many threads
            entry = self._entries.get(key)
            if entry is None or entry.expires <= self._clock.monotonic():
                entry = self._entries[key] = self._refresh(key, entry, fetch)
            return entry

    def _refresh(self, key: str, entry: _Entry | None, fetch: RobotsFetch) -> _Entry:
        """A fresh entry: from the shared store while it is fresh there, else fetched."""
        wall = self._clock.now().timestamp()
        stored = self._shared.load(key) if self._shared else None
        if stored is not None and stored.expires_at > wall:
            return self._parse(stored.status, stored.body, stored.expires_at - wall)
        status, body = fetch(key)
        fresh = self._parse(status, body)
        kept = StoredRobots(status, body[:ROBOTS_MAX_BYTES], 0.0)
        if fresh.verdict == "unreachable":
            # RFC 9309 2.4: a stale copy may be used while robots.txt is unreachable
            if entry and entry.verdict != "unreachable":
                fresh = _Entry(entry.verdict, entry.rules, fresh.expires)
            elif stored is not None and robots_verdict(stored.status) != "unreachable":
                stale = self._parse(stored.status, stored.body)
                fresh = _Entry(stale.verdict, stale.rules, fresh.expires)
                kept = StoredRobots(stored.status, stored.body, 0.0)
        if self._shared is not None:
            left = fresh.expires - self._clock.monotonic()
            answer = StoredRobots(kept.status, kept.body, wall + left)
            self._shared.save(key, answer, wall)
        return fresh

    def _parse(self, status: int | None, body: bytes, lifetime: float | None = None) -> _Entry:
        """An entry for an answer, valid ``lifetime`` seconds (default: the TTL, or the
        retry time for an unreachable answer)."""
        verdict = robots_verdict(status)
        now = self._clock.monotonic()
        if verdict == "unreachable":
            return _Entry(verdict, None, now + (lifetime or self._retry_after))
        rules = None
        if verdict == "parse":
            text = body[:ROBOTS_MAX_BYTES].decode("utf-8", errors="replace")
            rules = Protego.parse(text)
        return _Entry(verdict, rules, now + (lifetime or self._ttl))
