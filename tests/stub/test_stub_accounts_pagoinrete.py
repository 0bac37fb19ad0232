"""The ministry's pagoinrete portal refuses on its own: R4.1-R4.3, X2-X3, over raw HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from support_accounts import (
    KNOWN,
    KNOWN_EMAIL,
    NEW_PASSWORD,
    PAOLA,
    PAOLA_EMAIL,
    Raw,
    ok,
    pagoinrete_form,
    pagoinrete_user,
    refused,
)


@pytest.fixture
def portal(familycard_stub: Any) -> Iterator[Raw]:
    familycard_stub.control.set_clock("2026-03-02T08:00:00+01:00")
    with Raw(familycard_stub, "pagoinrete") as raw:
        yield raw


def kinds(portal: Raw, to: str = PAOLA_EMAIL) -> list[str]:
    return [m.kind for m in portal.emails(to)]


# R4.1 A tax code with an account ---------------------------------------------------------


@pytest.mark.parametrize(
    "form",
    [
        pytest.param(pagoinrete_form(KNOWN, email="nuovo@example.it"), id="full-form"),
        pytest.param({"tax_code": KNOWN, "captcha": "stub", "confirm": False}, id="first-step"),
    ],
)
def test_r4_1_a_tax_code_with_an_account_is_refused_and_keeps_its_account(portal, form):
    error = refused(portal.register(**form), 409, "already_registered")
    assert "same credentials" in error["message"]
    assert portal.stub.control.outbox() == []
    # The existing account keeps its e-mail: recovery goes there, not to the new address.
    ok(portal.post("/auth/forgot-password", json={"tax_code": KNOWN}))
    assert [m.kind for m in portal.emails(KNOWN_EMAIL)] == ["password_reset"]


def test_x2_a_wrong_anti_bot_answer_is_refused_at_the_first_step_too(portal):
    first_step = {"tax_code": PAOLA, "captcha": "robot", "confirm": False}
    refused(portal.register(**first_step), 400, "captcha_failed")
    refused(portal.register(**pagoinrete_form(captcha="robot")), 400, "captcha_failed")
    assert portal.stub.control.outbox() == []


def test_r4_2_the_first_step_creates_nothing(portal):
    first_step = {"tax_code": PAOLA, "captcha": "stub", "confirm": False}
    assert ok(portal.register(**first_step))["status"] == "preview"
    assert portal.stub.control.outbox() == []
    assert ok(portal.register(**pagoinrete_form()))["status"] == "pending_verification"


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        pytest.param({"accept_terms": False}, 400, "terms_not_accepted", id="terms"),
        pytest.param({"email": None}, 400, "missing_field", id="no-email"),
        pytest.param({"full_name": None}, 400, "missing_field", id="no-name"),
        pytest.param({"username": "paola"}, 400, "unexpected_field", id="username"),
        pytest.param({"tax_code": "VRDPLA82M41L219X"}, 400, "invalid_tax_code", id="tax-code"),
    ],
)
def test_r4_2_the_stub_checks_the_full_form(portal, change, status, code):
    form = {k: v for k, v in {**pagoinrete_form(), **change}.items() if v is not None}
    refused(portal.register(**form), status, code)
    assert portal.stub.control.outbox() == []


# R4.2 Verification, then credentials -----------------------------------------------------


def test_r4_2_a_verification_link_after_72_hours_is_refused_and_sends_no_credentials(
    portal, familycard_stub
):
    ok(portal.register(**pagoinrete_form()))
    token = portal.link_token(PAOLA_EMAIL, "verification")
    familycard_stub.control.advance_clock("72h1s")
    refused(portal.activate(token), 422, "activation_expired")
    assert kinds(portal) == ["verification"]
    # The registration was deleted: the tax code registers again.
    assert ok(portal.register(**pagoinrete_form()))["status"] == "pending_verification"


def test_x1_a_verification_link_is_single_use_and_sends_credentials_once(portal):
    ok(portal.register(**pagoinrete_form()))
    token = portal.link_token(PAOLA_EMAIL, "verification")
    ok(portal.activate(token))
    refused(portal.activate(token), 422, "invalid_link")
    assert kinds(portal) == ["verification", "credentials"]


def test_x3_recovery_for_a_registration_waiting_for_verification_sends_nothing(portal):
    ok(portal.register(**pagoinrete_form()))
    ok(portal.post("/auth/forgot-password", json={"tax_code": PAOLA}))
    assert kinds(portal) == ["verification"]


# R4.3 First login: password change, then consent ------------------------------------------


def test_r4_3_the_first_login_forces_a_password_change_before_anything(portal):
    user = pagoinrete_user(portal)
    assert portal.whoami(user.token)["must_change_password"] is True
    refused(portal.get("/profile", token=user.token), 403, "password_change_required")
    refused(portal.post("/auth/accept-terms", token=user.token), 403, "password_change_required")
    account = portal.whoami(user.token)
    assert (account["must_change_password"], account["terms_accepted"]) == (True, False)


def test_r4_3_after_the_password_change_the_terms_come_first(portal):
    user = pagoinrete_user(portal)
    change = {"old_password": user.password, "new_password": NEW_PASSWORD}
    ok(portal.post("/auth/change-password", token=user.token, json=change))
    refused(portal.get("/profile", token=user.token), 403, "terms_not_accepted")
    ok(portal.post("/auth/accept-terms", token=user.token))
    assert ok(portal.get("/profile", token=user.token))["terms_accepted"] is True


def test_r4_3_the_temporary_password_cannot_be_kept(portal):
    user = pagoinrete_user(portal)
    change = {"old_password": user.password, "new_password": user.password}
    refused(
        portal.post("/auth/change-password", token=user.token, json=change), 400, "password_reused"
    )
    assert portal.whoami(user.token)["must_change_password"] is True


# R4.1 and X3 Recovery -------------------------------------------------------------------


def test_x3_recovery_for_an_unknown_tax_code_answers_the_same_and_sends_nothing(portal):
    pagoinrete_user(portal, ready=True)
    known = ok(portal.post("/auth/forgot-password", json={"tax_code": PAOLA}))
    unknown = ok(portal.post("/auth/forgot-password", json={"tax_code": "RSSMRA15C45L304I"}))
    assert known["message"] == unknown["message"]
    assert kinds(portal).count("password_reset") == 1
    assert len(portal.stub.control.outbox()) == 3


def test_r4_1_recovery_needs_a_valid_tax_code(portal):
    refused(portal.post("/auth/forgot-password", json={"username": "lconti"}), 400, "missing_field")
    refused(
        portal.post("/auth/forgot-password", json={"tax_code": "CNTLGU79B12F205X"}),
        400,
        "invalid_tax_code",
    )
    assert portal.stub.control.outbox() == []


def test_r4_1_pagoinrete_has_no_elevation(portal):
    user = pagoinrete_user(portal, ready=True)
    error = refused(
        portal.post("/auth/elevate", token=user.token, json={"code": "X"}),
        400,
        "feature_not_supported",
    )
    assert error["details"] == {"feature": "elevation", "kind": "pagoinrete"}
