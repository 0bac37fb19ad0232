"""The etelka portal (jaszbereny) refuses on its own: R3.1-R3.7, X1-X2, over raw HTTP.

Also the pages an e-mailed link opens (`/<tenant>/links/<token>`), which answer HTML.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from support_accounts import (
    EVA,
    NEW_PASSWORD,
    PASSWORD,
    PETER,
    Raw,
    etelka_form,
    etelka_row,
    etelka_user,
    ok,
    refused,
)

STRANGER = "idegen@example.hu"
DEFAULTS = {"cancellation": True, "order": True, "payment": True, "receipt": True, "board": False}


@pytest.fixture
def portal(familycard_stub: Any) -> Iterator[Raw]:
    familycard_stub.control.set_clock("2026-03-02T08:00:00+01:00")
    with Raw(familycard_stub, "jaszbereny") as raw:
        yield raw


def kinds(portal: Raw, to: str) -> list[str]:
    return [m.kind for m in portal.emails(to)]


def reset_link(portal: Raw, username: str = "eva") -> str:
    ok(portal.post("/auth/forgot-password", json={"username": username}))
    return portal.link_token(EVA, "password_reset")


# R3.1-R3.3 Registration ----------------------------------------------------------------


def test_r3_1_an_unrecorded_email_is_refused_and_nothing_is_stored(portal):
    portal.enrol(etelka_row(EVA))
    refused(portal.register(**etelka_form(STRANGER, "idegen")), 422, "not_enrolled")
    assert portal.stub.control.outbox(to=STRANGER) == []
    refused(portal.login("idegen", PASSWORD), 401, "authentication_failed")
    # The username was not taken by the refused attempt.
    assert ok(portal.register(**etelka_form(EVA, "idegen")))["username"] == "idegen"


@pytest.mark.parametrize("answer", ["robot", "", " STUB-"])
def test_x2_a_wrong_captcha_is_refused_and_nothing_is_stored(portal, answer):
    portal.enrol(etelka_row(EVA))
    form = etelka_form(captcha=answer)
    code = "missing_field" if not answer else "captcha_failed"
    refused(portal.register(**form), 400, code)
    assert kinds(portal, EVA) == ["invitation"]
    assert ok(portal.register(**etelka_form()))["status"] == "pending_activation"


def test_x2_the_captcha_answer_ignores_case_and_spaces(portal):
    portal.enrol(etelka_row(EVA))
    assert ok(portal.register(**etelka_form(captcha=" STUB ")))["status"] == "pending_activation"


def test_r3_2_registration_needs_the_terms_accepted(portal):
    portal.enrol(etelka_row(EVA))
    refused(portal.register(**etelka_form(accept_terms=False)), 400, "terms_not_accepted")
    assert kinds(portal, EVA) == ["invitation"]


@pytest.mark.parametrize(
    ("field", "code"),
    [
        pytest.param("full_name", "missing_field", id="full-name"),
        pytest.param("username", "missing_field", id="username"),
        pytest.param("password", "missing_field", id="password"),
    ],
)
def test_r3_2_the_stub_checks_the_registration_form(portal, field, code):
    portal.enrol(etelka_row(EVA))
    form = {k: v for k, v in etelka_form().items() if k != field}
    error = refused(portal.register(**form), 400, code)
    assert error["details"] == {"fields": [field]}
    assert kinds(portal, EVA) == ["invitation"]


def test_r3_3_one_account_per_email(portal):
    etelka_user(portal)
    refused(portal.register(**etelka_form(EVA, "eva2")), 409, "already_registered")
    assert kinds(portal, EVA) == ["invitation", "activation", "welcome"]
    refused(portal.login("eva2", PASSWORD), 401, "authentication_failed")


def test_r3_2_a_taken_username_is_refused(portal):
    portal.enrol(etelka_row(EVA), etelka_row(PETER))
    ok(portal.register(**etelka_form(EVA, "kovacs")))
    refused(portal.register(**etelka_form(PETER, "kovacs")), 409, "username_taken")
    assert kinds(portal, PETER) == ["invitation"]


# R3.2 Activation within 72 hours -------------------------------------------------------


def test_r3_2_login_before_activation_is_refused(portal):
    portal.enrol(etelka_row(EVA))
    ok(portal.register(**etelka_form()))
    refused(portal.login("eva", PASSWORD), 401, "account_not_activated")
    refused(portal.login("eva", "wrong-pass"), 401, "authentication_failed")


def test_r3_2_activation_link_after_72_hours_is_refused_and_registration_deleted(
    portal, familycard_stub
):
    portal.enrol(etelka_row(EVA))
    ok(portal.register(**etelka_form()))
    token = portal.link_token(EVA, "activation")
    # Valid for 72 hours: at the 72nd hour itself it has expired (has_passed).
    familycard_stub.control.advance_clock("72h")
    refused(portal.activate(token), 422, "activation_expired")
    # Deleted, not pending: the login no longer knows the username ...
    refused(portal.login("eva", PASSWORD), 401, "authentication_failed")
    # ... the link stays refused, and no welcome e-mail went out ...
    refused(portal.activate(token), 422, "activation_expired")
    assert kinds(portal, EVA) == ["invitation", "activation"]
    # ... and the registration starts over, e-mail and username free again.
    assert ok(portal.register(**etelka_form()))["status"] == "pending_activation"
    ok(portal.activate(portal.link_token(EVA, "activation")))
    assert portal.token("eva", PASSWORD)


def test_r3_2_an_expired_registration_is_deleted_by_a_new_registration(portal, familycard_stub):
    portal.enrol(etelka_row(EVA), etelka_row(PETER))
    ok(portal.register(**etelka_form(EVA, "kovacs")))
    familycard_stub.control.advance_clock("73h")
    # Without following its link: the expired registration no longer holds the username.
    assert ok(portal.register(**etelka_form(PETER, "kovacs")))["username"] == "kovacs"


def test_r3_2_activation_link_is_valid_for_72_hours(portal, familycard_stub):
    portal.enrol(etelka_row(EVA))
    ok(portal.register(**etelka_form()))
    familycard_stub.control.advance_clock("71h59m59s")
    ok(portal.activate(portal.link_token(EVA, "activation")))
    assert kinds(portal, EVA) == ["invitation", "activation", "welcome"]


def test_x1_an_activation_link_is_single_use(portal):
    etelka_user(portal)
    refused(portal.activate(portal.link_token(EVA, "activation")), 422, "invalid_link")
    assert kinds(portal, EVA) == ["invitation", "activation", "welcome"]


# R3.4 Sessions -------------------------------------------------------------------------


def test_r3_4_an_idle_session_times_out_and_is_ended(portal, familycard_stub):
    user = etelka_user(portal)
    familycard_stub.control.advance_clock("20m")
    portal.whoami(user.token)  # activity resets the timer
    familycard_stub.control.advance_clock("20m1s")
    refused(portal.get("/auth/whoami", token=user.token), 401, "session_expired")
    # The session was deleted although the request was refused.
    refused(portal.get("/auth/whoami", token=user.token), 401, "not_authenticated")


def test_r3_4_remember_me_keeps_the_session_beyond_the_idle_timeout(portal, familycard_stub):
    etelka_user(portal)
    token = portal.token("eva", PASSWORD, remember=True)
    familycard_stub.control.advance_clock("29d")
    portal.whoami(token)
    familycard_stub.control.advance_clock("30d1s")
    refused(portal.get("/auth/whoami", token=token), 401, "session_expired")


# R3.5 Password reminder ----------------------------------------------------------------


def test_x3_a_reminder_for_an_unknown_username_answers_the_same_and_sends_nothing(portal):
    etelka_user(portal)
    known = ok(portal.post("/auth/forgot-password", json={"username": "eva"}))
    unknown = ok(portal.post("/auth/forgot-password", json={"username": "senki"}))
    assert known["message"] == unknown["message"]
    assert kinds(portal, EVA).count("password_reset") == 1
    assert len(portal.stub.control.outbox(tenant="jaszbereny")) == 4


def test_x3_a_reminder_for_a_registration_not_activated_sends_nothing(portal):
    portal.enrol(etelka_row(EVA))
    ok(portal.register(**etelka_form()))
    ok(portal.post("/auth/forgot-password", json={"username": "eva"}))
    assert kinds(portal, EVA) == ["invitation", "activation"]


def test_r3_5_a_reset_link_after_24_hours_is_refused_and_the_password_stays(
    portal, familycard_stub
):
    etelka_user(portal)
    token = reset_link(portal)
    familycard_stub.control.advance_clock("24h1s")
    refused(portal.reset(token), 422, "link_expired")
    assert "new_password" not in kinds(portal, EVA)
    assert portal.token("eva", PASSWORD)


def test_r3_5_a_reset_link_is_single_use(portal):
    etelka_user(portal)
    token = reset_link(portal)
    ok(portal.reset(token))
    refused(portal.reset(token), 422, "invalid_link")
    assert kinds(portal, EVA).count("new_password") == 1
    temporary = portal.last(EVA, "new_password").data["password"]
    assert portal.token("eva", temporary)


def test_r3_5_an_activation_link_is_not_a_reset_link_and_back(portal):
    portal.enrol(etelka_row(EVA))
    ok(portal.register(**etelka_form()))
    activation = portal.link_token(EVA, "activation")
    refused(portal.reset(activation), 422, "invalid_link")
    assert "new_password" not in kinds(portal, EVA)
    ok(portal.activate(activation))
    refused(portal.activate(reset_link(portal)), 422, "invalid_link")
    assert portal.token("eva", PASSWORD)


def test_r3_5_the_new_password_must_be_changed_before_using_the_portal(portal):
    etelka_user(portal)
    ok(portal.reset(reset_link(portal)))
    temporary = portal.last(EVA, "new_password").data["password"]
    token = portal.token("eva", temporary)
    assert portal.whoami(token)["must_change_password"] is True
    refused(portal.get("/profile", token=token), 403, "password_change_required")
    refused(
        portal.patch("/profile", token=token, json={"phone": "+36 1 234 5678"}),
        403,
        "password_change_required",
    )
    assert portal.whoami(token)["phone"] is None
    change = {"old_password": temporary, "new_password": NEW_PASSWORD}
    ok(portal.post("/auth/change-password", token=token, json=change))
    assert ok(portal.get("/profile", token=token))["must_change_password"] is False


def test_r3_5_a_reset_link_of_a_deleted_profile_is_refused(portal):
    user = etelka_user(portal)
    token = reset_link(portal)
    ok(portal.delete("/profile", token=user.token))
    refused(portal.reset(token), 404, "account_not_found")
    assert "new_password" not in kinds(portal, EVA)


# R3.6 Profile --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "status", "code"),
    [
        pytest.param({"email": "uj@example.hu"}, 400, "field_not_editable", id="email"),
        pytest.param({"phone": "1", "fax": "2"}, 400, "field_not_editable", id="fax"),
        pytest.param({}, 400, "missing_field", id="nothing"),
    ],
)
def test_r3_6_the_email_cannot_be_changed_on_the_portal(portal, changes, status, code):
    user = etelka_user(portal)
    refused(portal.patch("/profile", token=user.token, json=changes), status, code)
    profile = ok(portal.get("/profile", token=user.token))
    assert (profile["email"], profile["phone"], profile["fax"]) == (EVA, None, None)


def test_r3_6_a_deleted_profile_ends_its_sessions(portal):
    user = etelka_user(portal)
    ok(portal.delete("/profile", token=user.token))
    refused(portal.get("/profile", token=user.token), 401, "not_authenticated")
    refused(portal.login("eva", PASSWORD), 401, "authentication_failed")


# R3.7 Notification settings ------------------------------------------------------------


@pytest.mark.parametrize(
    ("events", "status", "code"),
    [
        pytest.param({"payment": False}, 400, "notification_locked", id="payment-off"),
        pytest.param({"board": True, "payment": False}, 400, "notification_locked", id="mixed"),
        pytest.param({"board": True, "sms": True}, 400, "unknown_event", id="unknown-event"),
    ],
)
def test_r3_7_payment_notifications_cannot_be_switched_off(portal, events, status, code):
    user = etelka_user(portal)
    body = {"events": events}
    refused(portal.patch("/profile/notifications", token=user.token, json=body), status, code)
    settings = ok(portal.get("/profile/notifications", token=user.token))
    assert settings == {"events": DEFAULTS, "locked": ["payment"]}


# The pages e-mailed links open (X1) ----------------------------------------------------


def test_x1_the_page_of_an_unknown_or_used_link_is_not_found(portal):
    etelka_user(portal)
    used = portal.link_token(EVA, "activation")
    for token in ("no-such-token", used):
        page = portal.http.get(f"{portal.url}/links/{token}")
        assert page.status_code == 404
        assert "not valid or was already used" in page.text
        assert "<form" not in page.text


def test_r3_2_following_an_expired_link_on_its_page_is_refused_and_deletes(portal, familycard_stub):
    portal.enrol(etelka_row(EVA))
    ok(portal.register(**etelka_form()))
    token = portal.link_token(EVA, "activation")
    familycard_stub.control.advance_clock("73h")
    page = portal.http.post(f"{portal.url}/links/{token}")
    assert page.status_code == 422
    assert "expired" in page.text
    assert page.headers["content-type"].startswith("text/html")
    refused(portal.login("eva", PASSWORD), 401, "authentication_failed")
    assert kinds(portal, EVA) == ["invitation", "activation"]


def test_x1_following_a_used_reset_link_on_its_page_is_refused(portal):
    etelka_user(portal)
    token = reset_link(portal)
    assert portal.http.post(f"{portal.url}/links/{token}").status_code == 200
    again = portal.http.post(f"{portal.url}/links/{token}")
    assert again.status_code == 422
    assert kinds(portal, EVA).count("new_password") == 1
