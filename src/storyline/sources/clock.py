"""Time for the politeness components, injectable so tests never really wait.

The throttle and the retry policy sleep; robots.txt entries expire; a fetch is stamped
with the wall-clock time. All of it goes through one ``Clock`` so a test can hand in a
fake one whose ``sleep`` just moves time forward.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    """Monotonic time for intervals, wall-clock time for timestamps, and sleep."""

    def monotonic(self) -> float: ...

    def now(self) -> datetime: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """The real clock."""

    def monotonic(self) -> float:
        return time.monotonic()

    def now(self) -> datetime:
        return datetime.now(UTC)

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)
