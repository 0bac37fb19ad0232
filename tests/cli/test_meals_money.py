"""Balances and payments of school meals (R3.15-R3.16) through the CLI against the stub."""

from __future__ import annotations

import pytest
from meals_support import BENCE, LILI, at, clerk, family, inbox, ok, paid, run


@pytest.fixture
def ids(cli, stub, tmp_path) -> dict[str, str]:
    return family(cli, stub, tmp_path, now=at("2026-03-02 08:00"))


def huf(value: int) -> dict[str, str]:
    return {"value": str(value), "currency": "HUF"}


def test_r3_16_balances_are_settled_or_an_overpayment_per_member_and_service(cli, stub, ids):
    clerk(cli, "cash-payment", "--member", ids[LILI], "--amount", "3000")
    rows = ok(run(cli, "balances", "list"))
    by_member = {(r["member"], r["service"]): r for r in rows}
    assert by_member[(BENCE, "meals")]["balance"] == huf(0)
    assert by_member[(BENCE, "meals")]["state"] == "settled"
    assert by_member[(LILI, "meals")]["balance"] == huf(3000)
    assert by_member[(LILI, "meals")]["state"] == "overpayment"
    only = ok(run(cli, "balances", "list", "--member", "Kovács Lili"))
    assert [r["member"] for r in only] == [LILI]
    human = run(cli, "balances", "list", json=False)
    assert "HUF 3 000" in human.stdout
    assert "overpayment" in human.stdout


def test_r3_16_a_nursery_member_has_a_care_account_too(cli, stub, tmp_path):
    text = (
        "guardian_email,child_name,institution,age_group\n"
        "kovacs.eva@example.hu,Kovács Panni,Napsugár Bölcsőde,nursery\n"
    )
    ids = family(cli, stub, tmp_path, now=at("2026-03-02 08:00"), text=text)
    panni = ids["Kovács Panni"]
    clerk(cli, "cash-payment", "--member", panni, "--amount", "12000", "--service", "care")
    rows = ok(run(cli, "balances", "list"))
    assert [(r["service"], r["balance"]["value"]) for r in rows] == [
        ("meals", "0"),
        ("care", "12000"),
    ]
    wrong = clerk(cli, "cash-payment", "--member", panni, "--amount", "1", "--service", "bus")
    assert wrong.exit_code == 5
    assert wrong.error()["code"] == "service_not_found"


def test_r3_15_a_refund_pays_back_an_overpayment_never_more(cli, stub, ids):
    # A refund pays back an overpayment only: it never makes a debt.
    clerk(cli, "cash-payment", "--member", ids[BENCE], "--amount", "2000")
    refused = clerk(cli, "refund", "--member", ids[BENCE], "--amount", "2001")
    assert refused.exit_code == 4
    assert refused.error()["code"] == "refund_exceeds_overpayment"
    done = clerk(cli, "refund", "--member", ids[BENCE], "--amount", "1500")
    assert done.exit_code == 0, done.stderr
    assert done.json()["amount"] == huf(-1500)
    assert ok(run(cli, "balances", "list", "--member", BENCE))[0]["balance"] == huf(500)


def test_r3_15_payments_list_has_card_cash_and_refunds_filtered_and_sorted(cli, stub, ids):
    bence, lili = ids[BENCE], ids[LILI]
    stub.control.set_clock(at("2026-03-02 08:00"))
    clerk(cli, "cash-payment", "--member", lili, "--amount", "4000", "--note", "at the office")
    stub.control.set_clock(at("2026-03-03 08:00"))
    card = paid(cli, bence, "2026-03", "--day", "2026-03-10")
    stub.control.set_clock(at("2026-03-04 08:00"))
    clerk(cli, "refund", "--member", lili, "--amount", "1000")
    everything = ok(run(cli, "payments", "list"))
    assert [(p["member"], p["method"], p["amount"]["value"]) for p in everything] == [
        (LILI, "refund", "-1000"),
        (BENCE, "card", card["payment"]["amount"]["value"]),
        (LILI, "cash", "4000"),
    ]
    ascending = ok(run(cli, "payments", "list", "--sort", "asc"))
    assert [p["method"] for p in ascending] == ["cash", "card", "refund"]
    by_id = ok(run(cli, "payments", "list", "--member", lili))
    by_name = ok(run(cli, "payments", "list", "--member", LILI))
    assert [p["id"] for p in by_id] == [p["id"] for p in by_name]
    assert {p["method"] for p in by_id} == {"cash", "refund"}
    period = ok(run(cli, "payments", "list", "--from", "2026-03-03", "--to", "2026-03-03"))
    assert [p["method"] for p in period] == ["card"]
    assert "at the office" in everything[2]["description"]
    # The family is told of what the office recorded.
    titles = [n["title"] for n in inbox(cli)["notifications"]]
    assert any(t.startswith("Cash payment recorded for Kovács Lili") for t in titles)
    assert any(t.startswith("Refund of overpayment recorded") for t in titles)


def test_r3_15_cash_and_refunds_need_the_clerk_key(cli, stub, ids):
    result = run(cli, "clerk", "cash-payment", "--member", ids[BENCE], "--amount", "100")
    assert result.exit_code == 3
    assert result.error()["code"] == "clerk_key_required"


def test_r3_16_a_charge_puts_the_member_in_debt_and_cash_settles_it(cli, stub, ids):
    bence = ids[BENCE]
    charged = clerk(cli, "charge", "--member", bence, "--amount", "2500", "--note", "lost tray")
    assert charged.exit_code == 0, charged.stderr
    assert charged.json()["balance"] == huf(-2500)
    assert charged.json()["state"] == "debt"
    row = ok(run(cli, "balances", "list", "--member", bence))[0]
    assert (row["balance"], row["state"]) == (huf(-2500), "debt")
    colours = {"FORCE_COLOR": "1", "TTY_COMPATIBLE": "1"}  # a terminal: piped rows are plain
    human = run(cli, "balances", "list", "--member", bence, json=False, env=colours)
    assert "\x1b[31mHUF -2 500" in human.stdout  # a debt is red
    assert "debt" in human.stdout
    notice = inbox(cli)["notifications"][0]
    assert notice["title"].startswith("Charge recorded for Kovács Bence")
    assert "lost tray" in notice["body"]
    ok(clerk(cli, "cash-payment", "--member", bence, "--amount", "2500"))
    row = ok(run(cli, "balances", "list", "--member", bence))[0]
    assert (row["balance"], row["state"]) == (huf(0), "settled")


def test_r3_16_a_charge_needs_the_clerk_key_and_a_positive_amount(cli, stub, ids):
    denied = run(cli, "clerk", "charge", "--member", ids[BENCE], "--amount", "100")
    assert denied.exit_code == 3
    assert denied.error()["code"] == "clerk_key_required"
    for amount in ("0", "-100", "12.5"):
        wrong = clerk(cli, "charge", "--member", ids[BENCE], "--amount", amount)
        assert wrong.exit_code == 2, amount
        assert wrong.error()["code"] == "invalid_amount"
    assert ok(run(cli, "balances", "list", "--member", ids[BENCE]))[0]["balance"] == huf(0)
