"""`client.portal`: what the portal is, and the days it works."""

from __future__ import annotations

from datetime import date

from ..models.portal import PortalDay, PortalInfo
from ..rules.calendar import PublishedCalendar, check_calendar_range
from ._base import Resource


class PortalResource(Resource):
    """The portal's kind, policy and features (`GET /v1/portal`), and its calendar."""

    def info(self) -> PortalInfo:
        """Ask the portal for its kind, name, currency, policy and features."""
        info = self._call(PortalInfo, "GET", "/portal")
        self._client._info = info
        return info

    def calendar(self, start: date | None = None, end: date | None = None) -> list[PortalDay]:
        """The portal's working-day calendar from `start` to `end` (both included; by
        default from the portal's today, for 30 days), day by day, with the reason of
        every day that is not an ordinary one.

        This is the calendar the portal applies to its deadlines (R3.9) and school days
        (R1.7): its country's national calendar with the portal's own closures and
        moved working days, whatever calendar data the client has installed.
        """
        first, last = start or end, end or start
        if first is not None and last is not None:
            check_calendar_range(first, last)
        params = {
            "from": start.isoformat() if start else None,
            "to": end.isoformat() if end else None,
        }
        return self._call_list(PortalDay, "GET", "/portal/calendar", params=params)

    def working_calendar(self, start: date, end: date) -> PublishedCalendar:
        """The portal's calendar from `start` to `end`, as the rules take it."""
        return PublishedCalendar(self.calendar(start, end))
