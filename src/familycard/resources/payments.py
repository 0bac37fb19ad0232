"""`client.payments`: payments made, and their receipt PDFs."""

from __future__ import annotations

from datetime import date
from typing import Literal

from ..models.payments import Payment
from ..rules.calendar import school_year_bounds
from ._base import Resource, segment


class PaymentsResource(Resource):
    """The user's payments: card payments, cash and refunds recorded by the office."""

    def list(
        self,
        *,
        member: str | None = None,
        school_year: str | None = None,
        since: date | None = None,
        until: date | None = None,
        sort: Literal["asc", "desc"] = "desc",
    ) -> list[Payment]:
        """Payments in a period; with none given, the portal's default period."""
        if school_year is not None:
            school_year_bounds(school_year)  # a malformed year fails before sending
        params = {
            "member": member,
            "school_year": school_year,
            "from": since.isoformat() if since else None,
            "to": until.isoformat() if until else None,
            "sort": sort,
        }
        return self._call_list(Payment, "GET", "/payments", params=params)

    def get(self, payment_id: str) -> Payment:
        """One payment, with its status and whether its receipt is ready."""
        return self._call(Payment, "GET", f"/payments/{segment(payment_id, 'payment id')}")

    def receipt(self, payment_id: str) -> bytes:
        """The receipt PDF of a succeeded payment."""
        response = self._client._core.request(
            "GET", f"/payments/{segment(payment_id, 'payment id')}/receipt"
        )
        return response.content
