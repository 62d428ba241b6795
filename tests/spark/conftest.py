"""A local Spark session for the backfill tests, started once per test session.

Without pyspark or a Java runtime the tests are skipped with the reason, except under CI
(env var ``CI`` set), where .ci/run installs both and a missing one must fail the run.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but {reason}; .ci/run installs Java and the spark extra")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        _unavailable("pyspark is not installed (pip install -e '.[spark]')")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        _unavailable("no Java runtime (Debian: apt-get install openjdk-17-jre-headless)")
    from storyline.spark.job import spark_session

    session = spark_session("local[2]", "storyline tests")
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
