"""What a fetch returns, and what it accepts: URLs and content types.

Kept apart from the ``Fetcher`` so that readers of a ``FetchResult`` (detection, the
pipeline, ``storyline extract URL``) need not look at the politeness machinery.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urldefrag, urljoin, urlsplit

from storyline.errors import FetchError

_ALLOWED_TYPES = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "text/xml",
        "application/xml",
        "application/json",
        "text/plain",
        # compressed sitemaps (sitemap.xml.gz) are XML too; parse_sitemap decompresses them
        "application/gzip",
        "application/x-gzip",
    }
)


def media_type(content_type: str) -> str:
    """The bare media type of a Content-Type header ("text/html; charset=x" → "text/html")."""
    return content_type.split(";", 1)[0].strip().lower()


def is_allowed_content_type(media: str) -> bool:
    """True for HTML, XML (incl. RSS/Atom), JSON, plain text, or no stated type at all."""
    return not media or media in _ALLOWED_TYPES or media.endswith(("+xml", "+json"))


@dataclass
class FetchResult:
    """One fetched URL. ``content_type`` is the bare media type; ``headers`` has lower-case
    names; ``not_modified`` is True (and ``content`` empty) when the server answered 304."""

    url: str
    final_url: str
    status: int
    content: bytes
    headers: dict[str, str]
    content_type: str
    etag: str | None
    last_modified: str | None
    fetched_at: datetime
    not_modified: bool

    @property
    def charset(self) -> str | None:
        """The charset the Content-Type header names, if any."""
        for param in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "charset" and value.strip():
                return value.strip().strip("\"'")
        return None


def check_url(url: str) -> str:
    """``url`` without its fragment, or FetchError if it is not an absolute http(s) URL."""
    try:
        parts = urlsplit(url.strip())
        host, _port = parts.hostname, parts.port  # .port raises on a bad port
    except ValueError as exc:
        raise FetchError(f"{url!r} is not a valid URL: {exc}", url) from exc
    if parts.scheme not in ("http", "https") or not host:
        raise FetchError(f"{url!r} is not an absolute http(s) URL", url)
    return urldefrag(url.strip())[0]


def is_web_url(url: object) -> bool:
    """True for an absolute http(s) URL with a host: the only URLs that become article
    URLs, whatever the source (feeds, sitemaps, JSONL, sidecars, WARC). ``javascript:``,
    ``data:``, ``file:`` and the like never do."""
    if not isinstance(url, str):
        return False
    try:
        parts = urlsplit(url.strip())
        _port = parts.port  # raises on a bad port
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def redirect_target(url: str, location: str) -> str:
    """The absolute URL a Location header points to, or FetchError if it is unusable."""
    try:
        target = urljoin(url, location.strip())
    except ValueError as exc:
        raise FetchError(f"{url} redirects to a malformed URL {location!r}", url) from exc
    return check_url(target)
