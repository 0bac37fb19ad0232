"""Canteen-token rules: recharge counts, top-ups, prices, months and attendance days.

Rules: R1.5-R1.8 of DOMAIN.md.  The stub enforces each of these; the SDK calls the
same functions before sending, so a bad count fails the same way without a round trip.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol, TypeVar

from .._errors import InvalidInput, RuleViolation
from ..models._base import Currency, Money

__all__ = [
    "DEFAULT_TOKEN_MULTIPLE",
    "check_attendance_days",
    "check_recharge_request",
    "check_service",
    "check_token_count",
    "check_top_up_target",
    "low_balances",
    "parse_month",
    "recharge_amount",
    "service_name",
    "token_multiple",
    "token_price",
    "tokens_to_top_up",
]

#: R1.8: "recharges in multiples of 5" when the portal's policy says nothing else.
DEFAULT_TOKEN_MULTIPLE = 5

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


# The portal's policy ------------------------------------------------------------------


def token_multiple(policy: Mapping[str, Any]) -> int:
    """The number every recharge must be a multiple of (`token_multiple`, 5 by default)."""
    return int(policy.get("token_multiple", DEFAULT_TOKEN_MULTIPLE))


def token_price(policy: Mapping[str, Any], currency: Currency) -> Money:
    """The price of one token (`token_price`, a decimal string such as "4.50")."""
    raw = policy.get("token_price")
    if isinstance(raw, float) or raw is None:
        raise ValueError("the policy's token_price must be a decimal string such as '4.50'")
    try:
        return Money.of(Decimal(str(raw)), currency)
    except InvalidOperation:
        raise ValueError(f"the policy's token_price is not a decimal: {raw!r}") from None


def check_service(service: str, policy: Mapping[str, Any]) -> str:
    """A service the portal knows (`services` in its policy), e.g. `mensa`."""
    clean = service.strip()
    known = policy.get("services")
    if known is not None and clean not in known:
        raise InvalidInput(
            f"unknown service {clean!r}; this portal knows: {', '.join(known)}",
            code="unknown_service",
            details={"services": list(known)},
        )
    return clean


def service_name(service: str, policy: Mapping[str, Any]) -> str:
    """The display name of a service (`service_names` in the policy), else its code."""
    names: Mapping[str, str] = policy.get("service_names", {})
    return names.get(service, service.replace("_", " "))


# R1.8: recharges ----------------------------------------------------------------------


def check_token_count(tokens: int, multiple: int) -> int:
    """R1.8: a recharge buys a positive multiple of the portal's number (5) of tokens."""
    if isinstance(tokens, bool) or not isinstance(tokens, int) or tokens <= 0 or tokens % multiple:
        raise InvalidInput(
            f"tokens are recharged in positive multiples of {multiple} "
            f"({multiple}, {2 * multiple}, {3 * multiple}, ...), not {tokens}",
            code="tokens_not_multiple",
            details={"tokens": tokens, "multiple": multiple},
        )
    return tokens


def check_top_up_target(target: int) -> int:
    """The balance `--top-up-to` aims at: a whole number of tokens, zero or more."""
    if isinstance(target, bool) or not isinstance(target, int) or target < 0:
        raise InvalidInput(
            f"the balance to top up to is a number of tokens, zero or more, not {target}",
            code="invalid_top_up_target",
        )
    return target


def check_recharge_request(*, tokens: int | None, top_up_to: int | None, multiple: int) -> None:
    """Exactly one of a token count (a multiple, R1.8) and a balance to top up to."""
    if (tokens is None) == (top_up_to is None):
        raise InvalidInput(
            "give the number of tokens to buy (--tokens) or the balance to reach "
            "(--top-up-to), one of the two",
            code="tokens_or_top_up_required",
        )
    if tokens is not None:
        check_token_count(tokens, multiple)
    if top_up_to is not None:
        check_top_up_target(top_up_to)


def tokens_to_top_up(balance: int, target: int, multiple: int) -> int:
    """The smallest multiple of `multiple` that brings `balance` to at least `target`.

    Zero when the balance is there already.  The guide's advice (R1.8: check the
    balance first to know how many to buy), done by the portal.
    """
    check_top_up_target(target)
    missing = target - balance
    if missing <= 0:
        return 0
    return -(-missing // multiple) * multiple


def recharge_amount(tokens: int, price: Money) -> Money:
    """What `tokens` tokens cost at `price` each, exact to the cent."""
    return Money.of(price.value * tokens, price.currency)


# R1.6: balances ------------------------------------------------------------------------


class _HasBalance(Protocol):
    @property
    def balance(self) -> int: ...


B = TypeVar("B", bound=_HasBalance)


def low_balances(balances: Iterable[B], below: int) -> list[B]:
    """The balances under `below` tokens (a debit counts as negative, R1.6)."""
    return [b for b in balances if b.balance < below]


# R1.7: months and attendance days -----------------------------------------------------


def parse_month(text: str) -> tuple[date, date]:
    """The first and last day of a month written `YYYY-MM`."""
    match = _MONTH.match(text.strip())
    month = int(match.group(2)) if match else 0
    if not match or not 1 <= month <= 12:
        raise InvalidInput(f"not a month: {text!r} (write it as 2026-11)", code="invalid_month")
    year = int(match.group(1))
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def check_attendance_days(days: Sequence[date], today: date) -> list[date]:
    """Days attended, sorted and without repeats; a day that has not come yet is refused."""
    if not days:
        raise InvalidInput("give at least one day attended", code="missing_field")
    future = sorted({d for d in days if d > today})
    if future:
        raise RuleViolation(
            f"attendance is recorded for days that have passed; {future[0].isoformat()} "
            f"is after today ({today.isoformat()})",
            code="day_in_future",
            details={"days": [d.isoformat() for d in future]},
        )
    return sorted(set(days))
