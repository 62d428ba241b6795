"""When to retry a failed request, and how long to wait first.

Retried: network errors and timeouts, 429, and 5xx except 501 (not implemented) and 505.
The wait is exponential backoff, or the server's Retry-After when it gives one. A
Retry-After longer than ``max_wait`` is not slept through: the fetch gives up and the
FetchError carries ``retry_after_seconds`` so the scheduler can come back later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime

_NOT_RETRIED = (501, 505)


def is_retryable(status: int | None) -> bool:
    """True for a network error (``None``), 429, and most 5xx."""
    if status is None or status == 429:
        return True
    return 500 <= status < 600 and status not in _NOT_RETRIED


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds from ``now`` that a Retry-After header asks for (delta-seconds or HTTP-date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max((when - now).total_seconds(), 0.0)


def backoff_delay(attempt: int, base: float = 0.5, cap: float = 60.0) -> float:
    """Exponential backoff before retry number ``attempt + 1``: base, 2·base, 4·base..."""
    return min(base * 2.0 ** max(attempt, 0), cap)


@dataclass(frozen=True)
class RetryPolicy:
    """How many retries, and the longest wait accepted before one."""

    retries: int
    max_wait: float = 60.0
    base: float = 0.5

    def wait_before_retry(
        self, attempt: int, status: int | None, retry_after: float | None = None
    ) -> float | None:
        """Seconds to wait before retrying after failed attempt ``attempt`` (0-based),
        or ``None`` to give up."""
        if attempt >= self.retries or not is_retryable(status):
            return None
        if retry_after is not None:
            return retry_after if retry_after <= self.max_wait else None
        return backoff_delay(attempt, self.base, self.max_wait)
