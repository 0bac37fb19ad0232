"""The policy's amounts and the one rule of when an instant is late."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from familycard.rules.policy import config_money, has_passed, policy_money

DEADLINE = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def test_the_deadline_instant_itself_has_passed() -> None:
    assert has_passed(DEADLINE, DEADLINE)
    assert has_passed(DEADLINE + timedelta(microseconds=1), DEADLINE)
    assert not has_passed(DEADLINE - timedelta(microseconds=1), DEADLINE)


def test_a_policy_amount_is_a_decimal_string_in_the_portal_currency() -> None:
    price = policy_money({"token_price": "4.50"}, "token_price", "EUR")
    assert (price.value, price.currency) == (Decimal("4.50"), "EUR")


@pytest.mark.parametrize("raw", [4.5, None, "four"])
def test_a_float_missing_or_non_decimal_amount_is_a_configuration_error(raw: object) -> None:
    with pytest.raises(ValueError, match="meal price"):
        config_money(raw, "HUF", "meal price")
