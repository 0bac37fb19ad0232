"""`client.members`: the members (children) an etelka account manages (R3.10, R3.14)."""

from __future__ import annotations

import builtins

from ..models.meals import BillingRequest, Member
from ..rules.meals import check_billing
from ._base import Resource, segment


class MembersResource(Resource):
    """Members with their age group and offer; read-only for the family (R3.14)."""

    def list(self) -> builtins.list[Member]:
        """The members the account manages, each with its id, age group and offer."""
        self._client.require("meals")
        return self._call_list(Member, "GET", "/members")

    def get(self, member: str) -> Member:
        """One member, by id or name (accents and case aside)."""
        self._client.require("meals")
        return self._call(Member, "GET", f"/members/{segment(member.strip(), 'member')}")

    def set_billing(
        self,
        member: str,
        *,
        name: str,
        address: str,
        tax_number: str | None = None,
        idempotency_key: str | None = None,
    ) -> Member:
        """Record a member's billing data, needed for invoices (clerk; the family cannot)."""
        self._client.require("meals")
        body = check_billing(
            BillingRequest(member=member, name=name, address=address, tax_number=tax_number)
        )
        return self._call(
            Member,
            "PUT",
            "/clerk/billing",
            json=body.model_dump(exclude_none=True),
            idempotency_key=idempotency_key,
        )
