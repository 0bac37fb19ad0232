"""R3.12, R3.16: the finalisation's calculation and the balance states, as pure functions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from familycard import InvalidInput, Money, RuleViolation
from familycard.models.meals import CalculationLine
from familycard.rules.meals import balance_state, calculate, check_amount, check_refund


def huf(value: int) -> Money:
    return Money.of(value, "HUF")


def line(kind: str, value: int) -> CalculationLine:
    return CalculationLine(kind=kind, label=kind, quantity=1, amount=huf(value))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("before", "charges", "credits", "payable", "after"),
    [
        pytest.param(0, 5000, 1000, 4000, 0, id="payable"),
        pytest.param(4000, 5000, 1000, 0, 0, id="zero"),
        pytest.param(9000, 5000, 1000, 0, 5000, id="leftover-overpayment"),
        pytest.param(-1500, 5000, 1000, 5500, 0, id="debt-paid-with-the-order"),
    ],
)
def test_r3_12_calculation_cases(before, charges, credits, payable, after):
    calc = calculate(huf(before), [line("charge", charges)], [line("subsidy", credits)])
    assert calc.total_payable == huf(payable)
    assert calc.balance_after == huf(after)


amounts = st.integers(min_value=-50_000, max_value=50_000)
positive = st.lists(st.integers(min_value=0, max_value=20_000), max_size=5)


@settings(deadline=None)
@given(before=amounts, charges=positive, credits=positive)
def test_r3_12_after_is_before_minus_charges_plus_credits_plus_paid(before, charges, credits):
    calc = calculate(
        huf(before), [line("charge", c) for c in charges], [line("subsidy", c) for c in credits]
    )
    paid = calc.total_payable.value
    assert paid >= 0
    assert calc.balance_after.value == before - sum(charges) + sum(credits) + paid
    assert calc.balance_after.value >= 0
    if paid > 0:
        assert calc.balance_after.value == 0


def test_r3_16_balance_states():
    assert balance_state(huf(0)) == "settled"
    assert balance_state(huf(-1)) == "debt"
    assert balance_state(huf(1)) == "overpayment"


def test_x5_amounts_are_exact_whole_forints():
    assert check_amount("1500", "HUF") == huf(1500)
    assert check_amount(Decimal("12.50"), "EUR").value == Decimal("12.50")
    for bad in ("100.5", "0", "-3", "abc", "NaN"):
        with pytest.raises(InvalidInput):
            check_amount(bad, "HUF")


def test_r3_15_a_refund_never_exceeds_the_overpayment():
    check_refund(huf(500), huf(500))
    with pytest.raises(RuleViolation):
        check_refund(huf(501), huf(500))
    with pytest.raises(RuleViolation):
        check_refund(huf(1), huf(-100))
