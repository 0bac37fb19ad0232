"""The stub's one clock: real time until set, then frozen and moved only on request."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from familycard import InvalidInput

__all__ = ["Clock", "parse_duration"]

_DURATION = re.compile(r"(\d+)\s*([smhdw])")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_duration(text: str) -> timedelta:
    """`30m`, `72h`, `2d`, `1h30m` as a timedelta."""
    compact = text.replace(" ", "").lower()
    parts = _DURATION.findall(compact)
    if not parts or "".join(n + u for n, u in parts) != compact:
        raise InvalidInput(
            f"not a duration: {text!r} (use e.g. 30m, 72h, 2d, 1h30m)", code="invalid_duration"
        )
    total = timedelta()
    for amount, unit in parts:
        total += timedelta(**{_UNITS[unit]: int(amount)})
    return total


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
        self._frozen = when.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward (freezing it at now + delta if it ran free)."""
        if delta < timedelta(0):
            raise InvalidInput("the clock only moves forward", code="invalid_duration")
        self._frozen = self.now() + delta

    def reset(self) -> None:
        """Back to real time."""
        self._frozen = None
