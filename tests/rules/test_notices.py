"""Tests of `familycard.rules.notices`: notice numbers, payment codes, carts, PSPs, amounts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from familycard import Money, Notice
from familycard import identifiers as ids
from familycard._errors import Conflict, InvalidInput, PermissionDenied, RuleViolation
from familycard.models.notices import Creditor, NoticeSlip
from familycard.rules import notices as rules

PROPERTY_SETTINGS = settings(max_examples=200, deadline=None)
SEED_NOTICE = "001019100083901286"
SEED_SLIP_LINE = "18001019100083901286120000163384361000000140403896"
POLICY = {
    "cart_max_notices": 3,
    "psps": [
        {"id": "banca-esempio", "name": "Banca Esempio", "fees": {"card": "1.50", "debit": "1"}},
        {"id": "paydemo", "name": "PayDemo", "fees": {"card": "0.90"}},
    ],
}


def eur(value: str) -> Money:
    return Money.of(Decimal(value), "EUR")


def notice(**changes: object) -> Notice:
    base = Notice(
        number=SEED_NOTICE,
        iuv="019100083901286",
        creditor=Creditor(name="Comune", fiscal_code="00442530341"),
        subject="Servizi scolastici",
        amount=eur("140.40"),
        due_on=date(2026, 2, 1),
        expires_on=date(2026, 3, 1),
        status="due",
        issued_on=date(2026, 1, 1),
        slip=NoticeSlip(qr_payload=f"PAGOPA|002|{SEED_NOTICE}|00442530341|14040"),
    )
    return base.model_copy(update=changes)


# --------------------------------------------------------------------------- notice numbers


@st.composite
def policies(draw: st.DrawFn) -> dict[str, object]:
    aux = draw(st.sampled_from([0, 1, 2, 3]))
    policy: dict[str, object] = {"notice_aux_digit": aux}
    code = draw(st.text(alphabet="0123456789", min_size=2, max_size=2))
    if aux == 0:
        policy["notice_application_code"] = code
    if aux == 3:
        policy["notice_segregation_code"] = code
    return policy


@PROPERTY_SETTINGS
@given(policy=policies(), sequence=st.integers(min_value=0, max_value=10**13 - 1))
def test_r2_4_every_issued_notice_number_passes_check(policy, sequence):
    number = rules.issue_notice_number(policy, sequence)
    info = ids.parse_notice_number(number)
    assert info.aux_digit == policy["notice_aux_digit"]
    assert int(info.iuv_base) == sequence
    assert info.application_code == policy.get("notice_application_code")
    assert info.segregation_code == policy.get("notice_segregation_code")


@PROPERTY_SETTINGS
@given(policy=policies(), first=st.integers(0, 10**12), second=st.integers(0, 10**12))
def test_distinct_sequences_give_distinct_notice_numbers(policy, first, second):
    a = rules.issue_notice_number(policy, first)
    b = rules.issue_notice_number(policy, second)
    assert (a == b) == (first == second)


def test_issue_notice_number_rebuilds_the_seed_notice():
    policy = {"notice_aux_digit": 0, "notice_application_code": "01"}
    assert rules.issue_notice_number(policy, 191000839012) == SEED_NOTICE


def test_issue_notice_number_refuses_a_sequence_beyond_the_layout():
    with pytest.raises(RuleViolation) as error:
        rules.issue_notice_number({"notice_aux_digit": 3, "notice_segregation_code": "47"}, 10**13)
    assert error.value.code == "notice_numbers_exhausted"


# --------------------------------------------------------------------------- payment codes

amounts = st.integers(min_value=1, max_value=9_999_999_999)


@st.composite
def notice_numbers(draw: st.DrawFn) -> str:
    policy = draw(policies())
    return rules.issue_notice_number(policy, draw(st.integers(0, 10**13 - 1)))


@PROPERTY_SETTINGS
@given(
    number=notice_numbers(),
    creditor=st.integers(0, ids.SAMPLE_VAT_NUMBER_CAPACITY - 1).map(ids.sample_vat_number),
    cents=amounts,
)
def test_r2_4_decoding_an_encoded_qr_payload_gives_it_back(number, creditor, cents):
    payload = ids.encode_qr_payload(
        notice_number=number, creditor_fiscal_code=creditor, amount_cents=cents
    )
    decoded = rules.decode_payment(payload)
    assert decoded.format == "qr"
    assert decoded.notice_number == number
    assert decoded.creditor_fiscal_code == creditor
    assert decoded.amount == Money.of(Decimal(cents).scaleb(-2), "EUR")
    reencoded = ids.encode_qr_payload(
        notice_number=decoded.notice_number,
        creditor_fiscal_code=decoded.creditor_fiscal_code or "",
        amount_cents=int(decoded.amount.value.scaleb(2)),
    )
    assert reencoded == payload


@PROPERTY_SETTINGS
@given(number=notice_numbers(), account=st.integers(1, 10**12 - 1), cents=amounts)
def test_r2_4_decoding_a_written_slip_code_line_gives_it_back(number, account, cents):
    amount = Money.of(Decimal(cents).scaleb(-2), "EUR")
    line = rules.slip_code_line(number, str(account), amount)
    decoded = rules.decode_payment(line)
    assert (decoded.format, decoded.notice_number) == ("postal_slip", number)
    assert decoded.postal_account == str(account)
    assert decoded.amount == amount


def test_r2_4_the_seed_slip_code_line_is_written_as_printed():
    assert rules.slip_code_line(SEED_NOTICE, "16338436", eur("140.40")) == SEED_SLIP_LINE


# --------------------------------------------------------------------------- R2.2-R2.3


def test_r2_2_entranext_needs_elevation_and_other_kinds_do_not():
    with pytest.raises(PermissionDenied) as error:
        rules.check_elevated("entranext", False)
    assert error.value.code == "elevation_required"
    rules.check_elevated("entranext", True)
    rules.check_elevated("pagoinrete", False)


# --------------------------------------------------------------------------- R4.5 status


@pytest.mark.parametrize(
    ("paid", "today", "status"),
    [
        pytest.param(False, date(2026, 2, 1), "due", id="on-due-date"),
        pytest.param(False, date(2026, 3, 1), "due", id="last-payable-day"),
        pytest.param(False, date(2026, 3, 2), "expired", id="after-expiry"),
        pytest.param(True, date(2026, 3, 2), "paid", id="paid-stays-paid"),
    ],
)
def test_r4_5_notice_status_follows_the_last_payable_day(paid, today, status):
    assert rules.notice_status(paid=paid, expires_on=date(2026, 3, 1), today=today) == status


@pytest.mark.parametrize(
    ("changes", "error_class", "code"),
    [
        pytest.param({"status": "paid"}, RuleViolation, "notice_already_paid", id="paid"),
        pytest.param({"status": "expired"}, RuleViolation, "notice_expired", id="expired"),
        pytest.param(
            {"pending_payment_id": "pay_1"}, Conflict, "notice_in_payment", id="in-payment"
        ),
    ],
)
def test_r4_5_only_a_due_notice_free_of_other_carts_is_payable(changes, error_class, code):
    rules.check_payable(notice())
    with pytest.raises(error_class) as error:
        rules.check_payable(notice(**changes))
    assert error.value.code == code


# --------------------------------------------------------------------------- R4.5 carts


def test_r4_5_psps_offering_a_method_cheapest_first():
    card = rules.psps_offering(POLICY, "card", "EUR")
    assert [(p.id, p.fee) for p in card] == [
        ("paydemo", eur("0.90")),
        ("banca-esempio", eur("1.50")),
    ]
    assert [p.id for p in rules.psps_offering(POLICY, "debit", "EUR")] == ["banca-esempio"]
    assert rules.psps_offering(POLICY, "postal", "EUR") == []


@pytest.mark.parametrize(
    ("numbers", "method", "psp", "error_class", "code"),
    [
        pytest.param([], "card", "paydemo", InvalidInput, "empty_cart", id="empty"),
        pytest.param(
            [SEED_NOTICE, SEED_NOTICE],
            "card",
            "paydemo",
            InvalidInput,
            "duplicate_notice",
            id="duplicate",
        ),
        pytest.param(
            ["001019100083901287"],
            "card",
            "paydemo",
            InvalidInput,
            "invalid_notice_number",
            id="bad-number",
        ),
        pytest.param(
            [SEED_NOTICE], "cash", "paydemo", InvalidInput, "invalid_payment_method", id="method"
        ),
        pytest.param([SEED_NOTICE], "card", "nobody", InvalidInput, "unknown_psp", id="psp"),
        pytest.param(
            [SEED_NOTICE],
            "debit",
            "paydemo",
            InvalidInput,
            "psp_method_not_offered",
            id="psp-method",
        ),
        pytest.param(
            [rules.issue_notice_number({"notice_aux_digit": 2}, n) for n in range(4)],
            "card",
            "paydemo",
            InvalidInput,
            "cart_too_large",
            id="too-large",
        ),
    ],
)
def test_r4_5_check_cart_refuses(numbers, method, psp, error_class, code):
    with pytest.raises(error_class) as error:
        rules.check_cart(numbers, method=method, psp=psp, policy=POLICY, currency="EUR")
    assert error.value.code == code


def test_r4_5_check_cart_normalises_and_the_total_is_exact():
    numbers, psp = rules.check_cart(
        ["0010 1910 0083 9012 86"], method="CARD", psp="PayDemo", policy=POLICY, currency="EUR"
    )
    assert numbers == [SEED_NOTICE]
    assert psp.id == "paydemo"
    total = rules.cart_total([eur("0.10"), eur("0.20")], psp.fee)
    assert total == eur("1.20")  # never 1.2000000000000002
    assert total.value == Decimal("1.20")


# --------------------------------------------------------------------------- X5 amounts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("140.40", "140.40", id="dot"),
        pytest.param("140,40", "140.40", id="comma"),
        pytest.param(" 12 ", "12.00", id="whole"),
        pytest.param("0.01", "0.01", id="cent"),
    ],
)
def test_x5_parse_amount_is_exact(text, expected):
    assert rules.parse_amount(text, "EUR") == eur(expected)


@pytest.mark.parametrize(
    ("text", "currency"),
    [
        pytest.param("12.345", "EUR", id="sub-cent"),
        pytest.param("10.5", "HUF", id="sub-forint"),
        pytest.param("0", "EUR", id="zero"),
        pytest.param("-3", "EUR", id="negative"),
        pytest.param("abc", "EUR", id="text"),
        pytest.param("NaN", "EUR", id="nan"),
        pytest.param("1e12", "EUR", id="too-large"),
    ],
)
def test_x5_parse_amount_refuses(text, currency):
    with pytest.raises(InvalidInput) as error:
        rules.parse_amount(text, currency)
    assert error.value.code == "invalid_amount"


def test_notice_row_defaults_the_expiry_from_the_policy():
    row = {"tax_code": "VRDGLI15T03L219M", "subject": " Gita ", "amount": "5", "due_on": "1/2/2026"}
    clean = rules.check_notice_row("pagoinrete", row, {"notice_expiry_days": 10}, "EUR")
    assert clean == {
        "tax_code": "VRDGLI15T03L219M",
        "subject": "Gita",
        "amount": "5.00",
        "due_on": "2026-02-01",
        "expires_on": "2026-02-11",
    }


def test_notice_row_refuses_a_subject_longer_than_pagopa_allows():
    row = {
        "tax_code": "VRDGLI15T03L219M",
        "subject": "x" * 141,
        "amount": "5",
        "due_on": "2026-02-01",
    }
    with pytest.raises(InvalidInput) as error:
        rules.check_notice_row("pagoinrete", row, {}, "EUR")
    assert error.value.code == "subject_too_long"


def test_parse_month_gives_the_first_and_last_day():
    assert rules.parse_month("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    assert rules.parse_month("2025-12") == (date(2025, 12, 1), date(2025, 12, 31))
    with pytest.raises(InvalidInput):
        rules.parse_month("2025-13")
