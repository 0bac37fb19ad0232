"""The citycard portal itself enforces the canteen-token rules (R1.5-R1.8).

The SDK refuses these before sending; here plain httpx sends them anyway, to show the
stub refuses them too, with the same codes, and that no recharge, payment, token or
attendance day was stored (read back through the API).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from stub_support import (
    citycard_child,
    clerk_api,
    enrol,
    etelka_parent,
    ok,
    refused,
)

TENANT = "tortona"
MARIA, LUCA = "RSSMRA15C45L304I", "RSSLCU17P10L304J"
EMAIL = "anna.rossi@example.it"
ROWS = [
    {"child_tax_code": MARIA, "child_name": "Maria Rossi", "guardian_email": EMAIL,
     "service": "mensa"},
    {"child_tax_code": LUCA, "child_name": "Luca Rossi", "guardian_email": EMAIL,
     "service": "mensa"},
    {"child_tax_code": LUCA, "child_name": "Luca Rossi", "guardian_email": EMAIL,
     "service": "casa_dei_bambini"},
]  # fmt: skip
#: A Monday in term, 09:00 in Tortona.
MONDAY = "2026-11-16T09:00:00+01:00"


@pytest.fixture
def portal(familycard_stub: Any) -> str:
    familycard_stub.control.set_clock(MONDAY)
    url: str = familycard_stub.portal_url(TENANT)
    enrol(url, ROWS)
    return url


@pytest.fixture
def maria(familycard_stub: Any, portal: str) -> Iterator[httpx.Client]:
    """Maria's registration (the canteen only), logged in with her PIN."""
    with citycard_child(
        familycard_stub, portal, tax_code=MARIA, email=EMAIL, username="anna.maria"
    ) as c:
        yield c


@pytest.fixture
def luca(familycard_stub: Any, portal: str) -> Iterator[httpx.Client]:
    """Luca's registration (the canteen and the Casa dei bambini), logged in with his PIN."""
    with citycard_child(
        familycard_stub, portal, tax_code=LUCA, email=EMAIL, username="anna.luca"
    ) as c:
        yield c


@pytest.fixture
def clerk(portal: str) -> Iterator[httpx.Client]:
    with clerk_api(portal) as c:
        yield c


def balances(api: httpx.Client) -> dict[str, int]:
    return {b["service"]: b["balance"] for b in ok(api.get("/tokens"))}


def recharges(api: httpx.Client) -> list[tuple[int, str]]:
    return [(r["tokens"], r["status"]) for r in ok(api.get("/recharges"))]


def nothing_bought(api: httpx.Client) -> None:
    """No recharge, no payment, no token credited."""
    assert recharges(api) == []
    assert ok(api.get("/payments")) == []
    assert set(balances(api).values()) == {0}


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        pytest.param({"tokens": 7}, 400, "tokens_not_multiple", id="seven"),
        pytest.param({"tokens": 0}, 400, "tokens_not_multiple", id="zero"),
        pytest.param({"tokens": -5}, 400, "tokens_not_multiple", id="negative"),
        pytest.param({}, 400, "tokens_or_top_up_required", id="neither"),
        pytest.param({"tokens": 5, "top_up_to": 10}, 400, "tokens_or_top_up_required",
                     id="both"),
        pytest.param({"top_up_to": -1}, 400, "invalid_top_up_target", id="negative-target"),
        pytest.param({"tokens": 5, "service": "piscina"}, 400, "unknown_service",
                     id="unknown-service"),
        pytest.param({"tokens": 5, "service": "casa_dei_bambini"}, 404, "service_not_found",
                     id="service-not-enrolled"),
        pytest.param({"tokens": 5, "member": LUCA}, 404, "member_not_found",
                     id="another-registration-s-child"),
        pytest.param({"tokens": 5, "member": "RSSMRA15C45L304X"}, 400, "invalid_tax_code",
                     id="bad-tax-code"),
        pytest.param({"tokens": "five"}, 400, "invalid_request", id="not-a-number"),
    ],
)  # fmt: skip
def test_r1_8_the_portal_refuses_a_bad_recharge_and_charges_nothing(maria, body, status, code):
    error = refused(maria.post("/recharges", json=body), status, code)
    if code == "tokens_not_multiple":
        assert error["details"] == {"tokens": body["tokens"], "multiple": 5}
    nothing_bought(maria)


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        pytest.param({"tokens": 12}, 400, "tokens_not_multiple", id="twelve"),
        pytest.param({}, 400, "tokens_or_top_up_required", id="neither"),
        pytest.param({"top_up_to": -5}, 400, "invalid_top_up_target", id="negative-target"),
    ],
)
def test_r1_8_the_quote_applies_the_same_rules(maria, params, status, code):
    refused(maria.get("/recharges/quote", params=params), status, code)
    nothing_bought(maria)


def test_r1_5_a_child_with_several_services_names_one(luca):
    refused(luca.post("/recharges", json={"tokens": 5}), 400, "service_required")
    refused(luca.get("/services/piscina"), 400, "unknown_service")
    nothing_bought(luca)


def test_r1_8_a_top_up_counts_the_tokens_awaiting_payment(maria):
    first = ok(maria.post("/recharges", json={"top_up_to": 8}))
    assert (first["tokens"], first["status"]) == (10, "awaiting_payment")
    again = ok(maria.post("/recharges", json={"top_up_to": 8}))
    assert (again["id"], again["tokens"], again["status"]) == (None, 0, "not_needed")
    assert recharges(maria) == [(10, "awaiting_payment")]
    assert len(ok(maria.get("/payments"))) == 1


def test_r1_8_another_registration_s_recharge_is_not_found(maria, luca):
    mine = ok(maria.post("/recharges", json={"tokens": 5}))
    refused(luca.get(f"/recharges/{mine['id']}"), 404, "recharge_not_found")
    refused(luca.get(f"/payments/{mine['payment_id']}"), 404, "payment_not_found")
    assert ok(maria.get(f"/recharges/{mine['id']}"))["status"] == "awaiting_payment"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        pytest.param({"days": ["2026-11-17"]}, 422, "day_in_future", id="tomorrow"),
        pytest.param({"month": "2026-12"}, 422, "day_in_future", id="next-month"),
        pytest.param({"days": ["2026-11-13"], "month": "2026-11"}, 400, "days_or_month",
                     id="days-and-month"),
        pytest.param({}, 400, "missing_field", id="no-days"),
        pytest.param({"month": "2026-13"}, 400, "invalid_month", id="bad-month"),
        pytest.param({"days": ["2026-11-13"], "service": "casa_dei_bambini"}, 422,
                     "not_enrolled", id="service-not-enrolled"),
        pytest.param({"days": ["2026-11-13"], "service": "piscina"}, 400, "unknown_service",
                     id="unknown-service"),
        pytest.param({"days": ["2026-11-13"], "tax_code": "RSSMRA15C45L304X"}, 400,
                     "invalid_tax_code", id="bad-tax-code"),
    ],
)  # fmt: skip
def test_r1_7_the_office_s_attendance_is_checked(maria, clerk, body, status, code):
    request = {"tax_code": MARIA, "service": "mensa", **body}
    refused(clerk.post("/clerk/attendance", json=request), status, code)
    [month] = ok(maria.get("/attendance", params={"month": "2026-11"}))
    assert month["days"] == []
    assert balances(maria) == {"mensa": 0}


def test_r1_7_the_attendance_month_is_checked(maria):
    refused(maria.get("/attendance", params={"month": "2026-1"}), 400, "invalid_month")


def test_r1_5_a_citycard_portal_offers_no_school_meals(maria):
    error = refused(maria.get("/meals/calendar"), 400, "feature_not_supported")
    assert error["details"] == {"feature": "meals", "kind": "citycard"}


def test_r1_8_a_portal_without_recharges_refuses_them(familycard_stub, portal):
    url = familycard_stub.portal_url("jaszbereny")
    enrol(url, [{"guardian_email": EMAIL, "child_name": "Kovács Bence",
                 "institution": "Petőfi Általános Iskola", "age_group": "primary"}])  # fmt: skip
    with etelka_parent(familycard_stub, url, email=EMAIL, username="anna", name="Anna") as parent:
        error = refused(parent.post("/recharges", json={"tokens": 5}), 400, "feature_not_supported")
        assert error["details"] == {"feature": "recharges", "kind": "etelka"}
        assert ok(parent.get("/payments")) == []


# Bounds: beyond the calendar, beyond SQLite ------------------------------------------------------


@pytest.mark.parametrize(
    "tokens",
    [
        pytest.param(10**30, id="beyond-decimal"),
        pytest.param(5 * 2**61, id="beyond-sqlite"),
        pytest.param(9223372036854775805, id="just-under-sqlite"),
        pytest.param(505, id="over-the-policy"),
    ],
)
def test_r1_8_an_enormous_recharge_is_refused(maria, tokens):
    error = refused(maria.post("/recharges", json={"tokens": tokens}), 400, "too_many_tokens")
    assert error["details"] == {"maximum": 500}
    refused(maria.get("/recharges/quote", params={"tokens": tokens}), 400, "too_many_tokens")
    assert ok(maria.get("/recharges")) == []
    assert ok(maria.get("/payments")) == []


def test_r1_8_the_largest_recharge_is_accepted(maria):
    assert ok(maria.post("/recharges", json={"tokens": 500}))["tokens"] == 500


@pytest.mark.parametrize("target", [501, 10**30, 2**63, -1])
def test_r1_8_a_top_up_beyond_the_largest_recharge_is_refused(maria, target):
    response = maria.get("/recharges/quote", params={"top_up_to": target})
    assert refused(response, 400, "invalid_top_up_target")["details"] == {"maximum": 500}
    response = maria.post("/recharges", json={"top_up_to": target})
    refused(response, 400, "invalid_top_up_target")
    assert ok(maria.get("/recharges")) == []


@pytest.mark.parametrize(
    ("who", "month"),
    [
        pytest.param("family", "0000-01", id="attendance-year-0"),
        pytest.param("clerk", "0000-01", id="clerk-year-0"),
        pytest.param("clerk", "0001-01", id="clerk-year-1"),
    ],
)
def test_r1_7_a_month_outside_the_calendar_is_refused(maria, clerk, who, month):
    if who == "family":
        response = maria.get("/attendance", params={"month": month})
    else:
        body = {"tax_code": MARIA, "service": "mensa", "month": month}
        response = clerk.post("/clerk/attendance", json=body)
    refused(response, 400, "invalid_month")


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31"])
def test_r1_7_an_attendance_day_outside_the_calendar_is_refused(maria, clerk, day):
    body = {"tax_code": MARIA, "service": "mensa", "days": [day]}
    refused(clerk.post("/clerk/attendance", json=body), 400, "date_out_of_range")
    assert balances(maria) == {"mensa": 0}
