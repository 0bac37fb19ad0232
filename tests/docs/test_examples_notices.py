"""docs/examples/pay_school_notices.py (notices.md) runs, and pays what the page says (R4.5)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

from familycard import Client

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "examples"
GUARDIAN = "VRDPLA82M41L219E"
CHILD = "VRDGLI15T03L219M"
EMAIL = "paola.verdi@example.it"
PASSWORD = "Verdi-2026!"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"docs_example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def family_with_two_notices(stub) -> tuple[str, str, list[str]]:
    """Paola Verdi on pagoinrete, ready to pay; two notices issued to her son."""
    portal = stub.portal_url("pagoinrete")
    stub.control.set_clock("2026-01-12T09:00:00+01:00")
    with Client(portal, clerk_key="stub-clerk-key") as clerk:
        row = {
            "guardian_tax_code": GUARDIAN,
            "child_tax_code": CHILD,
            "child_name": "Giulio Verdi",
            "institution": "IC Parma Centro",
        }
        assert clerk.clerk.enroll(row).status == "created"
        numbers = [
            clerk.notices.issue(
                tax_code=CHILD, subject=subject, amount=amount, due_on="2026-02-15"
            ).number
            for subject, amount in (("Uscita didattica", "12.50"), ("Assicurazione", "8.00"))
        ]
    with Client(portal) as client:
        client.auth.register(
            tax_code=GUARDIAN,
            captcha="stub",
            full_name="Paola Verdi",
            email=EMAIL,
            accept_terms=True,
        )
        client.auth.activate(stub.control.last_email(EMAIL, kind="verification").data["link"])
        mail = stub.control.last_email(EMAIL, kind="credentials")
        username = str(mail.data["username"])
        client.auth.login(username, str(mail.data["password"]))
        client.auth.change_password(str(mail.data["password"]), PASSWORD)
        client.auth.accept_terms()
    return portal, username, [n for n in numbers if n]


def test_pay_school_notices_pays_both_in_one_cart_and_once(familycard_stub):
    portal, username, numbers = family_with_two_notices(familycard_stub)
    example = load("pay_school_notices")
    payment = example.main(portal, username, PASSWORD)
    assert payment is not None
    assert payment.details["notices"] == numbers
    assert payment.details["psp"] == "paydemo"  # the cheapest for cards
    assert str(payment.amount) == "EUR 21.40"  # 12.50 + 8.00 + a fee of 0.90
    again = example.main(portal, username, PASSWORD)
    assert again is None  # both wait in the pending checkout: nothing new to pay
    familycard_stub.control.pay(payment.id)
    assert example.main(portal, username, PASSWORD) is None
    with Client(portal) as client:
        client.auth.login(username, PASSWORD)
        assert {n.status for n in client.notices.list()} == {"paid"}
        assert [p.id for p in client.payments.list()] == [payment.id]


def test_pay_school_notices_runs_as_a_script(familycard_stub):
    portal, username, _ = family_with_two_notices(familycard_stub)
    env = {**os.environ, "FAMILYCARD_USERNAME": username, "FAMILYCARD_PASSWORD": PASSWORD}
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / "pay_school_notices.py"), portal],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 notices, EUR 21.40 with PayDemo's fee of EUR 0.90: pay at http" in result.stdout
    again = subprocess.run(
        [sys.executable, str(EXAMPLES / "pay_school_notices.py"), portal],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert "waiting: pay at http" in again.stdout
    assert "nothing new to pay" in again.stdout
