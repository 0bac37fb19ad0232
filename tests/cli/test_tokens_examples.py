"""The examples of docs/recharges.md run against the stub and top up once a month (R1.8).

The cron script runs as cron would run it (`sh`, the venv's `familycard` on PATH, the
credentials in the environment); the Python example runs in-process and as a script.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from datetime import date
from pathlib import Path
from types import ModuleType

from tokens_support import MARIA, attend, balance, family, payments, process_env

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


def cron(stub, env, tmp_path, **settings: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["sh", str(EXAMPLES / "monthly_topup.sh")],
        env=process_env(stub, {**env, **settings}, tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )


def load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("monthly_topup", EXAMPLES / "monthly_topup.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_r1_8_the_cron_example_tops_up_once_a_month(cli, stub, tmp_path):
    rossi = family(cli, stub, tmp_path)
    attend(cli, MARIA, "mensa", "2026-11-12", "2026-11-13", "2026-11-16")  # balance -3

    first = cron(stub, rossi.maria, tmp_path)
    assert first.returncode == 0, first.stderr
    assert "balance under 5 tokens" in first.stderr
    assert "25 tokens for mensa" in first.stdout  # -3 + 25 = 22 >= 20
    assert "EUR 112.50" in first.stdout
    [payment] = payments(cli, rossi.maria)
    assert f"/_terminal/{payment['id']}" in first.stdout

    # Cron runs again before anyone paid: the same recharge, no second checkout.
    again = cron(stub, rossi.maria, tmp_path)
    assert again.returncode == 0, again.stderr
    assert f"/_terminal/{payment['id']}" in again.stdout
    assert len(payments(cli, rossi.maria)) == 1

    # The card is declined: the next run makes a new recharge, with a new checkout.
    assert cli("stub", "pay", payment["id"], "--card", "4000000000000002").exit_code == 4
    retried = cron(stub, rossi.maria, tmp_path)
    assert retried.returncode == 0, retried.stderr
    by_status = {p["status"]: p for p in payments(cli, rossi.maria)}
    assert sorted(by_status) == ["awaiting_payment", "failed"]
    payment = by_status["awaiting_payment"]
    assert f"/_terminal/{payment['id']}" in retried.stdout
    assert "25 tokens for mensa" in retried.stdout
    # ... and running again this month returns that one, not a third.
    assert f"/_terminal/{payment['id']}" in cron(stub, rossi.maria, tmp_path).stdout
    assert len(payments(cli, rossi.maria)) == 2

    assert cli("stub", "pay", payment["id"]).exit_code == 0
    paid = cron(stub, rossi.maria, tmp_path)
    assert paid.returncode == 0, paid.stderr
    assert "pay at" not in paid.stdout
    assert len(payments(cli, rossi.maria)) == 2
    assert balance(cli, rossi.maria) == 22


def test_r1_8_the_cron_example_fails_loudly_when_something_else_is_wrong(cli, stub, tmp_path):
    rossi = family(cli, stub, tmp_path)
    wrong = cron(stub, {**rossi.maria, "FAMILYCARD_PASSWORD": "not-the-password"}, tmp_path)
    assert wrong.returncode == 3
    assert "authentication" in wrong.stderr
    assert payments(cli, rossi.maria) == []
    settings = {"LOW": "1", "TARGET": "7"}
    attend(cli, MARIA, "mensa", "2026-11-16")
    topped = cron(stub, rossi.maria, tmp_path, **settings)
    assert topped.returncode == 0, topped.stderr
    assert "10 tokens for mensa" in topped.stdout  # -1 + 10 = 9 >= 7


def test_r1_8_the_python_example_tops_up_once_a_month(cli, stub, tmp_path, capsys):
    rossi = family(cli, stub, tmp_path)
    attend(cli, MARIA, "mensa", "2026-11-13", "2026-11-16")  # balance -2
    example = load_example()
    args = (
        stub.portal_url("tortona"),
        rossi.maria["FAMILYCARD_USERNAME"],
        rossi.maria["FAMILYCARD_PASSWORD"],
        rossi.maria["FAMILYCARD_PIN"],
    )
    first = example.main(*args, today=date(2026, 11, 16))
    assert first.status == "awaiting_payment"
    assert first.tokens == 25  # -2 + 25 = 23 >= 20
    again = example.main(*args, today=date(2026, 11, 30))
    assert again.id == first.id  # same month, same recharge
    assert "Pay EUR 112.50 for 25 tokens" in capsys.readouterr().out
    assert cli("stub", "pay", first.payment_id).exit_code == 0
    assert example.main(*args, today=date(2026, 12, 1)) is None  # 23 tokens: nothing to buy
    assert balance(cli, rossi.maria) == 23
    assert len(payments(cli, rossi.maria)) == 1


def test_r1_8_the_python_example_runs_as_a_script(cli, stub, tmp_path):
    rossi = family(cli, stub, tmp_path)
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / "monthly_topup.py"), stub.portal_url("tortona")],
        env=process_env(stub, rossi.maria, tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Pay EUR 90.00 for 20 tokens at http" in result.stdout  # balance 0: 20 to reach 20
    assert balance(cli, rossi.maria) == 0
