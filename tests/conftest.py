"""Shared pytest fixtures. Keep this file small: fixtures live in tests/fixtures/."""

from fixtures.newsroom import newsroom, newsroom_fetcher  # noqa: F401  (registers them)
from fixtures.postgres import postgres_server, postgres_url  # noqa: F401  (registers them)
from fixtures.spark import spark_session  # noqa: F401  (registers it)
