"""`client.balances`: members' running accounts and the clerk's cash payments, refunds and
charges (R3.15-R3.16, X5)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import httpx
import pytest
from sdk_support import (
    error_body,
    idempotency_keys,
    portal_info_json,
    sent_json,
    stub_portal_info,
)

import familycard
from familycard import _constants as C
from familycard.models.meals import AccountBalance
from familycard.models.payments import Payment

MEMBER = "kovacs-bence-1a2b"


def huf(value: str) -> dict:
    return {"value": value, "currency": "HUF"}


def account_balance(value: str = "0", state: str = "settled", **changes) -> dict:
    fields = {
        "member_id": MEMBER,
        "member": "Kovács Bence",
        "service": "meals",
        "service_name": "School meals",
        "balance": huf(value),
        "state": state,
    }
    return AccountBalance(**{**fields, **changes}).model_dump(mode="json")


def payment(**changes) -> dict:
    fields = {
        "id": "pay_c1",
        "purpose": "cash",
        "status": "succeeded",
        "amount": huf("5000"),
        "method": "cash",
        "description": "Cash payment at the office",
        "member": MEMBER,
        "created_at": datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
        "completed_at": datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
    }
    return Payment(**{**fields, **changes}).model_dump(mode="json")


@pytest.fixture
def etelka(portal):
    return stub_portal_info(portal, "etelka")


# list ----------------------------------------------------------------------------------


def test_r3_16_list_reads_settled_debt_and_overpayment_as_exact_forints(portal, client, etelka):
    route = portal.get("/balances").respond(
        json=[
            account_balance("0", "settled"),
            account_balance("-2340", "debt", service="care", service_name="Nursery care"),
            account_balance(
                "560", "overpayment", member_id="kovacs-anna-9f9f", member="Kovács Anna"
            ),
        ]
    )

    result = client.balances.list()

    request = route.calls.last.request
    assert request.method == "GET"
    assert request.url.query == b""
    assert C.IDEMPOTENCY_HEADER not in request.headers
    assert all(isinstance(b, familycard.AccountBalance) for b in result)
    assert [(b.service, b.balance.value, b.state) for b in result] == [
        ("meals", Decimal("0"), "settled"),
        ("care", Decimal("-2340"), "debt"),
        ("meals", Decimal("560"), "overpayment"),
    ]
    assert result[1].balance == familycard.Money(value=Decimal("-2340"), currency="HUF")


def test_list_for_one_member_sends_it(portal, client, etelka):
    route = portal.get("/balances").respond(json=[account_balance()])

    client.balances.list(member=MEMBER)

    assert dict(route.calls.last.request.url.params) == {"member": MEMBER}


def test_list_maps_an_unknown_member_to_not_found(portal, client, etelka):
    portal.get("/balances").respond(404, json=error_body("member_not_found"))

    with pytest.raises(familycard.NotFound) as caught:
        client.balances.list(member="nobody")

    assert caught.value.code == "member_not_found"


# record_cash, record_refund, record_charge ---------------------------------------------

RECORDS = [
    pytest.param("record_cash", "/clerk/cash-payments", payment(), id="cash"),
    pytest.param(
        "record_refund",
        "/clerk/refunds",
        payment(id="pay_r1", purpose="refund", method="refund", amount=huf("-5000")),
        id="refund",
    ),
    pytest.param("record_charge", "/clerk/charges", account_balance("-5000", "debt"), id="charge"),
]


@pytest.mark.parametrize(("method", "path", "answer"), RECORDS)
def test_r3_15_clerk_records_post_member_amount_and_service_with_the_key(
    portal, client, etelka, method, path, answer
):
    route = portal.post(path).respond(json=answer)

    getattr(client.balances, method)(MEMBER, 5000, note="paid at the desk", idempotency_key="k-1")

    assert route.calls.last.request.headers[C.IDEMPOTENCY_HEADER] == "k-1"
    assert sent_json(route) == {
        "member": MEMBER,
        "amount": {"value": "5000", "currency": "HUF"},
        "service": "meals",
        "note": "paid at the desk",
    }


@pytest.mark.parametrize(("method", "path", "answer"), RECORDS)
def test_clerk_records_leave_out_a_missing_note_and_send_the_service(
    portal, client, etelka, method, path, answer
):
    route = portal.post(path).respond(json=answer)

    getattr(client.balances, method)(MEMBER, "1200", service="care")

    assert sent_json(route) == {
        "member": MEMBER,
        "amount": {"value": "1200", "currency": "HUF"},
        "service": "care",
    }


@pytest.mark.parametrize(("method", "path", "answer"), RECORDS)
def test_clerk_records_reuse_their_key_on_a_retry(portal, client, etelka, method, path, answer):
    route = portal.post(path).mock(
        side_effect=[
            httpx.Response(503, json=error_body("fault_injected")),
            httpx.Response(200, json=answer),
        ]
    )

    getattr(client.balances, method)(MEMBER, 5000)

    first, second = idempotency_keys(route)
    assert first and first == second


def test_r3_15_record_cash_returns_the_payment(portal, client, etelka):
    portal.post("/clerk/cash-payments").respond(json=payment())

    result = client.balances.record_cash(MEMBER, 5000)

    assert isinstance(result, familycard.Payment)
    assert result.method == "cash"
    assert result.amount == familycard.Money(value=Decimal("5000"), currency="HUF")


def test_r3_15_record_refund_returns_the_negative_payment(portal, client, etelka):
    portal.post("/clerk/refunds").respond(
        json=payment(id="pay_r1", purpose="refund", method="refund", amount=huf("-560"))
    )

    result = client.balances.record_refund(MEMBER, 560)

    assert isinstance(result, familycard.Payment)
    assert result.purpose == "refund"
    assert result.amount.value == Decimal("-560")


def test_r3_16_record_charge_returns_the_account_after_the_charge(portal, client, etelka):
    portal.post("/clerk/charges").respond(json=account_balance("-650", "debt"))

    result = client.balances.record_charge(MEMBER, 650)

    assert isinstance(result, familycard.AccountBalance)
    assert result.state == "debt"
    assert result.balance == familycard.Money(value=Decimal("-650"), currency="HUF")


@pytest.mark.parametrize(
    "amount",
    [
        pytest.param(5000, id="int"),
        pytest.param("5000", id="str"),
        pytest.param(" 5000 ", id="str-with-spaces"),
        pytest.param(Decimal("5000"), id="decimal"),
        pytest.param(Decimal("5000.00"), id="decimal-with-zero-cents"),
        pytest.param(familycard.Money(value=Decimal("5000"), currency="HUF"), id="money"),
    ],
)
def test_x5_an_amount_is_sent_as_exact_forints_whatever_its_type(portal, client, etelka, amount):
    route = portal.post("/clerk/cash-payments").respond(json=payment())

    client.balances.record_cash(MEMBER, amount)

    assert sent_json(route)["amount"] == {"value": "5000", "currency": "HUF"}


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        pytest.param(5000.0, "invalid_amount", id="x5-float"),
        pytest.param("12.5", "invalid_amount", id="x5-forint-fraction"),
        pytest.param(0, "invalid_amount", id="zero"),
        pytest.param(-100, "invalid_amount", id="negative"),
        pytest.param("five", "invalid_amount", id="not-a-number"),
        pytest.param("NaN", "invalid_amount", id="nan"),
        pytest.param(
            familycard.Money(value=Decimal("10.00"), currency="EUR"),
            "wrong_currency",
            id="euros-on-a-forint-portal",
        ),
        pytest.param(
            familycard.Money(value=Decimal("0.5"), currency="HUF"),
            "invalid_amount",
            id="money-forint-fraction",
        ),
    ],
)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        pytest.param("record_cash", "/clerk/cash-payments", id="cash"),
        pytest.param("record_refund", "/clerk/refunds", id="refund"),
        pytest.param("record_charge", "/clerk/charges", id="charge"),
    ],
)
def test_x5_a_bad_amount_is_refused_without_sending(
    portal, client, etelka, method, path, amount, code
):
    route = portal.post(path).respond(json={})

    with pytest.raises(familycard.InvalidInput) as caught:
        getattr(client.balances, method)(MEMBER, amount)

    assert caught.value.code == code
    assert not caught.value.sent
    assert not route.called


def test_x5_a_euro_portal_takes_cents_and_refuses_fractions_of_a_cent(portal, client):
    portal.get("/portal").respond(json=portal_info_json("etelka", currency="EUR"))
    route = portal.post("/clerk/cash-payments").respond(
        json=payment(amount={"value": "12.50", "currency": "EUR"})
    )

    client.balances.record_cash(MEMBER, "12.5")
    with pytest.raises(familycard.InvalidInput) as caught:
        client.balances.record_cash(MEMBER, "12.505")

    assert route.call_count == 1
    assert sent_json(route)["amount"] == {"value": "12.50", "currency": "EUR"}
    assert caught.value.code == "invalid_amount"


@pytest.mark.parametrize(
    ("method", "path", "status", "code", "error"),
    [
        pytest.param(
            "record_refund",
            "/clerk/refunds",
            422,
            "refund_exceeds_overpayment",
            familycard.RuleViolation,
            id="refund-more-than-overpaid",
        ),
        pytest.param(
            "record_cash",
            "/clerk/cash-payments",
            403,
            "permission_denied",
            familycard.PermissionDenied,
            id="no-clerk-key",
        ),
        pytest.param(
            "record_charge",
            "/clerk/charges",
            404,
            "member_not_found",
            familycard.NotFound,
            id="unknown-member",
        ),
    ],
)
def test_clerk_records_map_the_portals_refusal(
    portal, client, etelka, method, path, status, code, error
):
    route = portal.post(path).respond(status, json=error_body(code))

    with pytest.raises(error) as caught:
        getattr(client.balances, method)(MEMBER, 5000)

    assert caught.value.code == code
    assert route.call_count == 1


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda c: c.balances.list(), id="list"),
        pytest.param(lambda c: c.balances.record_cash(MEMBER, 1), id="cash"),
        pytest.param(lambda c: c.balances.record_refund(MEMBER, 1), id="refund"),
        pytest.param(lambda c: c.balances.record_charge(MEMBER, 1), id="charge"),
    ],
)
def test_balances_need_the_meals_feature_and_send_nothing_without_it(portal, client, call):
    stub_portal_info(portal, "citycard")
    routes = [
        portal.get("/balances").respond(json=[]),
        portal.post("/clerk/cash-payments").respond(json=payment()),
        portal.post("/clerk/refunds").respond(json=payment()),
        portal.post("/clerk/charges").respond(json=account_balance()),
    ]

    with pytest.raises(familycard.InvalidInput) as caught:
        call(client)

    assert caught.value.code == "feature_not_supported"
    assert not any(r.called for r in routes)
