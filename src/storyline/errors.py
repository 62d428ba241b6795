"""The one exception tree of storyline.

Every error a user can cause is a ``StorylineError`` with a message that says what
happened and what to do. Third-party errors (httpx, lxml, SQLAlchemy, feedparser) are
translated into these at the one boundary where they enter.

    StorylineError
    ├── InputError            the input cannot be used (not HTML, too large, unreadable file)
    │   ├── PageTooLargeError the page is over the size cap
    │   └── BudgetError       extracting the page went over its budget (``kind``):
    │       ├── TooSlowError  too_slow: over ``extract_budget`` seconds
    │       └── TooBigError   too_big: over ``extract_memory_mb`` of memory
    ├── FetchError            a URL could not be fetched (network, HTTP status, robots.txt)
    │   └── BlockedError      robots.txt or the private-address rule forbids the request
    ├── FeedError             a feed or sitemap could not be parsed
    ├── StoreError            the database could not be opened, migrated or written
    │   └── NotFoundError     an article, version, source or story that is not stored
    └── ConfigError           an unknown setting or a value of the wrong type
"""

from __future__ import annotations


class StorylineError(Exception):
    """Base class: an error with a message a user can act on."""


class InputError(StorylineError):
    """The input cannot be used: not HTML, unreadable, malformed."""


class PageTooLargeError(InputError):
    """The page is larger than the configured size cap."""


class FetchError(StorylineError):
    """A URL could not be fetched."""

    def __init__(
        self,
        message: str,
        url: str | None = None,
        status: int | None = None,
        retry_after_seconds: float | None = None,
    ):
        super().__init__(message)
        self.url = url
        self.status = status
        self.retry_after_seconds = retry_after_seconds  # the server's Retry-After, if any


class BlockedError(FetchError):
    """The request is forbidden by robots.txt or by the private-address rule."""


class FeedError(StorylineError):
    """A feed or sitemap could not be parsed."""


class StoreError(StorylineError):
    """The database could not be opened, migrated or written."""


class NotFoundError(StoreError):
    """The requested record is not stored."""


class ConfigError(StorylineError):
    """An unknown setting, or a setting with a value of the wrong type."""


class BudgetError(InputError):
    """A page's extraction went over its budget; ``kind`` names the problem."""

    kind = "too_slow"


class TooSlowError(BudgetError):
    """Extraction took longer than the ``extract_budget`` seconds and was stopped."""

    kind = "too_slow"


class TooBigError(BudgetError):
    """Extraction needed more memory than ``extract_memory_mb`` and was stopped."""

    kind = "too_big"
