"""Who a request is, and which portal it reaches (`server_stub/deps.py`), over raw HTTP.

The SDK always sends a known tenant, its session and the clerk key where needed; here
requests arrive without them, with wrong ones, or with another tenant's, and the stub
must refuse them before doing anything. Also the error bodies of malformed requests,
and how idempotency keys are scoped (per tenant, per account, never on a login).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from support_accounts import (
    ANNA,
    CLERK_KEY,
    EVA,
    GUARDIAN,
    LUCA,
    MARIA,
    NEW_PASSWORD,
    PASSWORD,
    Raw,
    citycard_row,
    citycard_user,
    entranext_row,
    etelka_row,
    etelka_user,
    ok,
    refused,
)


@pytest.fixture
def portal(familycard_stub: Any) -> Iterator[Raw]:
    with Raw(familycard_stub, "tortona") as raw:
        yield raw


@pytest.fixture
def root(familycard_stub: Any) -> Iterator[httpx.Client]:
    """httpx on the stub's root, for paths of no tenant or of any."""
    with httpx.Client(base_url=familycard_stub.url) as http:
        yield http


# unknown_portal --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        pytest.param("GET", "/nowhere/v1/portal", None, id="portal"),
        pytest.param("POST", "/nowhere/v1/auth/register", {"email": EVA}, id="register"),
        pytest.param(
            "POST", "/nowhere/v1/auth/login", {"username": "a", "password": "b"}, id="login"
        ),
        pytest.param("POST", "/nowhere/v1/clerk/enrolments", {"rows": []}, id="clerk"),
        pytest.param("GET", "/nowhere/links/some-token", None, id="link-page"),
        pytest.param("GET", "/Tortona/v1/portal", None, id="case-matters"),
    ],
)
def test_an_unknown_portal_is_refused_and_names_the_known_ones(
    root, familycard_stub, method, path, body
):
    response = root.request(method, path, json=body, headers={"X-Clerk-Key": CLERK_KEY})
    error = refused(response, 404, "unknown_portal")
    assert "tortona" in error["message"] and "jaszbereny" in error["message"]
    assert familycard_stub.control.outbox() == []


def test_an_unknown_portal_stores_nothing_even_with_a_valid_clerk_key(root, portal):
    row = {"rows": [{"row": 1, "data": citycard_row()}]}
    response = root.post(
        "/tortona-x/v1/clerk/enrolments", json=row, headers={"X-Clerk-Key": CLERK_KEY}
    )
    refused(response, 404, "unknown_portal")
    assert portal.enrolments() == []


# not_authenticated -----------------------------------------------------------------------

#: Ways of coming without a live session, by name.
NO_SESSION = {
    "no-header": {},
    "basic": {"Authorization": "Basic YW5uYTpzZWNyZXQ="},
    "bearer-no-token": {"Authorization": "Bearer"},
    "unknown-token": {"Authorization": "Bearer no-such-token"},
    "clerk-key-is-no-session": {"X-Clerk-Key": CLERK_KEY},
}
USER_ROUTES = [
    pytest.param("GET", "/auth/whoami", None, id="whoami"),
    pytest.param("GET", "/profile", None, id="profile"),
    pytest.param("POST", "/auth/logout", None, id="logout"),
    pytest.param(
        "POST",
        "/auth/change-password",
        {"old_password": PASSWORD, "new_password": NEW_PASSWORD},
        id="change-password",
    ),
    pytest.param("POST", "/auth/accept-terms", None, id="accept-terms"),
]


def outcomes(responses: dict[str, httpx.Response]) -> dict[str, tuple[int, str]]:
    """Each response's status and error code, by name (a readable diff when one differs)."""
    return {name: (r.status_code, r.json()["error"]["code"]) for name, r in responses.items()}


@pytest.mark.parametrize(("method", "path", "body"), USER_ROUTES)
def test_a_request_without_a_live_session_is_refused(portal, method, path, body):
    user = citycard_user(portal)
    responses = {
        name: portal.request(method, path, headers=headers, json=body)
        for name, headers in NO_SESSION.items()
    }
    assert outcomes(responses) == dict.fromkeys(NO_SESSION, (401, "not_authenticated"))
    refused(responses["no-header"], 401, "not_authenticated")
    # The account is as it was: its password and its session still work.
    assert portal.whoami(user.token)["username"] == user.username
    assert portal.token(user.username, PASSWORD, pin=user.pin)


def test_a_session_is_valid_only_on_its_own_portal(familycard_stub, portal):
    user = citycard_user(portal)
    with Raw(familycard_stub, "jaszbereny") as other:
        other.enrol(etelka_row(EVA))
        refused(other.get("/auth/whoami", token=user.token), 401, "not_authenticated")
        refused(other.get("/profile", token=user.token), 401, "not_authenticated")
    assert portal.whoami(user.token)["username"] == user.username


def test_a_logged_out_session_is_refused_and_the_others_stay(portal):
    user = citycard_user(portal)
    second = portal.token(user.username, PASSWORD, pin=user.pin)
    ok(portal.post("/auth/logout", token=user.token))
    refused(portal.get("/auth/whoami", token=user.token), 401, "not_authenticated")
    refused(portal.post("/auth/logout", token=user.token), 401, "not_authenticated")
    assert portal.whoami(second)["username"] == user.username


# clerk_key_required, invalid_clerk_key ----------------------------------------------------

CLERK_ROUTES = [
    pytest.param(
        "tortona",
        "POST",
        "/clerk/enrolments",
        {"rows": [{"row": 1, "data": citycard_row(LUCA)}]},
        id="enrol",
    ),
    pytest.param("tortona", "GET", "/clerk/enrolments", None, id="list"),
    pytest.param(
        "tortona", "POST", "/clerk/reset-credentials", {"tax_code": MARIA}, id="reset-credentials"
    ),
    pytest.param(
        "sala-baganza",
        "POST",
        "/clerk/elevation-codes",
        {"tax_code": GUARDIAN},
        id="elevation-code",
    ),
    pytest.param("jaszbereny", "POST", "/clerk/board", {"title": "T", "body": "B"}, id="board"),
]
#: Ways of coming without the clerk key, by name, and the refusal each gets.
NO_KEY = {
    "no-key": ({}, "clerk_key_required"),
    "empty-key": ({"X-Clerk-Key": ""}, "clerk_key_required"),
    "wrong-key": ({"X-Clerk-Key": CLERK_KEY + "x"}, "invalid_clerk_key"),
    "key-case": ({"X-Clerk-Key": CLERK_KEY.upper()}, "invalid_clerk_key"),
    "as-bearer": ({"Authorization": f"Bearer {CLERK_KEY}"}, "clerk_key_required"),
}


def clerk_visible(raw: Raw, user: Any) -> dict[str, Any]:
    """What a clerk request would change: enrolments, e-mails, the board (etelka)."""
    state = {"enrolments": raw.enrolments(), "outbox": raw.stub.control.outbox()}
    if raw.tenant == "jaszbereny":
        state["board"] = ok(raw.get("/board", token=user.token))
    return state


@pytest.mark.parametrize(("tenant", "method", "path", "body"), CLERK_ROUTES)
def test_a_clerk_request_without_the_clerk_key_is_refused_and_changes_nothing(
    familycard_stub, tenant, method, path, body
):
    with Raw(familycard_stub, tenant) as raw:
        # Each request, accepted, would change something: a new child, an e-mail, a message.
        user = None
        if tenant == "tortona":
            user = citycard_user(raw)
        elif tenant == "sala-baganza":
            raw.enrol(entranext_row())
        else:
            user = etelka_user(raw)
        before = clerk_visible(raw, user)
        responses = {
            name: raw.request(method, path, headers=headers, json=body)
            for name, (headers, _) in NO_KEY.items()
        }
        assert outcomes(responses) == {name: (403, code) for name, (_, code) in NO_KEY.items()}
        refused(responses["wrong-key"], 403, "invalid_clerk_key")
        assert clerk_visible(raw, user) == before


def test_a_user_session_is_not_the_clerk_key(portal):
    user = citycard_user(portal)
    body = {"rows": [{"row": 1, "data": citycard_row(LUCA)}]}
    response = portal.post("/clerk/enrolments", token=user.token, json=body)
    refused(response, 403, "clerk_key_required")
    assert [e["child_tax_code"] for e in portal.enrolments()] == [MARIA]


# Malformed requests ------------------------------------------------------------------------


def test_a_malformed_body_is_refused_as_invalid_request(portal):
    response = portal.post(
        "/auth/register", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    error = refused(response, 400, "invalid_request")
    assert error["details"]["problems"]
    assert portal.stub.control.outbox() == []


def test_an_invalid_request_never_echoes_the_input(portal):
    secret = "hunter2-very-secret"
    response = portal.post("/auth/login", json={"username": "anna", "password": [secret]})
    error = refused(response, 400, "invalid_request")
    assert error["details"]["problems"][0]["field"] == "password"
    assert secret not in response.text


def test_a_missing_field_is_named(portal):
    error = refused(portal.post("/auth/login", json={"username": "anna"}), 400, "invalid_request")
    assert error["message"].startswith("password:")


def test_an_unknown_path_and_a_wrong_method_get_the_error_body(portal):
    refused(portal.get("/no-such-area"), 404, "not_found")
    refused(portal.delete("/portal"), 405, "method_not_allowed")


# Idempotency keys are scoped -----------------------------------------------------------------


def test_an_idempotency_key_stays_bound_to_its_account_across_logins(familycard_stub):
    with Raw(familycard_stub, "jaszbereny") as raw:
        user = etelka_user(raw)
        key = {"Idempotency-Key": "phone-1"}
        ok(raw.patch("/profile", token=user.token, headers=key, json={"phone": "+36 1"}))
        again = raw.token(user.username, PASSWORD)
        other_body = raw.patch("/profile", token=again, headers=key, json={"phone": "+36 2"})
        refused(other_body, 409, "idempotency_key_reused")
        assert ok(raw.get("/profile", token=again))["phone"] == "+36 1"
        replay = raw.patch("/profile", token=again, headers=key, json={"phone": "+36 1"})
        assert replay.headers["Idempotent-Replayed"] == "true"


def test_the_same_key_from_two_accounts_is_two_requests(portal):
    maria = citycard_user(portal)
    luca = citycard_user(portal, LUCA, "anna.luca")
    key = {"Idempotency-Key": "new-password"}
    for user, new in ((maria, NEW_PASSWORD), (luca, NEW_PASSWORD + "x")):
        change = {"old_password": PASSWORD, "new_password": new}
        response = portal.post("/auth/change-password", token=user.token, headers=key, json=change)
        assert response.status_code == 200, response.text
        assert "Idempotent-Replayed" not in response.headers
        assert portal.token(user.username, new, pin=user.pin)


def test_the_same_key_on_two_portals_is_two_requests(familycard_stub, portal):
    key = {"Idempotency-Key": "start-of-year"}
    first = portal.post(
        "/clerk/enrolments",
        clerk=True,
        headers=key,
        json={"rows": [{"row": 1, "data": citycard_row()}]},
    )
    assert ok(first)[0]["status"] == "created"
    with Raw(familycard_stub, "sala-baganza") as other:
        second = other.post(
            "/clerk/enrolments",
            clerk=True,
            headers=key,
            json={"rows": [{"row": 1, "data": entranext_row()}]},
        )
        assert ok(second)[0]["status"] == "created"
        assert "Idempotent-Replayed" not in second.headers
        assert len(other.enrolments()) == 1


def test_a_login_is_never_replayed_nor_bound_to_its_key(portal):
    user = citycard_user(portal)
    key = {"Idempotency-Key": "login"}
    body = {"username": user.username, "password": PASSWORD, "pin": user.pin}
    first = ok(portal.post("/auth/login", headers=key, json=body))
    second = portal.post("/auth/login", headers=key, json=body)
    assert "Idempotent-Replayed" not in second.headers
    assert ok(second)["token"] != first["token"]
    wrong = portal.post("/auth/login", headers=key, json={**body, "password": "wrong-pass"})
    refused(wrong, 401, "authentication_failed")
    assert [m.kind for m in portal.emails(ANNA)] == ["pin"]
