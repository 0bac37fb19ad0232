"""`GET /{tenant}/v1/portal`: what the portal is; `/portal/calendar`: the days it works."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Query

from familycard import PortalDay, PortalInfo
from familycard.rules.calendar import check_calendar_range

from ..deps import PortalDep
from ..transactions import TxRoute

router = APIRouter(route_class=TxRoute, tags=["portal"])

#: Without `to`, the calendar runs this many days after `from`.
DEFAULT_CALENDAR_DAYS = 30


@router.get("/portal")
def portal_info(portal: PortalDep) -> PortalInfo:
    """The portal's kind, policy and features."""
    return portal.tenant.info()


@router.get("/portal/calendar")
def portal_calendar(
    portal: PortalDep,
    first: Annotated[
        date | None, Query(alias="from", description="The first day (default: today).")
    ] = None,
    last: Annotated[
        date | None, Query(alias="to", description="The last day (default: 30 days on).")
    ] = None,
) -> list[PortalDay]:
    """The working-day calendar the portal applies, day by day, with the reason of each
    day that is not an ordinary one (a public holiday, a moved working day, a closure)."""
    start = first or portal.today()
    check_calendar_range(start, last or start)
    end = last or start + timedelta(days=DEFAULT_CALENDAR_DAYS)
    return portal.calendar.days(start, end)
