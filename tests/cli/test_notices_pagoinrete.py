"""pagoinrete notices: R4.4-R4.5 and X4-X5, through the CLI against the stub over HTTP.

The user this serves most: a parent paying the school's notices for two children in
one go, and a script that checks every month that nothing is left unpaid.
"""

from __future__ import annotations

import threading
import time
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from notices_support import GIULIO, PAOLA_EMAIL, PIETRO, SARA, Family, ok, pagoinrete_family

from familycard import Client
from familycard.identifiers import parse_notice_number

DECLINED = "4000000000000002"


@pytest.fixture
def paola(cli, stub, tmp_path: Path) -> Family:
    return pagoinrete_family(cli, stub, tmp_path)


@pytest.fixture
def two_notices(paola: Family) -> tuple[str, str]:
    """A notice for each of Paola's children, from their two schools."""
    trip = paola.issue(GIULIO, "Uscita didattica al museo", "12.50", "2026-02-15")
    book = paola.issue(SARA, "Contributo laboratorio di scienze", "30.10", "2026-02-28")
    return trip, book


def notices_payments(family: Family) -> list[dict]:
    return [p for p in ok(family.run("payments", "list")).json() if p["purpose"] == "notices"]


# R4.4 ------------------------------------------------------------------------------


def test_r4_4_the_family_sees_the_notices_of_its_children_and_no_other(paola, two_notices, stub):
    others = paola.issue(PIETRO, "Uscita didattica al museo", "12.50", "2026-02-15")
    seen = paola.notices()
    assert sorted(seen) == sorted(two_notices)
    trip = seen[two_notices[0]]
    assert trip["member"] == GIULIO
    assert trip["institution"] == "IC Parma Centro"
    assert trip["creditor"] == {
        "name": "Istituto Comprensivo Parma Centro",
        "fiscal_code": "92001230348",
    }
    assert trip["amount"] == {"value": "12.50", "currency": "EUR"}
    assert trip["status"] == "due"
    assert seen[two_notices[1]]["institution"] == "Liceo Marconi Parma"
    hidden = paola.run("notices", "show", others)
    assert hidden.exit_code == 5
    assert hidden.error()["code"] == "notice_not_found"
    paying = paola.pay(others)
    assert paying.exit_code == 5
    assert notices_payments(paola) == []


def test_r4_4_the_family_is_emailed_each_new_notice(paola, two_notices, stub):
    mails = [m for m in stub.control.outbox(to=PAOLA_EMAIL) if m.kind == "notice"]
    assert [m.data["number"] for m in mails] == list(two_notices)
    assert mails[0].data["amount"] == {"value": "12.50", "currency": "EUR"}
    assert mails[0].data["qr_payload"] == f"PAGOPA|002|{two_notices[0]}|92001230348|1250"


def test_r4_4_notices_issued_by_the_stub_have_valid_numbers_and_the_tenant_layout(
    paola, two_notices
):
    for number in two_notices:
        info = parse_notice_number(number)
        assert info.aux_digit == 3
        assert info.segregation_code == "47"
        checked = ok(paola.run("notices", "check", number)).json()
        assert checked["valid"] is True
        assert checked["iuv"] == info.iuv


# R4.5: PSPs --------------------------------------------------------------------------


def test_r4_5_psps_are_listed_per_method_with_their_fees(paola):
    card = ok(paola.run("notices", "psps", "--method", "card")).json()
    assert [(p["id"], p["fee"]["value"]) for p in card] == [
        ("paydemo", "0.90"),
        ("poste-esempio", "1.20"),
        ("banca-esempio", "1.50"),
    ]
    debit = ok(paola.run("notices", "psps", "--method", "debit")).json()
    assert debit == [
        {
            "id": "banca-esempio",
            "name": "Banca Esempio",
            "method": "debit",
            "fee": {"value": "1.00", "currency": "EUR"},
        }
    ]
    postal = ok(paola.run("notices", "psps", "--method", "postal")).json()
    assert [p["id"] for p in postal] == ["poste-esempio"]
    wrong = paola.run("notices", "psps", "--method", "cash")
    assert wrong.exit_code == 2
    assert wrong.error()["code"] == "invalid_payment_method"


def test_r4_5_a_psp_without_the_method_is_refused_before_sending(paola, two_notices):
    result = paola.pay(two_notices[0], method="debit", psp="paydemo")
    assert result.exit_code == 2
    assert result.error()["code"] == "psp_method_not_offered"
    assert "banca-esempio" in result.error()["message"]
    assert notices_payments(paola) == []


# R4.5: a cart paid in one payment ------------------------------------------------------


def test_r4_5_a_two_notice_cart_is_paid_at_once(paola, two_notices, stub, tmp_path):
    created = ok(paola.pay(*two_notices, method="card", psp="paydemo")).json()
    assert created["status"] == "awaiting_payment"
    assert created["purpose"] == "notices"
    # 12.50 + 30.10 + the PSP's fee of 0.90, exact (X5).
    assert created["amount"] == {"value": "43.50", "currency": "EUR"}
    assert created["details"]["notices"] == list(two_notices)
    assert created["details"]["psp"] == "paydemo"
    assert created["details"]["fee"] == {"value": "0.90", "currency": "EUR"}
    assert created["checkout_url"].endswith(f"/_terminal/{created['id']}")
    held = paola.notices()
    assert {n["pending_payment_id"] for n in held.values()} == {created["id"]}
    assert {n["status"] for n in held.values()} == {"due"}

    paid = ok(paola.cli("stub", "pay", created["id"], tenant="pagoinrete")).json()
    assert paid["status"] == "succeeded"

    after = paola.notices()
    assert {n["status"] for n in after.values()} == {"paid"}
    assert {n["payment_id"] for n in after.values()} == {created["id"]}
    assert {n["pending_payment_id"] for n in after.values()} == {None}
    assert len(notices_payments(paola)) == 1
    receipt_mail = stub.control.last_email(PAOLA_EMAIL, kind="receipt")
    assert receipt_mail.data["notices"] == list(two_notices)
    assert receipt_mail.data["amount"] == {"value": "43.50", "currency": "EUR"}
    pdf = tmp_path / "receipt.pdf"
    ok(paola.run("payments", "receipt", created["id"], "-o", str(pdf)))
    assert pdf.read_bytes().startswith(b"%PDF")
    assert two_notices[0].encode() in pdf.read_bytes()


def test_x4_the_psp_page_is_a_real_form_that_pays_the_cart(paola, two_notices):
    created = ok(paola.pay(*two_notices, method="card", psp="poste-esempio")).json()
    page = httpx.get(created["checkout_url"])
    assert page.status_code == 200
    assert "Poste Esempio" in page.text
    assert "EUR 43.80" in page.text
    assert 'name="card"' in page.text
    declined = httpx.post(created["checkout_url"], data={"card": DECLINED, "expiry": "12/30"})
    assert "declined" in declined.text
    assert {n["status"] for n in paola.notices().values()} == {"due"}
    again = ok(paola.pay(*two_notices, method="card", psp="poste-esempio")).json()
    accepted = httpx.post(again["checkout_url"], data={"card": "4242424242424242"})
    assert "Payment accepted" in accepted.text
    assert {n["status"] for n in paola.notices().values()} == {"paid"}


def test_r4_5_a_declined_card_leaves_both_notices_unpaid_and_free(paola, two_notices, stub):
    created = ok(paola.pay(*two_notices)).json()
    declined = paola.cli("stub", "pay", created["id"], "--card", DECLINED, tenant="pagoinrete")
    assert declined.exit_code == 4
    assert declined.json()["status"] == "failed"
    notices = paola.notices()
    assert {n["status"] for n in notices.values()} == {"due"}
    assert {n["pending_payment_id"] for n in notices.values()} == {None}
    assert {n["payment_id"] for n in notices.values()} == {None}
    assert [m for m in stub.control.outbox(to=PAOLA_EMAIL) if m.kind == "receipt"] == []
    retry = ok(paola.pay(*two_notices)).json()
    assert retry["id"] != created["id"]
    assert retry["status"] == "awaiting_payment"


def test_r4_5_a_retried_payment_with_the_same_key_pays_once(paola, two_notices, stub):
    first = ok(paola.pay(*two_notices, idempotency_key="school-2026-01")).json()
    again = ok(paola.pay(*two_notices, idempotency_key="school-2026-01")).json()
    assert again["id"] == first["id"]
    ok(paola.cli("stub", "pay", first["id"], tenant="pagoinrete"))
    # Retried after the payment: the same payment, as it stands now; nothing new.
    after = ok(paola.pay(*two_notices, idempotency_key="school-2026-01")).json()
    assert (after["id"], after["status"]) == (first["id"], "succeeded")
    assert [p["id"] for p in notices_payments(paola)] == [first["id"]]
    assert len([m for m in stub.control.outbox(to=PAOLA_EMAIL) if m.kind == "receipt"]) == 1


def test_r4_5_a_lost_response_is_retried_with_the_same_key_and_creates_one_payment(
    paola, two_notices
):
    ok(paola.cli("stub", "faults", "--drop-next", "1", tenant="pagoinrete"))
    created = ok(paola.pay(*two_notices)).json()
    assert created["status"] == "awaiting_payment"
    assert [p["id"] for p in notices_payments(paola)] == [created["id"]]


def test_r4_5_paying_an_already_paid_notice_is_refused_and_charges_nothing(
    paola, two_notices, stub
):
    trip, book = two_notices
    created = ok(paola.pay(trip)).json()
    ok(paola.cli("stub", "pay", created["id"], tenant="pagoinrete"))
    again = paola.pay(trip)
    assert again.exit_code == 4
    assert again.error()["code"] == "notice_already_paid"
    # A cart with a paid notice is refused whole: the due one is not held either.
    mixed = paola.pay(book, trip)
    assert mixed.exit_code == 4
    assert mixed.error()["code"] == "notice_already_paid"
    assert paola.notices()[book]["pending_payment_id"] is None
    assert [p["id"] for p in notices_payments(paola)] == [created["id"]]


def test_r4_5_an_expired_notice_is_refused_and_an_overdue_one_is_still_payable(paola, stub):
    late = paola.issue(GIULIO, "Mensa gennaio", "45.00", "2026-01-20", "--expires", "2026-01-31")
    stub.control.set_clock("2026-01-25T10:00:00+01:00")
    overdue = paola.notices()[late]
    assert (overdue["status"], overdue["overdue"]) == ("due", True)
    stub.control.set_clock("2026-02-01T00:30:00+01:00")
    assert paola.notices("expired")[late]["status"] == "expired"
    assert late not in paola.notices("due")
    refused = paola.pay(late)
    assert refused.exit_code == 4
    assert refused.error()["code"] == "notice_expired"
    assert "2026-01-31" in refused.error()["message"]
    assert notices_payments(paola) == []


def test_r4_5_a_notice_in_a_pending_cart_is_not_put_in_a_second_one(paola, two_notices, stub):
    trip, book = two_notices
    first = ok(paola.pay(trip, book)).json()
    second = paola.pay(book)
    assert second.exit_code == 4
    assert second.error()["code"] == "notice_in_payment"
    assert first["id"] in second.error()["message"]
    # The checkout expires unpaid (policy: 30 minutes); the notices are free again.
    stub.control.advance_clock("31m")
    assert {n["pending_payment_id"] for n in paola.notices().values()} == {None}
    ok(paola.pay(book))


def test_r4_5_wait_reports_the_payment_made_on_the_psp_page(paola, two_notices, stub):
    def pay_on_the_page() -> None:
        # A person paying on the PSP's page while the command waits.
        with Client(stub.portal_url("pagoinrete")) as client:
            client.auth.login(paola.env["FAMILYCARD_USERNAME"], paola.env["FAMILYCARD_PASSWORD"])
            for _ in range(600):
                awaiting = [p for p in client.payments.list() if p.status == "awaiting_payment"]
                if awaiting:
                    httpx.post(awaiting[0].checkout_url or "", data={"card": "4242424242424242"})
                    return
                time.sleep(0.05)

    person = threading.Thread(target=pay_on_the_page)
    person.start()
    waited = paola.pay(*two_notices, wait=True, timeout=60, interval=0.1)
    person.join()
    assert waited.exit_code == 0, waited.stderr
    assert waited.json()["status"] == "succeeded"
    assert "pay EUR 43.50 at: http" in waited.stderr
    assert {n["status"] for n in paola.notices().values()} == {"paid"}


def test_r4_5_wait_reports_a_declined_card_with_4(paola, two_notices):
    created = ok(paola.pay(*two_notices, idempotency_key="k-declined")).json()
    ok_declined = paola.cli("stub", "pay", created["id"], "--card", DECLINED, tenant="pagoinrete")
    assert ok_declined.exit_code == 4
    waited = paola.pay(*two_notices, idempotency_key="k-declined", wait=True)
    assert waited.exit_code == 4
    assert waited.json()["status"] == "failed"
    assert waited.error()["code"] == "payment_failed"


def test_r4_5_wait_gives_up_after_the_timeout_with_75(paola, two_notices):
    result = paola.pay(*two_notices, wait=True, timeout=0)
    assert result.exit_code == 75
    assert result.json()["status"] == "awaiting_payment"
    assert result.error()["code"] == "payment_pending"


def test_r4_5_a_cart_over_the_limit_is_refused_before_sending(paola):
    numbers = [paola.issue(GIULIO, f"Quota {n}", "1.00", "2026-02-15") for n in range(6)]
    result = paola.pay(*numbers)
    assert result.exit_code == 2
    assert result.error()["code"] == "cart_too_large"
    duplicate = paola.pay(numbers[0], numbers[0])
    assert duplicate.exit_code == 2
    assert duplicate.error()["code"] == "duplicate_notice"


def test_r4_5_a_monthly_script_fails_while_something_is_due(paola, two_notices):
    due = paola.run("notices", "list", "--status", "due", "--fail-if-any")
    assert due.exit_code == 4
    assert sorted(n["number"] for n in due.json()) == sorted(two_notices)
    created = ok(paola.pay(*two_notices)).json()
    ok(paola.cli("stub", "pay", created["id"], tenant="pagoinrete"))
    clear = paola.run("notices", "list", "--status", "due", "--fail-if-any")
    assert clear.exit_code == 0, clear.stderr
    assert clear.json() == []
    total = sum(Decimal(n["amount"]["value"]) for n in paola.notices("paid").values())
    assert total == Decimal("42.60")


# X5 ----------------------------------------------------------------------------------


def test_x5_amounts_are_exact_cents_from_issuing_to_paying(paola):
    dime = paola.issue(GIULIO, "Fotocopie", "0.10", "2026-02-15")
    fifth = paola.issue(SARA, "Fotocopie", "0,20", "2026-02-15")
    created = ok(paola.pay(dime, fifth, psp="paydemo")).json()
    assert created["amount"] == {"value": "1.20", "currency": "EUR"}  # never 1.2000000000000002
    sub_cent = paola.clerk(
        "issue-notice",
        "--tax-code",
        GIULIO,
        "--subject",
        "x",
        "--amount",
        "0.005",
        "--due",
        "2026-02-15",
    )
    assert sub_cent.exit_code == 2
    assert sub_cent.error()["code"] == "invalid_amount"
