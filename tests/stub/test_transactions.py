"""Idempotency, faults and one transaction per request (`server_stub/transactions.py`).

Against the real stub over HTTP: httpx directly where the headers matter, the SDK
where what matters is what a user of the SDK sees.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import tenacity

import familycard
from familycard import Faults, RetryPolicy

CLERK_KEY = "stub-clerk-key"
CHILD = "GLLFNC16H15F205N"
OTHER_CHILD = "RSSMRA15C45L304I"
EMAIL = "g@example.it"
ROW = {"child_tax_code": CHILD, "child_name": "F G", "guardian_email": EMAIL, "service": "mensa"}
OTHER_ROW = {**ROW, "child_tax_code": OTHER_CHILD, "child_name": "Maria Rossi"}
ACCOUNT = {"tax_code": CHILD, "email": EMAIL, "username": "gallo", "password": "secret123"}
#: No waiting between attempts, and a `Retry-After` capped to nothing.
NO_WAIT = {"initial_delay": 0.0, "max_delay": 0.0, "max_retry_after": 0.0}

ClientFactory = Callable[..., familycard.Client]


@pytest.fixture
def make_client(familycard_stub: Any) -> Iterator[ClientFactory]:
    """Clients of tortona with the clerk key that never wait between attempts."""
    made: list[familycard.Client] = []

    def make(**policy: Any) -> familycard.Client:
        client = familycard.Client(
            familycard_stub.portal_url("tortona"),
            clerk_key=CLERK_KEY,
            retry_policy=RetryPolicy(**{**NO_WAIT, **policy}),
        )
        client.info()  # fetched now, so faults hit the call under test
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture
def portal(familycard_stub: Any) -> Iterator[httpx.Client]:
    """Plain httpx on tortona's API, with the clerk key: no retries, every header visible."""
    with httpx.Client(
        base_url=familycard_stub.portal_url("tortona") + "/v1",
        headers={"X-Clerk-Key": CLERK_KEY},
    ) as http:
        yield http


def enrolment_batch(row: dict[str, str]) -> dict[str, Any]:
    return {"rows": [{"row": 1, "data": row}]}


def pins(familycard_stub: Any) -> list[familycard.OutboxMessage]:
    return [m for m in familycard_stub.control.outbox(to=EMAIL) if m.kind == "pin"]


# Idempotency ---------------------------------------------------------------------


def test_same_key_and_same_body_replays_the_first_response_and_enrols_once(portal, make_client):
    headers = {"Idempotency-Key": "enrol-1"}
    first = portal.post("/clerk/enrolments", json=enrolment_batch(ROW), headers=headers)
    again = portal.post("/clerk/enrolments", json=enrolment_batch(ROW), headers=headers)
    assert first.status_code == 200
    assert "Idempotent-Replayed" not in first.headers
    assert first.json()[0]["status"] == "created"
    assert again.status_code == first.status_code
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.content == first.content
    # A new key is a new request: the child is enrolled once, so it already exists.
    assert make_client().clerk.enroll(ROW).status == "exists"


def test_the_sdk_repeating_a_call_with_its_key_gets_the_first_result(make_client):
    client = make_client()
    first = client.clerk.enroll(ROW, idempotency_key="spreadsheet-2026")
    again = client.clerk.enroll(ROW, idempotency_key="spreadsheet-2026")
    assert first.status == again.status == "created"
    assert client.clerk.enroll(ROW).status == "exists"


def test_same_key_with_another_body_is_refused_as_conflict_and_changes_nothing(make_client):
    client = make_client()
    client.clerk.enroll(ROW, idempotency_key="spreadsheet-2026")
    with pytest.raises(familycard.Conflict) as caught:
        client.clerk.enroll(OTHER_ROW, idempotency_key="spreadsheet-2026")
    assert caught.value.code == "idempotency_key_reused"
    assert caught.value.response.status_code == 409
    assert client.clerk.enroll(OTHER_ROW).status == "created"


def test_a_key_is_bound_to_its_request_path_too(portal):
    headers = {"Idempotency-Key": "one-key"}
    batch = enrolment_batch(ROW)
    assert portal.post("/clerk/enrolments", json=batch, headers=headers).status_code == 200
    # The very same body to another path is another request, never a replay.
    other = portal.post("/clerk/reset-credentials", json=batch, headers=headers)
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "idempotency_key_reused"


# Injected failures ---------------------------------------------------------------


def test_injected_failures_are_retried_until_the_sdk_call_succeeds(familycard_stub, make_client):
    client = make_client(max_retries=3)
    familycard_stub.control.set_faults(Faults(fail_next=2))
    assert client.clerk.enroll(ROW).status == "created"
    assert familycard_stub.control.faults().fail_next == 0


def test_injected_failures_beyond_the_retries_raise_portal_unavailable_and_apply_nothing(
    familycard_stub, make_client
):
    client = make_client(max_retries=1)
    familycard_stub.control.set_faults(Faults(fail_next=2))
    with pytest.raises(familycard.PortalUnavailable) as caught:
        client.clerk.enroll(ROW)
    assert caught.value.code == "fault_injected"
    assert caught.value.details["attempts"] == 2
    assert familycard_stub.control.faults().fail_next == 0
    assert client.clerk.enroll(ROW).status == "created"


@pytest.mark.parametrize(
    ("retry_after", "header"),
    [pytest.param(3, "3", id="configured"), pytest.param(None, None, id="not-configured")],
)
def test_injected_503_carries_retry_after_only_when_configured(
    familycard_stub, portal, retry_after, header
):
    familycard_stub.control.set_faults(Faults(fail_next=1, retry_after=retry_after))
    refused = portal.get("/portal")
    assert refused.status_code == 503
    assert refused.headers.get("Retry-After") == header
    assert refused.json()["error"]["code"] == "fault_injected"
    assert portal.get("/portal").status_code == 200


def test_the_sdk_waits_the_retry_after_of_an_injected_503(
    familycard_stub, make_client, monkeypatch
):
    waited: list[float] = []
    real_sleep = time.sleep
    test_thread = threading.get_ident()

    def record(seconds: float) -> None:
        # Only the SDK's waits, in this thread; the server's threads sleep for real.
        if threading.get_ident() == test_thread:
            waited.append(seconds)
        else:
            real_sleep(seconds)

    # tenacity's default sleep calls `time.sleep` through the `time` module.
    monkeypatch.setattr(tenacity.nap.time, "sleep", record)
    client = make_client(max_retry_after=RetryPolicy().max_retry_after)
    familycard_stub.control.set_faults(Faults(fail_next=1, retry_after=2))
    assert client.clerk.enroll(ROW).status == "created"
    assert waited == [2.0]


def test_the_control_api_is_never_faulted(familycard_stub, make_client):
    client = make_client(max_retries=0)
    control = familycard_stub.control
    control.set_faults(Faults(fail_next=3, error_rate=1.0))
    control.outbox()
    control.clock()
    control.advance_clock("1h")
    assert control.faults().fail_next == 3
    with pytest.raises(familycard.PortalUnavailable) as caught:
        client.portal.info()
    assert caught.value.code == "fault_injected"
    assert control.faults().fail_next == 2
    control.reset()
    assert control.faults() == Faults()


# Dropped responses ---------------------------------------------------------------


def test_a_dropped_response_is_committed_and_replayed_to_the_retry(familycard_stub, portal):
    assert portal.post("/clerk/enrolments", json=enrolment_batch(ROW)).status_code == 200
    familycard_stub.control.set_faults(Faults(drop_next=1))
    headers = {"Idempotency-Key": "register-1"}
    with pytest.raises(httpx.RemoteProtocolError):
        portal.post("/auth/register", json=ACCOUNT, headers=headers)
    again = portal.post("/auth/register", json=ACCOUNT, headers=headers)
    assert again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["status"] == "active"
    assert len(pins(familycard_stub)) == 1


def test_the_sdk_retries_a_dropped_registration_with_its_key_and_registers_once(
    familycard_stub, make_client, caplog
):
    caplog.set_level(logging.DEBUG, logger="familycard")
    client = make_client()
    client.clerk.enroll(ROW)
    familycard_stub.control.set_faults(Faults(drop_next=1))
    registration = client.auth.register(**ACCOUNT)
    assert registration.status == "active"
    assert registration.username == "gallo"
    retries = [r.getMessage() for r in caplog.records if r.name == "familycard"]
    assert len(retries) == 1
    assert "retrying POST /auth/register" in retries[0]
    assert familycard_stub.control.faults().drop_next == 0
    (pin,) = pins(familycard_stub)
    # The one PIN e-mailed is the one of the one account: it logs in.
    session = client.auth.login("gallo", "secret123", pin=pin.data["pin"])
    assert session.username == "gallo"


# Refused requests ----------------------------------------------------------------


def test_a_refused_request_leaves_nothing_behind(familycard_stub, make_client):
    client = make_client()
    with pytest.raises(familycard.RuleViolation) as caught:
        client.auth.register(**ACCOUNT, idempotency_key="register-gallo")
    assert caught.value.code == "not_enrolled"
    assert caught.value.sent
    assert familycard_stub.control.outbox() == []
    # No account and no stored response: once enrolled, the same call with the
    # same key registers for real, with the username the refused call asked for.
    client.clerk.enroll(ROW)
    registration = client.auth.register(**ACCOUNT, idempotency_key="register-gallo")
    assert registration.status == "active"
    assert registration.username == "gallo"
    assert len(pins(familycard_stub)) == 1
