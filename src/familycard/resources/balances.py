"""`client.balances`: members' running accounts, and the clerk's cash, refunds and charges
(R3.15-R3.16)."""

from __future__ import annotations

import builtins
from decimal import Decimal
from typing import TypeVar

from pydantic import BaseModel

from .._errors import InvalidInput
from ..models._base import Money
from ..models.meals import AccountBalance, ClerkMoneyRequest
from ..models.payments import Payment
from ..rules.meals import check_amount
from ._base import Resource

R = TypeVar("R", bound=BaseModel)


class BalancesResource(Resource):
    """The running account (folyószámla) of each member and service."""

    def list(self, *, member: str | None = None) -> builtins.list[AccountBalance]:
        """Balances: 0 settled, negative debt, positive overpayment (R3.16)."""
        self._client.require("meals")
        return self._call_list(AccountBalance, "GET", "/balances", params={"member": member})

    def _money(self, amount: Money | Decimal | int | str) -> Money:
        info = self._client.require("meals")
        if isinstance(amount, Money):
            if amount.currency != info.currency:
                raise InvalidInput(
                    f"amounts on this portal are in {info.currency}", code="wrong_currency"
                )
            amount = amount.value
        return check_amount(amount, info.currency)

    def record_cash(
        self,
        member: str,
        amount: Money | Decimal | int | str,
        *,
        service: str = "meals",
        note: str | None = None,
        idempotency_key: str | None = None,
    ) -> Payment:
        """Record a cash (or other) payment to a member's account (clerk, R3.15)."""
        return self._record(
            "/clerk/cash-payments", member, amount, service, note, idempotency_key, Payment
        )

    def record_refund(
        self,
        member: str,
        amount: Money | Decimal | int | str,
        *,
        service: str = "meals",
        note: str | None = None,
        idempotency_key: str | None = None,
    ) -> Payment:
        """Record a refund of a member's overpayment (clerk, R3.15); never more than it."""
        return self._record(
            "/clerk/refunds", member, amount, service, note, idempotency_key, Payment
        )

    def record_charge(
        self,
        member: str,
        amount: Money | Decimal | int | str,
        *,
        service: str = "meals",
        note: str | None = None,
        idempotency_key: str | None = None,
    ) -> AccountBalance:
        """Charge a member's running account (clerk, R3.16): a debt until a payment covers it.

        Returns the account after the charge.
        """
        return self._record(
            "/clerk/charges", member, amount, service, note, idempotency_key, AccountBalance
        )

    def _record(
        self,
        path: str,
        member: str,
        amount: Money | Decimal | int | str,
        service: str,
        note: str | None,
        idempotency_key: str | None,
        result: type[R],
    ) -> R:
        """One clerk entry on a member's running account; `result` is what the portal returns."""
        body = ClerkMoneyRequest(
            member=member, amount=self._money(amount), service=service, note=note
        )
        return self._call(
            result,
            "POST",
            path,
            json=body.model_dump(mode="json", exclude_none=True),
            idempotency_key=idempotency_key,
        )
