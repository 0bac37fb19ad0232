"""entranext notices and meals consumed: R2.2-R2.4, through the CLI against the stub over HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_support import write_csv
from notices_support import (
    ELENA,
    GIUSEPPE,
    GIUSEPPE_EMAIL,
    MARCO,
    SEED_NOTICE,
    SEED_SLIP_LINE,
    entranext_family,
    ok,
)

# R2.2 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(("notices", "list"), id="list"),
        pytest.param(("notices", "show", SEED_NOTICE), id="show"),
        pytest.param(
            ("notices", "pay", SEED_NOTICE, "--method", "card", "--psp", "paydemo"), id="pay"
        ),
        pytest.param(("meals", "consumed"), id="meals-consumed"),
    ],
)
def test_r2_2_notices_and_meals_need_elevated_credentials(cli, stub, command):
    family = entranext_family(cli, stub, elevate=False)
    refused = family.run(*command)
    assert refused.exit_code == 3
    assert refused.error()["code"] == "elevation_required"
    human = family.run(*command, json=False)
    assert human.exit_code == 3
    assert "hint: raise your credentials first: familycard auth elevate CODE" in human.stderr
    assert ok(family.run("payments", "list")).json() == []  # nothing was charged


def test_r2_2_after_elevation_with_the_municipality_code_the_notices_show(cli, stub):
    family = entranext_family(cli, stub, elevate=False)
    assert family.run("notices", "list").exit_code == 3
    code = ok(family.clerk("elevation-code", "--tax-code", GIUSEPPE)).json()["code"]
    assert ok(family.run("auth", "elevate", code)).json()["elevated"] is True
    assert list(family.notices()) == [SEED_NOTICE]


# R2.3 ------------------------------------------------------------------------------


def test_r2_3_an_elevated_family_pays_its_notice_through_pagopa(cli, stub):
    family = entranext_family(cli, stub, elevate=True)
    created = ok(family.pay(SEED_NOTICE, method="postal", psp="poste-esempio")).json()
    assert created["method"] == "postal"
    assert created["amount"] == {"value": "141.90", "currency": "EUR"}
    assert created["member"] == ELENA
    ok(family.cli("stub", "pay", created["id"], tenant="sala-baganza"))
    notice = ok(family.run("notices", "show", SEED_NOTICE)).json()
    assert notice["status"] == "paid"
    assert notice["payment_id"] == created["id"]
    receipt = stub.control.last_email(GIUSEPPE_EMAIL, kind="receipt")
    assert receipt.data["payment_id"] == created["id"]


def test_r2_3_the_family_is_emailed_a_new_notice_and_sees_it(cli, stub):
    family = entranext_family(cli, stub, elevate=True)
    number = family.issue(GIUSEPPE, "Trasporto scolastico febbraio", "35.00", "2026-02-28")
    assert number.startswith("001")  # the tenant's layout: aux digit 0, application code 01
    mail = stub.control.last_email(GIUSEPPE_EMAIL, kind="notice")
    assert mail.data["number"] == number
    notice = family.notices()[number]
    assert notice["debtor_tax_code"] == GIUSEPPE
    assert notice["member"] is None
    assert notice["slip"]["code_line"] == (f"18{number}12000016338436100000003500" + "3896")


MEALS = f"""child_tax_code;day;service;meals
{ELENA};2026-01-07;scuola_infanzia;1
{ELENA};2026-01-08;scuola_infanzia;1
{MARCO};2026-01-08;mensa;2
{MARCO};2025-12-19;mensa;1
"""


def test_r2_3_meals_consumed_are_listed_per_month(cli, stub, tmp_path: Path):
    family = entranext_family(cli, stub, elevate=True)
    csv_file = write_csv(tmp_path / "meals.csv", MEALS)
    recorded = ok(family.clerk("meals-consumed", str(csv_file))).json()
    assert [r["status"] for r in recorded] == ["created"] * 4
    january = ok(family.run("meals", "consumed", "--month", "2026-01")).json()
    assert [(m["day"], m["member"], m["meals"]) for m in january] == [
        ("2026-01-07", ELENA, 1),
        ("2026-01-08", ELENA, 1),
        ("2026-01-08", MARCO, 2),
    ]
    assert january[0]["member_name"] == "Elena Bianchi"
    # Re-running the file changes nothing: a day recorded again replaces its count.
    again = ok(family.clerk("meals-consumed", str(csv_file))).json()
    assert [r["status"] for r in again] == ["updated"] * 4
    assert ok(family.run("meals", "consumed", "--month", "2026-01")).json() == january
    only_marco = ok(family.run("meals", "consumed", "--month", "2025-12", "--member", MARCO))
    assert [m["day"] for m in only_marco.json()] == ["2025-12-19"]
    bad = family.run("meals", "consumed", "--month", "2026-13")
    assert bad.exit_code == 2
    assert bad.error()["code"] == "invalid_month"


# R2.4 ------------------------------------------------------------------------------


def test_r2_4_the_demo_seed_holds_the_real_notice_of_sala_baganza(cli, stub):
    family = entranext_family(cli, stub, elevate=True)
    notice = ok(family.run("notices", "show", SEED_NOTICE)).json()
    assert notice["creditor"] == {
        "name": "Comune Sala Baganza — Servizio Tesoreria",
        "fiscal_code": "00442530341",
    }
    assert notice["amount"] == {"value": "140.40", "currency": "EUR"}
    assert notice["iuv"] == "019100083901286"
    assert notice["subject"] == "Servizi scolastici — scuola dell'infanzia"
    assert notice["reference"] == "contributor 599, notice 839/2019"
    assert notice["slip"] == {
        "qr_payload": f"PAGOPA|002|{SEED_NOTICE}|00442530341|14040",
        "postal_account": "16338436",
        "iban": "IT51N0760112700000016338436",
        "code_line": SEED_SLIP_LINE,
    }
    decoded = ok(cli("notices", "decode", notice["slip"]["code_line"])).json()
    assert decoded["notice_number"] == SEED_NOTICE
    assert decoded["amount"] == notice["amount"]
