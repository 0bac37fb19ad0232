"""No secret in any output (issue 12): the main flows with `-v`, the stub's log at debug level.

Register, log in with password and PIN, recharge, enrol as the clerk, reset a password
by link: stdout, stderr, every log record (the CLI's, the SDK's, the stub's) and every
file the CLI wrote hold no password, PIN, session token, clerk key or link token. The
test learns the secrets from the outbox's data and the in-memory keyring, where they
are kept on purpose.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from cli_support import CLERK_KEY, CliFn, MemoryKeyring, Outcome, clerk_env, write_csv

NEW_PASSWORD = "uj-titkos-jelszo-2"
LOGGERS = ("", "familycard", "familycard_cli", "httpx", "server_stub", "uvicorn", "uvicorn.error")


def secrets_of(stub: Any, keyring: MemoryKeyring, *known: str) -> set[str]:
    """Every secret in play: the ones given, the outbox's, the keyring's."""
    found = {CLERK_KEY, *known}
    for message in stub.control.outbox():
        for key, value in message.data.items():
            if key in ("pin", "password", "token"):
                found.add(str(value))
            if key == "link" and "/links/" in str(value):
                found.add(str(value).rsplit("/links/", 1)[-1])  # the link's token
    found |= set(keyring.items.values())
    return {secret for secret in found if len(secret) >= 4}


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name or None)
    return caplog


def test_no_secret_in_any_output_or_file(
    cli: CliFn,
    stub: Any,
    tmp_path: Path,
    memory_keyring: MemoryKeyring,
    debug_logs: pytest.LogCaptureFixture,
) -> None:
    from meals_support import EVA, FAMILY
    from meals_support import PASSWORD as EVA_PASSWORD
    from tokens_support import EMAIL, MARIA, MONDAY, PASSWORD, ROWS

    outcomes: list[Outcome] = []

    def run(*args: str, **kwargs: Any) -> Outcome:
        for as_json in (False, True):
            result = cli("-v", *args, json=as_json, **kwargs)
            assert result.exit_code == 0, result.stderr
            outcomes.append(result)
        return result

    def once(*args: str, **kwargs: Any) -> Outcome:
        result = cli("-v", *args, json=False, **kwargs)
        assert result.exit_code == 0, result.stderr
        outcomes.append(result)
        return result

    # Tortona: the clerk enrols, the family registers, logs in with password and PIN, recharges.
    stub.control.set_clock(MONDAY)
    run("clerk", "enroll", str(write_csv(tmp_path / "families.csv", ROWS)), env=clerk_env())
    once(
        "auth",
        "register",
        *("--tax-code", MARIA, "--email", EMAIL, "--username", "anna.maria"),
        env={"FAMILYCARD_PASSWORD": PASSWORD},
    )
    pin = str(stub.control.last_email(EMAIL, kind="pin").data["pin"])
    login = {"FAMILYCARD_USERNAME": "anna.maria", "FAMILYCARD_PASSWORD": PASSWORD}
    once("auth", "login", "--remember", env={**login, "FAMILYCARD_PIN": pin})
    run("auth", "whoami")
    run("recharge", "create", "--tokens", "5")

    # Jászberény: register and activate by link, then a password reset by link.
    stub.control.set_clock("2026-03-02T09:00:00+01:00")
    enrol = write_csv(tmp_path / "eva.csv", FAMILY)
    once("clerk", "enroll", str(enrol), tenant="jaszbereny", env=clerk_env())
    once(
        "auth",
        "register",
        *("--email", EVA, "--full-name", "Kovács Éva", "--username", "eva"),
        *("--captcha", "stub", "--accept-terms"),
        tenant="jaszbereny",
        env={"FAMILYCARD_PASSWORD": EVA_PASSWORD},
    )
    once("auth", "activate", stub.control.last_email(EVA, kind="activation").data["link"],
         tenant="jaszbereny")  # fmt: skip
    once("auth", "forgot-password", "--username", "eva", tenant="jaszbereny")
    link = stub.control.last_email(EVA, kind="password_reset").data["link"]
    once("auth", "reset", link, tenant="jaszbereny")
    temporary = str(stub.control.last_email(EVA, kind="new_password").data["password"])
    temporary_login = {"FAMILYCARD_USERNAME": "eva", "FAMILYCARD_PASSWORD": temporary}
    changed = {**temporary_login, "FAMILYCARD_NEW_PASSWORD": NEW_PASSWORD}
    once("auth", "change-password", tenant="jaszbereny", env=changed)
    new_login = {"FAMILYCARD_USERNAME": "eva", "FAMILYCARD_PASSWORD": NEW_PASSWORD}
    run("members", "list", tenant="jaszbereny", env=new_login)

    secrets = secrets_of(stub, memory_keyring, PASSWORD, EVA_PASSWORD, pin, temporary, NEW_PASSWORD)
    assert link.rsplit("/links/", 1)[-1] in secrets  # the test saw the secrets it looks for
    assert len(secrets) >= 8, len(secrets)
    assert any(len(s) >= 20 for s in memory_keyring.items.values())  # a session token
    texts = {f"run {i} stdout": o.stdout for i, o in enumerate(outcomes)}
    texts |= {f"run {i} stderr": o.stderr for i, o in enumerate(outcomes)}
    texts["logs"] = "\n".join(f"{r.name}: {r.getMessage()} {r.args!r}" for r in debug_logs.records)
    texts |= {
        str(p): p.read_text(encoding="utf-8", errors="replace")
        for p in tmp_path.rglob("*")
        if p.is_file()
    }
    assert any("familycard" in t or "httpx" in t for t in texts.values())  # -v logged
    leaks = [(where, s[:4] + "...") for where, text in texts.items() for s in secrets if s in text]
    assert leaks == []
