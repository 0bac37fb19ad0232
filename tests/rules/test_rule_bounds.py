"""The bounds every number that enters is checked against (issue 12): pure functions.

Tokens per recharge and top-up targets (R1.8, the policy's `max_tokens_per_recharge`),
months and school years within the calendar's years (R1.7, R1.9, R2.3), ids within
SQLite's integers, amounts (X5), the stub's faults; and messages that echo at most a
short excerpt of the bad input.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from familycard import Faults, InvalidInput, RuleViolation
from familycard.rules.bounds import (
    EXCERPT_CHARS,
    MAX_INTEGER,
    check_faults,
    check_id,
    excerpt,
    parse_id,
)
from familycard.rules.calendar import (
    FIRST_YEAR,
    LAST_YEAR,
    check_day_in_range,
    parse_month,
    school_year_bounds,
)
from familycard.rules.meals import check_amount
from familycard.rules.notices import parse_amount, parse_day
from familycard.rules.tokens import (
    DEFAULT_MAX_TOKENS_PER_RECHARGE,
    check_attendance_days,
    check_recharge_request,
    check_token_count,
    check_top_up_target,
    max_tokens_per_recharge,
    tokens_to_top_up,
)

#: Multiples of 5 beyond Decimal's precision, beyond and just under SQLite's integers.
ABSURD = [10**30, 9223372036854775810, 9223372036854775805, 5 * 2**61]


def code_of(call, *args, **kwargs) -> str:
    with pytest.raises((InvalidInput, RuleViolation)) as caught:
        call(*args, **kwargs)
    assert len(str(caught.value)) < 300
    return caught.value.code


# R1.8: tokens per recharge ---------------------------------------------------------------------


def test_r1_8_the_largest_recharge_comes_from_the_policy():
    assert max_tokens_per_recharge({}) == DEFAULT_MAX_TOKENS_PER_RECHARGE == 500
    assert max_tokens_per_recharge({"max_tokens_per_recharge": 100}) == 100
    assert check_token_count(500, 5) == 500
    assert code_of(check_token_count, 105, 5, 100) == "too_many_tokens"


@pytest.mark.parametrize("tokens", [*ABSURD, 505])
def test_r1_8_an_enormous_recharge_is_refused(tokens):
    assert code_of(check_token_count, tokens, 5) == "too_many_tokens"
    request = {"tokens": tokens, "top_up_to": None, "multiple": 5}
    assert code_of(check_recharge_request, **request) == "too_many_tokens"


def test_r1_8_a_count_not_a_multiple_beyond_sqlite_is_refused_without_echoing_it():
    with pytest.raises(InvalidInput) as caught:
        check_token_count(10**30 + 1, 5)
    assert caught.value.code == "tokens_not_multiple"
    assert caught.value.details == {"multiple": 5}


@pytest.mark.parametrize("target", [*ABSURD, 2**63, 501, -1])
def test_r1_8_a_top_up_target_beyond_the_largest_recharge_is_refused(target):
    assert code_of(check_top_up_target, target) == "invalid_top_up_target"
    request = {"tokens": None, "top_up_to": target, "multiple": 5}
    assert code_of(check_recharge_request, **request) == "invalid_top_up_target"


def test_r1_8_a_top_up_from_a_debit_that_needs_more_than_one_recharge_is_refused():
    assert tokens_to_top_up(-5, 495, 5) == 500
    assert code_of(tokens_to_top_up, -10, 500, 5) == "too_many_tokens"


# Months, days and school years: the calendar's years -------------------------------------------


@pytest.mark.parametrize(
    "text", ["0000-01", "0001-01", "1899-12", "2101-01", "9999-12", "２０２６-０１", "2026-13"]
)
def test_r1_7_a_month_outside_the_calendar_is_refused(text):
    assert code_of(parse_month, text) == "invalid_month"


@settings(max_examples=50, deadline=None)
@given(st.integers(FIRST_YEAR, LAST_YEAR), st.integers(1, 12))
def test_r1_7_every_month_of_the_calendar_parses(year, month):
    first, last = parse_month(f"{year:04d}-{month:02d}")
    assert (first.year, first.month, first.day) == (year, month, 1)
    assert (last.year, last.month) == (year, month)


def test_r2_3_the_notices_and_the_tokens_parse_months_with_one_function():
    from familycard.rules import notices, tokens

    assert notices.parse_month is tokens.parse_month is parse_month


@pytest.mark.parametrize("label", ["0000/0001", "1899/1900", "2100/2101", "9999/10000"])
def test_r1_9_a_school_year_outside_the_calendar_is_refused(label):
    assert code_of(school_year_bounds, label) == "invalid_school_year"


def test_r1_9_the_calendar_s_first_and_last_school_years_are_accepted():
    assert school_year_bounds("1900/1901")[0] == date(1900, 9, 1)
    assert school_year_bounds("2099/2100")[1] == date(2100, 8, 31)


@pytest.mark.parametrize("day", [date(1, 1, 1), date(1899, 12, 31), date(2101, 1, 1)])
def test_r5_9_a_day_outside_the_calendar_is_refused(day):
    assert code_of(check_day_in_range, day) == "date_out_of_range"


@pytest.mark.parametrize("day", [date(1, 1, 1), date(1899, 12, 31)])
def test_r1_7_an_attendance_day_outside_the_calendar_is_refused(day):
    assert code_of(check_attendance_days, [day], date(2026, 3, 2)) == "date_out_of_range"


@pytest.mark.parametrize("text", ["9999-12-31", "0001-01-01", "31/12/9999"])
def test_r2_4_a_notice_day_outside_the_calendar_is_invalid(text):
    assert code_of(parse_day, text, "due_on") == "invalid_date"


# Ids and amounts ----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [0, -1, MAX_INTEGER + 1, 10**30, True, "0", "٣", "1" * 20, "-5"])
def test_an_id_beyond_sqlite_s_integers_is_refused(value):
    call = parse_id if isinstance(value, str) else check_id
    assert code_of(call, value) == "invalid_id"


def test_an_id_within_sqlite_s_integers_is_accepted():
    assert check_id(MAX_INTEGER) == MAX_INTEGER
    assert parse_id("12") == parse_id(12) == 12


@pytest.mark.parametrize("text", ["1e30", "1e999999999", "9" * 5000, "10000000000"])
def test_x5_an_enormous_amount_is_refused(text):
    assert code_of(parse_amount, text, "EUR") == "invalid_amount"
    assert code_of(check_amount, text, "HUF") == "invalid_amount"
    assert code_of(check_amount, "100000000.00", "EUR") == "invalid_amount"


def test_x5_the_largest_amount_is_accepted():
    assert parse_amount("99999999.99", "EUR").value == Decimal("99999999.99")
    assert check_amount("9999999999", "HUF").value == Decimal("9999999999")


# The stub's faults and the messages ------------------------------------------------------------


@pytest.mark.parametrize(
    "faults",
    [
        Faults(error_rate=1.5),
        Faults(drop_rate=float("nan")),
        Faults(latency_ms=10**30),
        Faults(fail_next=-1),
        Faults(drop_next=2**63),
        Faults(retry_after=10**9),
    ],
)
def test_faults_beyond_their_range_are_refused(faults):
    assert code_of(check_faults, faults) == "invalid_faults"


def test_faults_within_their_range_are_accepted():
    faults = Faults(error_rate=1, drop_rate=0.3, latency_ms=60_000, retry_after=3)
    assert check_faults(faults) is faults


def test_a_message_echoes_at_most_a_short_excerpt():
    assert len(excerpt("x" * 100_000)) == EXCERPT_CHARS
    assert excerpt("2026-13") == "'2026-13'"
    with pytest.raises(InvalidInput) as caught:
        parse_month("9" * 100_000)
    assert len(str(caught.value)) < 200
