"""Property-based tests over the OpenAPI spec: whatever schemathesis sends, no 5xx."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.api.app import create_app
from service.settings import Settings

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

TOKEN = "schema-token-0123456789abcdef"
STATUSES: list[int] = []


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[schemathesis.BaseSchema]:
    home = tmp_path_factory.mktemp("schema-home")
    app = create_app(Settings(home=home, encoder="hashing", token=TOKEN))  # type: ignore[arg-type]
    with TestClient(app):  # runs the lifespan: the engine is loaded for every generated call
        yield schemathesis.openapi.from_asgi("/openapi.json", app)


def test_no_server_errors_on_any_operation(api_schema: schemathesis.BaseSchema) -> None:
    operations = [result.ok() for result in api_schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) >= 11
    failures: list[str] = []
    for operation in operations:

        @given(case=operation.as_strategy(), data=st.data())
        @settings(
            max_examples=15,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: schemathesis.Case, data: st.DataObject) -> None:  # type: ignore[type-arg]
            if data.draw(st.booleans()):  # half of the calls carry the token
                headers = dict(case.headers or {})
                headers["Authorization"] = f"Bearer {TOKEN}"
                case.headers = headers  # type: ignore[assignment]
            response = case.call(timeout=120)  # a first unfiltered /map takes seconds
            STATUSES.append(response.status_code)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.path}: {response.text[:200]}")
            elif response.status_code >= 400 and "json" in response.headers.get("content-type", ""):
                body = response.json()
                if not (
                    isinstance(body.get("detail"), str) and isinstance(body.get("errors"), list)
                ):
                    failures.append(f"{case.method} {case.path}: error body {body}")

        check()
    assert failures == []
    # the generated calls really exercised the API, not just its validation
    assert STATUSES.count(200) >= 20 and 422 in STATUSES and 404 in STATUSES
