"""Meter self-readings: windows, what a new reading must satisfy, acquisition, deletion.

Rules R5.11-R5.14 of DOMAIN.md.  The stub enforces them and the SDK checks them
before sending, both with these functions and the portal's own clock and policy:

- R5.11 `reading_windows`, `check_inside_window`: readings only inside a
  published window (`reading_outside_window`).  The policy describes one
  window a month, from a day and time to a day and time, in the portal's
  timezone (`reading_window_from_day`, `_from_time`, `_to_day`, `_to_time`);
  a `to_day` before the `from_day` closes in the following month, and a day
  past the end of a month is that month's last day.
- R5.12 `check_reading_values`: the corrector reading is required when the gas
  meter has a volume corrector and refused when it has none.
- R5.13 `check_one_per_day`: one reading per day per supply point, the day
  being the reading's tenant-local date (`reading_already_submitted_today`).
- `check_not_decreasing`: a reading lower than the last acquired one is
  refused unless the meter was replaced (`reading_decreasing`).
- R5.14 `acquisition_time`, `reading_status`, `check_deletable`: the
  acquisition job runs every `reading_acquisition_minutes` (30) of the clock;
  a reading is acquired at the first mark after it was sent, and can be
  deleted only until then (`reading_already_acquired`).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from .._errors import InvalidInput, NotFound, RuleViolation
from ..models.utility import (
    MeterReading,
    ReadingStatus,
    ReadingSubmission,
    ReadingWindow,
    SupplyPoint,
)
from .policy import has_passed

__all__ = [
    "DEFAULT_ACQUISITION_MINUTES",
    "MAX_READING",
    "WindowPolicy",
    "acquisition_time",
    "check_deletable",
    "check_inside_window",
    "check_new_reading",
    "check_not_decreasing",
    "check_one_per_day",
    "check_reading_date",
    "check_reading_range",
    "check_reading_values",
    "find_reading",
    "last_acquired",
    "local_day",
    "reading_status",
    "reading_windows",
]

#: How often the acquisition job runs, in clock minutes, unless the policy says (R5.14).
DEFAULT_ACQUISITION_MINUTES = 30
#: The largest reading a meter shows (8 digits).
MAX_READING = 99_999_999

_MINUTE = timedelta(minutes=1)
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class WindowPolicy:
    """One self-reading window a month, in the portal's timezone."""

    from_day: int
    from_time: time
    to_day: int
    to_time: time
    zone: ZoneInfo

    @classmethod
    def of(cls, policy: Mapping[str, Any], timezone: str) -> WindowPolicy:
        """Read the window from a portal's policy (`reading_window_*`)."""
        try:
            from_day = int(policy["reading_window_from_day"])
            to_day = int(policy["reading_window_to_day"])
            from_time = _parse_time(str(policy["reading_window_from_time"]))
            to_time = _parse_time(str(policy["reading_window_to_time"]))
            zone = ZoneInfo(timezone)
        except (KeyError, ValueError, TypeError) as exc:
            raise InvalidInput(
                f"the portal's policy has no valid self-reading window ({exc})",
                code="invalid_policy",
            ) from None
        if not (1 <= from_day <= 31 and 1 <= to_day <= 31):
            raise InvalidInput(
                "the portal's self-reading window days must be 1-31", code="invalid_policy"
            )
        if to_day == from_day and to_time <= from_time:
            raise InvalidInput(
                "the portal's self-reading window closes before it opens", code="invalid_policy"
            )
        return cls(from_day, from_time, to_day, to_time, zone)

    def window_of_month(self, year: int, month: int) -> ReadingWindow:
        """The window that opens in a month."""
        opens = self._at(year, month, self.from_day, self.from_time)
        if self.to_day < self.from_day:
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        closes = self._at(year, month, self.to_day, self.to_time)
        return ReadingWindow(opens_at=opens, closes_at=closes)

    def _at(self, year: int, month: int, day: int, at: time) -> datetime:
        last = calendar.monthrange(year, month)[1]
        return datetime.combine(date(year, month, min(day, last)), at, tzinfo=self.zone)


def _parse_time(text: str) -> time:
    match = _TIME.match(text.strip())
    if not match:
        raise ValueError(f"not a time of day HH:MM: {text!r}")
    return time(int(match.group(1)), int(match.group(2)))


def local_day(now: datetime, timezone: str) -> date:
    """The portal's date at an instant ("today" for one reading per day)."""
    return now.astimezone(ZoneInfo(timezone)).date()


# R5.11 windows --------------------------------------------------------------------


def reading_windows(
    policy: Mapping[str, Any], timezone: str, now: datetime
) -> tuple[ReadingWindow | None, ReadingWindow]:
    """The window open at `now` (None when closed) and the next one to open.

    A window is open from `opens_at` to the end of the minute `closes_at`
    ("until 23:59" takes a reading sent at 23:59:30).
    """
    rule = WindowPolicy.of(policy, timezone)
    local = now.astimezone(rule.zone)
    open_window: ReadingWindow | None = None
    for offset in range(-2, 3):
        index = local.year * 12 + local.month - 1 + offset
        window = rule.window_of_month(index // 12, index % 12 + 1)
        if window.opens_at <= now < window.closes_at + _MINUTE:
            open_window = window
        elif window.opens_at > now:
            return open_window, window
    raise AssertionError("a window opens every month")  # pragma: no cover


def check_inside_window(policy: Mapping[str, Any], timezone: str, now: datetime) -> ReadingWindow:
    """The window open now; `reading_outside_window` when none is (R5.11)."""
    open_window, next_window = reading_windows(policy, timezone, now)
    if open_window is None:
        raise RuleViolation(
            "self-readings are accepted only inside the published windows; the next one "
            f"opens {next_window.opens_at.isoformat()} and closes "
            f"{next_window.closes_at.isoformat()}",
            code="reading_outside_window",
            details={
                "next_opens_at": next_window.opens_at.isoformat(),
                "next_closes_at": next_window.closes_at.isoformat(),
            },
        )
    return open_window


def check_reading_date(reading_date: date, today: date, window: ReadingWindow) -> None:
    """A reading's day: not in the future, and within the open window."""
    if reading_date > today:
        raise InvalidInput(
            f"the reading date {reading_date} is in the future (today is {today})",
            code="invalid_reading_date",
        )
    first = window.opens_at.date()
    if reading_date < first:
        raise RuleViolation(
            f"a reading of {reading_date} is outside the open window, which opened on {first}",
            code="reading_outside_window",
            details={"opens_at": window.opens_at.isoformat()},
        )


# R5.12 the values -----------------------------------------------------------------


def check_reading_range(meter: int, corrector: int | None) -> None:
    """R5.12: whole readings from 0 to `MAX_READING` (the form, before anything is sent)."""
    for label, value in (("meter", meter), ("corrector", corrector)):
        if value is not None and not 0 <= value <= MAX_READING:
            raise InvalidInput(
                f"the {label} reading must be a whole number from 0 to {MAX_READING}",
                code="invalid_reading",
            )


def check_reading_values(supply: SupplyPoint, meter: int, corrector: int | None) -> None:
    """Whole, non-negative readings; the corrector's exactly when the meter has one (R5.12)."""
    check_reading_range(meter, corrector)
    if supply.has_corrector and corrector is None:
        raise RuleViolation(
            f"the gas meter of {supply.id} has a volume corrector: give its reading too "
            "(--corrector)",
            code="corrector_reading_required",
        )
    if not supply.has_corrector and corrector is not None:
        raise RuleViolation(
            f"the meter of {supply.id} has no volume corrector: send the meter reading only",
            code="corrector_reading_not_allowed",
        )


# R5.13 one a day, and never backwards ----------------------------------------------


def check_one_per_day(readings: Sequence[MeterReading], reading_date: date) -> None:
    """One reading per day per supply point (R5.13); a deleted one frees its day."""
    for reading in readings:
        if reading.reading_date == reading_date:
            raise RuleViolation(
                f"a reading of {reading_date} was already sent for {reading.supply_point} "
                f"(meter {reading.meter}, {reading.status}); one reading per day",
                code="reading_already_submitted_today",
                details={"reading_date": reading_date.isoformat(), "status": reading.status},
            )


def last_acquired(readings: Sequence[MeterReading], now: datetime) -> MeterReading | None:
    """The latest acquired reading (by reading date, then sending time)."""
    acquired = [r for r in readings if reading_status(r.acquired_at, now) == "acquired"]
    return max(acquired, key=lambda r: (r.reading_date, r.submitted_at), default=None)


def check_not_decreasing(
    readings: Sequence[MeterReading],
    now: datetime,
    *,
    reading_date: date,
    meter: int,
    corrector: int | None,
    meter_replaced: bool,
) -> None:
    """No reading lower than the last acquired one, nor dated before it (unless replaced)."""
    last = last_acquired(readings, now)
    if last is None or meter_replaced:
        return
    if reading_date < last.reading_date:
        raise RuleViolation(
            f"a reading of {last.reading_date} is acquired already; a new one cannot be "
            "dated before it",
            code="reading_decreasing",
            details={"last_acquired_date": last.reading_date.isoformat()},
        )
    for label, new, old in (("meter", meter, last.meter), ("corrector", corrector, last.corrector)):
        if new is not None and old is not None and new < old:
            raise RuleViolation(
                f"the {label} reading {new} is lower than the last acquired one, {old} of "
                f"{last.reading_date}; if the meter was replaced, say so with --meter-replaced",
                code="reading_decreasing",
                details={
                    "field": label,
                    "last_acquired": old,
                    "last_acquired_date": last.reading_date.isoformat(),
                },
            )


def check_new_reading(
    policy: Mapping[str, Any],
    timezone: str,
    now: datetime,
    supply: SupplyPoint,
    readings: Sequence[MeterReading],
    submission: ReadingSubmission,
) -> date:
    """Every rule a new self-reading must satisfy, in order; return its reading date.

    `readings` are the supply point's readings as the portal has them at `now`.
    """
    check_reading_values(supply, submission.meter, submission.corrector)
    window = check_inside_window(policy, timezone, now)
    today = local_day(now, timezone)
    reading_date = submission.reading_date or today
    check_reading_date(reading_date, today, window)
    check_one_per_day(readings, reading_date)
    check_not_decreasing(
        readings,
        now,
        reading_date=reading_date,
        meter=submission.meter,
        corrector=submission.corrector,
        meter_replaced=submission.meter_replaced,
    )
    return reading_date


# R5.14 acquisition and deletion ---------------------------------------------------


def acquisition_time(submitted_at: datetime, every_minutes: int) -> datetime:
    """When the acquisition job takes a reading: the first mark of the clock after sending.

    The job runs every `every_minutes` from midnight UTC (:00 and :30 for 30); a
    reading sent exactly on a mark waits for the next one.
    """
    if every_minutes <= 0:
        raise ValueError("the acquisition job must run every 1 or more minutes")
    step = timedelta(minutes=every_minutes)
    utc = submitted_at.astimezone(UTC)
    midnight = utc.replace(hour=0, minute=0, second=0, microsecond=0)
    marks = (utc - midnight) // step + 1
    return midnight + marks * step


def reading_status(acquired_at: datetime, now: datetime) -> ReadingStatus:
    """`acquired` once the acquisition time has come, else `pending`."""
    return "acquired" if has_passed(now, acquired_at) else "pending"


def find_reading(readings: Sequence[MeterReading], reading_date: date) -> MeterReading:
    """The reading of a day, or `reading_not_found`."""
    for reading in readings:
        if reading.reading_date == reading_date:
            return reading
    raise NotFound(f"no reading of {reading_date} to delete", code="reading_not_found")


def check_deletable(reading: MeterReading, now: datetime) -> None:
    """A reading can be deleted until it is acquired (R5.14)."""
    if reading_status(reading.acquired_at, now) == "acquired":
        raise RuleViolation(
            f"the reading of {reading.reading_date} was acquired at "
            f"{reading.acquired_at.isoformat()} and can no longer be deleted",
            code="reading_already_acquired",
            details={"acquired_at": reading.acquired_at.isoformat()},
        )
