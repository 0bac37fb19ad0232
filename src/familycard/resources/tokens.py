"""`client.tokens`: token balances and attendance (R1.6, R1.7)."""

from __future__ import annotations

from ..identifiers import validate_tax_code
from ..models.tokens import Attendance, TokenBalance
from ..rules.tokens import check_service, parse_month
from ._base import Resource


class TokensResource(Resource):
    """Canteen tokens: the balance per child and service, and the days that consumed them."""

    def balances(
        self, *, member: str | None = None, service: str | None = None
    ) -> list[TokenBalance]:
        """The token balance per child and service; negative when in debit (R1.6)."""
        info = self._client.require("tokens")
        params = {
            "member": validate_tax_code(member) if member else None,
            "service": check_service(service, info.policy) if service else None,
        }
        return self._call_list(TokenBalance, "GET", "/tokens", params=params)

    def attendance(
        self, month: str, *, service: str | None = None, member: str | None = None
    ) -> list[Attendance]:
        """The days attended in a month (`YYYY-MM`), per service; each consumed a token (R1.7)."""
        info = self._client.require("tokens")
        first, _ = parse_month(month)
        params = {
            "month": f"{first:%Y-%m}",
            "service": check_service(service, info.policy) if service else None,
            "member": validate_tax_code(member) if member else None,
        }
        return self._call_list(Attendance, "GET", "/attendance", params=params)
