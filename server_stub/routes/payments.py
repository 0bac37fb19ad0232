"""`/{tenant}/v1/payments`: payments made, and their receipts."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from familycard.models.payments import Payment

from ..backends import accounts, payments
from ..deps import PortalDep, UserDep
from ..transactions import TxRoute

router = APIRouter(prefix="/payments", route_class=TxRoute, tags=["payments"])


@router.get("")
def list_payments(
    portal: PortalDep,
    account: UserDep,
    member: str | None = None,
    school_year: str | None = None,
    since: Annotated[date | None, Query(alias="from")] = None,
    until: Annotated[date | None, Query(alias="to")] = None,
    sort: Literal["asc", "desc"] = "desc",
) -> list[Payment]:
    """Payments in a period (by default the policy's: the current school year on citycard)."""
    return payments.list_payments(
        portal,
        account,
        accounts.members(portal, account),
        member=member,
        school_year=school_year,
        since=since,
        until=until,
        sort=sort,
    )


@router.get("/{payment_id}")
def get_payment(portal: PortalDep, account: UserDep, payment_id: str) -> Payment:
    """One payment."""
    return payments.get(portal, account, accounts.members(portal, account), payment_id)


@router.get(
    "/{payment_id}/receipt",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
def receipt(portal: PortalDep, account: UserDep, payment_id: str) -> Response:
    """The receipt PDF of a succeeded payment."""
    payment = payments.get(portal, account, accounts.members(portal, account), payment_id)
    return Response(
        payments.receipt_pdf(portal, payment),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="receipt-{payment_id}.pdf"'},
    )
