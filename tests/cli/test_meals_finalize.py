"""Finalising and paying school-meal orders (R3.12-R3.13, X4, X5) through the CLI.

`balance after = balance before - charges + credits + paid`, and the payable is never
negative.  Payments go through the stub's bank terminal (`familycard stub pay`, or its
HTML page); the receipt PDF is ready five stub minutes after the payment and gone from
the portal after six months, while the payment stays listed.
"""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest
from meals_support import (
    BENCE,
    DECLINED,
    EVA,
    LILI,
    PRIMARY,
    PRIMARY_SUBSIDY,
    at,
    balance,
    clerk,
    day_state,
    family,
    finalize,
    inbox,
    ok,
    order,
    paid,
    pay,
    run,
)

# Bence orders Tuesday 10 and Wednesday 11 March (3 meals each) and Friday 13 (2 meals).
DAYS = ["--day", "2026-03-10", "--day", "2026-03-11", "--day", "2026-03-13"]
CHARGES = 2 * sum(PRIMARY.values()) + PRIMARY["snack_am"] + PRIMARY["lunch"]
SUBSIDIES = 3 * PRIMARY_SUBSIDY["lunch"]
NET = CHARGES - SUBSIDIES


@pytest.fixture
def ids(cli, stub, tmp_path) -> dict[str, str]:
    return family(cli, stub, tmp_path, now=at("2026-03-02 08:00"))


def huf(value: int) -> dict[str, str]:
    return {"value": str(value), "currency": "HUF"}


def assert_balance_identity(calculation: dict) -> None:
    value = {k: int(v["value"]) for k, v in calculation.items() if isinstance(v, dict)}
    assert value["balance_after"] == (
        value["balance_before"]
        - value["total_charges"]
        + value["total_credits"]
        + value["total_payable"]
    )
    assert value["total_payable"] >= 0


# R3.12 the calculation --------------------------------------------------------------------------


def test_r3_12_finalize_shows_the_calculation_and_a_payment_when_payable(cli, stub, ids):
    bence = ids[BENCE]
    order(cli, bence, *DAYS)
    preview = ok(finalize(cli, bence, "2026-03", "--dry-run"))
    assert preview["status"] == "preview"
    assert preview["meals_ordered"] == 8
    assert preview["days_ordered"] == 3
    assert preview["payment_methods"] == ["card"]
    calc = preview["calculation"]
    assert calc["balance_before"] == huf(0)
    assert calc["total_charges"] == huf(CHARGES)
    assert calc["total_credits"] == huf(SUBSIDIES)
    assert calc["total_payable"] == huf(NET)
    assert calc["balance_after"] == huf(0)
    assert_balance_identity(calc)
    lunch = next(line for line in calc["charges"] if line["meal"] == "lunch")
    assert (lunch["quantity"], lunch["unit"], lunch["amount"]) == (3, huf(650), huf(1950))
    assert [line["kind"] for line in calc["credits"]] == ["subsidy"]

    result = ok(finalize(cli, bence, "2026-03", "--accept-terms"))
    assert result["status"] == "awaiting_payment"
    assert result["calculation"] == calc
    payment = result["payment"]
    assert payment["id"].startswith("pay_")
    assert payment["amount"] == huf(NET)
    assert payment["purpose"] == "meal_order"
    assert payment["checkout_url"].endswith(f"/_terminal/{payment['id']}")
    assert day_state(cli, bence, "2026-03-10")["state"] == "awaiting_payment"

    paid_ = pay(cli, payment["id"])
    assert paid_.json()["status"] == "succeeded"
    assert day_state(cli, bence, "2026-03-10")["state"] == "final"
    shown = ok(run(cli, "meals", "finalization", result["id"]))
    assert shown["status"] == "final"
    assert balance(cli, bence) == 0
    note = inbox(cli)["notifications"][0]
    assert note["kind"] == "payment"
    assert note["data"]["transaction_id"] == shown["payment"]["transaction_id"]
    assert note["data"]["amount"] == huf(NET)
    assert note["data"]["period"] == "2026-03"
    assert note["data"]["member"] == BENCE
    mail = stub.control.last_email(EVA, kind="payment")
    assert mail.data["transaction_id"] == shown["payment"]["transaction_id"]


def test_r3_12_nothing_payable_finalising_still_confirms(cli, stub, ids):
    bence = ids[BENCE]
    cash = clerk(cli, "cash-payment", "--member", bence, "--amount", str(NET))
    assert cash.exit_code == 0, cash.stderr
    order(cli, bence, *DAYS)
    assert day_state(cli, bence, "2026-03-10")["state"] == "ordered"
    result = ok(finalize(cli, bence, "2026-03"))  # no terms needed: nothing to pay
    assert result["status"] == "final"
    assert result["payment"] is None
    calc = result["calculation"]
    assert calc["balance_before"] == huf(NET)
    assert calc["total_payable"] == huf(0)
    assert calc["balance_after"] == huf(0)
    assert_balance_identity(calc)
    assert day_state(cli, bence, "2026-03-10")["state"] == "final"
    assert balance(cli, bence) == 0
    assert inbox(cli)["notifications"][0]["kind"] == "order"


def test_r3_12_a_leftover_overpayment_stays_in_the_balance_after(cli, stub, ids):
    bence = ids[BENCE]
    clerk(cli, "cash-payment", "--member", bence, "--amount", "10000")
    order(cli, bence, *DAYS)
    result = ok(finalize(cli, bence, "2026-03"))
    calc = result["calculation"]
    assert calc["total_payable"] == huf(0)  # never negative
    assert calc["balance_after"] == huf(10000 - NET)
    assert_balance_identity(calc)
    assert balance(cli, bence) == 10000 - NET
    human = finalize(cli, bence, "2026-03", json=False)
    assert human.exit_code == 4  # nothing left to finalise
    assert "nothing_to_finalize" in human.stderr


def test_r3_12_cancellation_overpayment_is_a_credit_of_the_next_finalisation(cli, stub, ids):
    bence = ids[BENCE]
    paid(cli, bence, "2026-03", "--day", "2026-03-04")
    stub.control.set_clock(at("2026-03-03 08:00"))
    ok(run(cli, "meals", "cancel", "2026-03-04", "--member", bence, "--yes"))
    credit = sum(PRIMARY.values()) - PRIMARY_SUBSIDY["lunch"]
    assert balance(cli, bence) == credit  # credited at once
    order(cli, bence, *DAYS)
    result = ok(finalize(cli, bence, "2026-03", "--dry-run"))
    calc = result["calculation"]
    assert result["days_cancelled"] == 1
    assert calc["balance_before"] == huf(0)
    cancelled = [line for line in calc["credits"] if line["kind"] == "cancellation"]
    assert [(line["quantity"], line["amount"]) for line in cancelled] == [(1, huf(credit))]
    assert calc["total_credits"] == huf(SUBSIDIES + credit)
    assert calc["total_payable"] == huf(NET - credit)
    assert_balance_identity(calc)
    done = ok(finalize(cli, bence, "2026-03", "--accept-terms"))
    pay(cli, done["payment"]["id"])
    assert balance(cli, bence) == 0
    # Once shown in a finalisation, the credit is part of the balance before the next.
    order(cli, bence, "--day", "2026-03-17")
    later = ok(finalize(cli, bence, "2026-03", "--dry-run"))["calculation"]
    assert [line["kind"] for line in later["credits"]] == ["subsidy"]


def test_r3_12_the_human_output_shows_the_calculation(cli, stub, ids):
    order(cli, ids[BENCE], *DAYS)
    result = finalize(cli, BENCE, "2026-03", "--accept-terms", json=False)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    for label in (
        "balance before the order",
        "total charges",
        "total credits",
        "balance after the order",
        "total payable",
    ):
        assert label in out
    assert f"HUF {NET:,}".replace(",", " ") in out  # HUF groups thousands: HUF 14 420
    assert "/_terminal/pay_" in out


# R3.13 paying: terms, receipt or invoice, failure ---------------------------------------------


def test_r3_13_paying_needs_the_terms_and_nothing_is_created_without_them(cli, stub, ids):
    order(cli, ids[BENCE], *DAYS)
    result = finalize(cli, ids[BENCE], "2026-03")
    assert result.exit_code == 2
    assert result.error()["code"] == "payment_terms_not_accepted"
    assert ok(run(cli, "payments", "list")) == []
    assert day_state(cli, ids[BENCE], "2026-03-10")["state"] == "ordered"


def test_r3_13_an_invoice_needs_billing_data_the_clerk_recorded(cli, stub, ids, tmp_path):
    bence = ids[BENCE]
    order(cli, bence, *DAYS)
    refused = finalize(cli, bence, "2026-03", "--accept-terms", "--invoice")
    assert refused.exit_code == 4  # the member's state: the clerk recorded no billing data
    assert refused.error()["code"] == "billing_data_missing"
    recorded = clerk(
        cli,
        "billing-data",
        "--member",
        bence,
        "--name",
        "Kovács Éva",
        "--address",
        "5100 Jászberény, Fő tér 1.",
        "--tax-number",
        "12345678-1-16",
    )
    assert recorded.exit_code == 0, recorded.stderr
    result = ok(finalize(cli, bence, "2026-03", "--accept-terms", "--invoice"))
    assert result["document"] == "invoice"
    assert result["billing"]["name"] == "Kovács Éva"
    assert result["payment"]["details"]["document"] == "invoice"
    pay(cli, result["payment"]["id"])
    stub.control.advance_clock("5m")
    target = tmp_path / "invoice.pdf"
    saved = run(cli, "payments", "receipt", result["payment"]["id"], "-o", str(target))
    assert saved.exit_code == 0, saved.stderr
    assert target.read_bytes().startswith(b"%PDF")
    assert b"12345678-1-16" in target.read_bytes()


def test_r3_13_a_failed_payment_leaves_the_orders_unfinalised(cli, stub, ids):
    bence = ids[BENCE]
    order(cli, bence, *DAYS)
    first = ok(finalize(cli, bence, "2026-03", "--accept-terms"))
    declined = pay(cli, first["payment"]["id"], card=DECLINED)
    assert declined.json()["status"] == "failed"
    assert ok(run(cli, "meals", "finalization", first["id"]))["status"] == "failed"
    assert day_state(cli, bence, "2026-03-10")["state"] == "ordered"
    assert balance(cli, bence) == 0
    note = inbox(cli)["notifications"][0]
    assert note["kind"] == "payment"
    assert note["title"].startswith("Unsuccessful payment")
    assert stub.control.last_email(EVA, kind="payment").data["status"] == "failed"
    # The orders can be finalised and paid again.
    second = ok(finalize(cli, bence, "2026-03", "--accept-terms"))
    assert second["payment"]["id"] != first["payment"]["id"]
    pay(cli, second["payment"]["id"])
    assert day_state(cli, bence, "2026-03-10")["state"] == "final"


def test_r3_13_an_unpaid_checkout_expires_and_the_orders_stay_unfinalised(cli, stub, ids):
    order(cli, ids[BENCE], *DAYS)
    result = ok(finalize(cli, ids[BENCE], "2026-03", "--accept-terms"))
    stub.control.advance_clock("31m")
    assert ok(run(cli, "meals", "finalization", result["id"]))["status"] == "expired"
    assert day_state(cli, ids[BENCE], "2026-03-10")["state"] == "ordered"


def test_r3_13_finalising_again_while_a_payment_is_awaited_returns_the_same_checkout(
    cli, stub, ids
):
    order(cli, ids[BENCE], *DAYS)
    first = ok(finalize(cli, ids[BENCE], "2026-03", "--accept-terms"))
    again = ok(finalize(cli, ids[BENCE], "2026-03", "--accept-terms"))
    assert again["id"] == first["id"]
    assert again["payment"]["id"] == first["payment"]["id"]
    frozen = run(cli, "meals", "order", "--member", ids[BENCE], "--day", "2026-03-10")
    assert frozen.exit_code == 4  # the day's state: its payment is awaited
    assert frozen.error()["code"] == "finalization_pending"


def test_r3_13_the_receipt_waits_for_the_document_then_downloads_then_expires(
    cli, stub, ids, tmp_path
):
    order(cli, ids[BENCE], *DAYS)
    result = ok(finalize(cli, ids[BENCE], "2026-03", "--accept-terms"))
    payment_id = result["payment"]["id"]
    pay(cli, payment_id)
    shown = ok(run(cli, "meals", "finalization", result["id"]))
    assert shown["payment"]["receipt"] == "waiting"
    human = run(cli, "meals", "finalization", result["id"], json=False)
    assert "waiting for the document" in human.stdout
    target = tmp_path / "receipt.pdf"
    early = run(cli, "payments", "receipt", payment_id, "-o", str(target))
    assert early.exit_code == 75  # try again later, and when
    assert early.error()["code"] == "receipt_pending"
    assert early.error()["details"]["retry_after"] == 300  # receipt_delay_minutes = 5
    assert not target.exists()
    stub.control.advance_clock("5m")
    ready = run(cli, "payments", "receipt", payment_id, "-o", str(target))
    assert ready.exit_code == 0, ready.stderr
    pdf = target.read_bytes()
    assert pdf.startswith(b"%PDF")
    assert b"2026-03" in pdf
    stub.control.advance_clock(f"{184 * 24}h")
    late = run(cli, "payments", "receipt", payment_id, "-o", str(tmp_path / "late.pdf"))
    assert late.exit_code == 5
    assert late.error()["code"] == "receipt_expired"
    listed = ok(run(cli, "payments", "list", "--member", ids[BENCE]))
    assert [(p["id"], p["receipt"]) for p in listed] == [(payment_id, "expired")]


# X4 the bank's terminal page ----------------------------------------------------------------------


def test_x4_the_order_is_paid_on_the_bank_s_terminal_page(cli, stub, ids):
    order(cli, ids[LILI], "--day", "2026-03-10")
    result = ok(finalize(cli, ids[LILI], "2026-03", "--accept-terms"))
    url = result["payment"]["checkout_url"]
    page = httpx.get(url, timeout=10)
    assert page.status_code == 200
    assert "School meals 2026-03, Kovács Lili" in page.text
    assert re.search(r"HUF \d+", page.text)
    assert "<form" in page.text
    answer = httpx.post(url, data={"card": "4242 4242 4242 4242", "expiry": "12/30", "cvc": "123"})
    assert "Payment accepted" in answer.text
    assert day_state(cli, ids[LILI], "2026-03-10")["state"] == "final"


# X5 money is exact --------------------------------------------------------------------------


def test_x5_amounts_are_whole_forints(cli, stub, ids):
    result = clerk(cli, "cash-payment", "--member", ids[BENCE], "--amount", "100.50")
    assert result.exit_code == 2
    assert result.error()["code"] == "invalid_amount"
    order(cli, ids[BENCE], *DAYS)
    calc = ok(finalize(cli, ids[BENCE], "2026-03", "--dry-run"))["calculation"]
    assert all(re.fullmatch(r"-?\d+", v["value"]) for v in calc.values() if isinstance(v, dict))


def test_r3_12_days_past_their_deadline_are_left_out_of_the_finalisation(cli, stub, ids):
    order(cli, ids[BENCE], "--day", "2026-03-03", "--day", "2026-03-10")
    stub.control.set_clock(at("2026-03-02 09:00") + timedelta(minutes=1))
    preview = ok(finalize(cli, ids[BENCE], "2026-03", "--dry-run"))
    assert preview["expired_days"] == ["2026-03-03"]
    assert preview["days_ordered"] == 1
