"""Recharges in multiples of five, paid on the card terminal, never twice (R1.8, X4).

Through the CLI against the stub over real HTTP; each test checks the balance afterwards.
"""

from __future__ import annotations

import re
from decimal import Decimal

import httpx
import pytest
from tokens_support import (
    DECLINED_CARD,
    LUCA,
    MARIA,
    SUCCESS_CARD,
    attend,
    balance,
    create,
    family,
    payments,
    run_familycard,
)

import familycard


def pay(cli, payment_id: str, card: str = SUCCESS_CARD):
    return cli("stub", "pay", payment_id, "--card", card)


def recharges(cli, env) -> list[dict]:
    result = cli("recharge", "list", env=env)
    assert result.exit_code == 0, result.stderr
    return result.json()


# The count: a positive multiple of five, checked on both sides -------------------------


@pytest.mark.parametrize("tokens", ["7", "0", "-5", "12"])
def test_r1_8_a_count_not_a_positive_multiple_of_five_is_refused_before_sending(
    cli, stub, tmp_path, tokens
):
    rossi = family(cli, stub, tmp_path)
    result = cli("recharge", "create", "--tokens", tokens, env=rossi.maria)
    assert result.exit_code == 2
    error = result.error()
    assert error["code"] == "tokens_not_multiple"
    assert "multiples of 5" in error["message"]
    assert recharges(cli, rossi.maria) == []
    assert payments(cli, rossi.maria) == []
    assert balance(cli, rossi.maria) == 0
    quote = cli("recharge", "quote", "--tokens", tokens, env=rossi.maria)
    assert quote.exit_code == 2
    assert quote.error()["code"] == "tokens_not_multiple"


def test_r1_8_the_stub_refuses_a_count_not_a_multiple_if_sent_anyway(cli, stub, tmp_path):
    rossi = family(cli, stub, tmp_path)
    with familycard.Client(stub.portal_url("tortona")) as client:
        client.auth.login(
            "anna.maria", rossi.maria["FAMILYCARD_PASSWORD"], pin=rossi.maria["FAMILYCARD_PIN"]
        )
        token = client.session_token
    with httpx.Client(
        base_url=stub.portal_url("tortona") + "/v1", headers={"Authorization": f"Bearer {token}"}
    ) as http:
        # Against the published policy: invalid input, from the portal as from the SDK.
        refused = http.post("/recharges", json={"tokens": 7, "service": "mensa"})
        assert refused.status_code == 400
        assert refused.json()["error"]["code"] == "tokens_not_multiple"
        quote = http.get("/recharges/quote", params={"tokens": 12})
        assert quote.status_code == 400
        assert quote.json()["error"]["code"] == "tokens_not_multiple"
        neither = http.post("/recharges", json={"service": "mensa"})
        assert neither.status_code == 400
        assert neither.json()["error"]["code"] == "tokens_or_top_up_required"
    assert recharges(cli, rossi.maria) == []
    assert payments(cli, rossi.maria) == []
    assert balance(cli, rossi.maria) == 0


# Quote, top-up, credit at once --------------------------------------------------------


def test_r1_8_quote_tells_tokens_and_amount_and_creates_nothing(cli, stub, tmp_path):
    rossi = family(cli, stub, tmp_path)
    attend(cli, MARIA, "mensa", "2026-11-12", "2026-11-13", "2026-11-16")
    by_count = cli("recharge", "quote", "--tokens", "10", env=rossi.maria)
    assert by_count.exit_code == 0, by_count.stderr
    assert by_count.json()["tokens"] == 10
    assert by_count.json()["amount"] == {"value": "45.00", "currency": "EUR"}
    top_up = cli("recharge", "quote", "--top-up-to", "20", env=rossi.maria).json()
    assert top_up["balance"] == -3
    assert top_up["tokens"] == 25  # -3 + 25 = 22: the smallest multiple of 5 reaching 20
    assert top_up["amount"] == {"value": "112.50", "currency": "EUR"}
    negative = cli("recharge", "quote", "--top-up-to", "-3", env=rossi.maria)
    assert negative.exit_code == 2
    assert negative.error()["code"] == "invalid_top_up_target"
    human = cli("recharge", "quote", "--top-up-to", "20", env=rossi.maria, json=False)
    assert "buy 25 tokens" in human.stdout
    assert "EUR 112.50" in human.stdout
    assert recharges(cli, rossi.maria) == []
    assert payments(cli, rossi.maria) == []
    assert balance(cli, rossi.maria) == -3


def test_r1_8_tokens_are_credited_at_once_when_the_payment_succeeds(cli, stub, tmp_path):
    rossi = family(cli, stub, tmp_path)
    attend(cli, MARIA, "mensa", "2026-11-13")
    recharge = create(cli, rossi.maria, "--tokens", "10")
    assert recharge["status"] == "awaiting_payment"
    assert recharge["tokens"] == 10
    assert recharge["amount"] == {"value": "45.00", "currency": "EUR"}
    assert recharge["id"].startswith("rch_")
    assert recharge["checkout_url"].endswith(f"/_terminal/{recharge['payment_id']}")
    assert balance(cli, rossi.maria) == -1  # nothing until paid
    paid = pay(cli, recharge["payment_id"])
    assert paid.exit_code == 0, paid.stderr
    assert paid.json()["status"] == "succeeded"
    assert balance(cli, rossi.maria) == 9
    shown = cli("recharge", "show", recharge["id"], env=rossi.maria).json()
    assert shown["status"] == "succeeded"
    assert shown["checkout_url"] is None
    mail = stub.control.last_email("anna.rossi@example.it", kind="recharge")
    assert mail.data["tokens"] == 10
    assert mail.data["balance"] == 9


def test_r1_8_top_up_buys_the_smallest_multiple_and_nothing_when_there(cli, stub, tmp_path):
    rossi = family(cli, stub, tmp_path)
    attend(cli, MARIA, "mensa", "2026-11-12", "2026-11-13", "2026-11-16")
    recharge = create(cli, rossi.maria, "--top-up-to", "20", "--service", "mensa")
    assert recharge["tokens"] == 25
    assert recharge["balance_before"] == -3
    # A second top-up while the first awaits payment counts those tokens as bought.
    pending = create(cli, rossi.maria, "--top-up-to", "20")
    assert pending["status"] == "not_needed"
    assert pending["id"] is None
    assert pay(cli, recharge["payment_id"]).exit_code == 0
    assert balance(cli, rossi.maria) == 22
    nothing = cli("recharge", "quote", "--top-up-to", "20", env=rossi.maria).json()
    assert nothing["tokens"] == 0
    assert nothing["amount"] == {"value": "0.00", "currency": "EUR"}
    again = create(cli, rossi.maria, "--top-up-to", "20")
    assert again["status"] == "not_needed"
    assert again["tokens"] == 0
    assert again["checkout_url"] is None
    human = cli("recharge", "create", "--top-up-to", "20", env=rossi.maria, json=False)
    assert "nothing to buy" in human.stdout
    assert len(payments(cli, rossi.maria)) == 1
    assert balance(cli, rossi.maria) == 22


def test_r1_8_the_member_and_the_only_service_may_be_left_out(cli, stub, tmp_path):
    rossi = family(cli, stub, tmp_path)
    maria = create(cli, rossi.maria, "--tokens", "5")
    assert (maria["member"], maria["service"]) == (MARIA, "mensa")
    several = cli("recharge", "create", "--tokens", "5", env=rossi.luca)
    assert several.exit_code == 2
    assert several.error()["code"] == "service_required"
    other_child = cli("recharge", "create", "--tokens", "5", "--member", MARIA, env=rossi.luca)
    assert other_child.exit_code == 5
    assert other_child.error()["code"] == "member_not_found"
    not_enrolled = cli(
        "recharge", "create", "--tokens", "5", "--service", "casa_dei_bambini", env=rossi.maria
    )
    assert not_enrolled.exit_code == 5
    assert not_enrolled.error()["code"] == "service_not_found"
    luca = create(
        cli, rossi.luca, "--tokens", "5", "--service", "casa_dei_bambini", "--member", LUCA
    )
    assert (luca["member"], luca["service"]) == (LUCA, "casa_dei_bambini")
    hidden = cli("recharge", "show", luca["id"], env=rossi.maria)
    assert hidden.exit_code == 5
    assert hidden.error()["code"] == "recharge_not_found"
    assert pay(cli, luca["payment_id"]).exit_code == 0
    assert balance(cli, rossi.luca, "casa_dei_bambini") == 5
    assert balance(cli, rossi.luca, "mensa") == 0
    assert balance(cli, rossi.maria) == 0


# Declined, expired ------------------------------------------------------------------------


def test_r1_8_a_declined_card_credits_nothing(cli, stub, tmp_path):
    rossi = family(cli, stub, tmp_path)
    recharge = create(cli, rossi.maria, "--tokens", "20")
    declined = pay(cli, recharge["payment_id"], DECLINED_CARD)
    assert declined.exit_code == 4
    assert declined.json()["status"] == "failed"
    assert cli("recharge", "show", recharge["id"], env=rossi.maria).json()["status"] == "failed"
    assert balance(cli, rossi.maria) == 0
    retry = pay(cli, recharge["payment_id"])
    assert retry.exit_code == 4
    assert retry.error()["code"] == "payment_not_pending"
    assert balance(cli, rossi.maria) == 0
    [payment] = payments(cli, rossi.maria)
    assert payment["status"] == "failed"


def test_r1_8_an_invalid_card_number_changes_nothing(cli, stub, tmp_path):
    rossi = family(cli, stub, tmp_path)
    recharge = create(cli, rossi.maria, "--tokens", "5")
    result = pay(cli, recharge["payment_id"], "1234567890123456")
    assert result.exit_code == 2
    assert result.error()["code"] == "invalid_card_number"
    assert cli("recharge", "show", recharge["id"], env=rossi.maria).json()["status"] == (
        "awaiting_payment"
    )
    assert pay(cli, recharge["payment_id"]).exit_code == 0
    assert balance(cli, rossi.maria) == 5


def test_r1_8_an_unpaid_checkout_expires_and_credits_nothing(cli, stub, tmp_path):
    rossi = family(cli, stub, tmp_path)
    recharge = create(cli, rossi.maria, "--tokens", "10")
    assert recharge["expires_at"].startswith("2026-11-16T08:15:00")  # 15 minutes (policy)
    stub.control.advance_clock("14m")
    assert cli("recharge", "show", recharge["id"], env=rossi.maria).json()["status"] == (
        "awaiting_payment"
    )
    stub.control.advance_clock("2m")
    shown = cli("recharge", "show", recharge["id"], env=rossi.maria).json()
    assert shown["status"] == "expired"
    assert shown["checkout_url"] is None
    page = httpx.get(recharge["checkout_url"])
    assert page.status_code == 200
    assert "expired" in page.text
    assert "<form" not in page.text
    late = pay(cli, recharge["payment_id"])
    assert late.exit_code == 4
    assert late.error()["code"] == "payment_expired"
    assert balance(cli, rossi.maria) == 0
    # Expiry frees the pending tokens: a top-up buys again.
    assert create(cli, rossi.maria, "--top-up-to", "10")["tokens"] == 10


def test_r1_8_a_checkout_paid_late_on_the_terminal_is_refused_as_expired(cli, stub, tmp_path):
    rossi = family(cli, stub, tmp_path)
    recharge = create(cli, rossi.maria, "--tokens", "10")
    stub.control.advance_clock("16m")
    # Nobody looked at the recharge since: the terminal finds it expired itself.
    late = pay(cli, recharge["payment_id"])
    assert late.exit_code == 4
    assert late.error()["code"] == "payment_expired"
    assert cli("recharge", "show", recharge["id"], env=rossi.maria).json()["status"] == "expired"
    assert balance(cli, rossi.maria) == 0


# Never twice ----------------------------------------------------------------------------


def test_r1_8_the_same_idempotency_key_returns_the_same_recharge(cli, stub, tmp_path):
    rossi = family(cli, stub, tmp_path)
    args = ("--tokens", "10", "--idempotency-key", "topup-2026-11")
    first = create(cli, rossi.maria, *args)
    second = create(cli, rossi.maria, *args)
    assert second["id"] == first["id"]
    assert second["payment_id"] == first["payment_id"]  # never a second checkout
    assert len(recharges(cli, rossi.maria)) == 1
    assert len(payments(cli, rossi.maria)) == 1
    assert pay(cli, first["payment_id"]).exit_code == 0
    third = create(cli, rossi.maria, *args)
    assert third["id"] == first["id"]
    assert third["status"] == "succeeded"  # as it stands now
    assert balance(cli, rossi.maria) == 10  # credited once
    reused = cli(
        "recharge",
        "create",
        "--tokens",
        "20",
        "--idempotency-key",
        "topup-2026-11",
        env=rossi.maria,
    )
    assert reused.exit_code == 4
    assert reused.error()["code"] == "idempotency_key_reused"
    assert len(payments(cli, rossi.maria)) == 1
    assert balance(cli, rossi.maria) == 10


def test_r1_8_idempotency_keys_are_per_account(cli, stub, tmp_path):
    rossi = family(cli, stub, tmp_path)
    # Two registrations running the same cron line: the same key, the same request.
    args = ("--tokens", "5", "--service", "mensa", "--idempotency-key", "topup-2026-11")
    maria = create(cli, rossi.maria, *args)
    luca = create(cli, rossi.luca, *args)
    assert maria["id"] != luca["id"]
    assert (maria["member"], luca["member"]) == (MARIA, LUCA)
    assert pay(cli, luca["payment_id"]).exit_code == 0
    assert balance(cli, rossi.luca) == 5
    assert balance(cli, rossi.maria) == 0


def test_r1_8_a_dropped_response_is_retried_without_a_second_recharge(
    cli, stub, tmp_path, memory_keyring
):
    rossi = family(cli, stub, tmp_path)
    login = cli(
        "auth",
        "login",
        "--username",
        "anna.maria",
        env={k: v for k, v in rossi.maria.items() if k != "FAMILYCARD_USERNAME"},
    )
    assert login.exit_code == 0, login.stderr
    # From here the saved session is used: the recharge is the next change the stub sees.
    stub.control.set_faults(familycard.Faults(drop_next=1))
    result = cli("recharge", "create", "--tokens", "15")
    assert result.exit_code == 0, result.stderr
    assert stub.control.faults().drop_next == 0  # the response really was dropped once
    [only] = recharges(cli, {})
    assert only["id"] == result.json()["id"]
    assert len(payments(cli, {})) == 1
    assert pay(cli, only["payment_id"]).exit_code == 0
    assert balance(cli, {}) == 15


def test_r1_8_concurrent_recharges_for_one_child_both_land(cli, stub, tmp_path):
    rossi = family(cli, stub, tmp_path)
    attend(cli, MARIA, "mensa", "2026-11-13")
    runs = [
        run_familycard(stub, rossi.maria, tmp_path, "--json", "recharge", "create", "--tokens", n)
        for n in ("5", "10")
    ]
    outcomes = [run.communicate(timeout=60) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], [err for _, err in outcomes]
    created = [familycard.Recharge.model_validate_json(out) for out, _ in outcomes]
    assert created[0].id != created[1].id
    assert created[0].payment_id != created[1].payment_id
    assert sorted(r.tokens for r in created) == [5, 10]
    for recharge in created:
        assert pay(cli, recharge.payment_id).exit_code == 0
    assert balance(cli, rossi.maria) == -1 + 5 + 10
    assert sum(Decimal(p["amount"]["value"]) for p in payments(cli, rossi.maria)) == Decimal(
        "67.50"
    )


# --wait ---------------------------------------------------------------------------------


def test_r1_8_create_wait_reports_the_outcome_in_the_exit_code(cli, stub, tmp_path):
    rossi = family(cli, stub, tmp_path)
    paid = create(cli, rossi.maria, "--tokens", "5", "--idempotency-key", "k-paid")
    assert pay(cli, paid["payment_id"]).exit_code == 0
    waited = cli(
        "recharge",
        "create",
        "--tokens",
        "5",
        "--idempotency-key",
        "k-paid",
        "--wait",
        env=rossi.maria,
    )
    assert waited.exit_code == 0, waited.stderr
    assert waited.json()["status"] == "succeeded"

    declined = create(cli, rossi.maria, "--tokens", "10", "--idempotency-key", "k-declined")
    assert pay(cli, declined["payment_id"], DECLINED_CARD).exit_code == 4
    failed = cli(
        "recharge",
        "create",
        "--tokens",
        "10",
        "--idempotency-key",
        "k-declined",
        "--wait",
        env=rossi.maria,
    )
    # The key's recharge ended unpaid: the key is spent, the recharge is named (exit 4).
    assert failed.exit_code == 4
    assert failed.stdout == ""
    body = failed.error()
    assert body["code"] == "recharge_ended_unpaid"
    assert body["details"]["recharge"]["id"] == declined["id"]
    assert body["details"]["status"] == "failed"

    pending = cli(
        "recharge", "create", "--tokens", "20", "--wait", "--timeout", "0", env=rossi.maria
    )
    assert pending.exit_code == 75
    assert pending.json()["status"] == "awaiting_payment"
    assert pending.error()["code"] == "payment_pending"
    assert pending.json()["checkout_url"] in pending.stderr  # for the person who pays
    assert balance(cli, rossi.maria) == 5


# The card terminal's page (X4) ------------------------------------------------------------


def test_x4_the_checkout_url_opens_a_real_card_form_that_takes_a_card(cli, stub, tmp_path):
    rossi = family(cli, stub, tmp_path)
    recharge = create(cli, rossi.maria, "--tokens", "20")
    page = httpx.get(recharge["checkout_url"])
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert re.search(r'<form method="post">', page.text)
    assert 'name="card"' in page.text
    assert "EUR 90.00" in page.text
    assert "20 tokens" in page.text
    done = httpx.post(
        recharge["checkout_url"],
        data={"card": "4242 4242 4242 4242", "expiry": "12/30", "cvc": "123"},
    )
    assert done.status_code == 200
    assert "Payment accepted" in done.text
    assert balance(cli, rossi.maria) == 20
    after = httpx.get(recharge["checkout_url"])
    assert "accepted" in after.text
    assert "<form" not in after.text
    assert cli("recharge", "show", recharge["id"], env=rossi.maria).json()["status"] == "succeeded"


def test_x4_a_card_declined_on_the_page_credits_nothing(cli, stub, tmp_path):
    rossi = family(cli, stub, tmp_path)
    recharge = create(cli, rossi.maria, "--tokens", "5")
    declined = httpx.post(
        recharge["checkout_url"], data={"card": DECLINED_CARD, "expiry": "12/30", "cvc": "123"}
    )
    assert declined.status_code == 200
    assert "declined" in declined.text
    assert cli("recharge", "show", recharge["id"], env=rossi.maria).json()["status"] == "failed"
    assert balance(cli, rossi.maria) == 0
