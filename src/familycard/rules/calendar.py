"""The portals' calendars: working days (R1.7, R3.9, R5.11) and school years (R1.9, R3.15).

One module decides which days are worked, for every rule that counts them: the
cancellation deadline of a meal day (R3.9), the school days a canteen serves (R1.7),
the utility's holiday time band, and the demo's seeds.

- `TenantCalendar` is what a portal applies: the national calendar of its country (the
  `holidays` package: weekends and public holidays off, moved working days on) plus the
  portal's own overrides from its configuration, `closed` (days off the package does
  not know: a decree not yet released, a local closure) and `worked` (moved working
  days).  The stub holds one per tenant and publishes it (`GET /v1/portal/calendar`).
- `PublishedCalendar` is that calendar as the SDK received it from the portal: the SDK
  never asks the `holidays` package installed on the client, whose version may differ
  from the portal's, so a deadline it shows is the one the portal enforces.

Both answer `is_working_day(day)` (the `WorkingCalendar` protocol), which is all the
rules need.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, Protocol

from .._errors import InvalidInput
from ..models.portal import DayKind, PortalDay
from .bounds import excerpt

__all__ = [
    "CALENDAR_MAX_DAYS",
    "FIRST_YEAR",
    "LAST_YEAR",
    "PublishedCalendar",
    "TenantCalendar",
    "WorkingCalendar",
    "check_calendar_range",
    "check_day_in_range",
    "parse_month",
    "school_year_bounds",
    "school_year_of",
    "working_days",
]

#: The years any calendar answers for.
FIRST_YEAR, LAST_YEAR = 1900, 2100
#: The longest range one request of the published calendar covers.
CALENDAR_MAX_DAYS = 400
#: The language of the holidays' names.
_NAMES_LANGUAGE = "en_US"


class WorkingCalendar(Protocol):
    """What the rules need to know of a calendar."""

    def is_working_day(self, day: date) -> bool:
        """Whether people work (and schools serve meals) on `day`."""
        ...


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def working_days(first: date, last: date, calendar: WorkingCalendar) -> list[date]:
    """The working days from `first` to `last`, both included: the days a school
    canteen serves (R1.7) and a deadline can fall on (R3.9)."""
    return [day for day in _days(first, last) if calendar.is_working_day(day)]


def check_day_in_range(day: date, label: str = "the day") -> date:
    """A day within the years the portals' calendars cover (`FIRST_YEAR` to `LAST_YEAR`)."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise InvalidInput(
            f"{label} must fall from {FIRST_YEAR} to {LAST_YEAR}, not {day.isoformat()}",
            code="date_out_of_range",
            details={"first_year": FIRST_YEAR, "last_year": LAST_YEAR},
        )
    return day


_MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")


def parse_month(text: str) -> tuple[date, date]:
    """The first and last day of a month written `YYYY-MM`, of the calendar's years.

    The one parser of a month (R1.7, R2.3, R3.x): a month outside `FIRST_YEAR` to
    `LAST_YEAR` is `invalid_month`, like a malformed one.
    """
    match = _MONTH.match(text.strip()) if isinstance(text, str) else None
    month = int(match.group(2)) if match else 0
    year = int(match.group(1)) if match else 0
    if not match or not 1 <= month <= 12:
        raise InvalidInput(
            f"not a month: {excerpt(text)} (write it as 2026-11)", code="invalid_month"
        )
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidInput(
            f"a month must fall from {FIRST_YEAR} to {LAST_YEAR}, not {excerpt(text)}",
            code="invalid_month",
            details={"first_year": FIRST_YEAR, "last_year": LAST_YEAR},
        )
    following = date(year + month // 12, month % 12 + 1, 1)
    return date(year, month, 1), following - timedelta(days=1)


def check_calendar_range(first: date, last: date) -> None:
    """A range of the published calendar: ordered, within the years, not too long."""
    for day in (first, last):
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise InvalidInput(
                f"the calendar covers {FIRST_YEAR} to {LAST_YEAR}, not {day.isoformat()}",
                code="date_out_of_range",
                details={"day": day.isoformat()},
            )
    if last < first:
        raise InvalidInput(
            f"the range ends ({last.isoformat()}) before it starts ({first.isoformat()})",
            code="invalid_range",
        )
    if (last - first).days + 1 > CALENDAR_MAX_DAYS:
        raise InvalidInput(
            f"ask for at most {CALENDAR_MAX_DAYS} days of calendar at a time",
            code="range_too_long",
            details={"max_days": CALENDAR_MAX_DAYS},
        )


# The portal's calendar ------------------------------------------------------------------


@lru_cache(maxsize=64)
def _national(country: str, year: int) -> Any:
    import holidays

    # The neighbouring years too: a moved working day may belong to the year before.
    return holidays.country_holidays(
        country, years=range(year - 1, year + 2), language=_NAMES_LANGUAGE
    )


def _parse_day(raw: Any, where: str) -> date:
    try:
        return raw if isinstance(raw, date) else date.fromisoformat(str(raw))
    except ValueError:
        raise ValueError(f"{where}: not a day: {raw!r} (write it as 2026-12-07)") from None


def _overrides(raw: Any, where: str, default_reason: str) -> dict[date, str]:
    """`["2026-12-07", {day = "2026-12-24", reason = "..."}]` as day → reason."""
    found: dict[date, str] = {}
    for item in raw or ():
        if isinstance(item, Mapping):
            day = _parse_day(item.get("day"), where)
            found[day] = str(item.get("reason") or default_reason)
        else:
            found[_parse_day(item, where)] = default_reason
    return found


@dataclass(frozen=True)
class TenantCalendar:
    """A portal's working days: its country's national calendar plus its overrides.

    `closed` days are off and `worked` days are on, whatever the national calendar
    says; a day is in one of them at most.  `country` may be empty: then only the
    weekends are off (and the overrides apply), which tests use to own their facts.
    """

    country: str = ""
    closed: Mapping[date, str] = field(default_factory=dict)
    worked: Mapping[date, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        both = sorted(set(self.closed) & set(self.worked))
        if both:
            raise ValueError(f"a day cannot be both closed and worked: {both[0].isoformat()}")

    @classmethod
    def from_config(cls, raw: Mapping[str, Any], *, where: str = "[calendar]") -> TenantCalendar:
        """From a tenant file's `[calendar]` table: `country`, `closed`, `worked`."""
        unknown = sorted(set(raw) - {"country", "closed", "worked"})
        if unknown:
            raise ValueError(f"{where}: unknown setting {unknown[0]!r}")
        return cls(
            country=str(raw.get("country", "")),
            closed=_overrides(raw.get("closed"), f"{where} closed", "closed by the portal"),
            worked=_overrides(raw.get("worked"), f"{where} worked", "moved working day"),
        )

    def day(self, day: date) -> PortalDay:
        """What the calendar says of one day, and why."""
        if day in self.closed:
            return _entry(day, "closure", self.closed[day])
        if day in self.worked:
            return _entry(day, "moved_working_day", self.worked[day])
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise ValueError(f"the calendar covers {FIRST_YEAR} to {LAST_YEAR}, not {day}")
        table = _national(self.country, day.year) if self.country else None
        if table is not None and day in getattr(table, "weekend_workdays", ()):
            return _entry(day, "moved_working_day", "moved working day")
        if table is not None and day in table:
            return _entry(day, "holiday", str(table.get(day)))
        if day.weekday() >= 5:
            return _entry(day, "weekend", None)
        return _entry(day, "working", None)

    def days(self, first: date, last: date) -> list[PortalDay]:
        """Every day from `first` to `last`, as the portal publishes them."""
        check_calendar_range(first, last)
        return [self.day(d) for d in _days(first, last)]

    def is_working_day(self, day: date) -> bool:
        """Whether `day` is worked on this portal."""
        return self.day(day).working

    def is_holiday(self, day: date) -> bool:
        """Whether `day` is off for a reason other than the weekend (a holiday, a closure)."""
        return self.day(day).kind in ("holiday", "closure")


def _entry(day: date, kind: DayKind, reason: str | None) -> PortalDay:
    working = kind in ("working", "moved_working_day")
    return PortalDay(date=day, working=working, kind=kind, reason=reason)


class PublishedCalendar:
    """The calendar a portal published (`client.portal.calendar`), for the rules.

    It knows the days it was given and no others: asking about any other day is a
    `LookupError`, never a guess from the package installed on the client.
    """

    def __init__(self, days: Iterable[PortalDay]) -> None:
        self._working = {d.date: d.working for d in days}

    def is_working_day(self, day: date) -> bool:
        """Whether the portal works on `day`."""
        try:
            return self._working[day]
        except KeyError:
            raise LookupError(f"the portal's calendar was not fetched for {day}") from None

    def __contains__(self, day: object) -> bool:
        return day in self._working


# School years ---------------------------------------------------------------------------

_LABEL = re.compile(r"^([0-9]{4})\s*[/-]\s*([0-9]{2}|[0-9]{4})$")


def school_year_of(day: date) -> str:
    """The school year a day belongs to: 1 September to 31 August (`2025/2026`)."""
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}/{start + 1}"


def school_year_bounds(label: str) -> tuple[date, date]:
    """First and last day of a school year given as `2025/2026` (or `2025-26`)."""
    match = _LABEL.match(label.strip())
    if not match:
        raise InvalidInput(
            f"not a school year: {excerpt(label)} (write it as 2025/2026)",
            code="invalid_school_year",
        )
    start = int(match.group(1))
    end_text = match.group(2)
    end = int(end_text) if len(end_text) == 4 else (start // 100) * 100 + int(end_text)
    if not FIRST_YEAR <= start < LAST_YEAR:
        raise InvalidInput(
            f"a school year starts from {FIRST_YEAR} to {LAST_YEAR - 1}, not {excerpt(label)}",
            code="invalid_school_year",
        )
    if end != start + 1:
        raise InvalidInput(
            f"a school year spans two consecutive years, not {excerpt(label)}",
            code="invalid_school_year",
        )
    return date(start, 9, 1), date(end, 8, 31)
