"""The etelka portal itself enforces the school-meal rules (R3.8-R3.16).

The SDK refuses these before sending; here plain httpx sends them anyway, to show the
stub refuses them too, with the codes the SDK uses, and that nothing was stored or
changed (read back through the API).  Meal days are ordinary March 2026 weekdays with
no holiday near them; the clock is frozen before them (Europe/Budapest, CET).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from stub_support import clerk_api, enrol, etelka_parent, ok, refused

TENANT = "jaszbereny"
EVA, ANNA = "kovacs.eva@example.hu", "nagy.anna@example.hu"
BENCE = "Kovács Bence"  # primary: Mon-Thu snack_am, lunch, snack_pm; Fri snack_am, lunch
NORA = "Kovács Nóra"  # nursery: every meal fully subsidised, so nothing is ever payable
GERGO = "Nagy Gergő"  # another family's child
ROWS = [
    {"guardian_email": EVA, "child_name": BENCE, "institution": "Petőfi Általános Iskola",
     "age_group": "primary"},
    {"guardian_email": EVA, "child_name": NORA, "institution": "Napsugár Bölcsőde",
     "age_group": "nursery"},
    {"guardian_email": ANNA, "child_name": GERGO, "institution": "Petőfi Általános Iskola",
     "age_group": "primary"},
]  # fmt: skip
#: Monday 2 March 2026, 08:00 in Budapest: every day from 3 March on is open.
MONDAY = "2026-03-02T08:00:00+01:00"
MONTH = "2026-03"
WED, THU, FRI, SUN = "2026-03-11", "2026-03-12", "2026-03-13", "2026-03-08"
#: R3.9: Wednesday's deadline, 09:00 of the working day before.
WED_CUTOFF = "2026-03-10T09:00:00+01:00"
#: Bence's Wednesday: 190 + 650 + 190, less the lunch subsidy of 150.
WED_NET = 880


@pytest.fixture
def portal(familycard_stub: Any) -> str:
    """jaszbereny with both families enrolled, the clock on Monday 2 March 2026."""
    familycard_stub.control.set_clock(MONDAY)
    url: str = familycard_stub.portal_url(TENANT)
    enrol(url, ROWS)
    return url


@pytest.fixture
def eva(familycard_stub: Any, portal: str) -> Iterator[httpx.Client]:
    """Éva (Bence and Nóra) logged in."""
    with etelka_parent(familycard_stub, portal, email=EVA, username="eva", name="Kovács Éva") as c:
        yield c


@pytest.fixture
def anna(familycard_stub: Any, portal: str) -> Iterator[httpx.Client]:
    """Anna (Gergő), another family, logged in."""
    with etelka_parent(familycard_stub, portal, email=ANNA, username="anna", name="Nagy Anna") as c:
        yield c


@pytest.fixture
def clerk(portal: str) -> Iterator[httpx.Client]:
    with clerk_api(portal) as c:
        yield c


def order(api: httpx.Client, member: str, *days: str, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = ok(
        api.post("/meals/orders", json={"member": member, "days": days, **extra})
    )
    return body


def orders(api: httpx.Client, member: str, month: str = MONTH) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = ok(
        api.get("/meals/orders", params={"member": member, "month": month})
    )
    return found


def items(api: httpx.Client, member: str, month: str = MONTH) -> list[tuple[str, str, str]]:
    """(day, meal, status) of a member's orders of a month."""
    return [(o["day"], o["meal"], o["status"]) for o in orders(api, member, month)]


def finalize(api: httpx.Client, member: str, **extra: Any) -> dict[str, Any]:
    body = {"member": member, "month": MONTH, "accept_terms": True, **extra}
    found: dict[str, Any] = ok(api.post("/meals/finalizations", json=body))
    return found


def payments(api: httpx.Client) -> list[tuple[str, str]]:
    """(id, status) of every payment the account sees."""
    return [(p["id"], p["status"]) for p in ok(api.get("/payments"))]


def balance(api: httpx.Client, member: str) -> str:
    rows = ok(api.get("/balances", params={"member": member}))
    [meals] = [r for r in rows if r["service"] == "meals"]
    return str(meals["balance"]["value"])


def day_state(api: httpx.Client, member: str, day: str) -> str:
    calendar = ok(api.get("/meals/calendar", params={"member": member, "month": day[:7]}))
    [found] = [d for d in calendar["days"] if d["day"] == day]
    return str(found["state"])


def paid_wednesday(api: httpx.Client, stub: Any) -> dict[str, Any]:
    """Bence's Wednesday ordered, finalised and paid by card: final."""
    order(api, BENCE, WED)
    fin = finalize(api, BENCE)
    assert stub.control.pay(fin["payment"]["id"]).status == "succeeded"
    assert day_state(api, BENCE, WED) == "final"
    return fin


def cancel(api: httpx.Client, member: str, *days: str) -> dict[str, Any]:
    found: dict[str, Any] = ok(
        api.post("/meals/cancellations", json={"member": member, "days": days})
    )
    return found


# R3.9 the deadline -------------------------------------------------------------------------


def test_r3_9_cancellation_at_the_cutoff_instant_is_refused_by_the_portal(eva, familycard_stub):
    paid_wednesday(eva, familycard_stub)
    before = balance(eva, BENCE)
    familycard_stub.control.set_clock(WED_CUTOFF)
    outcome = cancel(eva, BENCE, WED)
    [day] = outcome["outcomes"]
    assert (day["day"], day["status"], day["code"]) == (
        WED,
        "refused",
        "cancellation_deadline_passed",
    )
    assert outcome["credit"]["value"] == "0"
    assert day_state(eva, BENCE, WED) == "final"
    assert balance(eva, BENCE) == before


def test_r3_9_cancellation_a_second_before_the_cutoff_is_accepted(eva, familycard_stub):
    paid_wednesday(eva, familycard_stub)
    before = int(balance(eva, BENCE))
    familycard_stub.control.set_clock("2026-03-10T08:59:59+01:00")
    [day] = cancel(eva, BENCE, WED)["outcomes"]
    assert day["status"] == "cancelled"
    assert day_state(eva, BENCE, WED) == "cancelled"
    assert int(balance(eva, BENCE)) == before + WED_NET


def test_r3_9_changing_an_order_at_the_cutoff_instant_is_refused(eva, familycard_stub):
    order(eva, BENCE, WED, meals=["lunch"], menu="A")
    familycard_stub.control.set_clock(WED_CUTOFF)
    again = eva.post("/meals/orders", json={"member": BENCE, "days": [WED], "menu": "B"})
    refused(again, 422, "order_deadline_passed")
    assert [(o["meal"], o["menu"]) for o in orders(eva, BENCE)] == [("lunch", "A")]


def test_r3_11_removing_a_draft_past_its_deadline_is_refused(eva, familycard_stub):
    order(eva, BENCE, WED)
    familycard_stub.control.set_clock(WED_CUTOFF)
    removal = eva.post("/meals/orders/remove", json={"member": BENCE, "days": [WED]})
    refused(removal, 422, "order_deadline_passed")
    assert items(eva, BENCE) == [
        (WED, "snack_am", "draft"),
        (WED, "lunch", "draft"),
        (WED, "snack_pm", "draft"),
    ]


# R3.11 ordering --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        pytest.param({"days": [SUN]}, 400, "day_not_served", id="sunday"),
        pytest.param({"days": ["2026-03-02"]}, 422, "order_deadline_passed", id="past-deadline"),
        pytest.param({"month": "2026-02"}, 422, "no_orderable_days", id="month-all-locked"),
        pytest.param({"similar_to": SUN}, 400, "day_not_served", id="similar-to-sunday"),
        pytest.param({"days": [FRI], "meals": ["snack_pm"]}, 400, "meal_not_offered",
                     id="friday-afternoon-snack"),
        pytest.param({"days": [WED], "places": {"lunch": "Kollégium"}}, 400, "place_not_offered",
                     id="place-not-offered"),
        pytest.param({"days": [WED], "places": {"*": "Kollégium"}}, 400, "place_not_offered",
                     id="no-meal-served-there"),
        pytest.param({"days": [WED], "meals": ["lunch"], "places": {"snack_am": "Petőfi"}}, 400,
                     "place_for_unordered_meal", id="place-for-unordered-meal"),
        pytest.param({"days": [WED], "meals": ["snack_am"], "menu": "B"}, 400,
                     "menu_not_offered", id="menu-without-choice"),
        pytest.param({}, 400, "days_required", id="no-days"),
        pytest.param({"days": [WED], "month": MONTH}, 400, "days_one_way", id="two-ways"),
        pytest.param({"days": [WED], "weekdays": ["mon"]}, 400, "weekdays_without_month",
                     id="weekdays-without-month"),
        pytest.param({"month": "2026-13"}, 400, "invalid_month", id="bad-month"),
        pytest.param({"days": [WED], "places": {"brunch": "X"}}, 400, "unknown_meal",
                     id="place-of-unknown-meal"),
        pytest.param({"days": [WED], "meals": ["brunch"]}, 400, "invalid_request",
                     id="unknown-meal-type"),
    ],
)  # fmt: skip
def test_r3_11_the_portal_refuses_a_bad_order_and_saves_nothing(eva, body, status, code):
    refused(eva.post("/meals/orders", json={"member": BENCE, **body}), status, code)
    assert orders(eva, BENCE) == []
    assert orders(eva, BENCE, "2026-02") == []


@pytest.mark.parametrize(
    ("member", "status", "code"),
    [
        pytest.param(None, 400, "member_required", id="several-members"),
        pytest.param("Senki Sándor", 404, "member_not_found", id="unknown"),
        pytest.param(GERGO, 404, "member_not_found", id="another-family-s-child"),
    ],
)
def test_r3_3_an_order_names_one_of_the_account_s_members(eva, anna, member, status, code):
    refused(eva.post("/meals/orders", json={"member": member, "days": [WED]}), status, code)
    assert orders(eva, BENCE) == []
    assert orders(anna, GERGO) == []


def test_r3_3_two_members_of_the_same_name_are_told_apart_by_id(familycard_stub, portal, anna):
    twin = {"guardian_email": ANNA, "child_name": GERGO, "institution": "Kossuth Óvoda",
            "age_group": "kindergarten"}  # fmt: skip
    enrol(portal, [twin])
    by_name = anna.post("/meals/orders", json={"member": GERGO, "days": [WED]})
    error = refused(by_name, 400, "member_ambiguous")
    ids = [m["id"] for m in ok(anna.get("/members"))]
    assert len(ids) == 2
    assert all(i in error["message"] for i in ids)
    assert [orders(anna, i) for i in ids] == [[], []]


def test_r3_11_an_order_beyond_the_two_month_horizon_is_refused(eva, familycard_stub):
    # On 1 December orders are taken up to the end of February (order_months_ahead = 2).
    familycard_stub.control.set_clock("2025-12-01T10:00:00+01:00")
    too_far = eva.post("/meals/orders", json={"member": BENCE, "days": ["2026-03-02"]})
    refused(too_far, 422, "order_too_far_ahead")
    assert orders(eva, BENCE, "2026-03") == []
    last = order(eva, BENCE, "2026-02-27")
    assert last["days"] == ["2026-02-27"]


def test_r3_11_a_day_awaiting_payment_or_final_cannot_be_ordered_again(eva, familycard_stub):
    order(eva, BENCE, WED)
    fin = finalize(eva, BENCE)
    pending = eva.post("/meals/orders", json={"member": BENCE, "days": [WED], "meals": ["lunch"]})
    refused(pending, 422, "finalization_pending")
    assert {status for *_, status in items(eva, BENCE)} == {"awaiting_payment"}
    familycard_stub.control.pay(fin["payment"]["id"])
    final = eva.post("/meals/orders", json={"member": BENCE, "days": [WED], "meals": ["lunch"]})
    refused(final, 422, "day_final")
    assert len(items(eva, BENCE)) == 3
    assert {status for *_, status in items(eva, BENCE)} == {"final"}


# R3.11 removing ----------------------------------------------------------------------------------


@pytest.mark.parametrize("paid", [pytest.param(True, id="paid"), pytest.param(False, id="free")])
def test_r3_11_removing_a_final_order_is_refused(eva, familycard_stub, paid):
    member = BENCE if paid else NORA
    if paid:
        paid_wednesday(eva, familycard_stub)
    else:
        order(eva, NORA, WED)
        assert finalize(eva, NORA)["status"] == "final"  # nothing payable: final at once
    before = items(eva, member)
    removal = eva.post("/meals/orders/remove", json={"member": member, "days": [WED]})
    refused(removal, 422, "nothing_to_remove")
    assert items(eva, member) == before
    assert {status for *_, status in before} == {"final"}


def test_r3_11_removing_needs_days_with_a_draft(eva):
    order(eva, BENCE, WED)
    refused(eva.post("/meals/orders/remove", json={"member": BENCE, "days": []}), 400,
            "days_required")  # fmt: skip
    refused(eva.post("/meals/orders/remove", json={"member": BENCE, "days": [WED, THU]}), 422,
            "nothing_to_remove")  # fmt: skip
    assert {day for day, *_ in items(eva, BENCE)} == {WED}


# R3.12-R3.13 finalising and paying ------------------------------------------------------------


def test_r3_12_finalising_nothing_is_refused(eva, familycard_stub):
    body = {"member": BENCE, "month": MONTH, "accept_terms": True}
    refused(eva.post("/meals/finalizations", json=body), 422, "nothing_to_finalize")
    order(eva, BENCE, WED)
    familycard_stub.control.set_clock(WED_CUTOFF)  # the only draft passed its deadline
    error = refused(eva.post("/meals/finalizations", json=body), 422, "nothing_to_finalize")
    assert "passed their deadline" in error["message"]
    assert payments(eva) == []
    assert items(eva, BENCE)[0][2] == "draft"


def test_r3_13_paying_needs_the_terms_accepted(eva):
    order(eva, BENCE, WED)
    body = {"member": BENCE, "month": MONTH, "accept_terms": False}
    error = refused(eva.post("/meals/finalizations", json=body), 400, "payment_terms_not_accepted")
    assert error["details"] == {"total_payable": str(WED_NET)}
    assert payments(eva) == []
    assert {status for *_, status in items(eva, BENCE)} == {"draft"}


def test_r3_13_an_invoice_needs_billing_data_the_clerk_recorded(eva, clerk):
    order(eva, BENCE, WED)
    query = {"member": BENCE, "month": MONTH, "invoice": "true"}
    refused(eva.get("/meals/finalization", params=query), 422, "billing_data_missing")
    body = {"member": BENCE, "month": MONTH, "accept_terms": True, "invoice": True}
    refused(eva.post("/meals/finalizations", json=body), 422, "billing_data_missing")
    assert payments(eva) == []
    assert {status for *_, status in items(eva, BENCE)} == {"draft"}
    billing = {"member": BENCE, "name": "Kovács Éva", "address": "Jászberény, Fő tér 1"}
    ok(clerk.put("/clerk/billing", json=billing))
    assert finalize(eva, BENCE, invoice=True)["document"] == "invoice"


def test_r3_13_finalising_again_returns_the_checkout_awaiting_payment(eva):
    order(eva, BENCE, WED)
    first = finalize(eva, BENCE)
    assert first["status"] == "awaiting_payment"
    order(eva, BENCE, THU)  # a new draft while the checkout is awaited
    again = finalize(eva, BENCE)
    assert (again["id"], again["payment"]["id"]) == (first["id"], first["payment"]["id"])
    assert payments(eva) == [(first["payment"]["id"], "awaiting_payment")]
    assert day_state(eva, BENCE, THU) == "ordered"


def test_r3_13_a_declined_payment_leaves_the_orders_unfinalised(eva, familycard_stub):
    order(eva, BENCE, WED)
    fin = finalize(eva, BENCE)
    before = balance(eva, BENCE)
    assert familycard_stub.control.pay(fin["payment"]["id"], card="4000000000000002").status == (
        "failed"
    )
    assert ok(eva.get(f"/meals/finalizations/{fin['id']}"))["status"] == "failed"
    assert {status for *_, status in items(eva, BENCE)} == {"draft"}
    assert balance(eva, BENCE) == before


def test_r3_12_another_family_s_finalisation_is_not_found(eva, anna):
    order(eva, BENCE, WED)
    fin = finalize(eva, BENCE)
    error = refused(anna.get(f"/meals/finalizations/{fin['id']}"), 404, "finalization_not_found")
    assert BENCE not in error["message"]
    refused(anna.get("/meals/finalizations/fin_0000000000000000"), 404, "finalization_not_found")
    assert ok(eva.get(f"/meals/finalizations/{fin['id']}"))["member"] == BENCE


# R3.8 cancelling ----------------------------------------------------------------------------------


def test_r3_8_each_day_s_refusal_is_reported_and_nothing_changes(eva, familycard_stub):
    paid_wednesday(eva, familycard_stub)
    order(eva, BENCE, FRI)  # a draft, not final
    refused(eva.post("/meals/cancellations", json={"member": BENCE, "days": []}), 400,
            "days_required")  # fmt: skip
    outcome = cancel(eva, BENCE, THU, FRI)
    assert [(o["day"], o["status"], o["code"]) for o in outcome["outcomes"]] == [
        (THU, "refused", "day_not_ordered"),
        (FRI, "refused", "order_not_final"),
    ]
    assert outcome["credit"]["value"] == "0"
    assert day_state(eva, BENCE, FRI) == "ordered"
    told = ok(eva.get("/inbox"))["total"]
    [cancelled] = cancel(eva, BENCE, WED)["outcomes"]
    assert cancelled["status"] == "cancelled"
    assert ok(eva.get("/inbox"))["total"] == told + 1
    after = balance(eva, BENCE)
    # Cancelling it again is idempotent: already so, nothing changed, nothing told.
    second = cancel(eva, BENCE, WED)
    [again] = second["outcomes"]
    assert (again["status"], again["code"]) == ("already_cancelled", "already_cancelled")
    assert second["credit"]["value"] == "0"
    assert balance(eva, BENCE) == after
    assert day_state(eva, BENCE, WED) == "cancelled"
    assert ok(eva.get("/inbox"))["total"] == told + 1


# R3.15-R3.16 the clerk's records ------------------------------------------------------------------


def _huf(value: str, currency: str = "HUF") -> dict[str, str]:
    return {"value": value, "currency": currency}


@pytest.mark.parametrize(
    ("path", "body", "status", "code"),
    [
        pytest.param("/clerk/refunds", {"member": BENCE, "amount": _huf("1")}, 422,
                     "refund_exceeds_overpayment", id="refund-without-overpayment"),
        pytest.param("/clerk/cash-payments", {"member": BENCE, "amount": _huf("100.5")}, 400,
                     "invalid_amount", id="cash-not-whole-forints"),
        pytest.param("/clerk/cash-payments", {"member": BENCE, "amount": _huf("-100")}, 400,
                     "invalid_amount", id="cash-negative"),
        pytest.param("/clerk/charges", {"member": BENCE, "amount": _huf("0")}, 400,
                     "invalid_amount", id="charge-zero"),
        pytest.param("/clerk/cash-payments", {"member": BENCE, "amount": _huf("10", "EUR")}, 400,
                     "wrong_currency", id="cash-in-euro"),
        pytest.param("/clerk/charges", {"member": BENCE, "amount": _huf("100"),
                                        "service": "care"}, 404,
                     "service_not_found", id="care-of-a-primary-pupil"),
        pytest.param("/clerk/cash-payments", {"member": "Senki Sándor", "amount": _huf("100")},
                     404, "member_not_found", id="unknown-member"),
    ],
)  # fmt: skip
def test_r3_16_the_clerk_s_money_records_are_checked(eva, clerk, path, body, status, code):
    refused(clerk.post(path, json=body), status, code)
    assert balance(eva, BENCE) == "0"
    assert payments(eva) == []
    assert ok(eva.get("/inbox"))["total"] == 0


def test_r3_15_a_refund_never_exceeds_the_overpayment(eva, clerk):
    ok(clerk.post("/clerk/cash-payments", json={"member": BENCE, "amount": _huf("500")}))
    over = clerk.post("/clerk/refunds", json={"member": BENCE, "amount": _huf("501")})
    refused(over, 422, "refund_exceeds_overpayment")
    assert balance(eva, BENCE) == "500"
    assert [p["purpose"] for p in ok(eva.get("/payments"))] == ["cash"]


def test_r3_13_billing_data_needs_a_name_and_an_address(eva, clerk):
    blank = {"member": BENCE, "name": "  ", "address": "Jászberény, Fő tér 1"}
    refused(clerk.put("/clerk/billing", json=blank), 400, "missing_field")
    [member] = [m for m in ok(eva.get("/members")) if m["name"] == BENCE]
    assert member["billing"] is None


# Bounds: beyond the calendar, beyond SQLite ------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "body", "code"),
    [
        pytest.param("GET", "/meals/calendar?month=2101-01", None, "invalid_month", id="cal-2101"),
        pytest.param(
            "POST", "/meals/orders", {"days": ["2101-01-05"]}, "invalid_month", id="order-2101"
        ),
        pytest.param(
            "POST", "/meals/cancellations", {"days": ["2101-01-05"]}, "invalid_month", id="cancel"
        ),
        pytest.param(
            "POST", "/meals/orders/remove", {"days": ["2101-01-05"]}, "invalid_month", id="remove"
        ),
        pytest.param("GET", "/meals/orders?month=0000-01", None, "invalid_month", id="orders-0"),
    ],
)
def test_r3_11_a_day_outside_the_portal_s_calendar_is_refused(eva, method, path, body, code):
    json = {"member": BENCE, **body} if body else None
    sep = "&" if "?" in path else "?"
    target = path if body else f"{path}{sep}member={BENCE}"
    refused(eva.request(method, target, json=json), 400, code)
