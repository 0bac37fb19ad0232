"""The utility customer area: which supply point, which years, which measures.

Rules: R5.3 (the selected supply point), R5.4 (invoices since 2014), R5.9
(electricity measures over an interval of days).  Self-readings are in `readings`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from .. import identifiers as ids
from .._errors import InvalidInput, NotFound
from ..models.utility import SupplyKind, TimeBand
from .bounds import excerpt
from .calendar import LAST_YEAR, TenantCalendar, check_day_in_range

__all__ = [
    "check_invoice_year",
    "check_measures_interval",
    "check_measures_supported",
    "parse_supply_point",
    "resolve_supply_point",
    "time_band",
]

#: The first year a utility portal lists invoices for, unless its policy says otherwise (R5.4).
DEFAULT_INVOICES_SINCE = 2014
#: The longest interval of electricity measures one request returns, unless the policy says.
DEFAULT_MEASURES_MAX_DAYS = 366


def parse_supply_point(value: str) -> tuple[str, SupplyKind]:
    """A POD (`IT` + 3 digits + `E` + 8 digits) or a PDR (14 digits), normalised, with its kind.

    Raises `InvalidInput` with code `invalid_supply_point`.
    """
    if isinstance(value, str) and value.strip()[:1].isalpha():
        return ids.validate_pod(value), "electricity"
    return ids.validate_pdr(value), "gas"


def resolve_supply_point(points: Sequence[str], requested: str | None) -> str:
    """The supply point a request is about (R5.3).

    The requested one, which must be one of the customer's `points`
    (`supply_point_not_found`); with none requested, the only one there is, or
    `supply_point_required` when there are several to choose from.
    """
    if requested is None:
        if len(points) == 1:
            return points[0]
        if not points:
            raise NotFound("this customer has no supply points", code="no_supply_points")
        raise InvalidInput(
            f"you have {len(points)} supply points ({', '.join(points)}): choose one with "
            "--supply POINT, or once for all with 'familycard supplies select POINT'",
            code="supply_point_required",
            details={"supply_points": list(points)},
        )
    point, _ = parse_supply_point(requested)
    if point not in points:
        yours = ", ".join(points) or "none"
        raise NotFound(
            f"{point} is not one of your supply points (yours: {yours})",
            code="supply_point_not_found",
            details={"supply_point": point},
        )
    return point


def check_invoice_year(
    year: int | None, policy: Mapping[str, Any], *, today: date | None = None
) -> None:
    """A year invoices and consumption can be asked for: from `invoices_since` (2014) to now.

    `today` is the portal's date; without it only the first year is checked.
    """
    if year is None:
        return
    since = int(policy.get("invoices_since", DEFAULT_INVOICES_SINCE))
    if year < since:
        raise InvalidInput(
            f"the portal keeps invoices and consumption since {since}, not {year}",
            code="invalid_year",
            details={"since": since},
        )
    if year > LAST_YEAR or (today is not None and year > today.year):
        raise InvalidInput(f"{excerpt(year)} has not begun yet", code="invalid_year")


def check_measures_supported(kind: str) -> None:
    """Electricity measures exist for electricity supply points only (R5.9)."""
    if kind != "electricity":
        raise InvalidInput(
            "measures are available for electricity supply points (POD) only; "
            "for gas, see 'familycard consumption show'",
            code="feature_not_supported",
            details={"feature": "measures", "supply_kind": kind},
        )


def check_measures_interval(since: date, until: date, policy: Mapping[str, Any]) -> None:
    """An interval of days for measures: `since` <= `until`, at most the policy's days (R5.9),
    within the calendar's years."""
    check_day_in_range(since, "--from")
    check_day_in_range(until, "--to")
    if since > until:
        raise InvalidInput(
            f"--from {since} is after --to {until}",
            code="invalid_interval",
        )
    longest = int(policy.get("measures_max_days", DEFAULT_MEASURES_MAX_DAYS))
    days = (until - since).days + 1
    if days > longest:
        raise InvalidInput(
            f"ask for at most {longest} days of measures at a time, not {days}",
            code="interval_too_long",
            details={"max_days": longest},
        )


def time_band(local: datetime, calendar: TenantCalendar) -> TimeBand:
    """The Italian electricity time band of an hour in local time.

    F1: Monday to Friday 8-19; F2: Monday to Friday 7-8 and 19-23, Saturday 7-23;
    F3: every night 23-7, Sundays and holidays (the portal's calendar) all day.
    """
    day = local.date()
    if day.weekday() == 6 or calendar.is_holiday(day):
        return "F3"
    if local.hour < 7 or local.hour >= 23:
        return "F3"
    if day.weekday() == 5:
        return "F2"
    return "F1" if 8 <= local.hour < 19 else "F2"
