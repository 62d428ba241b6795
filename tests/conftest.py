"""Shared pytest fixtures. Keep this file small: fixtures live in tests/fixtures/."""

from fixtures.newsroom import newsroom  # noqa: F401  (registers the fixture)
