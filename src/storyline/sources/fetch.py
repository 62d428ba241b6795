"""The polite HTTP client: every page, feed and sitemap storyline reads comes through here.

One ``Fetcher.fetch(url)`` call walks each redirect hop itself, and on every hop
  1. refuses private, loopback and link-local addresses (``addresses.py``) unless
     ``allow_private``;
  2. asks the origin's robots.txt (``robots.py``, RFC 9309, cached) unless ``robots_obey``
     is off;
  3. waits its turn for the host (``throttle.py``: ``throttle_delay``, or the site's
     Crawl-delay, or with ``throttle_adaptive`` the host's own response time, if longer);
  4. sends a conditional GET (If-None-Match / If-Modified-Since) with an honest
     User-Agent, retrying 5xx, 429 and network errors with backoff (``retry.py``);
then checks the content type and streams the body up to ``fetch_max_bytes``.
Each outcome is counted in ``Fetcher.stats`` ("robots/forbidden", "fetch/304",
"fetch/retry", "throttle/waited"...). httpx errors become ``FetchError`` here and nowhere
else. ``FetchResult`` and the URL and content-type rules live in ``fetched.py`` (and are
importable from here). The ``httpx.Client`` is passed in (tests use
``httpx.MockTransport``); one Fetcher can serve a small thread pool. ``shared`` (the
store's ``StorePoliteness`` in the CLI) keeps host turns and robots.txt answers in the
database, so every process on it keeps a site's Crawl-delay together.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime
from urllib.parse import urlsplit

import httpx

from storyline.config import Settings
from storyline.errors import BlockedError, FetchError, PageTooLargeError
from storyline.sources.addresses import Resolver, check_public_host, system_resolver
from storyline.sources.clock import Clock, SystemClock
from storyline.sources.deadline import clear_deadline, deadline_transport, set_deadline
from storyline.sources.fetched import (
    FetchResult,
    check_url,
    is_allowed_content_type,
    media_type,
    redirect_target,
)
from storyline.sources.retry import RetryPolicy, is_retryable, parse_retry_after
from storyline.sources.robots import (
    FORBIDDEN,
    ROBOTS_MAX_BYTES,
    UNREACHABLE,
    UNREACHABLE_RETRY,
    RobotsCache,
    robots_url,
)
from storyline.sources.shared import SharedPoliteness
from storyline.sources.throttle import HOST_MISSES, Throttle

# The fetched-page rules are importable from here too (see the module docstring).
__all__ = [
    "DEFAULT_ACCEPT",
    "FetchResult",
    "Fetcher",
    "check_url",
    "is_allowed_content_type",
    "media_type",
    "redirect_target",
]

DEFAULT_ACCEPT = (
    "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
    "application/xml;q=0.9,application/feed+json;q=0.9,application/json;q=0.8,"
    "text/plain;q=0.5"
)
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
ROBOTS_MAX_REDIRECTS = 5  # RFC 9309 2.3.1.2


class Fetcher:
    """Fetches URLs politely; see the module docstring for the steps of one fetch."""

    def __init__(
        self,
        settings: Settings,
        client: httpx.Client | None = None,
        *,
        clock: Clock | None = None,
        resolver: Resolver | None = None,
        shared: SharedPoliteness | None = None,
    ) -> None:
        self.settings = settings
        self.user_agent = settings.user_agent.replace("{contact}", settings.contact_url)
        self._timeout = httpx.Timeout(settings.fetch_timeout)
        self._own_client = client is None
        self._client = client or httpx.Client(
            timeout=self._timeout, follow_redirects=False, transport=deadline_transport()
        )
        self._clock: Clock = clock or SystemClock()
        self._resolver = resolver or system_resolver
        self.robots = (
            RobotsCache(self.user_agent, self._clock, shared=shared)
            if settings.robots_obey
            else None
        )
        self.throttle = Throttle(
            settings.throttle_delay, self._clock, settings.throttle_adaptive, slots=shared
        )
        self.retry = RetryPolicy(settings.fetch_retries, settings.fetch_retry_max_wait)
        self.stats: Counter[str] = Counter()
        self._stats_lock = threading.Lock()

    def fetch(
        self,
        url: str,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str | None = None,
    ) -> FetchResult:
        """Fetch ``url`` politely; a 304 to the given validators gives ``not_modified``.

        Raises FetchError (with ``.url``, ``.status``, ``.retry_after_seconds``),
        BlockedError (robots.txt or a private address; with ``retry_after_seconds`` set
        when robots.txt was unreachable, a temporary state) or PageTooLargeError.
        """
        url = check_url(url)
        headers = {"User-Agent": self.user_agent, "Accept": accept or DEFAULT_ACCEPT}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        budget = _Budget(self._clock.monotonic() + self.settings.fetch_total_timeout)
        try:
            final_url, response = self._follow(url, headers, budget)
            try:
                return self._result(url, final_url, response, self._clock.now(), budget)
            finally:
                response.close()
        finally:
            clear_deadline()

    def close(self) -> None:
        """Close the HTTP client if this Fetcher made it."""
        if self._own_client:
            self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ one fetch

    def _follow(
        self, url: str, headers: dict[str, str], budget: _Budget
    ) -> tuple[str, httpx.Response]:
        current, status = url, None
        for _hop in range(self.settings.fetch_max_redirects + 1):
            self._admit(current)
            response = self._send(current, headers, budget)
            location, status = response.headers.get("location"), response.status_code
            if status not in REDIRECT_STATUSES or not location:
                return current, response
            response.close()
            self._count("fetch/redirect")
            current = redirect_target(current, location)
        self._count("fetch/too_many_redirects")
        raise FetchError(
            f"{url} redirected more than {self.settings.fetch_max_redirects} times "
            f"(last target {current}); open it in a browser to see where it leads",
            url,
            status,
        )

    def _admit(self, url: str) -> None:
        """The private-address rule and robots.txt, for one hop."""
        if not self.settings.allow_private:
            try:
                check_public_host(urlsplit(url).hostname or "", self._resolver)
            except BlockedError:
                self._count("fetch/blocked_private")
                raise
        if self.robots is None:
            return
        verdict = self.robots.check(url, self._fetch_robots)
        if verdict == FORBIDDEN:
            self._count("robots/forbidden")
            raise BlockedError(
                f"{robots_url(url)} disallows {url} for user agent "
                f"{self.robots.token!r}; storyline will not fetch it",
                url,
            )
        if verdict == UNREACHABLE:
            self._count("robots/unreachable")
            raise BlockedError(
                f"{robots_url(url)} did not answer; per RFC 9309 nothing is fetched from this "
                "site until it does; try again later",
                url,
                retry_after_seconds=UNREACHABLE_RETRY,
            )

    def _send(self, url: str, headers: dict[str, str], budget: _Budget) -> httpx.Response:
        """One hop, retried on 5xx, 429 and network errors (deadline misses included)
        while the fetch's total budget lasts."""
        attempt = 0
        while True:
            self._check_backoff(url)
            budget.end += self._wait_turn(url)  # waiting for our turn costs no budget
            left = budget.end - self._clock.monotonic()
            if left <= 0:
                raise self._deadline_missed(url, attempt)
            status, response, error = self._attempt(url, headers, "fetch", left)
            if response is not None and not is_retryable(status):
                self.throttle.recovered(urlsplit(url).netloc)
                return response
            if isinstance(error, httpx.TimeoutException):
                rest = self.throttle.missed(urlsplit(url).netloc)
                if rest > 0:
                    raise self._deadline_missed(url, attempt + 1, rest)
            retry_after = None
            if response is not None:
                retry_after = parse_retry_after(
                    response.headers.get("retry-after"), self._clock.now()
                )
                response.close()
            wait = self.retry.wait_before_retry(attempt, status, retry_after)
            if wait is not None and wait >= budget.end - self._clock.monotonic():
                wait = None  # no time left for another attempt within the total
            if wait is None:
                if isinstance(error, httpx.TimeoutException):
                    raise self._deadline_missed(url, attempt + 1)
                raise _gave_up(url, status, error, retry_after, attempt + 1)
            self._count("fetch/retry")
            self._clock.sleep(wait)
            attempt += 1

    def _attempt(
        self, url: str, headers: dict[str, str], kind: str, left: float | None = None
    ) -> tuple[int | None, httpx.Response | None, Exception | None]:
        """Send one request: (status, open streaming response) or (None, None, error).

        The request (and the reading of its body, until the next attempt or the end of
        the fetch) must finish within ``fetch_timeout`` or the ``left`` of the total."""
        try:
            request = self._client.build_request("GET", url, headers=headers, timeout=self._timeout)
        except httpx.InvalidURL as exc:
            raise FetchError(f"{url!r} is not a valid URL: {exc}", url) from exc
        seconds = self.settings.fetch_timeout if left is None else left
        set_deadline(min(self.settings.fetch_timeout, seconds))
        self.throttle.sent(urlsplit(url).netloc)
        started = self._clock.monotonic()
        try:
            response = self._client.send(request, stream=True, follow_redirects=False)
        except httpx.TimeoutException as exc:
            self._count(f"{kind}/timeout")
            return None, None, exc
        except httpx.TransportError as exc:
            self._count(f"{kind}/network_error")
            return None, None, exc
        except httpx.HTTPError as exc:
            raise FetchError(f"cannot request {url}: {exc}", url) from exc
        self._count(f"{kind}/{response.status_code}")
        latency = self._clock.monotonic() - started  # until the headers arrived
        self.throttle.record(urlsplit(url).netloc, latency, response.status_code)
        return response.status_code, response, None

    def _wait_turn(self, url: str) -> float:
        """Wait for the host's turn; the seconds waited."""
        crawl_delay = self.robots.crawl_delay(url) if self.robots else None
        waited = self.throttle.wait(urlsplit(url).netloc, crawl_delay)
        if waited > 0:
            self._count("throttle/waited")
        return waited

    def _check_backoff(self, url: str) -> None:
        """Fail at once for a host that recently missed its deadline (it is backed off)."""
        host = urlsplit(url).netloc
        left = self.throttle.backed_off(host)
        if left > 0:
            self._count("fetch/host_resting")
            raise FetchError(
                f"{host} missed its {self.settings.fetch_timeout:g} s deadline {HOST_MISSES} "
                f"times in a row; storyline asks it again in {left:.0f} s",
                url,
                retry_after_seconds=left,
            )

    def _deadline_missed(self, url: str, attempts: int, rest: float = 0.0) -> FetchError:
        """The error for a fetch out of time (``rest``: how long the host is now left
        alone, when it missed its deadline too often in a row)."""
        self._count("fetch/deadline")
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        rested = (
            f"; the host missed its deadline {HOST_MISSES} times in a row and is left "
            f"alone for {rest:.0f} s"
            if rest > 0
            else ""
        )
        return FetchError(
            f"fetching {url} timed out{tries}: the deadline is "
            f"{self.settings.fetch_timeout:g} s per request, {self.settings.fetch_total_timeout:g}"
            f" s in all (connect, headers and body){rested}",
            url,
            retry_after_seconds=rest or None,
        )

    def _result(
        self,
        url: str,
        final_url: str,
        response: httpx.Response,
        fetched_at: datetime,
        budget: _Budget,
    ) -> FetchResult:
        status = response.status_code
        headers = {k.lower(): v for k, v in response.headers.items()}
        media = media_type(headers.get("content-type", ""))
        if status >= 300 and status != 304:
            raise FetchError(
                f"{final_url} answered HTTP {status} {response.reason_phrase}"
                + (f" (redirected from {url})" if final_url != url else ""),
                url,
                status,
            )
        if status != 304 and not is_allowed_content_type(media):
            self._count("fetch/bad_content_type")
            raise FetchError(
                f"{final_url} is {media}, not HTML, XML, JSON or text; "
                "storyline reads web pages, feeds and sitemaps only",
                url,
                status,
            )
        content = b"" if status == 304 else self._read_capped(response, final_url, budget)
        return FetchResult(
            url=url,
            final_url=final_url,
            status=status,
            content=content,
            headers=headers,
            content_type=media,
            etag=headers.get("etag"),
            last_modified=headers.get("last-modified"),
            fetched_at=fetched_at,
            not_modified=status == 304,
        )

    def _read_capped(self, response: httpx.Response, url: str, budget: _Budget) -> bytes:
        """The body, streamed; PageTooLargeError as soon as it passes the cap, FetchError
        when it is not all there by the deadline."""
        cap = self.settings.fetch_max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            self._count("fetch/too_large")
            raise PageTooLargeError(
                f"{url} is {int(declared):,} bytes, over the fetch_max_bytes cap of {cap:,}"
            )
        deadline = min(self._clock.monotonic() + self.settings.fetch_timeout, budget.end)
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > cap:
                    self._count("fetch/too_large")
                    raise PageTooLargeError(
                        f"{url} is larger than the fetch_max_bytes cap "
                        f"of {cap:,} bytes; raise it to read this page"
                    )
                if self._clock.monotonic() > deadline:
                    raise self._deadline_missed(url, 1, self.throttle.missed(urlsplit(url).netloc))
                chunks.append(chunk)
        except httpx.TimeoutException as exc:
            rest = self.throttle.missed(urlsplit(url).netloc)
            raise self._deadline_missed(url, 1, rest) from exc
        except httpx.HTTPError as exc:
            self._count("fetch/network_error")
            raise FetchError(f"reading {url} failed: {exc}", url, response.status_code) from exc
        return b"".join(chunks)

    # ------------------------------------------------------------ robots.txt

    def _fetch_robots(self, url: str) -> tuple[int | None, bytes]:
        """GET a robots.txt: (status or None when unreachable, first 512 KiB of the body)."""
        headers = {"User-Agent": self.user_agent, "Accept": "text/plain"}
        current = url
        for _hop in range(ROBOTS_MAX_REDIRECTS + 1):
            if not self.settings.allow_private:
                try:
                    check_public_host(urlsplit(current).hostname or "", self._resolver)
                except FetchError:
                    return None, b""
            self._wait_turn(current)
            try:
                status, response, _error = self._attempt(current, headers, "robots")
            except FetchError:  # a redirect to a URL that cannot be requested
                return None, b""
            if response is None or status is None:
                return None, b""
            try:
                location = response.headers.get("location")
                if status in REDIRECT_STATUSES and location:
                    try:
                        current = redirect_target(current, location)
                    except FetchError:  # a target that cannot be requested
                        return None, b""
                    continue
                body = _read_prefix(response, ROBOTS_MAX_BYTES) if status < 300 else b""
                return (None if body is None else status), body or b""
            finally:
                response.close()
        return 310, b""  # redirects that never end: treated as "unavailable" (allow all)

    def _count(self, key: str) -> None:
        with self._stats_lock:
            self.stats[key] += 1


class _Budget:
    """The monotonic time by which one fetch (its redirects and retries) must be done;
    moved later by the time spent waiting for the host's turn."""

    __slots__ = ("end",)

    def __init__(self, end: float) -> None:
        self.end = end


def _read_prefix(response: httpx.Response, limit: int) -> bytes | None:
    """Up to ``limit`` bytes of the body; None if the connection broke."""
    data = bytearray()
    try:
        for chunk in response.iter_bytes():
            data.extend(chunk)
            if len(data) >= limit:
                break
    except httpx.HTTPError:
        return None
    return bytes(data[:limit])


def _gave_up(
    url: str, status: int | None, error: Exception | None, retry_after: float | None, attempts: int
) -> FetchError:
    tries = f" after {attempts} attempts" if attempts > 1 else ""
    if status is None:
        kind = "timed out" if isinstance(error, httpx.TimeoutException) else "failed"
        return FetchError(f"fetching {url} {kind}{tries}: {error}", url)
    wait = f"; the server asks to wait {retry_after:g} s" if retry_after is not None else ""
    return FetchError(
        f"{url} answered HTTP {status}{tries}{wait}", url, status, retry_after_seconds=retry_after
    )
