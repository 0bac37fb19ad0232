"""What a portal says about itself: `GET /v1/portal`."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ..kinds import PortalKind
from ._base import Currency, WireModel

__all__ = ["DayKind", "PortalDay", "PortalInfo", "PortalKind"]


class PortalInfo(WireModel):
    """The kind, policy and features of one portal (one tenant of the stub)."""

    tenant: str
    """The tenant's slug, the last segment of the portal URL (`tortona`)."""
    kind: PortalKind
    """Which of the five portal kinds this is."""
    name: str
    """The portal's display name."""
    currency: Currency
    """The currency of every amount on this portal."""
    timezone: str
    """The IANA timezone the portal's deadlines are in."""
    features: list[str]
    """What the portal offers (`accounts`, `tokens`, `notices`, ...)."""
    policy: dict[str, Any]
    """The numbers of the portal's rules (token multiple, cut-off time, TTLs, ...)."""
    registration_fields: list[str]
    """The fields `auth register` needs on this portal."""
    enrolment_columns: list[str]
    """The columns a clerk's enrolment file has on this portal."""

    def has(self, feature: str) -> bool:
        """Whether the portal offers a feature."""
        return feature in self.features


DayKind = Literal["working", "weekend", "holiday", "moved_working_day", "closure"]


class PortalDay(WireModel):
    """One day of the working-day calendar a portal applies (`GET /v1/portal/calendar`)."""

    date: dt.date
    """The day."""
    working: bool
    """Whether the portal counts it as a working day (deadlines, school days)."""
    kind: DayKind
    """`working`, `weekend`, `holiday` (national), `moved_working_day` (a weekend day
    worked), or `closure` (a day off of the portal's own)."""
    reason: str | None = None
    """Why the day is not an ordinary one: the holiday's name, a moved working day, the
    portal's closure; none for an ordinary weekday or weekend."""
