"""Payments made in the school year, and their receipt PDFs, on tortona (R1.9)."""

from __future__ import annotations

from tokens_support import DECLINED_CARD, balance, create, family, payments


def recharge_and_pay(cli, env, tokens: str, card: str = "4242424242424242") -> dict:
    recharge = create(cli, env, "--tokens", tokens)
    cli("stub", "pay", recharge["payment_id"], "--card", card)
    return recharge


def test_r1_9_payments_list_shows_the_current_school_year_by_default(cli, stub, tmp_path):
    rossi = family(cli, stub, tmp_path, now="2026-06-10T10:00:00+02:00")
    june = recharge_and_pay(cli, rossi.maria, "10")
    stub.control.set_clock("2026-09-01T08:00:00+02:00")  # a new school year starts
    september = recharge_and_pay(cli, rossi.maria, "15")
    stub.control.advance_clock("5m")
    declined = recharge_and_pay(cli, rossi.maria, "5", DECLINED_CARD)
    assert balance(cli, rossi.maria) == 25

    current = payments(cli, rossi.maria)
    assert [p["id"] for p in current] == [declined["payment_id"], september["payment_id"]]
    paid = current[1]
    assert paid["created_at"].startswith("2026-09-01")
    assert paid["details"]["tokens"] == 15
    assert paid["amount"] == {"value": "67.50", "currency": "EUR"}
    assert paid["method"] == "card"
    assert paid["status"] == "succeeded"
    assert paid["purpose"] == "recharge"
    assert current[0]["status"] == "failed"

    last_year = payments(cli, rossi.maria, "--school-year", "2025/2026")
    assert [p["id"] for p in last_year] == [june["payment_id"]]
    human = cli("payments", "list", env={**rossi.maria, "COLUMNS": "200"}, json=False)
    assert human.exit_code == 0
    assert "EUR 67.50" in human.stdout
    assert "15 tokens" in human.stdout


def test_r1_9_a_malformed_school_year_is_refused_before_sending(cli, stub, tmp_path):
    rossi = family(cli, stub, tmp_path)
    result = cli("payments", "list", "--school-year", "2025/2027", env=rossi.maria)
    assert result.exit_code == 2
    assert result.error()["code"] == "invalid_school_year"


def test_r1_9_the_receipt_is_a_real_pdf_made_by_the_stub(cli, stub, tmp_path):
    rossi = family(cli, stub, tmp_path)
    recharge = recharge_and_pay(cli, rossi.maria, "20")
    target = tmp_path / "receipt.pdf"
    result = cli("payments", "receipt", recharge["payment_id"], "-o", str(target), env=rossi.maria)
    assert result.exit_code == 0, result.stderr
    assert result.json()["file"] == str(target)
    pdf = target.read_bytes()
    assert pdf.startswith(b"%PDF-1.")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert result.json()["bytes"] == len(pdf)
    assert recharge["payment_id"].encode() in pdf
    assert b"EUR 90.00" in pdf
    assert b"Tokens: 20" in pdf
    assert not (tmp_path / "receipt.pdf.part").exists()


def test_r1_9_a_failed_payment_has_no_receipt(cli, stub, tmp_path):
    rossi = family(cli, stub, tmp_path)
    recharge = recharge_and_pay(cli, rossi.maria, "5", DECLINED_CARD)
    target = tmp_path / "receipt.pdf"
    result = cli("payments", "receipt", recharge["payment_id"], "-o", str(target), env=rossi.maria)
    assert result.exit_code == 4
    assert result.error()["code"] == "receipt_not_available"
    assert not target.exists()
    assert balance(cli, rossi.maria) == 0
