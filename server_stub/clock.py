"""The stub's one clock: real time until set, then frozen and moved only on request."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from familycard import InvalidInput
from familycard.rules.bounds import excerpt
from familycard.rules.calendar import FIRST_YEAR, LAST_YEAR

__all__ = ["MAX_ADVANCE", "Clock", "parse_duration"]

_DURATION = re.compile(r"([0-9]+)\s*([smhdw])")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
#: The longest move of the clock one request makes: 100 years.
MAX_ADVANCE = timedelta(days=36525)


def parse_duration(text: str) -> timedelta:
    """`30m`, `72h`, `2d`, `1h30m` as a timedelta, at most `MAX_ADVANCE` (100 years)."""
    compact = text.replace(" ", "").lower()
    parts = _DURATION.findall(compact) if len(compact) <= 100 else []
    if not parts or "".join(n + u for n, u in parts) != compact:
        raise InvalidInput(
            f"not a duration: {excerpt(text)} (use e.g. 30m, 72h, 2d, 1h30m)",
            code="invalid_duration",
        )
    seconds = sum(int(amount) * _SECONDS[unit] for amount, unit in parts)
    if seconds > MAX_ADVANCE.total_seconds():
        raise InvalidInput(
            f"the clock moves at most {MAX_ADVANCE.days} days (100 years) at a time, "
            f"not {excerpt(text)}",
            code="invalid_duration",
        )
    return timedelta(seconds=seconds)


def _within_calendar(when: datetime) -> datetime:
    """An instant in UTC within the calendars' years (every rule counts days on them)."""
    if not FIRST_YEAR <= when.year <= LAST_YEAR:
        raise InvalidInput(
            f"the clock stays from {FIRST_YEAR} to {LAST_YEAR}, not {when.year}",
            code="invalid_datetime",
        )
    instant = when.astimezone(UTC)
    if not FIRST_YEAR <= instant.year <= LAST_YEAR:
        raise InvalidInput(
            f"the clock stays from {FIRST_YEAR} to {LAST_YEAR}, not {instant.year}",
            code="invalid_datetime",
        )
    return instant


class Clock:
    """Time for every rule of the stub: activation TTLs, idle sessions, deadlines."""

    def __init__(self) -> None:
        self._frozen: datetime | None = None

    @property
    def frozen(self) -> bool:
        """Whether the clock was set (and so moves only when advanced)."""
        return self._frozen is not None

    def now(self) -> datetime:
        """The current instant, timezone-aware (UTC)."""
        return self._frozen if self._frozen is not None else datetime.now(UTC)

    def set(self, when: datetime) -> None:
        """Freeze the clock at an instant; naive instants are refused."""
        if when.tzinfo is None:
            raise InvalidInput(
                "the clock needs an instant with an offset, e.g. 2026-01-12T08:59:00+01:00",
                code="invalid_datetime",
            )
        self._frozen = _within_calendar(when)

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward (freezing it at now + delta if it ran free)."""
        if delta < timedelta(0):
            raise InvalidInput("the clock only moves forward", code="invalid_duration")
        self._frozen = _within_calendar(self.now() + delta)

    def reset(self) -> None:
        """Back to real time."""
        self._frozen = None
