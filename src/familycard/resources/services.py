"""`client.services`: the child's active services, each with its detail (R1.5)."""

from __future__ import annotations

from ..identifiers import validate_tax_code
from ..models.tokens import Service
from ..rules.tokens import check_service
from ._base import Resource


class ServicesResource(Resource):
    """Services a child is enrolled in (school canteen, Casa dei bambini), with balances."""

    def list(self, *, member: str | None = None) -> list[Service]:
        """The active services of the account's children (or of one child, by tax code)."""
        self._client.require("tokens")
        params = {"member": validate_tax_code(member) if member else None}
        return self._call_list(Service, "GET", "/services", params=params)

    def get(self, service: str, *, member: str | None = None) -> Service:
        """One service's detail: balance, price per token, last day attended."""
        info = self._client.require("tokens")
        code = check_service(service, info.policy)
        params = {"member": validate_tax_code(member) if member else None}
        return self._call(Service, "GET", f"/services/{code}", params=params)
