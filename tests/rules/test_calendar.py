"""The one working-day calendar (`familycard.rules.calendar`): a portal's national calendar
plus its own closures and moved working days, and the calendar as the SDK receives it.

Facts are the tests' own (overrides they declare); the national calendar is only read
from the package, never asserted, except for the one law below, skipped where the
installed package predates it.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from familycard import InvalidInput, PortalDay
from familycard.rules.calendar import (
    CALENDAR_MAX_DAYS,
    PublishedCalendar,
    TenantCalendar,
    check_calendar_range,
    working_days,
)

MON, SAT = date(2026, 12, 7), date(2026, 12, 12)


def test_without_a_country_only_the_weekends_are_off():
    plain = TenantCalendar()
    week = plain.days(MON, MON + timedelta(days=6))
    assert [d.working for d in week] == [True] * 5 + [False] * 2
    assert {d.kind for d in week} == {"working", "weekend"}
    assert all(d.reason is None for d in week)


def test_closed_and_worked_days_of_the_portal_win_over_the_weekend_and_say_why():
    portal = TenantCalendar(closed={MON: "town fair"}, worked={SAT: "moved working day"})
    assert portal.day(MON) == PortalDay(date=MON, working=False, kind="closure", reason="town fair")
    assert portal.day(SAT) == PortalDay(
        date=SAT, working=True, kind="moved_working_day", reason="moved working day"
    )
    assert portal.is_holiday(MON)
    assert not portal.is_holiday(SAT + timedelta(days=1))  # a plain Sunday is a weekend


def test_the_portal_s_overrides_win_over_the_national_calendar():
    national = TenantCalendar(country="HU")
    # Whatever the package says of these days, the portal's overrides decide.
    days = [date(2026, 12, 24), date(2026, 12, 12), date(2026, 12, 14)]
    worked = TenantCalendar(country="HU", worked=dict.fromkeys(days, "worked"))
    closed = TenantCalendar(country="HU", closed=dict.fromkeys(days, "closed"))
    for day in days:
        assert worked.is_working_day(day)
        assert not closed.is_working_day(day)
        assert national.day(day).kind in {"working", "weekend", "holiday", "moved_working_day"}


def test_a_day_both_closed_and_worked_is_a_configuration_error():
    with pytest.raises(ValueError, match="both closed and worked"):
        TenantCalendar(closed={MON: "x"}, worked={MON: "y"})


def test_the_tenant_file_s_calendar_table_is_read_with_dates_and_reasons():
    portal = TenantCalendar.from_config(
        {
            "country": "",
            "closed": ["2026-12-07", {"day": "2026-12-08", "reason": "Immacolata"}],
            "worked": ["2026-12-12"],
        }
    )
    assert portal.day(date(2026, 12, 7)).reason == "closed by the portal"
    assert portal.day(date(2026, 12, 8)).reason == "Immacolata"
    assert portal.day(SAT).working
    for bad in ({"closed": ["12/07/2026"]}, {"holidays": []}, {"worked": [{"reason": "x"}]}):
        with pytest.raises(ValueError, match=r"not a day|unknown setting"):
            TenantCalendar.from_config(bad)


def test_r1_7_school_days_are_the_portal_s_working_days():
    portal = TenantCalendar(closed={date(2026, 12, 8): "Immacolata"}, worked={SAT: "worked"})
    assert working_days(MON, SAT, portal) == [
        MON,
        date(2026, 12, 9),
        date(2026, 12, 10),
        date(2026, 12, 11),
        SAT,
    ]


@pytest.mark.parametrize(
    ("first", "last", "code"),
    [
        pytest.param(date(2026, 12, 2), date(2026, 12, 1), "invalid_range", id="reversed"),
        pytest.param(date(1899, 12, 31), date(1900, 1, 2), "date_out_of_range", id="too-early"),
        pytest.param(date(2100, 12, 31), date(2101, 1, 1), "date_out_of_range", id="too-late"),
        pytest.param(
            date(2026, 1, 1),
            date(2026, 1, 1) + timedelta(days=CALENDAR_MAX_DAYS),
            "range_too_long",
            id="too-long",
        ),
    ],
)
def test_a_calendar_range_is_ordered_bounded_and_not_too_long(first, last, code):
    with pytest.raises(InvalidInput) as caught:
        check_calendar_range(first, last)
    assert caught.value.code == code


def test_the_published_calendar_answers_only_for_the_days_the_portal_sent():
    sent = TenantCalendar(worked={SAT: "worked"}).days(MON, SAT)
    published = PublishedCalendar(sent)
    assert published.is_working_day(SAT)
    assert published.is_working_day(MON)
    with pytest.raises(LookupError):
        published.is_working_day(SAT + timedelta(days=1))


@given(
    closed=st.frozensets(st.dates(date(2030, 1, 1), date(2030, 2, 28)), max_size=20),
    day=st.dates(date(2030, 1, 1), date(2030, 2, 28)),
)
def test_a_closed_day_is_never_worked_and_the_published_copy_agrees(closed, day):
    portal = TenantCalendar(closed=dict.fromkeys(closed, "closed"))
    published = PublishedCalendar(portal.days(date(2030, 1, 1), date(2030, 2, 28)))
    assert published.is_working_day(day) == portal.is_working_day(day)
    if day in closed:
        assert not portal.is_working_day(day)


def test_r3_9_act_lxxii_of_2026_makes_24_december_a_public_holiday_in_hungary():
    holidays = pytest.importorskip("holidays")
    from packaging.version import Version

    if Version(holidays.__version__) < Version("0.109"):
        pytest.skip(
            f"holidays {holidays.__version__} predates Act LXXII of 2026 (24 December a "
            "public holiday in Hungary, the working Saturday of 12 December dropped)"
        )
    hungary = TenantCalendar(country="HU")
    assert hungary.day(date(2026, 12, 24)).kind == "holiday"
    assert not hungary.is_working_day(SAT)
