"""`notices check` and `notices decode`: offline, with no portal and no network (R2.4)."""

from __future__ import annotations

import json

import httpx
import pytest
from typer.testing import CliRunner

from familycard_cli.main import app

SEED_NOTICE = "001019100083901286"
SEED_SLIP_LINE = "18001019100083901286120000163384361000000140403896"
SEED_QR = f"PAGOPA|002|{SEED_NOTICE}|00442530341|14040"


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any HTTP request fails the test: these commands must work with no portal at all."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("an offline command used the network")

    monkeypatch.setattr(httpx.Client, "send", refuse)


def offline(*args: str, as_json: bool = True):
    argv = (["--json"] if as_json else []) + list(args)
    return CliRunner().invoke(app, argv, env={}, catch_exceptions=False)


def error_of(result) -> dict:
    return json.loads(result.stderr.strip().splitlines()[-1])["error"]


def test_r2_4_check_accepts_the_seed_slip_number_without_a_portal():
    result = offline("notices", "check", SEED_NOTICE)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {
        "number": SEED_NOTICE,
        "valid": True,
        "aux_digit": 0,
        "application_code": "01",
        "segregation_code": None,
        "iuv": "019100083901286",
        "check_digits": "86",
    }


@pytest.mark.parametrize(
    ("number", "fragment"),
    [
        pytest.param("001019100083901287", "check digits should be '86', got '87'", id="check"),
        pytest.param("00101910008390128", "must have 18 digits, got 17", id="short"),
        pytest.param("501019100083901286", "aux digit", id="aux"),
        pytest.param("00101910008390128X", "only digits", id="letter"),
    ],
)
def test_r2_4_check_refuses_a_wrong_number_with_exit_2_and_what_is_wrong(number, fragment):
    result = offline("notices", "check", number)
    assert result.exit_code == 2
    assert result.stdout == ""
    error = error_of(result)
    assert error["code"] == "invalid_notice_number"
    assert fragment in error["message"]


def test_r2_4_check_for_a_person_shows_the_parts():
    result = offline("notices", "check", "0010 1910 0083 9012 86", as_json=False)
    assert result.exit_code == 0, result.stderr
    assert "valid notice number 001019100083901286" in result.stdout
    assert "019100083901286" in result.stdout


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        pytest.param(
            SEED_SLIP_LINE,
            {
                "format": "postal_slip",
                "notice_number": SEED_NOTICE,
                "creditor_fiscal_code": None,
                "postal_account": "16338436",
                "amount": {"value": "140.40", "currency": "EUR"},
            },
            id="postal-slip",
        ),
        pytest.param(
            SEED_QR,
            {
                "format": "qr",
                "notice_number": SEED_NOTICE,
                "creditor_fiscal_code": "00442530341",
                "postal_account": None,
                "amount": {"value": "140.40", "currency": "EUR"},
            },
            id="qr",
        ),
    ],
)
def test_r2_4_decode_reads_the_seed_slip_and_qr_offline(payload, expected):
    result = offline("notices", "decode", payload)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == expected


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        pytest.param(SEED_QR.replace("00442530341", "00442530342"), "invalid_vat_number", id="vat"),
        pytest.param(SEED_QR.replace("86|", "87|"), "invalid_notice_number", id="notice"),
        pytest.param(SEED_SLIP_LINE[:-3] + "123", "invalid_payment_code", id="doc-type"),
        pytest.param("hello", "invalid_payment_code", id="garbage"),
    ],
)
def test_r2_4_decode_refuses_a_bad_payload_with_exit_2(payload, code):
    result = offline("notices", "decode", payload)
    assert result.exit_code == 2
    assert error_of(result)["code"] == code
