"""Customers of the utility portal (energia) for the utility-area tests, set up through the CLI.

ANNA has an electricity POD and a gas PDR whose meter has a volume corrector;
BRUNO has one gas PDR without a corrector.  The fixtures `customers`, `anna` and
`bruno` (import them into a test module) enrol and register both with the stub
clock inside the March 2026 window, and give each one's login environment.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cli_support import CliFn, Outcome, clerk_env, write_csv

from familycard.identifiers import sample_vat_number
from familycard.rules.accounts import ENROLMENT_COLUMNS

TENANT = "energia"
POD = "IT001E00000001"
PDR = "00881000000001"
BRUNO_PDR = "00881000000002"
#: A day inside the March 2026 window (day 1 00:00 to day 7 23:59, Europe/Rome).
IN_WINDOW = "2026-03-03T10:07:00+01:00"


@dataclass(frozen=True)
class Customer:
    code: str
    vat: str
    name: str
    email: str
    points: tuple[tuple[str, str, str], ...]  # supply point, kind, has_corrector


ANNA = Customer(
    "100001",
    sample_vat_number(101),
    "ANNA BIANCHI",
    "anna@example.it",
    ((POD, "electricity", ""), (PDR, "gas", "yes")),
)
BRUNO = Customer(
    "100002", sample_vat_number(102), "BRUNO VERDI", "bruno@example.it", ((BRUNO_PDR, "gas", "no"),)
)
COLUMNS = ",".join(ENROLMENT_COLUMNS["utility"] + ("has_corrector",))


def run(cli: CliFn, *args: str, **kwargs: Any) -> Outcome:
    """`familycard ARGS` on the utility portal."""
    return cli(*args, tenant=TENANT, **kwargs)


def enrol_and_register(cli: CliFn, stub: Any, tmp_path: Path) -> dict[str, dict[str, str]]:
    """Enrol ANNA and BRUNO, register both; return each one's login environment by code."""
    lines = [COLUMNS]
    for c in (ANNA, BRUNO):
        lines += [
            f"{c.code},{c.vat},{c.name},VIA ROMA {c.code[-1]} 59100 PRATO (PO),{c.email},"
            f"{point},{kind},{corrector}"
            for point, kind, corrector in c.points
        ]
    csv_file = write_csv(tmp_path / "customers.csv", "\n".join(lines) + "\n")
    enrolled = run(cli, "clerk", "enroll", str(csv_file), env=clerk_env())
    assert enrolled.exit_code == 0, enrolled.stderr
    envs = {}
    for c in (ANNA, BRUNO):
        args = ("--customer-code", c.code, "--vat", c.vat, "--email", c.email, "--yes")
        registered = run(cli, "auth", "register", *args)
        assert registered.exit_code == 0, registered.stderr
        password = stub.control.last_email(c.email, kind="credentials").data["password"]
        envs[c.code] = {"FAMILYCARD_USERNAME": c.code, "FAMILYCARD_PASSWORD": password}
    return envs


@pytest.fixture
def customers(cli: CliFn, stub: Any, tmp_path: Path) -> dict[str, dict[str, str]]:
    """ANNA and BRUNO registered, the clock at IN_WINDOW: their environments by code."""
    stub.control.set_clock(IN_WINDOW)
    return enrol_and_register(cli, stub, tmp_path)


@pytest.fixture
def anna(customers: dict[str, dict[str, str]]) -> dict[str, str]:
    """ANNA's login environment."""
    return customers[ANNA.code]


@pytest.fixture
def bruno(customers: dict[str, dict[str, str]]) -> dict[str, str]:
    """BRUNO's login environment."""
    return customers[BRUNO.code]
