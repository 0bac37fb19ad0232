"""Services, token balances and attendance on tortona (R1.5-R1.7), through the CLI over HTTP."""

from __future__ import annotations

import pytest
from cli_support import clerk_env
from tokens_support import LUCA, MARIA, attend, balance, family, payments, register

import familycard


def test_r1_5_services_list_shows_each_childs_active_services(cli, stub, tmp_path):
    rossi = family(cli, stub, tmp_path)
    maria = cli("services", "list", env=rossi.maria)
    assert maria.exit_code == 0, maria.stderr
    [canteen] = maria.json()
    assert canteen["member"] == MARIA
    assert canteen["member_name"] == "Maria Rossi"
    assert canteen["service"] == "mensa"
    assert canteen["name"] == "School canteen"
    assert canteen["balance"] == 0
    assert canteen["token_price"] == {"value": "4.50", "currency": "EUR"}
    assert canteen["token_multiple"] == 5
    luca = cli("services", "list", env=rossi.luca)
    assert [s["service"] for s in luca.json()] == ["mensa", "casa_dei_bambini"]
    human = cli("services", "list", env=rossi.luca, json=False)
    assert human.exit_code == 0
    assert "casa_dei_bambini" in human.stdout


def test_r1_5_each_service_has_a_detail_view(cli, stub, tmp_path):
    rossi = family(cli, stub, tmp_path)
    attend(cli, LUCA, "casa_dei_bambini", "2026-11-12", "2026-11-13")
    detail = cli("services", "show", "casa_dei_bambini", env=rossi.luca)
    assert detail.exit_code == 0, detail.stderr
    body = detail.json()
    assert body["name"] == "Casa dei bambini"
    assert body["balance"] == -2
    assert body["last_attendance"] == "2026-11-13"
    human = cli("services", "show", "casa_dei_bambini", env=rossi.luca, json=False)
    assert "in debit" in human.stdout
    assert "EUR 4.50" in human.stdout
    missing = cli("services", "show", "casa_dei_bambini", env=rossi.maria)
    assert missing.exit_code == 5
    assert missing.error()["code"] == "service_not_found"
    unknown = cli("services", "show", "piscina", env=rossi.maria)
    assert unknown.exit_code == 2
    assert unknown.error()["code"] == "unknown_service"


def test_r1_6_the_balance_is_per_service_an_integer_and_negative_in_debit(cli, stub, tmp_path):
    rossi = family(cli, stub, tmp_path)
    attend(cli, LUCA, "mensa", "2026-11-11", "2026-11-12", "2026-11-13")
    attend(cli, LUCA, "casa_dei_bambini", "2026-11-13")
    result = cli("tokens", "balance", env=rossi.luca)
    assert result.exit_code == 0, result.stderr
    assert result.json() == [
        {"member": LUCA, "member_name": "Luca Rossi", "service": "mensa", "balance": -3},
        {"member": LUCA, "member_name": "Luca Rossi", "service": "casa_dei_bambini", "balance": -1},
    ]
    assert balance(cli, rossi.maria) == 0  # Maria's canteen is untouched
    human = cli("tokens", "balance", env=rossi.luca, json=False)
    assert "in debit" in human.stdout


def test_r1_6_balance_below_exits_4_and_says_so(cli, stub, tmp_path):
    rossi = family(cli, stub, tmp_path)
    attend(cli, MARIA, "mensa", "2026-11-13")
    low = cli("tokens", "balance", "--below", "0", env=rossi.maria)
    assert low.exit_code == 4
    assert low.json()[0]["balance"] == -1  # stdout is still the one JSON document
    error = low.error()
    assert error["code"] == "balance_below"
    assert MARIA in error["message"]
    human = cli("tokens", "balance", "--below", "0", env=rossi.maria, json=False)
    assert human.exit_code == 4
    assert "balance under 0 tokens" in human.stderr
    enough = cli("tokens", "balance", "--below", "-1", env=rossi.maria)
    assert enough.exit_code == 0, enough.stderr


def test_r1_6_the_member_may_be_left_out_and_another_childs_code_is_not_found(cli, stub, tmp_path):
    rossi = family(cli, stub, tmp_path)
    own = cli("tokens", "balance", "--member", MARIA, env=rossi.maria)
    assert own.exit_code == 0, own.stderr
    assert [b["member"] for b in own.json()] == [MARIA]
    other = cli("tokens", "balance", "--member", LUCA, env=rossi.maria)
    assert other.exit_code == 5
    assert other.error()["code"] == "member_not_found"
    malformed = cli("tokens", "balance", "--member", "RSSMRA15C45L304X", env=rossi.maria)
    assert malformed.exit_code == 2
    assert malformed.error()["code"] == "invalid_tax_code"


def test_r1_7_attendance_lists_the_days_attended_each_consuming_one_token(cli, stub, tmp_path):
    rossi = family(cli, stub, tmp_path)
    first = attend(cli, LUCA, "mensa", "2026-11-13", "2026-11-02", "2026-10-30")
    assert first["recorded"] == ["2026-10-30", "2026-11-02", "2026-11-13"]
    assert first["balance"] == -3
    attend(cli, LUCA, "casa_dei_bambini", "2026-11-03")
    november = cli("tokens", "attendance", "--month", "2026-11", env=rossi.luca)
    assert november.exit_code == 0, november.stderr
    assert november.json() == [
        {
            "member": LUCA,
            "service": "mensa",
            "month": "2026-11",
            "days": ["2026-11-02", "2026-11-13"],
            "tokens_consumed": 2,
        },
        {
            "member": LUCA,
            "service": "casa_dei_bambini",
            "month": "2026-11",
            "days": ["2026-11-03"],
            "tokens_consumed": 1,
        },
    ]
    october = cli(
        "tokens", "attendance", "--month", "2026-10", "--service", "mensa", env=rossi.luca
    )
    assert [a["days"] for a in october.json()] == [["2026-10-30"]]
    human = cli("tokens", "attendance", "--month", "2026-11", env=rossi.luca, json=False)
    assert "2 tokens consumed" in human.stdout


def test_r1_7_recording_a_day_again_changes_nothing(cli, stub, tmp_path):
    rossi = family(cli, stub, tmp_path)
    attend(cli, MARIA, "mensa", "2026-11-12", "2026-11-13")
    again = attend(cli, MARIA, "mensa", "2026-11-13", "2026-11-16")
    assert again["recorded"] == ["2026-11-16"]
    assert again["unchanged"] == ["2026-11-13"]
    assert again["balance"] == -3
    assert balance(cli, rossi.maria) == -3


def test_r1_7_the_clerk_records_every_school_day_of_a_month_so_far(cli, stub, tmp_path):
    rossi = family(cli, stub, tmp_path, now="2026-12-10T15:00:00+01:00")
    result = cli(
        "clerk",
        "attendance",
        "--tax-code",
        MARIA,
        "--service",
        "mensa",
        "--month",
        "2026-12",
        env=clerk_env(),
    )
    assert result.exit_code == 0, result.stderr
    # The school days are the portal's working days (its published calendar: weekends
    # and holidays off), up to today (the 10th).
    published = cli("portal", "calendar", "--from", "2026-12-01", "--to", "2026-12-10").json()
    school_days = [d["date"] for d in published if d["working"]]
    assert "2026-12-05" not in school_days  # a Saturday
    assert result.json()["recorded"] == school_days
    assert balance(cli, rossi.maria) == -len(school_days)


def test_r1_7_a_day_that_has_not_come_is_refused_and_nothing_is_recorded(cli, stub, tmp_path):
    rossi = family(cli, stub, tmp_path)
    result = cli(
        "clerk",
        "attendance",
        "--tax-code",
        MARIA,
        "--service",
        "mensa",
        "--day",
        "2026-11-13",
        "--day",
        "2026-11-17",
        env=clerk_env(),
    )
    assert result.exit_code == 4
    assert result.error()["code"] == "day_in_future"
    assert balance(cli, rossi.maria) == 0  # not even the 13th: nothing half-done


def test_r1_7_attendance_needs_an_enrolled_service_and_the_clerk_key(cli, stub, tmp_path):
    rossi = family(cli, stub, tmp_path)
    args = ("clerk", "attendance", "--tax-code", MARIA, "--service", "casa_dei_bambini")
    not_enrolled = cli(*args, "--day", "2026-11-13", env=clerk_env())
    assert not_enrolled.exit_code == 4
    assert not_enrolled.error()["code"] == "not_enrolled"
    no_key = cli(
        "clerk", "attendance", "--tax-code", MARIA, "--service", "mensa", "--day", "2026-11-13"
    )
    assert no_key.exit_code == 3
    wrong_key = cli(
        "clerk",
        "attendance",
        "--tax-code",
        MARIA,
        "--service",
        "mensa",
        "--day",
        "2026-11-13",
        env={"FAMILYCARD_CLERK_KEY": "not-the-key"},
    )
    assert wrong_key.exit_code == 3
    assert wrong_key.error()["code"] == "invalid_clerk_key"
    assert balance(cli, rossi.maria) == 0


def test_r1_7_malformed_days_and_months_are_refused_before_sending(cli, stub, tmp_path):
    rossi = family(cli, stub, tmp_path)
    bad_month = cli("tokens", "attendance", "--month", "11/2026", env=rossi.maria)
    assert bad_month.exit_code == 2
    assert bad_month.error()["code"] == "invalid_month"
    base = ("clerk", "attendance", "--tax-code", MARIA, "--service", "mensa")
    bad_day = cli(*base, "--day", "2026-11-31", env=clerk_env())
    assert bad_day.exit_code == 2
    assert bad_day.error()["code"] == "invalid_date"
    both = cli(*base, "--day", "2026-11-13", "--month", "2026-11", env=clerk_env())
    assert both.exit_code == 2
    assert both.error()["code"] == "days_or_month"
    neither = cli(*base, env=clerk_env())
    assert neither.exit_code == 2


def test_r1_6_the_demo_seed_has_a_term_of_attendance_and_a_paid_recharge(cli, stub, tmp_path):
    stub.control.reset(seed="demo")
    maria = register(cli, stub, MARIA, "anna.maria")
    services = cli("services", "list", env=maria).json()
    last_day = services[0]["last_attendance"]
    assert last_day is not None
    months = sorted({last_day[:7]})
    attended = cli("tokens", "attendance", "--month", months[0], env=maria).json()[0]["days"]
    assert attended and attended[-1] == last_day
    assert payments(cli, maria, "--school-year", "2020/2021") == []
    seeded = payments(cli, maria, "--from", "2000-01-01")
    assert [(p["status"], p["details"]["tokens"]) for p in seeded] == [("succeeded", 30)]
    # 30 tokens bought, one consumed per school day of the term.
    total_days = sum(
        len(cli("tokens", "attendance", "--month", month, env=maria).json()[0]["days"])
        for month in _months_between(seeded[0]["created_at"][:7], last_day[:7])
    )
    assert total_days > 0
    assert services[0]["balance"] == 30 - total_days


def _months_between(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:])
    months = []
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def test_r1_6_a_portal_without_tokens_says_so_before_sending(stub):
    for tenant in ("sala-baganza", "jaszbereny"):
        with familycard.Client(stub.portal_url(tenant)) as client:
            with pytest.raises(familycard.InvalidInput) as caught:
                client.tokens.balances()
            assert caught.value.code == "feature_not_supported"
            assert not caught.value.sent
            with pytest.raises(familycard.InvalidInput) as caught:
                client.recharges.quote(tokens=5)
            assert caught.value.code == "feature_not_supported"
