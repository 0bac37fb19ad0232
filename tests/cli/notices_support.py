"""Families with notices, set up through the CLI against the stub (for tests/cli/test_notices_*)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cli_support import CliFn, Outcome, clerk_env, write_csv

from familycard.identifiers import make_tax_code

#: The stub clock for notice tests: a Monday morning in Rome.
NOW = "2026-01-12T09:00:00+01:00"

# Entranext (sala-baganza): the seed's family, whose slip is the real one of R2.4.
GIUSEPPE = "BNCGPP80A01H223F"
GIUSEPPE_EMAIL = "giuseppe.bianchi@example.it"
ELENA = "BNCLNE16D52H223T"
MARCO = "BNCMRC18E10H223C"
SEED_NOTICE = "001019100083901286"
SEED_SLIP_LINE = "18001019100083901286120000163384361000000140403896"

# Pagoinrete: Paola Verdi, with two children at two schools.
PAOLA = "VRDPLA82M41L219E"
PAOLA_EMAIL = "paola.verdi@example.it"
GIULIO = "VRDGLI15T03L219M"
SARA = make_tax_code(
    surname="Verdi",
    name="Sara",
    birth_date=datetime.date(2017, 3, 5),
    female=True,
    municipality="L219",
)
# Another family on the same portal, whose notices Paola must never see.
ROSSI = make_tax_code(
    surname="Rossi",
    name="Carla",
    birth_date=datetime.date(1980, 6, 1),
    female=True,
    municipality="G337",
)
PIETRO = make_tax_code(
    surname="Rossi",
    name="Pietro",
    birth_date=datetime.date(2016, 9, 9),
    female=False,
    municipality="G337",
)
PAGOINRETE_ROWS = f"""guardian_tax_code,child_tax_code,child_name,institution
{PAOLA},{GIULIO},Giulio Verdi,IC Parma Centro
{PAOLA},{SARA},Sara Verdi,Liceo Marconi Parma
{ROSSI},{PIETRO},Pietro Rossi,IC Parma Centro
"""
NEW_PASSWORD = "nuova-password-1"


def env_of(username: str, password: str) -> dict[str, str]:
    return {"FAMILYCARD_USERNAME": username, "FAMILYCARD_PASSWORD": password}


def ok(result: Outcome) -> Outcome:
    assert result.exit_code == 0, result.stderr
    return result


@dataclass
class Family:
    """A logged-in family on one tenant: run `familycard ...` as them."""

    cli: CliFn
    tenant: str
    env: dict[str, str]

    def run(self, *args: str, **kwargs: Any) -> Outcome:
        return self.cli(*args, tenant=self.tenant, env=self.env, **kwargs)

    def clerk(self, *args: str, **kwargs: Any) -> Outcome:
        return self.cli("clerk", *args, tenant=self.tenant, env=clerk_env(), **kwargs)

    def notices(self, status: str = "all") -> dict[str, dict[str, Any]]:
        """The family's notices by number."""
        return {n["number"]: n for n in ok(self.run("notices", "list", "--status", status)).json()}

    def issue(self, tax_code: str, subject: str, amount: str, due: str, *extra: str) -> str:
        """Issue a notice as the clerk; return its number."""
        result = self.clerk(
            "issue-notice",
            "--tax-code",
            tax_code,
            "--subject",
            subject,
            "--amount",
            amount,
            "--due",
            due,
            *extra,
        )
        body = ok(result).json()
        assert body["status"] == "created", body
        return str(body["number"])

    def pay(self, *numbers: str, method: str = "card", psp: str = "paydemo", **kw: Any):
        extra = [
            f"--{k.replace('_', '-')}" if v is True else f"--{k.replace('_', '-')}={v}"
            for k, v in kw.items()
        ]
        return self.run("notices", "pay", *numbers, "--method", method, "--psp", psp, *extra)


def entranext_family(cli: CliFn, stub: Any, *, elevate: bool) -> Family:
    """Giuseppe Bianchi on sala-baganza (the demo seed), registered; elevated if asked."""
    stub.control.reset(seed="demo")
    stub.control.set_clock(NOW)
    family = Family(cli, "sala-baganza", {})
    ok(
        family.run(
            "auth",
            "register",
            "--tax-code",
            GIUSEPPE,
            "--full-name",
            "Giuseppe Bianchi",
            "--email",
            GIUSEPPE_EMAIL,
        )
    )
    link = stub.control.last_email(GIUSEPPE_EMAIL, kind="confirmation").data["link"]
    ok(family.run("auth", "activate", link))
    password = stub.control.last_email(GIUSEPPE_EMAIL, kind="credentials").data["password"]
    family.env = env_of(GIUSEPPE, password)
    if elevate:
        code = ok(family.clerk("elevation-code", "--tax-code", GIUSEPPE)).json()["code"]
        ok(family.run("auth", "elevate", code))
    return family


def pagoinrete_family(cli: CliFn, stub: Any, tmp_path: Path) -> Family:
    """Paola Verdi on pagoinrete, with Giulio and Sara enrolled: registered and ready."""
    stub.control.set_clock(NOW)
    family = Family(cli, "pagoinrete", {})
    rows = write_csv(tmp_path / "pagoinrete.csv", PAGOINRETE_ROWS)
    enrolled = ok(family.clerk("enroll", str(rows))).json()
    assert [r["status"] for r in enrolled] == ["created"] * 3
    ok(
        family.run(
            "auth",
            "register",
            "--tax-code",
            PAOLA,
            "--captcha",
            "stub",
            "--full-name",
            "Paola Verdi",
            "--email",
            PAOLA_EMAIL,
            "--accept-terms",
        )
    )
    link = stub.control.last_email(PAOLA_EMAIL, kind="verification").data["link"]
    ok(family.run("auth", "activate", link))
    mail = stub.control.last_email(PAOLA_EMAIL, kind="credentials")
    username, temporary = mail.data["username"], mail.data["password"]
    family.env = {**env_of(username, temporary), "FAMILYCARD_NEW_PASSWORD": NEW_PASSWORD}
    ok(family.run("auth", "change-password"))
    family.env = env_of(username, NEW_PASSWORD)
    ok(family.run("auth", "accept-terms"))
    return family
