"""`client.invoices`: invoices since 2014 and their PDFs (R5.4)."""

from __future__ import annotations

from ..models.utility import Invoice
from ..rules.utility import check_invoice_year
from ._base import Resource, segment


class InvoicesResource(Resource):
    """The invoices of a supply point."""

    def get(self, invoice_id: str) -> Invoice:
        """One of the customer's invoices, whichever supply point it bills."""
        self._client.require("invoices")
        return self._call(Invoice, "GET", f"/invoices/{segment(invoice_id, 'invoice id')}")

    def download(self, invoice_id: str) -> bytes:
        """The invoice's PDF; `invoice_document_missing` (not found) when it has none."""
        self._client.require("invoices")
        path = f"/invoices/{segment(invoice_id, 'invoice id')}/document"
        return self._client._core.request("GET", path).content

    def list(self, *, year: int | None = None, supply_point: str | None = None) -> list[Invoice]:
        """Invoices since 2014, newest first; only those issued in `year` if given."""
        info = self._client.require("invoices")
        check_invoice_year(year, info.policy)
        point, _ = self._client.supplies.resolve(supply_point)
        return self._call_list(
            Invoice,
            "GET",
            f"/supplies/{segment(point, 'supply point')}/invoices",
            params={"year": year},
        )
