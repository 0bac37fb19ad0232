"""`client.recharges`: buy tokens by card, in multiples of the portal's number (R1.8)."""

from __future__ import annotations

from ..identifiers import validate_tax_code
from ..models.tokens import Recharge, RechargeQuote, RechargeRequest
from ..rules.tokens import (
    check_recharge_request,
    check_service,
    max_tokens_per_recharge,
    token_multiple,
)
from ._base import Resource, poll, segment

#: The portal marks a response replayed for an idempotency key it has seen.


class RechargesResource(Resource):
    """Recharges: quote, create (paid on the card terminal), follow until paid.

    Give either `tokens` (a positive multiple of the portal's `token_multiple`, 5 on
    Tortona) or `top_up_to` (the portal buys the fewest tokens that bring the balance
    to at least that; nothing when it is there already).
    """

    def _request(
        self,
        tokens: int | None,
        top_up_to: int | None,
        service: str | None,
        member: str | None,
    ) -> RechargeRequest:
        info = self._client.require("recharges")
        check_recharge_request(
            tokens=tokens,
            top_up_to=top_up_to,
            multiple=token_multiple(info.policy),
            maximum=max_tokens_per_recharge(info.policy),
        )
        return RechargeRequest(
            tokens=tokens,
            top_up_to=top_up_to,
            service=check_service(service, info.policy) if service else None,
            member=validate_tax_code(member) if member else None,
        )

    def quote(
        self,
        *,
        tokens: int | None = None,
        top_up_to: int | None = None,
        service: str | None = None,
        member: str | None = None,
    ) -> RechargeQuote:
        """What a recharge would buy and cost, from the balance now; creates nothing."""
        body = self._request(tokens, top_up_to, service, member)
        return self._call(
            RechargeQuote, "GET", "/recharges/quote", params=body.model_dump(exclude_none=True)
        )

    def create(
        self,
        *,
        tokens: int | None = None,
        top_up_to: int | None = None,
        service: str | None = None,
        member: str | None = None,
        idempotency_key: str | None = None,
    ) -> Recharge:
        """Create a recharge awaiting payment; a person pays at its `checkout_url`.

        The same `idempotency_key` (with the same request) returns the same recharge
        and payment, never a second checkout, as it stands now; once its payment ended
        unpaid, the key is spent (`recharge_ended_unpaid`).  With
        `top_up_to` and nothing needed, the result has status `not_needed` and no id.
        """
        body = self._request(tokens, top_up_to, service, member)
        # A replayed key answers the recharge as it is now (the portal's doing), or
        # `recharge_ended_unpaid` once its payment ended unpaid: a new key is needed.
        return self._call(
            Recharge,
            "POST",
            "/recharges",
            json=body.model_dump(exclude_none=True),
            idempotency_key=idempotency_key,
        )

    def get(self, recharge_id: str) -> Recharge:
        """One recharge, with the outcome of its payment."""
        self._client.require("recharges")
        return self._call(Recharge, "GET", f"/recharges/{segment(recharge_id, 'recharge id')}")

    def list(self, *, member: str | None = None) -> list[Recharge]:
        """The recharges of the account's children, newest first."""
        self._client.require("recharges")
        params = {"member": validate_tax_code(member) if member else None}
        return self._call_list(Recharge, "GET", "/recharges", params=params)

    def wait(self, recharge_id: str, *, timeout: float = 600.0, interval: float = 2.0) -> Recharge:
        """Poll until the payment ends (or `timeout` seconds pass); return the recharge.

        Still `awaiting_payment` on return means the timeout passed first.
        """
        return poll(
            lambda: self.get(recharge_id),
            lambda r: r.status != "awaiting_payment",
            timeout=timeout,
            interval=interval,
        )
