"""R3.9: the cancellation deadline, a pure function of the meal day, cut-off and calendar.

Examples on a calendar the tests own (weekends, plus the days off and moved working
days they declare, as a portal's `[calendar]` does), then properties (hypothesis) on
the national calendar the `holidays` package gives and on made-up calendars: the
deadline is never on a non-working day, always strictly before the meal day, and never
moves backwards when the meal day moves forwards.  No test asserts the package's data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from familycard import InvalidInput, RuleViolation
from familycard.rules.calendar import TenantCalendar
from familycard.rules.meals import (
    cancellation_cutoff,
    cancellation_deadline,
    check_cancellation_deadline,
    parse_cutoff,
)

TZ = "Europe/Budapest"
ZONE = ZoneInfo(TZ)
#: The days off and moved working days of the examples: declared here, as a portal would.
OWN = TenantCalendar(
    closed=dict.fromkeys(
        (
            date(2025, 12, 25),
            date(2025, 12, 26),
            date(2026, 1, 1),
            date(2026, 1, 2),
            date(2026, 4, 3),
            date(2026, 4, 6),
            date(2026, 5, 1),
            date(2026, 8, 20),
            date(2026, 8, 21),
        ),
        "a day off",
    ),
    worked={date(2026, 1, 10): "worked for 2 January", date(2025, 10, 18): "worked"},
)
#: The national calendar as the installed package has it, for the properties only.
HU = TenantCalendar(country="HU")
CUTOFFS = [time(9, 0), time(9, 30), time(10, 0), time(12, 0)]


def deadline(day: date, cutoff: time = time(9, 0), calendar: TenantCalendar = HU) -> datetime:
    return cancellation_deadline(day, cutoff=cutoff, tz=TZ, calendar=calendar)


# Examples ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("meal_day", "expected"),
    [
        pytest.param(date(2026, 3, 4), "2026-03-03T09:00:00+01:00", id="wednesday-tuesday"),
        pytest.param(date(2026, 3, 9), "2026-03-06T09:00:00+01:00", id="monday-friday"),
        pytest.param(
            date(2026, 1, 12), "2026-01-10T09:00:00+01:00", id="monday-after-working-saturday"
        ),
        pytest.param(
            date(2025, 10, 20), "2025-10-18T09:00:00+02:00", id="monday-after-working-saturday-2025"
        ),
        pytest.param(date(2026, 4, 7), "2026-04-02T09:00:00+02:00", id="after-easter"),
        pytest.param(date(2026, 5, 4), "2026-04-30T09:00:00+02:00", id="after-labour-day"),
        pytest.param(date(2026, 1, 5), "2025-12-31T09:00:00+01:00", id="across-new-year"),
        pytest.param(date(2026, 8, 24), "2026-08-19T09:00:00+02:00", id="after-aug-20-bridge"),
        pytest.param(date(2026, 3, 30), "2026-03-27T09:00:00+01:00", id="across-dst-change"),
    ],
)
def test_r3_9_deadline_examples_on_the_portal_s_calendar(meal_day, expected):
    assert deadline(meal_day, calendar=OWN).isoformat() == expected


@pytest.mark.parametrize("cutoff", CUTOFFS, ids=lambda t: f"{t:%H%M}")
def test_r3_9_the_cutoff_is_the_time_of_the_deadline(cutoff):
    found = deadline(date(2026, 3, 4), cutoff, calendar=OWN)
    assert found == datetime(2026, 3, 3, cutoff.hour, cutoff.minute, tzinfo=ZONE)


def test_r3_9_the_cutoff_instant_itself_is_late():
    due = deadline(date(2026, 3, 4), calendar=OWN)
    kw = {"cutoff": time(9, 0), "tz": TZ, "calendar": OWN}
    assert check_cancellation_deadline(date(2026, 3, 4), due - timedelta(seconds=1), **kw) == due
    with pytest.raises(RuleViolation) as caught:
        check_cancellation_deadline(date(2026, 3, 4), due, **kw)
    assert caught.value.code == "cancellation_deadline_passed"
    assert not caught.value.sent


def test_r3_9_the_policy_names_the_cutoff_and_a_bad_one_is_refused():
    assert cancellation_cutoff({}) == time(9, 0)
    assert cancellation_cutoff({"cancellation_cutoff": "12:00"}) == time(12, 0)
    for bad in ("9", "25:00", "09:60", "nine"):
        with pytest.raises(InvalidInput) as caught:
            parse_cutoff(bad)
        assert caught.value.code == "invalid_cutoff"


def test_r3_9_the_portal_s_moved_working_days_and_days_off_decide_the_deadline():
    # A Saturday the portal works is a deadline; a weekday it closes is not.
    assert deadline(date(2026, 1, 12), calendar=OWN).date() == date(2026, 1, 10)
    assert deadline(date(2026, 1, 5), calendar=OWN).date() == date(2025, 12, 31)
    plain = TenantCalendar()
    assert deadline(date(2026, 1, 12), calendar=plain).date() == date(2026, 1, 9)
    assert deadline(date(2026, 1, 5), calendar=plain).date() == date(2026, 1, 2)


# Properties on the national calendar ------------------------------------------------------

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2035, 12, 31))
cutoffs = st.sampled_from(CUTOFFS)


def start_of(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=ZONE)


@settings(deadline=None)  # the first lookup of a year builds its holiday table
@given(meal_day=days, cutoff=cutoffs)
def test_r3_9_the_deadline_is_on_a_working_day_strictly_before_the_meal_day(meal_day, cutoff):
    found = deadline(meal_day, cutoff)
    assert HU.is_working_day(found.date())
    assert found < start_of(meal_day)
    assert found.timetz().replace(tzinfo=None) == cutoff
    # No working day lies between the deadline's day and the meal day.
    between = found.date() + timedelta(days=1)
    while between < meal_day:
        assert not HU.is_working_day(between)
        between += timedelta(days=1)


@settings(deadline=None)
@given(first=days, gap=st.integers(min_value=0, max_value=40), cutoff=cutoffs)
def test_r3_9_the_deadline_never_moves_back_when_the_meal_day_moves_on(first, gap, cutoff):
    assert deadline(first, cutoff) <= deadline(first + timedelta(days=gap), cutoff)


# Properties on made-up calendars ---------------------------------------------------------


@dataclass(frozen=True)
class MadeUp:
    """A calendar with some weekdays off and some weekend days on."""

    off: frozenset[date]
    on: frozenset[date]

    def is_working_day(self, day: date) -> bool:
        if day.weekday() >= 5:
            return day in self.on
        return day not in self.off


window = st.dates(min_value=date(2030, 1, 1), max_value=date(2030, 3, 31))
calendars = st.builds(
    MadeUp,
    off=st.frozensets(window, max_size=30),
    on=st.frozensets(window, max_size=10),
)


@settings(max_examples=200, deadline=None)
@given(calendar=calendars, meal_day=window, gap=st.integers(0, 20), cutoff=cutoffs)
def test_r3_9_the_deadline_rules_hold_on_any_calendar(calendar, meal_day, gap, cutoff):
    found = cancellation_deadline(meal_day, cutoff=cutoff, tz=TZ, calendar=calendar)
    assert calendar.is_working_day(found.date())
    assert found < start_of(meal_day)
    later = cancellation_deadline(
        meal_day + timedelta(days=gap), cutoff=cutoff, tz=TZ, calendar=calendar
    )
    assert found <= later
