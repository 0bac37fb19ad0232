"""`client.meals` (etelka, R3.8-R3.13) against respx: requests, models, refusals.

A write goes to the portal directly: the SDK checks the request's form before sending
(`sent` False, nothing sent) but never reads a calendar or a preview first; the rules on
the state (deadlines, final days, the ordering horizon, a payment awaited) and on the
portal's published offer are the portal's, refused in the same request (`sent` True).
Only a dry-run cancellation reads the member's calendar and the portal's published
calendar, and plans without sending (see also test_portal_calendar.py).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
import respx
from sdk_builders import (
    BILLING,
    BUDAPEST,
    ETELKA_POLICY,
    draft,
    dump,
    finalization,
    huf,
    meal_calendar,
    payment,
    query,
    secondary_member,
    sent_json,
    strays,
    trail,
)
from sdk_support import error_body, idempotency_keys, stub_portal_info

import familycard
from familycard.models.meals import (
    Cancellable,
    CancellableDay,
    Cancellation,
    CancellationOutcome,
    OrderResult,
)
from familycard.rules.calendar import TenantCalendar


def etelka(portal):
    return stub_portal_info(portal, "etelka", policy=ETELKA_POLICY)


def order_result(days: list[date], meal: str = "lunch") -> OrderResult:
    return OrderResult(
        member_id="kovacs-bence-1a2b",
        member="Kovács Bence",
        days=days,
        replaced=days[:1],
        items=[draft(d, meal) for d in days],
    )


# The portal must offer meals --------------------------------------------------------------

EVERY_CALL: list[Any] = [
    pytest.param(lambda c: c.meals.calendar(), id="calendar"),
    pytest.param(lambda c: c.meals.orders(), id="orders"),
    pytest.param(lambda c: c.meals.order(days=[date(2026, 3, 10)]), id="order"),
    pytest.param(lambda c: c.meals.remove([date(2026, 3, 10)]), id="remove"),
    pytest.param(lambda c: c.meals.preview("2026-03"), id="preview"),
    pytest.param(lambda c: c.meals.finalize("2026-03", accept_terms=True), id="finalize"),
    pytest.param(lambda c: c.meals.finalization("fin_7c1d"), id="finalization"),
    pytest.param(lambda c: c.meals.cancellable(), id="cancellable"),
]


@pytest.mark.parametrize("call", EVERY_CALL)
def test_every_call_on_a_portal_without_meals_is_refused_after_asking_only_the_portal_info(
    portal, client, call: Callable[[familycard.Client], Any]
):
    features = ["accounts", "clerk", "inbox", "board"]
    stub_portal_info(portal, "etelka", features=features, policy=ETELKA_POLICY)
    with pytest.raises(familycard.InvalidInput) as caught:
        call(client)
    assert caught.value.code == "feature_not_supported"
    assert caught.value.details == {"feature": "meals", "kind": "etelka"}
    assert not caught.value.sent
    assert trail(portal) == ["GET /portal"]


# Reading: calendar, orders, cancellable ---------------------------------------------------


def test_r3_10_calendar_gets_the_members_month_and_returns_typed_days_and_offer(portal, client):
    etelka(portal)
    route = portal.get("/meals/calendar").respond(json=dump(meal_calendar("2026-03")))
    calendar = client.meals.calendar(member="kovacs-bence-1a2b", month="2026-03")
    assert query(route) == {"member": "kovacs-bence-1a2b", "month": "2026-03"}
    assert isinstance(calendar, familycard.MealCalendar)
    assert calendar.month == "2026-03"
    assert calendar.now == datetime(2026, 3, 4, 10, 0, tzinfo=BUDAPEST)
    assert len(calendar.days) == 31
    friday = calendar.days[5]
    assert (friday.day, friday.weekday, friday.meals_offered) == (
        date(2026, 3, 6),
        "fri",
        ["snack_am", "lunch"],
    )
    assert friday.deadline == datetime(2026, 3, 5, 9, 0, tzinfo=BUDAPEST)
    assert calendar.days[4].locked and calendar.days[4].state == "locked"
    lunch = calendar.member.offer["mon"][1]
    assert lunch.meal == "lunch"
    assert lunch.price == familycard.Money(value=Decimal("650"), currency="HUF")
    assert isinstance(lunch.price.value, Decimal)
    assert lunch.menus == ["A", "B"]


def test_calendar_without_arguments_leaves_member_and_month_to_the_portal(portal, client):
    etelka(portal)
    portal.get("/meals/calendar").respond(json=dump(meal_calendar("2026-03")))
    client.meals.calendar()
    assert trail(portal) == ["GET /portal", "GET /meals/calendar"]


def test_a_month_with_surrounding_spaces_is_sent_normalised(portal, client):
    etelka(portal)
    route = portal.get("/meals/orders").respond(json=[])
    client.meals.orders(month=" 2026-03 ")
    assert query(route) == {"month": "2026-03"}


MONTH_CALLS: list[Any] = [
    pytest.param(lambda c, m: c.meals.calendar(month=m), "/meals/calendar", id="calendar"),
    pytest.param(lambda c, m: c.meals.orders(month=m), "/meals/orders", id="orders"),
    pytest.param(lambda c, m: c.meals.preview(m), "/meals/finalization", id="preview"),
    pytest.param(
        lambda c, m: c.meals.finalize(m, accept_terms=True), "/meals/finalization", id="finalize"
    ),
    pytest.param(lambda c, m: c.meals.cancellable(month=m), "/meals/cancellable", id="cancellable"),
]


@pytest.mark.parametrize(("call", "path"), MONTH_CALLS)
@pytest.mark.parametrize("month", ["2026-3", "2026-13", "March"])
def test_a_malformed_month_is_refused_before_sending(portal, client, call, path, month):
    etelka(portal)
    route = portal.get(path).respond(json={})
    with pytest.raises(familycard.InvalidInput) as caught:
        call(client, month)
    assert caught.value.code == "invalid_month"
    assert not caught.value.sent
    assert not route.called


def test_r3_11_orders_lists_the_months_items_typed(portal, client):
    etelka(portal)
    items = [draft(date(2026, 3, 9)), draft(date(2026, 3, 9), "snack_am", status="final")]
    route = portal.get("/meals/orders").respond(json=dump(items))
    orders = client.meals.orders(member="Kovács Bence", month="2026-03")
    assert query(route) == {"member": "Kovács Bence", "month": "2026-03"}
    assert orders == items
    assert [(o.meal, o.status, o.menu) for o in orders] == [
        ("lunch", "draft", "A"),
        ("snack_am", "final", None),
    ]
    assert orders[0].subsidy == familycard.Money(value=Decimal("150"), currency="HUF")


def test_cancellable_gets_the_quick_cancellation_days(portal, client):
    etelka(portal)
    body = Cancellable(
        member_id="kovacs-bence-1a2b",
        member="Kovács Bence",
        month="2026-03",
        now=datetime(2026, 3, 4, 10, 0, tzinfo=BUDAPEST),
        cutoff="09:00",
        timezone="Europe/Budapest",
        days=[
            CancellableDay(
                day=date(2026, 3, 9),
                deadline=datetime(2026, 3, 6, 9, 0, tzinfo=BUDAPEST),
                meals=["snack_am", "lunch"],
            )
        ],
    )
    route = portal.get("/meals/cancellable").respond(json=dump(body))
    result = client.meals.cancellable(member="kovacs-bence-1a2b", month="2026-03")
    assert query(route) == {"member": "kovacs-bence-1a2b", "month": "2026-03"}
    assert result == body
    assert result.days[0].deadline == datetime(2026, 3, 6, 9, 0, tzinfo=BUDAPEST)


def test_cancellable_without_a_month_lets_the_portal_pick_the_earliest(portal, client):
    etelka(portal)
    body = Cancellable(
        member_id="kovacs-bence-1a2b",
        member="Kovács Bence",
        month=None,
        now=datetime(2026, 3, 4, 10, 0, tzinfo=BUDAPEST),
        cutoff="09:00",
        timezone="Europe/Budapest",
        days=[],
    )
    portal.get("/meals/cancellable").respond(json=dump(body))
    assert client.meals.cancellable().month is None
    assert trail(portal) == ["GET /portal", "GET /meals/cancellable"]


READ_ERRORS: list[Any] = [
    pytest.param(
        lambda c: c.meals.calendar(member="Nobody"),
        "/meals/calendar",
        404,
        familycard.NotFound,
        "member_not_found",
        id="calendar-404",
    ),
    pytest.param(
        lambda c: c.meals.calendar(),
        "/meals/calendar",
        400,
        familycard.InvalidInput,
        "member_required",
        id="calendar-400",
    ),
    pytest.param(
        lambda c: c.meals.orders(),
        "/meals/orders",
        401,
        familycard.AuthenticationFailed,
        "session_expired",
        id="orders-401",
    ),
    pytest.param(
        lambda c: c.meals.cancellable(),
        "/meals/cancellable",
        400,
        familycard.InvalidInput,
        "member_ambiguous",
        id="cancellable-400",
    ),
    pytest.param(
        lambda c: c.meals.preview("2026-03"),
        "/meals/finalization",
        422,
        familycard.RuleViolation,
        "nothing_to_finalize",
        id="preview-422",
    ),
    pytest.param(
        lambda c: c.meals.finalization("fin_nope"),
        "/meals/finalizations/fin_nope",
        404,
        familycard.NotFound,
        "finalization_not_found",
        id="finalization-404",
    ),
]


@pytest.mark.parametrize(("call", "path", "status", "error_class", "code"), READ_ERRORS)
def test_a_portal_error_on_a_read_maps_to_its_class_and_code(
    portal, client, call, path, status, error_class, code
):
    etelka(portal)
    route = portal.get(path).respond(status, json=error_body(code, "refused by the portal"))
    with pytest.raises(familycard.FamilycardError) as caught:
        call(client)
    assert type(caught.value) is error_class
    assert caught.value.code == code
    assert caught.value.message == "refused by the portal"
    assert caught.value.sent
    assert route.call_count == 1


# Ordering (R3.10-R3.11) -------------------------------------------------------------------


def test_r3_11_order_posts_the_days_sorted_without_reading_the_calendar(portal, client):
    etelka(portal)
    calendar = portal.get("/meals/calendar").respond(json=dump(meal_calendar("2026-03")))
    days = [date(2026, 3, 10), date(2026, 3, 9)]
    result = order_result(sorted(days))
    post = portal.post("/meals/orders").respond(json=dump(result))
    saved = client.meals.order(days=days, meals=["Lunch"])
    assert trail(portal) == ["GET /portal", "POST /meals/orders"]
    assert not calendar.called
    assert sent_json(post) == {
        "days": ["2026-03-09", "2026-03-10"],
        "weekdays": [],
        "meals": ["lunch"],
        "places": {},
    }
    (key,) = idempotency_keys(post)
    assert key
    assert saved == result
    assert saved.replaced == [date(2026, 3, 9)]
    assert saved.items[0].price == familycard.Money(value=Decimal("650"), currency="HUF")


def test_r3_11_order_for_a_member_sends_the_member_and_the_callers_key(portal, client):
    etelka(portal)
    calendar = portal.get("/meals/calendar").respond(json=dump(meal_calendar("2026-03")))
    post = portal.post("/meals/orders").respond(json=dump(order_result([date(2026, 3, 9)])))
    client.meals.order(
        member="kovacs-bence-1a2b", days=[date(2026, 3, 9)], idempotency_key="order-march"
    )
    assert not calendar.called
    assert trail(portal) == ["GET /portal", "POST /meals/orders"]
    assert sent_json(post)["member"] == "kovacs-bence-1a2b"
    assert sent_json(post)["meals"] == []
    assert idempotency_keys(post) == ["order-march"]


def test_an_order_over_two_months_is_one_post_of_the_days_in_order(portal, client):
    etelka(portal)
    calendar = portal.get("/meals/calendar").mock(
        side_effect=[
            httpx.Response(200, json=dump(meal_calendar("2026-03"))),
            httpx.Response(200, json=dump(meal_calendar("2026-04"))),
        ]
    )
    post = portal.post("/meals/orders").respond(
        json=dump(order_result([date(2026, 3, 31), date(2026, 4, 1)]))
    )
    client.meals.order(days=[date(2026, 4, 1), date(2026, 3, 31)])
    assert not calendar.called
    assert trail(portal) == ["GET /portal", "POST /meals/orders"]
    assert sent_json(post)["days"] == ["2026-03-31", "2026-04-01"]


def test_r3_10_order_similar_to_a_day_sends_that_day_for_the_portal_to_expand(portal, client):
    etelka(portal)
    calendar = portal.get("/meals/calendar").respond(json=dump(meal_calendar("2026-03")))
    post = portal.post("/meals/orders").respond(json=dump(order_result([date(2026, 3, 9)])))
    client.meals.order(similar_to=date(2026, 3, 9))
    assert not calendar.called
    assert trail(portal) == ["GET /portal", "POST /meals/orders"]
    assert sent_json(post) == {
        "days": [],
        "similar_to": "2026-03-09",
        "weekdays": [],
        "meals": [],
        "places": {},
    }


def test_r3_11_order_a_month_on_some_weekdays(portal, client):
    etelka(portal)
    calendar = portal.get("/meals/calendar").respond(json=dump(meal_calendar("2026-04")))
    post = portal.post("/meals/orders").respond(json=dump(order_result([date(2026, 4, 6)])))
    client.meals.order(month="2026-04", weekdays="mon-wed", meals=["snack-am", "lunch"])
    assert not calendar.called
    assert trail(portal) == ["GET /portal", "POST /meals/orders"]
    assert sent_json(post) == {
        "days": [],
        "month": "2026-04",
        "weekdays": ["mon", "tue", "wed"],
        "meals": ["snack_am", "lunch"],
        "places": {},
    }


def test_r3_11_order_with_a_place_and_menu_b(portal, client):
    etelka(portal)
    calendar = meal_calendar("2026-03", member=secondary_member())
    portal.get("/meals/calendar").respond(json=dump(calendar))
    post = portal.post("/meals/orders").respond(json=dump(order_result([date(2026, 3, 9)])))
    client.meals.order(
        days=[date(2026, 3, 9)], meals=["lunch"], places={"lunch": "Kollégium"}, menu="b"
    )
    assert sent_json(post) == {
        "days": ["2026-03-09"],
        "weekdays": [],
        "meals": ["lunch"],
        "places": {"lunch": "Kollégium"},
        "menu": "B",
    }


def test_r3_9_ordering_a_day_past_its_deadline_is_refused_by_the_portal(portal, client):
    etelka(portal)
    calendar = portal.get("/meals/calendar").respond(json=dump(meal_calendar("2026-03")))
    # 2026-03-05's deadline was 2026-03-04 09:00; the portal's clock says 10:00.
    body = error_body("order_deadline_passed", "the deadline passed", day="2026-03-05")
    post = portal.post("/meals/orders").respond(422, json=body)
    with pytest.raises(familycard.RuleViolation) as caught:
        client.meals.order(days=[date(2026, 3, 6), date(2026, 3, 5)])
    assert caught.value.code == "order_deadline_passed"
    assert caught.value.details == {"day": "2026-03-05"}
    assert caught.value.sent
    assert trail(portal) == ["GET /portal", "POST /meals/orders"]
    assert not calendar.called
    assert sent_json(post)["days"] == ["2026-03-05", "2026-03-06"]
    assert post.call_count == 1


#: The portal's refusals of an order: its published offer and policy (InvalidInput, 400)
#: and the state of the member's days (RuleViolation, 422).
ORDER_REFUSALS: list[Any] = [
    pytest.param(
        {"days": [date(2026, 3, 7)]},
        400,
        familycard.InvalidInput,
        "day_not_served",
        id="r3_10-saturday-not-served",
    ),
    pytest.param(
        {"days": [date(2026, 3, 6)], "meals": ["snack_pm"]},
        400,
        familycard.InvalidInput,
        "meal_not_offered",
        id="r3_10-no-afternoon-snack-on-friday",
    ),
    pytest.param(
        {"days": [date(2026, 3, 9)], "places": {"lunch": "Kollégium"}},
        400,
        familycard.InvalidInput,
        "place_not_offered",
        id="r3_11-place-not-offered",
    ),
    pytest.param(
        {"days": [date(2026, 3, 9)], "meals": ["snack_am"], "menu": "A"},
        400,
        familycard.InvalidInput,
        "menu_not_offered",
        id="r3_11-menu-without-choice",
    ),
    pytest.param(
        {"days": [date(2026, 3, 9)], "meals": ["lunch"], "places": {"snack_pm": "Iskola"}},
        400,
        familycard.InvalidInput,
        "place_for_unordered_meal",
        id="r3_11-place-for-a-meal-not-ordered",
    ),
    pytest.param(
        {"month": "2026-03", "weekdays": ["sat", "sun"]},
        422,
        familycard.RuleViolation,
        "no_orderable_days",
        id="r3_11-month-weekend-only",
    ),
    pytest.param(
        {"similar_to": date(2026, 3, 8)},
        400,
        familycard.InvalidInput,
        "day_not_served",
        id="r3_10-similar-to-a-sunday",
    ),
    pytest.param(
        {"days": [date(2026, 3, 16)]},
        422,
        familycard.RuleViolation,
        "day_final",
        id="r3_11-final-day-cannot-be-reordered",
    ),
]


@pytest.mark.parametrize(("kwargs", "status", "error_class", "code"), ORDER_REFUSALS)
def test_order_refusals_of_the_portal_come_back_typed_after_one_post(
    portal, client, kwargs, status, error_class, code
):
    etelka(portal)
    items = {date(2026, 3, 16): [draft(date(2026, 3, 16), status="final")]}
    calendar = portal.get("/meals/calendar").respond(
        json=dump(meal_calendar("2026-03", items=items))
    )
    post = portal.post("/meals/orders").respond(status, json=error_body(code, "refused"))
    with pytest.raises(familycard.FamilycardError) as caught:
        client.meals.order(**kwargs)
    assert type(caught.value) is error_class
    assert caught.value.code == code
    assert caught.value.sent
    assert not calendar.called
    assert trail(portal) == ["GET /portal", "POST /meals/orders"]
    assert post.call_count == 1


def test_order_more_than_order_months_ahead_is_refused_by_the_portal(portal, client):
    etelka(portal)
    june = meal_calendar("2026-06")  # the portal's clock is in March: orders up to May 31
    calendar = portal.get("/meals/calendar").respond(json=dump(june))
    message = "orders are taken up to 2026-05-31; 2026-06-01 is too far ahead"
    post = portal.post("/meals/orders").respond(
        422, json=error_body("order_too_far_ahead", message)
    )
    with pytest.raises(familycard.RuleViolation) as caught:
        client.meals.order(days=[date(2026, 6, 1)])
    assert caught.value.code == "order_too_far_ahead"
    assert "2026-05-31" in caught.value.message
    assert caught.value.sent
    assert not calendar.called
    assert trail(portal) == ["GET /portal", "POST /meals/orders"]
    assert sent_json(post)["days"] == ["2026-06-01"]


SHAPE_REFUSALS: list[Any] = [
    pytest.param({}, "days_required", id="no-days"),
    pytest.param({"days": [date(2026, 3, 9)], "month": "2026-03"}, "days_one_way", id="two-ways"),
    pytest.param(
        {"days": [date(2026, 3, 9)], "weekdays": "mon"}, "weekdays_without_month", id="weekdays"
    ),
    pytest.param({"month": "2026-03", "weekdays": "fri-mon"}, "invalid_weekdays", id="backwards"),
    pytest.param({"days": [date(2026, 3, 9)], "meals": ["brunch"]}, "unknown_meal", id="meal"),
    pytest.param({"days": [date(2026, 3, 9)], "menu": "C"}, "invalid_menu", id="menu-c"),
    pytest.param({"days": [date(2026, 3, 9)], "places": {"tea": "x"}}, "unknown_meal", id="place"),
    pytest.param({"month": "2026-13"}, "invalid_month", id="month"),
]


@pytest.mark.parametrize(("kwargs", "code"), SHAPE_REFUSALS)
def test_a_malformed_order_is_refused_before_reading_the_calendar(portal, client, kwargs, code):
    etelka(portal)
    calendar = portal.get("/meals/calendar").respond(json={})
    post = portal.post("/meals/orders").respond(json={})
    with pytest.raises(familycard.InvalidInput) as caught:
        client.meals.order(**kwargs)
    assert caught.value.code == code
    assert not calendar.called
    assert not post.called


def test_a_refusal_of_the_posted_order_maps_to_its_error(portal, client):
    etelka(portal)
    portal.get("/meals/calendar").respond(json=dump(meal_calendar("2026-03")))
    body = error_body("order_deadline_passed", "the deadline passed", day="2026-03-06")
    post = portal.post("/meals/orders").respond(422, json=body)
    with pytest.raises(familycard.RuleViolation) as caught:
        client.meals.order(days=[date(2026, 3, 6)])
    assert caught.value.code == "order_deadline_passed"
    assert caught.value.details == {"day": "2026-03-06"}
    assert caught.value.sent
    assert post.call_count == 1


# Removing (R3.11) ---------------------------------------------------------------------------


def test_r3_11_remove_posts_the_days_without_reading_the_calendar(portal, client):
    etelka(portal)
    items = {d: [draft(d)] for d in (date(2026, 3, 9), date(2026, 3, 10))}
    calendar = portal.get("/meals/calendar").respond(
        json=dump(meal_calendar("2026-03", items=items))
    )
    result = OrderResult(
        member_id="kovacs-bence-1a2b", member="Kovács Bence", days=list(items), items=[]
    )
    post = portal.post("/meals/orders/remove").respond(json=dump(result))
    removed = client.meals.remove(
        [date(2026, 3, 10), date(2026, 3, 9), date(2026, 3, 10)],
        meals=["LUNCH"],
        idempotency_key="rm-1",
    )
    assert trail(portal) == ["GET /portal", "POST /meals/orders/remove"]
    assert not calendar.called
    assert sent_json(post) == {"days": ["2026-03-09", "2026-03-10"], "meals": ["lunch"]}
    assert idempotency_keys(post) == ["rm-1"]
    assert removed == result


def test_remove_over_two_months_is_one_post_with_the_member(portal, client):
    etelka(portal)
    march = meal_calendar("2026-03", items={date(2026, 3, 31): [draft(date(2026, 3, 31))]})
    april = meal_calendar("2026-04", items={date(2026, 4, 1): [draft(date(2026, 4, 1))]})
    calendar = portal.get("/meals/calendar").mock(
        side_effect=[httpx.Response(200, json=dump(march)), httpx.Response(200, json=dump(april))]
    )
    result = OrderResult(member_id="kovacs-bence-1a2b", member="Kovács Bence", days=[], items=[])
    post = portal.post("/meals/orders/remove").respond(json=dump(result))
    client.meals.remove([date(2026, 4, 1), date(2026, 3, 31)], member="Kovács Bence")
    assert not calendar.called
    assert trail(portal) == ["GET /portal", "POST /meals/orders/remove"]
    assert sent_json(post) == {
        "member": "Kovács Bence",
        "days": ["2026-03-31", "2026-04-01"],
        "meals": [],
    }
    assert idempotency_keys(post)[0]


def test_remove_without_days_is_refused_before_reading_the_calendar(portal, client):
    etelka(portal)
    calendar = portal.get("/meals/calendar").respond(json={})
    with pytest.raises(familycard.InvalidInput) as caught:
        client.meals.remove([])
    assert caught.value.code == "days_required"
    assert not calendar.called


@pytest.mark.parametrize(
    "items",
    [
        pytest.param({}, id="nothing-ordered"),
        pytest.param({date(2026, 3, 9): [draft(date(2026, 3, 9), status="final")]}, id="final"),
    ],
)
def test_remove_of_a_day_without_draft_items_is_refused_by_the_portal(portal, client, items):
    etelka(portal)
    calendar = portal.get("/meals/calendar").respond(
        json=dump(meal_calendar("2026-03", items=items))
    )
    body = error_body("nothing_to_remove", "no unfinalised order", day="2026-03-09")
    post = portal.post("/meals/orders/remove").respond(422, json=body)
    with pytest.raises(familycard.RuleViolation) as caught:
        client.meals.remove([date(2026, 3, 9)])
    assert caught.value.code == "nothing_to_remove"
    assert caught.value.details == {"day": "2026-03-09"}
    assert caught.value.sent
    assert not calendar.called
    assert trail(portal) == ["GET /portal", "POST /meals/orders/remove"]
    assert post.call_count == 1


def test_r3_9_removing_a_draft_past_its_deadline_is_refused_by_the_portal(portal, client):
    etelka(portal)
    items = {date(2026, 3, 5): [draft(date(2026, 3, 5))]}  # deadline 2026-03-04 09:00
    calendar = portal.get("/meals/calendar").respond(
        json=dump(meal_calendar("2026-03", items=items))
    )
    post = portal.post("/meals/orders/remove").respond(
        422, json=error_body("order_deadline_passed", "its deadline has passed")
    )
    with pytest.raises(familycard.RuleViolation) as caught:
        client.meals.remove([date(2026, 3, 5)])
    assert caught.value.code == "order_deadline_passed"
    assert caught.value.sent
    assert not calendar.called
    assert trail(portal) == ["GET /portal", "POST /meals/orders/remove"]
    assert sent_json(post) == {"days": ["2026-03-05"], "meals": []}


# Finalising and paying (R3.12-R3.13) ------------------------------------------------------


def test_r3_12_preview_gets_the_calculation_typed_as_money(portal, client):
    etelka(portal)
    route = portal.get("/meals/finalization").respond(json=dump(finalization(payable=2000)))
    preview = client.meals.preview("2026-03")
    assert trail(portal) == ["GET /portal", "GET /meals/finalization?month=2026-03"]
    assert preview.status == "preview"
    assert preview.id is None
    assert (preview.meals_ordered, preview.days_ordered, preview.days_cancelled) == (4, 4, 1)
    calc = preview.calculation
    assert calc.total_payable == familycard.Money(value=Decimal("2000"), currency="HUF")
    assert calc.total_charges.value == Decimal("2600")
    assert calc.total_credits.value == Decimal("600")
    assert calc.balance_after.value == Decimal("0")
    assert preview.payment_methods == ["card"]
    assert route.call_count == 1


def test_preview_for_a_member_sends_member_and_month(portal, client):
    etelka(portal)
    route = portal.get("/meals/finalization").respond(json=dump(finalization()))
    client.meals.preview("2026-03", member="kovacs-bence-1a2b")
    assert query(route) == {"member": "kovacs-bence-1a2b", "month": "2026-03"}


def test_r3_13_preview_with_invoice_checks_billing_then_asks_for_the_invoice(portal, client):
    etelka(portal)
    invoice = finalization(billing=BILLING, document="invoice")
    route = portal.get("/meals/finalization").mock(
        side_effect=[
            httpx.Response(200, json=dump(finalization(billing=BILLING))),
            httpx.Response(200, json=dump(invoice)),
        ]
    )
    preview = client.meals.preview("2026-03", invoice=True)
    assert [query(route, i) for i in range(2)] == [
        {"month": "2026-03"},
        {"month": "2026-03", "invoice": "true"},
    ]
    assert preview.document == "invoice"
    assert preview.billing == BILLING


def test_r3_13_an_invoice_without_billing_data_is_refused_before_asking_for_it(portal, client):
    etelka(portal)
    route = portal.get("/meals/finalization").respond(json=dump(finalization(billing=None)))
    with pytest.raises(familycard.RuleViolation) as caught:
        client.meals.preview("2026-03", invoice=True)
    assert caught.value.code == "billing_data_missing"
    assert not caught.value.sent
    assert route.call_count == 1
    assert "invoice" not in query(route)


def test_preview_with_invoice_of_a_month_awaiting_payment_returns_that_finalisation(portal, client):
    etelka(portal)
    awaiting = finalization("awaiting_payment", payment=payment())
    route = portal.get("/meals/finalization").respond(json=dump(awaiting))
    assert client.meals.preview("2026-03", invoice=True) == awaiting
    assert route.call_count == 1


def test_r3_12_finalize_with_nothing_payable_posts_without_the_terms(portal, client):
    etelka(portal)
    preview = portal.get("/meals/finalization").respond(json=dump(finalization(payable=0)))
    final = finalization("final", payable=0)
    post = portal.post("/meals/finalizations").respond(json=dump(final))
    result = client.meals.finalize("2026-03")
    assert trail(portal) == ["GET /portal", "POST /meals/finalizations"]
    assert not preview.called
    assert sent_json(post) == {"month": "2026-03", "invoice": False, "accept_terms": False}
    assert idempotency_keys(post)[0]
    assert result.status == "final"
    assert result.payment is None


def test_r3_13_finalize_with_something_payable_needs_the_terms_accepted(portal, client):
    # What is payable is the portal's to know: it refuses in the same request (400).
    etelka(portal)
    preview = portal.get("/meals/finalization").respond(json=dump(finalization(payable=2000)))
    body = error_body("payment_terms_not_accepted", "accept the terms", total_payable="2000")
    post = portal.post("/meals/finalizations").respond(400, json=body)
    with pytest.raises(familycard.InvalidInput) as caught:
        client.meals.finalize("2026-03")
    assert caught.value.code == "payment_terms_not_accepted"
    assert caught.value.details == {"total_payable": "2000"}
    assert caught.value.sent
    assert not preview.called
    assert trail(portal) == ["GET /portal", "POST /meals/finalizations"]
    assert sent_json(post) == {"month": "2026-03", "invoice": False, "accept_terms": False}


def test_r3_13_finalize_posts_and_returns_the_payment_to_make(portal, client):
    etelka(portal)
    portal.get("/meals/finalization").respond(json=dump(finalization(payable=2000)))
    awaiting = finalization("awaiting_payment", payment=payment(), document="receipt")
    post = portal.post("/meals/finalizations").respond(json=dump(awaiting))
    result = client.meals.finalize(
        "2026-03", member="kovacs-bence-1a2b", accept_terms=True, idempotency_key="fin-2026-03"
    )
    assert sent_json(post) == {
        "member": "kovacs-bence-1a2b",
        "month": "2026-03",
        "invoice": False,
        "accept_terms": True,
    }
    assert idempotency_keys(post) == ["fin-2026-03"]
    assert result.id == "fin_7c1d"
    assert result.payment is not None
    assert result.payment.checkout_url == "https://portal.test/_terminal/pay_5e2f"
    assert result.payment.amount == familycard.Money(value=Decimal("2000"), currency="HUF")


def test_r3_13_finalize_while_a_payment_is_awaited_returns_it_without_a_second_checkout(
    portal, client
):
    # The portal answers the finalisation already awaiting payment, with its checkout.
    etelka(portal)
    awaiting = finalization("awaiting_payment", payment=payment())
    preview = portal.get("/meals/finalization").respond(json=dump(awaiting))
    post = portal.post("/meals/finalizations").respond(json=dump(awaiting))
    result = client.meals.finalize("2026-03", accept_terms=True)
    assert result == awaiting
    assert result.payment is not None
    assert result.payment.checkout_url == "https://portal.test/_terminal/pay_5e2f"
    assert not preview.called
    assert trail(portal) == ["GET /portal", "POST /meals/finalizations"]
    assert post.call_count == 1


def test_r3_13_finalize_with_an_invoice_posts_it_without_a_preview(portal, client):
    etelka(portal)
    preview = portal.get("/meals/finalization").mock(
        side_effect=[
            httpx.Response(200, json=dump(finalization(billing=BILLING))),
            httpx.Response(200, json=dump(finalization(billing=BILLING, document="invoice"))),
        ]
    )
    done = finalization("awaiting_payment", billing=BILLING, document="invoice", payment=payment())
    post = portal.post("/meals/finalizations").respond(json=dump(done))
    result = client.meals.finalize("2026-03", invoice=True, accept_terms=True)
    assert not preview.called
    assert trail(portal) == ["GET /portal", "POST /meals/finalizations"]
    assert sent_json(post) == {"month": "2026-03", "invoice": True, "accept_terms": True}
    assert result.document == "invoice"


def test_r3_13_finalize_with_an_invoice_without_billing_data_is_refused_by_the_portal(
    portal, client
):
    etelka(portal)
    preview = portal.get("/meals/finalization").respond(json=dump(finalization(billing=None)))
    post = portal.post("/meals/finalizations").respond(
        422, json=error_body("billing_data_missing", "an invoice needs billing data")
    )
    with pytest.raises(familycard.RuleViolation) as caught:
        client.meals.finalize("2026-03", invoice=True, accept_terms=True)
    assert caught.value.code == "billing_data_missing"
    assert caught.value.sent
    assert not preview.called
    assert trail(portal) == ["GET /portal", "POST /meals/finalizations"]
    assert post.call_count == 1


def test_a_refused_finalisation_maps_to_its_error(portal, client):
    etelka(portal)
    portal.get("/meals/finalization").respond(json=dump(finalization(payable=2000)))
    post = portal.post("/meals/finalizations").respond(
        409, json=error_body("finalization_pending", "a payment is awaited")
    )
    with pytest.raises(familycard.Conflict) as caught:
        client.meals.finalize("2026-03", accept_terms=True)
    assert caught.value.code == "finalization_pending"
    assert caught.value.sent
    assert post.call_count == 1


def test_finalization_gets_one_by_id_with_its_payment(portal, client):
    etelka(portal)
    body = finalization("final", payment=payment("succeeded"))
    route = portal.get("/meals/finalizations/fin_7c1d").respond(json=dump(body))
    result = client.meals.finalization("fin_7c1d")
    assert route.call_count == 1
    assert result.status == "final"
    assert result.payment is not None
    assert result.payment.transaction_id == "TX-000123"


def test_finalization_quotes_the_id_into_one_path_segment(portal, client):
    etelka(portal)
    route = portal.get("/meals/finalizations/fin%2F..%2Fx").respond(
        json=dump(finalization("final"))
    )
    client.meals.finalization("fin/../x")
    assert route.calls[0].request.url.raw_path == b"/tortona/v1/meals/finalizations/fin%2F..%2Fx"


# Cancelling (R3.8-R3.9) -------------------------------------------------------------------

MONDAY, TUESDAY = date(2026, 3, 9), date(2026, 3, 10)


def outcome(day: date, status: str, code: str | None = None, credit: int | None = None):
    return CancellationOutcome(
        day=day,
        status=status,  # type: ignore[arg-type]
        code=code,
        message=f"{day.isoformat()} {status}",
        deadline=datetime(day.year, day.month, day.day - 3, 9, 0, tzinfo=BUDAPEST),
        meals=["snack_am", "lunch", "snack_pm"],
        credit=huf(credit) if credit is not None else None,
    )


def cancellation(*outcomes: CancellationOutcome, notification_id: int | None = 7) -> Cancellation:
    credit = sum(o.credit.value for o in outcomes if o.credit and o.status == "cancelled")
    return Cancellation(
        member_id="kovacs-bence-1a2b",
        member="Kovács Bence",
        sent=True,
        outcomes=list(outcomes),
        credit=huf(int(credit)),
        notification_id=notification_id,
    )


def state_reads(portal) -> list[respx.Route]:
    """The reads a dry run makes; a real cancellation must make none of them."""
    return [
        portal.get("/meals/calendar").respond(json=dump(meal_calendar("2026-03"))),
        portal.get("/portal/calendar").respond(json=[]),
    ]


def test_r3_8_cancel_posts_the_days_directly_and_returns_the_portals_outcomes(portal, client):
    etelka(portal)
    reads = state_reads(portal)
    body = cancellation(
        outcome(MONDAY, "cancelled", credit=830), outcome(TUESDAY, "cancelled", credit=830)
    )
    post = portal.post("/meals/cancellations").respond(json=dump(body))
    result = client.meals.cancel(
        [TUESDAY, MONDAY, TUESDAY], member="kovacs-bence-1a2b", idempotency_key="cancel-1"
    )
    assert trail(portal) == ["GET /portal", "POST /meals/cancellations"]
    assert not any(route.called for route in reads)
    assert sent_json(post) == {"member": "kovacs-bence-1a2b", "days": ["2026-03-09", "2026-03-10"]}
    assert idempotency_keys(post) == ["cancel-1"]
    assert result == body
    assert (result.sent, result.dry_run) == (True, False)
    assert result.cancelled == [MONDAY, TUESDAY]
    assert result.refused == []
    assert result.credit == familycard.Money(value=Decimal("1660"), currency="HUF")
    assert result.notification_id == 7


def test_r3_8_cancel_without_a_member_or_key_leaves_them_to_the_portal_and_generates_a_key(
    portal, client
):
    etelka(portal)
    post = portal.post("/meals/cancellations").respond(
        json=dump(cancellation(outcome(MONDAY, "cancelled", credit=830)))
    )
    client.meals.cancel([MONDAY])
    assert sent_json(post) == {"days": ["2026-03-09"]}
    (key,) = idempotency_keys(post)
    assert key


def test_r3_8_a_day_cancelled_before_is_an_already_cancelled_outcome_not_a_refusal(portal, client):
    etelka(portal)
    body = cancellation(
        outcome(MONDAY, "already_cancelled", code="already_cancelled"),
        outcome(TUESDAY, "cancelled", credit=830),
    )
    portal.post("/meals/cancellations").respond(json=dump(body))
    result = client.meals.cancel([MONDAY, TUESDAY])
    assert [(o.day, o.status, o.code) for o in result.outcomes] == [
        (MONDAY, "already_cancelled", "already_cancelled"),
        (TUESDAY, "cancelled", None),
    ]
    assert result.refused == []
    assert result.cancelled == [MONDAY, TUESDAY]
    assert result.credit == familycard.Money(value=Decimal("830"), currency="HUF")
    assert trail(portal) == ["GET /portal", "POST /meals/cancellations"]


def test_r3_8_cancelling_only_days_cancelled_before_changes_nothing(portal, client):
    etelka(portal)
    body = cancellation(
        outcome(MONDAY, "already_cancelled", code="already_cancelled"),
        outcome(TUESDAY, "already_cancelled", code="already_cancelled"),
        notification_id=None,
    )
    post = portal.post("/meals/cancellations").respond(json=dump(body))
    result = client.meals.cancel([MONDAY, TUESDAY], idempotency_key="cancel-again")
    assert {o.status for o in result.outcomes} == {"already_cancelled"}
    assert {o.code for o in result.outcomes} == {"already_cancelled"}
    assert result.refused == []
    assert result.credit == familycard.Money(value=Decimal("0"), currency="HUF")
    assert result.notification_id is None  # no inbox entry: nothing changed
    assert result.sent is True
    assert idempotency_keys(post) == ["cancel-again"]


def test_r3_9_a_day_past_its_deadline_is_refused_by_the_portal_in_its_outcome(portal, client):
    etelka(portal)
    reads = state_reads(portal)
    body = cancellation(
        outcome(date(2026, 3, 5), "refused", code="cancellation_deadline_passed"),
        outcome(MONDAY, "cancelled", credit=830),
    )
    portal.post("/meals/cancellations").respond(json=dump(body))
    result = client.meals.cancel([date(2026, 3, 5), MONDAY])
    assert [(o.day, o.code) for o in result.refused] == [
        (date(2026, 3, 5), "cancellation_deadline_passed")
    ]
    assert result.cancelled == [MONDAY]
    assert not any(route.called for route in reads)
    assert trail(portal) == ["GET /portal", "POST /meals/cancellations"]


@pytest.mark.parametrize("dry_run", [False, True], ids=["cancel", "dry-run"])
def test_cancel_without_days_is_refused_before_sending(portal, client, dry_run):
    etelka(portal)
    reads = state_reads(portal)
    post = portal.post("/meals/cancellations").respond(json={})
    with pytest.raises(familycard.InvalidInput) as caught:
        client.meals.cancel([], dry_run=dry_run)
    assert caught.value.code == "days_required"
    assert not caught.value.sent
    assert not post.called
    assert not any(route.called for route in reads)
    assert trail(portal) == ["GET /portal"]


@pytest.mark.parametrize(
    ("status", "error_class", "code"),
    [
        pytest.param(404, familycard.NotFound, "member_not_found", id="404"),
        pytest.param(400, familycard.InvalidInput, "member_required", id="400"),
        pytest.param(401, familycard.AuthenticationFailed, "session_expired", id="401"),
    ],
)
def test_a_portal_error_on_cancel_maps_to_its_class_without_retrying(
    portal, client, status, error_class, code
):
    etelka(portal)
    post = portal.post("/meals/cancellations").respond(status, json=error_body(code, "no"))
    with pytest.raises(familycard.FamilycardError) as caught:
        client.meals.cancel([MONDAY])
    assert type(caught.value) is error_class
    assert caught.value.code == code
    assert caught.value.sent
    assert post.call_count == 1


def _published(calendar: TenantCalendar):
    def answer(request: httpx.Request) -> httpx.Response:
        first = date.fromisoformat(request.url.params["from"])
        last = date.fromisoformat(request.url.params["to"])
        return httpx.Response(200, json=dump(calendar.days(first, last)))

    return answer


def test_r3_9_a_dry_run_plans_with_the_portals_calendars_and_sends_nothing(portal, client):
    etelka(portal)
    items = {
        date(2026, 3, 5): [draft(date(2026, 3, 5), status="final")],  # deadline passed
        MONDAY: [draft(MONDAY, status="final")],
        TUESDAY: [draft(TUESDAY, status="cancelled")],
    }
    month = meal_calendar("2026-03", items=items)
    calendar = portal.get("/meals/calendar").respond(json=dump(month))
    published = portal.get("/portal/calendar").mock(side_effect=_published(TenantCalendar()))
    post = portal.post("/meals/cancellations").respond(500)
    result = client.meals.cancel([TUESDAY, MONDAY, date(2026, 3, 5)], dry_run=True)
    assert [entry.split("?")[0] for entry in trail(portal)] == [
        "GET /portal",
        "GET /meals/calendar",
        "GET /portal/calendar",
    ]
    assert query(calendar) == {"month": "2026-03"}
    assert query(published)["to"] == "2026-03-10"
    assert not post.called
    assert (result.sent, result.dry_run) == (False, True)
    assert [(o.day, o.status, o.code) for o in result.outcomes] == [
        (date(2026, 3, 5), "refused", "cancellation_deadline_passed"),
        (MONDAY, "would_cancel", None),
        (TUESDAY, "already_cancelled", "already_cancelled"),
    ]
    assert result.credit == familycard.Money(value=Decimal("500"), currency="HUF")


@pytest.mark.parametrize("finalization_id", [".", ".."])
def test_a_dot_segment_finalization_id_never_requests_another_endpoint(
    portal, client, finalization_id
):
    etelka(portal)
    portal.route().respond(404, json=error_body("not_found"))
    with contextlib.suppress(familycard.FamilycardError):
        client.meals.finalization(finalization_id)
    assert strays(portal, r"/meals/finalizations/[^/]+") == []
