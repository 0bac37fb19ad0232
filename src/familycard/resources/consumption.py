"""`client.consumption`: billed withdrawals per month (R5.7) and electricity measures (R5.9)."""

from __future__ import annotations

from datetime import date

from ..models.utility import Consumption, Measures
from ..rules.utility import check_invoice_year, check_measures_interval, check_measures_supported
from ._base import Resource, segment


class ConsumptionResource(Resource):
    """What a supply point drew: per month as billed, per hour as measured."""

    def show(self, *, year: int | None = None, supply_point: str | None = None) -> Consumption:
        """Energy (and power, for electricity) per billed month of a year; this year by default."""
        info = self._client.require("consumption")
        check_invoice_year(year, info.policy)
        point, _ = self._client.supplies.resolve(supply_point)
        return self._call(
            Consumption,
            "GET",
            f"/supplies/{segment(point, 'supply point')}/consumption",
            params={"year": year},
        )

    def measures(self, since: date, until: date, *, supply_point: str | None = None) -> Measures:
        """Hourly measures of an electricity supply point from `since` to `until` (days)."""
        info = self._client.require("measures")
        check_measures_interval(since, until, info.policy)
        point, kind = self._client.supplies.resolve(supply_point)
        check_measures_supported(kind)
        return self._call(
            Measures,
            "GET",
            f"/supplies/{segment(point, 'supply point')}/measures",
            params={"from": since.isoformat(), "to": until.isoformat()},
        )
