"""Helpers of the stub's refusal tests (meals, tokens, payments, notices, utility).

The SDK refuses most bad requests before sending, so the stub's own checks are only
reached by raw HTTP.  These helpers set a family up through the SDK (enrol, register,
activate), hand back plain httpx clients logged in on the portal's API, check a
refusal's error body, and read state back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import httpx
import pytest

import familycard

CLERK_KEY = "stub-clerk-key"
PASSWORD = "secret-pass-1"
SUCCESS_CARD = "4242424242424242"
DECLINED_CARD = "4000000000000002"


def refused(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """Assert the portal's error body `{"error": {"code", "message", "details"}}`; return it."""
    assert response.status_code == status, response.text[:2000]
    error: dict[str, Any] = response.json()["error"]
    assert set(error) == {"code", "message", "details"}, error
    assert error["code"] == code, error
    assert error["message"], error
    assert isinstance(error["details"], dict), error
    return error


def refused_somehow(stub: Any, response: httpx.Response) -> dict[str, Any]:
    """A refusal, 4xx with the portal's error body, where the right code is not settled.

    For the tests of stub bugs (marked xfail): a 5xx fails the test without a traceback,
    once the stub has logged its own.  Python 3.11's `ast` is not thread-safe, and both
    pytest's report and the stub's traceback use it ("AST constructor recursion depth
    mismatch" otherwise).
    """
    if response.status_code >= 500:
        httpx.get(stub.url + "/_stub/clock")  # served once the failed request has logged
        pytest.fail(f"the stub answered HTTP {response.status_code}", pytrace=False)
    assert 400 <= response.status_code < 500, response.text[:2000]
    error: dict[str, Any] = response.json()["error"]
    assert set(error) == {"code", "message", "details"}, error
    return error


def ok(response: httpx.Response) -> Any:
    """The JSON body of a 200 response."""
    assert response.status_code == 200, response.text[:2000]
    return response.json()


class Relogin(httpx.Auth):
    """A bearer token that logs in again when the stub clock outran the session."""

    def __init__(self, login: Callable[[], str]) -> None:
        self.login = login
        self.token = login()

    def auth_flow(self, request: httpx.Request) -> Iterator[httpx.Request]:
        request.headers["Authorization"] = f"Bearer {self.token}"
        response = yield request
        if response.status_code == 401:
            self.token = self.login()
            request.headers["Authorization"] = f"Bearer {self.token}"
            yield request


def login(url: str, username: str, password: str, pin: str | None = None) -> str:
    """A new session's token, by plain HTTP."""
    body = {"username": username, "password": password}
    if pin is not None:
        body["pin"] = pin
    with httpx.Client(base_url=url + "/v1") as http:
        return str(ok(http.post("/auth/login", json=body))["token"])


def user_api(url: str, username: str, password: str, pin: str | None = None) -> httpx.Client:
    """httpx on a portal's API as a logged-in user (logging in again when needed)."""
    auth = Relogin(lambda: login(url, username, password, pin))
    return httpx.Client(base_url=url + "/v1", auth=auth)


def clerk_api(url: str) -> httpx.Client:
    """httpx on a portal's API with the clerk key."""
    return httpx.Client(base_url=url + "/v1", headers={"X-Clerk-Key": CLERK_KEY})


def enrol(url: str, rows: Sequence[Mapping[str, str]]) -> None:
    """The clerk enrols rows; each must be created."""
    with familycard.Client(url, clerk_key=CLERK_KEY) as sdk:
        results = sdk.clerk.enroll_many(list(rows))
    assert [r.status for r in results] == ["created"] * len(rows), results


# One portal kind each -----------------------------------------------------------------


def etelka_parent(stub: Any, url: str, *, email: str, username: str, name: str) -> httpx.Client:
    """A parent registered and activated on an etelka portal (enrolled before), logged in."""
    with familycard.Client(url) as sdk:
        sdk.auth.register(
            email=email,
            full_name=name,
            username=username,
            password=PASSWORD,
            captcha="stub",
            accept_terms=True,
        )
        sdk.auth.activate(stub.control.last_email(email, kind="activation").data["link"])
    return user_api(url, username, PASSWORD)


def citycard_child(
    stub: Any, url: str, *, tax_code: str, email: str, username: str
) -> httpx.Client:
    """One child's citycard registration (enrolled before), logged in with the PIN."""
    with familycard.Client(url) as sdk:
        sdk.auth.register(tax_code=tax_code, email=email, username=username, password=PASSWORD)
    pin = str(stub.control.last_email(email, kind="pin").data["pin"])
    return user_api(url, username, PASSWORD, pin)


def entranext_family(stub: Any, url: str, *, tax_code: str, name: str, email: str) -> httpx.Client:
    """A family registered on entranext (enrolled before): confirmed, logged in, not elevated."""
    with familycard.Client(url) as sdk:
        sdk.auth.register(tax_code=tax_code, full_name=name, email=email)
        sdk.auth.activate(stub.control.last_email(email, kind="confirmation").data["link"])
    password = str(stub.control.last_email(email, kind="credentials").data["password"])
    return user_api(url, tax_code, password)


def pagoinrete_family(stub: Any, url: str, *, tax_code: str, name: str, email: str) -> httpx.Client:
    """A family on pagoinrete (enrolled before): verified, password changed, terms accepted."""
    with familycard.Client(url) as sdk:
        sdk.auth.register(
            tax_code=tax_code, captcha="stub", full_name=name, email=email, accept_terms=True
        )
        sdk.auth.activate(stub.control.last_email(email, kind="verification").data["link"])
        mail = stub.control.last_email(email, kind="credentials")
        username, temporary = str(mail.data["username"]), str(mail.data["password"])
        sdk.auth.login(username, temporary)
        sdk.auth.change_password(temporary, PASSWORD)
        sdk.auth.accept_terms()
    return user_api(url, username, PASSWORD)
