"""Canteen-token rules: recharge counts, top-ups, prices, months and attendance days.

Rules: R1.5-R1.8 of DOMAIN.md.  The stub enforces each of these; the SDK calls the
same functions before sending, so a bad count fails the same way without a round trip.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any, Protocol, TypeVar

from .._errors import InvalidInput, RuleViolation
from ..models._base import Currency, Money
from .bounds import MAX_INTEGER, excerpt
from .calendar import check_day_in_range, parse_month
from .policy import policy_money

__all__ = [
    "DEFAULT_MAX_TOKENS_PER_RECHARGE",
    "DEFAULT_TOKEN_MULTIPLE",
    "check_attendance_days",
    "check_recharge_request",
    "check_service",
    "check_token_count",
    "check_top_up_target",
    "low_balances",
    "max_tokens_per_recharge",
    "parse_month",
    "recharge_amount",
    "service_name",
    "token_multiple",
    "token_price",
    "tokens_to_top_up",
]

#: R1.8: "recharges in multiples of 5" when the portal's policy says nothing else.
DEFAULT_TOKEN_MULTIPLE = 5
#: R1.8: the most tokens one recharge buys (and the highest balance a top-up aims at)
#: when the portal's policy (`max_tokens_per_recharge`) says nothing else.
DEFAULT_MAX_TOKENS_PER_RECHARGE = 500


# The portal's policy ------------------------------------------------------------------


def token_multiple(policy: Mapping[str, Any]) -> int:
    """The number every recharge must be a multiple of (`token_multiple`, 5 by default)."""
    return int(policy.get("token_multiple", DEFAULT_TOKEN_MULTIPLE))


def max_tokens_per_recharge(policy: Mapping[str, Any]) -> int:
    """The most tokens one recharge buys (`max_tokens_per_recharge`, 500 by default)."""
    return int(policy.get("max_tokens_per_recharge", DEFAULT_MAX_TOKENS_PER_RECHARGE))


def token_price(policy: Mapping[str, Any], currency: Currency) -> Money:
    """The price of one token (`token_price`, a decimal string such as "4.50")."""
    return policy_money(policy, "token_price", currency)


def check_service(service: str, policy: Mapping[str, Any]) -> str:
    """A service the portal knows (`services` in its policy), e.g. `mensa`."""
    clean = service.strip()
    known = policy.get("services")
    if known is not None and clean not in known:
        raise InvalidInput(
            f"unknown service {excerpt(clean)}; this portal knows: {', '.join(known)}",
            code="unknown_service",
            details={"services": list(known)},
        )
    return clean


def service_name(service: str, policy: Mapping[str, Any]) -> str:
    """The display name of a service (`service_names` in the policy), else its code."""
    names: Mapping[str, str] = policy.get("service_names", {})
    return names.get(service, service.replace("_", " "))


# R1.8: recharges ----------------------------------------------------------------------


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_token_count(
    tokens: int, multiple: int, maximum: int = DEFAULT_MAX_TOKENS_PER_RECHARGE
) -> int:
    """R1.8: a recharge buys a positive multiple of the portal's number (5) of tokens,
    at most the portal's `max_tokens_per_recharge` (500)."""
    if not _is_int(tokens) or tokens <= 0 or tokens % multiple:
        shown = {"tokens": tokens} if _is_int(tokens) and abs(tokens) <= MAX_INTEGER else {}
        raise InvalidInput(
            f"tokens are recharged in positive multiples of {multiple} "
            f"({multiple}, {2 * multiple}, {3 * multiple}, ...), not {excerpt(tokens)}",
            code="tokens_not_multiple",
            details={**shown, "multiple": multiple},
        )
    if tokens > maximum:
        raise InvalidInput(
            f"one recharge buys at most {maximum} tokens, not {excerpt(tokens)}",
            code="too_many_tokens",
            details={"maximum": maximum},
        )
    return tokens


def check_top_up_target(target: int, maximum: int = DEFAULT_MAX_TOKENS_PER_RECHARGE) -> int:
    """The balance `--top-up-to` aims at: a whole number of tokens, from zero to the
    portal's `max_tokens_per_recharge`."""
    if not _is_int(target) or not 0 <= target <= maximum:
        raise InvalidInput(
            f"the balance to top up to is a number of tokens from 0 to {maximum}, "
            f"not {excerpt(target)}",
            code="invalid_top_up_target",
            details={"maximum": maximum},
        )
    return target


def check_recharge_request(
    *,
    tokens: int | None,
    top_up_to: int | None,
    multiple: int,
    maximum: int = DEFAULT_MAX_TOKENS_PER_RECHARGE,
) -> None:
    """Exactly one of a token count (a multiple, R1.8) and a balance to top up to."""
    if (tokens is None) == (top_up_to is None):
        raise InvalidInput(
            "give the number of tokens to buy (--tokens) or the balance to reach "
            "(--top-up-to), one of the two",
            code="tokens_or_top_up_required",
        )
    if tokens is not None:
        check_token_count(tokens, multiple, maximum)
    if top_up_to is not None:
        check_top_up_target(top_up_to, maximum)


def tokens_to_top_up(
    balance: int, target: int, multiple: int, maximum: int = DEFAULT_MAX_TOKENS_PER_RECHARGE
) -> int:
    """The smallest multiple of `multiple` that brings `balance` to at least `target`.

    Zero when the balance is there already.  The guide's advice (R1.8: check the
    balance first to know how many to buy), done by the portal.
    """
    check_top_up_target(target, maximum)
    missing = target - balance
    if missing <= 0:
        return 0
    tokens = -(-missing // multiple) * multiple
    if tokens > maximum:
        raise RuleViolation(
            f"reaching {target} tokens from a balance of {balance} takes {tokens} tokens; "
            f"one recharge buys at most {maximum}",
            code="too_many_tokens",
            details={"tokens": tokens, "maximum": maximum},
        )
    return tokens


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


def check_attendance_days(days: Sequence[date], today: date) -> list[date]:
    """Days attended, sorted and without repeats; a day that has not come yet is refused."""
    if not days:
        raise InvalidInput("give at least one day attended", code="missing_field")
    for day in days:
        check_day_in_range(day, "a day attended")
    future = sorted({d for d in days if d > today})
    if future:
        raise RuleViolation(
            f"attendance is recorded for days that have passed; {future[0].isoformat()} "
            f"is after today ({today.isoformat()})",
            code="day_in_future",
            details={"days": [d.isoformat() for d in future]},
        )
    return sorted(set(days))
