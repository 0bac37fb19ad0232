"""The entranext portal (sala-baganza) refuses on its own: R2.1-R2.2, X1, over raw HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from support_accounts import (
    GUARDIAN,
    GUARDIAN_EMAIL,
    OTHER_GUARDIAN,
    OTHER_GUARDIAN_EMAIL,
    Raw,
    entranext_form,
    entranext_user,
    ok,
    refused,
)


@pytest.fixture
def portal(familycard_stub: Any) -> Iterator[Raw]:
    with Raw(familycard_stub, "sala-baganza") as raw:
        yield raw


def issue_code(portal: Raw, guardian: str = GUARDIAN) -> str:
    code: str = ok(portal.post("/clerk/elevation-codes", clerk=True, json={"tax_code": guardian}))[
        "code"
    ]
    return code


# R2.1 Registration ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "fields"),
    [
        pytest.param({"username": "giuseppe"}, ["username"], id="username"),
        pytest.param({"password": "secret-pass-1"}, ["password"], id="password"),
    ],
)
def test_r2_1_the_username_is_the_tax_code_so_none_is_accepted(portal, extra, fields):
    error = refused(portal.register(**entranext_form(), **extra), 400, "unexpected_field")
    assert error["details"] == {"fields": fields}
    assert "tax code" in error["message"]
    assert portal.emails(GUARDIAN_EMAIL) == []


def test_r2_1_a_tax_code_registers_once(portal):
    ok(portal.register(**entranext_form()))
    again = portal.register(**entranext_form(email="other@example.it"))
    refused(again, 409, "already_registered")
    assert [m.kind for m in portal.emails(GUARDIAN_EMAIL)] == ["confirmation", "credentials"]
    assert portal.stub.control.outbox(to="other@example.it") == []


def test_r2_1_login_waits_for_the_confirmation_link(portal):
    ok(portal.register(**entranext_form()))
    password = portal.last(GUARDIAN_EMAIL, "credentials").data["password"]
    refused(portal.login(GUARDIAN, password), 401, "email_not_verified")
    # A wrong password says nothing about the registration's state.
    refused(portal.login(GUARDIAN, "wrong-pass"), 401, "authentication_failed")
    ok(portal.activate(portal.link_token(GUARDIAN_EMAIL, "confirmation")))
    assert portal.token(GUARDIAN.lower(), password)


def test_x1_a_confirmation_link_is_single_use(portal):
    ok(portal.register(**entranext_form()))
    token = portal.link_token(GUARDIAN_EMAIL, "confirmation")
    ok(portal.activate(token))
    refused(portal.activate(token), 422, "invalid_link")
    refused(portal.reset(token), 422, "invalid_link")
    # Nothing more was sent for the second use.
    assert [m.kind for m in portal.emails(GUARDIAN_EMAIL)] == ["confirmation", "credentials"]


def test_r2_1_an_unknown_link_is_refused(portal):
    refused(portal.activate("no-such-token"), 422, "invalid_link")


def test_r2_1_an_unconfirmed_registration_expires_after_72_hours(portal, familycard_stub):
    familycard_stub.control.set_clock("2026-03-02T08:00:00+01:00")
    ok(portal.register(**entranext_form()))
    password = portal.last(GUARDIAN_EMAIL, "credentials").data["password"]
    token = portal.link_token(GUARDIAN_EMAIL, "confirmation")
    familycard_stub.control.advance_clock("72h")  # the expiry instant itself is late
    refused(portal.activate(token), 422, "activation_expired")
    # The registration was deleted although the request was refused: register again.
    refused(portal.login(GUARDIAN, password), 401, "authentication_failed")
    assert ok(portal.register(**entranext_form()))["status"] == "pending_verification"


def test_r2_1_a_confirmation_link_works_until_72_hours(portal, familycard_stub):
    familycard_stub.control.set_clock("2026-03-02T08:00:00+01:00")
    ok(portal.register(**entranext_form()))
    familycard_stub.control.advance_clock("71h59m59s")
    token = portal.link_token(GUARDIAN_EMAIL, "confirmation")
    assert ok(portal.activate(token))["ok"] is True


def test_r2_1_forgot_password_needs_the_username(portal):
    entranext_user(portal)
    refused(
        portal.post("/auth/forgot-password", json={"email": GUARDIAN_EMAIL}), 400, "missing_field"
    )
    assert "new_password" not in [m.kind for m in portal.emails(GUARDIAN_EMAIL)]


# R2.2 Credential elevation -------------------------------------------------------------


def test_r2_2_a_wrong_elevation_code_is_refused_and_the_account_stays_low(portal):
    user = entranext_user(portal)
    issue_code(portal)
    refused(
        portal.post("/auth/elevate", token=user.token, json={"code": "AAAAA-BBBBB"}),
        422,
        "invalid_elevation_code",
    )
    assert portal.whoami(user.token)["elevated"] is False


def test_r2_2_an_elevation_code_is_single_use(portal):
    user = entranext_user(portal)
    code = issue_code(portal)
    assert ok(portal.post("/auth/elevate", token=user.token, json={"code": code}))["elevated"]
    refused(
        portal.post("/auth/elevate", token=user.token, json={"code": code}),
        422,
        "invalid_elevation_code",
    )


def test_r2_2_a_code_of_another_family_is_refused_and_stays_usable(portal):
    user = entranext_user(portal)
    other = entranext_user(portal, OTHER_GUARDIAN, OTHER_GUARDIAN_EMAIL)
    code = issue_code(portal, OTHER_GUARDIAN)
    refused(
        portal.post("/auth/elevate", token=user.token, json={"code": code}),
        422,
        "invalid_elevation_code",
    )
    assert portal.whoami(user.token)["elevated"] is False
    assert ok(portal.post("/auth/elevate", token=other.token, json={"code": code}))["elevated"]


def test_r2_2_elevation_needs_a_session(portal):
    entranext_user(portal)
    code = issue_code(portal)
    refused(portal.post("/auth/elevate", json={"code": code}), 401, "not_authenticated")
    # The code was not consumed.
    user_token = portal.token(GUARDIAN, portal.last(GUARDIAN_EMAIL, "credentials").data["password"])
    assert ok(portal.post("/auth/elevate", token=user_token, json={"code": code}))["elevated"]


def test_r2_1_the_entranext_profile_is_read_only(portal):
    user = entranext_user(portal)
    refused(
        portal.patch("/profile", token=user.token, json={"full_name": "G. Bianchi"}),
        400,
        "field_not_editable",
    )
    assert portal.whoami(user.token)["full_name"] == "Giuseppe Bianchi"
