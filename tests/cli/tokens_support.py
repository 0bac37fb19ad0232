"""What the canteen-token tests share: a Tortona family, enrolled and registered through the CLI.

Maria is enrolled in the canteen only; Luca in the canteen and the Casa dei bambini.
Each child is one citycard registration (R1.1), so each has its own credentials.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from cli_support import CliFn, clerk_env, write_csv

MARIA = "RSSMRA15C45L304I"
LUCA = "RSSLCU17P10L304J"
EMAIL = "anna.rossi@example.it"
PASSWORD = "secret-pass-1"
SUCCESS_CARD = "4242424242424242"
DECLINED_CARD = "4000000000000002"
PRICE = Decimal("4.50")
#: A Monday in term, 09:00 in Tortona.
MONDAY = "2026-11-16T09:00:00+01:00"
ROWS = f"""child_tax_code;child_name;guardian_email;service
{MARIA};Maria Rossi;{EMAIL};mensa
{LUCA};Luca Rossi;{EMAIL};mensa
{LUCA};Luca Rossi;{EMAIL};casa_dei_bambini
"""
BIN = Path(sys.executable).parent


@dataclass
class Family:
    """The logged-in environment of each child's registration."""

    maria: dict[str, str]
    luca: dict[str, str]


def register(cli: CliFn, stub: Any, tax_code: str, username: str) -> dict[str, str]:
    result = cli(
        "auth",
        "register",
        "--tax-code",
        tax_code,
        "--email",
        EMAIL,
        "--username",
        username,
        env={"FAMILYCARD_PASSWORD": PASSWORD},
    )
    assert result.exit_code == 0, result.stderr
    pin = [m for m in stub.control.outbox(to=EMAIL) if m.kind == "pin"][-1].data["pin"]
    return {
        "FAMILYCARD_USERNAME": username,
        "FAMILYCARD_PASSWORD": PASSWORD,
        "FAMILYCARD_PIN": str(pin),
    }


def family(cli: CliFn, stub: Any, tmp_path: Path, *, now: str | None = MONDAY) -> Family:
    """Enrol the Rossi children, register both; the clock frozen at `now`."""
    if now is not None:
        stub.control.set_clock(now)
    csv_file = write_csv(tmp_path / "families.csv", ROWS)
    enrolled = cli("clerk", "enroll", str(csv_file), env=clerk_env())
    assert enrolled.exit_code == 0, enrolled.stderr
    return Family(
        maria=register(cli, stub, MARIA, "anna.maria"),
        luca=register(cli, stub, LUCA, "anna.luca"),
    )


def attend(cli: CliFn, tax_code: str, service: str, *days: str) -> dict[str, Any]:
    """The office records days attended."""
    args = ["clerk", "attendance", "--tax-code", tax_code, "--service", service]
    for day in days:
        args += ["--day", day]
    result = cli(*args, env=clerk_env())
    assert result.exit_code == 0, result.stderr
    body: dict[str, Any] = result.json()
    return body


def balance(cli: CliFn, env: dict[str, str], service: str = "mensa") -> int:
    """The balance of the logged-in child's service, as `tokens balance --json` says."""
    result = cli("tokens", "balance", "--service", service, env=env)
    assert result.exit_code == 0, result.stderr
    [row] = result.json()
    assert isinstance(row["balance"], int)
    return int(row["balance"])


def create(cli: CliFn, env: dict[str, str], *args: str) -> dict[str, Any]:
    result = cli("recharge", "create", *args, env=env)
    assert result.exit_code == 0, result.stderr
    body: dict[str, Any] = result.json()
    return body


def payments(cli: CliFn, env: dict[str, str], *args: str) -> list[dict[str, Any]]:
    result = cli("payments", "list", *args, env=env)
    assert result.exit_code == 0, result.stderr
    body: list[dict[str, Any]] = result.json()
    return body


def run_familycard(
    stub: Any, env: dict[str, str], tmp_path: Path, *args: str
) -> subprocess.Popen[str]:
    """`familycard ARGS` in its own process (the console script of the venv)."""
    return subprocess.Popen(
        [str(BIN / "familycard"), *args],
        env=process_env(stub, env, tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def process_env(stub: Any, env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """The environment of a child process: the venv first on PATH, the stub's portal."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("FAMILYCARD_")}
    return {
        **clean,
        "PATH": f"{BIN}{os.pathsep}{clean.get('PATH', '')}",
        "FAMILYCARD_PORTAL": stub.portal_url("tortona"),
        "FAMILYCARD_CONFIG": str(tmp_path / "process-config.toml"),
        "NO_COLOR": "1",
        **env,
    }
