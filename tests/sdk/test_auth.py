"""`client.auth`: the requests it sends, what it returns, the errors it maps and the
forms it refuses before sending (R1.1-R1.4, R2.1-R2.2, R3.2, R3.4-R3.5, R4.1-R4.3, R5.1-R5.2)."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from sdk_support import error_body, idempotency_keys, sent_json, stub_portal_info

import familycard
from familycard import _constants as C
from familycard.models.accounts import Account, Ack, Registration, Session

CHILD = "GLLFNC16H15F205N"
PARENT = "RCCMNL83S18D969H"
LINK = "https://portal.test/tortona/links/Zx9-abc_123"


def account(**changes) -> dict:
    fields = {
        "username": "mrossi",
        "email": "mario.rossi@example.it",
        "tax_code": CHILD,
        "status": "active",
        "members": [CHILD],
    }
    return Account(**{**fields, **changes}).model_dump(mode="json")


def ack(message: str = "done") -> dict:
    return Ack(message=message).model_dump(mode="json")


def registration(**changes) -> dict:
    fields = {"status": "pending_activation", "message": "check your e-mail for the PIN"}
    return Registration(**{**fields, **changes}).model_dump(mode="json")


def session(**changes) -> dict:
    fields = {
        "token": "tok-123",
        "username": "mrossi",
        "expires_at": datetime(2026, 3, 2, 10, 30, tzinfo=UTC),
    }
    return Session(**{**fields, **changes}).model_dump(mode="json")


CITYCARD_FORM = {
    "tax_code": " gllfnc16h15f205n ",
    "email": "Mario.Rossi@Example.it",
    "username": "mrossi",
    "password": "s3cret-pass",
}


# register ------------------------------------------------------------------------------


def test_r1_1_citycard_register_posts_the_normalised_form_with_an_idempotency_key(portal, client):
    stub_portal_info(portal, "citycard")
    route = portal.post("/auth/register").respond(json=registration())

    result = client.auth.register(**CITYCARD_FORM, idempotency_key="reg-1")

    request = route.calls.last.request
    assert request.url.path == "/tortona/v1/auth/register"
    assert request.headers[C.IDEMPOTENCY_HEADER] == "reg-1"
    assert sent_json(route) == {
        "tax_code": CHILD,
        "email": "mario.rossi@example.it",
        "username": "mrossi",
        "password": "s3cret-pass",
        "accept_terms": False,
        "confirm": True,
    }
    assert isinstance(result, familycard.Registration)
    assert result.status == "pending_activation"
    assert result.message == "check your e-mail for the PIN"


def test_register_without_a_key_sends_a_fresh_one_reused_on_a_retry(portal, client):
    stub_portal_info(portal, "citycard")
    route = portal.post("/auth/register").mock(
        side_effect=[
            httpx.Response(503, json=error_body("portal_unavailable")),
            httpx.Response(200, json=registration()),
        ]
    )

    client.auth.register(**CITYCARD_FORM)

    first, second = idempotency_keys(route)
    assert first and len(first) == 32
    assert first == second


@pytest.mark.parametrize(
    ("kind", "form", "code", "error"),
    [
        pytest.param(
            "citycard",
            {k: v for k, v in CITYCARD_FORM.items() if k != "password"},
            "missing_field",
            familycard.InvalidInput,
            id="r1_1-citycard-without-password",
        ),
        pytest.param(
            "citycard",
            {**CITYCARD_FORM, "tax_code": "GLLFNC16H15F205X"},
            "invalid_tax_code",
            familycard.InvalidInput,
            id="r1_1-citycard-bad-check-character",
        ),
        pytest.param(
            "citycard",
            {**CITYCARD_FORM, "password": "short"},
            "weak_password",
            familycard.InvalidInput,
            id="citycard-weak-password",
        ),
        pytest.param(
            "citycard",
            {**CITYCARD_FORM, "username": "m rossi"},
            "invalid_username",
            familycard.InvalidInput,
            id="citycard-username-with-space",
        ),
        pytest.param(
            "entranext",
            {
                "tax_code": PARENT,
                "full_name": "Manuela Ricci",
                "email": "m@example.it",
                "username": "x",
            },
            "unexpected_field",
            familycard.InvalidInput,
            id="r2_1-entranext-username-is-the-tax-code",
        ),
        pytest.param(
            "etelka",
            {
                "email": "eva@example.hu",
                "full_name": "Kovács Éva",
                "username": "kovacseva",
                "password": "jelszo-123",
                "captcha": "stub",
            },
            "terms_not_accepted",
            familycard.InvalidInput,
            id="r3_2-etelka-terms-not-accepted",
        ),
        pytest.param(
            "utility",
            {"customer_code": "000002", "email": "c@example.it"},
            "missing_field",
            familycard.InvalidInput,
            id="r5_1-utility-without-vat",
        ),
    ],
)
def test_register_refuses_a_bad_form_without_sending(portal, client, kind, form, code, error):
    stub_portal_info(portal, kind)
    route = portal.post("/auth/register").respond(json=registration())

    with pytest.raises(error) as caught:
        client.auth.register(**form)

    assert caught.value.code == code
    assert not caught.value.sent
    assert not route.called


def test_r1_1_register_names_the_missing_fields(portal, client):
    stub_portal_info(portal, "citycard")
    route = portal.post("/auth/register").respond(json=registration())

    with pytest.raises(familycard.InvalidInput) as caught:
        client.auth.register(tax_code=CHILD, email="a@example.it")

    assert caught.value.details == {"fields": ["username", "password"]}
    assert not route.called


def test_register_is_refused_on_a_portal_without_accounts_without_sending(portal, client):
    stub_portal_info(portal, "citycard", features=["tokens"])
    route = portal.post("/auth/register").respond(json=registration())

    with pytest.raises(familycard.InvalidInput) as caught:
        client.auth.register(**CITYCARD_FORM)

    assert caught.value.code == "feature_not_supported"
    assert not caught.value.sent
    assert not route.called


def test_r3_2_etelka_register_sends_terms_and_captcha(portal, client):
    stub_portal_info(portal, "etelka")
    route = portal.post("/auth/register").respond(json=registration())

    client.auth.register(
        email="eva@example.hu",
        full_name="  Kovács   Éva ",
        username="kovacseva",
        password="jelszo-123",
        captcha="stub",
        accept_terms=True,
    )

    assert sent_json(route) == {
        "email": "eva@example.hu",
        "full_name": "Kovács Éva",
        "username": "kovacseva",
        "password": "jelszo-123",
        "captcha": "stub",
        "accept_terms": True,
        "confirm": True,
    }


def test_r4_1_pagoinrete_preview_needs_only_tax_code_and_captcha(portal, client):
    stub_portal_info(portal, "pagoinrete")
    route = portal.post("/auth/register").respond(
        json=registration(status="preview", message="this tax code has no account yet")
    )

    result = client.auth.register(tax_code=PARENT.lower(), captcha="stub", confirm=False)

    assert sent_json(route) == {
        "tax_code": PARENT,
        "captcha": "stub",
        "accept_terms": False,
        "confirm": False,
    }
    assert result.status == "preview"


def test_r5_1_utility_preview_returns_the_shown_name_and_address(portal, client):
    stub_portal_info(portal, "utility")
    route = portal.post("/auth/register").respond(
        json=registration(
            status="preview",
            message="confirm your data",
            shown_data={"name": "Mario Rossi", "address": "Via Roma 1, Prato"},
        )
    )

    result = client.auth.register(customer_code="000002", vat="00442530341", confirm=False)

    assert sent_json(route) == {
        "customer_code": "000002",
        "vat": "00442530341",
        "accept_terms": False,
        "confirm": False,
    }
    assert result.shown_data == {"name": "Mario Rossi", "address": "Via Roma 1, Prato"}


@pytest.mark.parametrize(
    ("status", "code", "error"),
    [
        pytest.param(422, "not_enrolled", familycard.RuleViolation, id="r1_2-not-enrolled"),
        pytest.param(409, "already_registered", familycard.Conflict, id="already-registered"),
        pytest.param(409, "username_taken", familycard.Conflict, id="username-taken"),
        pytest.param(400, "captcha_failed", familycard.InvalidInput, id="x2-captcha-failed"),
    ],
)
def test_register_maps_the_portals_refusal(portal, client, status, code, error):
    stub_portal_info(portal, "citycard")
    route = portal.post("/auth/register").respond(status, json=error_body(code, "no", row=1))

    with pytest.raises(error) as caught:
        client.auth.register(**CITYCARD_FORM)

    assert caught.value.code == code
    assert caught.value.details == {"row": 1}
    assert caught.value.sent
    assert route.call_count == 1  # a 4xx is never retried


# activate, reset -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "link",
    [
        pytest.param(LINK, id="link"),
        pytest.param(f"<{LINK}/>", id="link-in-angle-brackets"),
        pytest.param("https://portal.test/tortona/confirm?token=Zx9-abc_123", id="query-token"),
        pytest.param("  Zx9-abc_123 ", id="bare-token"),
    ],
)
@pytest.mark.parametrize("method", ["activate", "reset"])
def test_activate_and_reset_post_the_token_of_the_link(portal, client, method, link):
    route = portal.post(f"/auth/{method}").respond(json=ack("activated"))

    result = getattr(client.auth, method)(link)

    assert sent_json(route) == {"token": "Zx9-abc_123"}
    assert route.calls.last.request.headers[C.IDEMPOTENCY_HEADER]
    assert isinstance(result, familycard.Ack)
    assert result.ok is True
    assert result.message == "activated"


@pytest.mark.parametrize("method", ["activate", "reset"])
@pytest.mark.parametrize(
    "link",
    [
        pytest.param("https://portal.test/tortona/links/bad%20token", id="escaped-space"),
        pytest.param("", id="empty"),
        pytest.param("x" * 129, id="too-long"),
    ],
)
def test_activate_and_reset_refuse_what_is_not_a_link_without_sending(portal, client, method, link):
    route = portal.post(f"/auth/{method}").respond(json=ack())

    with pytest.raises(familycard.InvalidInput) as caught:
        getattr(client.auth, method)(link)

    assert caught.value.code == "invalid_link"
    assert not route.called


@pytest.mark.parametrize(
    ("method", "status", "code", "error"),
    [
        pytest.param("activate", 422, "activation_expired", familycard.RuleViolation, id="r3_2"),
        pytest.param("activate", 422, "invalid_link", familycard.RuleViolation, id="used-link"),
        pytest.param("reset", 422, "link_expired", familycard.RuleViolation, id="r3_5"),
        pytest.param("reset", 404, "account_not_found", familycard.NotFound, id="gone"),
    ],
)
def test_activate_and_reset_map_the_portals_refusal(portal, client, method, status, code, error):
    portal.post(f"/auth/{method}").respond(status, json=error_body(code))

    with pytest.raises(error) as caught:
        getattr(client.auth, method)(LINK)

    assert caught.value.code == code


# login, logout, whoami -----------------------------------------------------------------


def test_r3_4_login_posts_the_credentials_and_keeps_the_session(portal, client):
    route = portal.post("/auth/login").respond(json=session())
    whoami = portal.get("/auth/whoami").respond(json=account())

    result = client.auth.login("mrossi", "s3cret-pass")
    client.auth.whoami()

    assert sent_json(route) == {"username": "mrossi", "password": "s3cret-pass", "remember": False}
    assert "Authorization" not in route.calls.last.request.headers
    assert isinstance(result, familycard.Session)
    assert result.token == "tok-123"
    assert result.expires_at == datetime(2026, 3, 2, 10, 30, tzinfo=UTC)
    assert client.session_token == "tok-123"
    assert whoami.calls.last.request.headers["Authorization"] == "Bearer tok-123"


def test_r1_3_citycard_login_sends_the_pin(portal, client):
    route = portal.post("/auth/login").respond(json=session())

    client.auth.login("mrossi", "s3cret-pass", pin="48213")

    assert sent_json(route)["pin"] == "48213"


def test_r3_4_login_with_remember_me_asks_for_it(portal, client):
    route = portal.post("/auth/login").respond(json=session())

    client.auth.login("kovacseva", "jelszo-123", remember=True)

    assert sent_json(route)["remember"] is True


def test_r4_3_login_reports_a_temporary_password_and_missing_consent(portal, client):
    portal.post("/auth/login").respond(
        json=session(must_change_password=True, terms_accepted=False)
    )

    result = client.auth.login(PARENT, "Temp-1234")

    assert result.must_change_password is True
    assert result.terms_accepted is False


@pytest.mark.parametrize(
    "code",
    ["authentication_failed", "account_locked", "pin_required", "account_not_activated"],
)
def test_login_maps_a_401_to_authentication_failed_and_keeps_no_session(portal, client, code):
    portal.post("/auth/login").respond(401, json=error_body(code, "no entry"))

    with pytest.raises(familycard.AuthenticationFailed) as caught:
        client.auth.login("mrossi", "wrong-pass")

    assert caught.value.code == code
    assert caught.value.message == "no entry"
    assert client.session_token is None


def test_logout_posts_and_forgets_the_session(portal, client):
    client.session_token = "tok-123"
    route = portal.post("/auth/logout").respond(json=ack("logged out"))
    whoami = portal.get("/auth/whoami").respond(401, json=error_body("not_authenticated", "log in"))

    result = client.auth.logout()

    assert route.calls.last.request.headers["Authorization"] == "Bearer tok-123"
    assert route.calls.last.request.content == b""
    assert result.message == "logged out"
    assert client.session_token is None
    with pytest.raises(familycard.AuthenticationFailed):
        client.auth.whoami()
    assert "Authorization" not in whoami.calls.last.request.headers


def test_logout_refused_raises_authentication_failed(portal, client):
    client.session_token = "tok-old"
    portal.post("/auth/logout").respond(401, json=error_body("session_expired"))

    with pytest.raises(familycard.AuthenticationFailed) as caught:
        client.auth.logout()

    assert caught.value.code == "session_expired"


def test_whoami_gets_the_typed_account(portal, client):
    route = portal.get("/auth/whoami").respond(json=account(elevated=True))

    result = client.auth.whoami()

    assert route.calls.last.request.method == "GET"
    assert C.IDEMPOTENCY_HEADER not in route.calls.last.request.headers
    assert isinstance(result, familycard.Account)
    assert result.username == "mrossi"
    assert result.status == "active"
    assert result.elevated is True
    assert result.members == [CHILD]


@pytest.mark.parametrize(
    ("status", "code", "error"),
    [
        pytest.param(401, "session_expired", familycard.AuthenticationFailed, id="r3_4-idle"),
        pytest.param(403, "password_change_required", familycard.PermissionDenied, id="r4_3"),
    ],
)
def test_whoami_maps_the_portals_refusal(portal, client, status, code, error):
    portal.get("/auth/whoami").respond(status, json=error_body(code))

    with pytest.raises(error) as caught:
        client.auth.whoami()

    assert caught.value.code == code


# forgot_password ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "given", "sent"),
    [
        pytest.param(
            "citycard",
            {"username": " mrossi ", "email": "Mario@Example.it", "customer_code": "000002"},
            {"username": "mrossi", "email": "mario@example.it"},
            id="r1_4-citycard-username-and-email",
        ),
        pytest.param(
            "entranext",
            {"username": "rccmnl83s18d969h"},
            {"username": PARENT},
            id="entranext-username-is-the-tax-code",
        ),
        pytest.param(
            "etelka", {"username": "kovacseva"}, {"username": "kovacseva"}, id="r3_5-etelka"
        ),
        pytest.param(
            "pagoinrete",
            {"tax_code": "rccmnl83s18d969h"},
            {"tax_code": PARENT},
            id="r4_1-pagoinrete-tax-code",
        ),
        pytest.param(
            "utility",
            {"customer_code": " 000002 "},
            {"customer_code": "000002"},
            id="r5_2-utility-customer-code",
        ),
    ],
)
def test_forgot_password_sends_only_what_the_portal_kind_asks(portal, client, kind, given, sent):
    stub_portal_info(portal, kind)
    route = portal.post("/auth/forgot-password").respond(json=ack("e-mail sent"))

    result = client.auth.forgot_password(**given)

    assert sent_json(route) == sent
    assert result.message == "e-mail sent"


@pytest.mark.parametrize(
    ("kind", "given", "code"),
    [
        pytest.param("citycard", {"username": "mrossi"}, "missing_field", id="r1_4-no-email"),
        pytest.param("utility", {"username": "x"}, "missing_field", id="r5_2-no-customer-code"),
        pytest.param(
            "pagoinrete", {"tax_code": "RCCMNL83S18D969X"}, "invalid_tax_code", id="bad-cf"
        ),
        pytest.param(
            "citycard",
            {"username": "mrossi", "email": "not-an-email"},
            "invalid_email",
            id="bad-email",
        ),
    ],
)
def test_forgot_password_refuses_before_sending(portal, client, kind, given, code):
    stub_portal_info(portal, kind)
    route = portal.post("/auth/forgot-password").respond(json=ack())

    with pytest.raises(familycard.InvalidInput) as caught:
        client.auth.forgot_password(**given)

    assert caught.value.code == code
    assert not route.called


def test_forgot_password_maps_an_unknown_account_to_not_found(portal, client):
    stub_portal_info(portal, "etelka")
    portal.post("/auth/forgot-password").respond(404, json=error_body("account_not_found"))

    with pytest.raises(familycard.NotFound) as caught:
        client.auth.forgot_password(username="nobody")

    assert caught.value.code == "account_not_found"


# change_password, elevate, accept_terms ------------------------------------------------


def test_change_password_posts_old_and_new(portal, client):
    route = portal.post("/auth/change-password").respond(json=ack("password changed"))

    result = client.auth.change_password("Temp-1234", "brand-new-pass")

    assert sent_json(route) == {"old_password": "Temp-1234", "new_password": "brand-new-pass"}
    assert route.calls.last.request.headers[C.IDEMPOTENCY_HEADER]
    assert result.message == "password changed"


@pytest.mark.parametrize(
    "new", [pytest.param("1234567", id="seven-chars"), pytest.param(" " * 9, id="spaces")]
)
def test_change_password_refuses_a_weak_password_without_sending(portal, client, new):
    route = portal.post("/auth/change-password").respond(json=ack())

    with pytest.raises(familycard.InvalidInput) as caught:
        client.auth.change_password("Temp-1234", new)

    assert caught.value.code == "weak_password"
    assert not route.called


@pytest.mark.parametrize(
    ("status", "code", "error"),
    [
        pytest.param(401, "authentication_failed", familycard.AuthenticationFailed, id="wrong-old"),
        pytest.param(400, "password_reused", familycard.InvalidInput, id="reused"),
    ],
)
def test_change_password_maps_the_portals_refusal(portal, client, status, code, error):
    portal.post("/auth/change-password").respond(status, json=error_body(code))

    with pytest.raises(error) as caught:
        client.auth.change_password("Temp-1234", "brand-new-pass")

    assert caught.value.code == code


def test_r2_2_elevate_posts_the_stripped_code_and_returns_the_elevated_account(portal, client):
    route = portal.post("/auth/elevate").respond(json=account(elevated=True, tax_code=PARENT))

    result = client.auth.elevate("  EL-4821-XK \n")

    assert sent_json(route) == {"code": "EL-4821-XK"}
    assert result.elevated is True
    assert result.tax_code == PARENT


def test_r2_2_elevate_maps_a_wrong_code_to_rule_violation(portal, client):
    portal.post("/auth/elevate").respond(422, json=error_body("invalid_elevation_code"))

    with pytest.raises(familycard.RuleViolation) as caught:
        client.auth.elevate("EL-0000")

    assert caught.value.code == "invalid_elevation_code"


def test_r4_3_accept_terms_posts_no_body_and_returns_the_account(portal, client):
    route = portal.post("/auth/accept-terms").respond(json=account(terms_accepted=True))

    result = client.auth.accept_terms()

    assert route.calls.last.request.content == b""
    assert route.calls.last.request.headers[C.IDEMPOTENCY_HEADER]
    assert result.terms_accepted is True


def test_r4_3_accept_terms_maps_password_change_required_to_permission_denied(portal, client):
    portal.post("/auth/accept-terms").respond(403, json=error_body("password_change_required"))

    with pytest.raises(familycard.PermissionDenied) as caught:
        client.auth.accept_terms()

    assert caught.value.code == "password_change_required"
