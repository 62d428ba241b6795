"""Property-based run of the API against its own OpenAPI document (schemathesis): no
generated request, valid or not, makes the server fail. Bounded to a few seconds."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.checks import not_a_server_error  # noqa: E402

from storyline.store import Store  # noqa: E402
from storyline.web.app import create_app  # noqa: E402


@pytest.fixture
def api_schema(news_db, web_settings):
    store = Store.open(news_db.path)
    # read-only: generated POST/DELETE requests are refused (403) instead of following
    # random URLs or unfollowing the shared database's feed; they still go through parsing
    # and validation, which is where server errors would come from.
    app = create_app(store, web_settings.replace(allow_private=False), read_only=True)
    yield schemathesis.openapi.from_asgi("/openapi.json", app)
    store.close()


@pytest.mark.slow
def test_no_generated_request_causes_a_server_error(api_schema):
    seen = []

    @settings(
        max_examples=12, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def check(case) -> None:
        response = case.call_and_validate(checks=[not_a_server_error])
        seen.append((case.method, case.path, response.status_code))

    operations = list(api_schema.get_all_operations())
    assert len(operations) >= 10
    for result in operations:
        operation = result.ok()
        given(operation.as_strategy())(check)()
    assert len(seen) >= 50
    assert all(status < 500 for _, _, status in seen)
