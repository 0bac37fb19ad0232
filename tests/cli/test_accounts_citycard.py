"""Accounts on a citycard portal (tortona): R1.1-R1.4, through the CLI over HTTP."""

from __future__ import annotations

from pathlib import Path

from cli_support import CliFn, clerk_env, write_csv

MARIA = "RSSMRA15C45L304I"
LUCA = "RSSLCU17P10L304J"
EMAIL = "anna.rossi@example.it"
ROWS = f"""child_tax_code;child_name;guardian_email;service
{MARIA};Maria Rossi;{EMAIL};mensa
{LUCA};Luca Rossi;{EMAIL};mensa
"""


def enrol(cli: CliFn, tmp_path: Path) -> None:
    csv_file = write_csv(tmp_path / "families.csv", "\ufeff" + ROWS)
    result = cli("clerk", "enroll", str(csv_file), env=clerk_env())
    assert result.exit_code == 0, result.stderr
    assert [r["status"] for r in result.json()] == ["created", "created"]


def register(cli: CliFn, tax_code: str, username: str, password: str = "secret-pass-1"):
    return cli(
        "auth",
        "register",
        "--tax-code",
        tax_code,
        "--email",
        EMAIL,
        "--username",
        username,
        env={"FAMILYCARD_PASSWORD": password},
    )


def test_r1_1_registration_is_per_child_and_one_email_serves_several(cli, stub, tmp_path):
    enrol(cli, tmp_path)
    first = register(cli, MARIA, "anna.maria")
    second = register(cli, LUCA, "anna.luca")
    assert first.exit_code == 0, first.stderr
    assert second.exit_code == 0, second.stderr
    assert first.json()["status"] == "active"
    pins = [m for m in stub.control.outbox(to=EMAIL) if m.kind == "pin"]
    assert [m.data["username"] for m in pins] == ["anna.maria", "anna.luca"]
    again = register(cli, MARIA, "anna.maria2")
    assert again.exit_code == 4
    assert again.error()["code"] == "already_registered"


def test_r1_1_password_is_never_a_flag_and_comes_from_stdin(cli, stub, tmp_path):
    enrol(cli, tmp_path)
    result = cli(
        "auth",
        "register",
        "--tax-code",
        MARIA,
        "--email",
        EMAIL,
        "--username",
        "anna.maria",
        "--password-stdin",
        input="from-stdin-123\n",
    )
    assert result.exit_code == 0, result.stderr
    login = cli(
        "auth",
        "login",
        "--username",
        "anna.maria",
        "--password-stdin",
        input=f"from-stdin-123\n{stub.control.last_email(EMAIL, kind='pin').data['pin']}\n",
    )
    assert login.exit_code == 0, login.stderr
    assert "from-stdin-123" not in login.stdout + login.stderr


def test_r1_2_a_child_not_enrolled_is_refused_and_nothing_is_left(cli, stub, tmp_path):
    result = register(cli, MARIA, "anna.maria")
    assert result.exit_code == 4
    assert result.error()["code"] == "not_enrolled"
    assert stub.control.outbox() == []
    enrol(cli, tmp_path)
    assert register(cli, MARIA, "anna.maria").exit_code == 0


def test_r1_2_a_malformed_tax_code_is_refused_before_sending(cli, stub):
    result = register(cli, "RSSMRA15C45L304X", "anna.maria")
    assert result.exit_code == 2
    assert result.error()["code"] == "invalid_tax_code"


def test_r1_3_login_needs_username_password_and_the_emailed_pin(cli, stub, tmp_path):
    enrol(cli, tmp_path)
    register(cli, MARIA, "anna.maria", "secret-pass-1")
    pin = stub.control.last_email(EMAIL, kind="pin").data["pin"]
    env = {"FAMILYCARD_USERNAME": "anna.maria", "FAMILYCARD_PASSWORD": "secret-pass-1"}
    no_pin = cli("auth", "whoami", env=env)
    assert no_pin.exit_code == 3
    assert no_pin.error()["code"] == "pin_required"
    wrong_pin = cli("auth", "whoami", env={**env, "FAMILYCARD_PIN": "000000"})
    assert wrong_pin.exit_code == 3
    assert wrong_pin.error()["code"] == "authentication_failed"
    ok = cli("auth", "whoami", env={**env, "FAMILYCARD_PIN": pin})
    assert ok.exit_code == 0, ok.stderr
    assert ok.json()["members"] == [MARIA]


def test_r1_3_login_saves_the_session_in_the_keyring_for_later_commands(
    cli, stub, tmp_path, memory_keyring
):
    enrol(cli, tmp_path)
    register(cli, MARIA, "anna.maria", "secret-pass-1")
    pin = stub.control.last_email(EMAIL, kind="pin").data["pin"]
    login = cli(
        "auth",
        "login",
        "--username",
        "anna.maria",
        env={"FAMILYCARD_PASSWORD": "secret-pass-1", "FAMILYCARD_PIN": pin},
    )
    assert login.exit_code == 0, login.stderr
    assert "token" not in login.stdout
    assert "secret-pass-1" in memory_keyring.items.values()
    config = Path(tmp_path / "config.toml").read_text()
    assert "anna.maria" in config
    assert "secret-pass-1" not in config
    whoami = cli("auth", "whoami")
    assert whoami.exit_code == 0, whoami.stderr
    assert whoami.json()["username"] == "anna.maria"
    logout = cli("auth", "logout")
    assert logout.exit_code == 0
    assert memory_keyring.items == {}
    assert cli("auth", "whoami").exit_code == 3


def test_r1_4_forgot_password_with_username_and_email_sends_a_new_one(cli, stub, tmp_path):
    enrol(cli, tmp_path)
    register(cli, MARIA, "anna.maria", "secret-pass-1")
    pin = stub.control.last_email(EMAIL, kind="pin").data["pin"]
    wrong = cli("auth", "forgot-password", "--username", "anna.maria", "--email", "x@example.it")
    assert wrong.exit_code == 0
    assert [m.kind for m in stub.control.outbox(to=EMAIL)] == ["pin"]
    result = cli("auth", "forgot-password", "--username", "anna.maria", "--email", EMAIL)
    assert result.exit_code == 0, result.stderr
    new = stub.control.last_email(EMAIL, kind="new_password").data["password"]
    env = {"FAMILYCARD_USERNAME": "anna.maria", "FAMILYCARD_PIN": pin}
    assert cli("auth", "whoami", env={**env, "FAMILYCARD_PASSWORD": "secret-pass-1"}).exit_code == 3
    assert cli("auth", "whoami", env={**env, "FAMILYCARD_PASSWORD": new}).exit_code == 0


def test_r1_4_the_clerk_regenerates_credentials_and_pin(cli, stub, tmp_path):
    enrol(cli, tmp_path)
    register(cli, MARIA, "anna.maria", "secret-pass-1")
    old_pin = stub.control.last_email(EMAIL, kind="pin").data["pin"]
    no_key = cli("clerk", "reset-credentials", "--tax-code", MARIA)
    assert no_key.exit_code == 3
    bad_key = cli(
        "clerk", "reset-credentials", "--tax-code", MARIA, env={"FAMILYCARD_CLERK_KEY": "nope"}
    )
    assert bad_key.exit_code == 3
    assert bad_key.error()["code"] == "invalid_clerk_key"
    result = cli("clerk", "reset-credentials", "--tax-code", MARIA, env=clerk_env())
    assert result.exit_code == 0, result.stderr
    mail = stub.control.last_email(EMAIL, kind="credentials")
    assert mail.data["username"] == "anna.maria"
    env = {"FAMILYCARD_USERNAME": "anna.maria", "FAMILYCARD_PASSWORD": mail.data["password"]}
    assert cli("auth", "whoami", env={**env, "FAMILYCARD_PIN": old_pin}).exit_code == 3
    assert cli("auth", "whoami", env={**env, "FAMILYCARD_PIN": mail.data["pin"]}).exit_code == 0


def test_repeated_failed_logins_lock_the_account(cli, stub, tmp_path):
    enrol(cli, tmp_path)
    register(cli, MARIA, "anna.maria", "secret-pass-1")
    pin = stub.control.last_email(EMAIL, kind="pin").data["pin"]
    env = {"FAMILYCARD_USERNAME": "anna.maria", "FAMILYCARD_PIN": pin}
    for _ in range(5):
        bad = cli("auth", "whoami", env={**env, "FAMILYCARD_PASSWORD": "wrong-password"})
        assert bad.error()["code"] == "authentication_failed"
    locked = cli("auth", "whoami", env={**env, "FAMILYCARD_PASSWORD": "secret-pass-1"})
    assert locked.exit_code == 3
    assert locked.error()["code"] == "account_locked"
    stub.control.advance_clock("16m")
    assert cli("auth", "whoami", env={**env, "FAMILYCARD_PASSWORD": "secret-pass-1"}).exit_code == 0
