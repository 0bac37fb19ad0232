"""`client.payments`: payments made, and their receipts (R1.9, R3.13, R3.15, X4)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import httpx
import pytest
from sdk_support import error_body

import familycard
from familycard import _constants as C
from familycard.models.payments import Payment

PDF = b"%PDF-1.4\n% receipt pay_1\n%%EOF\n"


def payment(**changes) -> dict:
    fields = {
        "id": "pay_1",
        "purpose": "recharge",
        "status": "succeeded",
        "amount": {"value": "45.00", "currency": "EUR"},
        "method": "card",
        "description": "10 tokens, School canteen, Francesco Gallo",
        "member": "GLLFNC16H15F205N",
        "created_at": datetime(2026, 3, 2, 10, 30, tzinfo=UTC),
        "completed_at": datetime(2026, 3, 2, 10, 34, tzinfo=UTC),
        "transaction_id": "txn_9",
        "receipt": "ready",
        "details": {"tokens": 10, "service": "mensa"},
    }
    return Payment(**{**fields, **changes}).model_dump(mode="json")


# list ----------------------------------------------------------------------------------


def test_r1_9_list_without_a_period_asks_for_the_portals_default_newest_first(portal, client):
    route = portal.get("/payments").respond(json=[payment()])

    result = client.payments.list()

    request = route.calls.last.request
    assert request.method == "GET"
    assert C.IDEMPOTENCY_HEADER not in request.headers
    assert dict(request.url.params) == {"sort": "desc"}
    (paid,) = result
    assert isinstance(paid, familycard.Payment)
    assert paid.amount == familycard.Money(value=Decimal("45.00"), currency="EUR")
    assert paid.status == "succeeded"
    assert paid.receipt == "ready"
    assert paid.completed_at == datetime(2026, 3, 2, 10, 34, tzinfo=UTC)
    assert paid.details == {"tokens": 10, "service": "mensa"}


def test_r3_15_list_filters_by_member_and_period_and_sorts(portal, client):
    route = portal.get("/payments").respond(json=[])

    client.payments.list(
        member="kovacs-bence-1a2b", since=date(2026, 1, 1), until=date(2026, 2, 28), sort="asc"
    )

    assert dict(route.calls.last.request.url.params) == {
        "member": "kovacs-bence-1a2b",
        "from": "2026-01-01",
        "to": "2026-02-28",
        "sort": "asc",
    }


def test_r1_9_list_of_a_school_year_sends_it(portal, client):
    route = portal.get("/payments").respond(json=[])

    client.payments.list(school_year="2025/2026")

    assert dict(route.calls.last.request.url.params) == {"school_year": "2025/2026", "sort": "desc"}


def test_r3_15_list_reads_cash_and_refunds_negative(portal, client):
    portal.get("/payments").respond(
        json=[
            payment(
                id="pay_3",
                purpose="refund",
                method="refund",
                amount={"value": "-1200", "currency": "HUF"},
                receipt="none",
            ),
            payment(
                id="pay_2",
                purpose="cash",
                method="cash",
                amount={"value": "5000", "currency": "HUF"},
            ),
        ]
    )

    refund, cash = client.payments.list()

    assert refund.amount == familycard.Money(value=Decimal("-1200"), currency="HUF")
    assert refund.method == "refund"
    assert cash.purpose == "cash"
    assert cash.amount.value == Decimal("5000")


@pytest.mark.parametrize(
    "year",
    [
        pytest.param("2025/2027", id="not-consecutive"),
        pytest.param("2025", id="one-year"),
        pytest.param("25/26", id="short"),
    ],
)
def test_r1_9_list_refuses_a_malformed_school_year_without_sending(portal, client, year):
    route = portal.get("/payments").respond(json=[])

    with pytest.raises(familycard.InvalidInput) as caught:
        client.payments.list(school_year=year)

    assert caught.value.code == "invalid_school_year"
    assert not caught.value.sent
    assert not route.called


def test_list_maps_an_expired_session_to_authentication_failed(portal, client):
    portal.get("/payments").respond(401, json=error_body("session_expired"))

    with pytest.raises(familycard.AuthenticationFailed) as caught:
        client.payments.list()

    assert caught.value.code == "session_expired"


# get -----------------------------------------------------------------------------------


def test_get_gets_one_payment_with_its_checkout_while_awaiting(portal, client):
    route = portal.get("/payments/pay_1").respond(
        json=payment(
            status="awaiting_payment",
            completed_at=None,
            transaction_id=None,
            receipt="none",
            checkout_url="https://portal.test/_terminal/pay_1",
            expires_at=datetime(2026, 3, 2, 10, 45, tzinfo=UTC),
        )
    )

    result = client.payments.get("pay_1")

    assert route.calls.last.request.method == "GET"
    assert result.status == "awaiting_payment"
    assert result.checkout_url == "https://portal.test/_terminal/pay_1"
    assert result.expires_at == datetime(2026, 3, 2, 10, 45, tzinfo=UTC)
    assert result.completed_at is None


def test_get_maps_an_unknown_payment_to_not_found(portal, client):
    portal.get("/payments/pay_nope").respond(404, json=error_body("payment_not_found"))

    with pytest.raises(familycard.NotFound) as caught:
        client.payments.get("pay_nope")

    assert caught.value.code == "payment_not_found"


@pytest.mark.parametrize(
    ("method", "raw_path"),
    [
        pytest.param("get", b"/tortona/v1/payments/pay%2F..%2Frecharges%2Frch_1", id="get"),
        pytest.param(
            "receipt", b"/tortona/v1/payments/pay%2F..%2Frecharges%2Frch_1/receipt", id="receipt"
        ),
    ],
)
def test_get_and_receipt_quote_the_id_into_one_path_segment(portal, client, method, raw_path):
    # Unquoted, "pay/../recharges/rch_1" would be sent as GET /recharges/rch_1 (httpx
    # resolves the dots): quoted whole, it stays one segment of /payments.
    route = portal.route().respond(json=payment())

    getattr(client.payments, method)("pay/../recharges/rch_1")

    assert route.calls.last.request.url.raw_path == raw_path


# receipt -------------------------------------------------------------------------------


def test_r3_13_receipt_returns_the_pdf_bytes(portal, client):
    route = portal.get("/payments/pay_1/receipt").respond(
        content=PDF,
        headers={
            "Content-Type": "application/pdf",
            "Content-Disposition": 'attachment; filename="receipt-pay_1.pdf"',
        },
    )

    result = client.payments.receipt("pay_1")

    assert route.calls.last.request.method == "GET"
    assert result == PDF


@pytest.mark.parametrize(
    ("status", "code", "error"),
    [
        pytest.param(422, "receipt_not_available", familycard.RuleViolation, id="not-paid"),
        pytest.param(404, "receipt_expired", familycard.NotFound, id="r3_15-older-than-6-months"),
    ],
)
def test_receipt_maps_the_portals_refusal(portal, client, status, code, error):
    portal.get("/payments/pay_1/receipt").respond(status, json=error_body(code, "not yet"))

    with pytest.raises(error) as caught:
        client.payments.receipt("pay_1")

    assert caught.value.code == code
    assert caught.value.message == "not yet"


def test_r3_13_a_receipt_pending_for_a_few_seconds_is_waited_for_then_returned(
    portal, client, sleeps
):
    # receipt_pending is PortalUnavailable: HTTP 503 with Retry-After, waited when short.
    pending = error_body("receipt_pending", "not yet", retry_after=5)
    route = portal.get("/payments/pay_1/receipt").mock(
        side_effect=[
            httpx.Response(503, json=pending, headers={"Retry-After": "5"}),
            httpx.Response(200, content=PDF, headers={"Content-Type": "application/pdf"}),
        ]
    )

    assert client.payments.receipt("pay_1") == PDF

    assert route.call_count == 2
    assert sleeps == [5.0]


def test_r3_13_a_receipt_pending_longer_than_max_retry_after_is_reported_at_once(
    portal, client, sleeps
):
    later = int(C.MAX_RETRY_AFTER) + 90  # 120 s
    pending = error_body("receipt_pending", "not yet", retry_after=later)
    route = portal.get("/payments/pay_1/receipt").respond(
        503, json=pending, headers={"Retry-After": str(later)}
    )

    with pytest.raises(familycard.PortalUnavailable) as caught:
        client.payments.receipt("pay_1")

    assert caught.value.code == "receipt_pending"
    assert caught.value.message == "not yet"
    assert caught.value.details["retry_after"] == later
    assert caught.value.sent
    assert route.call_count == 1
    assert sleeps == []
