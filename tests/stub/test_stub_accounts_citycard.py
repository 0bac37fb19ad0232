"""The citycard portal (tortona) refuses on its own: R1.1-R1.4, X3, over raw HTTP.

The SDK checks these forms before sending; here they are sent anyway, and each
refusal is checked for its status, its code, and that nothing was stored or sent.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from support_accounts import (
    ANNA,
    LUCA,
    MARIA,
    NEW_PASSWORD,
    PASSWORD,
    Raw,
    citycard_form,
    citycard_row,
    citycard_user,
    ok,
    refused,
)


@pytest.fixture
def portal(familycard_stub: Any) -> Iterator[Raw]:
    with Raw(familycard_stub, "tortona") as raw:
        yield raw


# R1.1-R1.2 Registration ----------------------------------------------------------------


def test_r1_2_an_unenrolled_child_is_refused_and_nothing_is_stored(portal):
    portal.enrol(citycard_row(MARIA))
    refused(portal.register(**citycard_form(LUCA, "anna.luca")), 422, "not_enrolled")
    assert portal.emails(ANNA, "pin") == []
    refused(portal.login("anna.luca", PASSWORD, pin="000000"), 401, "authentication_failed")
    # Neither the child nor the username was taken by the refused attempt.
    portal.enrol(citycard_row(LUCA))
    assert ok(portal.register(**citycard_form(LUCA, "anna.luca")))["status"] == "active"


def test_r1_1_a_child_is_registered_once(portal):
    portal.enrol(citycard_row(MARIA))
    ok(portal.register(**citycard_form(MARIA, "anna.maria")))
    refused(portal.register(**citycard_form(MARIA, "anna.maria2")), 409, "already_registered")
    assert [m.data["username"] for m in portal.emails(ANNA, "pin")] == ["anna.maria"]
    refused(portal.login("anna.maria2", PASSWORD, pin="000000"), 401, "authentication_failed")


def test_r1_1_a_username_serves_one_registration(portal):
    portal.enrol(citycard_row(MARIA), citycard_row(LUCA))
    ok(portal.register(**citycard_form(MARIA, "anna")))
    refused(portal.register(**citycard_form(LUCA, "anna")), 409, "username_taken")
    assert len(portal.emails(ANNA, "pin")) == 1
    # LUCA is still free to register, under another username.
    assert ok(portal.register(**citycard_form(LUCA, "anna.luca")))["username"] == "anna.luca"


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        pytest.param({"password": None}, 400, "missing_field", id="no-password"),
        pytest.param({"email": None}, 400, "missing_field", id="no-email"),
        pytest.param({"password": "short"}, 400, "weak_password", id="weak-password"),
        pytest.param({"password": "        "}, 400, "weak_password", id="blank-password"),
        pytest.param({"username": "an na"}, 400, "invalid_username", id="space-in-username"),
        pytest.param({"username": "an"}, 400, "invalid_username", id="short-username"),
        pytest.param({"email": "anna@"}, 400, "invalid_email", id="bad-email"),
        pytest.param({"tax_code": MARIA[:-1] + "A"}, 400, "invalid_tax_code", id="check-letter"),
        pytest.param({"full_name": "Anna Rossi"}, 400, "unexpected_field", id="full-name"),
        pytest.param({"customer_code": "123456"}, 400, "unexpected_field", id="customer-code"),
    ],
)
def test_r1_1_the_stub_checks_the_registration_form(portal, change, status, code):
    portal.enrol(citycard_row(MARIA))
    form = {k: v for k, v in {**citycard_form(), **change}.items() if v is not None}
    refused(portal.register(**form), status, code)
    assert portal.emails(ANNA) == []
    # The child is still free: the same registration, well formed, goes through.
    assert ok(portal.register(**citycard_form()))["status"] == "active"


def test_r1_1_an_unexpected_field_is_named_in_the_details(portal):
    error = refused(portal.register(**citycard_form(vat="01234560041")), 400, "unexpected_field")
    assert error["details"] == {"fields": ["vat"]}


# R1.3 Login needs the PIN --------------------------------------------------------------


def test_r1_3_a_login_without_the_pin_is_refused(portal):
    user = citycard_user(portal)
    refused(portal.login(user.username, PASSWORD), 401, "pin_required")
    refused(portal.login(user.username, PASSWORD, pin=""), 401, "pin_required")
    wrong = "1" + user.pin[1:] if user.pin[0] != "1" else "2" + user.pin[1:]
    refused(portal.login(user.username, PASSWORD, pin=wrong), 401, "authentication_failed")
    assert portal.token(user.username, PASSWORD, pin=user.pin)


def test_r1_3_failed_logins_lock_the_account_and_are_counted_although_refused(
    portal, familycard_stub
):
    familycard_stub.control.set_clock("2026-03-02T08:00:00+01:00")
    user = citycard_user(portal)
    for _ in range(5):
        refused(
            portal.login(user.username, "wrong-pass", pin=user.pin), 401, "authentication_failed"
        )
    # The right credentials now meet the lock (15 minutes, tortona.toml).
    locked = refused(portal.login(user.username, PASSWORD, pin=user.pin), 401, "account_locked")
    assert locked["details"]["locked_until"].startswith("2026-03-02T07:15:00")
    familycard_stub.control.advance_clock("15m")
    assert portal.token(user.username, PASSWORD, pin=user.pin)


def test_r1_3_a_good_login_clears_the_failure_count(portal, familycard_stub):
    familycard_stub.control.set_clock("2026-03-02T08:00:00+01:00")
    user = citycard_user(portal)
    for _ in range(4):
        refused(
            portal.login(user.username, "wrong-pass", pin=user.pin), 401, "authentication_failed"
        )
    portal.token(user.username, PASSWORD, pin=user.pin)
    refused(portal.login(user.username, "wrong-pass", pin=user.pin), 401, "authentication_failed")
    assert portal.token(user.username, PASSWORD, pin=user.pin)


# R1.4 and X3 Forgot password ---------------------------------------------------------


def test_x3_forgot_password_with_another_email_answers_the_same_and_sends_nothing(portal):
    user = citycard_user(portal)
    wrong = ok(
        portal.post(
            "/auth/forgot-password", json={"username": user.username, "email": "x@example.it"}
        )
    )
    unknown = ok(portal.post("/auth/forgot-password", json={"username": "nobody", "email": ANNA}))
    assert wrong["message"] == unknown["message"]
    assert [m.kind for m in portal.emails(ANNA)] == ["pin"]
    assert portal.stub.control.outbox(to="x@example.it") == []
    assert portal.token(user.username, PASSWORD, pin=user.pin)


def test_r1_4_forgot_password_needs_username_and_email(portal):
    user = citycard_user(portal)
    refused(
        portal.post("/auth/forgot-password", json={"username": user.username}), 400, "missing_field"
    )
    refused(portal.post("/auth/forgot-password", json={"email": ANNA}), 400, "missing_field")
    assert [m.kind for m in portal.emails(ANNA)] == ["pin"]


# Changing the password -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "status", "code"),
    [
        pytest.param("wrong-pass", NEW_PASSWORD, 401, "authentication_failed", id="wrong-old"),
        pytest.param(PASSWORD, "short", 400, "weak_password", id="weak-new"),
        pytest.param(PASSWORD, PASSWORD, 400, "password_reused", id="same"),
    ],
)
def test_a_password_change_is_refused_and_the_password_stays(portal, old, new, status, code):
    user = citycard_user(portal)
    change = {"old_password": old, "new_password": new}
    refused(portal.post("/auth/change-password", token=user.token, json=change), status, code)
    if new != PASSWORD:
        refused(portal.login(user.username, new, pin=user.pin), 401, "authentication_failed")
    assert portal.token(user.username, PASSWORD, pin=user.pin)


# Portal features a citycard lacks ------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "body", "feature"),
    [
        pytest.param("POST", "/auth/elevate", {"code": "ABCDE-FGHJK"}, "elevation", id="elevate"),
        pytest.param("POST", "/auth/accept-terms", None, "terms_consent", id="accept-terms"),
        pytest.param("DELETE", "/profile", None, "profile_delete", id="delete-profile"),
        pytest.param("GET", "/profile/notifications", None, "notifications", id="notifications"),
    ],
)
def test_a_feature_the_citycard_lacks_is_refused_and_the_account_stays(
    portal, method, path, body, feature
):
    user = citycard_user(portal)
    response = portal.request(method, path, token=user.token, json=body)
    error = refused(response, 400, "feature_not_supported")
    assert error["details"] == {"feature": feature, "kind": "citycard"}
    account = portal.whoami(user.token)
    assert (account["elevated"], account["status"]) == (False, "active")


def test_no_profile_field_can_be_changed_on_a_citycard(portal):
    user = citycard_user(portal)
    error = refused(
        portal.patch("/profile", token=user.token, json={"email": "n@example.it"}),
        400,
        "field_not_editable",
    )
    assert error["details"] == {"fields": ["email"]}
    assert portal.whoami(user.token)["email"] == ANNA
