"""`/{tenant}/v1/clerk/...`: the office's side, behind the clerk key."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from familycard import Ack, ElevationCode, EnrolmentResult
from familycard.models.accounts import TaxCodeRequest
from familycard.models.clerk import EnrolmentBatch, EnrolmentPage
from familycard.rules.bounds import MAX_INTEGER

from ..backends import clerk
from ..deps import ClerkDep
from ..transactions import TxRoute

router = APIRouter(prefix="/clerk", route_class=TxRoute, tags=["clerk"])


@router.post("/enrolments")
def enroll(portal: ClerkDep, batch: EnrolmentBatch) -> list[EnrolmentResult]:
    """Enrol a batch of rows, each on its own."""
    return clerk.enroll(portal, ((r.row, r.data) for r in batch.rows))


@router.get("/enrolments")
def list_enrolments(
    portal: ClerkDep,
    after: Annotated[
        int, Query(ge=0, le=MAX_INTEGER, description="The id after which the page starts.")
    ] = 0,
    limit: Annotated[int, Query(ge=1, le=5000, description="Enrolments per page.")] = 1000,
) -> EnrolmentPage:
    """The portal's enrolments, oldest first, a page at a time."""
    return clerk.list_enrolments(portal, after=after, limit=limit)


@router.post("/reset-credentials")
def reset_credentials(portal: ClerkDep, body: TaxCodeRequest) -> Ack:
    """Regenerate a child's credentials and PIN (R1.4)."""
    return clerk.reset_credentials(portal, body.tax_code)


@router.post("/elevation-codes")
def elevation_code(portal: ClerkDep, body: TaxCodeRequest) -> ElevationCode:
    """Issue a credential-elevation code for a family (R2.2)."""
    return clerk.elevation_code(portal, body.tax_code)
