"""The card terminal and the payments API refuse what they must (X4, R1.8-R1.9, R3.13, R3.15).

Card data never pass through the portal: the stub's terminal (`/_terminal/<id>`, and
`/_stub/payments/<id>/pay` for scripts) checks the card, refuses a checkout that
expired or ended, and reports the outcome.  Plain httpx sends each refused request;
the payment, the recharge and the balance are read back unchanged.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from stub_support import (
    DECLINED_CARD,
    SUCCESS_CARD,
    citycard_child,
    enrol,
    etelka_parent,
    ok,
    refused,
)

MARIA, LUCA = "RSSMRA15C45L304I", "RSSLCU17P10L304J"
EMAIL = "anna.rossi@example.it"
TORTONA_ROWS = [
    {"child_tax_code": child, "child_name": name, "guardian_email": EMAIL, "service": "mensa"}
    for child, name in ((MARIA, "Maria Rossi"), (LUCA, "Luca Rossi"))
]
#: A Monday in term, 09:00 in Tortona; checkouts there expire after 15 minutes.
MONDAY = "2026-11-16T09:00:00+01:00"


@pytest.fixture
def tortona(familycard_stub: Any) -> str:
    familycard_stub.control.set_clock(MONDAY)
    url: str = familycard_stub.portal_url("tortona")
    enrol(url, TORTONA_ROWS)
    return url


@pytest.fixture
def maria(familycard_stub: Any, tortona: str) -> Iterator[httpx.Client]:
    with citycard_child(
        familycard_stub, tortona, tax_code=MARIA, email=EMAIL, username="anna.maria"
    ) as c:
        yield c


@pytest.fixture
def luca(familycard_stub: Any, tortona: str) -> Iterator[httpx.Client]:
    with citycard_child(
        familycard_stub, tortona, tax_code=LUCA, email=EMAIL, username="anna.luca"
    ) as c:
        yield c


@pytest.fixture
def root(familycard_stub: Any) -> Iterator[httpx.Client]:
    """httpx on the stub's root: the terminal page and the control API."""
    with httpx.Client(base_url=familycard_stub.url) as c:
        yield c


@pytest.fixture
def recharge(maria: httpx.Client) -> dict[str, Any]:
    """Five tokens for Maria, awaiting payment."""
    body: dict[str, Any] = ok(maria.post("/recharges", json={"tokens": 5}))
    assert body["status"] == "awaiting_payment"
    return body


def pay(root: httpx.Client, payment_id: str, card: str) -> httpx.Response:
    return root.post(f"/_stub/payments/{payment_id}/pay", json={"card": card})


def state(api: httpx.Client, recharge: dict[str, Any]) -> tuple[str, str, int]:
    """The payment's status, the recharge's, and the canteen balance."""
    payment = ok(api.get(f"/payments/{recharge['payment_id']}"))
    again = ok(api.get(f"/recharges/{recharge['id']}"))
    [balance] = ok(api.get("/tokens"))
    return payment["status"], again["status"], balance["balance"]


# The card -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "card",
    [
        pytest.param("1234", id="too-short"),
        pytest.param("4242424242424241", id="luhn-fails"),
        pytest.param("4242-4242-4242-424x", id="not-digits"),
        pytest.param("42424242424242424242", id="too-long"),
    ],
)
def test_x4_the_terminal_refuses_an_invalid_card_number(maria, root, recharge, card):
    refused(pay(root, recharge["payment_id"], card), 400, "invalid_card_number")
    assert state(maria, recharge) == ("awaiting_payment", "awaiting_payment", 0)


def test_x4_the_terminal_page_refuses_an_invalid_card_and_offers_the_form_again(
    maria, root, recharge
):
    page = root.post(f"/_terminal/{recharge['payment_id']}", data={"card": "1234"})
    assert page.status_code == 400
    assert page.headers["content-type"].startswith("text/html")
    assert "not a valid card number" in page.text
    assert state(maria, recharge) == ("awaiting_payment", "awaiting_payment", 0)
    again = root.get(f"/_terminal/{recharge['payment_id']}")
    assert again.status_code == 200
    assert '<form method="post">' in again.text


def test_x4_an_unknown_payment_is_not_found(root):
    refused(pay(root, "pay_0000000000000000", SUCCESS_CARD), 404, "payment_not_found")
    page = root.get("/_terminal/pay_0000000000000000")
    assert page.status_code == 404
    assert "No such payment" in page.text


# The checkout's life --------------------------------------------------------------------------


def test_r1_8_an_expired_checkout_cannot_be_paid(maria, root, recharge, familycard_stub):
    familycard_stub.control.advance_clock("15m")
    familycard_stub.control.advance_clock("1s")
    error = refused(pay(root, recharge["payment_id"], SUCCESS_CARD), 422, "payment_expired")
    assert "expired" in error["message"]
    assert state(maria, recharge) == ("expired", "expired", 0)
    page = root.post(f"/_terminal/{recharge['payment_id']}", data={"card": SUCCESS_CARD})
    assert page.status_code == 422
    assert '<form method="post">' not in root.get(f"/_terminal/{recharge['payment_id']}").text
    assert state(maria, recharge) == ("expired", "expired", 0)


def test_x4_a_paid_checkout_is_never_charged_twice(maria, root, recharge):
    assert ok(pay(root, recharge["payment_id"], SUCCESS_CARD))["status"] == "succeeded"
    error = refused(pay(root, recharge["payment_id"], SUCCESS_CARD), 422, "payment_not_pending")
    assert "succeeded" in error["message"]
    page = root.post(f"/_terminal/{recharge['payment_id']}", data={"card": SUCCESS_CARD})
    assert page.status_code == 422
    assert state(maria, recharge) == ("succeeded", "succeeded", 5)


def test_r1_8_a_declined_checkout_cannot_be_paid_afterwards(maria, root, recharge):
    assert ok(pay(root, recharge["payment_id"], DECLINED_CARD))["status"] == "failed"
    refused(pay(root, recharge["payment_id"], SUCCESS_CARD), 422, "payment_not_pending")
    assert state(maria, recharge) == ("failed", "failed", 0)


# Payments and receipts (R1.9) --------------------------------------------------------------


def test_r1_9_no_receipt_for_a_payment_that_did_not_succeed(maria, root, recharge):
    receipt = f"/payments/{recharge['payment_id']}/receipt"
    refused(maria.get(receipt), 422, "receipt_not_available")
    ok(pay(root, recharge["payment_id"], DECLINED_CARD))
    refused(maria.get(receipt), 422, "receipt_not_available")


def test_r1_9_another_registration_s_payment_and_receipt_are_not_found(maria, luca, root, recharge):
    ok(pay(root, recharge["payment_id"], SUCCESS_CARD))
    refused(luca.get(f"/payments/{recharge['payment_id']}"), 404, "payment_not_found")
    refused(luca.get(f"/payments/{recharge['payment_id']}/receipt"), 404, "payment_not_found")
    assert ok(luca.get("/payments")) == []
    assert maria.get(f"/payments/{recharge['payment_id']}/receipt").status_code == 200


@pytest.mark.parametrize(
    ("params", "code"),
    [
        pytest.param({"school_year": "2025-2027"}, "invalid_school_year", id="school-year"),
        pytest.param({"sort": "up"}, "invalid_request", id="sort"),
        pytest.param({"from": "16/11/2026"}, "invalid_request", id="from"),
    ],
)
def test_r1_9_the_payments_list_checks_its_period(maria, params, code):
    refused(maria.get("/payments", params=params), 400, code)


# Receipts on etelka (R3.13, R3.15) ------------------------------------------------------------


@pytest.fixture
def etelka_payment(familycard_stub: Any) -> Iterator[tuple[httpx.Client, str]]:
    """A school-meal order paid by card on jaszbereny a moment ago: (Éva's API, payment id)."""
    familycard_stub.control.set_clock("2026-03-02T08:00:00+01:00")
    url = familycard_stub.portal_url("jaszbereny")
    email = "kovacs.eva@example.hu"
    enrol(url, [{"guardian_email": email, "child_name": "Kovács Bence",
                 "institution": "Petőfi Általános Iskola", "age_group": "primary"}])  # fmt: skip
    with etelka_parent(familycard_stub, url, email=email, username="eva", name="Kovács Éva") as api:
        ok(api.post("/meals/orders", json={"days": ["2026-03-11"]}))
        body = {"month": "2026-03", "accept_terms": True}
        payment_id = ok(api.post("/meals/finalizations", json=body))["payment"]["id"]
        assert familycard_stub.control.pay(payment_id).status == "succeeded"
        yield api, payment_id


def test_r3_13_the_receipt_is_pending_until_the_document_is_ready(etelka_payment, familycard_stub):
    api, payment_id = etelka_payment
    delay = timedelta(minutes=ok(api.get("/portal"))["policy"]["receipt_delay_minutes"])
    paid_at = datetime.fromisoformat(ok(api.get(f"/payments/{payment_id}"))["completed_at"])

    def pending() -> int:
        """The receipt is not ready yet: 503, to retry when it will be (in seconds)."""
        response = api.get(f"/payments/{payment_id}/receipt")
        error = refused(response, 503, "receipt_pending")
        left = paid_at + delay - familycard_stub.control.clock().now
        seconds = math.ceil(left.total_seconds())
        assert seconds > 0
        assert error["details"] == {"retry_after": seconds}
        assert response.headers["Retry-After"] == str(seconds)
        return seconds

    # The clock is frozen: the payment was made this instant, the whole delay is left.
    assert pending() == delay.total_seconds()
    assert ok(api.get(f"/payments/{payment_id}"))["receipt"] == "waiting"
    familycard_stub.control.advance_clock("2m")
    assert pending() == (delay - timedelta(minutes=2)).total_seconds()
    familycard_stub.control.advance_clock("3m")
    ready = api.get(f"/payments/{payment_id}/receipt")
    assert ready.status_code == 200
    assert ready.content.startswith(b"%PDF")


def test_r3_15_a_receipt_older_than_six_months_is_gone_but_the_payment_stays(
    etelka_payment, familycard_stub
):
    api, payment_id = etelka_payment
    familycard_stub.control.advance_clock("184d")
    refused(api.get(f"/payments/{payment_id}/receipt"), 404, "receipt_expired")
    [listed] = ok(api.get("/payments", params={"from": "2026-03-01"}))
    assert (listed["id"], listed["status"], listed["receipt"]) == (
        payment_id,
        "succeeded",
        "expired",
    )


# Bounds: beyond the calendar, beyond SQLite ------------------------------------------------------


@pytest.mark.parametrize("year", ["0000/0001", "1899/1900", "2100/2101", "9999/10000"])
def test_r1_9_a_school_year_outside_the_calendar_is_refused(maria, year):
    response = maria.get("/payments", params={"school_year": year})
    refused(response, 400, "invalid_school_year")
