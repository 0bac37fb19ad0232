"""Canteen-token rules (`familycard.rules.tokens`): R1.6-R1.8, pure and offline."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from familycard import InvalidInput, Money, RuleViolation, TokenBalance
from familycard.rules.calendar import TenantCalendar, working_days
from familycard.rules.tokens import (
    check_attendance_days,
    check_recharge_request,
    check_service,
    check_token_count,
    low_balances,
    parse_month,
    recharge_amount,
    token_multiple,
    token_price,
    tokens_to_top_up,
)

POLICY = {"services": ["mensa", "casa_dei_bambini"], "token_multiple": 5, "token_price": "4.50"}


@pytest.mark.parametrize("tokens", [5, 10, 25, 500])
def test_r1_8_a_positive_multiple_of_five_is_accepted(tokens):
    assert check_token_count(tokens, 5) == tokens


@pytest.mark.parametrize(
    "tokens",
    [
        pytest.param(7, id="not-a-multiple"),
        pytest.param(12, id="between-multiples"),
        pytest.param(0, id="zero"),
        pytest.param(-5, id="negative-multiple"),
    ],
)
def test_r1_8_a_count_that_is_not_a_positive_multiple_is_refused(tokens):
    # Against the portal's published policy: invalid input (exit 2), never sent.
    with pytest.raises(InvalidInput) as caught:
        check_token_count(tokens, 5)
    assert caught.value.code == "tokens_not_multiple"
    assert not caught.value.sent
    assert "multiples of 5" in caught.value.message


def test_r1_8_the_multiple_comes_from_the_policy():
    assert token_multiple(POLICY) == 5
    assert token_multiple({"token_multiple": 10}) == 10
    assert token_multiple({}) == 5
    with pytest.raises(InvalidInput):
        check_token_count(5, token_multiple({"token_multiple": 10}))


@pytest.mark.parametrize(
    ("balance", "target", "expected"),
    [
        pytest.param(3, 20, 20, id="17-missing-buys-20"),
        pytest.param(0, 20, 20, id="exactly-a-multiple"),
        pytest.param(19, 20, 5, id="one-missing-buys-5"),
        pytest.param(20, 20, 0, id="already-there"),
        pytest.param(25, 20, 0, id="above"),
        pytest.param(-3, 20, 25, id="debit-is-paid-back-too"),
        pytest.param(-4, 0, 5, id="back-to-zero"),
    ],
)
def test_r1_8_top_up_buys_the_smallest_multiple_reaching_the_target(balance, target, expected):
    assert tokens_to_top_up(balance, target, 5) == expected


@given(
    balance=st.integers(-200, 200),
    target=st.integers(0, 200),
    multiple=st.sampled_from([1, 5, 10]),
)
def test_r1_8_top_up_is_a_multiple_that_reaches_the_target_and_no_more(balance, target, multiple):
    tokens = tokens_to_top_up(balance, target, multiple)
    assert tokens % multiple == 0
    assert tokens >= 0
    assert balance + tokens >= target
    if tokens:
        assert balance + tokens - multiple < target  # one multiple fewer would not do
    else:
        assert balance >= target


def test_r1_8_a_negative_target_is_invalid():
    with pytest.raises(InvalidInput) as caught:
        tokens_to_top_up(0, -1, 5)
    assert caught.value.code == "invalid_top_up_target"


@pytest.mark.parametrize(
    ("tokens", "top_up_to"),
    [pytest.param(None, None, id="neither"), pytest.param(5, 20, id="both")],
)
def test_r1_8_a_recharge_names_tokens_or_a_target(tokens, top_up_to):
    with pytest.raises(InvalidInput) as caught:
        check_recharge_request(tokens=tokens, top_up_to=top_up_to, multiple=5)
    assert caught.value.code == "tokens_or_top_up_required"


def test_r1_8_the_recharge_request_checks_the_count():
    with pytest.raises(InvalidInput) as caught:
        check_recharge_request(tokens=7, top_up_to=None, multiple=5)
    assert caught.value.code == "tokens_not_multiple"
    check_recharge_request(tokens=None, top_up_to=0, multiple=5)


def test_r1_8_the_amount_is_exact_money_never_a_float():
    price = token_price(POLICY, "EUR")
    assert price == Money.of("4.50", "EUR")
    amount = recharge_amount(20, price)
    assert amount.value == Decimal("90.00")
    assert amount.model_dump(mode="json") == {"value": "90.00", "currency": "EUR"}
    assert recharge_amount(3, Money.of("0.10", "EUR")).value == Decimal("0.30")
    with pytest.raises(ValueError, match="decimal string"):
        token_price({"token_price": 4.5}, "EUR")


def test_r1_5_a_service_must_be_one_the_portal_knows():
    assert check_service(" mensa ", POLICY) == "mensa"
    with pytest.raises(InvalidInput) as caught:
        check_service("piscina", POLICY)
    assert caught.value.code == "unknown_service"


def test_r1_6_low_balances_include_debits():
    balances = [
        TokenBalance(member="A", member_name="A", service="mensa", balance=-2),
        TokenBalance(member="A", member_name="A", service="casa_dei_bambini", balance=5),
        TokenBalance(member="B", member_name="B", service="mensa", balance=4),
    ]
    assert [b.balance for b in low_balances(balances, 5)] == [-2, 4]
    assert low_balances(balances, -2) == []


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2026-11", date(2026, 11, 1), date(2026, 11, 30)),
        ("2028-02", date(2028, 2, 1), date(2028, 2, 29)),
    ],
)
def test_r1_7_a_month_is_written_yyyy_mm(text, first, last):
    assert parse_month(text) == (first, last)


@pytest.mark.parametrize("text", ["2026-13", "2026-1", "11/2026", "", "2026-00"])
def test_r1_7_a_malformed_month_is_invalid(text):
    with pytest.raises(InvalidInput) as caught:
        parse_month(text)
    assert caught.value.code == "invalid_month"


def test_r1_7_school_days_skip_weekends_and_the_portal_s_days_off():
    # The calendar is the test's own: no national data, one day off of the portal's.
    portal = TenantCalendar(closed={date(2026, 12, 8): "Immacolata"})
    days = working_days(date(2026, 12, 5), date(2026, 12, 11), portal)
    assert days == [date(2026, 12, 7), date(2026, 12, 9), date(2026, 12, 10), date(2026, 12, 11)]


def test_r1_7_attendance_days_are_sorted_once_and_never_in_the_future():
    today = date(2026, 11, 16)
    days = [date(2026, 11, 13), date(2026, 11, 2), date(2026, 11, 13), today]
    assert check_attendance_days(days, today) == [date(2026, 11, 2), date(2026, 11, 13), today]
    with pytest.raises(RuleViolation) as caught:
        check_attendance_days([date(2026, 11, 2), date(2026, 11, 17)], today)
    assert caught.value.code == "day_in_future"
    with pytest.raises(InvalidInput):
        check_attendance_days([], today)
