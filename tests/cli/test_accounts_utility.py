"""Accounts on a utility's customer area (energia): R5.1-R5.2, R5.5-R5.6, through the CLI."""

from __future__ import annotations

from pathlib import Path

from cli_support import CliFn, Outcome, clerk_env, write_csv

from familycard.identifiers import sample_vat_number

TENANT = "energia"
CUSTOMER = "000002"
VAT = "01234560041"
NAME = "PROVA S.P.A."
ADDRESS = "VIA DI PROVA 35 59100 PRATO (PO)"
EMAIL = "x@example.it"
OFFICE_EMAIL = "amministrazione@prova.example.it"
SAMPLE = Path(__file__).parents[2] / "server_stub" / "samples" / "energia.csv"


def run(cli: CliFn, *args: str, **kwargs) -> Outcome:
    return cli(*args, tenant=TENANT, **kwargs)


def enrol(cli: CliFn, tmp_path: Path) -> None:
    csv_file = write_csv(tmp_path / "customers.csv", SAMPLE.read_text(encoding="utf-8"))
    result = run(cli, "clerk", "enroll", str(csv_file), env=clerk_env())
    assert result.exit_code == 0, result.stderr
    assert [r["status"] for r in result.json()] == ["created", "created"]


def register(
    cli: CliFn, *extra: str, customer: str = CUSTOMER, vat: str = VAT, email: str = EMAIL
) -> Outcome:
    args = ["auth", "register", "--customer-code", customer, "--vat", vat, "--email", email]
    return run(cli, *args, *extra)


def registered(cli: CliFn, stub, tmp_path: Path) -> str:
    """Enrol and register customer 000002; return the e-mailed first password."""
    enrol(cli, tmp_path)
    result = register(cli, "--yes")
    assert result.exit_code == 0, result.stderr
    return stub.control.last_email(EMAIL, kind="credentials").data["password"]


def as_customer(password: str) -> dict[str, str]:
    return {"FAMILYCARD_USERNAME": CUSTOMER, "FAMILYCARD_PASSWORD": password}


def logs_in(cli: CliFn, password: str) -> bool:
    result = run(cli, "auth", "whoami", env=as_customer(password))
    assert result.exit_code in (0, 3), result.stderr
    return result.exit_code == 0


# R5.1 ------------------------------------------------------------------------------


def test_r5_1_the_shown_name_and_address_must_be_confirmed(cli, stub, tmp_path):
    enrol(cli, tmp_path)
    result = register(cli)
    assert result.exit_code == 2
    error = result.error()
    assert error["code"] == "confirmation_required"
    assert NAME in error["message"]
    assert ADDRESS in error["message"]
    assert "--yes" in error["message"]
    assert error["details"]["shown_data"] == {"customer_name": NAME, "address": ADDRESS}
    assert result.stdout == ""
    assert stub.control.outbox() == []
    confirmed = register(cli, "--yes")
    assert confirmed.exit_code == 0, confirmed.stderr


def test_r5_1_once_confirmed_the_first_password_is_emailed(cli, stub, tmp_path):
    enrol(cli, tmp_path)
    result = register(cli, "--yes")
    assert result.exit_code == 0, result.stderr
    body = result.json()
    assert body["status"] == "active"
    assert body["username"] == CUSTOMER
    assert body["shown_data"] == {"customer_name": NAME, "address": ADDRESS}
    mails = stub.control.outbox(to=EMAIL)
    assert [m.kind for m in mails] == ["credentials"]
    password = mails[0].data["password"]
    assert password not in result.stdout + result.stderr
    assert stub.control.outbox(to=OFFICE_EMAIL) == []
    login = run(cli, "auth", "login", "--username", CUSTOMER, env={"FAMILYCARD_PASSWORD": password})
    assert login.exit_code == 0, login.stderr
    whoami = run(cli, "auth", "whoami")
    assert whoami.exit_code == 0, whoami.stderr
    account = whoami.json()
    assert account["customer_code"] == CUSTOMER
    assert account["email"] == EMAIL
    assert account["full_name"] == NAME
    assert sorted(account["members"]) == ["00881234567890", "IT001E12345678"]


def test_r5_1_a_vat_number_not_matching_the_customer_is_refused(cli, stub, tmp_path):
    enrol(cli, tmp_path)
    result = register(cli, "--yes", vat=sample_vat_number(7))
    assert result.exit_code == 4
    assert result.error()["code"] == "not_enrolled"
    assert NAME not in result.stderr
    assert stub.control.outbox() == []
    unknown = register(cli, "--yes", customer="000003")
    assert unknown.exit_code == 4
    assert unknown.error()["code"] == "not_enrolled"
    assert stub.control.outbox() == []


def test_r5_1_a_customer_not_enrolled_cannot_see_a_preview(cli, stub):
    result = register(cli)
    assert result.exit_code == 4
    assert result.error()["code"] == "not_enrolled"
    assert stub.control.outbox() == []


def test_r5_1_a_wrong_vat_check_digit_is_refused_before_sending(cli, stub, tmp_path):
    enrol(cli, tmp_path)
    result = register(cli, "--yes", vat="01234560042")
    assert result.exit_code == 2
    assert result.error()["code"] == "invalid_vat_number"
    assert "check digit" in result.error()["message"]
    assert stub.control.outbox() == []


def test_r5_1_a_customer_code_has_six_digits(cli, stub, tmp_path):
    enrol(cli, tmp_path)
    for code in ("00002", "0000002", "00000A"):
        result = register(cli, "--yes", customer=code)
        assert result.exit_code == 2, code
        assert result.error()["code"] == "invalid_customer_code"
    assert stub.control.outbox() == []


def test_r5_1_a_customer_registers_once(cli, stub, tmp_path):
    registered(cli, stub, tmp_path)
    again = register(cli, "--yes", email="y@example.it")
    assert again.exit_code == 4
    assert again.error()["code"] == "already_registered"
    assert stub.control.outbox(to="y@example.it") == []


def test_r5_1_login_is_with_the_customer_code(cli, stub, tmp_path):
    password = registered(cli, stub, tmp_path)
    assert logs_in(cli, password)
    by_vat = run(
        cli, "auth", "whoami", env={"FAMILYCARD_USERNAME": VAT, "FAMILYCARD_PASSWORD": password}
    )
    assert by_vat.exit_code == 3
    assert by_vat.error()["code"] == "authentication_failed"


# R5.2 ------------------------------------------------------------------------------


def test_r5_2_forgot_password_emails_a_new_one_and_the_old_stops_working(cli, stub, tmp_path):
    old = registered(cli, stub, tmp_path)
    result = run(cli, "auth", "forgot-password", "--customer-code", CUSTOMER)
    assert result.exit_code == 0, result.stderr
    mail = stub.control.last_email(EMAIL, kind="new_password")
    assert mail.data["username"] == CUSTOMER
    new = mail.data["password"]
    assert new != old
    assert not logs_in(cli, old)
    assert logs_in(cli, new)


def test_r5_2_recovery_does_not_tell_whether_a_customer_is_registered(cli, stub, tmp_path):
    registered(cli, stub, tmp_path)
    known = run(cli, "auth", "forgot-password", "--customer-code", CUSTOMER)
    unknown = run(cli, "auth", "forgot-password", "--customer-code", "000003")
    assert unknown.exit_code == 0, unknown.stderr
    assert unknown.json()["message"] == known.json()["message"]
    assert [m.kind for m in stub.control.outbox()] == ["credentials", "new_password"]


def test_r5_2_recovery_needs_the_customer_code(cli, stub, tmp_path):
    registered(cli, stub, tmp_path)
    result = run(cli, "auth", "forgot-password", "--username", CUSTOMER)
    assert result.exit_code == 2
    assert result.error()["code"] == "missing_field"
    assert "--customer-code" in result.error()["message"]
    assert [m.kind for m in stub.control.outbox()] == ["credentials"]


# R5.5 ------------------------------------------------------------------------------


def test_r5_5_the_password_can_be_changed(cli, stub, tmp_path):
    old = registered(cli, stub, tmp_path)
    result = run(
        cli,
        "auth",
        "change-password",
        "--password-stdin",
        env=as_customer(old),
        input="la-mia-password-2\n",
    )
    assert result.exit_code == 0, result.stderr
    assert "la-mia-password-2" not in result.stdout + result.stderr
    assert logs_in(cli, "la-mia-password-2")
    assert not logs_in(cli, old)


def test_r5_5_the_current_password_must_be_right(cli, stub, tmp_path):
    old = registered(cli, stub, tmp_path)
    login = run(cli, "auth", "login", "--username", CUSTOMER, env={"FAMILYCARD_PASSWORD": old})
    assert login.exit_code == 0, login.stderr
    result = run(
        cli,
        "auth",
        "change-password",
        "--password-stdin",
        env={"FAMILYCARD_PASSWORD": "not-the-password"},
        input="la-mia-password-2\n",
    )
    assert result.exit_code == 3
    assert result.error()["code"] == "authentication_failed"
    assert logs_in(cli, old)


def test_r5_5_a_short_password_is_refused_before_sending(cli, stub, tmp_path):
    old = registered(cli, stub, tmp_path)
    result = run(
        cli, "auth", "change-password", "--password-stdin", env=as_customer(old), input="short\n"
    )
    assert result.exit_code == 2
    assert result.error()["code"] == "weak_password"
    assert logs_in(cli, old)


# R5.6 ------------------------------------------------------------------------------


def test_r5_6_phone_fax_and_email_can_be_changed(cli, stub, tmp_path):
    env = as_customer(registered(cli, stub, tmp_path))
    result = run(
        cli,
        "profile",
        "update",
        "--phone",
        "+39 0574 123456",
        "--fax",
        "+39 0574 654321",
        "--email",
        "nuova@example.it",
        env=env,
    )
    assert result.exit_code == 0, result.stderr
    shown = run(cli, "profile", "show", env=env)
    assert shown.exit_code == 0, shown.stderr
    account = shown.json()
    assert account["phone"] == "+39 0574 123456"
    assert account["fax"] == "+39 0574 654321"
    assert account["email"] == "nuova@example.it"
    assert account["full_name"] == NAME
    # Recovery goes to the registered address (X3): now the new one.
    run(cli, "auth", "forgot-password", "--customer-code", CUSTOMER)
    assert stub.control.last_email("nuova@example.it", kind="new_password")
    assert [m.kind for m in stub.control.outbox(to=EMAIL)] == ["credentials"]


def test_r5_6_other_data_change_only_through_the_company(cli, stub, tmp_path):
    env = as_customer(registered(cli, stub, tmp_path))
    result = run(cli, "profile", "update", "--full-name", "ALTRA S.R.L.", env=env)
    assert result.exit_code == 2
    error = result.error()
    assert error["code"] == "field_not_editable"
    assert "full_name" in error["message"]
    for field in ("phone", "fax", "email"):
        assert field in error["message"]
    assert run(cli, "profile", "show", env=env).json()["full_name"] == NAME


def test_r5_6_a_refused_field_leaves_the_others_unchanged(cli, stub, tmp_path):
    env = as_customer(registered(cli, stub, tmp_path))
    result = run(
        cli, "profile", "update", "--full-name", "ALTRA S.R.L.", "--phone", "055 111", env=env
    )
    assert result.exit_code == 2
    assert result.error()["code"] == "field_not_editable"
    account = run(cli, "profile", "show", env=env).json()
    assert account["full_name"] == NAME
    assert account["phone"] is None


def test_r5_6_a_malformed_email_is_refused_before_sending(cli, stub, tmp_path):
    env = as_customer(registered(cli, stub, tmp_path))
    result = run(cli, "profile", "update", "--email", "not-an-address", env=env)
    assert result.exit_code == 2
    assert result.error()["code"] == "invalid_email"
    assert run(cli, "profile", "show", env=env).json()["email"] == EMAIL
