"""docs/examples/cancel_sick_day.py (meals.md) runs, and cancels what the page says (R3.8-R3.9).

The family is set up with the SDK and the clerk key on the stub, at a set clock.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from types import ModuleType

from familycard import Client

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "examples"
EMAIL = "kovacs.eva@example.hu"
PASSWORD = "titkos-jelszo-1"
BENCE = "Kovács Bence"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"docs_example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def bence_with_paid_lunches(stub) -> str:
    """Bence's Wednesday 4 and Thursday 5 March 2026 paid; the clock on Tuesday 3, 08:30."""
    portal = stub.portal_url("jaszbereny")
    stub.control.set_clock("2026-03-02T08:00:00+01:00")
    with Client(portal, clerk_key="stub-clerk-key") as clerk:
        row = {
            "guardian_email": EMAIL,
            "child_name": BENCE,
            "institution": "Petőfi Általános Iskola",
            "age_group": "primary",
        }
        assert clerk.clerk.enroll(row).status == "created"
    with Client(portal) as client:
        client.auth.register(
            email=EMAIL,
            full_name="Kovács Éva",
            username="eva",
            password=PASSWORD,
            captcha="stub",
            accept_terms=True,
        )
        client.auth.activate(stub.control.last_email(EMAIL, kind="activation").data["link"])
        client.auth.login("eva", PASSWORD)
        client.meals.order(days=[date(2026, 3, 4), date(2026, 3, 5)], meals=["lunch"])
        finalization = client.meals.finalize("2026-03", accept_terms=True)
        assert finalization.payment is not None
        stub.control.pay(finalization.payment.id)
    stub.control.set_clock("2026-03-03T08:30:00+01:00")
    return portal


def test_cancel_sick_day_cancels_before_the_deadline_and_reports_the_late_day(familycard_stub):
    portal = bence_with_paid_lunches(familycard_stub)
    example = load("cancel_sick_day")
    result = example.main(
        portal, "eva", PASSWORD, BENCE, [date(2026, 3, 3), date(2026, 3, 4), date(2026, 3, 5)]
    )
    assert [o.status for o in result.outcomes] == ["refused", "cancelled", "cancelled"]
    assert result.outcomes[0].code == "day_not_ordered"
    assert result.credit.value == 2 * (650 - 150)


def test_cancel_sick_day_runs_as_a_script_with_its_exit_status(familycard_stub):
    portal = bence_with_paid_lunches(familycard_stub)
    env = {**os.environ, "FAMILYCARD_USERNAME": "eva", "FAMILYCARD_PASSWORD": PASSWORD}
    script = [sys.executable, str(EXAMPLES / "cancel_sick_day.py"), portal, BENCE]
    done = subprocess.run(
        [*script, "2026-03-04"], cwd=ROOT, capture_output=True, text=True, timeout=120, env=env
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2026-03-04 cancelled, deadline Tue 03 Mar 09:00" in done.stdout
    assert "credited to Kovács Bence's account: HUF 500" in done.stdout
    familycard_stub.control.set_clock("2026-03-04T09:00:00+01:00")
    late = subprocess.run(
        [*script, "2026-03-05"], cwd=ROOT, capture_output=True, text=True, timeout=120, env=env
    )
    assert late.returncode == 4, late.stdout + late.stderr
    assert "2026-03-05 refused (cancellation_deadline_passed)" in late.stdout
