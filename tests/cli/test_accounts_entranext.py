"""Accounts on an entranext portal (sala-baganza): R2.1-R2.2, through the CLI over HTTP."""

from __future__ import annotations

from pathlib import Path

from cli_support import CliFn, clerk_env, write_csv

TENANT = "sala-baganza"
GUARDIAN = "BNCGPP80A01H223F"
CHILD = "BNCLNE16D52H223T"
EMAIL = "giuseppe.bianchi@example.it"
OTHER_GUARDIAN = "VRDPLA82M41L219E"
OTHER_CHILD = "VRDGLI15T03L219M"
OTHER_EMAIL = "paola.verdi@example.it"
STRANGER = "GLLFNC16H15F205N"
STRANGER_EMAIL = "franco.galli@example.it"
ROWS = f"""guardian_tax_code,guardian_name,guardian_email,child_tax_code,child_name,service
{GUARDIAN},Giuseppe Bianchi,{EMAIL},{CHILD},Elena Bianchi,scuola_infanzia
{OTHER_GUARDIAN},Paola Verdi,{OTHER_EMAIL},{OTHER_CHILD},Giulio Verdi,mensa
"""


def run(cli: CliFn, *args: str, **kwargs) -> object:
    return cli(*args, tenant=TENANT, **kwargs)


def enrol(cli: CliFn, tmp_path: Path) -> None:
    csv_file = write_csv(tmp_path / "families.csv", ROWS)
    result = run(cli, "clerk", "enroll", str(csv_file), env=clerk_env())
    assert result.exit_code == 0, result.stderr
    assert [r["status"] for r in result.json()] == ["created", "created"]


def register(
    cli: CliFn, tax_code: str = GUARDIAN, email: str = EMAIL, name: str = "Giuseppe Bianchi"
):
    return run(
        cli, "auth", "register", "--tax-code", tax_code, "--full-name", name, "--email", email
    )


def as_user(tax_code: str, password: str) -> dict[str, str]:
    return {"FAMILYCARD_USERNAME": tax_code, "FAMILYCARD_PASSWORD": password}


def registered(cli: CliFn, stub, tax_code: str = GUARDIAN, email: str = EMAIL) -> str:
    """Register and confirm; return the e-mailed password."""
    result = register(cli, tax_code, email)
    assert result.exit_code == 0, result.stderr
    link = stub.control.last_email(email, kind="confirmation").data["link"]
    activated = run(cli, "auth", "activate", link)
    assert activated.exit_code == 0, activated.stderr
    return stub.control.last_email(email, kind="credentials").data["password"]


def issue_code(cli: CliFn, tax_code: str = GUARDIAN):
    return run(cli, "clerk", "elevation-code", "--tax-code", tax_code, env=clerk_env())


# R2.1 ------------------------------------------------------------------------------


def test_r2_1_registration_sends_a_confirmation_link_and_the_credentials(cli, stub):
    result = register(cli)
    assert result.exit_code == 0, result.stderr
    body = result.json()
    assert body["status"] == "pending_verification"
    assert body["username"] == GUARDIAN
    mails = stub.control.outbox(to=EMAIL)
    assert [m.kind for m in mails] == ["confirmation", "credentials"]
    assert mails[0].data["link"].startswith("http")
    assert mails[1].data["username"] == GUARDIAN
    assert mails[1].data["password"]
    assert mails[1].data["password"] not in result.stdout + result.stderr


def test_r2_1_login_is_refused_until_the_link_is_followed(cli, stub):
    register(cli)
    password = stub.control.last_email(EMAIL, kind="credentials").data["password"]
    login = ["auth", "login", "--username", GUARDIAN]
    early = run(cli, *login, env={"FAMILYCARD_PASSWORD": password})
    assert early.exit_code == 3
    assert early.error()["code"] == "email_not_verified"
    link = stub.control.last_email(EMAIL, kind="confirmation").data["link"]
    activated = run(cli, "auth", "activate", link)
    assert activated.exit_code == 0, activated.stderr
    assert activated.json()["ok"] is True
    ok = run(cli, *login, env={"FAMILYCARD_PASSWORD": password})
    assert ok.exit_code == 0, ok.stderr
    assert ok.json()["username"] == GUARDIAN
    whoami = run(cli, "auth", "whoami")
    assert whoami.exit_code == 0, whoami.stderr
    assert whoami.json()["tax_code"] == GUARDIAN
    assert whoami.json()["status"] == "active"


def test_r2_1_the_username_is_always_the_tax_code(cli, stub):
    result = register(cli, GUARDIAN.lower())
    assert result.exit_code == 0, result.stderr
    assert result.json()["username"] == GUARDIAN
    credentials = stub.control.last_email(EMAIL, kind="credentials")
    assert credentials.data["username"] == GUARDIAN
    run(cli, "auth", "activate", stub.control.last_email(EMAIL, kind="confirmation").data["link"])
    secret = credentials.data["password"]
    assert run(cli, "auth", "whoami", env=as_user(GUARDIAN, secret)).exit_code == 0
    lower = run(cli, "auth", "whoami", env=as_user(GUARDIAN.lower(), secret))
    assert lower.exit_code == 0, lower.stderr
    assert lower.json()["username"] == GUARDIAN
    by_name = run(cli, "auth", "whoami", env=as_user("giuseppe.bianchi", secret))
    assert by_name.exit_code == 3
    assert by_name.error()["code"] == "authentication_failed"


def test_r2_1_the_confirmation_link_is_single_use(cli, stub):
    register(cli)
    link = stub.control.last_email(EMAIL, kind="confirmation").data["link"]
    assert run(cli, "auth", "activate", link).exit_code == 0
    again = run(cli, "auth", "activate", link)
    assert again.exit_code == 4
    assert again.error()["code"] == "invalid_link"


def test_r2_1_registering_a_tax_code_twice_is_refused_and_sends_nothing(cli, stub):
    registered(cli, stub)
    again = register(cli, email="someone.else@example.it")
    assert again.exit_code == 4
    assert again.error()["code"] == "already_registered"
    assert stub.control.outbox(to="someone.else@example.it") == []
    assert len(stub.control.outbox(to=EMAIL)) == 2


def test_r2_1_a_malformed_tax_code_is_refused_before_sending(cli, stub):
    result = register(cli, "BNCGPP80A01H223X")
    assert result.exit_code == 2
    assert result.error()["code"] == "invalid_tax_code"
    assert stub.control.outbox() == []


def test_r2_1_personal_data_are_required(cli, stub):
    result = run(cli, "auth", "register", "--tax-code", GUARDIAN, "--email", EMAIL)
    assert result.exit_code == 2
    error = result.error()
    assert error["code"] == "missing_field"
    assert "--full-name" in error["message"]
    assert stub.control.outbox() == []


# R2.2 ------------------------------------------------------------------------------


def test_r2_2_the_clerk_issues_a_code_that_elevates_the_family(cli, stub, tmp_path):
    enrol(cli, tmp_path)
    password = registered(cli, stub)
    env = as_user(GUARDIAN, password)
    before = run(cli, "auth", "whoami", env=env)
    assert before.json()["elevated"] is False
    assert before.json()["members"] == [CHILD]
    issued = issue_code(cli)
    assert issued.exit_code == 0, issued.stderr
    code = issued.json()["code"]
    assert issued.json()["tax_code"] == GUARDIAN
    assert stub.control.last_email(EMAIL, kind="elevation_code").data["code"] == code
    elevated = run(cli, "auth", "elevate", code, env=env)
    assert elevated.exit_code == 0, elevated.stderr
    assert elevated.json()["elevated"] is True
    assert run(cli, "auth", "whoami", env=env).json()["elevated"] is True


def test_r2_2_the_code_reaches_a_family_before_it_registers(cli, stub, tmp_path):
    enrol(cli, tmp_path)
    issued = issue_code(cli)
    assert issued.exit_code == 0, issued.stderr
    mail = stub.control.last_email(EMAIL, kind="elevation_code")
    assert mail.data["code"] == issued.json()["code"]
    password = registered(cli, stub)
    elevated = run(cli, "auth", "elevate", mail.data["code"], env=as_user(GUARDIAN, password))
    assert elevated.exit_code == 0, elevated.stderr
    assert elevated.json()["elevated"] is True


def test_r2_2_issuing_a_code_needs_the_clerk_key(cli, stub, tmp_path):
    enrol(cli, tmp_path)
    no_key = run(cli, "clerk", "elevation-code", "--tax-code", GUARDIAN)
    assert no_key.exit_code == 3
    assert no_key.error()["code"] == "clerk_key_required"
    bad_key = run(
        cli,
        "clerk",
        "elevation-code",
        "--tax-code",
        GUARDIAN,
        env={"FAMILYCARD_CLERK_KEY": "nope"},
    )
    assert bad_key.exit_code == 3
    assert bad_key.error()["code"] == "invalid_clerk_key"
    assert stub.control.outbox() == []


def test_r2_2_a_wrong_code_is_refused(cli, stub, tmp_path):
    enrol(cli, tmp_path)
    password = registered(cli, stub)
    env = as_user(GUARDIAN, password)
    issue_code(cli)
    wrong = run(cli, "auth", "elevate", "ABCDE-FGHJK", env=env)
    assert wrong.exit_code == 4
    assert wrong.error()["code"] == "invalid_elevation_code"
    assert run(cli, "auth", "whoami", env=env).json()["elevated"] is False


def test_r2_2_a_code_is_single_use(cli, stub, tmp_path):
    enrol(cli, tmp_path)
    password = registered(cli, stub)
    env = as_user(GUARDIAN, password)
    code = issue_code(cli).json()["code"]
    assert run(cli, "auth", "elevate", code, env=env).exit_code == 0
    again = run(cli, "auth", "elevate", code, env=env)
    assert again.exit_code == 4
    assert again.error()["code"] == "invalid_elevation_code"
    assert run(cli, "auth", "whoami", env=env).json()["elevated"] is True


def test_r2_2_a_code_serves_only_its_own_family(cli, stub, tmp_path):
    enrol(cli, tmp_path)
    registered(cli, stub)
    other_password = registered(cli, stub, OTHER_GUARDIAN, OTHER_EMAIL)
    code = issue_code(cli, GUARDIAN).json()["code"]
    other = as_user(OTHER_GUARDIAN, other_password)
    refused = run(cli, "auth", "elevate", code, env=other)
    assert refused.exit_code == 4
    assert refused.error()["code"] == "invalid_elevation_code"
    assert run(cli, "auth", "whoami", env=other).json()["elevated"] is False


def test_r2_2_a_family_not_enrolled_gets_no_code(cli, stub, tmp_path):
    enrol(cli, tmp_path)
    password = registered(cli, stub, STRANGER, STRANGER_EMAIL)
    result = issue_code(cli, STRANGER)
    assert result.exit_code == 4
    assert result.error()["code"] == "not_enrolled"
    assert [m.kind for m in stub.control.outbox(to=STRANGER_EMAIL)] == [
        "confirmation",
        "credentials",
    ]
    guess = run(cli, "auth", "elevate", "ABCDE-FGHJK", env=as_user(STRANGER, password))
    assert guess.exit_code == 4
    assert guess.error()["code"] == "invalid_elevation_code"


def test_r2_2_a_malformed_tax_code_is_refused_before_sending(cli, stub, tmp_path):
    enrol(cli, tmp_path)
    result = issue_code(cli, "BNCGPP80A01H223X")
    assert result.exit_code == 2
    assert result.error()["code"] == "invalid_tax_code"
    assert stub.control.outbox() == []
