"""Reading a portal's policy numbers and the one rule of when an instant is late.

Every area reads its prices from the tenant's `policy` through `policy_money`, and
every instant to be reached (a meal deadline, a link's or a checkout's expiry, a
receipt's availability, a login lock's end, a reading's acquisition) is decided by
`has_passed`: the instant itself counts as passed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from ..models._base import Currency, Money

__all__ = ["config_money", "has_passed", "policy_money"]


def config_money(raw: Any, currency: Currency, what: str) -> Money:
    """An amount a tenant file sets: a decimal string (`"4.50"`, `"620"`), never a float.

    `what` names the setting in the message of the `ValueError` a bad file gets.
    """
    if isinstance(raw, float) or raw is None:
        raise ValueError(f"the policy's {what} must be a decimal string such as '4.50'")
    try:
        return Money.of(Decimal(str(raw)), currency)
    except InvalidOperation:
        raise ValueError(f"the policy's {what} is not a decimal: {raw!r}") from None


def policy_money(policy: Mapping[str, Any], name: str, currency: Currency) -> Money:
    """The amount of the policy called `name` (`token_price`), in the portal's currency."""
    return config_money(policy.get(name), currency, name)


def has_passed(now: datetime, deadline: datetime) -> bool:
    """Whether `deadline` has passed at `now`: at the deadline instant itself it has.

    The one answer to "is it too late": a meal's cancellation deadline (R3.9), a
    confirmation or activation link's expiry (R3.2), a checkout's expiry (X4), the
    instant a receipt becomes available, the end of a login lock, a meter reading's
    acquisition.  A request must arrive strictly before.
    """
    return now >= deadline
