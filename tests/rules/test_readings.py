"""The pure rules of self-readings (R5.11-R5.14) and of the utility area (R5.3, R5.4, R5.9)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from familycard import InvalidInput, NotFound, RuleViolation
from familycard.models.utility import MeterReading, ReadingSubmission, SupplyPoint
from familycard.rules.calendar import TenantCalendar
from familycard.rules.readings import (
    acquisition_time,
    check_deletable,
    check_inside_window,
    check_new_reading,
    reading_status,
    reading_windows,
)
from familycard.rules.utility import (
    check_invoice_year,
    check_measures_interval,
    parse_supply_point,
    resolve_supply_point,
    time_band,
)

ROME = ZoneInfo("Europe/Rome")
POLICY = {
    "reading_window_from_day": 1,
    "reading_window_from_time": "00:00",
    "reading_window_to_day": 7,
    "reading_window_to_time": "23:59",
}
GAS = SupplyPoint(id="00881234567890", kind="gas", address="Via di Prova 35", has_corrector=True)
POWER = SupplyPoint(id="IT001E12345678", kind="electricity", address="Via di Prova 35")


def rome(*args: int) -> datetime:
    return datetime(*args, tzinfo=ROME)  # type: ignore[misc]


def reading(day: date, meter: int, submitted: datetime, corrector: int | None = None):
    return MeterReading(
        supply_point=GAS.id,
        reading_date=day,
        meter=meter,
        corrector=corrector,
        status="pending",
        submitted_at=submitted,
        acquired_at=acquisition_time(submitted, 30),
        deletable=True,
    )


# R5.11 windows --------------------------------------------------------------------


def test_r5_11_the_open_window_and_the_next_across_the_summer_time_change():
    open_window, next_window = reading_windows(POLICY, "Europe/Rome", rome(2026, 3, 3, 10, 0))
    assert open_window is not None
    assert open_window.opens_at.isoformat() == "2026-03-01T00:00:00+01:00"
    assert open_window.closes_at.isoformat() == "2026-03-07T23:59:00+01:00"
    assert next_window.opens_at.isoformat() == "2026-04-01T00:00:00+02:00"
    assert next_window.closes_at.isoformat() == "2026-04-07T23:59:00+02:00"


@pytest.mark.parametrize(
    ("now", "is_open"),
    [
        pytest.param(rome(2026, 2, 28, 23, 59, 59), False, id="the-second-before"),
        pytest.param(rome(2026, 3, 1, 0, 0), True, id="the-opening-instant"),
        pytest.param(rome(2026, 3, 7, 23, 59, 59), True, id="the-last-minute"),
        pytest.param(rome(2026, 3, 8, 0, 0), False, id="the-next-day"),
        pytest.param(rome(2026, 3, 15, 12, 0), False, id="mid-month"),
    ],
)
def test_r5_11_window_edges(now, is_open):
    open_window, next_window = reading_windows(POLICY, "Europe/Rome", now)
    assert (open_window is not None) is is_open
    assert next_window.opens_at > now


def test_r5_11_outside_a_window_is_refused_naming_the_next_one():
    with pytest.raises(RuleViolation) as refused:
        check_inside_window(POLICY, "Europe/Rome", rome(2026, 12, 10, 9, 0))
    assert refused.value.code == "reading_outside_window"
    assert refused.value.details["next_opens_at"] == "2027-01-01T00:00:00+01:00"


def test_r5_11_a_window_can_close_in_the_next_month_and_short_months_clamp():
    policy = {**POLICY, "reading_window_from_day": 31, "reading_window_to_day": 3}
    open_window, next_window = reading_windows(policy, "Europe/Rome", rome(2026, 3, 2, 8, 0))
    assert open_window is not None
    assert open_window.opens_at.date() == date(2026, 2, 28)
    assert open_window.closes_at.date() == date(2026, 3, 3)
    assert next_window.opens_at.date() == date(2026, 3, 31)


def test_r5_11_a_policy_without_windows_is_reported():
    with pytest.raises(InvalidInput) as bad:
        reading_windows({}, "Europe/Rome", rome(2026, 3, 3, 10, 0))
    assert bad.value.code == "invalid_policy"


@given(st.datetimes(min_value=datetime(2015, 1, 1), max_value=datetime(2040, 1, 1)))
def test_r5_11_the_open_window_contains_now_and_the_next_one_is_later(naive):
    now = naive.replace(tzinfo=UTC)
    open_window, next_window = reading_windows(POLICY, "Europe/Rome", now)
    assert next_window.opens_at > now
    assert next_window.opens_at - now <= timedelta(days=32)
    local = now.astimezone(ROME)
    assert (open_window is not None) == (1 <= local.day <= 7)


# R5.12-R5.13 a new reading -------------------------------------------------------

NOW = rome(2026, 3, 3, 10, 7)


def submit(supply=GAS, readings=(), now=NOW, **values):
    values.setdefault("meter", 1500)
    if supply.has_corrector:
        values.setdefault("corrector", 1450)
    return check_new_reading(
        POLICY, "Europe/Rome", now, supply, list(readings), ReadingSubmission(**values)
    )


def test_r5_12_the_corrector_reading_is_required_exactly_when_there_is_a_corrector():
    with pytest.raises(RuleViolation) as missing:
        submit(corrector=None)
    assert missing.value.code == "corrector_reading_required"
    with pytest.raises(RuleViolation) as extra:
        submit(POWER, corrector=10)
    assert extra.value.code == "corrector_reading_not_allowed"
    assert submit(POWER) == date(2026, 3, 3)


def test_r5_12_readings_are_whole_non_negative_numbers():
    with pytest.raises(InvalidInput) as bad:
        submit(meter=-1)
    assert bad.value.code == "invalid_reading"


def test_r5_13_one_reading_per_tenant_local_day():
    late_evening = rome(2026, 3, 2, 23, 30)
    earlier = reading(date(2026, 3, 2), 1400, late_evening.astimezone(UTC))
    assert submit(readings=[earlier]) == date(2026, 3, 3)
    with pytest.raises(RuleViolation) as twice:
        submit(readings=[earlier], reading_date=date(2026, 3, 2))
    assert twice.value.code == "reading_already_submitted_today"


def test_r5_13_the_reading_date_is_neither_future_nor_before_the_window():
    with pytest.raises(InvalidInput) as future:
        submit(reading_date=date(2026, 3, 4))
    assert future.value.code == "invalid_reading_date"
    with pytest.raises(RuleViolation) as before:
        submit(reading_date=date(2026, 2, 28))
    assert before.value.code == "reading_outside_window"


def test_a_reading_lower_than_the_last_acquired_is_refused_unless_the_meter_was_replaced():
    acquired = reading(date(2026, 3, 1), 1500, rome(2026, 3, 1, 9, 0), corrector=1450)
    with pytest.raises(RuleViolation) as lower:
        submit(readings=[acquired], meter=1499)
    assert lower.value.code == "reading_decreasing"
    assert lower.value.details["last_acquired"] == 1500
    with pytest.raises(RuleViolation) as corrector:
        submit(readings=[acquired], meter=1600, corrector=1000)
    assert corrector.value.details["field"] == "corrector"
    assert submit(readings=[acquired], meter=3, corrector=2, meter_replaced=True)
    assert submit(readings=[acquired], meter=1500)


def test_a_pending_reading_does_not_set_the_bar():
    pending = reading(date(2026, 3, 3), 9000, rome(2026, 3, 3, 10, 6))
    assert submit(readings=[pending], reading_date=date(2026, 3, 2), meter=10)


# R5.14 acquisition and deletion --------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "acquired"),
    [
        pytest.param(rome(2026, 3, 3, 10, 7), rome(2026, 3, 3, 10, 30), id="to-the-half-hour"),
        pytest.param(rome(2026, 3, 3, 10, 30), rome(2026, 3, 3, 11, 0), id="on-a-mark-waits"),
        pytest.param(rome(2026, 3, 3, 23, 45), rome(2026, 3, 4, 0, 0), id="past-midnight"),
    ],
)
def test_r5_14_acquisition_at_the_next_30_minute_mark(sent, acquired):
    assert acquisition_time(sent, 30) == acquired


@given(st.datetimes(min_value=datetime(2015, 1, 1), max_value=datetime(2040, 1, 1)))
def test_r5_14_acquisition_comes_within_30_minutes_on_a_mark(naive):
    sent = naive.replace(tzinfo=UTC)
    acquired = acquisition_time(sent, 30)
    assert timedelta(0) < acquired - sent <= timedelta(minutes=30)
    assert acquired.minute in (0, 30)
    assert (acquired.second, acquired.microsecond) == (0, 0)


def test_r5_14_deletable_until_acquired():
    pending = reading(date(2026, 3, 3), 1500, NOW)
    check_deletable(pending, rome(2026, 3, 3, 10, 29, 59))
    assert reading_status(pending.acquired_at, rome(2026, 3, 3, 10, 30)) == "acquired"
    with pytest.raises(RuleViolation) as acquired:
        check_deletable(pending, rome(2026, 3, 3, 10, 30))
    assert acquired.value.code == "reading_already_acquired"


# Supply points, years, measures --------------------------------------------------


def test_r5_3_supply_points_are_pods_or_pdrs():
    assert parse_supply_point(" it001e12345678 ") == ("IT001E12345678", "electricity")
    assert parse_supply_point("0088 1234 5678 90") == ("00881234567890", "gas")
    for bad in ("IT001X12345678", "0088123456789", "XX"):
        with pytest.raises(InvalidInput) as refused:
            parse_supply_point(bad)
        assert refused.value.code == "invalid_supply_point"


def test_r5_3_the_only_supply_point_is_the_default_and_several_need_a_choice():
    assert resolve_supply_point([GAS.id], None) == GAS.id
    with pytest.raises(InvalidInput) as choose:
        resolve_supply_point([GAS.id, POWER.id], None)
    assert choose.value.code == "supply_point_required"
    with pytest.raises(NotFound) as other:
        resolve_supply_point([GAS.id], "IT001E99999999")
    assert other.value.code == "supply_point_not_found"


def test_r5_4_invoices_since_2014():
    check_invoice_year(2014, {})
    with pytest.raises(InvalidInput) as early:
        check_invoice_year(2013, {})
    assert early.value.code == "invalid_year"
    with pytest.raises(InvalidInput):
        check_invoice_year(2027, {}, today=date(2026, 3, 3))


def test_r5_9_measures_interval():
    check_measures_interval(date(2026, 1, 1), date(2026, 12, 31), {})
    with pytest.raises(InvalidInput) as reversed_:
        check_measures_interval(date(2026, 2, 1), date(2026, 1, 1), {})
    assert reversed_.value.code == "invalid_interval"
    with pytest.raises(InvalidInput) as long:
        check_measures_interval(date(2025, 1, 1), date(2026, 3, 1), {"measures_max_days": 366})
    assert long.value.code == "interval_too_long"


@pytest.mark.parametrize(
    ("local", "band"),
    [
        pytest.param(rome(2026, 3, 4, 10, 0), "F1", id="wednesday-morning"),
        pytest.param(rome(2026, 3, 4, 7, 0), "F2", id="weekday-shoulder"),
        pytest.param(rome(2026, 3, 4, 23, 0), "F3", id="night"),
        pytest.param(rome(2026, 3, 7, 10, 0), "F2", id="saturday"),
        pytest.param(rome(2026, 3, 8, 10, 0), "F3", id="sunday"),
        pytest.param(rome(2026, 4, 24, 10, 0), "F3", id="a-holiday-on-a-friday"),
        pytest.param(rome(2026, 4, 25, 10, 0), "F3", id="a-holiday-on-a-saturday"),
        pytest.param(rome(2026, 4, 23, 10, 0), "F1", id="a-worked-day-is-no-holiday"),
    ],
)
def test_r5_9_time_bands(local, band):
    # The test's own calendar: the portal closed on 24 and 25 April, worked 23 April.
    portal = TenantCalendar(
        closed={date(2026, 4, 24): "closed", date(2026, 4, 25): "closed"},
        worked={date(2026, 4, 23): "worked"},
    )
    assert time_band(local, portal) == band
