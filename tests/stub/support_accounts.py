"""Helpers of the tests where the stub refuses on its own: raw HTTP, accounts of each kind.

The SDK checks most requests before sending them, so the stub's own checks would go
untested; these helpers send plain httpx requests, with no SDK in between. Each
`*_user` helper takes an account of its kind through the portal's real story
(enrolment, registration, the e-mailed link or PIN) up to a session.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from familycard.identifiers import sample_vat_number
from familycard.rules.links import token_from_link

CLERK_KEY = "stub-clerk-key"
CAPTCHA = "stub"
PASSWORD = "secret-pass-1"
NEW_PASSWORD = "other-pass-22"

# citycard (tortona): one registration per enrolled child (R1.1).
MARIA = "RSSMRA15C45L304I"
LUCA = "RSSLCU17P10L304J"
ANNA = "anna.rossi@example.it"

# entranext (sala-baganza): the guardian's tax code is the username (R2.1).
GUARDIAN = "BNCGPP80A01H223F"
GUARDIAN_EMAIL = "giuseppe.bianchi@example.it"
OTHER_GUARDIAN = "VRDPLA82M41L219E"
OTHER_GUARDIAN_EMAIL = "paola.verdi@example.it"

# etelka (jaszbereny): parents whose e-mail the clerk recorded (R3.1).
EVA = "kovacs.eva@example.hu"
PETER = "kovacs.peter@example.hu"
BENCE = "Kovács Bence"

# pagoinrete: one account known from the ministry's other service (R4.1), one new.
KNOWN = "CNTLGU79B12F205D"
KNOWN_EMAIL = "luigi.conti@example.it"
PAOLA = "VRDPLA82M41L219E"
PAOLA_EMAIL = "paola.verdi@example.it"

# utility (energia): a customer with an electricity POD (R5.1).
CUSTOMER, VAT, CUSTOMER_EMAIL = "200001", sample_vat_number(201), "carla.neri@example.it"
OTHER_CUSTOMER, OTHER_VAT = "200002", sample_vat_number(202)
POD = "IT001E20000001"


def citycard_row(child: str = MARIA, email: str = ANNA, service: str = "mensa") -> dict[str, str]:
    return {
        "child_tax_code": child,
        "child_name": "R R",
        "guardian_email": email,
        "service": service,
    }


def entranext_row(guardian: str = GUARDIAN, email: str = GUARDIAN_EMAIL) -> dict[str, str]:
    return {
        "guardian_tax_code": guardian,
        "guardian_name": "G B",
        "guardian_email": email,
        "child_tax_code": "BNCLNE16D52H223T" if guardian == GUARDIAN else "VRDGLI15T03L219M",
        "child_name": "E B",
        "service": "mensa",
    }


def etelka_row(
    email: str = EVA, child: str = BENCE, institution: str = "Petőfi Általános Iskola"
) -> dict[str, str]:
    return {
        "guardian_email": email,
        "child_name": child,
        "institution": institution,
        "age_group": "primary",
    }


def utility_row(
    customer: str = CUSTOMER, vat: str = VAT, point: str = POD, **extra: str
) -> dict[str, str]:
    return {
        "customer_code": customer,
        "tax_code_or_vat": vat,
        "customer_name": "CARLA NERI",
        "address": "VIA PO 1 59100 PRATO (PO)",
        "email": CUSTOMER_EMAIL,
        "supply_point": point,
        "supply_kind": "electricity",
        **extra,
    }


class Raw:
    """Plain httpx on one tenant's API (`<portal>/v1`): no SDK, no check before sending."""

    def __init__(self, stub: Any, tenant: str) -> None:
        self.stub = stub
        self.tenant = tenant
        self.url = stub.portal_url(tenant)
        self.http = httpx.Client(base_url=self.url + "/v1")

    def __enter__(self) -> Raw:
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        clerk: bool = False,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """One request, as a user with `token`, as the clerk, or anonymous."""
        sent = dict(headers or {})
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        if clerk:
            sent["X-Clerk-Key"] = CLERK_KEY
        return self.http.request(method, path, headers=sent, **kwargs)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", path, **kwargs)

    # Steps every test needs ----------------------------------------------------------

    def enrol(self, *rows: dict[str, str]) -> list[dict[str, Any]]:
        """The clerk enrols rows; each one must be created."""
        batch = {"rows": [{"row": n, "data": row} for n, row in enumerate(rows, start=1)]}
        results: list[dict[str, Any]] = ok(self.post("/clerk/enrolments", clerk=True, json=batch))
        assert [r["status"] for r in results] == ["created"] * len(rows), results
        return results

    def enrolments(self) -> list[dict[str, Any]]:
        """The data of every enrolment of the tenant, oldest first."""
        page = ok(self.get("/clerk/enrolments", clerk=True))
        return [item["data"] for item in page["items"]]

    def register(self, **form: Any) -> httpx.Response:
        return self.post("/auth/register", json=form)

    def login(self, username: str, password: str, **extra: Any) -> httpx.Response:
        return self.post("/auth/login", json={"username": username, "password": password, **extra})

    def token(self, username: str, password: str, **extra: Any) -> str:
        """A session token; the login must succeed."""
        token: str = ok(self.login(username, password, **extra))["token"]
        return token

    def activate(self, token: str) -> httpx.Response:
        """Follow an activation or verification link, by its token."""
        return self.post("/auth/activate", json={"token": token})

    def reset(self, token: str) -> httpx.Response:
        """Follow a password-reset link, by its token."""
        return self.post("/auth/reset", json={"token": token})

    def whoami(self, token: str) -> dict[str, Any]:
        found: dict[str, Any] = ok(self.get("/auth/whoami", token=token))
        return found

    def emails(self, to: str, kind: str | None = None) -> list[Any]:
        """The outbox of one address (of this tenant), optionally of one kind."""
        found = self.stub.control.outbox(to=to, tenant=self.tenant)
        return [m for m in found if kind is None or m.kind == kind]

    def last(self, to: str, kind: str) -> Any:
        found = self.emails(to, kind)
        assert found, f"no {kind} e-mail to {to}"
        return found[-1]

    def link_token(self, to: str, kind: str) -> str:
        """The token of the link in the last e-mail of a kind."""
        return token_from_link(self.last(to, kind).data["link"])


def ok(response: httpx.Response) -> Any:
    """The JSON body of a successful response."""
    assert response.status_code < 400, response.text
    return response.json()


def refused(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """Assert the portal's error body `{"error": {"code", "message", "details"}}`; return it."""
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == code, error
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["details"], dict)
    return error


# One account of each kind, up to a session ---------------------------------------------


@dataclass
class User:
    """An account and a session on it."""

    username: str
    password: str
    token: str
    pin: str | None = None


def citycard_form(child: str = MARIA, username: str = "anna.maria", **extra: Any) -> dict[str, Any]:
    form = {"tax_code": child, "email": ANNA, "username": username, "password": PASSWORD}
    return {**form, **extra}


def citycard_user(raw: Raw, child: str = MARIA, username: str = "anna.maria") -> User:
    """R1.1-R1.3: enrol the child, register it, log in with the e-mailed PIN."""
    raw.enrol(citycard_row(child))
    ok(raw.register(**citycard_form(child, username)))
    pin = raw.last(ANNA, "pin").data["pin"]
    return User(username, PASSWORD, raw.token(username, PASSWORD, pin=pin), pin)


def entranext_form(guardian: str = GUARDIAN, email: str = GUARDIAN_EMAIL) -> dict[str, Any]:
    return {"tax_code": guardian, "full_name": "Giuseppe Bianchi", "email": email}


def entranext_user(raw: Raw, guardian: str = GUARDIAN, email: str = GUARDIAN_EMAIL) -> User:
    """R2.1: enrol, register, confirm with the link; the password comes by e-mail."""
    raw.enrol(entranext_row(guardian, email))
    ok(raw.register(**entranext_form(guardian, email)))
    ok(raw.activate(raw.link_token(email, "confirmation")))
    password = raw.last(email, "credentials").data["password"]
    return User(guardian, password, raw.token(guardian, password))


def etelka_form(email: str = EVA, username: str = "eva", **extra: Any) -> dict[str, Any]:
    form = {
        "email": email,
        "full_name": "Kovács Éva",
        "username": username,
        "password": PASSWORD,
        "accept_terms": True,
        "captcha": CAPTCHA,
    }
    return {**form, **extra}


def etelka_user(raw: Raw, email: str = EVA, username: str = "eva", *, enrol: bool = True) -> User:
    """R3.1-R3.2: the clerk records the e-mail, the parent registers and activates."""
    if enrol:
        raw.enrol(etelka_row(email))
    ok(raw.register(**etelka_form(email, username)))
    ok(raw.activate(raw.link_token(email, "activation")))
    return User(username, PASSWORD, raw.token(username, PASSWORD))


def pagoinrete_form(tax_code: str = PAOLA, **extra: Any) -> dict[str, Any]:
    form = {
        "tax_code": tax_code,
        "captcha": CAPTCHA,
        "full_name": "Paola Verdi",
        "email": PAOLA_EMAIL,
        "accept_terms": True,
    }
    return {**form, **extra}


def pagoinrete_user(raw: Raw, *, ready: bool = False) -> User:
    """R4.2-R4.3: register, verify the address, log in with the temporary password;
    `ready`: also change the password and accept the terms."""
    ok(raw.register(**pagoinrete_form()))
    ok(raw.activate(raw.link_token(PAOLA_EMAIL, "verification")))
    credentials = raw.last(PAOLA_EMAIL, "credentials").data
    user = User(credentials["username"], credentials["password"], "")
    user.token = raw.token(user.username, user.password)
    if ready:
        change = {"old_password": user.password, "new_password": NEW_PASSWORD}
        ok(raw.post("/auth/change-password", token=user.token, json=change))
        ok(raw.post("/auth/accept-terms", token=user.token))
        user.password = NEW_PASSWORD
    return user


def utility_form(customer: str = CUSTOMER, vat: str = VAT, **extra: Any) -> dict[str, Any]:
    return {"customer_code": customer, "vat": vat, "email": CUSTOMER_EMAIL, **extra}


def utility_user(raw: Raw) -> User:
    """R5.1: enrol the customer, register with customer code and VAT; the password is e-mailed."""
    raw.enrol(utility_row())
    ok(raw.register(**utility_form()))
    password = raw.last(CUSTOMER_EMAIL, "credentials").data["password"]
    return User(CUSTOMER, password, raw.token(CUSTOMER, password))
