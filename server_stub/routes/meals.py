"""`/{tenant}/v1/members`, `/meals/...`, `/balances` and the clerk's records (etelka).

School meals (R3.8-R3.16): members and their offer, the ordering calendar, orders,
finalising and paying, quick cancellation, the running accounts; the clerk records
billing data, cash payments, refunds and charges.
"""

from __future__ import annotations

from fastapi import APIRouter

from familycard.models.meals import (
    AccountBalance,
    BillingRequest,
    Cancellable,
    Cancellation,
    CancelRequest,
    ClerkMoneyRequest,
    Finalization,
    FinalizeRequest,
    MealCalendar,
    Member,
    Order,
    OrderRequest,
    OrderResult,
    RemoveRequest,
)
from familycard.models.payments import Payment

from ..backends import etelka, meals
from ..deps import ClerkDep, PortalDep, UserDep
from ..transactions import TxRoute

router = APIRouter(route_class=TxRoute, tags=["meals"])


@router.get("/members")
def list_members(portal: PortalDep, account: UserDep) -> list[Member]:
    """The members the account manages, each with its offer (R3.10, R3.14)."""
    return etelka.members(portal, account)


@router.get("/members/{member}")
def show_member(portal: PortalDep, account: UserDep, member: str) -> Member:
    """One member's data, read-only (R3.14), by id or name."""
    portal.require("meals")
    return etelka.member_model(portal, etelka.resolve(portal, account, member))


@router.get("/meals/calendar")
def meal_calendar(
    portal: PortalDep, account: UserDep, member: str | None = None, month: str | None = None
) -> MealCalendar:
    """A member's month, day by day: offer, deadline, what is ordered (R3.10-R3.11)."""
    return meals.calendar(portal, account, member, month)


@router.get("/meals/orders")
def list_orders(
    portal: PortalDep, account: UserDep, member: str | None = None, month: str | None = None
) -> list[Order]:
    """The order list of a member's month (R3.11)."""
    return meals.orders(portal, account, member, month)


@router.post("/meals/orders")
def save_order(portal: PortalDep, account: UserDep, body: OrderRequest) -> OrderResult:
    """Save the meals of some days; a day saved again is overwritten (R3.11)."""
    return meals.order(portal, account, body)


@router.post("/meals/orders/remove")
def remove_order(portal: PortalDep, account: UserDep, body: RemoveRequest) -> OrderResult:
    """Remove unfinalised items of some days (R3.11)."""
    return meals.remove(portal, account, body)


@router.get("/meals/finalization")
def finalization_preview(
    portal: PortalDep,
    account: UserDep,
    month: str,
    member: str | None = None,
    invoice: bool = False,
) -> Finalization:
    """The calculation of finalising a member's month; changes nothing (R3.12)."""
    return meals.preview(portal, account, member, month, invoice=invoice)


@router.post("/meals/finalizations")
def finalize(portal: PortalDep, account: UserDep, body: FinalizeRequest) -> Finalization:
    """Finalise a member's month: final at once, or a payment to make (R3.12-R3.13)."""
    return meals.finalize(portal, account, body)


@router.get("/meals/finalizations/{finalization_id}")
def show_finalization(portal: PortalDep, account: UserDep, finalization_id: str) -> Finalization:
    """A finalisation, with its payment as it stands."""
    return meals.finalization(portal, account, finalization_id)


@router.get("/meals/cancellable")
def cancellable(
    portal: PortalDep, account: UserDep, member: str | None = None, month: str | None = None
) -> Cancellable:
    """The earliest month with cancellable days, and those days (R3.8)."""
    return meals.cancellable(portal, account, member, month)


@router.post("/meals/cancellations")
def cancel(portal: PortalDep, account: UserDep, body: CancelRequest) -> Cancellation:
    """Cancel days; each succeeds or is refused on its own, kept in the inbox (R3.8-R3.9)."""
    return meals.cancel(portal, account, body)


@router.get("/balances")
def balances(
    portal: PortalDep, account: UserDep, member: str | None = None
) -> list[AccountBalance]:
    """The running account of each member and service (R3.16)."""
    return etelka.balances(portal, account, member)


@router.put("/clerk/billing")
def set_billing(portal: ClerkDep, body: BillingRequest) -> Member:
    """Record a member's billing data, needed for invoices (R3.13)."""
    return etelka.set_billing(portal, body)


@router.post("/clerk/cash-payments")
def record_cash(portal: ClerkDep, body: ClerkMoneyRequest) -> Payment:
    """Record a cash payment to a member's account (R3.15)."""
    return etelka.record_cash(portal, body)


@router.post("/clerk/refunds")
def record_refund(portal: ClerkDep, body: ClerkMoneyRequest) -> Payment:
    """Record a refund of a member's overpayment (R3.15)."""
    return etelka.record_refund(portal, body)


@router.post("/clerk/charges")
def record_charge(portal: ClerkDep, body: ClerkMoneyRequest) -> AccountBalance:
    """Charge a member's running account: a debt until paid (R3.16)."""
    return etelka.record_charge(portal, body)
