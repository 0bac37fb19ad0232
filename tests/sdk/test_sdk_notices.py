"""`client.notices` (entranext R2.2-R2.4, pagoinrete R4.4-R4.5) against respx.

Notice numbers, methods, PSPs and carts are checked before sending with the
portal's own rules; a refusal foreseen locally leaves the portal untouched.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

import httpx
import pytest
from sdk_builders import (
    PSPS,
    ROME,
    SEED_NOTICE,
    dump,
    eur,
    notice,
    notice_number,
    payment,
    query,
    sent_json,
    trail,
)
from sdk_support import error_body, idempotency_keys, stub_portal_info

import familycard
from familycard.models.notices import NoticeIssueResult, Psp
from familycard.resources.notices import BATCH_SIZE

GIULIO = "VRDGLI15T03L219M"


def pagopa(portal, kind: str = "pagoinrete", **policy):
    return stub_portal_info(portal, kind, policy={"psps": PSPS, **policy})


def cart_payment(status: str = "awaiting_payment", **kwargs) -> familycard.Payment:
    return payment(status, amount=eur("281.70"), purpose="notices", **kwargs)


# Listing and reading -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "sent"),
    [
        pytest.param("all", "all", id="all"),
        pytest.param("due", "due", id="due"),
        pytest.param(" PAID ", "paid", id="normalised"),
        pytest.param("expired", "expired", id="expired"),
    ],
)
def test_r4_4_list_sends_the_status_filter_and_returns_the_notices(portal, client, status, sent):
    pagopa(portal)
    body = [notice(notice_number(1)), notice(notice_number(2), status="paid")]
    route = portal.get("/notices").respond(json=dump(body))
    notices = client.notices.list(status=status, member=GIULIO)
    assert query(route) == {"status": sent, "member": GIULIO}
    assert notices == body


def test_list_defaults_to_every_notice(portal, client):
    pagopa(portal, "entranext")
    portal.get("/notices").respond(json=[])
    client.notices.list()
    assert trail(portal) == ["GET /portal", "GET /notices?status=all"]


def test_an_unknown_status_filter_is_refused_before_anything_is_sent(portal, client):
    info = pagopa(portal)
    route = portal.get("/notices").respond(json=[])
    with pytest.raises(familycard.InvalidInput) as caught:
        client.notices.list(status="overdue")
    assert caught.value.code == "invalid_status"
    assert not info.called
    assert not route.called


def test_r2_3_on_entranext_notices_need_elevated_credentials(portal, client):
    pagopa(portal, "entranext")
    body = error_body("elevation_required", "enter the code printed on your slips")
    portal.get("/notices").respond(403, json=body)
    with pytest.raises(familycard.PermissionDenied) as caught:
        client.notices.list()
    assert caught.value.code == "elevation_required"
    assert caught.value.sent


def test_r2_4_get_returns_the_seed_notice_with_exact_money_and_slip(portal, client):
    pagopa(portal, "entranext")
    route = portal.get(f"/notices/{SEED_NOTICE}").respond(json=dump(notice()))
    got = client.notices.get("0010 1910 0083 9012 86")
    assert route.call_count == 1
    assert got.number == SEED_NOTICE
    assert got.amount == familycard.Money(value=Decimal("140.40"), currency="EUR")
    assert isinstance(got.amount.value, Decimal)
    assert got.creditor.fiscal_code == "00442530341"
    assert got.slip.postal_account == "16338436"
    assert got.slip.iban == "IT51N0760112700000016338436"
    assert got.due_on == date(2019, 10, 31)


@pytest.mark.parametrize(
    "number",
    [
        pytest.param("001019100083901287", id="r2_4-wrong-check-digits"),
        pytest.param("00101910008390128", id="17-digits"),
        pytest.param("501019100083901286", id="aux-digit-5"),
        pytest.param("00101910008390128X", id="not-digits"),
    ],
)
def test_r2_4_get_refuses_a_bad_notice_number_before_anything_is_sent(portal, client, number):
    info = pagopa(portal, "entranext")
    with pytest.raises(familycard.InvalidInput) as caught:
        client.notices.get(number)
    assert caught.value.code == "invalid_notice_number"
    assert not caught.value.sent
    assert not info.called
    assert trail(portal) == []


def test_get_of_an_unknown_notice_is_not_found(portal, client):
    pagopa(portal)
    number = notice_number(9)
    portal.get(f"/notices/{number}").respond(404, json=error_body("notice_not_found", "no such"))
    with pytest.raises(familycard.NotFound) as caught:
        client.notices.get(number)
    assert caught.value.code == "notice_not_found"


# PSPs (R4.5) --------------------------------------------------------------------------------


def test_r4_5_psps_sends_the_method_and_returns_the_fees_as_money(portal, client):
    pagopa(portal)
    offers = [
        Psp(id="paydemo", name="PayDemo", method="card", fee=eur("0.90")),
        Psp(id="poste-esempio", name="Poste Esempio", method="card", fee=eur("1.20")),
    ]
    route = portal.get("/notices/psps").respond(json=dump(offers))
    got = client.notices.psps(" Card ")
    assert query(route) == {"method": "card"}
    assert got == offers
    assert got[0].fee.value == Decimal("0.90")


def test_an_unknown_payment_method_is_refused_before_anything_is_sent(portal, client):
    info = pagopa(portal)
    with pytest.raises(familycard.InvalidInput) as caught:
        client.notices.psps("cash")
    assert caught.value.code == "invalid_payment_method"
    assert not info.called


# Paying a cart (R4.5) -----------------------------------------------------------------------


def test_r4_5_pay_posts_the_cart_and_returns_the_payment_awaiting_the_psp(portal, client):
    pagopa(portal)
    awaiting = cart_payment()
    post = portal.post("/notices/pay").respond(json=dump(awaiting))
    numbers = [notice_number(1), " " + notice_number(2)]
    paid = client.notices.pay(numbers, method="CARD", psp="PayDemo", idempotency_key="cart-1")
    assert trail(portal) == ["GET /portal", "POST /notices/pay"]
    assert sent_json(post) == {
        "notices": [notice_number(1), notice_number(2)],
        "method": "card",
        "psp": "paydemo",
    }
    assert idempotency_keys(post) == ["cart-1"]
    assert paid == awaiting
    assert paid.checkout_url == "https://portal.test/_terminal/pay_5e2f"
    assert paid.amount == familycard.Money(value=Decimal("281.70"), currency="EUR")


def test_pay_without_a_key_still_sends_one(portal, client):
    pagopa(portal)
    post = portal.post("/notices/pay").respond(json=dump(cart_payment()))
    client.notices.pay([notice_number(1)], method="debit", psp="banca-esempio")
    (key,) = idempotency_keys(post)
    assert key
    assert sent_json(post)["method"] == "debit"


def test_r4_5_a_replayed_payment_is_fetched_again_for_its_current_status(portal, client):
    pagopa(portal)
    portal.post("/notices/pay").respond(
        json=dump(cart_payment()), headers={"Idempotent-Replayed": "true"}
    )
    now = cart_payment("succeeded")
    get = portal.get("/payments/pay_5e2f").respond(json=dump(now))
    paid = client.notices.pay([notice_number(1)], method="card", psp="paydemo", idempotency_key="k")
    assert trail(portal) == ["GET /portal", "POST /notices/pay", "GET /payments/pay_5e2f"]
    assert get.call_count == 1
    assert paid.status == "succeeded"
    assert paid.transaction_id == "TX-000123"


CART_REFUSALS = [
    pytest.param([], "card", "paydemo", familycard.InvalidInput, "empty_cart", id="empty"),
    pytest.param(
        [notice_number(1), notice_number(1)],
        "card",
        "paydemo",
        familycard.InvalidInput,
        "duplicate_notice",
        id="twice",
    ),
    pytest.param(
        [notice_number(1), "347000000000000199"],
        "card",
        "paydemo",
        familycard.InvalidInput,
        "invalid_notice_number",
        id="r2_5-check-digits",
    ),
    pytest.param(
        [notice_number(n) for n in range(1, 7)],
        "card",
        "paydemo",
        familycard.InvalidInput,
        "cart_too_large",
        id="six-notices",
    ),
    pytest.param(
        [notice_number(1)], "cash", "paydemo", familycard.InvalidInput, "invalid_payment_method"
    ),
    pytest.param(
        [notice_number(1)], "card", "nobank", familycard.InvalidInput, "unknown_psp", id="psp"
    ),
    pytest.param(
        [notice_number(1)],
        "debit",
        "paydemo",
        familycard.InvalidInput,
        "psp_method_not_offered",
        id="paydemo-has-no-debit",
    ),
]


@pytest.mark.parametrize(("numbers", "method", "psp", "error_class", "code"), CART_REFUSALS)
def test_r4_5_a_cart_the_rules_refuse_is_never_sent(
    portal, client, numbers, method, psp, error_class, code
):
    pagopa(portal)
    post = portal.post("/notices/pay").respond(json={})
    with pytest.raises(familycard.FamilycardError) as caught:
        client.notices.pay(numbers, method=method, psp=psp)
    assert type(caught.value) is error_class
    assert caught.value.code == code
    assert not caught.value.sent
    assert not post.called


def test_the_cart_limit_comes_from_the_portals_policy(portal, client):
    pagopa(portal, cart_max_notices=2)
    post = portal.post("/notices/pay").respond(json={})
    with pytest.raises(familycard.InvalidInput) as caught:
        client.notices.pay([notice_number(n) for n in (1, 2, 3)], method="card", psp="paydemo")
    assert caught.value.code == "cart_too_large"
    assert caught.value.details == {"max": 2}
    assert not post.called


@pytest.mark.parametrize(
    ("status", "code", "error_class"),
    [
        pytest.param(422, "notice_already_paid", familycard.RuleViolation, id="paid"),
        pytest.param(422, "notice_expired", familycard.RuleViolation, id="expired"),
        pytest.param(409, "notice_in_payment", familycard.Conflict, id="in-another-cart"),
    ],
)
def test_r4_5_a_cart_the_portal_refuses_maps_to_its_error(
    portal, client, status, code, error_class
):
    pagopa(portal)
    number = notice_number(1)
    body = error_body(code, "nothing was charged", notice=number)
    post = portal.post("/notices/pay").respond(status, json=body)
    with pytest.raises(familycard.FamilycardError) as caught:
        client.notices.pay([number], method="card", psp="paydemo")
    assert type(caught.value) is error_class
    assert caught.value.code == code
    assert caught.value.details == {"notice": number}
    assert post.call_count == 1


# Waiting for the cart's payment -------------------------------------------------------------


def test_wait_polls_the_payment_until_it_ends_sleeping_the_interval(portal, client, sleeps):
    route = portal.get("/payments/pay_5e2f").mock(
        side_effect=[
            httpx.Response(200, json=dump(cart_payment())),
            httpx.Response(200, json=dump(cart_payment())),
            httpx.Response(200, json=dump(cart_payment("succeeded"))),
        ]
    )
    ended = client.notices.wait("pay_5e2f", timeout=60, interval=3)
    assert ended.status == "succeeded"
    assert route.call_count == 3
    assert sleeps == [3, 3]


def test_wait_returns_the_payment_still_awaiting_when_the_timeout_passes(portal, client, sleeps):
    route = portal.get("/payments/pay_5e2f").respond(json=dump(cart_payment()))
    still = client.notices.wait("pay_5e2f", timeout=0)
    assert still.status == "awaiting_payment"
    assert route.call_count == 1
    assert sleeps == []


@pytest.mark.parametrize("status", ["failed", "expired"])
def test_wait_stops_at_an_unpaid_end_too(portal, client, status):
    route = portal.get("/payments/pay_5e2f").respond(json=dump(cart_payment(status)))
    assert client.notices.wait("pay_5e2f").status == status
    assert route.call_count == 1


# Issuing (the clerk) --------------------------------------------------------------------


def created(row: int, n: int, tax_code: str = GIULIO) -> NoticeIssueResult:
    return NoticeIssueResult(
        row=row, status="created", number=notice_number(n), amount=eur("35.00"), tax_code=tax_code
    )


def test_r2_4_issue_sends_one_checked_row_with_the_default_expiry(portal, client):
    info = pagopa(portal, "entranext")
    post = portal.post("/clerk/notices").respond(json=dump([created(1, 1)]))
    result = client.notices.issue(
        tax_code=" bnclne16d52h223t ",
        subject="Servizi scolastici —   scuola dell'infanzia",
        amount=Decimal("140.4"),
        due_on=date(2019, 10, 31),
        reference="contributor 599, notice 839/2019",
        idempotency_key="issue-839",
    )
    assert info.call_count == 1
    assert sent_json(post) == {
        "rows": [
            {
                "row": 1,
                "data": {
                    "tax_code": "BNCLNE16D52H223T",
                    "subject": "Servizi scolastici — scuola dell'infanzia",
                    "amount": "140.40",
                    "due_on": "2019-10-31",
                    "expires_on": "2020-01-29",
                    "reference": "contributor 599, notice 839/2019",
                },
            }
        ]
    }
    assert idempotency_keys(post) == ["issue-839-0"]
    assert result == created(1, 1)
    assert result.amount == familycard.Money(value=Decimal("35.00"), currency="EUR")


def test_issue_takes_money_in_the_portals_currency(portal, client):
    pagopa(portal, "pagoinrete", institutions=["IC Parma Centro"])
    post = portal.post("/clerk/notices").respond(json=dump([created(1, 1)]))
    client.notices.issue(
        tax_code=GIULIO,
        subject="Uscita didattica",
        amount=eur("35"),
        due_on="2026-04-30",
        expires_on="2026-05-31",
        institution="IC Parma Centro",
    )
    data = sent_json(post)["rows"][0]["data"]
    assert data == {
        "tax_code": GIULIO,
        "subject": "Uscita didattica",
        "amount": "35.00",
        "due_on": "2026-04-30",
        "expires_on": "2026-05-31",
        "institution": "IC Parma Centro",
    }


def test_issue_refuses_money_in_another_currency_before_sending(portal, client):
    pagopa(portal, "entranext")
    post = portal.post("/clerk/notices").respond(json=[])
    with pytest.raises(familycard.InvalidInput) as caught:
        client.notices.issue(
            tax_code=GIULIO,
            subject="Mensa",
            amount=familycard.Money.of(1000, "HUF"),
            due_on=date(2026, 4, 30),
        )
    assert caught.value.code == "invalid_amount"
    assert not post.called


def test_issue_many_reports_invalid_rows_unsent_and_merges_outcomes_in_row_order(portal, client):
    pagopa(portal, "pagoinrete", institutions=["IC Parma Centro"])
    answer = [created(2, 1), NoticeIssueResult(row=4, status="exists", number=notice_number(2))]
    post = portal.post("/clerk/notices").respond(json=dump(answer))
    good = {"tax_code": GIULIO, "subject": "Mensa", "amount": "35,00", "due_on": "30/04/2026"}
    rows = [
        {**good, "amount": "0"},
        good,
        {**good, "subject": "x" * 141},
        {**good, "reference": "ref-4"},
        {**good, "institution": "Liceo Ignoto"},
        {**good, "tax_code": ""},
        {**good, "expires_on": "2026-04-01"},
    ]
    results = client.notices.issue_many(rows)
    assert [r["row"] for r in sent_json(post)["rows"]] == [2, 4]
    assert sent_json(post)["rows"][0]["data"]["amount"] == "35.00"
    assert sent_json(post)["rows"][0]["data"]["due_on"] == "2026-04-30"
    assert [(r.row, r.status, (r.error or {}).get("code")) for r in results] == [
        (1, "invalid", "invalid_amount"),
        (2, "created", None),
        (3, "invalid", "subject_too_long"),
        (4, "exists", None),
        (5, "invalid", "unknown_institution"),
        (6, "invalid", "missing_field"),
        (7, "invalid", "invalid_expiry"),
    ]
    assert results[0].tax_code == GIULIO
    assert results[5].tax_code is None


def test_issue_many_on_entranext_refuses_an_institution(portal, client):
    pagopa(portal, "entranext")
    post = portal.post("/clerk/notices").respond(json=[])
    row = {"tax_code": GIULIO, "subject": "Mensa", "amount": "35", "due_on": "2026-04-30"}
    (result,) = client.notices.issue_many([{**row, "institution": "IC Parma Centro"}])
    assert (result.status, result.error) == (
        "invalid",
        {
            "code": "unknown_institution",
            "message": "only schools on pagoinrete issue notices per institution",
        },
    )
    assert not post.called


def test_issue_many_sends_batches_with_a_key_per_batch(portal, client):
    pagopa(portal, "entranext")

    def answer(request: httpx.Request) -> httpx.Response:
        rows = [r["row"] for r in json.loads(request.content)["rows"]]
        return httpx.Response(200, json=dump([created(r, r) for r in rows]))

    post = portal.post("/clerk/notices").mock(side_effect=answer)
    row = {"tax_code": GIULIO, "subject": "Mensa", "amount": "35", "due_on": "2026-04-30"}
    results = client.notices.issue_many([row] * (BATCH_SIZE + 1), idempotency_key="file-7")
    assert post.call_count == 2
    assert [len(sent_json(post, i)["rows"]) for i in range(2)] == [BATCH_SIZE, 1]
    assert sent_json(post, 1)["rows"][0]["row"] == BATCH_SIZE + 1
    assert idempotency_keys(post) == ["file-7-0", "file-7-1"]
    assert [r.row for r in results] == list(range(1, BATCH_SIZE + 2))


def test_issue_many_without_a_key_sends_a_different_one_per_batch(portal, client):
    pagopa(portal, "entranext")
    post = portal.post("/clerk/notices").mock(
        side_effect=[
            httpx.Response(200, json=dump([created(r, r) for r in range(1, BATCH_SIZE + 1)])),
            httpx.Response(200, json=dump([created(BATCH_SIZE + 1, 999)])),
        ]
    )
    row = {"tax_code": GIULIO, "subject": "Mensa", "amount": "35", "due_on": "2026-04-30"}
    client.notices.issue_many([row] * (BATCH_SIZE + 1))
    first, second = idempotency_keys(post)
    assert first and second and first != second


def test_issue_many_with_only_invalid_rows_sends_nothing(portal, client):
    pagopa(portal, "entranext")
    post = portal.post("/clerk/notices").respond(json=[])
    (result,) = client.notices.issue_many([{"tax_code": GIULIO}])
    assert result.status == "invalid"
    assert not post.called


def test_issuing_without_the_clerk_key_is_refused_by_the_portal(portal, client):
    pagopa(portal, "entranext")
    portal.post("/clerk/notices").respond(403, json=error_body("clerk_key_required"))
    with pytest.raises(familycard.PermissionDenied) as caught:
        client.notices.issue(tax_code=GIULIO, subject="Mensa", amount="35", due_on="2026-04-30")
    assert caught.value.code == "clerk_key_required"


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda c: c.notices.list(), id="list"),
        pytest.param(lambda c: c.notices.get(SEED_NOTICE), id="get"),
        pytest.param(lambda c: c.notices.psps("card"), id="psps"),
        pytest.param(lambda c: c.notices.pay([SEED_NOTICE], method="card", psp="x"), id="pay"),
        pytest.param(lambda c: c.notices.issue_many([]), id="issue-many"),
    ],
)
def test_a_portal_without_notices_refuses_after_only_the_portal_info(portal, client, call):
    stub_portal_info(portal, "citycard")
    with pytest.raises(familycard.InvalidInput) as caught:
        call(client)
    assert caught.value.code == "feature_not_supported"
    assert caught.value.details == {"feature": "notices", "kind": "citycard"}
    assert trail(portal) == ["GET /portal"]


def test_get_a_paid_notice_keeps_when_and_by_which_payment(portal, client):
    pagopa(portal)
    paid = notice(notice_number(3), status="paid").model_copy(
        update={"paid_at": datetime(2026, 3, 4, 10, 30, tzinfo=ROME), "payment_id": "pay_1"}
    )
    portal.get(f"/notices/{notice_number(3)}").respond(json=dump(paid))
    got = client.notices.get(notice_number(3))
    assert got.status == "paid"
    assert got.paid_at == datetime(2026, 3, 4, 10, 30, tzinfo=ROME)
    assert got.paid_at.utcoffset() is not None
    assert got.payment_id == "pay_1"


@pytest.mark.xfail(
    strict=True,
    reason=(
        "SDK bug (X5, money is never a float): notices.issue str()s any amount, so a float "
        "such as 140.4 is issued as 140.40 instead of refused like Money.of and "
        "rules.meals.check_amount refuse floats"
    ),
)
def test_x5_issue_refuses_a_float_amount_before_sending(portal, client):
    pagopa(portal, "entranext")
    post = portal.post("/clerk/notices").respond(json=dump([created(1, 1)]))
    with pytest.raises(familycard.InvalidInput) as caught:
        client.notices.issue(tax_code=GIULIO, subject="Mensa", amount=140.4, due_on="2026-04-30")
    assert caught.value.code == "invalid_amount"
    assert not post.called


def test_psps_maps_the_portals_refusal(portal, client):
    pagopa(portal, "entranext")
    body = error_body("elevation_required", "enter the code printed on your slips")
    portal.get("/notices/psps").respond(403, json=body)
    with pytest.raises(familycard.PermissionDenied) as caught:
        client.notices.psps("postal")
    assert caught.value.code == "elevation_required"
