"""`client.portal.calendar`: the working days the portal publishes, and the deadlines the
SDK shows from them (R3.9) whatever calendar data the client has installed."""

from __future__ import annotations

import sys
from datetime import date, datetime

import httpx
import pytest
import respx
from sdk_builders import BUDAPEST, ETELKA_POLICY, draft, dump, meal_calendar, query
from sdk_support import error_body, stub_portal_info

import familycard
from familycard import InvalidInput, PortalDay
from familycard.rules.calendar import TenantCalendar

DAYS = [
    PortalDay(date=date(2026, 12, 23), working=True, kind="working"),
    PortalDay(date=date(2026, 12, 24), working=False, kind="holiday", reason="Christmas Eve"),
]


def test_calendar_asks_for_the_range_and_returns_typed_days(portal, client):
    route = portal.get("/portal/calendar").respond(json=dump(DAYS))
    days = client.portal.calendar(date(2026, 12, 23), date(2026, 12, 24))
    assert query(route) == {"from": "2026-12-23", "to": "2026-12-24"}
    assert days == DAYS
    assert days[1].reason == "Christmas Eve"
    assert isinstance(days[0].date, date)


def test_calendar_without_a_range_leaves_it_to_the_portal(portal, client):
    route = portal.get("/portal/calendar").respond(json=dump(DAYS))
    client.portal.calendar()
    assert query(route) == {}


def test_a_reversed_range_is_refused_before_sending(portal, client):
    route = portal.get("/portal/calendar").respond(json=[])
    with pytest.raises(InvalidInput) as caught:
        client.portal.calendar(date(2026, 12, 24), date(2026, 12, 23))
    assert caught.value.code == "invalid_range"
    assert not caught.value.sent
    assert not route.called


def test_the_portal_s_refusal_of_a_range_is_invalid_input(portal, client):
    portal.get("/portal/calendar").respond(400, json=error_body("range_too_long", max_days=400))
    with pytest.raises(InvalidInput) as caught:
        client.portal.calendar(date(2026, 1, 1))
    assert caught.value.code == "range_too_long"
    assert caught.value.details == {"max_days": 400}


def _published(calendar: TenantCalendar):
    """A `/portal/calendar` route answering the asked range from `calendar`."""

    def answer(request: httpx.Request) -> httpx.Response:
        first = date.fromisoformat(request.url.params["from"])
        last = date.fromisoformat(request.url.params["to"])
        return httpx.Response(200, json=dump(calendar.days(first, last)))

    return answer


@pytest.mark.parametrize(
    ("published", "status", "deadline"),
    [
        pytest.param(
            TenantCalendar(worked={date(2026, 12, 12): "worked"}),
            "would_cancel",
            "2026-12-12T09:00:00+01:00",
            id="saturday-worked",
        ),
        pytest.param(TenantCalendar(), "refused", "2026-12-11T09:00:00+01:00", id="plain-weekend"),
    ],
)
def test_r3_9_the_dry_run_counts_the_days_the_portal_published_not_the_installed_package(
    portal: respx.MockRouter,
    client: familycard.Client,
    monkeypatch: pytest.MonkeyPatch,
    published,
    status,
    deadline,
):
    # No calendar package on this client: the SDK must not need one.
    monkeypatch.setitem(sys.modules, "holidays", None)
    stub_portal_info(portal, "etelka", policy=ETELKA_POLICY)
    monday = date(2026, 12, 14)
    now = datetime(2026, 12, 11, 10, 0, tzinfo=BUDAPEST)
    month = meal_calendar("2026-12", now=now, items={monday: [draft(monday, status="final")]})
    portal.get("/meals/calendar").respond(json=dump(month))
    days = portal.get("/portal/calendar").mock(side_effect=_published(published))
    cancel = portal.post("/meals/cancellations").respond(500)

    result = client.meals.cancel([monday], member=month.member.id, dry_run=True)

    assert query(days)["to"] == "2026-12-14"
    assert date.fromisoformat(query(days)["from"]) <= date(2026, 12, 11)
    [outcome] = result.outcomes
    assert (outcome.status, outcome.deadline.isoformat()) == (status, deadline)
    assert result.sent is False
    assert not cancel.called
