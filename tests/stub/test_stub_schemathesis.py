"""schemathesis against the stub's own OpenAPI document, over loopback.

For every operation a few generated requests, sent with a citycard session (tortona)
and the clerk key: no 5xx, no status the document does not list, and every response
conforms to its documented schema. Bounded: a handful of examples per operation.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)
from stub_support import citycard_child
from support_accounts import ANNA, CLERK_KEY, MARIA

EXAMPLES = 5
TENANT = "tortona"

#: Operations not fuzzed, with why: they change the whole stub, not one tenant.
SKIPPED = {
    # Random faults (latency_ms up to any int) would stall every later request.
    ("PUT", "/_stub/faults"),
    # Emptying the store mid-run would drop the session the other operations use.
    ("POST", "/_stub/reset"),
}


def _failures_of(
    operation: Any, url: str, headers: dict[str, str], statuses: Counter[int]
) -> list[str]:
    failures: list[str] = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case: Any) -> None:
        if "tenant" in (case.path_parameters or {}):
            case.path_parameters["tenant"] = TENANT
        # Ours, not generated ones: the document lists `Authorization` and `X-Clerk-Key`.
        case.headers = {
            name: value
            for name, value in (case.headers or {}).items()
            if name.lower() not in ("authorization", "x-clerk-key")
        }
        response = case.call(base_url=url, headers=headers)
        statuses[response.status_code] += 1
        try:
            case.validate_response(
                response,
                checks=[not_a_server_error, status_code_conformance, response_schema_conformance],
            )
        except Exception as exc:  # schemathesis raises a group of check failures
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:600]}")

    run()
    return failures


def test_the_stub_answers_as_its_openapi_document_says(familycard_stub: Any) -> None:
    familycard_stub.control.reset(seed="demo")
    url = familycard_stub.url
    api = citycard_child(
        familycard_stub,
        familycard_stub.portal_url(TENANT),
        tax_code=MARIA,
        email=ANNA,
        username="maria.rossi",
    )
    token = f"Bearer {api.auth.token}"
    document = httpx.get(f"{url}/openapi.json").json()
    schema = schemathesis.openapi.from_dict(document)
    headers = {"Authorization": token, "X-Clerk-Key": CLERK_KEY}
    failures: list[str] = []
    operations = 0
    statuses: Counter[int] = Counter()
    # Last, what ends the session: wrong logins lock the account, logout, deleting it.
    for operation in sorted(
        (result.ok() for result in schema.get_all_operations()),
        key=lambda operation: "/auth/" in operation.path or operation.method.upper() == "DELETE",
    ):
        if (operation.method.upper(), operation.path) in SKIPPED:
            continue
        operations += 1
        failures += _failures_of(operation, url, headers, statuses)
    assert operations > 80
    # Requests got past validation and authentication, not just refused at the door.
    assert statuses[200] >= 20 and statuses[401] < sum(statuses.values()) / 5, statuses
    assert sum(statuses.values()) >= 2 * operations, statuses
    if failures:
        pytest.fail(f"{len(failures)} failing operations:\n" + "\n".join(failures), pytrace=False)
