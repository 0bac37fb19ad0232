"""Payments made on a portal, paid on an external terminal (X4)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ._base import Money, RequestModel, WireModel

__all__ = ["CardPayment", "Payment", "PaymentStatus", "ReceiptStatus"]

PaymentStatus = Literal["awaiting_payment", "succeeded", "failed", "expired"]
ReceiptStatus = Literal["none", "waiting", "ready", "expired"]


class Payment(WireModel):
    """One payment: a recharge, a meal order, a cart of notices, cash or a refund."""

    id: str
    """The payment's id (`pay_...`)."""
    purpose: str
    """What it pays: `recharge`, `meal_order`, `notices`, `cash`, `refund`."""
    status: PaymentStatus
    """`awaiting_payment` until the terminal reports, then `succeeded`, `failed` or `expired`."""
    amount: Money
    """The amount; negative for a refund."""
    method: str
    """`card`, `debit`, `postal`, `cash`, `refund`."""
    description: str
    """What a person reads on the statement."""
    member: str | None = None
    """The member (child) it is for, where there is one."""
    created_at: datetime
    """When it was created, in the portal clock."""
    completed_at: datetime | None = None
    """When the terminal reported the outcome."""
    expires_at: datetime | None = None
    """An unpaid checkout expires then."""
    checkout_url: str | None = None
    """The terminal page where a person pays (while awaiting payment)."""
    transaction_id: str | None = None
    """The terminal's transaction id, once paid."""
    receipt: ReceiptStatus = "none"
    """Whether the receipt PDF can be downloaded: `waiting` for the document, `ready`, `expired`."""
    details: dict[str, Any] = {}
    """What the payment is for (tokens, notices, period), per purpose."""


class CardPayment(RequestModel):
    """A card typed on the stub's terminal (`familycard stub pay`)."""

    card: str = "4242424242424242"
    """A test card: 4242424242424242 succeeds, 4000000000000002 is declined."""
