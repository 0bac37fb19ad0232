"""`/_stub/...`: the control API for tests, CI and `familycard stub ...`."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from pydantic import ConfigDict

from familycard import ClockState, Faults, InvalidInput, OutboxMessage
from familycard.models._base import RequestModel
from familycard.models.payments import CardPayment, Payment
from familycard.models.stub import StubTenant
from familycard.rules.bounds import check_faults

from ..backends import control
from ..clock import parse_duration
from ..deps import StubDep
from ..transactions import ControlRoute
from . import terminal

router = APIRouter(prefix="/_stub", route_class=ControlRoute, tags=["stub control"])


class ResetRequest(RequestModel):
    """`POST /_stub/reset`."""

    seed: str | None = None
    """A seed to load after emptying (`demo`)."""


class ClockChange(RequestModel):
    """`POST /_stub/clock`: either `set` or `advance`."""

    set: datetime | None = None
    """Freeze the clock at this instant (ISO 8601 with offset)."""
    advance: str | None = None
    """Move the clock forward by a duration (`30m`, `72h`, `2d`)."""


@router.post("/reset")
def reset(stub: StubDep, body: ResetRequest, request: Request) -> dict[str, str]:
    """Empty every tenant, clear faults, let the clock run free; load a seed if asked."""
    control.reset(stub, body.seed, str(request.base_url))
    return {"status": "reset", "seed": body.seed or ""}


@router.get("/tenants")
def tenants(stub: StubDep, request: Request) -> list[StubTenant]:
    """The portals this stub serves, each with the URL to use."""
    base = str(request.base_url).rstrip("/")
    return [
        StubTenant(slug=t.slug, kind=t.kind, name=t.name, url=f"{base}/{t.slug}")
        for t in stub.config.tenants.values()
    ]


@router.get("/clock")
def get_clock(stub: StubDep) -> ClockState:
    """The clock."""
    return ClockState(now=stub.clock.now(), frozen=stub.clock.frozen)


@router.post("/clock")
def change_clock(stub: StubDep, body: ClockChange) -> ClockState:
    """Set or advance the clock."""
    if (body.set is None) == (body.advance is None):
        raise InvalidInput("give exactly one of 'set' and 'advance'", code="invalid_request")
    if body.set is not None:
        stub.clock.set(body.set)
    else:
        stub.clock.advance(parse_duration(body.advance or ""))
    return ClockState(now=stub.clock.now(), frozen=stub.clock.frozen)


@router.get("/outbox")
def outbox(stub: StubDep, to: str | None = None, tenant: str | None = None) -> list[OutboxMessage]:
    """The e-mails sent so far, oldest first."""
    return control.outbox(stub, to=to, tenant=tenant)


@router.post("/payments/{payment_id}/pay")
def pay(stub: StubDep, request: Request, payment_id: str, body: CardPayment) -> Payment:
    """Pay on the terminal with a test card, as a person would on the page."""
    return terminal.pay_for_scripts(stub, request, payment_id, body)


class FaultsChange(Faults):
    """`PUT /_stub/faults`: `Faults` as a request, refusing an unknown (misspelled) field."""

    model_config = ConfigDict(extra="forbid")


@router.get("/faults")
def get_faults(stub: StubDep) -> Faults:
    """The faults in force."""
    return stub.faults.config


@router.put("/faults")
def set_faults(stub: StubDep, faults: FaultsChange) -> Faults:
    """Replace the faults in force."""
    stub.faults.replace(check_faults(faults))
    return stub.faults.config
