"""Accounts on an etelka portal (jaszbereny): R3.1-R3.7 and X2, through the CLI over HTTP."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
from cli_support import CliFn, Outcome, clerk_env, write_csv

import familycard

TENANT = "jaszbereny"
EVA = "kovacs.eva@example.hu"
PETER = "kovacs.peter@example.hu"
STRANGER = "idegen@example.hu"
PASSWORD = "titkos-jelszo-1"
HEADER = "guardian_email,child_name,institution,age_group\n"
BENCE = "Kovács Bence"
LILI = "Kovács Lili"
DORA = "Kovács Dóra"
FAMILY = (
    HEADER
    + f"{EVA},{BENCE},Petőfi Általános Iskola,primary\n"
    + f"{EVA},{LILI},Kossuth Óvoda,kindergarten\n"
)
DEFAULTS = {"cancellation": True, "order": True, "payment": True, "receipt": True, "board": False}


# Helpers ---------------------------------------------------------------------------


def run(cli: CliFn, *args: str, **kwargs) -> Outcome:
    return cli(*args, tenant=TENANT, **kwargs)


def enrol(cli: CliFn, tmp_path: Path, text: str = FAMILY, name: str = "families.csv") -> Outcome:
    result = run(cli, "clerk", "enroll", str(write_csv(tmp_path / name, text)), env=clerk_env())
    assert result.exit_code == 0, result.stderr
    return result


def register(
    cli: CliFn,
    *,
    email: str = EVA,
    username: str = "eva",
    password: str = PASSWORD,
    captcha: str = "stub",
    accept_terms: bool = True,
) -> Outcome:
    args = ["auth", "register", "--email", email, "--full-name", "Kovács Éva"]
    args += ["--username", username, "--captcha", captcha]
    if accept_terms:
        args.append("--accept-terms")
    return run(cli, *args, env={"FAMILYCARD_PASSWORD": password})


def activation_link(stub, email: str = EVA) -> str:
    link: str = stub.control.last_email(email, kind="activation").data["link"]
    return link


def kinds(stub, email: str) -> list[str]:
    return [m.kind for m in stub.control.outbox(to=email)]


def creds(username: str = "eva", password: str = PASSWORD) -> dict[str, str]:
    return {"FAMILYCARD_USERNAME": username, "FAMILYCARD_PASSWORD": password}


def whoami(cli: CliFn, username: str = "eva", password: str = PASSWORD) -> Outcome:
    return run(cli, "auth", "whoami", env=creds(username, password))


def active_account(
    cli: CliFn, stub, tmp_path: Path, *, email: str = EVA, username: str = "eva"
) -> str:
    """Enrol the family, register, activate: the etelka story up to the first login."""
    if not stub.control.outbox(to=email):
        enrol(cli, tmp_path, FAMILY.replace(EVA, email), name=f"{username}.csv")
    registered = register(cli, email=email, username=username)
    assert registered.exit_code == 0, registered.stderr
    activated = run(cli, "auth", "activate", activation_link(stub, email))
    assert activated.exit_code == 0, activated.stderr
    return username


def sdk_client(stub) -> familycard.Client:
    return familycard.Client(stub.portal_url(TENANT))


def session_key(stub, username: str = "eva") -> tuple[str, str]:
    return ("familycard", f"{stub.portal_url(TENANT)}|{username}|session")


# R3.1 Only recorded parents register; they are invited once per address -----------


def test_r3_1_enrolment_invites_each_recorded_email_once(cli, stub, tmp_path):
    result = enrol(cli, tmp_path)
    assert [r["status"] for r in result.json()] == ["created", "created"]
    invitations = [m for m in stub.control.outbox(to=EVA) if m.kind == "invitation"]
    assert len(invitations) == 1
    assert invitations[0].data["link"] == stub.portal_url(TENANT)
    again = enrol(cli, tmp_path, FAMILY + f"{EVA},{DORA},Lehel Vezér Gimnázium,secondary\n")
    assert [r["status"] for r in again.json()] == ["exists", "exists", "created"]
    assert kinds(stub, EVA) == ["invitation"]


def test_r3_1_enrolment_checks_institution_and_age_group(cli, stub, tmp_path):
    text = (
        HEADER
        + f"{EVA},{BENCE},Petőfi Általános Iskola,primary\n"
        + f"{PETER},{LILI},Nemlétező Iskola,primary\n"
        + f"{STRANGER},{DORA},Lehel Vezér Gimnázium,university\n"
    )
    csv_file = write_csv(tmp_path / "mixed.csv", text)
    result = run(cli, "clerk", "enroll", str(csv_file), env=clerk_env())
    assert result.exit_code == 4
    rows = result.json()
    assert [r["status"] for r in rows] == ["created", "invalid", "invalid"]
    assert [r["error"]["code"] for r in rows[1:]] == ["unknown_institution", "unknown_age_group"]
    assert stub.control.outbox(to=PETER) == []
    assert stub.control.outbox(to=STRANGER) == []


def test_r3_1_an_unrecorded_email_cannot_register_and_nothing_is_created(cli, stub, tmp_path):
    enrol(cli, tmp_path)
    refused = register(cli, email=STRANGER, username="idegen")
    assert refused.exit_code == 4
    assert refused.error()["code"] == "not_enrolled"
    assert stub.control.outbox(to=STRANGER) == []
    login = run(cli, "auth", "login", "--username", "idegen", env={"FAMILYCARD_PASSWORD": PASSWORD})
    assert login.exit_code == 3
    assert login.error()["code"] == "authentication_failed"
    # The username was not taken by the refused attempt.
    assert register(cli, email=EVA, username="idegen").exit_code == 0


# X2 + R3.2 Registration, activation within 72 hours, summary e-mail ----------------


def test_r3_2_registration_sends_an_activation_link_and_login_waits_for_it(cli, stub, tmp_path):
    enrol(cli, tmp_path)
    result = register(cli)
    assert result.exit_code == 0, result.stderr
    assert result.json()["status"] == "pending_activation"
    assert result.json()["username"] == "eva"
    assert kinds(stub, EVA) == ["invitation", "activation"]
    assert activation_link(stub).startswith(stub.portal_url(TENANT))
    early = run(cli, "auth", "login", "--username", "eva", env={"FAMILYCARD_PASSWORD": PASSWORD})
    assert early.exit_code == 3
    assert early.error()["code"] == "account_not_activated"


def test_r3_2_activation_makes_the_account_active_and_sends_the_summary(cli, stub, tmp_path):
    enrol(cli, tmp_path)
    register(cli)
    activated = run(cli, "auth", "activate", activation_link(stub))
    assert activated.exit_code == 0, activated.stderr
    assert activated.json()["ok"] is True
    welcome = stub.control.last_email(EVA, kind="welcome")
    assert welcome.data["attachment"].endswith(".pdf")
    assert welcome.data["username"] == "eva"
    me = whoami(cli)
    assert me.exit_code == 0, me.stderr
    assert me.json()["status"] == "active"
    assert me.json()["full_name"] == "Kovács Éva"


def test_r3_2_the_activation_link_is_single_use(cli, stub, tmp_path):
    enrol(cli, tmp_path)
    register(cli)
    link = activation_link(stub)
    assert run(cli, "auth", "activate", link).exit_code == 0
    again = run(cli, "auth", "activate", link)
    assert again.exit_code == 4
    assert again.error()["code"] == "invalid_link"
    assert kinds(stub, EVA).count("welcome") == 1


def test_r3_2_password_can_come_from_stdin(cli, stub, tmp_path):
    enrol(cli, tmp_path)
    args = ["auth", "register", "--email", EVA, "--full-name", "Kovács Éva", "--username", "eva"]
    result = run(
        cli,
        *args,
        "--captcha",
        "stub",
        "--accept-terms",
        "--password-stdin",
        input="stdin-jelszo-9\n",
    )
    assert result.exit_code == 0, result.stderr
    assert "stdin-jelszo-9" not in result.stdout + result.stderr
    run(cli, "auth", "activate", activation_link(stub))
    assert whoami(cli, password="stdin-jelszo-9").exit_code == 0


def test_x2_r3_2_a_wrong_captcha_is_refused_and_nothing_is_created(cli, stub, tmp_path):
    enrol(cli, tmp_path)
    result = register(cli, captcha="42")
    assert result.exit_code == 2  # a wrong answer to the form: invalid input
    assert result.error()["code"] == "captcha_failed"
    assert kinds(stub, EVA) == ["invitation"]
    assert register(cli, captcha=" STUB ").exit_code == 0


def test_r3_2_terms_must_be_accepted_before_sending(cli, stub, tmp_path):
    enrol(cli, tmp_path)
    result = register(cli, accept_terms=False)
    assert result.exit_code == 2
    assert result.error()["code"] == "terms_not_accepted"
    assert kinds(stub, EVA) == ["invitation"]
    assert register(cli).exit_code == 0


def test_r3_2_the_portal_itself_refuses_a_form_without_the_terms(cli, stub, tmp_path):
    enrol(cli, tmp_path)
    form = {
        "email": EVA,
        "full_name": "Kovács Éva",
        "username": "eva",
        "password": PASSWORD,
        "captcha": "stub",
        "accept_terms": False,
    }
    response = httpx.post(f"{stub.portal_url(TENANT)}/v1/auth/register", json=form)
    assert response.status_code >= 400
    assert response.json()["error"]["code"] == "terms_not_accepted"
    assert kinds(stub, EVA) == ["invitation"]


def test_r3_2_an_activation_link_older_than_72_hours_deletes_the_registration(cli, stub, tmp_path):
    enrol(cli, tmp_path)
    register(cli, password="first-pass-1")
    link = activation_link(stub)
    stub.control.advance_clock("73h")
    late = run(cli, "auth", "activate", link)
    assert late.exit_code == 4
    assert late.error()["code"] == "activation_expired"
    gone = run(
        cli, "auth", "login", "--username", "eva", env={"FAMILYCARD_PASSWORD": "first-pass-1"}
    )
    assert gone.exit_code == 3
    assert gone.error()["code"] == "authentication_failed"
    # Start over with the same username and e-mail.
    again = register(cli)
    assert again.exit_code == 0, again.stderr
    assert run(cli, "auth", "activate", activation_link(stub)).exit_code == 0
    assert whoami(cli).exit_code == 0


def test_r3_2_an_unactivated_registration_is_gone_after_72_hours(cli, stub, tmp_path):
    enrol(cli, tmp_path)
    register(cli, password="first-pass-1")
    stub.control.advance_clock("73h")
    again = register(cli)
    assert again.exit_code == 0, again.stderr
    old_link, new_link = [
        m.data["link"] for m in stub.control.outbox(to=EVA) if m.kind == "activation"
    ]
    assert run(cli, "auth", "activate", old_link).exit_code == 4
    assert run(cli, "auth", "activate", new_link).exit_code == 0
    assert whoami(cli, password="first-pass-1").exit_code == 3
    assert whoami(cli).exit_code == 0


def test_r3_2_an_expired_registration_cannot_log_in(cli, stub, tmp_path):
    enrol(cli, tmp_path)
    register(cli)
    stub.control.advance_clock("73h")
    late = run(cli, "auth", "login", "--username", "eva", env={"FAMILYCARD_PASSWORD": PASSWORD})
    assert late.exit_code == 3
    assert late.error()["code"] == "authentication_failed"


def test_r3_2_the_activation_link_still_works_at_71_hours(cli, stub, tmp_path):
    enrol(cli, tmp_path)
    register(cli)
    stub.control.advance_clock("71h")
    result = run(cli, "auth", "activate", activation_link(stub))
    assert result.exit_code == 0, result.stderr
    assert whoami(cli).json()["status"] == "active"


# R3.3 One account per e-mail serves every child recorded with it -------------------


def test_r3_3_one_account_serves_all_children_even_those_enrolled_later(cli, stub, tmp_path):
    active_account(cli, stub, tmp_path)
    assert whoami(cli).json()["members"] == [BENCE, LILI]
    enrol(
        cli, tmp_path, HEADER + f"{EVA},{DORA},Lehel Vezér Gimnázium,secondary\n", name="later.csv"
    )
    assert whoami(cli).json()["members"] == [BENCE, DORA, LILI]
    assert kinds(stub, EVA).count("invitation") == 1


def test_r3_3_a_second_account_for_the_same_email_is_refused(cli, stub, tmp_path):
    active_account(cli, stub, tmp_path)
    second = register(cli, username="eva2")
    assert second.exit_code == 4
    assert second.error()["code"] == "already_registered"
    assert kinds(stub, EVA).count("activation") == 1
    nobody = run(cli, "auth", "login", "--username", "eva2", env={"FAMILYCARD_PASSWORD": PASSWORD})
    assert nobody.error()["code"] == "authentication_failed"


def test_r3_3_a_child_recorded_under_both_parents_is_reached_from_both_accounts(
    cli, stub, tmp_path
):
    enrol(
        cli,
        tmp_path,
        HEADER
        + f"{EVA},{BENCE},Petőfi Általános Iskola,primary\n"
        + f"{PETER},{BENCE},Petőfi Általános Iskola,primary\n"
        + f"{PETER},{DORA},Lehel Vezér Gimnázium,secondary\n",
    )
    active_account(cli, stub, tmp_path, email=EVA, username="eva")
    active_account(cli, stub, tmp_path, email=PETER, username="peter")
    assert whoami(cli, "eva").json()["members"] == [BENCE]
    assert whoami(cli, "peter").json()["members"] == [BENCE, DORA]


# R3.4 Login, remember me, idle timeout --------------------------------------------


def test_r3_4_login_with_username_and_password(cli, stub, tmp_path, memory_keyring):
    active_account(cli, stub, tmp_path)
    wrong = run(
        cli, "auth", "login", "--username", "eva", env={"FAMILYCARD_PASSWORD": "rossz-jelszo"}
    )
    assert wrong.exit_code == 3
    assert wrong.error()["code"] == "authentication_failed"
    result = run(cli, "auth", "login", "--username", "eva", env={"FAMILYCARD_PASSWORD": PASSWORD})
    assert result.exit_code == 0, result.stderr
    shown = result.json()
    assert shown["username"] == "eva"
    assert "token" not in shown
    assert PASSWORD not in result.stdout + result.stderr
    now = stub.control.clock().now
    assert datetime.fromisoformat(shown["expires_at"]) - now <= timedelta(minutes=20)
    assert session_key(stub) in memory_keyring.items


def test_r3_4_remember_me_keeps_the_session_for_days(cli, stub, tmp_path, memory_keyring):
    active_account(cli, stub, tmp_path)
    login = run(
        cli,
        "auth",
        "login",
        "--username",
        "eva",
        "--remember",
        env={"FAMILYCARD_PASSWORD": PASSWORD},
    )
    assert login.exit_code == 0, login.stderr
    now = stub.control.clock().now
    assert datetime.fromisoformat(login.json()["expires_at"]) - now > timedelta(days=29)
    token = memory_keyring.items[session_key(stub)]
    stub.control.advance_clock("2h")
    me = run(cli, "auth", "whoami")
    assert me.exit_code == 0, me.stderr
    assert me.json()["username"] == "eva"
    assert memory_keyring.items[session_key(stub)] == token  # the same session, no new login


def test_r3_4_remember_me_session_survives_two_idle_hours_in_the_sdk(cli, stub, tmp_path):
    active_account(cli, stub, tmp_path)
    with sdk_client(stub) as remembered, sdk_client(stub) as plain:
        remembered.auth.login("eva", PASSWORD, remember=True)
        plain.auth.login("eva", PASSWORD)
        stub.control.advance_clock("2h")
        assert remembered.auth.whoami().username == "eva"
        with pytest.raises(familycard.AuthenticationFailed) as caught:
            plain.auth.whoami()
        assert caught.value.code == "session_expired"


def test_r3_4_an_idle_session_times_out_and_the_cli_logs_in_again_from_the_keyring(
    cli, stub, tmp_path, memory_keyring
):
    active_account(cli, stub, tmp_path)
    login = run(cli, "auth", "login", "--username", "eva", env={"FAMILYCARD_PASSWORD": PASSWORD})
    assert login.exit_code == 0, login.stderr
    first_token = memory_keyring.items[session_key(stub)]
    stub.control.advance_clock("21m")
    me = run(cli, "auth", "whoami")
    assert me.exit_code == 0, me.stderr
    assert me.json()["username"] == "eva"
    assert memory_keyring.items[session_key(stub)] != first_token  # logged in again
    # The old session is over on the portal.
    with sdk_client(stub) as client:
        client.session_token = first_token
        with pytest.raises(familycard.AuthenticationFailed):
            client.auth.whoami()


def test_r3_4_a_timed_out_session_without_a_saved_password_fails_with_a_message(
    cli, stub, tmp_path, memory_keyring
):
    active_account(cli, stub, tmp_path)
    login = run(cli, "auth", "login", "--username", "eva", env={"FAMILYCARD_PASSWORD": PASSWORD})
    assert login.exit_code == 0, login.stderr
    password_key = ("familycard", f"{stub.portal_url(TENANT)}|eva|password")
    del memory_keyring.items[password_key]
    assert run(cli, "auth", "whoami").exit_code == 0
    stub.control.advance_clock("21m")
    me = run(cli, "auth", "whoami")
    assert me.exit_code == 3
    error = me.error()
    assert error["code"] == "not_logged_in"
    assert "auth login" in error["message"]
    human = run(cli, "auth", "whoami", json=False)
    assert human.exit_code == 3
    assert "auth login" in human.stderr
    assert "Traceback" not in human.stderr


def test_r3_4_activity_resets_the_idle_timer(cli, stub, tmp_path):
    active_account(cli, stub, tmp_path)
    with sdk_client(stub) as client:
        client.auth.login("eva", PASSWORD)
        token = client.session_token
        stub.control.advance_clock("15m")
        assert client.auth.whoami().username == "eva"
        stub.control.advance_clock("15m")
        assert client.auth.whoami().username == "eva"  # 30 minutes after login, 15 idle
        assert client.session_token == token
        stub.control.advance_clock("21m")
        with pytest.raises(familycard.AuthenticationFailed) as caught:
            client.auth.whoami()
        assert caught.value.code == "session_expired"


def test_r3_4_cli_activity_resets_the_idle_timer_of_the_saved_session(
    cli, stub, tmp_path, memory_keyring
):
    active_account(cli, stub, tmp_path)
    run(cli, "auth", "login", "--username", "eva", env={"FAMILYCARD_PASSWORD": PASSWORD})
    token = memory_keyring.items[session_key(stub)]
    for _ in range(3):
        stub.control.advance_clock("15m")
        assert run(cli, "profile", "show").exit_code == 0
    assert memory_keyring.items[session_key(stub)] == token


# R3.5 Password reminder: link, new password, change at next login -----------------


def test_r3_5_forgot_password_sends_a_link_and_changes_nothing_yet(cli, stub, tmp_path):
    active_account(cli, stub, tmp_path)
    result = run(cli, "auth", "forgot-password", "--username", "eva")
    assert result.exit_code == 0, result.stderr
    mail = stub.control.last_email(EVA, kind="password_reset")
    assert mail.data["link"].startswith(stub.portal_url(TENANT))
    assert "new_password" not in kinds(stub, EVA)
    assert whoami(cli).exit_code == 0


def test_r3_5_an_unknown_username_gets_the_same_answer_and_no_email(cli, stub, tmp_path):
    active_account(cli, stub, tmp_path)
    before = stub.control.outbox()
    known = run(cli, "auth", "forgot-password", "--username", "eva")
    unknown = run(cli, "auth", "forgot-password", "--username", "nincs-ilyen")
    assert unknown.exit_code == 0
    assert unknown.json()["message"] == known.json()["message"]
    assert len(stub.control.outbox()) == len(before) + 1


def test_r3_5_the_link_emails_a_temporary_password_that_must_be_changed(cli, stub, tmp_path):
    active_account(cli, stub, tmp_path)
    run(cli, "auth", "forgot-password", "--username", "eva")
    link = stub.control.last_email(EVA, kind="password_reset").data["link"]
    reset = run(cli, "auth", "reset", link)
    assert reset.exit_code == 0, reset.stderr
    temporary = stub.control.last_email(EVA, kind="new_password").data["password"]
    reused = run(cli, "auth", "reset", link)
    assert reused.exit_code == 4
    assert reused.error()["code"] == "invalid_link"
    assert kinds(stub, EVA).count("new_password") == 1

    old = whoami(cli)
    assert old.exit_code == 3
    assert old.error()["code"] == "authentication_failed"
    login = run(cli, "auth", "login", "--username", "eva", env={"FAMILYCARD_PASSWORD": temporary})
    assert login.exit_code == 0, login.stderr
    assert login.json()["must_change_password"] is True
    me = whoami(cli, password=temporary)
    assert me.exit_code == 0
    assert me.json()["must_change_password"] is True
    for command in (("profile", "show"), ("profile", "notifications")):
        blocked = run(cli, *command, env=creds(password=temporary))
        assert blocked.exit_code == 3, command
        assert blocked.error()["code"] == "password_change_required"

    changed = run(
        cli,
        "auth",
        "change-password",
        "--password-stdin",
        env=creds(password=temporary),
        input="sajat-uj-jelszo-7\n",
    )
    assert changed.exit_code == 0, changed.stderr
    assert whoami(cli, password=temporary).exit_code == 3
    shown = run(cli, "profile", "show", env=creds(password="sajat-uj-jelszo-7"))
    assert shown.exit_code == 0, shown.stderr
    assert shown.json()["must_change_password"] is False


# R3.6 Profile: name and phone editable, e-mail not; password; delete --------------


def test_r3_6_full_name_and_phone_can_change(cli, stub, tmp_path):
    active_account(cli, stub, tmp_path)
    result = run(
        cli,
        "profile",
        "update",
        "--full-name",
        "Kovácsné Nagy Éva",
        "--phone",
        "+36 30 123 4567",
        env=creds(),
    )
    assert result.exit_code == 0, result.stderr
    shown = run(cli, "profile", "show", env=creds()).json()
    assert shown["full_name"] == "Kovácsné Nagy Éva"
    assert shown["phone"] == "+36 30 123 4567"
    assert shown["email"] == EVA


def test_r3_6_the_email_cannot_change_and_is_refused_before_sending(cli, stub, tmp_path):
    active_account(cli, stub, tmp_path)
    result = run(cli, "profile", "update", "--email", "uj.cim@example.hu", env=creds())
    assert result.exit_code == 2
    error = result.error()
    assert error["code"] == "field_not_editable"
    assert error["details"]["fields"] == ["email"]
    assert run(cli, "profile", "show", env=creds()).json()["email"] == EVA


def test_r3_6_the_portal_itself_refuses_an_email_change(cli, stub, tmp_path):
    active_account(cli, stub, tmp_path)
    with sdk_client(stub) as client:
        client.auth.login("eva", PASSWORD)
        headers = {"Authorization": f"Bearer {client.session_token}"}
        response = httpx.patch(
            f"{stub.portal_url(TENANT)}/v1/profile",
            json={"email": "uj.cim@example.hu"},
            headers=headers,
        )
        assert response.status_code >= 400
        assert response.json()["error"]["code"] == "field_not_editable"
        assert client.profile.show().email == EVA


def test_r3_6_change_password_stops_the_old_one(cli, stub, tmp_path):
    active_account(cli, stub, tmp_path)
    result = run(
        cli,
        "auth",
        "change-password",
        env={**creds(), "FAMILYCARD_NEW_PASSWORD": "masik-jelszo-2"},
    )
    assert result.exit_code == 0, result.stderr
    old = whoami(cli)
    assert old.exit_code == 3
    assert old.error()["code"] == "authentication_failed"
    assert whoami(cli, password="masik-jelszo-2").exit_code == 0


def test_r3_6_change_password_updates_the_keyring_for_later_logins(
    cli, stub, tmp_path, memory_keyring
):
    active_account(cli, stub, tmp_path)
    run(cli, "auth", "login", "--username", "eva", env={"FAMILYCARD_PASSWORD": PASSWORD})
    changed = run(cli, "auth", "change-password", "--password-stdin", input="masik-jelszo-2\n")
    assert changed.exit_code == 0, changed.stderr
    assert "masik-jelszo-2" in memory_keyring.items.values()
    stub.control.advance_clock("21m")
    assert run(cli, "auth", "whoami").exit_code == 0  # logged in again with the new one
    assert whoami(cli).exit_code == 3


def test_r3_6_a_user_deletes_their_own_profile(cli, stub, tmp_path):
    active_account(cli, stub, tmp_path)
    result = run(cli, "profile", "delete", "--yes", env=creds())
    assert result.exit_code == 0, result.stderr
    login = run(cli, "auth", "login", "--username", "eva", env={"FAMILYCARD_PASSWORD": PASSWORD})
    assert login.exit_code == 3
    assert login.error()["code"] == "authentication_failed"
    # The recorded e-mail can register afresh (the guide's way to change address).
    assert register(cli, username="eva.uj").exit_code == 0


def test_r3_6_deleting_needs_yes_when_not_interactive(cli, stub, tmp_path):
    active_account(cli, stub, tmp_path)
    result = run(cli, "profile", "delete", env=creds())
    assert result.exit_code == 2
    assert result.error()["code"] == "confirmation_required"
    assert whoami(cli).exit_code == 0


# R3.7 Notification settings --------------------------------------------------------


def notifications(cli: CliFn, *args: str) -> Outcome:
    return run(cli, "profile", "notifications", *args, env=creds())


def test_r3_7_notification_settings_list_events_with_payment_locked(cli, stub, tmp_path):
    active_account(cli, stub, tmp_path)
    result = notifications(cli)
    assert result.exit_code == 0, result.stderr
    assert result.json() == {"events": DEFAULTS, "locked": ["payment"]}


def test_r3_7_events_can_be_switched_on_and_off(cli, stub, tmp_path):
    active_account(cli, stub, tmp_path)
    result = notifications(cli, "--set", "board=on", "--set", "order=off")
    assert result.exit_code == 0, result.stderr
    expected = {**DEFAULTS, "board": True, "order": False}
    assert result.json()["events"] == expected
    assert notifications(cli).json()["events"] == expected


def test_r3_7_payment_notifications_cannot_be_switched_off(cli, stub, tmp_path):
    active_account(cli, stub, tmp_path)
    result = notifications(cli, "--set", "board=on", "--set", "payment=off")
    assert result.exit_code == 2
    assert result.error()["code"] == "notification_locked"
    assert notifications(cli).json()["events"] == DEFAULTS


def test_r3_7_the_portal_itself_keeps_payment_notifications_on(cli, stub, tmp_path):
    active_account(cli, stub, tmp_path)
    with sdk_client(stub) as client:
        client.auth.login("eva", PASSWORD)
        response = httpx.patch(
            f"{stub.portal_url(TENANT)}/v1/profile/notifications",
            json={"events": {"payment": False}},
            headers={"Authorization": f"Bearer {client.session_token}"},
        )
        assert response.status_code >= 400
        assert response.json()["error"]["code"] == "notification_locked"
        assert client.profile.notifications().events == DEFAULTS


def test_r3_7_unknown_events_and_values_are_refused(cli, stub, tmp_path):
    active_account(cli, stub, tmp_path)
    unknown = notifications(cli, "--set", "weather=on")
    assert unknown.exit_code == 2
    assert unknown.error()["code"] == "unknown_event"
    bad_value = notifications(cli, "--set", "board=maybe")
    assert bad_value.exit_code == 2
    assert bad_value.error()["code"] == "invalid_setting"
    assert notifications(cli).json()["events"] == DEFAULTS


def test_r3_7_restore_defaults(cli, stub, tmp_path):
    active_account(cli, stub, tmp_path)
    notifications(cli, "--set", "board=on", "--set", "order=off", "--set", "receipt=off")
    result = notifications(cli, "--restore-defaults")
    assert result.exit_code == 0, result.stderr
    assert result.json() == {"events": DEFAULTS, "locked": ["payment"]}
    assert notifications(cli).json()["events"] == DEFAULTS
