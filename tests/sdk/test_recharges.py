"""`client.recharges`: quote, create, get, list and wait (R1.8)."""

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
from familycard.models.tokens import AwaitingRecharge, Recharge, RechargeQuote

CHILD = "GLLFNC16H15F205N"
CHECKOUT = "https://portal.test/_terminal/pay_1a2b"


def eur(value: str) -> dict:
    return {"value": value, "currency": "EUR"}


def recharge(**changes) -> dict:
    fields = {
        "id": "rch_1a2b3c4d",
        "member": CHILD,
        "service": "mensa",
        "tokens": 10,
        "amount": eur("45.00"),
        "status": "awaiting_payment",
        "payment_id": "pay_1a2b",
        "checkout_url": CHECKOUT,
        "expires_at": datetime(2026, 3, 2, 10, 45, tzinfo=UTC),
        "balance_before": -3,
        "created_at": datetime(2026, 3, 2, 10, 30, tzinfo=UTC),
    }
    return Recharge(**{**fields, **changes}).model_dump(mode="json")


def quote(**changes) -> dict:
    fields = {
        "member": CHILD,
        "service": "mensa",
        "balance": -3,
        "tokens": 10,
        "token_price": eur("4.50"),
        "amount": eur("45.00"),
    }
    return RechargeQuote(**{**fields, **changes}).model_dump(mode="json")


#: A recharge created earlier and not paid yet (`awaiting`).
AWAITING = {
    "id": "rch_0old",
    "tokens": 10,
    "checkout_url": "https://portal.test/_terminal/pay_0old",
    "expires_at": "2026-03-02T10:40:00Z",
}


@pytest.fixture
def citycard(portal):
    return stub_portal_info(portal, "citycard")


@pytest.fixture
def sent(portal):
    """Every recharge route; a test that refuses before sending asserts none was called."""
    return [
        portal.get("/recharges/quote").respond(json=quote()),
        portal.post("/recharges").respond(json=recharge()),
    ]


# R1.8: the counts refused before sending -----------------------------------------------


BAD_COUNTS = [
    pytest.param({"tokens": 7}, familycard.InvalidInput, "tokens_not_multiple", id="seven"),
    pytest.param({"tokens": 12}, familycard.InvalidInput, "tokens_not_multiple", id="twelve"),
    pytest.param({"tokens": 0}, familycard.InvalidInput, "tokens_not_multiple", id="zero"),
    pytest.param({"tokens": -5}, familycard.InvalidInput, "tokens_not_multiple", id="minus-5"),
    pytest.param({"tokens": True}, familycard.InvalidInput, "tokens_not_multiple", id="bool"),
    pytest.param({}, familycard.InvalidInput, "tokens_or_top_up_required", id="neither"),
    pytest.param(
        {"tokens": 10, "top_up_to": 20},
        familycard.InvalidInput,
        "tokens_or_top_up_required",
        id="both",
    ),
    pytest.param({"top_up_to": -1}, familycard.InvalidInput, "invalid_top_up_target", id="neg"),
    pytest.param({"tokens": 10**30}, familycard.InvalidInput, "too_many_tokens", id="30-digits"),
    pytest.param({"tokens": 505}, familycard.InvalidInput, "too_many_tokens", id="over-policy"),
    pytest.param(
        {"top_up_to": 10**30}, familycard.InvalidInput, "invalid_top_up_target", id="top-up-huge"
    ),
    pytest.param(
        {"tokens": 10, "service": "piscina"}, familycard.InvalidInput, "unknown_service", id="svc"
    ),
    pytest.param(
        {"tokens": 10, "member": "GLLFNC16H15F205X"},
        familycard.InvalidInput,
        "invalid_tax_code",
        id="member",
    ),
]


@pytest.mark.parametrize(("kwargs", "error", "code"), BAD_COUNTS)
def test_r1_8_recharge_refuses_a_bad_request_without_sending(
    portal, client, citycard, sent, kwargs, error, code
):
    with pytest.raises(error) as caught:
        client.recharges.create(**kwargs)

    assert caught.value.code == code
    assert not caught.value.sent
    assert not any(route.called for route in sent)


@pytest.mark.parametrize(("kwargs", "error", "code"), BAD_COUNTS)
def test_r1_8_quote_refuses_a_bad_request_without_sending(
    portal, client, citycard, sent, kwargs, error, code
):
    with pytest.raises(error) as caught:
        client.recharges.quote(**kwargs)

    assert caught.value.code == code
    assert not any(route.called for route in sent)


def test_r1_8_recharge_refuses_tokens_not_multiple_of_five_without_sending(
    portal, client, citycard, sent
):
    with pytest.raises(familycard.InvalidInput) as caught:
        client.recharges.create(tokens=8)

    assert caught.value.code == "tokens_not_multiple"
    assert caught.value.details == {"tokens": 8, "multiple": 5}
    assert "multiples of 5" in caught.value.message
    assert not any(route.called for route in sent)


def test_r1_8_the_multiple_comes_from_the_portals_policy(portal, client, sent):
    stub_portal_info(portal, "citycard", policy={"token_multiple": 10})

    with pytest.raises(familycard.InvalidInput) as caught:
        client.recharges.create(tokens=15)
    client.recharges.create(tokens=20)

    assert caught.value.details == {"tokens": 15, "multiple": 10}
    assert sent_json(sent[1]) == {"tokens": 20}


def test_r1_8_without_a_policy_number_the_multiple_is_five(portal, client, sent):
    body = portal_info_json("citycard")
    del body["policy"]["token_multiple"]
    portal.get("/portal").respond(json=body)

    with pytest.raises(familycard.InvalidInput) as caught:
        client.recharges.create(tokens=6)

    assert caught.value.details == {"tokens": 6, "multiple": 5}
    assert not any(route.called for route in sent)


def test_recharges_need_the_recharges_feature(portal, client, sent):
    stub_portal_info(portal, "citycard", features=["accounts", "tokens"])

    with pytest.raises(familycard.InvalidInput) as caught:
        client.recharges.create(tokens=10)

    assert caught.value.code == "feature_not_supported"
    assert caught.value.details == {"feature": "recharges", "kind": "citycard"}
    assert not any(route.called for route in sent)


# quote ---------------------------------------------------------------------------------


def test_r1_8_quote_gets_what_the_tokens_cost_as_exact_money(portal, client, citycard):
    route = portal.get("/recharges/quote").respond(json=quote())

    result = client.recharges.quote(tokens=10, service="mensa", member=CHILD.lower())

    request = route.calls.last.request
    assert request.method == "GET"
    assert C.IDEMPOTENCY_HEADER not in request.headers
    assert dict(request.url.params) == {"tokens": "10", "service": "mensa", "member": CHILD}
    assert isinstance(result, familycard.RechargeQuote)
    assert result.tokens == 10
    assert result.amount == familycard.Money(value=Decimal("45.00"), currency="EUR")
    assert result.token_price.value == Decimal("4.50")
    assert result.balance == -3


def test_quote_with_top_up_to_sends_only_the_target(portal, client, citycard):
    route = portal.get("/recharges/quote").respond(
        json=quote(top_up_to=10, tokens=15, amount=eur("67.50"), pending_tokens=0)
    )

    result = client.recharges.quote(top_up_to=10)

    assert dict(route.calls.last.request.url.params) == {"top_up_to": "10"}
    assert result.top_up_to == 10
    assert result.tokens == 15
    assert result.amount.value == Decimal("67.50")


def test_quote_returns_the_recharges_awaiting_payment_behind_the_pending_tokens(
    portal, client, citycard
):
    portal.get("/recharges/quote").respond(
        json=quote(
            top_up_to=10,
            balance=-3,
            pending_tokens=10,
            tokens=5,
            amount=eur("22.50"),
            awaiting=[AWAITING],
        )
    )

    result = client.recharges.quote(top_up_to=10)

    assert result.pending_tokens == 10
    assert result.awaiting == [AwaitingRecharge(**AWAITING)]
    [awaiting] = result.awaiting
    assert (awaiting.id, awaiting.tokens) == ("rch_0old", 10)
    assert awaiting.checkout_url == "https://portal.test/_terminal/pay_0old"
    assert awaiting.expires_at == datetime(2026, 3, 2, 10, 40, tzinfo=UTC)


def test_quote_with_nothing_awaiting_has_an_empty_awaiting_list(portal, client, citycard):
    portal.get("/recharges/quote").respond(json=quote())

    assert client.recharges.quote(tokens=10).awaiting == []


def test_quote_maps_the_portals_refusal(portal, client, citycard):
    portal.get("/recharges/quote").respond(400, json=error_body("service_required"))

    with pytest.raises(familycard.InvalidInput) as caught:
        client.recharges.quote(tokens=5)

    assert caught.value.code == "service_required"


# create --------------------------------------------------------------------------------


def test_r1_8_create_posts_the_tokens_with_the_callers_key(portal, client, citycard):
    route = portal.post("/recharges").respond(json=recharge())

    result = client.recharges.create(
        tokens=10, service=" mensa ", member=CHILD.lower(), idempotency_key="rch-key-1"
    )

    request = route.calls.last.request
    assert request.url.path == "/tortona/v1/recharges"
    assert request.headers[C.IDEMPOTENCY_HEADER] == "rch-key-1"
    assert sent_json(route) == {"tokens": 10, "service": "mensa", "member": CHILD}
    assert isinstance(result, familycard.Recharge)
    assert result.id == "rch_1a2b3c4d"
    assert result.status == "awaiting_payment"
    assert result.checkout_url == CHECKOUT
    assert result.amount == familycard.Money(value=Decimal("45.00"), currency="EUR")
    assert result.expires_at == datetime(2026, 3, 2, 10, 45, tzinfo=UTC)
    assert result.balance_before == -3


def test_create_with_top_up_to_that_needs_nothing_is_not_needed(portal, client, citycard):
    route = portal.post("/recharges").respond(
        json=recharge(
            id=None,
            tokens=0,
            amount=eur("0.00"),
            status="not_needed",
            payment_id=None,
            checkout_url=None,
            expires_at=None,
            balance_before=12,
        )
    )

    result = client.recharges.create(top_up_to=10)

    assert sent_json(route) == {"top_up_to": 10}
    assert result.status == "not_needed"
    assert result.id is None
    assert result.amount.value == Decimal("0.00")


def test_create_not_needed_lists_the_recharges_awaiting_payment_that_made_it_so(
    portal, client, citycard
):
    route = portal.post("/recharges").respond(
        json=recharge(
            id=None,
            tokens=0,
            amount=eur("0.00"),
            status="not_needed",
            payment_id=None,
            checkout_url=None,
            expires_at=None,
            balance_before=2,
            awaiting=[AWAITING],
        )
    )

    result = client.recharges.create(top_up_to=10)

    assert route.call_count == 1
    assert result.status == "not_needed"
    assert result.id is None
    assert result.awaiting == [AwaitingRecharge(**AWAITING)]
    assert result.awaiting[0].checkout_url == "https://portal.test/_terminal/pay_0old"


def test_a_recharge_awaiting_payment_has_an_empty_awaiting_list(portal, client, citycard):
    portal.post("/recharges").respond(json=recharge())

    assert client.recharges.create(tokens=10).awaiting == []


def test_create_retries_a_lost_answer_with_the_same_generated_key(portal, client, citycard):
    route = portal.post("/recharges").mock(
        side_effect=[
            httpx.ReadTimeout("no answer"),
            httpx.Response(503, json=error_body("fault_injected")),
            httpx.Response(200, json=recharge()),
        ]
    )

    result = client.recharges.create(tokens=10)

    keys = idempotency_keys(route)
    assert len(keys) == 3
    assert keys[0] and len(set(keys)) == 1
    assert result.id == "rch_1a2b3c4d"


def test_create_replayed_by_the_portal_is_its_answer_with_no_second_request(
    portal, client, citycard
):
    # The portal answers a replayed key with the recharge as it is now.
    paid = recharge(
        status="succeeded",
        checkout_url=None,
        expires_at=None,
        completed_at=datetime(2026, 3, 2, 10, 35, tzinfo=UTC),
    )
    portal.post("/recharges").respond(json=paid, headers={"Idempotent-Replayed": "true"})
    lookup = portal.get(path__startswith="/recharges/").respond(json=recharge())

    result = client.recharges.create(tokens=10, idempotency_key="rch-key-1")

    assert not lookup.called
    assert result.status == "succeeded"
    assert result.checkout_url is None
    assert result.completed_at == datetime(2026, 3, 2, 10, 35, tzinfo=UTC)


def test_create_replayed_without_an_id_is_returned_as_it_is(portal, client, citycard):
    portal.post("/recharges").respond(
        json=recharge(id=None, tokens=0, status="not_needed", payment_id=None, checkout_url=None),
        headers={"Idempotent-Replayed": "true"},
    )
    lookup = portal.get(path__startswith="/recharges/").respond(json=recharge())

    result = client.recharges.create(top_up_to=0)

    assert result.status == "not_needed"
    assert not lookup.called


@pytest.mark.parametrize("outcome", ["failed", "expired"])
def test_create_replayed_after_the_recharge_ended_unpaid_is_a_rule_violation_with_it(
    portal, client, citycard, outcome
):
    ended = recharge(status=outcome, checkout_url=None, expires_at=None)
    body = error_body(
        "recharge_ended_unpaid",
        "create a recharge with a new key",
        recharge=ended,
        status=outcome,
    )
    route = portal.post("/recharges").respond(422, json=body)
    lookup = portal.get(path__startswith="/recharges/").respond(json=recharge())

    with pytest.raises(familycard.RuleViolation) as caught:
        client.recharges.create(tokens=10, idempotency_key="rch-key-1")

    assert caught.value.code == "recharge_ended_unpaid"
    assert caught.value.message == "create a recharge with a new key"
    assert caught.value.details == {"recharge": ended, "status": outcome}
    assert Recharge.model_validate(caught.value.details["recharge"]).status == outcome
    assert caught.value.sent
    assert idempotency_keys(route) == ["rch-key-1"]  # a 422 is never retried
    assert not lookup.called


def test_create_not_replayed_does_not_fetch_again(portal, client, citycard):
    portal.post("/recharges").respond(json=recharge())
    lookup = portal.get("/recharges/rch_1a2b3c4d").respond(json=recharge(status="succeeded"))

    assert client.recharges.create(tokens=10).status == "awaiting_payment"
    assert not lookup.called


@pytest.mark.parametrize(
    ("status", "code", "error"),
    [
        pytest.param(409, "idempotency_key_reused", familycard.Conflict, id="key-reused"),
        pytest.param(422, "not_enrolled", familycard.RuleViolation, id="not-enrolled"),
        pytest.param(400, "tokens_not_multiple", familycard.InvalidInput, id="portal-r1_8"),
        pytest.param(401, "session_expired", familycard.AuthenticationFailed, id="logged-out"),
    ],
)
def test_create_maps_the_portals_refusal_without_retrying(
    portal, client, citycard, status, code, error
):
    route = portal.post("/recharges").respond(status, json=error_body(code))

    with pytest.raises(error) as caught:
        client.recharges.create(tokens=10)

    assert caught.value.code == code
    assert caught.value.sent
    assert route.call_count == 1


# get, list -----------------------------------------------------------------------------


def test_get_gets_one_recharge(portal, client, citycard):
    route = portal.get("/recharges/rch_1a2b3c4d").respond(json=recharge(status="failed"))

    result = client.recharges.get("rch_1a2b3c4d")

    assert route.calls.last.request.method == "GET"
    assert result.status == "failed"


def test_get_quotes_the_id_into_one_path_segment(portal, client, citycard):
    route = portal.get(path__startswith="/recharges/").respond(json=recharge())

    client.recharges.get("rch/../x")

    assert route.calls.last.request.url.raw_path == b"/tortona/v1/recharges/rch%2F..%2Fx"


def test_get_maps_an_unknown_recharge_to_not_found(portal, client, citycard):
    portal.get("/recharges/rch_nope").respond(404, json=error_body("recharge_not_found"))

    with pytest.raises(familycard.NotFound) as caught:
        client.recharges.get("rch_nope")

    assert caught.value.code == "recharge_not_found"


def test_list_gets_the_recharges_newest_first(portal, client, citycard):
    route = portal.get("/recharges").respond(
        json=[recharge(id="rch_2", status="expired"), recharge(id="rch_1", status="succeeded")]
    )

    result = client.recharges.list()

    assert route.calls.last.request.url.query == b""
    assert [(r.id, r.status) for r in result] == [("rch_2", "expired"), ("rch_1", "succeeded")]
    assert all(isinstance(r, familycard.Recharge) for r in result)


def test_list_for_one_child_sends_the_tax_code(portal, client, citycard):
    route = portal.get("/recharges").respond(json=[])

    assert client.recharges.list(member=CHILD.lower()) == []
    assert dict(route.calls.last.request.url.params) == {"member": CHILD}


def test_list_refuses_a_bad_tax_code_without_sending(portal, client, citycard):
    route = portal.get("/recharges").respond(json=[])

    with pytest.raises(familycard.InvalidInput) as caught:
        client.recharges.list(member="nobody")

    assert caught.value.code == "invalid_tax_code"
    assert not route.called


# wait ----------------------------------------------------------------------------------


def test_wait_polls_until_the_payment_ends(portal, client, citycard, sleeps):
    route = portal.get("/recharges/rch_1a2b3c4d").mock(
        side_effect=[
            httpx.Response(200, json=recharge()),
            httpx.Response(200, json=recharge()),
            httpx.Response(200, json=recharge(status="succeeded", checkout_url=None)),
        ]
    )

    result = client.recharges.wait("rch_1a2b3c4d", interval=1.5)

    assert route.call_count == 3
    assert sleeps == [1.5, 1.5]
    assert result.status == "succeeded"


@pytest.mark.parametrize("outcome", ["failed", "expired"])
def test_wait_returns_any_end_of_the_payment(portal, client, citycard, outcome):
    portal.get("/recharges/rch_1a2b3c4d").respond(json=recharge(status=outcome))

    assert client.recharges.wait("rch_1a2b3c4d").status == outcome


def test_wait_past_its_timeout_returns_the_recharge_still_awaiting(portal, client, citycard):
    route = portal.get("/recharges/rch_1a2b3c4d").respond(json=recharge())

    result = client.recharges.wait("rch_1a2b3c4d", timeout=0)

    assert route.call_count == 1
    assert result.status == "awaiting_payment"


def test_wait_raises_what_get_raises(portal, client, citycard):
    portal.get("/recharges/rch_nope").respond(404, json=error_body("recharge_not_found"))

    with pytest.raises(familycard.NotFound):
        client.recharges.wait("rch_nope")
