"""The utility's customer area (energia) refuses on its own: R5.1-R5.2, R5.5-R5.6, X3."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from support_accounts import (
    CUSTOMER,
    CUSTOMER_EMAIL,
    NEW_PASSWORD,
    OTHER_CUSTOMER,
    OTHER_VAT,
    VAT,
    Raw,
    ok,
    refused,
    utility_form,
    utility_row,
    utility_user,
)


@pytest.fixture
def portal(familycard_stub: Any) -> Iterator[Raw]:
    with Raw(familycard_stub, "energia") as raw:
        yield raw


def kinds(portal: Raw, to: str = CUSTOMER_EMAIL) -> list[str]:
    return [m.kind for m in portal.emails(to)]


# R5.1 Registration ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("customer", "vat"),
    [
        pytest.param("999999", VAT, id="unknown-customer"),
        pytest.param(CUSTOMER, OTHER_VAT, id="vat-of-another-customer"),
        pytest.param(OTHER_CUSTOMER, VAT, id="customer-of-another-vat"),
    ],
)
@pytest.mark.parametrize("confirm", [True, False], ids=["confirmed", "preview"])
def test_r5_1_customer_code_and_vat_must_match_an_invoice(portal, customer, vat, confirm):
    portal.enrol(utility_row(), utility_row(OTHER_CUSTOMER, OTHER_VAT, "IT001E20000002"))
    error = refused(
        portal.register(**utility_form(customer, vat, confirm=confirm)), 422, "not_enrolled"
    )
    # Nothing of the customer's data is shown to someone who does not match.
    assert "CARLA" not in error["message"]
    assert error["details"] == {}
    assert portal.stub.control.outbox() == []


def test_r5_1_a_customer_registers_once(portal):
    utility_user(portal)
    refused(portal.register(**utility_form()), 409, "already_registered")
    refused(portal.register(**utility_form(confirm=False)), 409, "already_registered")
    assert kinds(portal) == ["credentials"]


def test_r5_1_the_preview_creates_nothing(portal):
    portal.enrol(utility_row())
    preview = ok(portal.register(**utility_form(confirm=False)))
    assert preview["status"] == "preview"
    assert preview["shown_data"]["customer_name"] == "CARLA NERI"
    assert portal.stub.control.outbox() == []
    refused(portal.login(CUSTOMER, "anything-1"), 401, "authentication_failed")


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        pytest.param({"customer_code": "20000"}, 400, "invalid_customer_code", id="5-digits"),
        pytest.param({"vat": "01234560042"}, 400, "invalid_vat_number", id="vat-check"),
        pytest.param({"email": None}, 400, "missing_field", id="no-email"),
        pytest.param({"username": CUSTOMER}, 400, "unexpected_field", id="username"),
        pytest.param({"password": "secret-pass-1"}, 400, "unexpected_field", id="password"),
    ],
)
def test_r5_1_the_stub_checks_the_registration_form(portal, change, status, code):
    portal.enrol(utility_row())
    form = {k: v for k, v in {**utility_form(), **change}.items() if v is not None}
    refused(portal.register(**form), status, code)
    assert portal.stub.control.outbox() == []
    assert ok(portal.register(**utility_form()))["status"] == "active"


# R5.2 Forgot password and X3 -----------------------------------------------------------


def test_x3_forgot_password_for_an_unknown_customer_answers_the_same_and_sends_nothing(portal):
    user = utility_user(portal)
    unknown = ok(portal.post("/auth/forgot-password", json={"customer_code": "999999"}))
    known = ok(portal.post("/auth/forgot-password", json={"customer_code": CUSTOMER}))
    assert unknown["message"] == known["message"]
    assert kinds(portal) == ["credentials", "new_password"]
    new = portal.last(CUSTOMER_EMAIL, "new_password").data["password"]
    refused(portal.login(CUSTOMER, user.password), 401, "authentication_failed")
    assert portal.token(CUSTOMER, new)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        pytest.param({"username": CUSTOMER}, "missing_field", id="username"),
        pytest.param({"customer_code": "2000011"}, "invalid_customer_code", id="7-digits"),
    ],
)
def test_r5_2_forgot_password_needs_the_customer_code(portal, body, code):
    user = utility_user(portal)
    refused(portal.post("/auth/forgot-password", json=body), 400, code)
    assert kinds(portal) == ["credentials"]
    assert portal.token(CUSTOMER, user.password)


# R5.5-R5.6 Password and personal data ----------------------------------------------------


def test_r5_5_changing_the_password_needs_the_current_one(portal):
    user = utility_user(portal)
    change = {"old_password": "not-it-123", "new_password": NEW_PASSWORD}
    refused(
        portal.post("/auth/change-password", token=user.token, json=change),
        401,
        "authentication_failed",
    )
    refused(portal.login(CUSTOMER, NEW_PASSWORD), 401, "authentication_failed")
    assert portal.token(CUSTOMER, user.password)


@pytest.mark.parametrize(
    ("changes", "status", "code"),
    [
        pytest.param({"full_name": "CARLA BIANCHI"}, 400, "field_not_editable", id="name"),
        pytest.param({"phone": "0574 1", "full_name": "X"}, 400, "field_not_editable", id="mixed"),
        pytest.param({"email": "carla@"}, 400, "invalid_email", id="bad-email"),
        pytest.param({"phone": None}, 400, "missing_field", id="nothing"),
    ],
)
def test_r5_6_only_phone_fax_and_email_can_be_changed(portal, changes, status, code):
    user = utility_user(portal)
    refused(portal.patch("/profile", token=user.token, json=changes), status, code)
    profile = ok(portal.get("/profile", token=user.token))
    assert (profile["full_name"], profile["phone"]) == ("CARLA NERI", None)
    assert profile["email"] == CUSTOMER_EMAIL


@pytest.mark.parametrize(
    ("method", "path", "feature"),
    [
        pytest.param("DELETE", "/profile", "profile_delete", id="delete-profile"),
        pytest.param("GET", "/profile/notifications", "notifications", id="notifications"),
        pytest.param(
            "POST", "/profile/notifications/restore-defaults", "notifications", id="restore"
        ),
    ],
)
def test_r5_6_the_profile_cannot_be_deleted_nor_notifications_set(portal, method, path, feature):
    user = utility_user(portal)
    error = refused(portal.request(method, path, token=user.token), 400, "feature_not_supported")
    assert error["details"] == {"feature": feature, "kind": "utility"}
    assert ok(portal.get("/profile", token=user.token))["username"] == CUSTOMER
