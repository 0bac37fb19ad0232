"""`/{tenant}/v1/supplies`, `/invoices`, `/documents`: the utility customer area."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from familycard import Ack
from familycard.models.utility import (
    Consumption,
    Document,
    DocumentCategory,
    Invoice,
    Measures,
    MeterReading,
    ReadingLog,
    ReadingSubmission,
    ReadingWindows,
    SupplyDetails,
    SupplyPoint,
)

from ..backends import readings, utility
from ..deps import PortalDep, UserDep
from ..transactions import TxRoute

router = APIRouter(route_class=TxRoute, tags=["utility"])


def _pdf(content: bytes, filename: str) -> Response:
    return Response(
        content,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


_PDF: dict[int | str, dict[str, Any]] = {200: {"content": {"application/pdf": {}}}}


@router.get("/supplies")
def list_supplies(portal: PortalDep, account: UserDep) -> list[SupplyPoint]:
    """The customer's supply points."""
    return utility.supply_points(portal, account)


@router.get("/supplies/{point}")
def show_supply(portal: PortalDep, account: UserDep, point: str) -> SupplyDetails:
    """A supply point with its technical and contract data."""
    return utility.supply_details(portal, account, point)


@router.get("/supplies/{point}/readings")
def reading_log(portal: PortalDep, account: UserDep, point: str) -> ReadingLog:
    """The supply point's self-readings, newest first."""
    return readings.log(portal, account, point)


@router.get("/supplies/{point}/readings/windows")
def reading_windows(portal: PortalDep, account: UserDep, point: str) -> ReadingWindows:
    """The open self-reading window and the next one."""
    return readings.windows(portal, account, point)


@router.post("/supplies/{point}/readings")
def submit_reading(
    portal: PortalDep, account: UserDep, point: str, body: ReadingSubmission
) -> MeterReading:
    """Add a self-reading (to be acquired)."""
    return readings.submit(portal, account, point, body)


@router.delete("/supplies/{point}/readings/{reading_date}")
def delete_reading(portal: PortalDep, account: UserDep, point: str, reading_date: date) -> Ack:
    """Delete a self-reading that is not acquired yet."""
    return readings.delete(portal, account, point, reading_date)


@router.get("/supplies/{point}/invoices")
def list_invoices(
    portal: PortalDep, account: UserDep, point: str, year: int | None = None
) -> list[Invoice]:
    """The supply point's invoices since 2014, newest first."""
    return utility.invoices(portal, account, point, year)


@router.get("/supplies/{point}/consumption")
def show_consumption(
    portal: PortalDep, account: UserDep, point: str, year: int | None = None
) -> Consumption:
    """Billed withdrawals of a year, per month."""
    return utility.consumption(portal, account, point, year)


@router.get("/supplies/{point}/measures")
def list_measures(
    portal: PortalDep,
    account: UserDep,
    point: str,
    since: Annotated[date, Query(alias="from")],
    until: Annotated[date, Query(alias="to")],
) -> Measures:
    """Hourly electricity measures in an interval of days."""
    return utility.measures(portal, account, point, since, until)


@router.get("/invoices/{invoice_id}")
def show_invoice(portal: PortalDep, account: UserDep, invoice_id: str) -> Invoice:
    """One of the customer's invoices."""
    return utility.find_invoice(portal, account, invoice_id)


@router.get("/invoices/{invoice_id}/document", response_class=Response, responses=_PDF)
def invoice_document(portal: PortalDep, account: UserDep, invoice_id: str) -> Response:
    """The invoice's PDF, where it has one."""
    invoice = utility.find_invoice(portal, account, invoice_id)
    return _pdf(utility.invoice_pdf(portal, account, invoice), f"invoice-{invoice_id}.pdf")


@router.get("/documents")
def list_documents(
    portal: PortalDep, account: UserDep, category: DocumentCategory | None = None
) -> list[Document]:
    """The customer's own documents and general documentation, forms, regulations, news."""
    return utility.documents(portal, account, category)


@router.get("/documents/{document_id}/file", response_class=Response, responses=_PDF)
def document_file(portal: PortalDep, account: UserDep, document_id: str) -> Response:
    """A document's PDF."""
    return _pdf(utility.document_pdf(portal, account, document_id), f"{document_id}.pdf")
