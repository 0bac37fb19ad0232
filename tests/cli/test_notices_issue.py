"""The clerk issues notices (one, or a CSV file): R2.4, R4.4, through the CLI over HTTP."""

from __future__ import annotations

from pathlib import Path

from cli_support import CliFn, clerk_env, write_csv
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from notices_support import GIULIO, GIUSEPPE, PAGOINRETE_ROWS, PAOLA_EMAIL, PIETRO, SARA, ok

from familycard.identifiers import parse_notice_number


def clerk(cli: CliFn, tenant: str, *args: str):
    return cli("clerk", *args, tenant=tenant, env=clerk_env())


def enrol_pagoinrete(cli: CliFn, tmp_path: Path) -> None:
    rows = write_csv(tmp_path / "families.csv", PAGOINRETE_ROWS)
    statuses = {r["status"] for r in ok(clerk(cli, "pagoinrete", "enroll", str(rows))).json()}
    assert statuses <= {"created", "exists"}


def issue(cli: CliFn, tenant: str, tax_code: str, *extra: str, amount: str = "12.50"):
    return clerk(
        cli,
        tenant,
        "issue-notice",
        "--tax-code",
        tax_code,
        "--subject",
        "Uscita didattica",
        "--amount",
        amount,
        "--due",
        "2026-03-31",
        *extra,
    )


def test_r4_4_issuing_a_notice_twice_with_the_same_reference_adds_nothing(cli, stub, tmp_path):
    enrol_pagoinrete(cli, tmp_path)
    first = ok(issue(cli, "pagoinrete", GIULIO, "--reference", "gita-2026")).json()
    assert first["status"] == "created"
    assert first["amount"] == {"value": "12.50", "currency": "EUR"}
    again = ok(issue(cli, "pagoinrete", GIULIO, "--reference", "gita-2026")).json()
    assert (again["status"], again["number"]) == ("exists", first["number"])
    assert len([m for m in stub.control.outbox() if m.kind == "notice"]) == 0  # no account yet


def test_r4_4_a_notice_is_issued_only_to_enrolled_children_or_families(cli, stub, tmp_path):
    enrol_pagoinrete(cli, tmp_path)
    stranger = issue(cli, "pagoinrete", GIUSEPPE)
    assert stranger.exit_code == 4
    assert stranger.error()["code"] == "not_enrolled"
    wrong_school = issue(cli, "pagoinrete", SARA, "--institution", "IC Parma Centro")
    assert wrong_school.exit_code == 4
    assert wrong_school.error()["code"] == "not_enrolled"
    family = ok(issue(cli, "pagoinrete", "VRDPLA82M41L219E", "--institution", "IC Parma Centro"))
    assert family.json()["tax_code"] == "VRDPLA82M41L219E"
    several = issue(cli, "pagoinrete", "VRDPLA82M41L219E")
    assert several.exit_code == 2  # a missing option: which institution
    assert several.error()["code"] == "institution_required"


def test_r4_4_bad_input_is_refused_before_sending(cli, stub, tmp_path):
    enrol_pagoinrete(cli, tmp_path)
    for amount, fragment in (("12.345", "too many decimals"), ("0", "more than zero")):
        result = issue(cli, "pagoinrete", GIULIO, amount=amount)
        assert result.exit_code == 2
        assert result.error()["code"] == "invalid_amount"
        assert fragment in result.error()["message"]
    missing = clerk(cli, "pagoinrete", "issue-notice", "--tax-code", GIULIO)
    assert missing.exit_code == 2
    assert missing.error()["code"] == "missing_field"
    bad_expiry = issue(cli, "pagoinrete", GIULIO, "--expires", "2026-03-01")
    assert bad_expiry.exit_code == 2
    assert bad_expiry.error()["code"] == "invalid_expiry"


NOTICES_CSV = f"""tax_code;subject;amount;due_on;expires_on;institution;reference
{GIULIO};Uscita didattica;12,50;15/02/2026;;;g-1
{SARA};Laboratorio di scienze;30.10;2026-02-28;2026-04-30;;s-1
{PIETRO};Uscita didattica;12.50;2026-02-15;;;p-1
{GIULIO};Assicurazione;8.001;2026-02-15;;;g-2
BNCGPP80A01H223F;Assicurazione;8.00;2026-02-15;;;x-1
"""


def test_r4_4_a_csv_file_issues_each_row_on_its_own_and_rerunning_adds_nothing(cli, stub, tmp_path):
    enrol_pagoinrete(cli, tmp_path)
    csv_file = write_csv(tmp_path / "notices.csv", "\ufeff" + NOTICES_CSV)
    first = clerk(cli, "pagoinrete", "issue-notice", "--file", str(csv_file))
    assert first.exit_code == 4
    results = first.json()
    assert [r["status"] for r in results] == ["created", "created", "created", "invalid", "refused"]
    assert results[3]["error"]["code"] == "invalid_amount"
    assert results[4]["error"]["code"] == "not_enrolled"
    assert results[0]["amount"] == {"value": "12.50", "currency": "EUR"}
    numbers = [r["number"] for r in results[:3]]
    assert len(set(numbers)) == 3
    again = clerk(cli, "pagoinrete", "issue-notice", "--file", str(csv_file)).json()
    assert [r["status"] for r in again[:3]] == ["exists"] * 3
    assert [r["number"] for r in again[:3]] == numbers


def test_r4_4_file_and_options_do_not_mix(cli, stub, tmp_path):
    csv_file = write_csv(tmp_path / "notices.csv", NOTICES_CSV)
    result = clerk(cli, "pagoinrete", "issue-notice", "--file", str(csv_file), "--tax-code", GIULIO)
    assert result.exit_code == 2
    assert result.error()["code"] == "invalid_request"


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    tenant=st.sampled_from(["sala-baganza", "pagoinrete"]),
    cents=st.integers(min_value=1, max_value=99_999_999),
    position=st.integers(min_value=0, max_value=17),
    shift=st.integers(min_value=1, max_value=9),
)
def test_r2_4_every_notice_number_the_stub_issues_passes_check(
    cli, stub, tmp_path_factory, tenant, cents, position, shift
):
    if tenant == "pagoinrete":
        enrol_pagoinrete(cli, tmp_path_factory.mktemp("enrol"))
        tax_code = GIULIO
    else:
        rows = write_csv(
            tmp_path_factory.mktemp("enrol") / "families.csv",
            "guardian_tax_code,guardian_name,guardian_email,child_tax_code,child_name,service\n"
            f"{GIUSEPPE},Giuseppe Bianchi,{PAOLA_EMAIL},{SARA},Sara,mensa\n",
        )
        ok(clerk(cli, tenant, "enroll", str(rows)))
        tax_code = GIUSEPPE
    amount = f"{cents // 100}.{cents % 100:02d}"
    issued = ok(issue(cli, tenant, tax_code, amount=amount)).json()
    number = issued["number"]
    checked = ok(cli("notices", "check", number, tenant=tenant)).json()
    assert checked["valid"] is True
    assert checked["aux_digit"] == parse_notice_number(number).aux_digit
    assert checked["check_digits"] == f"{int(number[:16]) % 93:02d}"
    changed = number[:position] + str((int(number[position]) + shift) % 10) + number[position + 1 :]
    if changed[0] == "1":
        return  # aux digit 1 carries no check digits: that change cannot be caught
    refused = cli("notices", "check", changed, tenant=tenant)
    assert refused.exit_code == 2
    assert refused.error()["code"] == "invalid_notice_number"
