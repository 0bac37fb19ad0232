"""`/{tenant}/v1/services`, `/tokens`, `/attendance`, `/recharges`, `/clerk/attendance`.

Canteen tokens on a citycard portal (R1.5-R1.8).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from familycard.models.tokens import (
    Attendance,
    AttendanceRequest,
    AttendanceResult,
    Recharge,
    RechargeQuote,
    RechargeRequest,
    Service,
    TokenBalance,
)

from ..backends import tokens
from ..deps import ClerkDep, PortalDep, UserDep, get_portal
from ..transactions import TxRoute

router = APIRouter(route_class=TxRoute, tags=["tokens"])


@router.get("/services")
def list_services(portal: PortalDep, account: UserDep, member: str | None = None) -> list[Service]:
    """The children's active services, each with its detail (R1.5)."""
    portal.require("tokens")
    return tokens.services(portal, account, member)


@router.get("/services/{service}")
def show_service(
    portal: PortalDep, account: UserDep, service: str, member: str | None = None
) -> Service:
    """One service's detail (R1.5)."""
    portal.require("tokens")
    return tokens.service_detail(portal, account, service, member)


@router.get("/tokens")
def token_balances(
    portal: PortalDep, account: UserDep, member: str | None = None, service: str | None = None
) -> list[TokenBalance]:
    """Token balances per child and service; negative when in debit (R1.6)."""
    portal.require("tokens")
    return tokens.balances(portal, account, member, service)


@router.get("/attendance")
def attendance(
    portal: PortalDep,
    account: UserDep,
    month: str,
    service: str | None = None,
    member: str | None = None,
) -> list[Attendance]:
    """The days attended in a month (R1.7)."""
    portal.require("tokens")
    return tokens.attendance(portal, account, month, service=service, member=member)


@router.get("/recharges/quote")
def quote(
    portal: PortalDep,
    account: UserDep,
    tokens_: Annotated[int | None, Query(alias="tokens")] = None,
    top_up_to: int | None = None,
    service: str | None = None,
    member: str | None = None,
) -> RechargeQuote:
    """What a recharge would buy and cost; creates nothing (R1.8)."""
    request = RechargeRequest(tokens=tokens_, top_up_to=top_up_to, service=service, member=member)
    return tokens.quote(portal, account, request)


def create_recharge(portal: PortalDep, account: UserDep, body: RechargeRequest) -> Recharge:
    """A recharge awaiting payment on the card terminal (R1.8).

    The same idempotency key answers the same recharge as it stands now; once it ended
    unpaid (declined, expired), the key is spent: `recharge_ended_unpaid`, use a new one.
    """
    return tokens.create_recharge(portal, account, body)


class _RechargeRoute(TxRoute):
    """A repeated `POST /recharges` answers the recharge as it is now, not as it was."""

    def replayed(self, request: Request, body: bytes) -> Response | None:
        portal = get_portal(request.path_params["tenant"], request)
        current = tokens.replayed_recharge(portal, Recharge.model_validate_json(body))
        return JSONResponse(current.model_dump(mode="json")) if current else None


router.add_api_route(
    "/recharges", create_recharge, methods=["POST"], route_class_override=_RechargeRoute
)


@router.get("/recharges")
def list_recharges(
    portal: PortalDep, account: UserDep, member: str | None = None
) -> list[Recharge]:
    """The recharges of the account's children, newest first."""
    return tokens.list_recharges(portal, account, member)


@router.get("/recharges/{recharge_id}")
def show_recharge(portal: PortalDep, account: UserDep, recharge_id: str) -> Recharge:
    """One recharge, with the outcome of its payment."""
    return tokens.get_recharge(portal, account, recharge_id)


@router.post("/clerk/attendance")
def record_attendance(portal: ClerkDep, body: AttendanceRequest) -> AttendanceResult:
    """The office records days attended; each new day consumes one token (R1.7)."""
    portal.require("tokens")
    return tokens.record_attendance(portal, body)
