"""`client.portal`: what the portal is, and the days it works."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from pydantic import ValidationError

from .._errors import NotFound
from .._http import describe_response, not_a_portal
from ..models.portal import PortalDay, PortalInfo
from ._base import Resource

if TYPE_CHECKING:  # imported by the calendar calls only: `portal info` needs none of it
    from ..rules.calendar import PublishedCalendar


class PortalResource(Resource):
    """The portal's kind, policy and features (`GET /v1/portal`), and its calendar."""

    def info(self) -> PortalInfo:
        """Ask the portal for its kind, name, currency, policy and features.

        A URL that answers but is no portal (a web page, JSON of another shape, no
        `/v1/portal`) is `not_a_portal` (InvalidInput); when it is a familycard stub's
        root or another of its paths, the message lists the portals it serves.
        """
        core = self._client._core
        try:
            response = core.request("GET", "/portal")
        except NotFound as exc:
            found = describe_response(exc.response) if exc.response is not None else "HTTP 404"
            raise not_a_portal(core.portal_url, found, exc.response) from None
        try:
            info = PortalInfo.model_validate_json(response.content)
        except ValidationError:
            raise not_a_portal(core.portal_url, describe_response(response), response) from None
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
        from ..rules.calendar import check_calendar_range

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
        from ..rules.calendar import PublishedCalendar

        return PublishedCalendar(self.calendar(start, end))
