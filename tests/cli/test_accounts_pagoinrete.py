"""Accounts on the ministry's pagoinrete portal: R4.1-R4.3 and X2, through the CLI over HTTP."""

from __future__ import annotations

from cli_support import CliFn, Outcome

TENANT = "pagoinrete"
# The account the tenant's config says exists on the ministry's other service (R4.1).
KNOWN = "CNTLGU79B12F205D"
KNOWN_EMAIL = "luigi.conti@example.it"
KNOWN_USERNAME = "lconti"
PAOLA = "VRDPLA82M41L219E"
EMAIL = "paola.verdi@example.it"
NEW_PASSWORD = "nuova-password-1"


def run(cli: CliFn, *args: str, **kwargs) -> Outcome:
    return cli(*args, tenant=TENANT, **kwargs)


def register(
    cli: CliFn,
    tax_code: str = PAOLA,
    *,
    captcha: str = "stub",
    email: str = EMAIL,
    accept_terms: bool = True,
) -> Outcome:
    args = ["auth", "register", "--tax-code", tax_code, "--captcha", captcha]
    args += ["--full-name", "Paola Verdi", "--email", email]
    if accept_terms:
        args.append("--accept-terms")
    return run(cli, *args)


def registered(cli: CliFn, stub) -> tuple[str, str]:
    """Register and verify the address; return the e-mailed username and temporary password."""
    result = register(cli)
    assert result.exit_code == 0, result.stderr
    link = stub.control.last_email(EMAIL, kind="verification").data["link"]
    activated = run(cli, "auth", "activate", link)
    assert activated.exit_code == 0, activated.stderr
    mail = stub.control.last_email(EMAIL, kind="credentials")
    return mail.data["username"], mail.data["password"]


def as_user(username: str, password: str) -> dict[str, str]:
    return {"FAMILYCARD_USERNAME": username, "FAMILYCARD_PASSWORD": password}


# R4.1 ------------------------------------------------------------------------------


def test_r4_1_a_tax_code_with_an_account_is_told_its_credentials_serve(cli, stub):
    result = register(cli, KNOWN, email="luigi.nuovo@example.it")
    assert result.exit_code == 4
    error = result.error()
    assert error["code"] == "already_registered"
    assert "same credentials" in error["message"]
    assert "forgot-password" in error["message"]
    assert stub.control.outbox() == []


def test_r4_1_forgotten_credentials_go_to_the_existing_accounts_email(cli, stub):
    result = run(cli, "auth", "forgot-password", "--tax-code", KNOWN)
    assert result.exit_code == 0, result.stderr
    assert [m.to for m in stub.control.outbox()] == [KNOWN_EMAIL]
    mail = stub.control.last_email(KNOWN_EMAIL, kind="password_reset")
    assert mail.data["username"] == KNOWN_USERNAME
    reset = run(cli, "auth", "reset", mail.data["link"])
    assert reset.exit_code == 0, reset.stderr
    new = stub.control.last_email(KNOWN_EMAIL, kind="new_password").data["password"]
    login = run(
        cli, "auth", "login", "--username", KNOWN_USERNAME, env={"FAMILYCARD_PASSWORD": new}
    )
    assert login.exit_code == 0, login.stderr
    assert login.json()["must_change_password"] is True
    again = run(cli, "auth", "reset", mail.data["link"])
    assert again.exit_code == 4
    assert again.error()["code"] == "invalid_link"


def test_r4_1_recovery_does_not_tell_whether_an_account_exists(cli, stub):
    known = run(cli, "auth", "forgot-password", "--tax-code", KNOWN)
    unknown = run(cli, "auth", "forgot-password", "--tax-code", PAOLA)
    assert unknown.exit_code == 0, unknown.stderr
    assert unknown.json()["message"] == known.json()["message"]
    assert [m.to for m in stub.control.outbox()] == [KNOWN_EMAIL]


def test_r4_1_recovery_needs_the_tax_code(cli, stub):
    result = run(cli, "auth", "forgot-password", "--username", KNOWN_USERNAME)
    assert result.exit_code == 2
    error = result.error()
    assert error["code"] == "missing_field"
    assert "--tax-code" in error["message"]
    assert stub.control.outbox() == []


# X2 --------------------------------------------------------------------------------


def test_x2_a_wrong_anti_bot_answer_is_refused_and_nothing_is_created(cli, stub):
    wrong = register(cli, captcha="robot")
    assert wrong.exit_code == 2  # a wrong answer to the form: invalid input
    assert wrong.error()["code"] == "captcha_failed"
    assert stub.control.outbox() == []
    right = register(cli, captcha=" STUB ")
    assert right.exit_code == 0, right.stderr
    assert [m.kind for m in stub.control.outbox(to=EMAIL)] == ["verification"]


def test_x2_the_anti_bot_answer_is_required(cli, stub):
    result = run(
        cli,
        "auth",
        "register",
        "--tax-code",
        PAOLA,
        "--full-name",
        "Paola Verdi",
        "--email",
        EMAIL,
        "--accept-terms",
    )
    assert result.exit_code == 2
    assert result.error()["code"] == "missing_field"
    assert "--captcha" in result.error()["message"]
    assert stub.control.outbox() == []


# R4.2 ------------------------------------------------------------------------------


def test_r4_2_the_address_is_verified_then_the_credentials_are_sent(cli, stub):
    result = register(cli)
    assert result.exit_code == 0, result.stderr
    assert result.json()["status"] == "pending_verification"
    mails = stub.control.outbox(to=EMAIL)
    assert [(m.subject, m.kind) for m in mails] == [("Conferma registrazione", "verification")]
    link = mails[0].data["link"]
    activated = run(cli, "auth", "activate", link)
    assert activated.exit_code == 0, activated.stderr
    mails = stub.control.outbox(to=EMAIL)
    assert [(m.subject, m.kind) for m in mails][1:] == [("Creazione utenza", "credentials")]
    username, password = mails[1].data["username"], mails[1].data["password"]
    assert username and password
    login = run(cli, "auth", "login", "--username", username, env={"FAMILYCARD_PASSWORD": password})
    assert login.exit_code == 0, login.stderr
    assert login.json()["username"] == username


def test_r4_2_the_verification_link_is_single_use(cli, stub):
    register(cli)
    link = stub.control.last_email(EMAIL, kind="verification").data["link"]
    assert run(cli, "auth", "activate", link).exit_code == 0
    again = run(cli, "auth", "activate", link)
    assert again.exit_code == 4
    assert again.error()["code"] == "invalid_link"
    assert len(stub.control.outbox(to=EMAIL, tenant=TENANT)) == 2


def test_r4_2_the_terms_must_be_accepted_before_anything_is_sent(cli, stub):
    result = register(cli, accept_terms=False)
    assert result.exit_code == 2
    assert result.error()["code"] == "terms_not_accepted"
    assert "--accept-terms" in result.error()["message"]
    assert stub.control.outbox() == []
    assert register(cli).exit_code == 0


def test_r4_2_a_malformed_tax_code_is_refused_before_sending(cli, stub):
    result = register(cli, "VRDPLA82M41L219X")
    assert result.exit_code == 2
    assert result.error()["code"] == "invalid_tax_code"
    assert stub.control.outbox() == []


def test_r4_2_registering_twice_is_refused(cli, stub):
    registered(cli, stub)
    again = register(cli, email="paola.altra@example.it")
    assert again.exit_code == 4
    assert again.error()["code"] == "already_registered"
    assert stub.control.outbox(to="paola.altra@example.it") == []


# R4.3 ------------------------------------------------------------------------------


def test_r4_3_the_first_login_forces_a_password_change_then_the_terms(cli, stub):
    username, temporary = registered(cli, stub)
    login = run(
        cli, "auth", "login", "--username", username, env={"FAMILYCARD_PASSWORD": temporary}
    )
    assert login.exit_code == 0, login.stderr
    assert login.json()["must_change_password"] is True
    assert login.json()["terms_accepted"] is False
    first = as_user(username, temporary)
    for call in (("profile", "show"), ("payments", "list")):
        blocked = run(cli, *call, env=first)
        assert blocked.exit_code == 3, call
        assert blocked.error()["code"] == "password_change_required"

    changed = run(
        cli, "auth", "change-password", "--password-stdin", env=first, input=f"{NEW_PASSWORD}\n"
    )
    assert changed.exit_code == 0, changed.stderr
    assert "accept-terms" in changed.json()["message"]
    assert run(cli, "auth", "whoami", env=first).exit_code == 3
    after = as_user(username, NEW_PASSWORD)
    blocked = run(cli, "profile", "show", env=after)
    assert blocked.exit_code == 3
    assert blocked.error()["code"] == "terms_not_accepted"

    accepted = run(cli, "auth", "accept-terms", env=after)
    assert accepted.exit_code == 0, accepted.stderr
    assert accepted.json()["terms_accepted"] is True
    assert accepted.json()["must_change_password"] is False
    shown = run(cli, "profile", "show", env=after)
    assert shown.exit_code == 0, shown.stderr
    assert shown.json()["tax_code"] == PAOLA
    assert run(cli, "payments", "list", env=after).exit_code == 0
    # Accepting again: the state asked for holds already, which is no error.
    again = run(cli, "auth", "accept-terms", env=after, json=False)
    assert again.exit_code == 0, again.stderr
    assert "accepted already" in again.stdout


def test_r4_3_the_terms_cannot_be_accepted_before_the_password_change(cli, stub):
    username, temporary = registered(cli, stub)
    env = as_user(username, temporary)
    early = run(cli, "auth", "accept-terms", env=env)
    assert early.exit_code == 3
    assert early.error()["code"] == "password_change_required"
    whoami = run(cli, "auth", "whoami", env=env)
    assert whoami.json()["terms_accepted"] is False
    assert whoami.json()["must_change_password"] is True


def test_r4_3_the_consent_is_asked_once(cli, stub):
    username, temporary = registered(cli, stub)
    run(
        cli,
        "auth",
        "change-password",
        "--password-stdin",
        env=as_user(username, temporary),
        input=f"{NEW_PASSWORD}\n",
    )
    env = as_user(username, NEW_PASSWORD)
    assert run(cli, "auth", "accept-terms", env=env).exit_code == 0
    login = run(
        cli, "auth", "login", "--username", username, env={"FAMILYCARD_PASSWORD": NEW_PASSWORD}
    )
    assert login.exit_code == 0, login.stderr
    assert login.json()["must_change_password"] is False
    assert login.json()["terms_accepted"] is True
    assert run(cli, "profile", "show").exit_code == 0


def test_r4_3_the_new_password_must_differ_from_the_temporary_one(cli, stub):
    username, temporary = registered(cli, stub)
    env = as_user(username, temporary)
    same = run(cli, "auth", "change-password", "--password-stdin", env=env, input=f"{temporary}\n")
    assert same.exit_code == 2
    assert same.error()["code"] == "password_reused"
    weak = run(cli, "auth", "change-password", "--password-stdin", env=env, input="short\n")
    assert weak.exit_code == 2
    assert weak.error()["code"] == "weak_password"
    assert run(cli, "auth", "whoami", env=env).json()["must_change_password"] is True
