"""Fakes for the sources tests: a clock whose time moves only when someone sleeps, and a
resolver that answers without DNS."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class FakeClock:
    """Time that only moves when someone sleeps; every sleep is recorded."""

    def __init__(self) -> None:
        self.t = 1000.0
        self.start = datetime(2026, 1, 1, tzinfo=UTC)
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.t

    def now(self) -> datetime:
        return self.start + timedelta(seconds=self.t - 1000.0)

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.t += max(seconds, 0.0)


PUBLIC_IP = "93.184.215.14"


def public_resolver(host: str) -> list[str]:
    """Every name resolves to one public address, except names starting with "internal"."""
    return ["10.1.2.3"] if host.startswith("internal") else [PUBLIC_IP]
