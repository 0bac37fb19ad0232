"""`client.supplies`: the customer's supply points and their data (R5.3, R5.8)."""

from __future__ import annotations

from ..models.utility import SupplyDetails, SupplyKind, SupplyPoint
from ..rules.utility import parse_supply_point, resolve_supply_point
from ._base import Resource, segment


class SuppliesResource(Resource):
    """Supply points: electricity PODs and gas PDRs, with address and corrector."""

    def resolve(self, supply_point: str | None = None) -> tuple[str, SupplyKind]:
        """The supply point a call is about, and its kind (R5.3).

        A given one is checked for form before anything is sent
        (`invalid_supply_point`); without one, the customer's only supply point,
        or `supply_point_required` when there are several.
        """
        if supply_point is not None:
            return parse_supply_point(supply_point)
        points = {p.id: p for p in self.list()}
        chosen = points[resolve_supply_point(list(points), None)]
        return chosen.id, chosen.kind

    def get(self, supply_point: str | None = None) -> SupplyDetails:
        """A supply point with its technical and contract data, read-only (R5.8)."""
        self._client.require("supplies")
        point, _ = self.resolve(supply_point)
        return self._call(SupplyDetails, "GET", f"/supplies/{segment(point, 'supply point')}")

    def list(self) -> list[SupplyPoint]:
        """The customer's supply points."""
        self._client.require("supplies")
        return self._call_list(SupplyPoint, "GET", "/supplies")
