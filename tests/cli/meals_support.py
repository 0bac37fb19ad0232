"""Helpers of the school-meal tests (etelka, `jaszbereny`): a family, orders, payments.

Every helper goes through the CLI against the running stub, as a parent or the clerk
would; the stub clock is set by each test before anything else.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from cli_support import CliFn, Outcome, clerk_env, write_csv

TENANT = "jaszbereny"
ZONE = ZoneInfo("Europe/Budapest")
EVA = "kovacs.eva@example.hu"
PETER = "kovacs.peter@example.hu"
PASSWORD = "titkos-jelszo-1"
BENCE = "Kovács Bence"  # primary: Mon-Thu snack_am, lunch, snack_pm; Fri snack_am, lunch
LILI = "Kovács Lili"  # kindergarten: snack_am, lunch, snack_pm every weekday
DORA = "Kovács Dóra"  # secondary: breakfast, lunch (school or dormitory), dinner
FAMILY = (
    "guardian_email,child_name,institution,age_group\n"
    f"{EVA},{BENCE},Petőfi Általános Iskola,primary\n"
    f"{EVA},{LILI},Kossuth Óvoda,kindergarten\n"
    f"{EVA},{DORA},Lehel Vezér Gimnázium,secondary\n"
)
#: Prices and subsidies of jaszbereny.toml (HUF).
PRIMARY = {"snack_am": 190, "lunch": 650, "snack_pm": 190}
PRIMARY_SUBSIDY = {"lunch": 150}
KINDERGARTEN = {"snack_am": 170, "lunch": 590, "snack_pm": 170}
KINDERGARTEN_SUBSIDY = {"lunch": 200}
DECLINED = "4000000000000002"


def at(text: str) -> datetime:
    """A local Budapest time, `2026-03-02 08:59:59`."""
    return datetime.fromisoformat(text).replace(tzinfo=ZONE)


def creds(username: str = "eva") -> dict[str, str]:
    return {"FAMILYCARD_USERNAME": username, "FAMILYCARD_PASSWORD": PASSWORD}


def run(cli: CliFn, *args: str, **kwargs: Any) -> Outcome:
    """A command of the logged-in parent (Éva)."""
    env = {**creds(kwargs.pop("username", "eva")), **kwargs.pop("env", {})}
    return cli(*args, tenant=kwargs.pop("tenant", TENANT), env=env, **kwargs)


def ok(result: Outcome) -> Any:
    assert result.exit_code == 0, result.stderr + result.stdout
    return result.json()


def clerk(cli: CliFn, *args: str, tenant: str = TENANT, **kwargs: Any) -> Outcome:
    return cli("clerk", *args, tenant=tenant, env=clerk_env(), **kwargs)


def family(
    cli: CliFn,
    stub: Any,
    tmp_path: Path,
    *,
    now: datetime,
    tenant: str = TENANT,
    email: str = EVA,
    username: str = "eva",
    text: str = FAMILY,
) -> dict[str, str]:
    """Set the clock, enrol the family, register and activate; return member ids by name."""
    stub.control.set_clock(now)
    csv_file = write_csv(tmp_path / f"{username}-{tenant}.csv", text.replace(EVA, email))
    enrolled = clerk(cli, "enroll", str(csv_file), tenant=tenant)
    assert enrolled.exit_code == 0, enrolled.stderr
    args = ["auth", "register", "--email", email, "--full-name", "Kovács Éva"]
    args += ["--username", username, "--captcha", "stub", "--accept-terms"]
    registered = cli(*args, tenant=tenant, env={"FAMILYCARD_PASSWORD": PASSWORD})
    assert registered.exit_code == 0, registered.stderr
    link = stub.control.last_email(email, kind="activation").data["link"]
    assert cli("auth", "activate", link, tenant=tenant).exit_code == 0
    members = ok(run(cli, "members", "list", tenant=tenant, username=username))
    return {m["name"]: m["id"] for m in members}


def order(cli: CliFn, member: str, *args: str, **kwargs: Any) -> Any:
    return ok(run(cli, "meals", "order", "--member", member, *args, **kwargs))


def finalize(cli: CliFn, member: str, month: str, *args: str, **kwargs: Any) -> Outcome:
    return run(cli, "meals", "finalize", "--member", member, "--month", month, *args, **kwargs)


def pay(cli: CliFn, payment_id: str, *, card: str | None = None, tenant: str = TENANT) -> Any:
    args = ["stub", "pay", payment_id] + (["--card", card] if card else [])
    return cli(*args, tenant=tenant)


def paid(cli: CliFn, member: str, month: str, *order_args: str, **kwargs: Any) -> dict[str, Any]:
    """Order, finalise (accepting the terms) and pay by card: the days become final."""
    order(cli, member, *order_args, **kwargs)
    fin = ok(finalize(cli, member, month, "--accept-terms", **kwargs))
    if fin["payment"] is not None:
        outcome = pay(cli, fin["payment"]["id"], tenant=kwargs.get("tenant", TENANT))
        assert outcome.exit_code == 0, outcome.stderr
        assert outcome.json()["status"] == "succeeded"
    return dict(fin)


def day_state(cli: CliFn, member: str, day: str, **kwargs: Any) -> dict[str, Any]:
    calendar = ok(run(cli, "meals", "calendar", "--member", member, "--month", day[:7], **kwargs))
    found = [d for d in calendar["days"] if d["day"] == day]
    assert len(found) == 1
    return dict(found[0])


def balance(cli: CliFn, member: str, **kwargs: Any) -> int:
    rows = ok(run(cli, "balances", "list", "--member", member, **kwargs))
    meals = [r for r in rows if r["service"] == "meals"]
    return int(meals[0]["balance"]["value"])


def inbox(cli: CliFn, **kwargs: Any) -> dict[str, Any]:
    return dict(ok(run(cli, "inbox", "list", **kwargs)))
