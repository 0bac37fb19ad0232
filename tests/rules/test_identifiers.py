"""Tests of `familycard.identifiers`: tax codes, VAT numbers, supply points, pagoPA codes."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from stdnum.it import codicefiscale

from familycard import identifiers as ids
from familycard._errors import InvalidInput

PROPERTY_SETTINGS = settings(max_examples=200, deadline=None)

#: R2.4: the notice of the entranext seed (Comune Sala Baganza).
SEED_NOTICE = "001019100083901286"
SEED_CREDITOR = "00442530341"
SEED_POSTAL_ACCOUNT = "16338436"
SEED_IBAN = "IT51N0760112700000016338436"
#: The data-matrix code line printed on the seed's postal slip.
SEED_SLIP_LINE = "18001019100083901286120000163384361000000140403896"


def with_check(first15: str) -> str:
    """A tax code completed with its check letter."""
    return first15 + codicefiscale.calc_check_digit(first15)


def assert_invalid(error: pytest.ExceptionInfo[InvalidInput], code: str, fragment: str) -> None:
    assert error.value.code == code
    assert fragment in error.value.message, error.value.message


# --------------------------------------------------------------------------- module surface


def test_all_is_sorted_and_every_name_exists() -> None:
    # isort-style, as ruff's RUF022 keeps it: CONSTANTS, then Classes, then functions.
    def kind(name: str) -> int:
        return 0 if name.isupper() else 1 if name[0].isupper() else 2

    assert ids.__all__ == sorted(ids.__all__, key=lambda name: (kind(name), name))
    missing = [name for name in ids.__all__ if not hasattr(ids, name)]
    assert missing == []


# --------------------------------------------------------------------------- tax code


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("RCCMNL83S18D969H", "RCCMNL83S18D969H", id="man"),
        pytest.param("CNTCHR83T41D969D", "CNTCHR83T41D969D", id="woman"),
        pytest.param(" rccmnl 83s18 d969h\t", "RCCMNL83S18D969H", id="lowercase-spaces"),
        pytest.param(with_check("RCCMNL83S18D96V"), with_check("RCCMNL83S18D96V"), id="omocodia"),
        pytest.param(
            with_check("RCCMNLTPSMRDVNV"), with_check("RCCMNLTPSMRDVNV"), id="omocodia-all"
        ),
        pytest.param(
            with_check("RSSMRA80B29H501"), with_check("RSSMRA80B29H501"), id="29-feb-leap"
        ),
    ],
)
def test_validate_tax_code_accepts_and_normalises(value: str, expected: str) -> None:
    assert ids.validate_tax_code(value) == expected


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        pytest.param("", "tax code is empty", id="empty"),
        pytest.param("   ", "tax code is empty", id="blank"),
        pytest.param("RCCMNL83S18D969", "must have 16 characters, got 15", id="short"),
        pytest.param("RCCMNL83S18D969HH", "must have 16 characters, got 17", id="long"),
        pytest.param("00442530341", "11 digits look like a VAT number", id="vat-number"),
        pytest.param("RCCMNL83S18D969X", "check character should be 'H', got 'X'", id="check"),
        pytest.param(
            "RCCMN183S18D969H", "character 6 should be a letter (name), got '1'", id="name"
        ),
        pytest.param("RCCMNL83F18D969H", "character 9 should be a month letter", id="month"),
        pytest.param(
            "RCCMNL8AS18D969H", "character 8 should be a digit of the birth year", id="year"
        ),
        pytest.param("RCCMNL83S18D969-", "character 16 should be the check letter", id="dash"),
        pytest.param(with_check("RSSMRA80A35H501"), "got 35", id="day-35"),
        pytest.param(with_check("RSSMRA80A00H501"), "got 00", id="day-00"),
        pytest.param(with_check("RSSMRA80B30H501"), "day 30 of month 2", id="30-feb"),
        pytest.param(with_check("RSSMRA81B69H501"), "day 29 of month 2", id="29-feb-not-leap"),
    ],
)
def test_validate_tax_code_refuses(value: str, fragment: str) -> None:
    with pytest.raises(InvalidInput) as error:
        ids.validate_tax_code(value)
    assert_invalid(error, "invalid_tax_code", fragment)


def test_validate_tax_code_refuses_a_non_string() -> None:
    with pytest.raises(InvalidInput) as error:
        ids.validate_tax_code(12345)  # type: ignore[arg-type]
    assert_invalid(error, "invalid_tax_code", "must be a string, got int")


def test_invalid_tax_code_is_a_400_with_details() -> None:
    with pytest.raises(InvalidInput) as error:
        ids.validate_tax_code("rccmnl83s18d969x")
    assert error.value.status == 400
    assert error.value.details == {
        "value": "RCCMNL83S18D969X",
        "expected": "H",
        "got": "X",
    }


# --------------------------------------------------------------------------- VAT number


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("00442530341", "00442530341", id="seed-creditor"),
        pytest.param(" 004 4253 0341 ", "00442530341", id="spaces"),
        pytest.param("IT00442530341", "00442530341", id="it-prefix"),
        pytest.param("it00442530341", "00442530341", id="it-prefix-lowercase"),
        pytest.param("00743110157", "00743110157", id="stdnum-example"),
    ],
)
def test_validate_vat_number_accepts_and_normalises(value: str, expected: str) -> None:
    assert ids.validate_vat_number(value) == expected


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        pytest.param("", "VAT number is empty", id="empty"),
        pytest.param("0044253034", "must have 11 digits, got 10", id="short"),
        pytest.param("004425303412", "must have 11 digits, got 12", id="long"),
        pytest.param("0044253034A", "only digits, got 'A' at position 11", id="letter"),
        pytest.param("00442530342", "check digit should be '1', got '2'", id="check"),
        pytest.param("00000000000", "cannot all be zero", id="zero-taxpayer"),
        pytest.param(
            "12345671011", "must be 001-100, 120, 121, 888 or 999, got '101'", id="office"
        ),
    ],
)
def test_validate_vat_number_refuses(value: str, fragment: str) -> None:
    with pytest.raises(InvalidInput) as error:
        ids.validate_vat_number(value)
    assert_invalid(error, "invalid_vat_number", fragment)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("00442530341", "00442530341", id="vat"),
        pytest.param("IT 00442530341", "00442530341", id="vat-prefix"),
        pytest.param("rccmnl83s18d969h", "RCCMNL83S18D969H", id="tax-code"),
    ],
)
def test_r5_1_validate_tax_code_or_vat_accepts_either(value: str, expected: str) -> None:
    assert ids.validate_tax_code_or_vat(value) == expected


@pytest.mark.parametrize(
    ("value", "code", "fragment"),
    [
        pytest.param("00442530342", "invalid_vat_number", "check digit", id="bad-vat"),
        pytest.param("004425303", "invalid_vat_number", "got 9", id="short-digits"),
        pytest.param("RCCMNL83S18D969X", "invalid_tax_code", "check character", id="bad-cf"),
        pytest.param("ABC", "invalid_tax_code", "got 3", id="short-letters"),
        pytest.param("", "invalid_tax_code", "is empty", id="empty"),
    ],
)
def test_validate_tax_code_or_vat_refuses(value: str, code: str, fragment: str) -> None:
    with pytest.raises(InvalidInput) as error:
        ids.validate_tax_code_or_vat(value)
    assert_invalid(error, code, fragment)


# --------------------------------------------------------------------------- e-mail


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("anna@example.it", "anna@example.it", id="plain"),
        pytest.param("  Anna.Rossi@Example.IT ", "anna.rossi@example.it", id="lowercased"),
        pytest.param(
            "a+tag@mail.comune-tortona.al.it", "a+tag@mail.comune-tortona.al.it", id="sub"
        ),
        pytest.param("x@a1.b2", "x@a1.b2", id="digits"),
    ],
)
def test_validate_email_accepts_and_normalises(value: str, expected: str) -> None:
    assert ids.validate_email(value) == expected


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        pytest.param("", "is empty", id="empty"),
        pytest.param("anna.example.it", "exactly one '@', got 0", id="no-at"),
        pytest.param("anna@x@example.it", "exactly one '@', got 2", id="two-at"),
        pytest.param("@example.it", "nothing before the '@'", id="no-local"),
        pytest.param("anna rossi@example.it", "must not contain spaces", id="space"),
        pytest.param("anna@", "no domain after the '@'", id="no-domain"),
        pytest.param("anna@localhost", "must contain a dot", id="no-dot"),
        pytest.param("anna@example..it", "has an empty part", id="empty-label"),
        pytest.param("anna@example.it.", "has an empty part", id="trailing-dot"),
        pytest.param("anna@exa_mple.it", "'exa_mple' may contain only letters", id="underscore"),
        pytest.param("anna@-example.it", "must not start or end with a hyphen", id="hyphen"),
        pytest.param("a" * 65 + "@example.it", "at most 64 characters before", id="long-local"),
        pytest.param("anna@" + "a" * 64 + ".it", "at most 63 characters, got 64", id="long-label"),
        pytest.param("a@" + "b" * 60 + "." + "c" * 200, "at most 254 characters", id="too-long"),
    ],
)
def test_validate_email_refuses(value: str, fragment: str) -> None:
    with pytest.raises(InvalidInput) as error:
        ids.validate_email(value)
    assert_invalid(error, "invalid_email", fragment)


# --------------------------------------------------------------------------- IBAN


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(SEED_IBAN, SEED_IBAN, id="seed"),
        pytest.param("it51 n076 0112 7000 0001 6338 436", SEED_IBAN, id="grouped-lowercase"),
        pytest.param("DE89370400440532013000", "DE89370400440532013000", id="germany"),
    ],
)
def test_validate_iban_accepts_and_compacts(value: str, expected: str) -> None:
    assert ids.validate_iban(value) == expected


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        pytest.param("", "IBAN is empty", id="empty"),
        pytest.param("IT52N0760112700000016338436", "should be '51', got '52'", id="check"),
        pytest.param("IT51N076011270000001633843", "length and format of a 'IT' IBAN", id="short"),
        pytest.param("XX00N0760112700000016338436", "'XX' is not a known", id="country"),
        pytest.param("IT51-N076", "only letters and digits", id="dash"),
        pytest.param("1T51N0760112700000016338436", "2-letter country code", id="no-country"),
    ],
)
def test_validate_iban_refuses(value: str, fragment: str) -> None:
    with pytest.raises(InvalidInput) as error:
        ids.validate_iban(value)
    assert_invalid(error, "invalid_iban", fragment)


# --------------------------------------------------------------------------- utility codes


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("123456", "123456", id="plain"),
        pytest.param(" 012 345 ", "012345", id="leading-zero-spaces"),
    ],
)
def test_r5_1_validate_customer_code_accepts(value: str, expected: str) -> None:
    assert ids.validate_customer_code(value) == expected


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        pytest.param("12345", "must have 6 digits, got 5", id="short"),
        pytest.param("1234567", "must have 6 digits, got 7", id="long"),
        pytest.param("12345A", "only digits, got 'A' at position 6", id="letter"),
        pytest.param("", "customer code is empty", id="empty"),
    ],
)
def test_validate_customer_code_refuses(value: str, fragment: str) -> None:
    with pytest.raises(InvalidInput) as error:
        ids.validate_customer_code(value)
    assert_invalid(error, "invalid_customer_code", fragment)


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        pytest.param("IT001E12345678", "electricity", "IT001E12345678", id="pod"),
        pytest.param(" it001e 1234 5678", "electricity", "IT001E12345678", id="pod-lowercase"),
        pytest.param("00881234567890", "gas", "00881234567890", id="pdr"),
        pytest.param("0088 1234 5678 90", "Gas", "00881234567890", id="pdr-spaces-kind-case"),
    ],
)
def test_r5_3_validate_supply_point_accepts(value: str, kind: str, expected: str) -> None:
    assert ids.validate_supply_point(value, kind) == expected


@pytest.mark.parametrize(
    ("value", "kind", "fragment"),
    [
        pytest.param("IT001E1234567", "electricity", "14 characters", id="pod-short"),
        pytest.param("IT001E123456789", "electricity", "got 15", id="pod-long"),
        pytest.param(
            "FR001E12345678", "electricity", "start with 'IT', got 'FR'", id="pod-country"
        ),
        pytest.param(
            "ITA01E12345678", "electricity", "characters 3-5 must be digits", id="pod-dso"
        ),
        pytest.param("IT001G12345678", "electricity", "character 6 must be 'E'", id="pod-e"),
        pytest.param(
            "IT001E1234567X", "electricity", "characters 7-14 must be digits", id="pod-end"
        ),
        pytest.param("00881234567890", "electricity", "start with 'IT'", id="pdr-as-pod"),
        pytest.param("0088123456789", "gas", "must have 14 digits, got 13", id="pdr-short"),
        pytest.param(
            "IT001E12345678", "gas", "only digits, got 'I' at position 1", id="pod-as-pdr"
        ),
    ],
)
def test_validate_supply_point_refuses(value: str, kind: str, fragment: str) -> None:
    with pytest.raises(InvalidInput) as error:
        ids.validate_supply_point(value, kind)
    assert_invalid(error, "invalid_supply_point", fragment)


def test_validate_supply_point_refuses_an_unknown_kind() -> None:
    with pytest.raises(InvalidInput) as error:
        ids.validate_supply_point("IT001E12345678", "water")
    assert_invalid(error, "invalid_supply_kind", "'electricity' or 'gas', got 'water'")


def test_validate_pod_and_pdr_directly() -> None:
    assert ids.validate_pod("it001e12345678") == "IT001E12345678"
    assert ids.validate_pdr("00881234567890") == "00881234567890"


# --------------------------------------------------------------------------- notice numbers


def test_r2_4_seed_notice_number_is_valid() -> None:
    info = ids.parse_notice_number(SEED_NOTICE)
    assert info == ids.NoticeNumberInfo(
        number=SEED_NOTICE,
        valid=True,
        aux_digit=0,
        application_code="01",
        segregation_code=None,
        iuv="019100083901286",
        check_digits="86",
    )
    assert info.iuv_base == "0191000839012"
    assert int(SEED_NOTICE[:16]) % 93 == 86
    assert ids.notice_check_digits(SEED_NOTICE[:16]) == "86"


@pytest.mark.parametrize(
    ("value", "aux", "application", "segregation", "iuv", "check"),
    [
        pytest.param("0010 1910 0083 9012 86", 0, "01", None, "019100083901286", "86", id="aux0"),
        pytest.param("112345678901234567", 1, None, None, "12345678901234567", None, id="aux1"),
        pytest.param(
            ids.make_notice_number(aux_digit=2, iuv_base="123456789012345"),
            2,
            None,
            None,
            "123456789012345" + ids.notice_check_digits("2123456789012345"),
            ids.notice_check_digits("2123456789012345"),
            id="aux2",
        ),
        pytest.param(
            ids.make_notice_number(aux_digit=3, segregation_code="47", iuv_base="1234567890123"),
            3,
            None,
            "47",
            "471234567890123" + ids.notice_check_digits("3471234567890123"),
            ids.notice_check_digits("3471234567890123"),
            id="aux3",
        ),
    ],
)
def test_parse_notice_number_splits_the_parts(
    value: str,
    aux: int,
    application: str | None,
    segregation: str | None,
    iuv: str,
    check: str | None,
) -> None:
    info = ids.parse_notice_number(value)
    assert info.number == "".join(value.split())
    assert info.valid is True
    assert (info.aux_digit, info.application_code, info.segregation_code) == (
        aux,
        application,
        segregation,
    )
    assert info.iuv == iuv
    assert info.check_digits == check


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        pytest.param("", "notice number is empty", id="empty"),
        pytest.param("00101910008390128", "must have 18 digits, got 17", id="short"),
        pytest.param("0010191000839012860", "must have 18 digits, got 19", id="long"),
        pytest.param("00101910008390128A", "only digits, got 'A' at position 18", id="letter"),
        pytest.param("401019100083901286", "aux digit (the first digit)", id="aux-4"),
        pytest.param("901019100083901286", "must be 0, 1, 2 or 3, got 9", id="aux-9"),
        pytest.param("001019100083901287", "check digits should be '86', got '87'", id="check"),
        pytest.param("001019100083901296", "check digits should be '86', got '96'", id="check-96"),
    ],
)
def test_parse_notice_number_refuses(value: str, fragment: str) -> None:
    with pytest.raises(InvalidInput) as error:
        ids.parse_notice_number(value)
    assert_invalid(error, "invalid_notice_number", fragment)


def test_notice_check_digits_are_zero_padded() -> None:
    # 93 divides 0000000000000093, so the check is "00"; 100 mod 93 is 7, so "07".
    assert ids.notice_check_digits("0000000000000093") == "00"
    assert ids.notice_check_digits("0000000000000100") == "07"
    with pytest.raises(InvalidInput) as error:
        ids.notice_check_digits("123")
    assert_invalid(error, "invalid_notice_number", "must have 16 digits, got 3")


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        pytest.param({"aux_digit": 4, "iuv_base": "1" * 13}, "got 4", id="aux-4"),
        pytest.param(
            {"aux_digit": 0, "iuv_base": "1" * 13}, "needs the application code", id="app"
        ),
        pytest.param(
            {"aux_digit": 3, "iuv_base": "1" * 13}, "needs the segregation code", id="seg"
        ),
        pytest.param(
            {"aux_digit": 2, "iuv_base": "1" * 15, "application_code": "01"},
            "aux digit 0 only",
            id="app-with-2",
        ),
        pytest.param(
            {
                "aux_digit": 0,
                "iuv_base": "1" * 13,
                "application_code": "01",
                "segregation_code": "1",
            },
            "aux digit 3 only",
            id="seg-with-0",
        ),
        pytest.param({"aux_digit": 2, "iuv_base": "1" * 13}, "15 digits, got 13", id="short-2"),
        pytest.param({"aux_digit": 1, "iuv_base": "1" * 15}, "17 digits, got 15", id="short-1"),
        pytest.param(
            {"aux_digit": 0, "iuv_base": "1" * 13, "application_code": "1"},
            "application code must have 2 digits",
            id="short-app",
        ),
    ],
)
def test_make_notice_number_refuses_wrong_parts(kwargs: dict[str, object], fragment: str) -> None:
    with pytest.raises(InvalidInput) as error:
        ids.make_notice_number(**kwargs)  # type: ignore[arg-type]
    assert_invalid(error, "invalid_notice_number", fragment)


def test_make_notice_number_rebuilds_the_seed() -> None:
    number = ids.make_notice_number(aux_digit=0, application_code="01", iuv_base="0191000839012")
    assert number == SEED_NOTICE


@st.composite
def notice_parts(draw: st.DrawFn) -> dict[str, object]:
    aux = draw(st.sampled_from([0, 1, 2, 3]))
    base_length = {0: 13, 1: 17, 2: 15, 3: 13}[aux]
    digits = st.text(alphabet="0123456789", min_size=base_length, max_size=base_length)
    parts: dict[str, object] = {"aux_digit": aux, "iuv_base": draw(digits)}
    two_digits = st.text(alphabet="0123456789", min_size=2, max_size=2)
    if aux == 0:
        parts["application_code"] = draw(two_digits)
    if aux == 3:
        parts["segregation_code"] = draw(two_digits)
    return parts


@PROPERTY_SETTINGS
@given(parts=notice_parts())
def test_made_notice_numbers_parse_back_to_their_parts(parts: dict[str, object]) -> None:
    number = ids.make_notice_number(**parts)  # type: ignore[arg-type]
    info = ids.parse_notice_number(number)
    assert info.number == number
    assert info.aux_digit == parts["aux_digit"]
    assert info.iuv_base == parts["iuv_base"]
    assert info.application_code == parts.get("application_code")
    assert info.segregation_code == parts.get("segregation_code")
    assert (info.check_digits is None) == (parts["aux_digit"] == 1)
    assert len(info.iuv) == (15 if parts["aux_digit"] == 0 else 17)


checked_notice_parts = notice_parts().filter(lambda parts: parts["aux_digit"] != 1)


@PROPERTY_SETTINGS
@given(
    parts=checked_notice_parts,
    position=st.integers(min_value=1, max_value=17),
    shift=st.integers(min_value=1, max_value=9),
)
def test_changing_one_digit_of_a_checked_notice_number_makes_it_invalid(
    parts: dict[str, object], position: int, shift: int
) -> None:
    number = ids.make_notice_number(**parts)  # type: ignore[arg-type]
    changed_digit = str((int(number[position]) + shift) % 10)
    changed = number[:position] + changed_digit + number[position + 1 :]
    with pytest.raises(InvalidInput) as error:
        ids.parse_notice_number(changed)
    assert_invalid(error, "invalid_notice_number", "check digits should be")


@PROPERTY_SETTINGS
@given(parts=checked_notice_parts, aux=st.sampled_from("023456789"))
def test_changing_the_aux_digit_makes_a_checked_notice_number_invalid(
    parts: dict[str, object], aux: str
) -> None:
    number = ids.make_notice_number(**parts)  # type: ignore[arg-type]
    assume(aux != number[0])
    with pytest.raises(InvalidInput) as error:
        ids.parse_notice_number(aux + number[1:])
    assert error.value.code == "invalid_notice_number"


def test_an_aux_digit_changed_to_1_goes_unnoticed() -> None:
    # Aux 1 numbers carry no check digits, so this single-digit error cannot be caught.
    info = ids.parse_notice_number("1" + SEED_NOTICE[1:])
    assert info.aux_digit == 1
    assert info.check_digits is None


# --------------------------------------------------------------------------- payment codes


@pytest.mark.parametrize(
    "line",
    [
        pytest.param(SEED_SLIP_LINE, id="as-printed"),
        pytest.param(
            "18 001019100083901286 12 000016338436 10 0000014040 3 896", id="spaced-fields"
        ),
        pytest.param(f"  {SEED_SLIP_LINE}\n", id="surrounding-whitespace"),
    ],
)
def test_r2_4_seed_postal_slip_decodes(line: str) -> None:
    code = ids.decode_payment_code(line)
    assert code == ids.PaymentCode(
        format="postal_slip",
        notice_number=SEED_NOTICE,
        creditor_fiscal_code=None,
        postal_account=SEED_POSTAL_ACCOUNT,
        amount_cents=14040,
    )
    assert code.amount == Decimal("140.40")
    assert str(code.amount) == "140.40"


def test_r2_4_seed_qr_payload_decodes() -> None:
    code = ids.decode_payment_code(f"PAGOPA|002|{SEED_NOTICE}|{SEED_CREDITOR}|14040")
    assert code.format == "qr"
    assert code.notice_number == SEED_NOTICE
    assert code.creditor_fiscal_code == SEED_CREDITOR
    assert code.postal_account is None
    assert code.amount_cents == 14040
    assert code.amount == Decimal("140.40")


def test_encode_qr_payload_writes_the_pagopa_format() -> None:
    payload = ids.encode_qr_payload(
        notice_number="0010 1910 0083 9012 86",
        creditor_fiscal_code="IT00442530341",
        amount_cents=14040,
    )
    assert payload == f"PAGOPA|002|{SEED_NOTICE}|{SEED_CREDITOR}|14040"


def test_payment_code_amount_is_exact_for_small_amounts() -> None:
    code = ids.decode_payment_code(f"PAGOPA|002|{SEED_NOTICE}|{SEED_CREDITOR}|5")
    assert code.amount == Decimal("0.05")


@pytest.mark.parametrize(
    ("payload", "code", "fragment"),
    [
        pytest.param("", "invalid_payment_code", "payment code is empty", id="empty"),
        pytest.param("hello", "invalid_payment_code", "pagoPA QR payload ('PAGOPA", id="other"),
        pytest.param(
            f"PAGOPA|002|{SEED_NOTICE}|{SEED_CREDITOR}",
            "invalid_payment_code",
            "5 fields separated by '|'",
            id="qr-fields",
        ),
        pytest.param(
            f"PAGOPA|001|{SEED_NOTICE}|{SEED_CREDITOR}|14040",
            "invalid_payment_code",
            "version must be '002', got '001'",
            id="qr-version",
        ),
        pytest.param(
            f"PAGOPA|002|{SEED_NOTICE}|{SEED_CREDITOR}|140.40",
            "invalid_payment_code",
            "whole number of cents, got '140.40'",
            id="qr-decimal-amount",
        ),
        pytest.param(
            f"PAGOPA|002|{SEED_NOTICE}|{SEED_CREDITOR}|0",
            "invalid_payment_code",
            "between 1 and",
            id="qr-zero-amount",
        ),
        pytest.param(
            f"PAGOPA|002|001019100083901287|{SEED_CREDITOR}|14040",
            "invalid_notice_number",
            "notice number: notice number check digits should be '86'",
            id="qr-bad-notice",
        ),
        pytest.param(
            f"PAGOPA|002|{SEED_NOTICE}|00442530342|14040",
            "invalid_vat_number",
            "creditor fiscal code: VAT number check digit",
            id="qr-bad-creditor",
        ),
        pytest.param(
            SEED_SLIP_LINE[:-1],
            "invalid_payment_code",
            "must have 50 digits, got 49",
            id="slip-short",
        ),
        pytest.param(
            SEED_SLIP_LINE[:-3] + "123",
            "invalid_payment_code",
            "document type must be '896'",
            id="slip-document-type",
        ),
        pytest.param(
            SEED_SLIP_LINE.replace("1200001633", "1300001633"),
            "invalid_payment_code",
            "tag '12' (postal account) at position 21, got '13'",
            id="slip-tag",
        ),
        pytest.param(
            SEED_SLIP_LINE[:-1] + "X",
            "invalid_payment_code",
            "must contain only digits",
            id="slip-letter",
        ),
        pytest.param(
            SEED_SLIP_LINE.replace("12000016338436", "12000000000000"),
            "invalid_payment_code",
            "postal account cannot be all zeros",
            id="slip-account-zero",
        ),
        pytest.param(
            SEED_SLIP_LINE.replace("100000014040", "100000000000"),
            "invalid_payment_code",
            "between 1 and",
            id="slip-zero-amount",
        ),
        pytest.param(
            SEED_SLIP_LINE.replace("901286", "901287"),
            "invalid_notice_number",
            "check digits should be '86', got '87'",
            id="slip-bad-notice",
        ),
    ],
)
def test_decode_payment_code_refuses(payload: str, code: str, fragment: str) -> None:
    with pytest.raises(InvalidInput) as error:
        ids.decode_payment_code(payload)
    assert_invalid(error, code, fragment)


def test_a_bad_notice_inside_a_payment_code_names_the_field() -> None:
    with pytest.raises(InvalidInput) as error:
        ids.decode_payment_code(SEED_SLIP_LINE.replace("901286", "901287"))
    assert error.value.details["field"] == "notice number"


@pytest.mark.parametrize(
    ("kwargs", "code", "fragment"),
    [
        pytest.param({"amount_cents": 0}, "invalid_payment_code", "between 1 and", id="zero"),
        pytest.param(
            {"amount_cents": 10_000_000_000}, "invalid_payment_code", "between 1", id="huge"
        ),
        pytest.param({"amount_cents": 140.4}, "invalid_payment_code", "got float", id="float"),
        pytest.param({"amount_cents": True}, "invalid_payment_code", "got bool", id="bool"),
        pytest.param(
            {"notice_number": "001019100083901287"}, "invalid_notice_number", "'86'", id="notice"
        ),
        pytest.param(
            {"creditor_fiscal_code": "0044253034"}, "invalid_vat_number", "got 10", id="creditor"
        ),
    ],
)
def test_encode_qr_payload_refuses(kwargs: dict[str, object], code: str, fragment: str) -> None:
    arguments: dict[str, object] = {
        "notice_number": SEED_NOTICE,
        "creditor_fiscal_code": SEED_CREDITOR,
        "amount_cents": 14040,
        **kwargs,
    }
    with pytest.raises(InvalidInput) as error:
        ids.encode_qr_payload(**arguments)  # type: ignore[arg-type]
    assert_invalid(error, code, fragment)


@PROPERTY_SETTINGS
@given(
    parts=notice_parts(),
    creditor_index=st.integers(min_value=0, max_value=ids.SAMPLE_VAT_NUMBER_CAPACITY - 1),
    amount_cents=st.integers(min_value=1, max_value=9_999_999_999),
)
def test_decoding_an_encoded_qr_payload_gives_back_its_parts(
    parts: dict[str, object], creditor_index: int, amount_cents: int
) -> None:
    notice = ids.make_notice_number(**parts)  # type: ignore[arg-type]
    creditor = ids.sample_vat_number(creditor_index)
    payload = ids.encode_qr_payload(
        notice_number=notice, creditor_fiscal_code=creditor, amount_cents=amount_cents
    )
    assert ids.decode_payment_code(payload) == ids.PaymentCode(
        format="qr",
        notice_number=notice,
        creditor_fiscal_code=creditor,
        amount_cents=amount_cents,
    )


def test_models_are_frozen_and_document_their_fields() -> None:
    code = ids.decode_payment_code(SEED_SLIP_LINE)
    with pytest.raises(ValueError, match="frozen"):
        code.amount_cents = 1  # type: ignore[misc]
    for model in (ids.PaymentCode, ids.NoticeNumberInfo):
        undocumented = [name for name, f in model.model_fields.items() if not f.description]
        assert undocumented == [], model.__name__


# --------------------------------------------------------------------------- test data


@pytest.mark.parametrize(
    ("surname", "name", "birth_date", "female", "municipality", "expected"),
    [
        pytest.param(
            "Rocca",
            "Emanuele",
            datetime.date(1983, 11, 18),
            False,
            "D969",
            "RCCMNL83S18D969H",
            id="stdnum-example",
        ),
        pytest.param(
            "Rossi",
            "Mario",
            datetime.date(1980, 1, 1),
            False,
            "H501",
            "RSSMRA80A01H501U",
            id="mario-rossi",
        ),
        pytest.param(
            "Bianchi",
            "Gianfranco",
            datetime.date(2015, 3, 5),
            False,
            "L304",
            with_check("BNCGFR15C05L304"),
            id="name-with-4-consonants",
        ),
        pytest.param(
            "Fo",
            "Ada",
            datetime.date(2016, 12, 31),
            True,
            "L304",
            with_check("FOXDAA16T71L304"),
            id="short-names-female",
        ),
        pytest.param(
            "D'Angelò",
            "Lù",
            datetime.date(2000, 2, 29),
            True,
            "f205",
            with_check("DNGLUX00B69F205"),
            id="apostrophe-accents",
        ),
    ],
)
def test_make_tax_code_follows_the_real_algorithm(
    surname: str,
    name: str,
    birth_date: datetime.date,
    female: bool,
    municipality: str,
    expected: str,
) -> None:
    code = ids.make_tax_code(
        surname=surname,
        name=name,
        birth_date=birth_date,
        female=female,
        municipality=municipality,
    )
    assert code == expected
    assert ids.validate_tax_code(code) == code
    assert codicefiscale.get_birth_date(code, minyear=1920) == birth_date
    assert codicefiscale.get_gender(code) == ("F" if female else "M")


def test_make_tax_code_defaults_to_tortona() -> None:
    code = ids.make_tax_code(
        surname="Rossi", name="Mario", birth_date=datetime.date(2018, 4, 2), female=False
    )
    assert code[11:15] == "L304"


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        pytest.param({"municipality": "L30"}, "letter and 3 digits", id="municipality"),
        pytest.param({"surname": "123"}, "surname must contain at least one letter", id="surname"),
        pytest.param({"name": " "}, "name must contain at least one letter", id="name"),
    ],
)
def test_make_tax_code_refuses(kwargs: dict[str, object], fragment: str) -> None:
    arguments: dict[str, object] = {
        "surname": "Rossi",
        "name": "Mario",
        "birth_date": datetime.date(2018, 4, 2),
        "female": False,
        **kwargs,
    }
    with pytest.raises(InvalidInput) as error:
        ids.make_tax_code(**arguments)  # type: ignore[arg-type]
    assert_invalid(error, "invalid_tax_code", fragment)


def test_sample_tax_codes_are_deterministic_and_plentiful() -> None:
    assert ids.sample_tax_code(42) == ids.sample_tax_code(42)
    assert ids.SAMPLE_TAX_CODE_CAPACITY >= 10_000_000
    block = [ids.sample_tax_code(n) for n in range(3000)]
    assert len(set(block)) == len(block)


@PROPERTY_SETTINGS
@given(n=st.integers(min_value=0, max_value=ids.SAMPLE_TAX_CODE_CAPACITY - 1))
def test_every_sample_tax_code_is_valid(n: int) -> None:
    code = ids.sample_tax_code(n)
    assert ids.validate_tax_code(code) == code
    assert codicefiscale.is_valid(code)


@PROPERTY_SETTINGS
@given(
    n=st.integers(min_value=0, max_value=ids.SAMPLE_TAX_CODE_CAPACITY - 1),
    m=st.integers(min_value=0, max_value=ids.SAMPLE_TAX_CODE_CAPACITY - 1),
)
def test_sample_tax_codes_differ_for_different_n(n: int, m: int) -> None:
    assert (ids.sample_tax_code(n) == ids.sample_tax_code(m)) == (n == m)


@PROPERTY_SETTINGS
@given(
    n=st.integers(min_value=0, max_value=ids.SAMPLE_VAT_NUMBER_CAPACITY - 1),
    m=st.integers(min_value=0, max_value=ids.SAMPLE_VAT_NUMBER_CAPACITY - 1),
)
def test_sample_vat_numbers_are_valid_and_differ_for_different_n(n: int, m: int) -> None:
    vat = ids.sample_vat_number(n)
    assert ids.validate_vat_number(vat) == vat
    assert (vat == ids.sample_vat_number(m)) == (n == m)


def test_sample_vat_numbers_are_plentiful() -> None:
    assert ids.SAMPLE_VAT_NUMBER_CAPACITY >= 10_000_000
    block = [ids.sample_vat_number(n) for n in range(3000)]
    assert len(set(block)) == len(block)
    assert ids.validate_vat_number(ids.sample_vat_number(ids.SAMPLE_VAT_NUMBER_CAPACITY - 1))


@pytest.mark.parametrize(
    ("sample", "n"),
    [
        pytest.param(ids.sample_tax_code, -1, id="tax-code-negative"),
        pytest.param(ids.sample_tax_code, ids.SAMPLE_TAX_CODE_CAPACITY, id="tax-code-too-big"),
        pytest.param(ids.sample_vat_number, -1, id="vat-negative"),
        pytest.param(ids.sample_vat_number, ids.SAMPLE_VAT_NUMBER_CAPACITY, id="vat-too-big"),
    ],
)
def test_samples_refuse_an_index_out_of_range(sample: Callable[[int], str], n: int) -> None:
    with pytest.raises(ValueError, match="n must be in range"):
        sample(n)
