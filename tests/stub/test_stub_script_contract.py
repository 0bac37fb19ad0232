"""What the script contract adds on the stub's side, over raw HTTP.

Idempotent outcomes a script can repeat safely: deleting a reading twice, replaying a
recharge's creation with the same `Idempotency-Key` (the recharge as it is now, or
`recharge_ended_unpaid` once it ended unpaid); the recharges awaiting payment listed by
a quote and a `not_needed` top-up; and `GET /_stub/tenants`, the portals a stub serves.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from stub_support import (
    CLERK_KEY,
    DECLINED_CARD,
    citycard_child,
    enrol,
    ok,
    refused,
    user_api,
)

import familycard
from familycard.identifiers import sample_vat_number
from server_stub.config import load_config

# Readings on energia (R5.11-R5.14) ----------------------------------------------------------

CUSTOMER, VAT, CUSTOMER_EMAIL = "200001", sample_vat_number(201), "c@example.it"
PDR = "20881000000001"
UTILITY_ROWS = [
    {
        "customer_code": CUSTOMER,
        "tax_code_or_vat": VAT,
        "customer_name": "CARLA NERI",
        "address": "VIA PO 1 59100 PRATO (PO)",
        "email": CUSTOMER_EMAIL,
        "supply_point": PDR,
        "supply_kind": "gas",
        "has_corrector": "yes",
    }
]
#: Inside March's reading window, in Prato; today's reading is of 3 March.
IN_WINDOW = "2026-03-03T10:07:00+01:00"
TODAY = "2026-03-03"


@pytest.fixture
def customer(familycard_stub: Any) -> Iterator[httpx.Client]:
    """The customer of a gas PDR on energia, logged in, the clock in the reading window."""
    familycard_stub.control.set_clock(IN_WINDOW)
    url = familycard_stub.portal_url("energia")
    with familycard.Client(url, clerk_key=CLERK_KEY) as sdk:
        sdk.clerk.enroll_many(UTILITY_ROWS)
        sdk.auth.register(customer_code=CUSTOMER, vat=VAT, email=CUSTOMER_EMAIL)
    mail = familycard_stub.control.last_email(CUSTOMER_EMAIL, kind="credentials")
    with user_api(url, CUSTOMER, str(mail.data["password"])) as api:
        yield api


def readings(api: httpx.Client) -> list[tuple[str, int, str]]:
    """(reading date, meter, status) of the PDR's readings, newest first."""
    log = ok(api.get(f"/supplies/{PDR}/readings"))
    return [(r["reading_date"], r["meter"], r["status"]) for r in log["readings"]]


def delete(api: httpx.Client, day: str = TODAY) -> httpx.Response:
    return api.delete(f"/supplies/{PDR}/readings/{day}")


def send(api: httpx.Client, meter: int) -> None:
    sent = ok(api.post(f"/supplies/{PDR}/readings", json={"meter": meter, "corrector": meter}))
    assert (sent["reading_date"], sent["meter"], sent["status"]) == (TODAY, meter, "pending")


def test_r5_14_deleting_a_reading_twice_answers_already_deleted(customer):
    send(customer, 1500)
    first = ok(delete(customer))
    assert (first["ok"], first["status"]) == (True, "deleted")
    assert readings(customer) == []
    for _ in range(2):
        again = ok(delete(customer))
        assert (again["ok"], again["status"]) == (True, "already_deleted")
        assert again["message"]
        assert readings(customer) == []


def test_r5_14_a_reading_sent_again_after_its_deletion_is_deleted_anew(customer):
    send(customer, 1500)
    assert ok(delete(customer))["status"] == "deleted"
    # The same day's reading sent again clears the deletion: it is there to delete.
    send(customer, 1501)
    assert readings(customer) == [(TODAY, 1501, "pending")]
    assert ok(delete(customer))["status"] == "deleted"
    assert readings(customer) == []
    assert ok(delete(customer))["status"] == "already_deleted"


def test_r5_14_deleting_a_reading_never_sent_is_not_found(customer):
    refused(delete(customer), 404, "reading_not_found")
    send(customer, 1500)
    refused(delete(customer, "2026-03-02"), 404, "reading_not_found")
    assert readings(customer) == [(TODAY, 1500, "pending")]


# Recharges on tortona (R1.8) --------------------------------------------------------------

MARIA = "RSSMRA15C45L304I"
EMAIL = "anna.rossi@example.it"
#: A Monday in term, 09:00 in Tortona; checkouts there expire after 15 minutes.
MONDAY = "2026-11-16T09:00:00+01:00"


@pytest.fixture
def maria(familycard_stub: Any) -> Iterator[httpx.Client]:
    """Maria's registration on tortona (the canteen), logged in with her PIN."""
    familycard_stub.control.set_clock(MONDAY)
    url = familycard_stub.portal_url("tortona")
    row = {"child_tax_code": MARIA, "child_name": "Maria Rossi", "guardian_email": EMAIL,
           "service": "mensa"}  # fmt: skip
    enrol(url, [row])
    with citycard_child(
        familycard_stub, url, tax_code=MARIA, email=EMAIL, username="anna.maria"
    ) as api:
        yield api


def create(api: httpx.Client, key: str, body: dict[str, Any] | None = None) -> httpx.Response:
    return api.post("/recharges", json=body or {"tokens": 10}, headers={"Idempotency-Key": key})


def recharges(api: httpx.Client) -> list[tuple[str, int, str]]:
    return [(r["id"], r["tokens"], r["status"]) for r in ok(api.get("/recharges"))]


def payments(api: httpx.Client) -> list[tuple[str, str]]:
    return [(p["id"], p["status"]) for p in ok(api.get("/payments"))]


def tokens(api: httpx.Client) -> int:
    [mensa] = ok(api.get("/tokens"))
    return int(mensa["balance"])


def test_r1_8_a_replayed_recharge_answers_its_current_status(maria, familycard_stub):
    first = ok(create(maria, "recharge-1"))
    assert (first["tokens"], first["status"]) == (10, "awaiting_payment")
    replay = create(maria, "recharge-1")
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert ok(replay) == first
    assert familycard_stub.control.pay(first["payment_id"]).status == "succeeded"
    paid = create(maria, "recharge-1")
    assert paid.headers["Idempotent-Replayed"] == "true"
    now = ok(paid)
    assert (now["id"], now["payment_id"], now["status"]) == (
        first["id"],
        first["payment_id"],
        "succeeded",
    )
    assert (now["checkout_url"], now["expires_at"]) == (None, None)
    assert now["completed_at"] is not None
    assert now == ok(maria.get(f"/recharges/{first['id']}"))
    # Nothing new was made: one recharge, one payment, its tokens credited once.
    assert recharges(maria) == [(first["id"], 10, "succeeded")]
    assert payments(maria) == [(first["payment_id"], "succeeded")]
    assert tokens(maria) == 10


@pytest.mark.parametrize(
    ("end", "status"),
    [
        pytest.param("declined", "failed", id="declined"),
        pytest.param("expired", "expired", id="expired"),
    ],
)
def test_r1_8_a_replayed_recharge_that_ended_unpaid_is_refused(maria, familycard_stub, end, status):
    first = ok(create(maria, "recharge-1"))
    if end == "declined":
        payment = familycard_stub.control.pay(first["payment_id"], card=DECLINED_CARD)
        assert payment.status == "failed"
    else:
        familycard_stub.control.advance_clock("16m")  # past the 15-minute checkout
    # Replayed first: the stub finds out on its own that the recharge ended unpaid.
    errors = [refused(create(maria, "recharge-1"), 422, "recharge_ended_unpaid")]
    ended = ok(maria.get(f"/recharges/{first['id']}"))
    assert (ended["id"], ended["status"]) == (first["id"], status)
    errors.append(refused(create(maria, "recharge-1"), 422, "recharge_ended_unpaid"))
    for error in errors:  # the key stays spent
        assert error["details"] == {"recharge": ended, "status": status}
        assert first["id"] in error["message"]
    # Nothing was created nor charged by the replays.
    assert recharges(maria) == [(first["id"], 10, status)]
    assert payments(maria) == [(first["payment_id"], status)]
    assert tokens(maria) == 0
    # A new key makes a new recharge.
    fresh = ok(create(maria, "recharge-2"))
    assert fresh["id"] != first["id"]
    assert fresh["status"] == "awaiting_payment"


def test_r1_8_a_replay_with_another_body_is_still_refused(maria):
    first = ok(create(maria, "recharge-1"))
    refused(create(maria, "recharge-1", {"tokens": 15}), 409, "idempotency_key_reused")
    assert recharges(maria) == [(first["id"], 10, "awaiting_payment")]


def test_r1_8_a_quote_and_a_needless_top_up_list_the_recharge_awaiting_payment(
    maria, familycard_stub
):
    first = ok(maria.post("/recharges", json={"tokens": 10}))
    awaiting = [
        {
            "id": first["id"],
            "tokens": 10,
            "checkout_url": first["checkout_url"],
            "expires_at": first["expires_at"],
        }
    ]
    assert first["checkout_url"]
    quote = ok(maria.get("/recharges/quote", params={"top_up_to": 8}))
    assert (quote["tokens"], quote["pending_tokens"]) == (0, 10)
    assert quote["awaiting"] == awaiting
    assert ok(maria.get("/recharges/quote", params={"tokens": 5}))["awaiting"] == awaiting
    needless = ok(maria.post("/recharges", json={"top_up_to": 8}))
    assert (needless["id"], needless["tokens"], needless["status"]) == (None, 0, "not_needed")
    assert needless["awaiting"] == awaiting
    assert recharges(maria) == [(first["id"], 10, "awaiting_payment")]
    assert len(payments(maria)) == 1
    # Paid, it no longer awaits anything.
    familycard_stub.control.pay(first["payment_id"])
    assert ok(maria.get("/recharges/quote", params={"top_up_to": 8}))["awaiting"] == []
    assert ok(maria.post("/recharges", json={"top_up_to": 8}))["awaiting"] == []


def test_r1_8_nothing_awaiting_payment_is_an_empty_list(maria):
    quote = ok(maria.get("/recharges/quote", params={"tokens": 5}))
    assert (quote["pending_tokens"], quote["awaiting"]) == (0, [])
    assert recharges(maria) == []


# The stub's tenants ----------------------------------------------------------------------------


def test_the_stub_lists_every_tenant_with_its_url(familycard_stub):
    listed = ok(httpx.get(familycard_stub.url + "/_stub/tenants"))
    expected = {
        slug: {
            "slug": slug,
            "kind": tenant.kind,
            "name": tenant.name,
            "url": familycard_stub.portal_url(slug),
        }
        for slug, tenant in load_config().tenants.items()
    }
    assert {t["slug"] for t in listed} == set(expected)
    assert len(listed) == len(expected)
    assert {t["slug"]: t for t in listed} == expected
    for tenant in listed:
        info = ok(httpx.get(tenant["url"] + "/v1/portal"))
        assert (info["tenant"], info["kind"], info["name"]) == (
            tenant["slug"],
            tenant["kind"],
            tenant["name"],
        )
