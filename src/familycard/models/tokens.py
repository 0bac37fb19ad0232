"""Canteen tokens (citycard): services, balances, attendance, recharges (R1.5-R1.8)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ._base import Money, RequestModel, WireModel

__all__ = [
    "Attendance",
    "AttendanceRequest",
    "AttendanceResult",
    "AwaitingRecharge",
    "Recharge",
    "RechargeQuote",
    "RechargeRequest",
    "RechargeStatus",
    "Service",
    "TokenBalance",
]

RechargeStatus = Literal["awaiting_payment", "succeeded", "failed", "expired", "not_needed"]


class Service(WireModel):
    """A service a child is enrolled in, with its detail (R1.5)."""

    member: str
    """The child's tax code."""
    member_name: str
    """The child's name, as the office enrolled it."""
    service: str
    """The service's code (`mensa`, `casa_dei_bambini`), used by `--service`."""
    name: str
    """The service's display name."""
    active: bool = True
    """Whether the service is active for the child."""
    enrolled_since: date
    """When the office enrolled the child in the service."""
    balance: int
    """Tokens in credit; negative when in debit (R1.6)."""
    pending_tokens: int = 0
    """Tokens of recharges created but not paid yet."""
    token_price: Money
    """The price of one token."""
    token_multiple: int
    """Recharges buy a multiple of this many tokens (R1.8)."""
    last_attendance: date | None = None
    """The last day attended, if any."""


class TokenBalance(WireModel):
    """The token balance of one child and service (R1.6)."""

    member: str
    """The child's tax code."""
    member_name: str
    """The child's name."""
    service: str
    """The service's code."""
    balance: int
    """Meals in credit; negative when in debit."""


class Attendance(WireModel):
    """The days a child attended a service in one month (R1.7); each consumed one token."""

    member: str
    """The child's tax code."""
    service: str
    """The service's code."""
    month: str
    """The month, `YYYY-MM`."""
    days: list[date]
    """The days attended, in order."""
    tokens_consumed: int
    """Tokens the month consumed: one per day attended."""


class AttendanceRequest(RequestModel):
    """`POST /clerk/attendance`: days a child attended a service (the office records them)."""

    tax_code: str
    """The child's tax code."""
    service: str
    """The service's code."""
    days: list[date] = []
    """The days attended."""
    month: str | None = None
    """Instead of `days`: every school day of this month (`YYYY-MM`) up to today."""


class AttendanceResult(WireModel):
    """What recording attendance did."""

    member: str
    """The child's tax code."""
    service: str
    """The service's code."""
    recorded: list[date]
    """Days recorded now; each consumed one token."""
    unchanged: list[date] = []
    """Days recorded already: nothing changed for them."""
    balance: int
    """The token balance afterwards (negative when in debit)."""


class RechargeRequest(RequestModel):
    """`POST /recharges` (and the quote): what to buy, for whom."""

    tokens: int | None = None
    """Tokens to buy: a positive multiple of the portal's `token_multiple` (R1.8)."""
    top_up_to: int | None = None
    """Instead of `tokens`: buy the fewest tokens that bring the balance to at least this."""
    service: str | None = None
    """The service's code; may be left out when the child has one service."""
    member: str | None = None
    """The child's tax code; may be left out (a citycard account is one child's)."""


class AwaitingRecharge(WireModel):
    """A recharge created and not paid yet, whose tokens a top-up counts as bought."""

    id: str
    """The recharge's id (`rch_...`)."""
    tokens: int
    """Its tokens."""
    checkout_url: str
    """Where a person pays it."""
    expires_at: datetime | None = None
    """Its checkout expires then, unpaid."""


class RechargeQuote(WireModel):
    """What a recharge would buy and cost; creates nothing."""

    member: str
    """The child's tax code."""
    service: str
    """The service's code."""
    balance: int
    """The token balance now."""
    pending_tokens: int = 0
    """Tokens of recharges awaiting payment; `top_up_to` counts them as bought."""
    top_up_to: int | None = None
    """The balance asked for, when topping up."""
    tokens: int
    """Tokens to buy; 0 when nothing is needed."""
    token_price: Money
    """The price of one token."""
    amount: Money
    """What they cost."""
    awaiting: list[AwaitingRecharge] = []
    """The recharges awaiting payment behind `pending_tokens`, each with its checkout."""


class Recharge(WireModel):
    """A recharge of tokens paid by card on the terminal (R1.8)."""

    id: str | None
    """The recharge's id (`rch_...`); None when nothing was needed."""
    member: str
    """The child's tax code."""
    service: str
    """The service's code."""
    tokens: int
    """Tokens bought; credited at once when the payment succeeds."""
    amount: Money
    """What they cost."""
    status: RechargeStatus
    """`awaiting_payment`, then `succeeded`, `failed` or `expired`; `not_needed` when a
    top-up found the balance high enough and created nothing."""
    payment_id: str | None = None
    """The payment (`pay_...`) on the card terminal."""
    checkout_url: str | None = None
    """The card terminal's page where a person pays, while awaiting payment."""
    expires_at: datetime | None = None
    """An unpaid checkout expires then."""
    balance_before: int
    """The token balance when the recharge was created."""
    created_at: datetime | None = None
    """When it was created, in the portal clock."""
    completed_at: datetime | None = None
    """When the payment ended."""
    awaiting: list[AwaitingRecharge] = []
    """`not_needed`: the recharges awaiting payment whose tokens made it so."""
