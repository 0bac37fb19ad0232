"""`/{tenant}/v1/notices`, `/meals-consumed` and the clerk's issuing: pagoPA notices.

Entranext accounts see notices and meals consumed only once elevated (R2.2-R2.3):
`ElevatedDep` refuses the others with `elevation_required`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends

from familycard.models.notices import (
    CartRequest,
    ConsumedMeal,
    MealsBatch,
    MealsRecordResult,
    Notice,
    NoticeBatch,
    NoticeIssueResult,
    Psp,
)
from familycard.models.payments import Payment
from familycard.rules.notices import check_elevated

from ..backends import notices
from ..deps import ClerkDep, PortalDep, UserDep
from ..state import Portal
from ..transactions import TxRoute

router = APIRouter(route_class=TxRoute, tags=["notices"])


def _feature(name: str) -> Callable[[Portal, sqlite3.Row], sqlite3.Row]:
    def dependency(portal: PortalDep, account: UserDep) -> sqlite3.Row:
        portal.require(name)
        check_elevated(portal.tenant.kind, bool(account["elevated"]))
        return account

    return dependency


#: A user who may see and pay notices: ready, and elevated on entranext (R2.2-R2.3).
ElevatedDep = Annotated[sqlite3.Row, Depends(_feature("notices"))]
#: A user who may see meals consumed: elevated on entranext (R2.3).
MealsUserDep = Annotated[sqlite3.Row, Depends(_feature("meals_consumed"))]


@router.get("/notices")
def list_notices(
    portal: PortalDep, account: ElevatedDep, status: str = "all", member: str | None = None
) -> list[Notice]:
    """The family's notices: `due`, `paid`, `expired` or `all` (R2.3, R4.4)."""
    return notices.list_notices(portal, account, status=status, member=member)


@router.get("/notices/psps")
def list_psps(portal: PortalDep, method: str) -> list[Psp]:
    """The PSPs offering a payment method, with their fees (R4.5)."""
    portal.require("notices")
    return notices.psps(portal, method)


@router.post("/notices/pay")
def pay(portal: PortalDep, account: ElevatedDep, cart: CartRequest) -> Payment:
    """Pay a cart of notices in one payment through a PSP's page (R4.5)."""
    return notices.pay(portal, account, cart)


@router.get("/notices/{number}")
def show_notice(portal: PortalDep, account: ElevatedDep, number: str) -> Notice:
    """One notice, with its slip data."""
    return notices.get_notice(portal, account, number)


@router.get("/meals-consumed")
def meals_consumed(
    portal: PortalDep, account: MealsUserDep, month: str | None = None, member: str | None = None
) -> list[ConsumedMeal]:
    """Meals the family's children consumed in a month (R2.3)."""
    return notices.meals_consumed(portal, account, month=month, member=member)


@router.post("/clerk/notices", tags=["clerk"])
def issue_notices(portal: ClerkDep, batch: NoticeBatch) -> list[NoticeIssueResult]:
    """Issue notices to children or families, each row on its own."""
    portal.require("notices")
    return notices.issue(portal, ((r.row, r.data) for r in batch.rows))


@router.post("/clerk/meals-consumed", tags=["clerk"])
def record_meals(portal: ClerkDep, batch: MealsBatch) -> list[MealsRecordResult]:
    """Record meals consumed (a day recorded again replaces its count)."""
    return notices.record_meals(portal, ((r.row, r.data) for r in batch.rows))
