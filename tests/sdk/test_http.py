"""The HTTP seam (`familycard._http.HttpCore`): retries, backoff, keys, error mapping.

Every test runs against respx, never the network, and never really sleeps: the
autouse `sleeps` fixture (tests/sdk/conftest.py) records the delays tenacity asks for
instead.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest
import respx

import familycard
from familycard import _constants as C
from familycard._http import HttpCore

BASE = "https://portal.test/tortona/v1"
ENROL = {"rows": [{"row": 1, "data": {"child_tax_code": "GLLFNC16H15F205N"}}]}


def error_body(code: str, message: str = "refused", **details: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details}}


def fail(status: int, code: str = "boom", **headers: str) -> httpx.Response:
    return httpx.Response(status, json=error_body(code), headers=headers)


OK = httpx.Response(200, json={"ok": True})


@pytest.fixture
def portal() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE) as router:
        yield router


def make_core(**policy: float) -> HttpCore:
    return HttpCore(BASE, retry=familycard.RetryPolicy(**policy))  # type: ignore[arg-type]


def keys(route: respx.Route) -> list[str | None]:
    return [call.request.headers.get(C.IDEMPOTENCY_HEADER) for call in route.calls]


# Retries ---------------------------------------------------------------------------


def test_503_is_retried_and_the_later_success_is_returned(portal, sleeps):
    route = portal.get("/portal").mock(side_effect=[fail(503), fail(503), OK])
    response = make_core().request("GET", "/portal")
    assert response.json() == {"ok": True}
    assert route.call_count == 3
    assert len(sleeps) == 2


@pytest.mark.parametrize("status", [408, 429, 500, 502, 504])
def test_other_retryable_statuses_are_retried(portal, status):
    route = portal.get("/portal").mock(side_effect=[fail(status), OK])
    assert make_core().request("GET", "/portal").status_code == 200
    assert route.call_count == 2


@pytest.mark.parametrize(
    "error",
    [
        pytest.param(httpx.ConnectError, id="connect-error"),
        pytest.param(httpx.ConnectTimeout, id="connect-timeout"),
        pytest.param(httpx.ReadTimeout, id="read-timeout"),
        pytest.param(httpx.RemoteProtocolError, id="connection-dropped"),
    ],
)
def test_transport_errors_are_retried_and_the_later_success_is_returned(portal, error):
    route = portal.post("/clerk/enrolments").mock(side_effect=[error, OK])
    response = make_core().request("POST", "/clerk/enrolments", json=ENROL)
    assert response.json() == {"ok": True}
    assert route.call_count == 2


def test_429_waits_the_seconds_of_retry_after(portal, sleeps):
    route = portal.get("/portal").mock(
        side_effect=[fail(429, "rate_limited", **{"Retry-After": "7"}), OK]
    )
    make_core().request("GET", "/portal")
    assert route.call_count == 2
    assert sleeps == [7.0]


def test_a_retry_after_beyond_max_retry_after_is_not_waited_for_but_reported(portal, sleeps):
    route = portal.get("/portal").mock(
        side_effect=[fail(429, "rate_limited", **{"Retry-After": "86400"}), OK]
    )
    with pytest.raises(familycard.PortalUnavailable) as caught:
        make_core().request("GET", "/portal")
    assert caught.value.code == "rate_limited"
    assert caught.value.details["retry_after"] == 86400
    assert sleeps == []
    assert route.call_count == 1


def test_the_longest_retry_after_waited_comes_from_the_policy(portal, sleeps):
    portal.get("/portal").mock(side_effect=[fail(503, **{"Retry-After": "4"}), OK])
    make_core(max_retry_after=5).request("GET", "/portal")
    assert sleeps == [4.0]
    portal.get("/portal").mock(side_effect=[fail(503, **{"Retry-After": "6"}), OK])
    with pytest.raises(familycard.PortalUnavailable) as caught:
        make_core(max_retry_after=5).request("GET", "/portal")
    assert caught.value.details["retry_after"] == 6


def test_retry_after_as_an_http_date_waits_until_then(portal, sleeps):
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=10), usegmt=True)
    portal.get("/portal").mock(side_effect=[fail(503, **{"Retry-After": when}), OK])
    make_core().request("GET", "/portal")
    assert len(sleeps) == 1
    # The date has whole seconds: between 9 and 10 seconds from now, minus the test's time.
    assert 8.0 < sleeps[0] <= 10.0


def test_a_retry_after_in_the_past_waits_nothing(portal, sleeps):
    when = format_datetime(datetime.now(UTC) - timedelta(hours=1), usegmt=True)
    portal.get("/portal").mock(side_effect=[fail(503, **{"Retry-After": when}), OK])
    make_core().request("GET", "/portal")
    assert sleeps == [0.0]


def test_an_unreadable_retry_after_falls_back_to_backoff(portal, sleeps):
    portal.get("/portal").mock(side_effect=[fail(503, **{"Retry-After": "soon"}), OK])
    make_core(initial_delay=2, max_delay=8).request("GET", "/portal")
    assert len(sleeps) == 1
    assert 1.0 <= sleeps[0] <= 2.0


def test_backoff_doubles_with_jitter_and_never_exceeds_max_delay(portal, sleeps):
    portal.get("/portal").mock(side_effect=[fail(503)] * 6 + [OK])
    make_core(max_retries=6, initial_delay=1, max_delay=4).request("GET", "/portal")
    steps = [1, 2, 4, 4, 4, 4]
    assert len(sleeps) == len(steps)
    for waited, step in zip(sleeps, steps, strict=True):
        assert step / 2 <= waited <= step


def test_default_backoff_uses_the_constants(portal, sleeps):
    portal.get("/portal").mock(side_effect=[fail(503)] * C.MAX_RETRIES + [OK])
    make_core().request("GET", "/portal")
    assert len(sleeps) == C.MAX_RETRIES
    for attempt, waited in enumerate(sleeps):
        step = min(C.MAX_RETRY_DELAY, C.INITIAL_RETRY_DELAY * 2**attempt)
        assert step / 2 <= waited <= step


# Giving up ------------------------------------------------------------------------


@pytest.mark.parametrize("max_retries", [0, 1, 3])
def test_gives_up_after_max_retries_plus_one_attempts_with_portal_unavailable(portal, max_retries):
    route = portal.get("/portal").mock(return_value=fail(503, "maintenance"))
    with pytest.raises(familycard.PortalUnavailable) as caught:
        make_core(max_retries=max_retries, initial_delay=0, max_delay=0).request("GET", "/portal")
    assert route.call_count == max_retries + 1
    assert caught.value.code == "maintenance"
    assert caught.value.details["attempts"] == max_retries + 1
    assert caught.value.sent
    assert caught.value.response.status_code == 503


@pytest.mark.parametrize("status", [408, 429, 500])
def test_a_retryable_status_still_failing_after_the_retries_is_portal_unavailable(portal, status):
    route = portal.get("/portal").mock(return_value=fail(status, "busy"))
    with pytest.raises(familycard.PortalUnavailable) as caught:
        make_core(max_retries=2).request("GET", "/portal")
    assert route.call_count == 3
    assert caught.value.code == "busy"
    assert caught.value.response.status_code == status


def test_an_unreachable_portal_raises_portal_unavailable_never_an_httpx_error(portal):
    route = portal.post("/clerk/enrolments").mock(side_effect=httpx.ConnectError)
    with pytest.raises(familycard.PortalUnavailable) as caught:
        make_core(max_retries=2).request("POST", "/clerk/enrolments", json=ENROL)
    assert route.call_count == 3
    assert caught.value.code == "portal_unreachable"
    assert caught.value.details["attempts"] == 3
    assert not caught.value.sent
    assert isinstance(caught.value.request, httpx.Request)
    assert BASE in caught.value.message


def test_client_max_retries_bounds_the_attempts(portal):
    route = portal.get("/portal").mock(return_value=fail(503))
    with (
        familycard.Client(BASE.removesuffix("/v1"), max_retries=1) as client,
        pytest.raises(familycard.PortalUnavailable),
    ):
        client.portal.info()
    assert route.call_count == 2


def test_a_change_sent_unanswered_then_refused_503_until_the_end_is_outcome_unknown(portal):
    # The first attempt may have been applied: the 503s after it do not settle that.
    route = portal.post("/clerk/enrolments").mock(
        side_effect=[httpx.RemoteProtocolError("gone"), fail(503, "fault_injected")] * 2
    )
    with pytest.raises(familycard.PortalUnavailable) as caught:
        make_core(max_retries=3, initial_delay=0, max_delay=0).request(
            "POST", "/clerk/enrolments", json=ENROL, idempotency_key="run-0"
        )
    assert route.call_count == 4
    assert caught.value.code == "outcome_unknown"
    assert caught.value.details == {
        "idempotency_key": "run-0",
        "cause": "fault_injected",
        "attempts": 4,
    }
    assert "run-0" in caught.value.message


def test_a_change_refused_503_on_every_attempt_is_not_outcome_unknown(portal):
    portal.post("/clerk/enrolments").mock(return_value=fail(503, "fault_injected"))
    with pytest.raises(familycard.PortalUnavailable) as caught:
        make_core(max_retries=2, initial_delay=0, max_delay=0).request(
            "POST", "/clerk/enrolments", json=ENROL
        )
    assert caught.value.code == "fault_injected"


def test_a_read_unanswered_then_refused_503_keeps_the_503(portal):
    portal.get("/portal").mock(side_effect=[httpx.ReadTimeout("slow"), fail(503, "busy")])
    with pytest.raises(familycard.PortalUnavailable) as caught:
        make_core(max_retries=1, initial_delay=0, max_delay=0).request("GET", "/portal")
    assert caught.value.code == "busy"


# Errors ---------------------------------------------------------------------------


def test_a_rule_violation_is_not_retried_and_keeps_code_message_and_details(portal, sleeps):
    body = error_body("not_enrolled", "the child is not enrolled", tax_code="GLLFNC16H15F205N")
    route = portal.post("/auth/register").mock(return_value=httpx.Response(422, json=body))
    with pytest.raises(familycard.RuleViolation) as caught:
        make_core().request("POST", "/auth/register", json={"tax_code": "GLLFNC16H15F205N"})
    error = caught.value
    assert route.call_count == 1
    assert sleeps == []
    assert error.code == "not_enrolled"
    assert error.message == "the child is not enrolled"
    assert error.details == {"tax_code": "GLLFNC16H15F205N"}
    assert error.sent
    assert error.response.status_code == 422
    assert error.request.method == "POST"
    assert str(error) == "the child is not enrolled (not_enrolled)"


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        pytest.param(400, familycard.InvalidInput, id="400-invalid-input"),
        pytest.param(401, familycard.AuthenticationFailed, id="401-authentication-failed"),
        pytest.param(403, familycard.PermissionDenied, id="403-permission-denied"),
        pytest.param(404, familycard.NotFound, id="404-not-found"),
        pytest.param(409, familycard.Conflict, id="409-conflict"),
        pytest.param(422, familycard.RuleViolation, id="422-rule-violation"),
        pytest.param(503, familycard.PortalUnavailable, id="503-portal-unavailable"),
        pytest.param(418, familycard.InvalidInput, id="418-other-4xx-invalid-input"),
    ],
)
def test_each_status_maps_to_its_error_class(portal, status, error_class):
    route = portal.get("/portal").mock(
        return_value=httpx.Response(status, json=error_body("the_code", "the message", n=1))
    )
    with pytest.raises(familycard.FamilycardError) as caught:
        make_core(max_retries=0).request("GET", "/portal")
    assert type(caught.value) is error_class
    assert caught.value.code == "the_code"
    assert caught.value.message == "the message"
    assert caught.value.details["n"] == 1
    assert route.call_count == 1


FOREIGN_BODIES = [
    pytest.param({"text": "<html><h1>Bad gateway</h1></html>"}, id="html"),
    pytest.param({"content": b""}, id="empty"),
    pytest.param({"json": {"detail": "Not Found"}}, id="json-without-error"),
    pytest.param({"json": {"error": "nope"}}, id="error-not-an-object"),
    pytest.param({"content": b"\xff\xfe not utf-8"}, id="not-utf8"),
]


@pytest.mark.parametrize("response_kwargs", FOREIGN_BODIES)
def test_a_5xx_that_is_not_the_portal_format_still_maps_by_status(portal, response_kwargs):
    portal.get("/portal").mock(return_value=httpx.Response(502, **response_kwargs))
    with pytest.raises(familycard.FamilycardError) as caught:
        make_core(max_retries=0).request("GET", "/portal")
    assert type(caught.value) is familycard.PortalUnavailable
    assert caught.value.code == "portal_unavailable"
    assert caught.value.message == "the portal answered HTTP 502"


@pytest.mark.parametrize("status", [404, 401, 400, 405])
@pytest.mark.parametrize("response_kwargs", FOREIGN_BODIES)
def test_a_4xx_that_is_not_the_portal_format_means_the_url_is_not_a_portal(
    portal, status, response_kwargs
):
    route = portal.get("/portal").mock(return_value=httpx.Response(status, **response_kwargs))
    portal.get("https://portal.test/_stub/tenants").respond(404)
    with pytest.raises(familycard.InvalidInput) as caught:
        make_core().request("GET", "/portal")
    assert caught.value.code == "not_a_portal"
    assert caught.value.details["found"].startswith(f"HTTP {status} with ")
    assert "is not a familycard portal" in caught.value.message
    assert route.call_count == 1  # never retried


def test_malformed_fields_in_the_error_body_are_ignored(portal):
    body = {"error": {"code": 42, "message": None, "details": ["x"]}}
    portal.get("/portal").mock(return_value=httpx.Response(409, json=body))
    with pytest.raises(familycard.Conflict) as caught:
        make_core().request("GET", "/portal")
    assert caught.value.code == "conflict"
    assert caught.value.message == "the portal answered HTTP 409"
    assert caught.value.details == {}


# Idempotency keys -----------------------------------------------------------------


def test_one_post_keeps_its_idempotency_key_and_body_on_every_retry(portal):
    route = portal.post("/clerk/enrolments").mock(
        side_effect=[fail(503), httpx.ReadTimeout, fail(502), OK]
    )
    make_core().request("POST", "/clerk/enrolments", json=ENROL)
    sent = keys(route)
    assert route.call_count == 4
    assert sent[0]
    assert sent == [sent[0]] * 4
    assert len({call.request.content for call in route.calls}) == 1


def test_two_separate_posts_get_different_idempotency_keys(portal):
    route = portal.post("/clerk/enrolments").mock(return_value=OK)
    core = make_core()
    core.request("POST", "/clerk/enrolments", json=ENROL)
    core.request("POST", "/clerk/enrolments", json=ENROL)
    first, second = keys(route)
    assert first and second
    assert first != second


def test_a_caller_given_idempotency_key_is_sent_as_is_on_every_attempt(portal):
    route = portal.post("/recharges").mock(side_effect=[fail(503), OK])
    make_core().request("POST", "/recharges", json={"tokens": 10}, idempotency_key="topup-2026-11")
    assert keys(route) == ["topup-2026-11", "topup-2026-11"]


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_every_state_changing_method_carries_an_idempotency_key(portal, method):
    route = portal.route(method=method, path="/profile").mock(return_value=OK)
    make_core().request(method, "/profile")
    assert keys(route)[0]


def test_a_get_carries_no_idempotency_key_even_when_one_is_given(portal):
    route = portal.get("/portal").mock(return_value=OK)
    core = make_core()
    core.request("GET", "/portal")
    core.request("GET", "/portal", idempotency_key="ignored")
    assert keys(route) == [None, None]


def test_the_client_sends_a_key_on_its_state_changing_calls(portal):
    route = portal.post("/clerk/reset-credentials").mock(
        side_effect=[fail(503), httpx.Response(200, json={"message": "sent"})]
    )
    with familycard.Client(BASE.removesuffix("/v1"), clerk_key="k") as client:
        client.clerk.reset_credentials("GLLFNC16H15F205N")
    first, second = keys(route)
    assert first and first == second
    assert route.calls[0].request.headers["X-Clerk-Key"] == "k"


# Logging --------------------------------------------------------------------------


def test_each_retry_is_logged_at_debug_level(portal, caplog):
    caplog.set_level(logging.DEBUG, logger="familycard")
    portal.post("/clerk/enrolments").mock(side_effect=[fail(503), httpx.ConnectError, OK])
    make_core(initial_delay=0, max_delay=0).request("POST", "/clerk/enrolments", json=ENROL)
    retries = [r for r in caplog.records if r.name == "familycard"]
    assert [r.levelno for r in retries] == [logging.DEBUG, logging.DEBUG]
    assert all("retrying POST /clerk/enrolments" in r.getMessage() for r in retries)
    assert "(attempt 1," in retries[0].getMessage()
    assert "(attempt 2," in retries[1].getMessage()
    assert "boom" in retries[0].getMessage()
    assert "ConnectError" in retries[1].getMessage()


def test_the_logged_wait_is_the_retry_after_waited(portal, caplog, sleeps):
    caplog.set_level(logging.DEBUG, logger="familycard")
    portal.get("/portal").mock(side_effect=[fail(429, **{"Retry-After": "3"}), OK])
    make_core().request("GET", "/portal")
    (record,) = [r for r in caplog.records if r.name == "familycard"]
    assert "waiting 3.00s" in record.getMessage()
    assert sleeps == [3.0]


def test_nothing_is_logged_when_nothing_is_retried(portal, caplog):
    caplog.set_level(logging.DEBUG, logger="familycard")
    portal.get("/portal").mock(return_value=OK)
    portal.post("/auth/register").mock(return_value=fail(422, "not_enrolled"))
    core = make_core()
    core.request("GET", "/portal")
    with pytest.raises(familycard.RuleViolation):
        core.request("POST", "/auth/register", json={})
    assert [r for r in caplog.records if r.name == "familycard"] == []
